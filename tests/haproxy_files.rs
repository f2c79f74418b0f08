//! HAProxy files loaded together (`haproxy -f haproxy.cfg -f conf.d/`), end to end in a
//! temporary tree: a file without `global` read alone is a fragment (what `global` may set
//! is unknown, one note says so; `--strict-unknown` judges HAProxy's defaults), and
//! `[haproxy] load` in `.tlslint.toml` makes the listed files one entry.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_tlslint");

/// The `global` and `defaults` HAProxy loads first.
const MAIN: &str = "global
    ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256
    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets
    ssl-server-verify none

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
";

/// The proxies, in `conf.d/` (line 3 writes its own weak suite).
const WEB: &str = "frontend web
    bind :443 ssl crt /etc/haproxy/site.pem
    bind :8443 ssl crt /etc/haproxy/site.pem ciphers AES128-SHA
    default_backend app

backend app
    server s1 10.0.0.1:443 ssl
";

fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    fs::create_dir(t.path().join(".git")).unwrap();
    fs::create_dir(t.path().join("conf.d")).unwrap();
    fs::write(t.path().join("haproxy.cfg"), MAIN).unwrap();
    fs::write(t.path().join("conf.d/web.cfg"), WEB).unwrap();
    t
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .args(["--format", "concise"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("run tlslint")
}

fn lines(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn count(lines: &[String], what: &str) -> usize {
    lines.iter().filter(|l| l.contains(what)).count()
}

#[test]
fn a_file_without_global_is_a_fragment() {
    let t = tree();
    let o = run(t.path(), &["check", "conf.d/web.cfg"]);
    let out = lines(&o);
    let all = out.join("\n");
    assert_eq!(o.status.code(), Some(1), "{all}");
    // One note for the file, none per setting.
    assert_eq!(count(&out, "no `global` section"), 1, "{all}");
    assert!(
        out.iter()
            .any(|l| l.starts_with("conf.d/web.cfg:1:1: note[outside-root]")),
        "{all}"
    );
    // What the missing global may set is not judged: its ciphers, its ticket options, its
    // `ssl-server-verify none` (so no "no CA file" error either).
    assert_eq!(count(&out, "bind :443 ("), 0, "{all}");
    assert_eq!(count(&out, "session-ticket-rotation"), 0, "{all}");
    assert_eq!(count(&out, "server-cipher-order"), 0, "{all}");
    assert_eq!(count(&out, "server s1"), 0, "{all}");
    assert_eq!(count(&out, "error["), 0, "{all}");
    // What the file writes itself is.
    assert_eq!(
        count(
            &out,
            "cipher-not-recommended] 1 suite outside the policy's recommended set enabled for frontend web bind :8443 (AES128-SHA)"
        ),
        1,
        "{all}"
    );
}

#[test]
fn strict_unknown_judges_a_fragment_with_haproxy_defaults() {
    let t = tree();
    let o = run(t.path(), &["check", "--strict-unknown", "conf.d/web.cfg"]);
    let out = lines(&o);
    let all = out.join("\n");
    // HAProxy's own default verifies servers, and there is no CA: HAProxy alone refuses it.
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert_eq!(
        count(&out, "verify is enabled by default but no CA file"),
        1,
        "{all}"
    );
    assert_eq!(count(&out, "HAProxy's defaults are assumed"), 1, "{all}");
    assert_eq!(count(&out, "session-ticket-rotation"), 1, "{all}");
}

#[test]
fn haproxy_load_parses_the_files_as_one_entry() {
    let t = tree();
    fs::write(
        t.path().join(".tlslint.toml"),
        "[haproxy]\nload = [\"haproxy.cfg\", \"conf.d\"]\n",
    )
    .unwrap();
    for args in [&["check", "."][..], &["check", "conf.d/web.cfg"]] {
        let o = run(t.path(), args);
        let out = lines(&o);
        let all = out.join("\n");
        assert_eq!(o.status.code(), Some(1), "{args:?}: {all}");
        assert_eq!(count(&out, "no `global` section"), 0, "{all}");
        // global's ciphers and `no-tls-tickets` apply to the frontend of conf.d/.
        assert_eq!(count(&out, "bind :443 ("), 0, "{all}");
        assert_eq!(count(&out, "session-ticket-rotation"), 0, "{all}");
        // global's `ssl-server-verify none`, found where it is written; once, not once
        // per file.
        assert_eq!(
            count(
                &out,
                "haproxy.cfg:4:23: warning[upstream-verify-off] backend app server s1"
            ),
            1,
            "{all}"
        );
        assert_eq!(
            count(&out, "frontend web bind :8443 (AES128-SHA)"),
            2,
            "{all}"
        );
        // `defaults` of haproxy.cfg: mode http, so HSTS is looked for.
        assert_eq!(count(&out, "warning[hsts]"), 1, "{all}");
    }
}

#[test]
fn haproxy_load_paths_stay_inside_the_config_directory() {
    let t = tree();
    for bad in ["../haproxy.cfg", "/etc/haproxy/haproxy.cfg", ""] {
        fs::write(
            t.path().join(".tlslint.toml"),
            format!("[haproxy]\nload = [\"{bad}\"]\n"),
        )
        .unwrap();
        let o = run(t.path(), &["check", "."]);
        let all =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{bad}: {all}");
        assert!(
            all.contains("must be a path inside the config's directory"),
            "{all}"
        );
    }
    fs::write(t.path().join(".tlslint.toml"), "[haproxy]\nfiles = []\n").unwrap();
    let o = run(t.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_missing_load_file_is_an_error() {
    let t = tree();
    fs::write(
        t.path().join(".tlslint.toml"),
        "[haproxy]\nload = [\"haproxy.cfg\", \"conf.d\", \"extra.cfg\"]\n",
    )
    .unwrap();
    let o = run(t.path(), &["check", "."]);
    let all = lines(&o).join("\n");
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert!(all.contains("extra.cfg"), "{all}");
}
