//! Hostile text in, safe output out: injection strings in config values, directive names,
//! file names and `--stdin-filename`, run through the binary in every format.
//!
//! Asserted for each run: exit 0/1/2 within a time bound; in `human`, `concise` and
//! `github` no raw control character (only `\n` line ends) and no line a CI runner reads
//! as a command (`::` at the start, after whitespace), except in `github` the real
//! annotations, one per finding; JSON and SARIF parse; the XML formats hold no character
//! XML 1.0 forbids. Also: wide columns and long lines with many findings render quickly
//! and with output bounded by the number of findings (see `src/report/snippet.rs`).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use tlslint::escape::{is_unsafe, starts_log_command};

/// Strings a pull request could use to forge CI log lines or drive a terminal.
const INJECTIONS: &[&str] = &[
    "\n::add-mask::x",
    "\n::stop-commands::tok",
    "\r::error::cr",
    "\n  ::warning::indented",
    "\x1b]0;title\x07",
    "\x1b[31m",
    "\u{202e}",
    "\u{85}",
    "\u{2028}::error::ls",
    "\0",
    "##[add-mask]s",
];

const FORMATS: &[&str] = &[
    "human",
    "concise",
    "github",
    "json",
    "sarif",
    "junit",
    "checkstyle",
];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

fn tlslint(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    use std::io::Write as _;
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: started.elapsed(),
    }
}

/// An nginx config with every injection string in a quoted value, and some in a
/// directive name (which nginx rejects: a parse error quoting it).
fn hostile_nginx() -> String {
    let mut conf = String::from("http {\n    server {\n        listen 443 ssl;\n");
    for (i, inj) in INJECTIONS.iter().enumerate() {
        let inj = inj.replace('"', "");
        let _ = write!(
            conf,
            "        server_name \"s{i}{inj}.example\";\n        ssl_ciphers \"RC4{inj}:X{i}\";\n        ssl_protocols TLSv1 \"v{inj}\";\n"
        );
    }
    conf.push_str("        bogus\x1b[31m_dir\u{202e}\n::error::name x;\n    }\n}\n");
    conf
}

/// Checks every invariant of one run's output in one format.
fn assert_safe(format: &str, run: &Run, findings: Option<usize>) {
    let what = format!(
        "format {format}, exit {}\n--- stdout\n{}\n--- stderr\n{}",
        run.code, run.stdout, run.stderr
    );
    assert!(matches!(run.code, 0..=2), "{what}");
    assert!(
        run.took < Duration::from_secs(20),
        "took {:?}: {what}",
        run.took
    );
    // stderr is a terminal or CI log in every format.
    for line in run.stderr.lines() {
        assert!(!starts_log_command(line), "stderr line {line:?}: {what}");
    }
    assert!(
        !run.stderr.chars().any(|c| c != '\n' && is_unsafe(c)),
        "raw control on stderr: {what}"
    );
    match format {
        "human" | "concise" | "github" => {
            if let Some((at, c)) = run
                .stdout
                .char_indices()
                .find(|&(_, c)| c != '\n' && is_unsafe(c))
            {
                let from = run.stdout.floor_char_boundary(at.saturating_sub(60));
                panic!("raw {c:?} after {:?}: {what}", &run.stdout[from..at]);
            }
            assert!(!run.stdout.contains("##["), "{what}");
            let mut annotations = 0;
            for line in run.stdout.lines() {
                if !starts_log_command(line) {
                    continue;
                }
                assert_eq!(format, "github", "line {line:?}: {what}");
                assert!(
                    ["::error file=", "::warning file=", "::notice file="]
                        .iter()
                        .any(|p| line.starts_with(p)),
                    "line {line:?}: {what}"
                );
                annotations += 1;
            }
            if let (Some(n), "github") = (findings, format) {
                assert_eq!(annotations, n, "{what}");
            }
            if let (Some(n), "concise") = (findings, format) {
                assert_eq!(run.stdout.lines().count(), n, "{what}");
            }
        }
        "json" | "sarif" => {
            let v: serde_json::Value =
                serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {what}"));
            if let (Some(n), "json") = (findings, format) {
                assert_eq!(v["findings"].as_array().map(Vec::len), Some(n), "{what}");
            }
        }
        "junit" | "checkstyle" => {
            assert!(run.stdout.starts_with("<?xml"), "{what}");
            let forbidden = |c: char| {
                (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
                    || matches!(c, '\u{fffe}' | '\u{ffff}')
            };
            assert!(!run.stdout.chars().any(forbidden), "{what}");
        }
        _ => unreachable!(),
    }
}

/// Runs `args` in every format, checking the invariants; the JSON run gives the number
/// of findings the other formats must agree with.
fn every_format(dir: &Path, args: &[&str], stdin: Option<&str>) {
    let count = |format: &str| {
        let mut all = vec!["check", "--format", format];
        all.extend_from_slice(args);
        tlslint(dir, &all, stdin)
    };
    let json = count("json");
    assert_safe("json", &json, None);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let findings = v["findings"].as_array().map(Vec::len);
    assert!(findings.unwrap_or(0) > 0, "{}", json.stdout);
    for format in FORMATS {
        assert_safe(format, &count(format), findings);
    }
}

#[test]
fn injection_in_values_and_directive_names() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("nginx.conf"), hostile_nginx()).unwrap();
    every_format(d.path(), &["nginx.conf"], None);
    // The concise line of the directive-name error shows the escapes.
    let r = tlslint(
        d.path(),
        &["check", "--format", "concise", "nginx.conf"],
        None,
    );
    assert!(
        r.stdout
            .contains(r#"unknown directive "bogus\x1b[31m_dir\u{202e}""#),
        "{}",
        r.stdout
    );
}

