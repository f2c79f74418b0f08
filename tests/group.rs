//! One finding per cause (issue 19): a value that twenty servers inherit is one finding in
//! every output format, naming a few servers and counting the rest; baselines (version 2)
//! key it by its cause, so more servers inheriting it keep it hidden; version 1 baselines
//! (a key per endpoint) are still read, with a note that `--write-baseline` rewrites them.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_tlslint");

/// What every format must say about the twenty servers.
const MESSAGE: &str = "TLS 1.3 is not enabled for 20 servers (only TLSv1.2); servers: s1.example:8001, s2.example:8002 and 18 more";
const LABEL: &str = "inherited by 20 servers: s1.example:8001, s2.example:8002 and 18 more";

/// An nginx config whose http-level `ssl_protocols` (`protocols`) `servers` servers inherit.
fn config(servers: usize, protocols: &str) -> String {
    let mut conf = format!(
        "events {{}}\nhttp {{\n    ssl_certificate /etc/ssl/certs/example.pem;\n    ssl_certificate_key /etc/ssl/private/example.key;\n    ssl_protocols {protocols};\n"
    );
    for i in 1..=servers {
        let _ = write!(
            conf,
            "    server {{\n        listen {} ssl;\n        server_name s{i}.example;\n    }}\n",
            8000 + i
        );
    }
    conf.push_str("}\n");
    conf
}

