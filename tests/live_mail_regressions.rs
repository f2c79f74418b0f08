//! Recorded live results for Postfix and Dovecot (issue 15), checked without the servers:
//! each `tests/live/<program>/<case>/` holds the config (with `@DIR@` placeholders), the
//! public certificates and DH files it names, and `live.json`, what Postfix 3.7.11 or
//! Dovecot 2.3.19.1 with OpenSSL 3.0 negotiated on each socket (recorded by
//! `live_postfix.rs` / `live_dovecot.rs` with `TLSLINT_LIVE_RECORD=DIR`; see
//! `tests/live/README.md`). `tlslint show` on the same config must say the same.
//!
//! Cases where tlslint and the live server disagree are listed in [`KNOWN_FAILING`], so the
//! suite stays green while the model is fixed; the test fails when such a case starts to
//! agree, so the list cannot go stale.

use std::path::{Path, PathBuf};

use serde_json::Value;

#[path = "support/live_mail.rs"]
pub mod live_mail;
pub mod support;

/// Cases whose recording tlslint does not match yet, each with the cause.
const KNOWN_FAILING: &[(&str, &str)] = &[(
    "dovecot/filter-conflict",
    "Dovecot 2.3 refuses to start (\"Conflict in setting ssl_dh found from filter\") when \
         `protocol imap {}` and `local IP {}` both set a setting; tlslint check reports no error",
)];

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live");
    let mut out = Vec::new();
    for program in ["postfix", "dovecot"] {
        let Ok(dir) = std::fs::read_dir(root.join(program)) else {
            continue;
        };
        out.extend(
            dir.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir()),
        );
    }
    out.sort();
    out
}

#[test]
fn recorded_live_results_agree_with_show() {
    let cases = cases();
    assert!(!cases.is_empty(), "no recorded cases under tests/live/");
    let mut failures = Vec::new();
    let mut fixed = Vec::new();
    for case in &cases {
        let name = format!(
            "{}/{}",
            case.parent()
                .and_then(Path::file_name)
                .unwrap_or_default()
                .to_string_lossy(),
            case.file_name().unwrap_or_default().to_string_lossy()
        );
        let diffs = judge_recorded(case);
        let known = KNOWN_FAILING.iter().any(|(n, _)| *n == name);
        match (diffs.is_empty(), known) {
            (false, false) => failures.extend(diffs.iter().map(|d| format!("{name}: {d}"))),
            (true, true) => fixed.push(name),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "tlslint disagrees with recorded live results:\n{}",
        failures.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "these KNOWN_FAILING cases agree now; remove them from the list: {fixed:?}"
    );
}

/// Replays one recorded case in a temporary directory (placeholders resolved) and compares.
fn judge_recorded(case: &Path) -> Vec<String> {
    let recorded: Value = serde_json::from_str(
        &std::fs::read_to_string(case.join("live.json")).expect("read live.json"),
    )
    .expect("live.json");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut entry = None;
    for f in std::fs::read_dir(case)
        .expect("read case")
        .filter_map(Result::ok)
    {
        let name = f.file_name().to_string_lossy().into_owned();
        if name == "live.json" {
            continue;
        }
        let text = std::fs::read_to_string(f.path()).expect("read case file");
        live_mail::write_config(dir.path(), &name, &text);
        if name == "main.cf" || name == "dovecot.conf" {
            entry = Some(dir.path().join(&name));
        }
    }
    let entry = entry.expect("a main.cf or dovecot.conf in the case");
    let targets: Vec<live_mail::Target> = recorded["targets"]
        .as_array()
        .map(|ts| {
            ts.iter()
                .map(|t| live_mail::Target {
                    label: t["label"].as_str().unwrap_or("").to_owned(),
                    host: String::new(),
                    port: 0,
                    tls: live_mail::Tls::Implicit,
                    keys: live_mail::strings(&t["keys"]),
                })
                .collect()
        })
        .unwrap_or_default();
    let live = recorded["targets"]
        .as_array()
        .map(|ts| ts.iter().map(live_mail::Live::from_json).collect())
        .unwrap_or_default();
    let started = match recorded["started"].as_str() {
        Some(why) => Err(why.to_owned()),
        None => Ok(()),
    };
    let case = live_mail::Case {
        name: String::new(),
        files: Vec::new(),
        targets,
    };
    let outcome = live_mail::Outcome {
        started,
        live,
        log: Vec::new(),
    };
    live_mail::judge(&case, &entry, &outcome)
}
