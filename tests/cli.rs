//! End-to-end tests of the `tlslint` binary in temporary directories: config discovery and
//! errors, `init`, `--print-config`, `-o`, baselines, suppressions, and the pre-commit hook
//! run the way pre-commit runs it.
//!
//! Most findings here come from the suppression checks, which read raw comments; the
//! pre-commit fragment test also needs the nginx parser to follow includes.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

pub mod support;

const BIN: &str = env!("CARGO_BIN_EXE_tlslint");

/// An nginx config whose only finding is an expired suppression (line 4, columns 66–76: the `until=` value).
const EXPIRED: &str = "http {\n    server {\n        listen 443 ssl;\n        # tlslint: allow(legacy-protocol) reason=\"partner\" until=2020-01-31\n        ssl_protocols TLSv1.2 TLSv1.3;\n        ssl_session_tickets off;\n        ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n        ssl_certificate c.pem;\n        add_header Strict-Transport-Security \"max-age=63072000\" always;\n    }\n}\n";

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .env_remove("COLUMNS")
        .output()
        .expect("run tlslint")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn tmp() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    // A `.git` directory bounds the repository for fragment lookups.
    fs::create_dir(t.path().join(".git")).unwrap();
    t
}

#[test]
fn expired_suppression_is_reported_with_exact_position() {
    let t = tmp();
    fs::write(t.path().join("nginx.conf"), EXPIRED).unwrap();
    let o = run(t.path(), &["check", "nginx.conf", "--format", "concise"]);
    let out = text(&o.stdout);
    assert!(
        out.starts_with("nginx.conf:4:66: warning[expired-suppression] "),
        "{out}"
    );
    assert_eq!(o.status.code(), Some(1));
    let o = run(t.path(), &["check", "nginx.conf", "--exit-zero"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn config_severity_select_and_fail_level() {
    let t = tmp();
    fs::write(t.path().join("nginx.conf"), EXPIRED).unwrap();
    fs::create_dir(t.path().join("sub")).unwrap();
    fs::write(t.path().join("sub/nginx.conf"), EXPIRED).unwrap();
    fs::write(
        t.path().join(".tlslint.toml"),
        "[checks]\nexpired-suppression = \"note\"\n",
    )
    .unwrap();
    let o = run(t.path(), &["check", "nginx.conf", "--format", "concise"]);
    assert!(text(&o.stdout).contains("note[expired-suppression]"));
    assert_eq!(
        o.status.code(),
        Some(0),
        "notes are below the default fail level"
    );
    // The flag beats the config's fail-level.
    fs::write(
        t.path().join(".tlslint.toml"),
        "fail-level = \"error\"\n[checks]\nexpired-suppression = \"note\"\n",
    )
    .unwrap();
    let o = run(t.path(), &["check", "nginx.conf", "--fail-level", "note"]);
    assert_eq!(o.status.code(), Some(1));
    // The closest config wins: sub/ has its own, which turns the check off.
    fs::write(
        t.path().join("sub/tlslint.toml"),
        "ignore = [\"expired-suppression\", \"outside-root\"]\n",
    )
    .unwrap();
    let o = run(
        t.path(),
        &["check", "sub/nginx.conf", "--format", "concise"],
    );
    assert_eq!(text(&o.stdout), "", "{}", text(&o.stderr));
    assert_eq!(o.status.code(), Some(0));
    // --no-config ignores both.
    let o = run(t.path(), &["check", "sub/nginx.conf", "--no-config"]);
    assert_eq!(o.status.code(), Some(1));
    // --config names a file explicitly.
    let o = run(
        t.path(),
        &[
            "check",
            "sub/nginx.conf",
            "--config",
            ".tlslint.toml",
            "--format",
            "concise",
        ],
    );
    assert!(text(&o.stdout).contains("note[expired-suppression]"));
}

#[test]
fn per_path_overrides() {
    let t = tmp();
    fs::create_dir_all(t.path().join("legacy/a")).unwrap();
    fs::write(t.path().join("legacy/a/nginx.conf"), EXPIRED).unwrap();
    fs::write(t.path().join("nginx.conf"), EXPIRED).unwrap();
    fs::write(
        t.path().join("tlslint.toml"),
        "[[overrides]]\ninclude = [\"legacy/**\"]\nchecks = { expired-suppression = \"off\", outside-root = \"off\" }\n",
    )
    .unwrap();
    let o = run(t.path(), &["check", ".", "--format", "concise"]);
    let out = text(&o.stdout);
    assert!(out.contains("nginx.conf:4:66"), "{out}");
    assert!(!out.contains("legacy/"), "{out}");
}

#[test]
fn config_errors_point_into_the_file_and_exit_2() {
    let t = tmp();
    fs::write(t.path().join("nginx.conf"), EXPIRED).unwrap();
    fs::write(
        t.path().join(".tlslint.toml"),
        "policy = \"mozilla-intermediate\"\n[checks]\nlegacy-protocl = \"off\"\n",
    )
    .unwrap();
    let o = run(t.path(), &["check", "nginx.conf"]);
    assert_eq!(o.status.code(), Some(2));
    let out = text(&o.stdout);
    assert!(out.contains("config-error"), "{out}");
    assert!(out.contains("unknown check `legacy-protocl`"), "{out}");
    assert!(out.contains(".tlslint.toml:3:1"), "{out}");
    assert!(out.contains("did you mean `legacy-protocol`?"), "{out}");
    let o = run(t.path(), &["check", "nginx.conf", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["findings"][0]["rule"], "config-error");
    assert_eq!(j["findings"][0]["line"], 3);
}

#[test]
fn init_writes_a_loadable_config_and_refuses_to_overwrite() {
    let t = tmp();
    let o = run(t.path(), &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(t.path().join(".tlslint.toml").is_file());
    let o = run(t.path(), &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("already exists"));
    let o = run(t.path(), &["check", "--print-config"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("# from .tlslint.toml"), "{out}");
    assert!(out.contains("policy = \"mozilla-intermediate\""), "{out}");
}

#[test]
fn output_file_and_formats() {
    let t = tmp();
    fs::write(t.path().join("nginx.conf"), EXPIRED).unwrap();
    for format in [
        "sarif",
        "github",
        "junit",
        "checkstyle",
        "json",
        "concise",
        "human",
    ] {
        let o = run(
            t.path(),
            &[
                "check",
                "nginx.conf",
                "--format",
                format,
                "-o",
                "report.out",
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{format}: {}", text(&o.stderr));
        assert!(o.stdout.is_empty(), "{format} wrote to stdout");
        let report = fs::read_to_string(t.path().join("report.out")).unwrap();
        assert!(report.contains("expired-suppression"), "{format}: {report}");
    }
    let o = run(t.path(), &["check", "nginx.conf", "--format", "github"]);
    assert!(text(&o.stdout).starts_with(
        "::warning file=nginx.conf,line=4,endLine=4,col=66,endColumn=76,title=tlslint (expired-suppression)::"
    ));
}

#[test]
fn baseline_round_trip_survives_line_shifts() {
    let t = tmp();
    fs::write(t.path().join("nginx.conf"), EXPIRED).unwrap();
    let o = run(
        t.path(),
        &[
            "check",
            "nginx.conf",
            "--write-baseline",
            "tlslint-baseline.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let b: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(t.path().join("tlslint-baseline.json")).unwrap())
            .unwrap();
    assert_eq!(b["version"], 2);
    assert_eq!(b["entries"][0]["check"], "expired-suppression");
    assert_eq!(b["entries"][0]["file"], "nginx.conf");
    assert_eq!(b["entries"][0]["count"], 1);
    // Shift everything down: the finding is still known.
    fs::write(t.path().join("nginx.conf"), format!("# moved\n\n{EXPIRED}")).unwrap();
    let o = run(
        t.path(),
        &["check", "nginx.conf", "--baseline", "tlslint-baseline.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    // A new finding is reported; the old one stays hidden.
    let second = EXPIRED.replace("legacy-protocol", "weak-cipher");
    fs::write(t.path().join("nginx.conf"), format!("{EXPIRED}{second}")).unwrap();
    let o = run(
        t.path(),
        &[
            "check",
            "nginx.conf",
            "--baseline",
            "tlslint-baseline.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout).lines().count(), 1);
    assert!(
        text(&o.stdout).contains("nginx.conf:15:"),
        "{}",
        text(&o.stdout)
    );
    // Fixed: the entry is reported as removable, not as a failure.
    fs::write(t.path().join("nginx.conf"), "http {\n}\n").unwrap();
    let o = run(
        t.path(),
        &["check", "nginx.conf", "--baseline", "tlslint-baseline.json"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o.stderr).contains("no longer occur"),
        "{}",
        text(&o.stderr)
    );
}

/// The `entry` of a hook in `.pre-commit-hooks.yaml` (a tiny reader for our own file).
fn hook(id: &str) -> (String, String) {
    let yaml =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
            .unwrap();
    let block = yaml
        .split("- id: ")
        .find(|b| b.starts_with(&format!("{id}\n")))
        .unwrap_or_else(|| panic!("hook {id} not found"));
    let field = |name: &str| {
        block
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("{id}: no {name}"))
            .trim_matches('\'')
            .to_owned()
    };
    assert_eq!(field("require_serial"), "true");
    (field("entry"), field("files"))
}

/// Runs a hook's entry with file names, like pre-commit: `entry` split on spaces, the
/// program resolved to the built binary.
fn run_hook(dir: &Path, id: &str, files: &[&str]) -> Output {
    let (entry, _) = hook(id);
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("tlslint"));
    let mut args: Vec<&str> = words.collect();
    args.extend(files);
    run(dir, &args)
}

#[test]
fn pre_commit_hook_entry_runs_on_changed_files() {
    let t = tmp();
    if Command::new("git")
        .arg("init")
        .arg("-q")
        .current_dir(t.path())
        .output()
        .is_err()
    {
        eprintln!("note: git not available; using a bare .git directory");
    }
    fs::write(t.path().join("nginx.conf"), EXPIRED).unwrap();
    // Another program's config matched by `*.conf` is skipped, not an error.
    fs::write(
        t.path().join("supervisord.conf"),
        "[program:x]\ncommand=/bin/true\n",
    )
    .unwrap();
    let o = run_hook(t.path(), "tlslint", &["nginx.conf", "supervisord.conf"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert!(text(&o.stdout).contains("expired-suppression"));
    let o = run_hook(t.path(), "tlslint", &["supervisord.conf"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

#[test]
fn pre_commit_files_pattern() {
    let Ok(py) = Command::new("python3").arg("--version").output() else {
        support::skip(
            "pre_commit_files_pattern",
            "python3 (for pre-commit's `re.search`) is not available",
        );
        return;
    };
    assert!(py.status.success());
    let (_, files) = hook("tlslint");
    let (_, apps) = hook("tlslint-apps");
    let yes = [
        "nginx.conf",
        "etc/nginx/nginx.conf",
        "etc/nginx/conf.d/ssl.conf",
        "sites-enabled/example.org",
        "nginx/snippets/tls",
        "postfix/main.cf",
        "master.cf",
        "dovecot/dovecot.conf",
        "dovecot/conf.d/10-ssl.conf",
        "dovecot/conf.d/10-ssl.conf.ext",
        "haproxy/haproxy.cfg",
        // Any `*.cfg` may be an HAProxy config; one of another program is skipped
        // (`--ignore-unknown-files`).
        "main.cfg",
    ];
    let no = ["README.md", "main.cf.orig", "app.yaml", "src/lib.rs"];
    let script = format!(
        "import re,sys\nf={files:?}\na={apps:?}\nfor p in {yes:?}:\n  assert re.search(f,p),p\nfor p in {no:?}:\n  assert not re.search(f,p),p\nfor p in ['config.yml','app/settings.yaml','x.toml']:\n  assert re.search(a,p),p\n"
    );
    let o = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn pre_commit_fragment_is_judged_through_its_entry_file() {
    let t = tmp();
    fs::create_dir(t.path().join("conf.d")).unwrap();
    fs::write(
        t.path().join("nginx.conf"),
        "events {}\nhttp {\n    ssl_protocols TLSv1 TLSv1.2;\n    include conf.d/*.conf;\n}\n",
    )
    .unwrap();
    // The fragment inherits TLSv1 from nginx.conf: the finding is about its server (whose
    // level 0 lets OpenSSL 3 negotiate TLS 1.0, with a suite that works there).
    fs::write(
        t.path().join("conf.d/site.conf"),
        "server {\n    listen 443 ssl; ssl_certificate c.pem;\n    server_name a.example;\n    # tlslint: allow(weak-cipher) reason=\"x\" until=2020-01-01\n    ssl_ciphers ECDHE-RSA-AES128-SHA:@SECLEVEL=0;\n}\n",
    )
    .unwrap();
    let o = run_hook(t.path(), "tlslint", &["conf.d/site.conf"]);
    let out = text(&o.stdout);
    assert!(out.contains("legacy-protocol"), "{out}");
    assert!(out.contains("a.example"), "{out}");
    assert!(out.contains("expired-suppression"), "{out}");
    assert_eq!(o.status.code(), Some(1));
    // A fragment that no entry includes is linted alone, without a parse error.
    fs::write(
        t.path().join("lonely.conf"),
        "ssl_protocols TLSv1.2 TLSv1.3;\n",
    )
    .unwrap();
    let o = run(t.path(), &["check", "--dialect", "nginx", "lonely.conf"]);
    assert_ne!(o.status.code(), Some(2), "{}", text(&o.stdout));
}

#[test]
fn targets_are_versions_tlslint_knows() {
    let t = tmp();
    fs::write(
        t.path().join("dovecot.conf"),
        "ssl = required\nssl_cert = </etc/ssl/certs/mail.pem\nssl_key = </etc/ssl/private/mail.key\n",
    )
    .unwrap();
    // A version tlslint does not model is an error naming the ones it does, never a guess.
    for (target, supported) in [
        ("openssl=9.9", "1.0.2, 1.1, 3.0"),
        ("openssl=1.0.1", "1.0.2, 1.1"),
        ("dovecot=2.1", "2.2, 2.3, 2.4"),
        ("nginx=0.7", "1.18"),
    ] {
        let o = run(t.path(), &["check", "--target", target, "dovecot.conf"]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{target}: {err}");
        assert!(err.contains("does not know"), "{target}: {err}");
        assert!(err.contains(supported), "{target}: {err}");
    }
    // `X.Y` is the newest release of the series tlslint knows: Dovecot 2.3.21, whose
    // default minimum protocol is TLS 1.2 (2.3.0's was TLS 1.0).
    let o = run(
        t.path(),
        &[
            "show",
            "--format",
            "json",
            "--target",
            "dovecot=2.3",
            "dovecot.conf",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let note = doc["endpoints"][0]["settings"]["protocols"].to_string();
    assert!(note.contains("2.3.21"), "{note}");
    assert_eq!(
        doc["endpoints"][0]["configured_protocols"],
        serde_json::json!(["TLSv1.2", "TLSv1.3"])
    );
}

#[test]
fn default_versions_hint_only_when_no_target_is_given() {
    let t = tmp();
    fs::write(
        t.path().join("nginx.conf"),
        "http {\n  server {\n    listen 443 ssl;\n    server_name a.example;\n    ssl_certificate c.pem;\n    ssl_certificate_key k.pem;\n  }\n}\n",
    )
    .unwrap();
    let hint = "hint: findings assume nginx";
    // No `ssl_protocols`, ciphers or tickets: the findings rest on nginx's defaults.
    let o = run(t.path(), &["check", "--no-config", "nginx.conf"]);
    let out = text(&o.stdout);
    // The hint ends the output, wrapped to the width (its lines after the first indented).
    let (_, last) = out.rsplit_once("\nhint: ").unwrap_or_default();
    let last = format!("hint: {}", last.replace("\n      ", " "));
    assert!(last.starts_with(hint), "{out}");
    assert!(
        last.contains("OpenSSL") && last.contains("--target"),
        "{last}"
    );
    let o = run(
        t.path(),
        &[
            "check",
            "--no-config",
            "--target",
            "nginx=1.22",
            "nginx.conf",
        ],
    );
    assert!(!text(&o.stdout).contains(hint));
    // The machine formats are stdout contracts: no hint there.
    let o = run(
        t.path(),
        &["check", "--no-config", "--format", "json", "nginx.conf"],
    );
    assert!(!text(&o.stdout).contains(hint));
    // `[targets]` in the config counts as a given target.
    fs::write(
        t.path().join(".tlslint.toml"),
        "[targets]\nnginx = \"1.26\"\n",
    )
    .unwrap();
    let o = run(t.path(), &["check", "nginx.conf"]);
    assert!(!text(&o.stdout).contains(hint), "{}", text(&o.stdout));
}

#[test]
fn misspelt_names_get_a_suggestion() {
    let t = tmp();
    fs::write(
        t.path().join("nginx.conf"),
        "http { server { listen 443 ssl; ssl_certificate a.crt; ssl_certificate_key a.key; } }\n",
    )
    .unwrap();
    let o = run(t.path(), &["explain", "weak-ciper"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("did you mean `weak-cipher`?"));
    let o = run(t.path(), &["check", "--select", "legacy-protocl", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("did you mean `legacy-protocol`?"));
    let o = run(
        t.path(),
        &[
            "check",
            "--format",
            "concise",
            "--policy",
            "mozila-modern",
            ".",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let out = text(&o.stdout);
    assert!(out.contains("unknown policy `mozila-modern`"), "{out}");
    let o = run(t.path(), &["check", "--policy", "mozila-modern", "."]);
    assert!(
        text(&o.stdout).contains("did you mean `mozilla-modern`?"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn output_format_is_an_alias_of_format() {
    let t = tmp();
    fs::write(
        t.path().join("nginx.conf"),
        "http { server { listen 443 ssl; ssl_protocols TLSv1 TLSv1.2; ssl_certificate a.crt; ssl_certificate_key a.key; } }\n",
    )
    .unwrap();
    let a = run(t.path(), &["check", "--output-format", "json", "."]);
    let b = run(t.path(), &["check", "--format", "json", "."]);
    assert_eq!(a.status.code(), Some(1));
    assert_eq!(text(&a.stdout), text(&b.stdout));
    assert!(text(&a.stdout).trim_start().starts_with('{'));
}

/// A CLI snapshot, kept in `tests/snapshots/cli/`.
macro_rules! snapshot {
    ($name:expr, $text:expr) => {
        insta::with_settings!({ snapshot_path => "snapshots/cli", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $text);
        })
    };
}

#[test]
fn quiet_prints_only_the_findings() {
    let t = tmp();
    fs::write(t.path().join("nginx.conf"), EXPIRED).unwrap();
    let o = run(t.path(), &["check", "nginx.conf"]);
    assert!(
        text(&o.stderr).starts_with("tlslint: "),
        "{}",
        text(&o.stderr)
    );
    assert!(text(&o.stdout).contains("1 warning"), "{}", text(&o.stdout));
    let o = run(t.path(), &["check", "-q", "nginx.conf"]);
    assert!(
        !text(&o.stdout).contains("1 warning"),
        "{}",
        text(&o.stdout)
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stderr), "");
    snapshot!("quiet_human", text(&o.stdout));
    let o = run(
        t.path(),
        &["check", "--quiet", "--format", "concise", "nginx.conf"],
    );
    assert_eq!(text(&o.stderr), "");
    assert_eq!(text(&o.stdout).lines().count(), 2, "{}", text(&o.stdout));
    // Notes are chatter: a baseline's note and "wrote ..." are left out too.
    let o = run(
        t.path(),
        &["check", "-q", "--write-baseline", "b.json", "nginx.conf"],
    );
    assert_eq!((o.status.code(), text(&o.stderr)), (Some(0), String::new()));
    let o = run(
        t.path(),
        &["check", "-q", "--baseline", "b.json", "nginx.conf"],
    );
    assert_eq!((o.status.code(), text(&o.stderr)), (Some(0), String::new()));
    assert_eq!(text(&o.stdout), "");
    // No closing hint about assumed versions.
    fs::write(
        t.path().join("defaults.conf"),
        "http {\n  server {\n    listen 443 ssl;\n    ssl_certificate c.pem;\n  }\n}\n",
    )
    .unwrap();
    let o = run(t.path(), &["check", "--dialect", "nginx", "defaults.conf"]);
    assert!(text(&o.stdout).contains("hint: "), "{}", text(&o.stdout));
    let o = run(
        t.path(),
        &["check", "-q", "--dialect", "nginx", "defaults.conf"],
    );
    assert!(!text(&o.stdout).contains("hint: "), "{}", text(&o.stdout));
    // An empty directory: no "no config file found" warning.
    fs::create_dir(t.path().join("empty")).unwrap();
    let o = run(t.path(), &["check", "-q", "empty"]);
    assert_eq!((o.status.code(), text(&o.stderr)), (Some(0), String::new()));
    // Errors that make the run exit 2 are still printed.
    let o = run(
        t.path(),
        &["check", "-q", "--target", "nginx=0.1", "nginx.conf"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).starts_with("error: "),
        "{}",
        text(&o.stderr)
    );
    fs::write(t.path().join("broken.conf"), "http {\n").unwrap();
    let o = run(
        t.path(),
        &[
            "check",
            "-q",
            "--format",
            "concise",
            "--dialect",
            "nginx",
            "broken.conf",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stdout).contains("error[parse-error]"),
        "{}",
        text(&o.stdout)
    );
}

/// Runs the binary in the repository (for the shipped examples).
fn run_here(args: &[&str]) -> Output {
    run(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

#[test]
fn statistics_count_findings_per_check() {
    let o = run_here(&["check", "--no-config", "--statistics", "examples/weak"]);
    let plain = run_here(&["check", "--no-config", "examples/weak"]);
    assert_eq!(o.status.code(), plain.status.code());
    assert_eq!(o.status.code(), Some(1));
    let table = text(&o.stdout);
    snapshot!("statistics_weak", &table);
    // The counts add up to the findings of a concise run.
    let concise = run_here(&[
        "check",
        "--no-config",
        "--format",
        "concise",
        "examples/weak",
    ]);
    let total: usize = table
        .lines()
        .map(|l| {
            l.split_whitespace()
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, text(&concise.stdout).lines().count());
    // JSON: an array of {check, severity, count}, most frequent first.
    let o = run_here(&[
        "check",
        "--no-config",
        "--statistics",
        "--format",
        "json",
        "examples/weak",
    ]);
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), table.lines().count());
    assert_eq!(
        rows[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["check", "count", "severity"]
    );
    let counts: Vec<u64> = rows.iter().map(|r| r["count"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    // --exit-zero still decides the exit code; a clean run prints an empty array.
    let o = run_here(&[
        "check",
        "--no-config",
        "--statistics",
        "--exit-zero",
        "examples/weak",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let t = tmp();
    fs::write(t.path().join("nginx.conf"), "events {}\n").unwrap();
    let o = run(
        t.path(),
        &["check", "--statistics", "--format", "json", "nginx.conf"],
    );
    assert_eq!(
        (o.status.code(), text(&o.stdout)),
        (Some(0), "[]\n".to_owned())
    );
}

/// A TLS server with one finding source per file (TLSv1), for exclude tests.
const TLS1: &str = "http { server { listen 443 ssl; ssl_protocols TLSv1 TLSv1.2; ssl_certificate a.crt; ssl_certificate_key a.key; } }\n";

/// The files a concise run reports findings in, sorted and deduplicated.
fn reported(o: &Output) -> Vec<String> {
    let mut files: Vec<String> = text(&o.stdout)
        .lines()
        .filter_map(|l| l.split(':').next().map(str::to_owned))
        .collect();
    files.dedup();
    files
}

#[test]
fn excludes_follow_ruff() {
    let t = tmp();
    for dir in ["site", "vendor/lib", "legacy", "sub/legacy", "sub/old"] {
        fs::create_dir_all(t.path().join(dir)).unwrap();
        fs::write(t.path().join(dir).join("nginx.conf"), TLS1).unwrap();
    }
    let check = |args: &[&str]| {
        let mut all = vec!["check", "--format", "concise"];
        all.extend(args);
        run(t.path(), &all)
    };
    // The defaults leave out `vendor`; the run-info line counts what was left out.
    let o = check(&[]);
    assert_eq!(
        reported(&o),
        [
            "legacy/nginx.conf",
            "site/nginx.conf",
            "sub/legacy/nginx.conf",
            "sub/old/nginx.conf"
        ]
    );
    assert!(
        text(&o.stderr).contains(", 1 path excluded"),
        "{}",
        text(&o.stderr)
    );
    // A pattern without `/` matches a name anywhere; comma-separated values are split.
    let o = check(&["--extend-exclude", "legacy,old"]);
    assert_eq!(reported(&o), ["site/nginx.conf"]);
    // `--exclude` replaces the defaults: vendor is read again.
    let o = check(&["--exclude", "site"]);
    assert!(reported(&o).contains(&"vendor/lib/nginx.conf".to_owned()));
    assert!(!reported(&o).contains(&"site/nginx.conf".to_owned()));
    // A pattern with `/` is relative to where it is written: the config's directory.
    fs::write(
        t.path().join("sub/.tlslint.toml"),
        "extend-exclude = [\"legacy/**\"]\n",
    )
    .unwrap();
    let o = check(&["sub"]);
    assert_eq!(reported(&o), ["sub/old/nginx.conf"]);
    // The config's `exclude` replaces the defaults; the flag replaces the config's.
    fs::write(t.path().join(".tlslint.toml"), "exclude = [\"old\"]\n").unwrap();
    let o = check(&[]);
    assert!(reported(&o).contains(&"vendor/lib/nginx.conf".to_owned()));
    assert!(!reported(&o).contains(&"sub/old/nginx.conf".to_owned()));
    let o = check(&["--exclude", "vendor"]);
    assert!(reported(&o).contains(&"sub/old/nginx.conf".to_owned()));
    fs::remove_file(t.path().join(".tlslint.toml")).unwrap();
    // --show-files says what was left out and by which pattern.
    let o = run(
        t.path(),
        &["check", "--show-files", "--extend-exclude", "legacy/*.conf"],
    );
    snapshot!("show_files_excluded", text(&o.stdout));
    // A named file is checked even when excluded, unless --force-exclude is given.
    let o = check(&["vendor/lib/nginx.conf"]);
    assert_eq!(reported(&o), ["vendor/lib/nginx.conf"]);
    let o = check(&[
        "--force-exclude",
        "vendor/lib/nginx.conf",
        "site/nginx.conf",
    ]);
    assert_eq!(reported(&o), ["site/nginx.conf"]);
    let o = check(&["--force-exclude", "vendor/lib/nginx.conf"]);
    assert_eq!((o.status.code(), text(&o.stdout)), (Some(0), String::new()));
    assert!(!text(&o.stderr).contains("warning"), "{}", text(&o.stderr));
    let o = run(
        t.path(),
        &[
            "check",
            "--show-files",
            "--force-exclude",
            "vendor/lib/nginx.conf",
        ],
    );
    assert_eq!(
        text(&o.stdout),
        "vendor/lib/nginx.conf\tskipped: excluded by default (vendor; `exclude` in the config replaces the defaults)\n"
    );
    // The pre-commit hooks pass --force-exclude.
    let o = run_hook(t.path(), "tlslint", &["vendor/lib/nginx.conf"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let o = run_hook(t.path(), "tlslint", &["site/nginx.conf"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    // Bad globs are errors: on the command line, and pointed at in the config.
    let o = check(&["--exclude", "a/["]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--exclude a/["),
        "{}",
        text(&o.stderr)
    );
    fs::write(
        t.path().join(".tlslint.toml"),
        "extend-exclude = [\"ok\", \"a/[\"]\n",
    )
    .unwrap();
    let o = check(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stdout).starts_with(".tlslint.toml:1:25: error[config-error]"),
        "{}",
        text(&o.stdout)
    );
}

/// The human report of `examples/weak` at a width given by `COLUMNS`.
fn weak_at(columns: &str) -> String {
    let o = Command::new(BIN)
        .args(["check", "--no-config", "examples/weak"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .env("COLUMNS", columns)
        .output()
        .expect("run tlslint");
    assert_eq!(o.status.code(), Some(1));
    text(&o.stdout)
}

#[test]
fn human_output_fits_columns_and_keeps_values_whole() {
    let recommended = "`ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;`";
    let hsts = "`add_header Strict-Transport-Security \"max-age=63072000\" always;`";
    // Not a terminal, no usable COLUMNS: the default 100 columns.
    let default = weak_at("");
    assert_eq!(default, weak_at("abc"));
    assert_eq!(default, weak_at("100"));
    for columns in [80, 60] {
        let out = weak_at(&columns.to_string());
        snapshot!(format!("weak_columns_{columns}"), &out);
        // Pasted values are never broken: each stays whole on one line.
        for value in [recommended, hsts] {
            assert!(
                out.lines().any(|l| l.contains(value)),
                "{columns}: {value} broken:\n{out}"
            );
        }
        // Messages, help and labels wrap at spaces within the width, except a line that
        // holds a backquoted value (or a source line, which is shown as written).
        for line in out.lines() {
            let source = line
                .split('│')
                .next()
                .is_some_and(|g| g.trim().parse::<usize>().is_ok());
            if source || line.contains('`') {
                continue;
            }
            assert!(
                line.chars().count() <= columns,
                "{columns}: line wider than the terminal: {line}"
            );
        }
        // Words are not split at hyphens.
        assert!(!out.contains("ECDHE-\n"), "{out}");
    }
}

#[test]
fn show_rejects_check_flags_and_keeps_json_by_default() {
    for flag in [
        &["--baseline", "b.json"][..],
        &["--exit-zero"],
        &["--fail-level", "error"],
        &["--select", "weak-cipher"],
        &["--write-baseline", "b.json"],
        &["--statistics"],
        &["--format", "sarif"],
    ] {
        let mut args = vec!["show"];
        args.extend(flag);
        args.push("examples/weak");
        let o = run_here(&args);
        assert_eq!(o.status.code(), Some(2), "{flag:?}");
        let err = text(&o.stderr);
        assert!(
            err.starts_with("error: unexpected argument")
                || err.starts_with("error: invalid value"),
            "{flag:?}: {err}"
        );
        assert!(o.stdout.is_empty());
    }
    // The input flags are shared with `check`.
    let o = run_here(&[
        "show",
        "--no-config",
        "--target",
        "nginx=1.22",
        "--extend-exclude",
        "mail",
        "examples",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("legacy.example.com"));
    assert!(!text(&o.stdout).contains("main.cf smtpd"));
    // JSON stays the default, unchanged.
    let default = run_here(&["show", "examples/weak"]);
    let json = run_here(&["show", "--format", "json", "examples/weak"]);
    assert_eq!(default.stdout, json.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["version"], 2);
}

/// The `$ tlslint show ...` example in the README and the output it claims.
fn readme_show_example() -> (Vec<String>, String) {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let (_, rest) = readme
        .split_once("```text\n$ tlslint show --format human ")
        .expect("README has a `show --format human` example");
    let (args, rest) = rest.split_once('\n').unwrap();
    let (output, _) = rest.split_once("```").unwrap();
    (
        args.split_whitespace().map(str::to_owned).collect(),
        output.to_owned(),
    )
}

#[test]
fn show_human_lists_endpoints_with_origins() {
    let o = run_here(&[
        "show",
        "--format",
        "human",
        "--no-config",
        "examples/weak",
        "examples/mail",
        "examples/apps",
        "examples/mozilla-intermediate",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    snapshot!("show_human_examples", &out);
    for origin in ["set at ", "inherited from ", "default: "] {
        assert!(out.contains(origin), "{origin}");
    }
    assert!(out.contains(
        "  suites      42 negotiable of 125 configured\n              14 forward-secret AEAD, 12 forward-secret CBC, 16 without forward secrecy\n"
    ));
    // The README's example is this command's output.
    let (args, claimed) = readme_show_example();
    let mut all = vec!["show", "--format", "human"];
    all.extend(args.iter().map(String::as_str));
    let o = run_here(&all);
    assert_eq!(text(&o.stdout), claimed, "README example is stale");
    snapshot!("show_human_readme", &claimed);
    // Narrow terminals: lines fill to the width, values in backquotes stay whole.
    let o = Command::new(BIN)
        .args(["show", "--format", "human", "examples/weak"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", "60")
        .output()
        .unwrap();
    for line in text(&o.stdout).lines() {
        assert!(
            line.chars().count() <= 60 || line.contains('`'),
            "too wide: {line}"
        );
    }
}

#[test]
fn show_human_escapes_input_text() {
    let t = tmp();
    fs::write(
        t.path().join("nginx.conf"),
        "http { server { listen 443 ssl; server_name a\u{202e}b.example; ssl_certificate c.pem; ssl_ciphers 'HIGH:\u{1b}[31m'; } }\n",
    )
    .unwrap();
    let o = run(t.path(), &["show", "--format", "human", "nginx.conf"]);
    let out = text(&o.stdout);
    assert!(out.contains("a\\u{202e}b.example"), "{out}");
    assert!(out.contains("\\x1b[31m"), "{out}");
    assert!(
        !out.contains('\u{202e}') && !out.contains('\u{1b}'),
        "{out}"
    );
}

/// The long flags `--help` lists for a subcommand.
fn long_flags(subcommand: &str) -> Vec<String> {
    let o = run_here(&[subcommand, "--help"]);
    let mut flags: Vec<String> = text(&o.stdout)
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("-q, ").unwrap_or(l);
            let l = l.strip_prefix("-o, ").unwrap_or(l);
            l.strip_prefix("--")
                .map(|f| format!("--{}", f.split([' ', '=']).next().unwrap_or_default()))
        })
        .filter(|f| f != "--help")
        .collect();
    flags.dedup();
    flags
}

#[test]
fn every_check_flag_is_in_the_readme_table() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let (_, table) = readme.split_once("Options of `check`:").unwrap();
    let (table, _) = table.split_once("\n### ").unwrap();
    let flags = long_flags("check");
    assert!(
        flags.contains(&"--quiet".to_owned()) && flags.len() > 20,
        "{flags:?}"
    );
    for flag in flags {
        assert!(
            table.contains(&format!("`{flag}")),
            "{flag} is missing from the README's table of `check` options"
        );
    }
}

#[test]
fn a_missing_path_is_named_without_an_empty_frame_or_a_file_read() {
    let t = tmp();
    let o = run(t.path(), &["check", "nonexist.conf"]);
    assert_eq!(o.status.code(), Some(2));
    let out = text(&o.stdout);
    assert!(
        out.contains("cannot read nonexist.conf: it does not exist"),
        "{out}"
    );
    assert!(
        !out.contains("╭─["),
        "no source frame for a file never read: {out}"
    );
    assert!(out.contains("(0 files read)"), "{out}");
}
