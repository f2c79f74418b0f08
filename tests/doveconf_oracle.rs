//! Differential test against Dovecot's own parser: for every endpoint our parser finds,
//! `doveconf -c FILE -S -f …` (Dovecot 2.3's flat dump of the effective settings for a
//! filter, mail.md §11.3) must agree on the TLS settings. Skipped with a message when
//! `doveconf` is not installed (a failure with `CI=true`: `tests/support/mod.rs`) or is not
//! 2.3 (2.4 has no `-S`). Inputs: the corpus files in `tests/corpus/mail/dovecot` doveconf
//! 2.3 accepts, plus `tests/parse/dovecot/oracle-*`.

use std::path::{Path, PathBuf};
use std::process::Command;

use tlslint::model::{Ciphers, Endpoint, Targets, TlsMode, Version};
use tlslint::parse::{self, Options};
use tlslint::source::Sources;

pub mod support;

/// The installed doveconf's version, when it is 2.3.
fn doveconf_23() -> Option<String> {
    let empty = std::env::temp_dir().join(format!("tlslint-doveconf-{}.conf", std::process::id()));
    std::fs::write(&empty, "").ok()?;
    let out = Command::new("doveconf")
        .arg("-c")
        .arg(&empty)
        .arg("-n")
        .output();
    // Leave no config file behind in the shared temporary directory.
    let _ = std::fs::remove_file(&empty);
    let out = out.ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text
        .lines()
        .next()?
        .strip_prefix("# ")?
        .split(' ')
        .next()?
        .to_owned();
    version.starts_with("2.3.").then_some(version)
}

/// `-f` arguments selecting an endpoint, from its key; `None` for what `-f` cannot express.
fn filter_args(e: &Endpoint) -> Option<Vec<String>> {
    let mut args = Vec::new();
    for part in e.key.split('/').skip(1) {
        if part == "global" {
            continue;
        }
        let (kind, rest) = part.split_once('[')?;
        let value = rest.strip_suffix(']')?;
        let value = match kind {
            "local" | "remote" => value.split('/').next()?.to_owned(),
            "local_name" => value.split_whitespace().next()?.to_owned(),
            _ if value.starts_with('!') => return None,
            _ => value.to_owned(),
        };
        let name = if kind == "local_name" { "lname" } else { kind };
        args.push("-f".to_owned());
        args.push(format!("{name}={value}"));
    }
    Some(args)
}

fn effective(file: &Path, args: &[String]) -> Option<Vec<(String, String)>> {
    let out = Command::new("doveconf")
        .arg("-c")
        .arg(file)
        .arg("-S")
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once('='))
            .filter(|(k, _)| k.starts_with("ssl"))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    )
}

