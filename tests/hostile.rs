//! Hostile input, end to end through the binary: every case ends in a clear diagnostic and
//! exit 2 (or a clean, correct result), never a crash, a hang or a false "clean"; checked
//! trees are left byte-identical; secrets outside the checked root never reach any output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod support;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh temporary directory, removed when dropped (the cases write `*.conf` files, which
/// must not be left behind).
fn tempdir(name: &str) -> Scratch {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir =
        std::env::temp_dir().join(format!("tlslint-hostile-{}-{n}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

/// A directory removed with everything in it when dropped.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Cases make files unreadable or symlinked; removal is best effort.
        let _ = fs::remove_dir_all(&self.0);
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn tlslint(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    tlslint(dir, &all)
}

#[test]
fn include_cycle_is_an_error() {
    let d = tempdir("cycle");
    fs::write(d.join("nginx.conf"), "http { include a.conf; }\n").unwrap();
    fs::write(d.join("a.conf"), "include b.conf;\n").unwrap();
    fs::write(d.join("b.conf"), "include a.conf;\n").unwrap();
    let r = check(&d, &["nginx.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("parse-error"), "{}", r.stdout);
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_an_error_not_a_hang() {
    let d = tempdir("symlink");
    std::os::unix::fs::symlink(d.join("loop.conf"), d.join("loop.conf")).unwrap();
    fs::write(d.join("nginx.conf"), "http { include loop.conf; }\n").unwrap();
    let r = check(&d, &["nginx.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    // Walking a directory holding the loop is fine too.
    let r = check(&d, &["."]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
}

#[test]
fn a_glob_matching_thousands_of_files() {
    let d = tempdir("glob");
    fs::create_dir_all(d.join("sites")).unwrap();
    fs::write(
        d.join("nginx.conf"),
        "http { ssl_protocols TLSv1.2 TLSv1.3; include sites/*.conf; }\n",
    )
    .unwrap();
    for i in 0..3000 {
        fs::write(
            d.join(format!("sites/{i:04}.conf")),
            format!(
                "server {{ listen {} ssl; server_name s{i}; ssl_ciphers ECDHE+AESGCM; }}\n",
                10_000 + i
            ),
        )
        .unwrap();
    }
    let r = check(&d, &["nginx.conf", "--select", "ineffective-setting"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn missing_files_and_directories_are_errors() {
    let d = tempdir("missing");
    let r = check(&d, &["does-not-exist.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("does-not-exist.conf"), "{}", r.stdout);

    fs::create_dir_all(d.join("adir")).unwrap();
    fs::write(d.join("nginx.conf"), "http { include adir; }\n").unwrap();
    let r = check(&d, &["nginx.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("directory"), "{}", r.stdout);
}

/// A file that exists by name but cannot be read is exit 2 naming it, never a clean run.
/// CI runs as root, where permissions stop nothing, so the cases that fail for everyone
/// come first: a directory where an include expects a file, and a dangling symlink named
/// on the command line. A mode-000 file is added when permissions do apply.
#[cfg(unix)]
#[test]
fn unreadable_file_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempdir("unreadable");

    fs::create_dir_all(d.join("sites/site.conf")).unwrap();
    fs::write(d.join("nginx.conf"), "http { include sites/site.conf; }\n").unwrap();
    let r = check(&d, &["nginx.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("sites/site.conf"), "{}", r.stdout);
    assert!(r.stdout.contains("Is a directory"), "{}", r.stdout);

    std::os::unix::fs::symlink(d.join("gone.conf"), d.join("dangling.conf")).unwrap();
    let r = check(&d, &["--dialect", "nginx", "dangling.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("cannot read dangling.conf"),
        "{}",
        r.stdout
    );

    let f = d.join("locked.conf");
    fs::write(&f, "http {}\n").unwrap();
    fs::set_permissions(&f, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&f).is_ok() {
        support::skip(
            "unreadable_file_is_an_error, mode-000 case",
            "running as root, permissions do not stop reads (the other cases ran)",
        );
        return;
    }
    let r = check(&d, &["--dialect", "nginx", "locked.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("cannot read locked.conf"), "{}", r.stdout);
}

#[test]
fn binary_and_invalid_utf8_files() {
    let d = tempdir("binary");
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    bytes.extend_from_slice(b"\xff\xfe server { ssl_protocols TLSv1; }");
    fs::write(d.join("blob.conf"), &bytes).unwrap();
    let r = check(&d, &["--dialect", "nginx", "blob.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    // A comment with Latin-1 bytes is fine, as for nginx.
    fs::write(
        d.join("nginx.conf"),
        b"# caf\xe9\nhttp { ssl_protocols TLSv1.2 TLSv1.3; }\n",
    )
    .unwrap();
    let r = check(&d, &["nginx.conf"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn utf8_bom_is_reported_like_nginx() {
    let d = tempdir("bom");
    fs::write(d.join("nginx.conf"), "\u{feff}events {}\nhttp {}\n").unwrap();
    let r = check(&d, &["nginx.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("nginx.conf:1:1"), "{}", r.stdout);
}

#[test]
fn huge_files_are_refused_without_reading_them() {
    let d = tempdir("huge");
    let f = fs::File::create(d.join("nginx.conf")).unwrap();
    // Sparse: 100 MB of apparent size, no disk used.
    f.set_len(100 * 1024 * 1024).unwrap();
    let r = check(&d, &["nginx.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("larger than"), "{}", r.stdout);
}

#[test]
fn deep_nesting_is_bounded() {
    let d = tempdir("deep");
    let text = format!("{}{}", "location / {".repeat(10_000), "}".repeat(10_000));
    fs::write(
        d.join("nginx.conf"),
        format!("http {{ server {{ {text} }} }}\n"),
    )
    .unwrap();
    let r = check(&d, &["nginx.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let dovecot = format!(
        "{}{}",
        "protocol imap {\n".repeat(10_000),
        "}\n".repeat(10_000)
    );
    fs::write(d.join("dovecot.conf"), dovecot).unwrap();
    let r = check(&d, &["dovecot.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
}

#[test]
fn crlf_line_endings_give_the_same_positions() {
    let d = tempdir("crlf");
    fs::write(
        d.join("nginx.conf"),
        "http {\r\n    server {\r\n        listen 443 ssl; ssl_certificate c.pem;\r\n        ssl_protocols TLSv1 TLSv1.2;\r\n    }\r\n}\r\n",
    )
    .unwrap();
    let r = check(&d, &["nginx.conf", "--select", "ineffective-setting"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("nginx.conf:4:23:"), "{}", r.stdout);
}

#[test]
fn absurdly_long_lines_and_tokens() {
    let d = tempdir("long");
    let token = "A".repeat(5000);
    fs::write(
        d.join("nginx.conf"),
        format!("http {{ ssl_ciphers {token}; }}\n"),
    )
    .unwrap();
    let r = check(&d, &["nginx.conf"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("too long parameter"), "{}", r.stdout);
    // The message quotes at most the start of the token.
    assert!(r.stdout.len() < 4000, "{}", r.stdout.len());

    let line = "# ".to_owned() + &"x".repeat(2_000_000);
    fs::write(
        d.join("nginx.conf"),
        format!("{line}\nhttp {{ ssl_protocols TLSv1.2 TLSv1.3; }}\n"),
    )
    .unwrap();
    let r = check(&d, &["nginx.conf"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// Every file below `dir`, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        } else {
            out.push((p.clone(), fs::read(&p).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn checked_trees_are_left_byte_identical() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let before = snapshot(&examples);
    for format in ["human", "concise", "json"] {
        let r = tlslint(&examples, &["check", "--format", format, "."]);
        assert!(r.code == 0 || r.code == 1, "{}{}", r.stdout, r.stderr);
    }
    assert_eq!(before, snapshot(&examples));
}

#[test]
fn secrets_outside_the_root_never_reach_any_output() {
    let outside = tempdir("secret");
    let secret = "SECRET-MARKER-7f3a9c";
    for name in ["environ", "dhparam.pem", "cert.pem", "ticket.key"] {
        fs::write(outside.join(name), format!("{secret}\n{secret} {{ ;\n")).unwrap();
    }
    let repo = tempdir("repo");
    let o = outside.display();
    fs::write(
        repo.join("nginx.conf"),
        format!(
            "http {{\n  include {o}/environ;\n  server {{\n    listen 443 ssl;\n    \
             ssl_dhparam {o}/dhparam.pem;\n    ssl_certificate {o}/cert.pem;\n    \
             ssl_session_ticket_key {o}/ticket.key;\n    ssl_ciphers DHE-RSA-AES128-GCM-SHA256;\n  }}\n}}\n"
        ),
    )
    .unwrap();
    // A secret inside the root that is not a config is not printed either.
    fs::write(repo.join("key.pem"), format!("{secret}\n")).unwrap();
    for format in ["human", "concise", "json"] {
        let r = tlslint(
            &repo,
            &["check", "--format", format, "--fail-level", "note", "."],
        );
        assert!(!r.stdout.contains(secret), "{format}: {}", r.stdout);
        assert!(!r.stderr.contains(secret), "{format}: {}", r.stderr);
    }
    let r = tlslint(&repo, &["show", "."]);
    assert!(!r.stdout.contains(secret) && !r.stderr.contains(secret));
}

#[test]
fn fragments_resolve_includes_against_the_nginx_conf_prefix() {
    // A template not included by nginx.conf still includes paths relative to the conf
    // prefix (the directory of nginx.conf), as nginx would once it is included.
    let d = tempdir("prefix");
    fs::create_dir_all(d.join("templates")).unwrap();
    fs::create_dir_all(d.join("snippets")).unwrap();
    fs::write(d.join("nginx.conf"), "events {}\nhttp {}\n").unwrap();
    fs::write(
        d.join("snippets/tls.conf"),
        "ssl_protocols TLSv1.2 TLSv1.3;\n",
    )
    .unwrap();
    fs::write(
        d.join("templates/site.conf"),
        "server {\n    listen 443 ssl;\n    include snippets/tls.conf;\n}\n",
    )
    .unwrap();
    let r = check(&d, &[".", "--select", "legacy-protocol"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}
