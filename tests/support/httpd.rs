//! Running `apache2 -t` on a copy of a config, shared by `tests/apache_oracle.rs` (does httpd
//! parse what tlslint parses) and `tests/fixes.rs` (does httpd accept a fixed config).
//!
//! httpd runs in a private directory: `-d` points `ServerRoot` at it, `-C` loads an MPM and the
//! modules the configs use (Debian's `apache2ctl` would take them from `/etc/apache2`), the
//! `APACHE_*` variables Debian's `envvars` sets point into it, and certificate, key and DH
//! paths are replaced by files made with `openssl` (httpd checks that they exist).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::support;

/// Where Debian installs httpd's modules.
pub const MODULES: &str = "/usr/lib/apache2/modules";

/// Modules loaded for every case: an MPM and what the configs under test use.
pub const LOAD: &[(&str, &str)] = &[
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
pub const MATERIAL: &[&str] = &[
    "sslcertificatefile",
    "sslcertificatekeyfile",
    "sslcertificatechainfile",
    "sslcacertificatefile",
    "sslproxycacertificatefile",
    "sslproxymachinecertificatefile",
];

/// The httpd binary, or `None` (after a skip message) when it is not installed.
pub fn apache2() -> Option<PathBuf> {
    let fixed = Path::new("/usr/sbin/apache2");
    if fixed.exists() {
        return Some(fixed.to_path_buf());
    }
    support::require_program("apache2", "the httpd differential test")
        .then(|| PathBuf::from("apache2"))
}

/// Fills a private directory with a certificate, its key and DH parameters.
pub fn material(dir: &Path) -> bool {
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
pub fn copy_case(from: &Path, to: &Path, keys: &Path) {
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
pub fn httpd_accepts(apache2: &Path, dir: &Path, entry: &Path) -> (bool, String) {
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
