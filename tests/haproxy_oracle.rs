//! Differential test against HAProxy's own parser: every HAProxy config of the test suite
//! (`tests/parse/haproxy/`, Mozilla's generated configs, the per-check fixtures, the corpus)
//! is checked with `haproxy -c -f`, its certificate, CA and DH paths pointed at files made
//! with `openssl` in a temporary directory. A config tlslint parses without an error (and
//! without an option HAProxy does not know) must be one HAProxy accepts, and a config
//! tlslint rejects one HAProxy rejects. Needs `haproxy` and `openssl` (skips visibly
//! without them; fails with `CI=true`).

use std::path::{Path, PathBuf};
use std::process::Command;

use tlslint::model::{ObservationKind, Targets, Version};
use tlslint::parse::{self, Options};
use tlslint::source::Sources;

pub mod support;

/// Key material for the configs: a certificate with its key, a CA file, DH parameters.
struct Material {
    dir: tempfile::TempDir,
}

impl Material {
    fn generate() -> Material {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        let ok = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=localhost", "-keyout"])
            .arg(p.join("key.pem"))
            .arg("-out")
            .arg(p.join("cert.pem"))
            .output()
            .unwrap();
        assert!(ok.status.success(), "openssl req failed");
        let both = [
            std::fs::read(p.join("cert.pem")).unwrap(),
            std::fs::read(p.join("key.pem")).unwrap(),
        ]
        .concat();
        std::fs::write(p.join("site.pem"), both).unwrap();
        let dh = Command::new("openssl")
            .args([
                "genpkey",
                "-genparam",
                "-algorithm",
                "DH",
                "-pkeyopt",
                "group:ffdhe2048",
            ])
            .arg("-out")
            .arg(p.join("dh.pem"))
            .output()
            .unwrap();
        assert!(dh.status.success(), "openssl genpkey failed");
        Material { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

/// The config with every file it names pointed at `m`'s files (and `crt-base` dropped).
fn rewrite(text: &str, m: &Material, case_dir: &Path, out_dir: &Path) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"crt-base") {
            out.push('\n');
            continue;
        }
        let mut fixed: Vec<String> = Vec::new();
        let mut next_is: Option<&str> = None;
        for w in &words {
            let replaced = match next_is.take() {
                Some("crt") if !w.contains('$') => m.path("site.pem"),
                Some("ca-file") => m.path("cert.pem"),
                Some("ssl-dh-param-file") => m.path("dh.pem"),
                Some("crt-list") => {
                    // A list that is not in the tree (an absolute deploy path) becomes one
                    // entry naming the test certificate.
                    let list = std::fs::read_to_string(case_dir.join(w))
                        .unwrap_or_else(|_| "site.pem\n".to_owned());
                    let rewritten: String = list
                        .lines()
                        .map(|l| match l.split_once(' ') {
                            _ if l.starts_with('#') || l.trim().is_empty() => format!("{l}\n"),
                            Some((_, rest)) => format!("{} {rest}\n", m.path("site.pem")),
                            None => format!("{}\n", m.path("site.pem")),
                        })
                        .collect();
                    let to = out_dir.join(Path::new(w).file_name().unwrap_or_default());
                    std::fs::write(&to, rewritten).unwrap();
                    to.display().to_string()
                }
                _ => (*w).to_owned(),
            };
            if matches!(*w, "crt" | "ca-file" | "ssl-dh-param-file" | "crt-list") {
                next_is = Some(w);
            }
            fixed.push(replaced);
        }
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        out.push_str(&indent);
        out.push_str(&fixed.join(" "));
        out.push('\n');
    }
    out
}

/// The installed HAProxy's version (`HAProxy version 2.6.12-1+deb12u4 ...`).
fn installed() -> Option<Version> {
    let out = Command::new("haproxy").arg("-v").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text.split_whitespace().nth(2)?;
    let v = v.split(['-', '+']).next()?;
    Version::parse(v)
}

/// `name` ends in `.cfg`.
fn is_cfg(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|e| e == "cfg")
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut out = Vec::new();
    let mut add = |dir: PathBuf, want: &dyn Fn(&str) -> bool| {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if want(&name) {
                    out.push(e.path());
                }
            }
        }
    };
    add(root.join("parse/haproxy"), &is_cfg);
    add(root.join("data/mozilla"), &|n| n.starts_with("haproxy-"));
    add(root.join("corpus/haproxy"), &is_cfg);
    if let Ok(rd) = std::fs::read_dir(root.join("fixtures")) {
        for e in rd.flatten() {
            add(e.path(), &|n| n.starts_with("haproxy") && is_cfg(n));
        }
    }
    out.sort();
    out
}

