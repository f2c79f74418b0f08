//! Fixes are proven, not trusted: every fixture case with a fix is copied, fixed with
//! `tlslint check --fix --unsafe-fixes`, and checked again. The fixed findings must be gone,
//! no finding may appear that was not there (an `invalid-value` above all: a fix the program
//! rejects), and where the program is installed it must judge the fixed config as it judged
//! the original (`nginx -t`, `postconf`, `doveconf -n`, `haproxy -c`, `apache2 -t`): a config it accepted stays accepted,
//! and one it refused (fixtures name certificates that do not exist) is refused for the same
//! reason, not a new one.

pub mod support;

#[path = "support/httpd.rs"]
pub mod httpd;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Checks that may report what a bad fix leaves behind, run beside the fixture's own.
const GUARDS: &str = "invalid-value,cipher-string-error,unknown-cipher-word,unknown-setting,\
ineffective-setting,deprecated-directive";

fn tlslint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tlslint"))
}

/// `--target` flags from a case name, as tests/checks.rs reads them.
fn targets(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for program in tlslint::model::Targets::PROGRAMS {
        for (i, _) in name.match_indices(&format!("{program}-")) {
            let v: String = name[i + program.len() + 1..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let v = v.trim_end_matches('.');
            if v.contains('.') || (program == "seclevel" && !v.is_empty()) {
                out.push(format!("--target={program}={v}"));
            }
        }
    }
    for (i, _) in name.match_indices("go-") {
        let v: String = name[i + 3..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let v = v.trim_end_matches('.');
        if v.contains('.') {
            out.push(format!("--target=go={v}"));
        }
    }
    out
}

/// One finding as compared before and after: check, endpoint key, message.
type Seen = (String, String, String);

/// Runs a check and returns every finding and those carrying a fix.
fn findings(case: &Path, args: &[String]) -> (BTreeSet<Seen>, BTreeSet<Seen>) {
    let out = tlslint()
        .args(["check", "--no-config", "--format", "json", "--exit-zero"])
        .args(args)
        .arg(case)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no JSON ({e}): {}",
            case.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut all = BTreeSet::new();
    let mut fixable = BTreeSet::new();
    for f in doc["findings"].as_array().into_iter().flatten() {
        let seen = (
            f["rule"].as_str().unwrap_or_default().to_owned(),
            f["key"].as_str().unwrap_or_default().to_owned(),
            f["message"].as_str().unwrap_or_default().to_owned(),
        );
        if !f["fix"].is_null() {
            fixable.insert(seen.clone());
        }
        all.insert(seen);
    }
    (all, fixable)
}

/// `apache2 -t` on a copy of the case in a private directory, with the key material of
/// `keys` (see `support/httpd.rs`): success, and what it said.
fn httpd_verdict(case: &Path, keys: &Path) -> Option<(bool, String)> {
    let apache2 = httpd::apache2()?;
    let work = tempfile::tempdir().ok()?;
    let dir = work.path().join("httpd");
    let entry = if case.is_dir() {
        httpd::copy_case(case, &dir, keys);
        ["apache2.conf", "httpd.conf"]
            .into_iter()
            .map(|n| dir.join(n))
            .find(|p| p.exists())?
    } else {
        fs::create_dir_all(&dir).ok()?;
        let entry = dir.join(case.file_name()?);
        httpd::copy_case(case, &entry, keys);
        entry
    };
    let (ok, said) = httpd::httpd_accepts(&apache2, &dir, &entry);
    Some((ok, said.replace(&dir.display().to_string(), "CASE")))
}

/// What a program says of a config: success, or its first complaint without line numbers
/// and paths (a fix that inserts a line moves the rest). `keys` holds the certificate, key
/// and DH parameters httpd is given in place of the config's (httpd checks they exist).
fn verdict(case: &Path, dialect: &str, keys: Option<&Path>) -> Option<String> {
    let file = |name: &str| {
        if case.is_dir() {
            case.join(name)
        } else {
            case.to_path_buf()
        }
    };
    let out = match dialect {
        "nginx" if support::require_program("nginx", "fix acceptance by nginx -t") => {
            let conf = file("nginx.conf");
            let dir = conf.parent()?.to_path_buf();
            Command::new("nginx")
                .arg("-p")
                .arg(&dir)
                .arg("-c")
                .arg(&conf)
                .args(["-e", "/dev/null", "-t", "-q"])
                .output()
                .ok()?
        }
        "postfix" if support::require_program("postconf", "fix acceptance by postconf") => {
            Command::new("postconf")
                .arg("-c")
                .arg(case)
                .arg("-n")
                .output()
                .ok()?
        }
        // Dovecot 2.2's settings are obsolete for the installed 2.3.
        "dovecot"
            if !case.to_string_lossy().contains("dovecot-2.2")
                && support::require_program("doveconf", "fix acceptance by doveconf") =>
        {
            Command::new("doveconf")
                .arg("-c")
                .arg(file("dovecot.conf"))
                .arg("-n")
                .output()
                .ok()?
        }
        "haproxy" if support::require_program("haproxy", "fix acceptance by haproxy -c") => {
            Command::new("haproxy")
                .args(["-c", "-q", "-f"])
                .arg(case)
                .output()
                .ok()?
        }
        "apache" => {
            let (ok, said) = httpd_verdict(case, keys?)?;
            return Some(format!("{ok} {}", scrub(&said, case)));
        }
        _ => return None,
    };
    Some(format!(
        "{} {}",
        out.status.success(),
        scrub(&String::from_utf8_lossy(&out.stderr), case)
    ))
}

/// The first complaint of a program's output without line numbers and the case's path.
fn scrub(text: &str, case: &Path) -> String {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_owned();
    first
        .replace(&case.display().to_string(), "CASE")
        .split(|c: char| c == ':' || c.is_whitespace())
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The dialect of a case, from its name (fixtures start with it).
fn dialect(name: &str) -> &'static str {
    ["nginx", "postfix", "dovecot", "haproxy", "apache"]
        .into_iter()
        .find(|d| name.starts_with(d))
        .unwrap_or("app")
}

#[test]
fn every_fix_in_the_fixture_suite_fixes_and_breaks_nothing() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let mut fixed_cases = 0;
    // Key material for httpd, made once (without openssl, Apache fixes go unjudged by httpd).
    let httpd_keys = tempfile::tempdir().unwrap();
    let keys = (support::require_program("openssl", "fix acceptance by apache2 -t")
        && httpd::material(httpd_keys.path()))
    .then_some(httpd_keys.path());
    let mut httpd_judged = 0;
    for dir in dirs {
        let check = dir.file_name().unwrap().to_string_lossy().into_owned();
        if check.ends_with("-suppression") {
            continue;
        }
        let policy = if dir.join("check.toml").is_file() {
            dir.join("check.toml").display().to_string()
        } else {
            "mozilla-intermediate".to_owned()
        };
        let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "check.toml"))
            .collect();
        cases.sort();
        for case in cases {
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            let tmp = tempfile::tempdir().unwrap();
            let copy = tmp.path().join(&name);
            if case.is_dir() {
                fs::create_dir_all(&copy).unwrap();
                support::copy_tree(&case, &copy);
            } else {
                fs::copy(&case, &copy).unwrap();
            }
            let mut args = vec![
                format!("--policy={policy}"),
                format!("--select={check},{GUARDS}"),
            ];
            args.extend(targets(&name));
            let (before, fixable) = findings(&copy, &args);
            if fixable.iter().all(|f| f.0 != check) {
                continue;
            }
            fixed_cases += 1;
            let program_before = verdict(&copy, dialect(&name), keys);
            if dialect(&name) == "apache" && program_before.is_some() {
                httpd_judged += 1;
            }
            let status = tlslint()
                .args([
                    "check",
                    "--no-config",
                    "--fix",
                    "--unsafe-fixes",
                    "--exit-zero",
                ])
                .args(&args)
                .arg(&copy)
                .output()
                .unwrap();
            if !status.status.success() {
                failures.push(format!(
                    "{check}/{name}: --fix failed: {}",
                    String::from_utf8_lossy(&status.stderr)
                ));
                continue;
            }
            let (after, _) = findings(&copy, &args);
            for f in fixable.intersection(&after) {
                failures.push(format!(
                    "{check}/{name}: still reported after its fix: {f:?}"
                ));
            }
            for f in after.difference(&before) {
                failures.push(format!("{check}/{name}: new after the fixes: {f:?}"));
            }
            let program_after = verdict(&copy, dialect(&name), keys);
            if program_before != program_after {
                failures.push(format!(
                    "{check}/{name}: the program judged the fix differently: before {program_before:?}, after {program_after:?}"
                ));
            }
        }
    }
    assert!(fixed_cases > 0, "no fixture has a fix");
    if keys.is_some() && httpd::apache2().is_some() {
        assert!(httpd_judged > 0, "no Apache fix was judged by apache2 -t");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const WEAK: &str = "http {\n    ssl_protocols TLSv1 TLSv1.2 TLSv1.3;\n    server {\n        listen 443 ssl;\n        ssl_certificate /etc/ssl/a.pem;\n        ssl_certificate_key /etc/ssl/a.key;\n        ssl_early_data on;\n    }\n}\n";

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = tlslint()
        .current_dir(dir)
        .args([
            "check",
            "--no-config",
            "--target=openssl=1.1.1",
            "--select=legacy-protocol",
        ])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `--diff` prints the edits, writes nothing and exits 1; `--fix` writes them and reports
/// what remains; a second `--diff` has nothing left to show.
#[test]
fn diff_then_fix() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("nginx.conf"), WEAK).unwrap();
    let (code, out, err) = run(d.path(), &["--diff", "nginx.conf"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains(
            "-    ssl_protocols TLSv1 TLSv1.2 TLSv1.3;\n+    ssl_protocols TLSv1.2 TLSv1.3;"
        ),
        "{out}"
    );
    assert!(err.contains("would fix 1 finding in 1 file"), "{err}");
    assert_eq!(
        fs::read_to_string(d.path().join("nginx.conf")).unwrap(),
        WEAK
    );
    let (_, _, err) = run(d.path(), &["--fix", "nginx.conf"]);
    assert!(err.contains("fixed 1 finding in 1 file"), "{err}");
    let fixed = fs::read_to_string(d.path().join("nginx.conf")).unwrap();
    assert!(fixed.contains("ssl_protocols TLSv1.2 TLSv1.3;"), "{fixed}");
    let (code, out, _) = run(d.path(), &["--diff", "nginx.conf"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

/// A suppressed finding is not fixed.
#[test]
fn suppressed_findings_are_not_fixed() {
    let d = tempfile::tempdir().unwrap();
    let text = WEAK.replace(
        "    ssl_protocols",
        "    # tlslint: allow(legacy-protocol) reason=\"old clients until June\"\n    ssl_protocols",
    );
    fs::write(d.path().join("nginx.conf"), &text).unwrap();
    let (_, out, _) = run(d.path(), &["--diff", "nginx.conf"]);
    assert!(!out.contains("ssl_protocols"), "{out}");
}

/// `--fix` never writes through a symbolic link, and stdin cannot be fixed.
#[cfg(unix)]
#[test]
fn fix_refuses_links_and_stdin() {
    let d = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("real.conf"), WEAK).unwrap();
    fs::create_dir(d.path().join("tree")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("real.conf"),
        d.path().join("tree/nginx.conf"),
    )
    .unwrap();
    let _ = run(
        d.path(),
        &["--fix", "--allow-outside-root", "tree/nginx.conf"],
    );
    assert_eq!(
        fs::read_to_string(outside.path().join("real.conf")).unwrap(),
        WEAK
    );
    let (code, _, err) = run(d.path(), &["--fix", "-"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("stdin"), "{err}");
}

/// Where no fix is made, the help still speaks the program's words: a Postfix cipher grade
/// (`medium`) takes no `!kRSA`, so the help names the exclusion parameter, and following it
/// leaves no suite without forward secrecy.
#[test]
fn postfix_exclusion_help_names_the_exclude_parameter() {
    let t = tempfile::tempdir().unwrap();
    let main = "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = /etc/ssl/mail/cert.pem\nsmtpd_tls_key_file = /etc/ssl/mail/key.pem\n";
    fs::write(t.path().join("main.cf"), main).unwrap();
    let check = |dir: &Path| {
        tlslint()
            .current_dir(dir)
            .args(["check", "--no-config", "--select=no-forward-secrecy"])
            .args(["--format", "json", "main.cf"])
            .output()
            .unwrap()
    };
    let v: serde_json::Value = serde_json::from_slice(&check(t.path()).stdout).unwrap();
    let help = v["findings"][0]["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("add `kRSA` to `smtpd_tls_exclude_ciphers`"),
        "{v}"
    );
    fs::write(
        t.path().join("main.cf"),
        format!("{main}smtpd_tls_exclude_ciphers = kRSA\n"),
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&check(t.path()).stdout).unwrap();
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0), "{v}");
}
