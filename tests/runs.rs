//! Whole runs through the binary for behaviour that spans the pipeline: user app
//! descriptions seen by discovery as by parsing, and trees checked through a symlinked path.

use std::fs;
use std::path::Path;
use std::process::Command;

fn tlslint(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run tlslint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn user_app_descriptions_are_found_by_walks_and_named_files() {
    let d = tempfile::tempdir().expect("temp dir");
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/user-apps");
    let rules = rules.to_string_lossy();
    fs::create_dir_all(d.path().join("app")).expect("dir");
    fs::write(
        d.path().join("app/my.yml"),
        "my_tls:\n  min_version: TLS10\n",
    )
    .expect("write");
    let want = "app/my.yml:2:16: error[legacy-protocol]";
    for target in [".", "app", "app/my.yml"] {
        let (code, out) = tlslint(
            d.path(),
            &[
                "check",
                "--format",
                "concise",
                "--app-rules",
                &rules,
                target,
            ],
        );
        assert_eq!(code, 1, "{target}: {out}");
        assert!(out.contains(want), "{target}: {out}");
    }
    // Without the description the file is not a config tlslint knows.
    let (code, out) = tlslint(d.path(), &["check", "--format", "concise", "app"]);
    assert_eq!(code, 0, "{out}");
}

#[cfg(unix)]
#[test]
fn a_tree_checked_through_a_symlinked_path_reads_its_includes() {
    let d = tempfile::tempdir().expect("temp dir");
    let real = d.path().join("real");
    fs::create_dir_all(real.join("conf.d")).expect("dir");
    fs::write(
        real.join("dovecot.conf"),
        "ssl = required\nssl_cert = <good.crt\n!include conf.d/*.conf\n",
    )
    .expect("write");
    fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/invalid-value/nginx-unloadable-material/good.crt"
        ),
        real.join("good.crt"),
    )
    .expect("copy");
    fs::write(
        real.join("conf.d/10-ssl.conf"),
        "ssl_min_protocol = TLSv1\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(&real, d.path().join("link")).expect("symlink");
    for target in ["link", "link/dovecot.conf"] {
        let (code, out) = tlslint(
            d.path(),
            &[
                "check",
                "--format",
                "concise",
                "--select",
                "legacy-protocol,outside-root",
                // Level 0: where OpenSSL 3 still negotiates TLS 1.0.
                "--target",
                "seclevel=0",
                target,
            ],
        );
        assert_eq!(code, 1, "{target}: {out}");
        assert!(
            out.contains("link/conf.d/10-ssl.conf:1:20: error[legacy-protocol]"),
            "{target}: {out}"
        );
        assert!(!out.contains("outside-root"), "{target}: {out}");
    }
}