#[test]
fn haproxy_accepts_what_tlslint_parses() {
    let what = "HAProxy differential test (haproxy -c)";
    if !support::require_program("haproxy", what) || !support::require_program("openssl", what) {
        return;
    }
    let Some(version) = installed() else {
        panic!("cannot read the installed HAProxy's version from `haproxy -v`");
    };
    let m = Material::generate();
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() >= 10, "too few HAProxy cases: {all:?}");
    for case in &all {
        let text = std::fs::read_to_string(case).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let cfg = tmp.path().join("haproxy.cfg");
        std::fs::write(&cfg, rewrite(&text, &m, case.parent().unwrap(), tmp.path())).unwrap();
        let options = Options {
            targets: Targets {
                haproxy: version,
                ..Targets::default()
            },
            ..Options::default()
        };
        let mut sources = Sources::new();
        let parsed = parse::haproxy::parse(case, &mut sources, &options);
        let unknown = parsed
            .model
            .observations
            .iter()
            .any(|o| o.kind == ObservationKind::UnknownSetting);
        let ours = parsed.errors.is_empty() && !unknown;
        let out = Command::new("haproxy")
            .args(["-c", "-q", "-f"])
            .arg(&cfg)
            .env("CERT_DIR", m.dir.path())
            .env("SUITES", "TLS_AES_128_GCM_SHA256")
            .output()
            .unwrap();
        // 0: valid; 2: valid with warnings.
        let theirs = matches!(out.status.code(), Some(0 | 2));
        if ours != theirs {
            failures.push(format!(
                "{}: tlslint {} ({:?}), haproxy -c {}: {}{}",
                case.display(),
                if ours { "accepts" } else { "rejects" },
                parsed.errors.iter().map(|e| &e.message).collect::<Vec<_>>(),
                if theirs { "accepts" } else { "rejects" },
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `haproxy -c -f haproxy.cfg -f conf.d` and tlslint's `parse_files` agree on files loaded
/// together: `tests/parse/haproxy/load/` is valid as a whole, and its `conf.d/web.cfg` alone
/// is not (its server needs `ssl-server-verify none` from the other file), which tlslint
/// says only with `--strict-unknown` (without it, the missing `global` is unknown).
#[test]
fn haproxy_agrees_on_files_loaded_together() {
    let what = "HAProxy differential test (haproxy -c -f FILE -f DIR)";
    if !support::require_program("haproxy", what) || !support::require_program("openssl", what) {
        return;
    }
    let Some(version) = installed() else {
        panic!("cannot read the installed HAProxy's version from `haproxy -v`");
    };
    let m = Material::generate();
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/haproxy/load");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("conf.d")).unwrap();
    for name in ["haproxy.cfg", "conf.d/web.cfg"] {
        let text = std::fs::read_to_string(case.join(name)).unwrap();
        let out = rewrite(&text, &m, &case, tmp.path());
        std::fs::write(tmp.path().join(name), out).unwrap();
    }
    let haproxy = |args: &[&Path]| {
        let mut c = Command::new("haproxy");
        c.args(["-c", "-q"]);
        for a in args {
            c.arg("-f").arg(a);
        }
        matches!(c.output().unwrap().status.code(), Some(0 | 2))
    };
    let tlslint = |paths: &[PathBuf], strict: bool| {
        let options = Options {
            targets: Targets {
                haproxy: version,
                ..Targets::default()
            },
            strict_unknown: strict,
            ..Options::default()
        };
        let parsed = parse::haproxy::parse_files(paths, &mut Sources::new(), &options);
        (parsed.errors.is_empty(), parsed.model.endpoints.len())
    };
    let (main, dir) = (tmp.path().join("haproxy.cfg"), tmp.path().join("conf.d"));
    assert!(
        haproxy(&[&main, &dir]),
        "haproxy -c rejects the files together"
    );
    assert!(!haproxy(&[&dir]), "haproxy -c accepts conf.d alone");
    let together = [case.join("haproxy.cfg"), case.join("conf.d")];
    assert_eq!(tlslint(&together, false), (true, 2));
    assert_eq!(tlslint(&together, true), (true, 2));
    let alone = [case.join("conf.d")];
    assert!(
        !tlslint(&alone, true).0,
        "--strict-unknown: HAProxy's own default verifies"
    );
    assert_eq!(
        tlslint(&alone, false),
        (true, 2),
        "the missing global is unknown"
    );
}
