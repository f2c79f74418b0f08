//! Differential test against httpd's own parser: every Apache config of the test suite that
//! tlslint parses without error, `apache2 -t` accepts, and every one it rejects (the syntax
//! error fixtures), `apache2 -t` rejects too.
//!
//! httpd runs on a copy of each case in a private directory: `-d` points `ServerRoot` at the
//! copy, `-C` loads an MPM and the modules the configs use (Debian's `apache2ctl` would take
//! them from `/etc/apache2`), the `APACHE_*` variables Debian's `envvars` sets point into the
//! directory, and certificate, key and DH paths are replaced by files made with `openssl`
//! (httpd checks that they exist). Skipped with a message when `apache2` or `openssl` is
//! missing (a failure with `CI=true`: `tests/support/mod.rs`).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tlslint::model::Dialect;
use tlslint::parse::{self, Options};
use tlslint::source::Sources;

pub mod support;

/// Where Debian installs httpd's modules.
const MODULES: &str = "/usr/lib/apache2/modules";

/// Modules loaded for every case: an MPM and what the configs under test use.
const LOAD: &[(&str, &str)] = &[
    ("mpm_event_module", "mod_mpm_event.so"),
    ("ssl_module", "mod_ssl.so"),
    ("socache_shmcb_module", "mod_socache_shmcb.so"),
    ("headers_module", "mod_headers.so"),
    ("rewrite_module", "mod_rewrite.so"),
    ("alias_module", "mod_alias.so"),
    ("proxy_module", "mod_proxy.so"),
    ("proxy_http_module", "mod_proxy_http.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("authz_host_module", "mod_authz_host.so"),
    ("mime_module", "mod_mime.so"),
    ("dir_module", "mod_dir.so"),
    ("setenvif_module", "mod_setenvif.so"),
    ("env_module", "mod_env.so"),
    ("http2_module", "mod_http2.so"),
    ("access_compat_module", "mod_access_compat.so"),
    ("macro_module", "mod_macro.so"),
    ("auth_basic_module", "mod_auth_basic.so"),
    ("authn_core_module", "mod_authn_core.so"),
    ("authn_file_module", "mod_authn_file.so"),
    ("authz_user_module", "mod_authz_user.so"),
    ("autoindex_module", "mod_autoindex.so"),
    ("negotiation_module", "mod_negotiation.so"),
    ("status_module", "mod_status.so"),
    ("cgid_module", "mod_cgid.so"),
    ("dav_module", "mod_dav.so"),
];

/// Directives whose argument is a key-material file httpd checks at `-t`.
const MATERIAL: &[&str] = &[
    "sslcertificatefile",
    "sslcertificatekeyfile",
    "sslcertificatechainfile",
    "sslcacertificatefile",
    "sslproxycacertificatefile",
    "sslproxymachinecertificatefile",
];

fn apache2() -> Option<PathBuf> {
    let fixed = Path::new("/usr/sbin/apache2");
    if fixed.exists() {
        return Some(fixed.to_path_buf());
    }
    support::require_program("apache2", "the httpd differential test")
        .then(|| PathBuf::from("apache2"))
}

/// A private directory with a certificate, its key and DH parameters.
fn material(dir: &Path) -> bool {
    let req = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output()
        .is_ok_and(|o| o.status.success());
    let dh = Command::new("openssl")
        .args(["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt"])
        .args(["group:ffdhe2048", "-out"])
        .arg(dir.join("dh.pem"))
        .output()
        .is_ok_and(|o| o.status.success());
    req && dh
}

/// Copies a case (a file or a directory) into `to`, replacing key-material paths.
fn copy_case(from: &Path, to: &Path, keys: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy_case(&e.path(), &to.join(e.file_name()), keys);
        }
        return;
    }
    let text = fs::read_to_string(from).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        let word = t
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if MATERIAL.contains(&word.as_str()) {
            let file = if word.contains("key") {
                "key.pem"
            } else {
                "cert.pem"
            };
            let _ = writeln!(out, "{word} {}", keys.join(file).display());
        } else if word == "sslopensslconfcmd" && t.to_ascii_lowercase().contains("dhparameters") {
            let _ = writeln!(
                out,
                "SSLOpenSSLConfCmd DHParameters {}",
                keys.join("dh.pem").display()
            );
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    fs::write(to, out).unwrap();
}

