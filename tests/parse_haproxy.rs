//! HAProxy parser tests: model snapshots for the cases under `tests/parse/haproxy/` (a first
//! line `# target haproxy=X.Y` sets the target), Mozilla's generated HAProxy configs under
//! their own and stricter policies, and robustness on hostile input.

use std::fmt::Write as _;
use std::path::Path;

use tlslint::model::{Targets, Version};
use tlslint::parse::{self, Options, Parsed};
use tlslint::source::Sources;

#[path = "support/model_dump.rs"]
pub mod model_dump;
use model_dump::render;

fn options(haproxy: Option<Version>) -> Options {
    let mut targets = Targets::default();
    if let Some(v) = haproxy {
        targets.haproxy = v;
    }
    Options {
        targets,
        ..Options::default()
    }
}

fn parse_file(path: &Path, opts: &Options) -> (Parsed, Sources) {
    let mut sources = Sources::new();
    let parsed = parse::haproxy::parse(path, &mut sources, opts);
    (parsed, sources)
}

#[test]
fn model_snapshots() {
    insta::glob!("parse/haproxy/*.cfg", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let target = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# target haproxy="))
            .and_then(|v| v.split(':').next())
            .and_then(|v| Version::parse(v.trim()));
        let (parsed, sources) = parse_file(path, &options(target));
        insta::assert_snapshot!(render(&parsed, &sources, false));
    });
}

/// The findings of a built-in policy over a file of the repository.
fn verdict(relative: &str, policy_name: &str) -> std::collections::BTreeSet<&'static str> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let policy = tlslint::policy::load(policy_name).unwrap();
    let paths = [path];
    let input = tlslint::Input {
        paths: &paths,
        dialect: None,
        stdin: None,
    };
    let all = |_: &str| tlslint::Enabled::PolicySeverity;
    let out = tlslint::check_paths(
        input,
        Some(&policy),
        &Options::default(),
        &all,
        Sources::new(),
    );
    assert!(out.errors.is_empty(), "{relative}: {:?}", out.errors);
    out.findings
        .iter()
        .filter(|f| f.severity > tlslint::checks::Severity::Note)
        .map(|f| f.check)
        .collect()
}

#[test]
fn mozilla_configs_pass_their_profile_and_fail_stricter_ones() {
    for p in ["modern", "intermediate", "old"] {
        let cfg = format!("tests/data/mozilla/haproxy-{p}.cfg");
        assert!(verdict(&cfg, &format!("mozilla-{p}")).is_empty(), "{p}");
    }
    let i = verdict(
        "tests/data/mozilla/haproxy-intermediate.cfg",
        "mozilla-modern",
    );
    assert!(
        i.contains("legacy-protocol") && i.contains("cipher-not-recommended"),
        "{i:?}"
    );
    let o = verdict("tests/data/mozilla/haproxy-old.cfg", "mozilla-intermediate");
    for check in [
        "legacy-protocol",
        "no-forward-secrecy",
        "server-cipher-order",
    ] {
        assert!(o.contains(check), "{o:?}");
    }
    assert!(
        verdict("tests/data/mozilla/haproxy-old.cfg", "mozilla-modern").contains("legacy-protocol")
    );
}

#[test]
fn detection_tells_haproxy_from_nginx() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mozilla");
    for (name, want) in [
        (
            "haproxy-intermediate.cfg",
            Some(tlslint::model::Dialect::Haproxy),
        ),
        (
            "nginx-intermediate.conf",
            Some(tlslint::model::Dialect::Nginx),
        ),
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(parse::detect(&dir.join(name), &text), want, "{name}");
    }
    // An HAProxy config under another name is recognised by its sections and lines; a
    // `*.cfg` of another program is not.
    let text = std::fs::read_to_string(dir.join("haproxy-old.cfg")).unwrap();
    assert_eq!(
        parse::detect(Path::new("lb.cfg"), &text),
        Some(tlslint::model::Dialect::Haproxy)
    );
    assert_eq!(
        parse::detect(Path::new("haproxy-edge.conf"), &text),
        Some(tlslint::model::Dialect::Haproxy)
    );
    assert_eq!(
        parse::detect(Path::new("setup.cfg"), "[metadata]\nname = x\n"),
        None
    );
}