/// Differences between our endpoint and doveconf's effective settings.
#[expect(
    clippy::too_many_lines,
    reason = "one comparison per setting, read top to bottom"
)]
fn compare(file: &Path, e: &Endpoint, oracle: &[(String, String)]) -> Vec<String> {
    let get = |k: &str| {
        oracle
            .iter()
            .find(|(key, _)| key == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    // doveconf -S keeps `<file` values unread; read word-list files ourselves.
    let read = |v: &str| match v.strip_prefix('<') {
        Some(p) => std::fs::read_to_string(dir.join(p.trim()))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
        None => v.to_owned(),
    };
    let t = &e.tls;
    let mut diffs = Vec::new();
    let mut check = |what: &str, ours: String, theirs: String| {
        if ours != theirs {
            diffs.push(format!(
                "{}: {what}: ours `{ours}`, doveconf `{theirs}`",
                e.key
            ));
        }
    };
    let mode = match t.mode.as_ref().map(|m| m.value) {
        Some(TlsMode::Off) => "no",
        Some(TlsMode::Required) => "required",
        _ => "yes",
    };
    // Global `ssl = no` wins over filters at run time; doveconf -S shows the filter's text.
    if !(mode == "no" && get("ssl") != "no") {
        check("ssl", mode.into(), get("ssl").into());
    }
    let min = t
        .protocols
        .as_ref()
        .and_then(|p| p.value.first())
        .map(|p| p.as_str().to_ascii_lowercase())
        .unwrap_or_default();
    check(
        "ssl_min_protocol",
        min,
        get("ssl_min_protocol").to_ascii_lowercase(),
    );
    if let Some(Ciphers::OpenSsl(c)) = t.ciphers.as_ref().map(|c| &c.value) {
        let theirs = read(get("ssl_cipher_list"));
        let theirs = if theirs.is_empty() {
            "DEFAULT".into()
        } else {
            theirs
        };
        check("ssl_cipher_list", c.text.clone(), theirs);
    }
    if let Some(s) = t.ciphersuites.as_ref().filter(|s| !s.is_default()) {
        let ours: Vec<_> = s.value.iter().map(|n| &*n.name).collect();
        let theirs = read(get("ssl_cipher_suites"));
        if !theirs.is_empty() {
            check("ssl_cipher_suites", ours.join(":"), theirs.replace(' ', ""));
        }
    }
    let curves = t.curves.as_ref().map(|c| {
        c.value
            .iter()
            .map(|n| &*n.name)
            .collect::<Vec<_>>()
            .join(":")
    });
    let their_curves = read(get("ssl_curve_list"));
    let their_curves: Vec<&str> = their_curves
        .split(':')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    check(
        "ssl_curve_list",
        curves.unwrap_or_default(),
        their_curves.join(":"),
    );
    let prefer = t.prefer_server_ciphers.as_ref().is_some_and(|p| p.value);
    check(
        "ssl_prefer_server_ciphers",
        prefer.to_string(),
        (get("ssl_prefer_server_ciphers") == "yes").to_string(),
    );
    let options = get("ssl_options").to_ascii_lowercase();
    let tickets = t.session_tickets.as_ref().is_some_and(|s| s.value);
    check(
        "tickets",
        tickets.to_string(),
        (!options.contains("no_ticket")).to_string(),
    );
    let compression = t.compression.as_ref().is_some_and(|s| s.value);
    let their_compression = options.split([' ', ',']).any(|f| f == "compression");
    check(
        "compression",
        compression.to_string(),
        their_compression.to_string(),
    );
    let dh = t
        .dh_params
        .as_ref()
        .and_then(|d| d.value.as_ref())
        .map(|p| format!("<{}", p.display()))
        .unwrap_or_default();
    check("ssl_dh", dh, get("ssl_dh").into());
    let cert = t
        .certificates
        .iter()
        .find(|c| c.directive.as_deref() == Some("ssl_cert"))
        .map(|c| format!("<{}", c.value.display()))
        .unwrap_or_default();
    check("ssl_cert", cert, get("ssl_cert").into());
    diffs
}

fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("tests/corpus/mail/dovecot");
    vec![
        root.join("tests/parse/dovecot/oracle-precedence/dovecot.conf"),
        root.join("tests/parse/dovecot/oracle-syntax/dovecot.conf"),
        corpus.join("dms-2.3/10-ssl.conf"),
        corpus.join("upstream-2.3.21.1/dovecot.conf"),
        corpus.join("mailcow/dovecot-2017.conf"),
    ]
}

#[test]
fn agrees_with_doveconf() {
    if !support::require_program("doveconf", "Dovecot differential test") {
        return;
    }
    let Some(version) = doveconf_23() else {
        support::skip(
            "Dovecot differential test",
            "needs doveconf 2.3 (dovecot-core on Debian 12); this one is another version",
        );
        return;
    };
    let targets = Targets {
        dovecot: Version::parse(&version).unwrap_or(Version(2, 3, 19)),
        ..Targets::default()
    };
    let options = Options {
        targets,
        ..Options::default()
    };
    let mut diffs = Vec::new();
    let mut compared = 0;
    for file in inputs() {
        let mut sources = Sources::new();
        let parsed = parse::dovecot::parse(&file, &mut sources, &options);
        for e in &parsed.model.endpoints {
            let Some(args) = filter_args(e) else { continue };
            let Some(oracle) = effective(&file, &args) else {
                support::skip(
                    &format!("doveconf comparison of {} ({})", file.display(), e.key),
                    &format!("doveconf {version} rejects the file"),
                );
                continue;
            };
            compared += 1;
            diffs.extend(compare(&file, e, &oracle));
        }
    }
    eprintln!("compared {compared} endpoints with doveconf {version}");
    assert!(compared > 0, "nothing compared");
    assert!(diffs.is_empty(), "differences:\n{}", diffs.join("\n"));
}