/// `apache2 -t` on the copy: accepted, and what it said.
fn httpd_accepts(apache2: &Path, dir: &Path, entry: &Path) -> (bool, String) {
    let mut cmd = Command::new(apache2);
    cmd.arg("-t").arg("-d").arg(dir).arg("-f").arg(entry);
    for (name, file) in LOAD {
        cmd.arg("-C")
            .arg(format!("LoadModule {name} {MODULES}/{file}"));
    }
    cmd.arg("-C")
        .arg(format!("ErrorLog {}/error.log", dir.display()));
    cmd.arg("-C").arg("ServerName localhost");
    for var in ["APACHE_RUN_DIR", "APACHE_LOCK_DIR", "APACHE_LOG_DIR"] {
        cmd.env(var, dir);
    }
    cmd.env("APACHE_PID_FILE", dir.join("httpd.pid"));
    cmd.env("APACHE_RUN_USER", "nobody");
    cmd.env("APACHE_RUN_GROUP", "nogroup");
    let _ = fs::create_dir_all(dir.join("logs"));
    let out = cmd.output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

/// Every Apache case of the suite: (the case as copied, its entry inside it).
fn cases() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut out = Vec::new();
    for e in fs::read_dir(root.join("parse/apache")).unwrap() {
        let dir = e.unwrap().path();
        let entry = if dir.join("apache2.conf").exists() {
            "apache2.conf"
        } else {
            "httpd.conf"
        };
        out.push((dir, PathBuf::from(entry)));
    }
    for e in fs::read_dir(root.join("fixtures")).unwrap() {
        let dir = e.unwrap().path();
        for f in fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("apache") && f.is_file() {
                out.push((f, PathBuf::from(name)));
            }
        }
    }
    for e in fs::read_dir(root.join("data/mozilla")).unwrap() {
        let f = e.unwrap().path();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("apache-") {
            out.push((f, PathBuf::from(name)));
        }
    }
    let corpus = root.join("corpus/apache");
    if let Ok(rd) = fs::read_dir(&corpus) {
        for e in rd {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                let entry = ["apache2.conf", "httpd.conf"]
                    .into_iter()
                    .find(|n| p.join(n).exists());
                if let Some(entry) = entry {
                    out.push((p, PathBuf::from(entry)));
                }
            } else if p
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("conf"))
            {
                out.push((p, PathBuf::from(name)));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn tlslint_and_httpd_agree_on_what_parses() {
    let Some(apache2) = apache2() else { return };
    if !support::require_program("openssl", "the httpd differential test") {
        return;
    }
    let work = std::env::temp_dir().join(format!("tlslint-apache-oracle-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    let keys = work.join("keys");
    fs::create_dir_all(&keys).unwrap();
    assert!(material(&keys), "openssl could not make test key material");
    let mut disagreements = Vec::new();
    let mut checked = 0;
    for (i, (case, entry)) in cases().into_iter().enumerate() {
        let original = if case.is_dir() {
            case.join(&entry)
        } else {
            case.clone()
        };
        let mut sources = Sources::new();
        let parsed = parse::parse(
            Dialect::Apache,
            &original,
            &mut sources,
            &Options::default(),
        );
        // An include tlslint does not read (outside the tree) may hold anything: no verdict.
        if parsed
            .model
            .observations
            .iter()
            .any(|o| o.kind == tlslint::model::ObservationKind::OutsideRoot && o.key.is_empty())
        {
            continue;
        }
        let ours = parsed.errors.is_empty();
        let copy = work.join(format!("case-{i}"));
        let copied_entry = if case.is_dir() {
            copy_case(&case, &copy, &keys);
            copy.join(&entry)
        } else {
            fs::create_dir_all(&copy).unwrap();
            copy_case(&case, &copy.join(&entry), &keys);
            copy.join(&entry)
        };
        let (theirs, said) = httpd_accepts(&apache2, &copy, &copied_entry);
        checked += 1;
        if ours != theirs {
            let errors: Vec<String> = parsed.errors.iter().map(|e| e.message.clone()).collect();
            disagreements.push(format!(
                "{}: tlslint {} ({errors:?}), httpd {} ({})",
                original.display(),
                if ours { "parses" } else { "rejects" },
                if theirs { "accepts" } else { "rejects" },
                said.trim()
            ));
        }
    }
    let _ = fs::remove_dir_all(&work);
    assert!(checked > 10, "only {checked} cases");
    assert!(
        disagreements.is_empty(),
        "tlslint and apache2 -t disagree:\n{}",
        disagreements.join("\n")
    );
}