#[test]
fn hostile_input_does_not_panic() {
    let dir = std::env::temp_dir().join(format!("tlslint-haproxy-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: Vec<Vec<u8>> = vec![
        b".if 1\n".repeat(5000),
        b".endif\n".repeat(100),
        b"global\n ssl-default-bind-options \"unterminated\nfrontend a\n bind :1 ssl crt \\x\n"
            .to_vec(),
        (0u8..=255).cycle().take(20_000).collect(),
        format!(".if {}1{}\n.endif\n", "(".repeat(500), ")".repeat(500)).into_bytes(),
        b"frontend a\n bind :1 ssl crt-list haproxy.cfg\n".to_vec(),
        "frontend é\n bind \"${X}\" ssl crt a ssl-min-ver\n"
            .as_bytes()
            .to_vec(),
        b"x".repeat(5000),
    ];
    for (i, bytes) in cases.iter().enumerate() {
        let path = dir.join("haproxy.cfg");
        std::fs::write(&path, bytes).unwrap();
        for v in [Version(2, 0, 0), Version(3, 0, 11)] {
            let (parsed, _) = parse_file(&path, &options(Some(v)));
            let _ = (i, parsed);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Real configs (`tests/corpus/haproxy/`, see `ORIGINS.md` there): each parses without an
/// error; the endpoints and the findings of the default policy are snapshotted.
#[test]
fn corpus_parses_and_findings_are_stable() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/haproxy");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cfg"))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    let policy = tlslint::policy::load(tlslint::policy::DEFAULT_POLICY).unwrap();
    let mut summary = String::new();
    for f in &files {
        let rel = f.file_name().unwrap().to_string_lossy().into_owned();
        let (parsed, _) = parse_file(f, &options(None));
        assert!(parsed.errors.is_empty(), "{rel}: {:?}", parsed.errors);
        let _ = writeln!(summary, "{rel}: {} endpoints", parsed.model.endpoints.len());
        for e in &parsed.model.endpoints {
            let _ = writeln!(summary, "  endpoint {}", e.key);
        }
        let paths = [f.clone()];
        let input = tlslint::Input {
            paths: &paths,
            dialect: Some(tlslint::model::Dialect::Haproxy),
            stdin: None,
        };
        let all = |_: &str| tlslint::Enabled::PolicySeverity;
        let out = tlslint::check_paths(
            input,
            Some(&policy),
            &Options::default(),
            &all,
            Sources::new(),
        );
        assert!(out.errors.is_empty(), "{rel}: {:?}", out.errors);
        for finding in &out.findings {
            let _ = writeln!(
                summary,
                "  {}:{} {} {}: {}",
                rel,
                sources_line(&out, finding),
                finding.severity,
                finding.check,
                finding.message
            );
        }
    }
    insta::assert_snapshot!(summary);
}

fn sources_line(out: &tlslint::Outcome, f: &tlslint::checks::Finding) -> usize {
    out.sources.start(f.span).line
}

/// `-f DIR`: the directory's `*.cfg` files in lexical order, `global` and `defaults` of one
/// file applying to the proxies of the next.
#[test]
fn a_directory_loads_its_cfg_files_in_order() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/haproxy/multi");
    let mut sources = Sources::new();
    let parsed = parse::haproxy::parse_files(&[dir], &mut sources, &options(None));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let names: Vec<&str> = parsed
        .files
        .iter()
        .map(|f| sources.get(*f).name.as_str())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].ends_with("00-global.cfg") && names[1].ends_with("10-frontend.cfg"));
    let [e] = parsed.model.endpoints.as_slice() else {
        panic!("{:?}", parsed.model.endpoints);
    };
    assert_eq!(e.key, "haproxy/frontend[fe]/bind[:443]");
    let protocols = e.tls.protocols.as_ref().unwrap();
    assert_eq!(protocols.value, vec![tlslint::model::Protocol::TLSv1_3]);
    assert!(
        e.tls.hsts.as_ref().unwrap().value.is_some(),
        "mode http from 00-global.cfg"
    );
}

/// What an undecidable `global` line (or a missing `global`) may set is unknown only where
/// the line itself does not write the setting: a `bind`'s own `ciphers` beats
/// `ssl-default-bind-ciphers`.
#[test]
fn unknown_global_settings_yield_to_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("web.cfg");
    let text = "global\n.if defined(STRONG)\n    ssl-default-bind-ciphers ECDHE+AESGCM\n.endif\n\nfrontend fe\n    bind :443 ssl crt site.pem\n    bind :8443 ssl crt site.pem ciphers ECDHE+CHACHA20\n";
    std::fs::write(&cfg, text).unwrap();
    let (parsed, _) = parse_file(&cfg, &options(None));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let [a, b] = parsed.model.endpoints.as_slice() else {
        panic!("{:?}", parsed.model.endpoints);
    };
    assert!(a.tls.ciphers.is_none());
    assert!(a.unknown.iter().any(|u| u.setting == "ciphers"));
    assert!(b.tls.ciphers.is_some());
    assert!(
        b.unknown.iter().all(|u| u.setting != "ciphers"),
        "{:?}",
        b.unknown
    );
    // Without `global` at all, the file is a fragment: the same, for every setting `global`
    // may set, and one note.
    std::fs::write(&cfg, &text["global\n.if defined(STRONG)\n    ssl-default-bind-ciphers ECDHE+AESGCM\n.endif\n\n".len()..]).unwrap();
    let (parsed, _) = parse_file(&cfg, &options(None));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let [a, b] = parsed.model.endpoints.as_slice() else {
        panic!("{:?}", parsed.model.endpoints);
    };
    for s in [
        "protocols",
        "ciphers",
        "ciphersuites",
        "curves",
        "session_tickets",
        "ticket_keys",
    ] {
        assert!(
            a.unknown.iter().any(|u| u.setting == s),
            "{s}: {:?}",
            a.unknown
        );
    }
    assert!(b.tls.ciphers.is_some());
    let notes: Vec<_> = parsed
        .model
        .observations
        .iter()
        .filter(|o| o.message.contains("no `global` section"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", parsed.model.observations);
    // `haproxy.cfg` on its own is the whole configuration the service loads: without
    // `global`, HAProxy's defaults apply.
    let whole = dir.path().join("haproxy.cfg");
    std::fs::copy(&cfg, &whole).unwrap();
    let (parsed, _) = parse_file(&whole, &options(None));
    assert!(
        parsed.model.endpoints.iter().all(|e| e.unknown.is_empty()),
        "{:?}",
        parsed.model.endpoints
    );
    assert!(
        parsed
            .model
            .observations
            .iter()
            .all(|o| !o.message.contains("no `global` section")),
        "{:?}",
        parsed.model.observations
    );
}