#[test]
fn injection_in_other_dialects() {
    let d = tempfile::tempdir().unwrap();
    let mut main = String::new();
    let mut dovecot = String::from("ssl = yes\n");
    for (i, inj) in INJECTIONS.iter().enumerate() {
        let flat = inj.replace(['\n', '\r', '\0'], "");
        let _ = writeln!(main, "smtpd_tls_protocols = !SSLv2 TLSv1{flat}");
        let _ = writeln!(main, "smtp_tls_security_level = bad{i}{flat}");
        let _ = writeln!(main, "smtpd_tls_bogus{i}{flat} = 1");
        let _ = writeln!(dovecot, "ssl_min_protocol = TLSv1{flat}");
        let _ = writeln!(dovecot, "ssl_bogus{i}{flat} = yes");
    }
    let pf = d.path().join("postfix");
    std::fs::create_dir_all(&pf).unwrap();
    std::fs::write(pf.join("main.cf"), main).unwrap();
    every_format(d.path(), &["postfix/main.cf"], None);
    std::fs::write(d.path().join("dovecot.conf"), dovecot).unwrap();
    every_format(d.path(), &["dovecot.conf"], None);
}

#[cfg(unix)]
#[test]
fn injection_in_file_names() {
    let d = tempfile::tempdir().unwrap();
    let conf = "http { server { listen 443 ssl; ssl_protocols SSLv3; } }\n";
    for name in [
        "a\n::error::pwned.conf",
        "::warning::start.conf",
        "b\x1b]0;t\x07\u{202e}.conf",
    ] {
        std::fs::write(d.path().join(name), conf).unwrap();
        every_format(d.path(), &["--dialect", "nginx", name], None);
    }
    // A whole directory of such names, and the names in messages about includes.
    std::fs::write(
        d.path().join("nginx.conf"),
        "http { include \"a\n::error::pwned.conf\"; include \"missing\n::error::x.conf\"; }\n",
    )
    .unwrap();
    every_format(d.path(), &["nginx.conf"], None);
}

#[test]
fn injection_in_stdin_filename() {
    let d = tempfile::tempdir().unwrap();
    let conf = "http { server { listen 443 ssl; ssl_protocols SSLv3; } }\n";
    for name in [
        "x\n::add-mask::secret",
        "::error::stdin.conf",
        "\x1b[2J\u{85}nginx.conf",
    ] {
        every_format(
            d.path(),
            &["--dialect", "nginx", "--stdin-filename", name, "-"],
            Some(conf),
        );
    }
}

#[test]
fn a_finding_past_column_70000_renders_small() {
    let d = tempfile::tempdir().unwrap();
    let conf = format!(
        "http {{ server {{ listen 443 ssl; ssl_certificate c.pem; {} ssl_protocols SSLv3; }} }}\n",
        " ".repeat(70_000)
    );
    std::fs::write(d.path().join("nginx.conf"), conf).unwrap();
    let r = tlslint(d.path(), &["check", "nginx.conf"], None);
    assert!(matches!(r.code, 0..=2), "exit {}: {}", r.code, r.stderr);
    assert!(r.stdout.len() < 100_000, "{} bytes", r.stdout.len());
    // The header names the real position.
    assert!(r.stdout.contains("nginx.conf:1:70"), "{}", r.stdout);
    assert_safe("human", &r, None);
}

/// One line of about 2.5 MB holding about 2,000 servers, each with findings: column
/// lookups and excerpts must be linear (the first took 19 s in a release build).
#[test]
fn a_long_line_with_thousands_of_findings_is_fast_and_bounded() {
    let d = tempfile::tempdir().unwrap();
    let server = format!(
        "server {{ listen 443 ssl; ssl_ciphers NULL-SHA256:HIGH; }}{}",
        " ".repeat(1200)
    );
    let conf = format!("http {{ {} }}\n", server.repeat(2000));
    assert!(conf.len() > 2_000_000);
    std::fs::write(d.path().join("nginx.conf"), &conf).unwrap();
    let concise = tlslint(
        d.path(),
        &["check", "--format", "concise", "nginx.conf"],
        None,
    );
    assert!(matches!(concise.code, 0..=2), "{}", concise.stderr);
    let findings = concise.stdout.lines().count();
    assert!(findings >= 2000, "{findings}");
    let human = tlslint(d.path(), &["check", "nginx.conf"], None);
    assert!(matches!(human.code, 0..=2), "{}", human.stderr);
    // Generous for debug builds on a shared machine; quadratic work takes minutes.
    for r in [&concise, &human] {
        assert!(r.took < Duration::from_secs(30), "took {:?}", r.took);
    }
    // Output grows with the findings, not with the line: a bounded excerpt each.
    assert!(
        human.stdout.len() < 2_000 * findings,
        "{} bytes",
        human.stdout.len()
    );
    assert!(concise.stdout.len() < 300 * findings);
}

#[test]
fn an_included_large_file_is_quoted_briefly() {
    let d = tempfile::tempdir().unwrap();
    // One 1 MB "word": nginx reads it as an unknown directive name.
    let blob = format!("{}\x1b\n", "x-".repeat(500_000));
    std::fs::write(d.path().join("blob.bin"), blob).unwrap();
    std::fs::write(
        d.path().join("nginx.conf"),
        "http { include blob.bin; server { listen 443 ssl; } }\n",
    )
    .unwrap();
    for format in FORMATS {
        let r = tlslint(d.path(), &["check", "--format", format, "nginx.conf"], None);
        assert!(matches!(r.code, 0..=2), "{format}: {}", r.stderr);
        // SARIF carries every check's docs (about 85 KB); the 1 MB word must not be quoted.
        assert!(
            r.stdout.len() < 150_000,
            "{format}: {} bytes",
            r.stdout.len()
        );
    }
}
