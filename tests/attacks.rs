//! A hostile pull request, class by class (issue 13): escapes from the checked tree, secrets
//! inside it, hangs on special files, and false "clean" verdicts. Every case runs the binary
//! on a tree made for it and asserts that no marker text from a file tlslint must not read
//! reaches any output (every format, `show`, `-o` files, baselines), that the tree is left
//! byte-identical, and that each run ends within 5 seconds, under 512 MiB, with exit 0/1/2.
//!
//! Output escaping and injection are `hostile_output.rs`; parser bombs are `bounded.rs`;
//! config trust and safe writes are `trust.rs`.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub mod support;

/// Text that must never appear in any output.
const MARK: &str = "SECRET-MARKER-5e1d";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The peak resident memory of a process so far, from `/proc` (0 where unavailable).
fn peak_kib(pid: u32) -> u64 {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Runs tlslint in `dir` with stdout a pipe (as in CI), the marker in its environment,
/// and checks time, memory and exit code.
fn run(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TLSLINT_TEST_SECRET", MARK)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tlslint");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let mut peak = 0;
    let status = loop {
        peak = peak.max(peak_kib(child.id()));
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            panic!("tlslint {args:?} ran for more than 5 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let r = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.join().expect("stdout")).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().expect("stderr")).into_owned(),
    };
    assert!(
        matches!(r.code, 0..=2),
        "exit {} for {args:?}\n{}{}",
        r.code,
        r.stdout,
        r.stderr
    );
    assert!(peak < 512 * 1024, "{args:?} peaked at {peak} KiB");
    r
}

/// A fresh directory (canonical, so roots compare as tlslint sees them).
fn tempdir() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().expect("temp dir");
    let p = t.path().canonicalize().expect("canonical temp dir");
    (t, p)
}

/// Every file below `dir` (symlinks as their targets' names), with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        let Ok(meta) = fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&p).unwrap_or_default();
            out.push((p, target.as_os_str().as_encoded_bytes().to_vec()));
        } else if meta.is_dir() {
            for e in fs::read_dir(&p).expect("read dir") {
                stack.push(e.expect("entry").path());
            }
        } else if meta.is_file() {
            out.push((p.clone(), fs::read(&p).unwrap_or_default()));
        } else {
            out.push((p, b"<special>".to_vec()));
        }
    }
    out.sort();
    out
}

/// Runs `check` in every format (also to an `-o` file and with `--write-baseline`), and
/// `show`, and asserts that the marker is never printed or written and the tree is
/// unchanged. Returns the concise run.
fn no_leak(repo: &Path, args: &[&str]) -> Run {
    let out_dir = tempfile::tempdir().expect("output dir");
    let before = snapshot(repo);
    let mut concise = None;
    for format in [
        "human",
        "concise",
        "json",
        "sarif",
        "github",
        "junit",
        "checkstyle",
    ] {
        let mut a = vec!["check", "--fail-level", "note", "--format", format];
        a.extend_from_slice(args);
        let r = run(repo, &a);
        assert!(
            !r.stdout.contains(MARK) && !r.stderr.contains(MARK),
            "{format} {args:?} leaked:\n{}\n{}",
            r.stdout,
            r.stderr
        );
        if format == "concise" {
            concise = Some(r);
        }
    }
    let report = out_dir.path().join("report.json");
    let baseline = out_dir.path().join("baseline.json");
    let report_s = report.to_string_lossy().into_owned();
    let baseline_s = baseline.to_string_lossy().into_owned();
    let mut a = vec!["check", "--format", "json", "-o", &report_s];
    a.extend_from_slice(args);
    run(repo, &a);
    let mut a = vec!["check", "--write-baseline", &baseline_s];
    a.extend_from_slice(args);
    run(repo, &a);
    for written in [&report, &baseline] {
        let text = fs::read_to_string(written).unwrap_or_default();
        assert!(!text.contains(MARK), "{} leaked: {text}", written.display());
    }
    let mut a = vec!["show"];
    a.extend_from_slice(args);
    let r = run(repo, &a);
    assert!(
        !r.stdout.contains(MARK) && !r.stderr.contains(MARK),
        "show {args:?} leaked:\n{}\n{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(before, snapshot(repo), "the checked tree changed");
    concise.expect("concise run")
}

#[cfg(unix)]
fn link(target: impl AsRef<Path>, at: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, at).expect("symlink");
}