fn tree(servers: usize) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    fs::create_dir(t.path().join(".git")).unwrap();
    fs::write(t.path().join("nginx.conf"), config(servers, "TLSv1.2")).unwrap();
    t
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("run tlslint")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `check nginx.conf` with only `missing-tls13`, in `format`: its stdout.
fn report(dir: &Path, format: &str) -> String {
    let o = run(
        dir,
        &[
            "check",
            "nginx.conf",
            "--select",
            "missing-tls13",
            "--format",
            format,
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{format}: {}", text(&o.stderr));
    text(&o.stdout)
}

#[test]
fn every_format_reports_one_finding_naming_the_servers() {
    let t = tree(20);
    let dir = t.path();

    let concise = report(dir, "concise");
    assert_eq!(
        concise.lines().collect::<Vec<_>>(),
        [format!("nginx.conf:5:19: warning[missing-tls13] {MESSAGE}")]
    );

    let github = report(dir, "github");
    assert_eq!(github.lines().count(), 1, "{github}");
    assert!(
        github.starts_with("::warning file=nginx.conf,line=5,"),
        "{github}"
    );
    assert!(github.contains(MESSAGE), "{github}");

    let human = report(dir, "human");
    assert_eq!(human.matches("missing-tls13\n").count(), 1, "{human}");
    assert!(human.contains(LABEL), "{human}");
    assert!(
        human.contains("0 errors, 1 warning, 0 notes in 20 endpoints"),
        "{human}"
    );

    let json: serde_json::Value = serde_json::from_str(&report(dir, "json")).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json:#}");
    let f = &findings[0];
    assert_eq!(f["message"], MESSAGE);
    assert_eq!(f["endpoint"], serde_json::Value::Null);
    let endpoints = f["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 20);
    assert_eq!(endpoints[0], "server s1.example:8001");
    assert_eq!(endpoints[19], "server s20.example:8020");
    // The key names the cause, not a server.
    assert_eq!(f["key"], "protocols = TLSv1.2");
    assert!(
        f["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["message"] == LABEL && l["line"] == 6),
        "{f:#}"
    );

    let sarif: serde_json::Value = serde_json::from_str(&report(dir, "sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert!(
        results[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with(MESSAGE)
    );
    assert_eq!(
        results[0]["relatedLocations"][0]["message"]["text"], LABEL,
        "{:#}",
        results[0]
    );
    assert_eq!(
        results[0]["properties"]["endpoints"]
            .as_array()
            .unwrap()
            .len(),
        20
    );

    let junit = report(dir, "junit");
    assert_eq!(junit.matches("<failure ").count(), 1, "{junit}");
    assert!(junit.contains("20 servers"), "{junit}");

    let checkstyle = report(dir, "checkstyle");
    assert_eq!(checkstyle.matches("<error ").count(), 1, "{checkstyle}");
    assert!(checkstyle.contains("20 servers"), "{checkstyle}");
}

/// The per-endpoint findings of the same twenty servers, as a version 1 baseline recorded
/// them (one key per server), minus those in `skip`.
fn v1_baseline(skip: &[usize]) -> String {
    let entries: Vec<serde_json::Value> = (1..=20)
        .filter(|i| !skip.contains(i))
        .map(|i| {
            serde_json::json!({
                "check": "missing-tls13",
                "file": "nginx.conf",
                "key": format!("http/server[s{i}.example:{}]/protocols", 8000 + i),
                "count": 1,
            })
        })
        .collect();
    serde_json::json!({"version": 1, "entries": entries}).to_string()
}

#[test]
fn a_version_2_baseline_keys_the_cause_not_the_servers() {
    let t = tree(20);
    let dir = t.path();
    let o = run(
        dir,
        &[
            "check",
            "nginx.conf",
            "--select",
            "missing-tls13",
            "--write-baseline",
            "base.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let b: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("base.json")).unwrap()).unwrap();
    assert_eq!(
        b,
        serde_json::json!({"version": 2, "entries": [{
            "check": "missing-tls13", "file": "nginx.conf",
            "key": "protocols = TLSv1.2", "count": 1,
        }]})
    );
    let check = |dir: &Path| {
        run(
            dir,
            &[
                "check",
                "nginx.conf",
                "--select",
                "missing-tls13",
                "--baseline",
                "base.json",
                "--format",
                "concise",
            ],
        )
    };
    // Five more servers inherit the value, and lines move: the same cause, still hidden.
    fs::write(
        dir.join("nginx.conf"),
        format!("# moved\n\n{}", config(25, "TLSv1.2")),
    )
    .unwrap();
    let o = check(dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("the baseline base.json hid 1 finding"),
        "{}",
        text(&o.stderr)
    );
    // One server only: the same cause, still hidden.
    fs::write(dir.join("nginx.conf"), config(1, "TLSv1.2")).unwrap();
    assert_eq!(check(dir).status.code(), Some(0));
    // Another value is another cause.
    fs::write(dir.join("nginx.conf"), config(20, "TLSv1.1 TLSv1.2")).unwrap();
    let o = check(dir);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("no longer occur"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn a_version_1_baseline_is_read_with_a_note() {
    let t = tree(20);
    let dir = t.path();
    let check = |dir: &Path| {
        run(
            dir,
            &[
                "check",
                "nginx.conf",
                "--select",
                "missing-tls13",
                "--baseline",
                "old.json",
                "--format",
                "concise",
            ],
        )
    };
    // Every server's old entry is there: the merged finding is old.
    fs::write(dir.join("old.json"), v1_baseline(&[])).unwrap();
    let o = check(dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(
        err.contains("note: old.json is a version 1 baseline")
            && err.contains("`--write-baseline old.json` rewrites it in version 2"),
        "{err}"
    );
    assert!(err.contains("hid 1 finding"), "{err}");
    // One server was not recorded: the finding now covers a new endpoint, so it is new.
    fs::write(dir.join("old.json"), v1_baseline(&[7])).unwrap();
    let o = check(dir);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stdout).lines().collect::<Vec<_>>(),
        [format!("nginx.conf:5:19: warning[missing-tls13] {MESSAGE}")]
    );
    // Rewriting gives version 2.
    let o = run(
        dir,
        &[
            "check",
            "nginx.conf",
            "--select",
            "missing-tls13",
            "--write-baseline",
            "old.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let b: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("old.json")).unwrap()).unwrap();
    assert_eq!(b["version"], 2);
    assert_eq!(check(dir).status.code(), Some(0));
    assert!(!text(&check(dir).stderr).contains("version 1"));
}

#[test]
fn an_unknown_baseline_version_is_refused() {
    let t = tree(2);
    fs::write(
        t.path().join("base.json"),
        r#"{"version": 3, "entries": []}"#,
    )
    .unwrap();
    let o = run(
        t.path(),
        &["check", "nginx.conf", "--baseline", "base.json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("baseline version 3 is not supported (expected 2 or 1)"),
        "{}",
        text(&o.stderr)
    );
}

/// Endpoint keys (what JSON reports and version 1 baselines hold) of `conf`, each with its
/// sockets, sorted: `show --format json` on a fresh tree.
fn keys(conf: &str, name: &str) -> Vec<(String, Vec<String>)> {
    let t = tempfile::tempdir().unwrap();
    fs::create_dir(t.path().join(".git")).unwrap();
    fs::write(t.path().join(name), conf).unwrap();
    let o = run(
        t.path(),
        &["show", name, "--format", "json", "--target", "nginx=1.22.1"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let j: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
    let mut keys: Vec<(String, Vec<String>)> = j["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut sockets: Vec<String> = e["sockets"]
                .as_array()
                .map(|s| s.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            sockets.sort();
            (e["key"].as_str().unwrap().to_owned(), sockets)
        })
        .collect();
    keys.sort();
    keys
}

/// A server whose sockets have default servers that decide differently is one endpoint per
/// group of sockets; each part's key names its sockets, so reordering the `listen` lines
/// (which decides which part comes first) or reformatting keeps every key.
#[test]
fn per_socket_endpoint_keys_survive_reordering_and_reformatting() {
    let conf = |vhost_listens: &str| {
        format!(
            "http {{\n    ssl_certificate /etc/ssl/certs/example.pem;\n    ssl_certificate_key /etc/ssl/private/example.key;\n    server {{\n        listen 127.0.0.1:8443 ssl default_server;\n        server_name def.example;\n        ssl_protocols TLSv1.2 TLSv1.3;\n    }}\n    server {{\n        listen [::1]:8443 ssl default_server;\n        server_name v6.example;\n        ssl_protocols TLSv1.3;\n    }}\n    server {{\n{vhost_listens}        server_name vhost.example;\n    }}\n}}\n"
        )
    };
    let first = keys(
        &conf("        listen 127.0.0.1:8443 ssl;\n        listen [::1]:8443 ssl;\n"),
        "nginx.conf",
    );
    let reordered = keys(
        &conf(
            "        listen   [::1]:8443   ssl ;\n\n        listen 127.0.0.1:8443\n            ssl;\n",
        ),
        "nginx.conf",
    );
    assert_eq!(first, reordered);
    assert!(
        first.contains(&(
            "http/server[vhost.example:8443]@127.0.0.1:8443".to_owned(),
            vec!["127.0.0.1:8443".to_owned()]
        )),
        "{first:?}"
    );
    assert!(
        first.contains(&(
            "http/server[vhost.example:8443]@[::1]:8443".to_owned(),
            vec!["[::1]:8443".to_owned()]
        )),
        "{first:?}"
    );
}

/// A snippet (TLS directives no file includes) is one endpoint whose key does not depend on
/// the order or layout of its directives.
#[test]
fn snippet_endpoint_keys_survive_reordering_and_reformatting() {
    let a = keys(
        "ssl_protocols TLSv1.2 TLSv1.3;\nssl_ciphers HIGH:!aNULL;\nssl_session_tickets off;\n",
        "tls-snippet.conf",
    );
    let b = keys(
        "# reordered\nssl_session_tickets   off;\n\nssl_ciphers\n    HIGH:!aNULL;\nssl_protocols TLSv1.2 TLSv1.3;\n",
        "tls-snippet.conf",
    );
    assert_eq!(a, b);
    assert_eq!(a, [("snippet".to_owned(), Vec::new())]);
}

/// A default shared by servers on one socket: the default server can be fixed, the others
/// cannot (their handshake is the default server's), so the merged finding has no fix; it
/// still says what to do.
#[test]
fn a_merged_finding_without_a_fix_keeps_the_members_help() {
    let t = tempfile::tempdir().unwrap();
    fs::create_dir(t.path().join(".git")).unwrap();
    let conf = "events {}\nhttp {\n    ssl_certificate /etc/ssl/certs/example.pem;\n    ssl_certificate_key /etc/ssl/private/example.key;\n    server {\n        listen 443 ssl;\n        server_name a.example;\n    }\n    server {\n        listen 443 ssl;\n        server_name b.example;\n    }\n}\n";
    fs::write(t.path().join("nginx.conf"), conf).unwrap();
    let o = run(
        t.path(),
        &[
            "check",
            "nginx.conf",
            "--select",
            "no-forward-secrecy",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    let help = findings[0]["help"].as_str().unwrap_or("");
    assert!(help.contains("!kRSA"), "{v}");
}
