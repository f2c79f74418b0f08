//! Settings an unread include may set (issue 16, items 1 and 2), end to end through the
//! binary: they are unknown, not judged as the program's defaults; one note per include
//! says what could not be seen and, when the tree holds the file, the exact `--map` that
//! reads it; `--map` and `[paths]` read deploy paths from the tree; `--strict-unknown`
//! judges the defaults on request.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

pub mod support;

const BIN: &str = env!("CARGO_BIN_EXE_tlslint");

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o: Output = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run tlslint");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `check --format concise` lines, less the notes about certificates that are not in the
/// repository (as in most repositories).
fn concise(dir: &Path, extra: &[&str]) -> (i32, Vec<String>) {
    let mut args = vec!["check", "--format", "concise", "--no-config"];
    args.extend_from_slice(extra);
    let (code, out, _) = run(dir, &args);
    let lines = out
        .lines()
        .filter(|l| !l.contains("its key, signature and lifespan could not be checked"))
        .map(str::to_owned)
        .collect();
    (code, lines)
}

#[test]
fn an_unread_snippet_leaves_its_settings_unknown_with_one_note() {
    let t = support::repo_of("unknown", "deploy-snippet");
    let (code, all) = concise(t.path(), &["."]);
    // The snippet in the tree is judged on its own too (a snippet endpoint): its findings
    // are its own; the server that includes it by the deploy path gets only the note.
    assert_eq!(code, 1, "{all:#?}");
    assert!(
        all.iter().any(
            |l| l.starts_with("snippets/ssl.conf:3:13: warning[no-forward-secrecy]")
                && l.contains("for snippet")
        ),
        "{all:#?}"
    );
    let lines: Vec<&String> = all.iter().filter(|l| l.starts_with("nginx/")).collect();
    assert_eq!(lines.len(), 1, "{all:#?}");
    assert!(
        lines[0].starts_with("nginx/nginx.conf:12:9: note[outside-root] `include /config/nginx/ssl.conf` points outside the checked root"),
        "{lines:#?}"
    );
    assert!(
        lines[0].contains(
            "it may set every TLS setting but the certificates of server app.example:443, so these are not judged"
        ),
        "{lines:#?}"
    );
    // The human report's help names the exact mapping: the tree has the file, by its name,
    // in `snippets/` beside the config's directory.
    let (_, out, _) = run(t.path(), &["check", "--no-config", "."]);
    assert!(out.contains("--map /config/nginx=snippets"), "{out}");
    // `show` lists what is unknown and leaves it out of the settings.
    let (_, out, _) = run(t.path(), &["show", "--no-config", "."]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let e = &v["endpoints"][0];
    assert!(e["protocols"].is_null(), "{e:#}");
    let unknown: Vec<&str> = e["unknown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["setting"].as_str().unwrap())
        .collect();
    assert!(
        unknown.contains(&"protocols") && unknown.contains(&"ciphers"),
        "{unknown:?}"
    );
    assert_eq!(e["unknown"][0]["line"], 12);
}

#[test]
fn map_reads_the_snippet_from_the_tree() {
    let t = support::repo_of("unknown", "deploy-snippet");
    let (code, lines) = concise(t.path(), &[".", "--map", "/config/nginx=snippets"]);
    assert_eq!(code, 1, "{lines:#?}");
    // Findings come from the snippet, shown under its path in the tree; no outside-root
    // note is left.
    assert!(
        lines.iter().all(|l| !l.contains("outside-root")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("snippets/ssl.conf:3:13: warning[cipher-not-recommended]")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("snippets/ssl.conf:3:13: warning[no-forward-secrecy]")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("snippets/ssl.conf:4:27: warning[server-cipher-order]")),
        "{lines:#?}"
    );
    // The same from the config's `[paths]` table (directories relative to the config).
    fs::write(
        t.path().join(".tlslint.toml"),
        "[paths]\n\"/config/nginx\" = \"snippets\"\n",
    )
    .unwrap();
    let (_, out, _) = run(t.path(), &["check", "--format", "concise", "."]);
    let from_config: Vec<&str> = out
        .lines()
        .filter(|l| !l.contains("its key, signature"))
        .collect();
    assert_eq!(from_config, lines, "{out}");
    let (_, out, _) = run(t.path(), &["check", "--print-config"]);
    assert!(out.contains("[paths]\n\"/config/nginx\" = "), "{out}");
}

#[test]
fn a_map_must_name_an_absolute_deploy_path() {
    let t = support::repo_of("unknown", "deploy-snippet");
    for bad in ["config/nginx=snippets", "/config/nginx", "/config/nginx="] {
        let (code, _, err) = run(t.path(), &["check", "--no-config", ".", "--map", bad]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("--map"), "{err}");
    }
    fs::write(
        t.path().join(".tlslint.toml"),
        "[paths]\n\"config\" = \"snippets\"\n",
    )
    .unwrap();
    let (code, out, err) = run(t.path(), &["check", "."]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("a deploy path must be absolute"), "{out}{err}");
}

#[test]
fn strict_unknown_judges_the_defaults() {
    let t = support::repo_of("unknown", "deploy-snippet");
    let (code, lines) = concise(t.path(), &[".", "--strict-unknown"]);
    assert_eq!(code, 1, "{lines:#?}");
    // nginx's default `HIGH:!aNULL:!MD5` is judged, and the note says defaults were assumed.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("warning[no-forward-secrecy]")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l
                .contains("nginx's defaults are assumed for what it may set (--strict-unknown)")),
        "{lines:#?}"
    );
    fs::write(t.path().join(".tlslint.toml"), "strict-unknown = true\n").unwrap();
    let (_, out, _) = run(t.path(), &["check", "--format", "concise", "."]);
    let from_config: Vec<&str> = out
        .lines()
        .filter(|l| !l.contains("its key, signature"))
        .collect();
    assert_eq!(from_config, lines);
}

#[test]
fn dovecot_settings_after_an_unread_include_are_known() {
    let t = support::repo_of("unknown", "dovecot-order");
    // OpenSSL 1.1.1: TLSv1 is negotiable at the default level (3.0 refuses it).
    let (code, lines) = concise(t.path(), &[".", "--target", "openssl=1.1.1"]);
    // `ssl_min_protocol = TLSv1` comes after the include: judged. `ssl_cipher_list` comes
    // before it: the include may override it, so `ALL:!aNULL` is not judged.
    assert_eq!(code, 1, "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("dovecot.conf:9:20: error[legacy-protocol]")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().all(|l| !l.contains("cipher-not-recommended")
            && !l.contains("no-forward-secrecy")
            && !l.contains("weak-cipher")),
        "{lines:#?}"
    );
    let note = lines
        .iter()
        .find(|l| l.starts_with("dovecot.conf:8:1: note[outside-root]"))
        .expect("a note for the include");
    assert!(
        note.contains("it may set every TLS setting but the protocols and certificates of global"),
        "{note}"
    );
}