/// A repository (with `.git`) next to a directory of outside files holding the marker.
fn repo_and_outside() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (t, base) = tempdir();
    let repo = base.join("repo");
    let outside = base.join("outside");
    fs::create_dir_all(repo.join(".git")).expect("repo");
    fs::create_dir_all(outside.join("dir")).expect("outside");
    let conf = format!(
        "server {{ listen 443 ssl; server_name {MARK}; ssl_protocols TLSv1; }}\n{MARK} {{\n"
    );
    fs::write(outside.join("secret.conf"), &conf).expect("write");
    fs::write(outside.join("dir/x.conf"), &conf).expect("write");
    fs::write(outside.join("main.cf"), format!("{MARK} = 1\n")).expect("write");
    (t, repo, outside)
}

#[cfg(unix)]
#[test]
fn glob_includes_do_not_follow_links_out_of_the_tree() {
    let (_t, repo, outside) = repo_and_outside();
    link(outside.join("secret.conf"), repo.join("link"));
    link(outside.join("dir"), repo.join("d"));
    link("/proc/self/environ", repo.join("environ"));
    fs::write(
        repo.join("nginx.conf"),
        "http {\n  include lin[k];\n  include d/*.conf;\n  include environ;\n  include e[n]viron;\n  \
         server { listen 443 ssl; ssl_protocols TLSv1.2 TLSv1.3; }\n}\n",
    )
    .expect("write");
    let r = no_leak(&repo, &["nginx.conf"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    // Each unread include is a note, not silence.
    assert_eq!(r.stdout.matches("outside-root").count(), 4, "{}", r.stdout);
}

#[cfg(unix)]
#[test]
fn postfix_master_cf_link_is_not_read() {
    let (_t, repo, _outside) = repo_and_outside();
    fs::write(repo.join("main.cf"), "smtpd_tls_security_level = may\n").expect("write");
    link("/proc/self/environ", repo.join("master.cf"));
    let r = no_leak(&repo, &["main.cf"]);
    assert!(r.stdout.contains("master.cf was not read"), "{}", r.stdout);
    // Named directly, too.
    let r = run(&repo, &["check", "--format", "concise", "master.cf"]);
    assert!(!r.stdout.contains(MARK) && !r.stderr.contains(MARK));
}

#[cfg(unix)]
#[test]
fn a_symlinked_path_argument_does_not_widen_the_root() {
    let (_t, repo, outside) = repo_and_outside();
    fs::write(
        outside.join("nginx.conf"),
        "http { include secret.conf; }\n",
    )
    .expect("write");
    link(outside.join("nginx.conf"), repo.join("entry.conf"));
    link(outside.join("main.cf"), repo.join("main.cf"));
    fs::write(repo.join("site.conf"), "server { listen 443 ssl; }\n").expect("write");
    let r = no_leak(&repo, &["entry.conf", "site.conf"]);
    assert!(r.stdout.contains("outside-root"), "{}", r.stdout);
    let r = no_leak(&repo, &["main.cf"]);
    assert!(r.stdout.contains("outside-root"), "{}", r.stdout);
    // A walk of the tree does not follow them either.
    no_leak(&repo, &["."]);
}

#[cfg(unix)]
#[test]
fn key_material_in_proc_and_devices_is_never_read() {
    let (_t, repo, _outside) = repo_and_outside();
    fs::write(
        repo.join("nginx.conf"),
        "http { server { listen 443 ssl; ssl_certificate /proc/self/pagemap; \
         ssl_dhparam /dev/zero; ssl_session_ticket_key /proc/self/environ; } }\n",
    )
    .expect("write");
    let r = no_leak(&repo, &["nginx.conf"]);
    assert!(matches!(r.code, 0 | 1), "{}", r.stdout);
    // Without any path argument (the root is the current directory's repository).
    let r = run(&repo, &["check", "--format", "concise"]);
    assert!(matches!(r.code, 0 | 1), "{}", r.stdout);
}

#[test]
fn secrets_inside_the_tree_are_named_never_shown() {
    let (_t, repo, _outside) = repo_and_outside();
    fs::write(
        repo.join(".git/config"),
        format!("[remote \"origin\"]\n\turl = https://x:{MARK}@example.com/r.git\n"),
    )
    .expect("write");
    fs::write(
        repo.join("server.key"),
        format!("-----BEGIN PRIVATE KEY-----\n{MARK}\n-----END PRIVATE KEY-----\n"),
    )
    .expect("write");
    fs::write(repo.join(".env"), format!("TOKEN={MARK}\nOTHER=x\n")).expect("write");
    fs::write(repo.join("token.txt"), format!("{MARK};\n")).expect("write");
    fs::write(repo.join("blob.bin"), format!("\0\0{MARK}\0")).expect("write");
    fs::create_dir_all(repo.join("etc")).expect("dir");
    fs::write(
        repo.join("etc/nginx.conf"),
        "http {\n  include ../.git/config;\n  include ../server.key;\n  include ../.env;\n  \
         include ../token.txt;\n  include ../blob.bin;\n  server { listen 443 ssl; }\n}\n",
    )
    .expect("write");
    let r = no_leak(&repo, &["etc/nginx.conf"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    for name in [".git/config", "server.key", ".env", "token.txt", "blob.bin"] {
        assert!(r.stdout.contains(name), "{name} not named:\n{}", r.stdout);
    }
    // Dovecot `<file` values and includes of the same.
    fs::write(
        repo.join("dovecot.conf"),
        "ssl_cipher_list = <.env\nssl_curve_list = <server.key\n!include .git/config\n\
         !include token.txt\nssl = required\n",
    )
    .expect("write");
    let r = no_leak(&repo, &["dovecot.conf"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    // A walk of the whole tree reads none of them as configs.
    no_leak(&repo, &["."]);
}

#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
#[test]
fn fifos_and_stdout_links_never_hang() {
    let (_t, repo, _outside) = repo_and_outside();
    if !mkfifo(&repo.join("fifo.conf")) {
        support::skip("fifos_and_stdout_links_never_hang", "mkfifo failed");
        return;
    }
    link("/proc/self/fd/1", repo.join("fd1"));
    link("/dev/stdin", repo.join("stdin"));
    fs::write(
        repo.join("dovecot.conf"),
        "ssl_cipher_list = <fd1\nssl_curve_list = <stdin\nssl_dh = <fifo.conf\n\
         !include_try fifo.conf\nssl_min_protocol = TLSv1.2\n",
    )
    .expect("write");
    fs::write(
        repo.join("nginx.conf"),
        "http { include fifo.conf; include fd1; include std*; server { listen 443 ssl; } }\n",
    )
    .expect("write");
    for args in [
        vec!["check", "dovecot.conf"],
        vec!["check", "nginx.conf"],
        vec!["check", "fifo.conf"],
        vec!["check", "--dialect", "nginx", "fd1"],
        vec!["check", "."],
        vec!["show", "."],
    ] {
        run(&repo, &args);
    }
}

#[test]
fn huge_includes_are_refused_without_reading() {
    let (_t, repo, _outside) = repo_and_outside();
    let f = fs::File::create(repo.join("huge.conf")).expect("create");
    f.set_len(2 << 30).expect("sparse file");
    fs::write(
        repo.join("nginx.conf"),
        "http { include huge.conf; server { listen 443 ssl; } }\n",
    )
    .expect("write");
    let r = run(&repo, &["check", "--format", "concise", "nginx.conf"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.contains("larger than"), "{}", r.stdout);
}

#[cfg(unix)]
#[test]
fn no_false_clean() {
    let (_t, repo, _outside) = repo_and_outside();
    fs::create_dir_all(repo.join("sites")).expect("dir");
    // A dangling link inside the tree, matched by a glob: nginx fails on it.
    link(repo.join("sites/gone.conf"), repo.join("sites/a.conf"));
    fs::write(
        repo.join("nginx.conf"),
        "http { include sites/*.conf; server { listen 443 ssl; ssl_protocols TLSv1.2 TLSv1.3; } }\n",
    )
    .expect("write");
    let r = run(&repo, &["check", "--format", "concise", "nginx.conf"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.contains("No such file"), "{}", r.stdout);
    // A link out of the tree is a note whether or not its target exists (a committed
    // `sites-enabled/x -> /etc/nginx/sites-available/x` is normal).
    fs::remove_file(repo.join("sites/a.conf")).expect("rm");
    link("/etc/nginx/sites-available/none", repo.join("sites/a.conf"));
    let r = run(
        &repo,
        &[
            "check",
            "--format",
            "concise",
            "--select",
            "legacy-protocol,outside-root",
            "nginx.conf",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("outside-root"), "{}", r.stdout);
    // A named path that does not exist is an error.
    let r = run(&repo, &["check", "missing.conf"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    // Nothing recognised: said on stderr, and `--show-files` lists what is read.
    let empty = repo.join("empty");
    fs::create_dir_all(empty.join(".hidden")).expect("dir");
    fs::write(empty.join(".hidden/nginx.conf"), "http {}\n").expect("write");
    let r = run(&empty, &["check"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("no config file found"), "{}", r.stderr);
    let r = run(&repo, &["check", "--show-files", "nginx.conf"]);
    assert!(r.stdout.contains("nginx.conf\tnginx"), "{}", r.stdout);
}
