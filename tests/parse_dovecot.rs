//! Dovecot parser tests: model snapshots for the cases under `tests/parse/dovecot/`, the
//! real-world corpus in `tests/corpus/mail/dovecot` (every file must parse without a
//! panic, entry files without unexpected errors), and robustness on hostile input.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tlslint::model::{Targets, Version};
use tlslint::parse::{self, Options, Parsed};
use tlslint::source::Sources;

#[path = "support/model_dump.rs"]
pub mod model_dump;
use model_dump::{at, render};

fn options(dovecot: Option<Version>) -> Options {
    let mut targets = Targets::default();
    if let Some(v) = dovecot {
        targets.dovecot = v;
    }
    Options {
        targets,
        ..Options::default()
    }
}

fn parse_file(path: &Path, opts: &Options) -> (Parsed, Sources) {
    let mut sources = Sources::new();
    let parsed = parse::dovecot::parse(path, &mut sources, opts);
    (parsed, sources)
}

#[test]
fn model_snapshots() {
    insta::glob!("parse/dovecot/*/dovecot.conf", |path| {
        // A `target` file next to the case sets `--target dovecot=`.
        let target = std::fs::read_to_string(path.with_file_name("target"))
            .ok()
            .and_then(|t| Version::parse(t.trim()));
        let (parsed, sources) = parse_file(path, &options(target));
        insta::assert_snapshot!(render(&parsed, &sources, false));
    });
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/mail/dovecot")
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn corpus_parses() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    all_files(&dir, &mut files);
    files.sort();
    let mut summary = String::new();
    for f in &files {
        let (parsed, sources) = parse_file(f, &options(None));
        let rel = f.strip_prefix(&dir).unwrap_or(f).display().to_string();
        let _ = writeln!(
            summary,
            "{rel}: {} endpoints, {} observations, {} errors",
            parsed.model.endpoints.len(),
            parsed.model.observations.len(),
            parsed.errors.len()
        );
        for e in &parsed.errors {
            // Only missing absolute include targets (not on this machine) are acceptable.
            assert!(
                e.message.contains("No matches") || e.message.contains("cannot read"),
                "{rel}: unexpected error {}",
                e.message
            );
            let _ = writeln!(summary, "  error {}", at(&sources, e.span));
        }
        assert!(!parsed.model.endpoints.is_empty(), "{rel}: no endpoint");
    }
    insta::assert_snapshot!(summary);
}

#[test]
fn corpus_entry_models() {
    let dir = corpus_dir();
    for name in [
        "dms-2.4/dovecot.conf",
        "dms-2.3/10-ssl.conf",
        "upstream-2.3.21.1/dovecot.conf",
        "mailcow/dovecot.conf",
        "mailcow/dovecot-2017.conf",
        "iredmail/dovecot-2.4-mariadb.conf",
    ] {
        let (parsed, sources) = parse_file(&dir.join(name), &options(None));
        let text = render(&parsed, &sources, false).replace(&format!("{}/", dir.display()), "");
        insta::assert_snapshot!(name.replace(['/', '.'], "_"), text);
    }
}

#[test]
fn hostile_input_does_not_panic() {
    let dir = std::env::temp_dir().join(format!("tlslint-dovecot-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: Vec<Vec<u8>> = vec![
        b"protocol imap {\n".repeat(5000),
        b"}\n".repeat(100),
        b"ssl_cipher_list = \"unterminated\nssl = \\\n".to_vec(),
        (0u8..=255).cycle().take(20_000).collect(),
        b"!include dovecot.conf\n".to_vec(),
        b"!include {a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}*.conf\n".to_vec(),
        b"ssl_min_protocol = $ssl_min_protocol $x\nlocal 1.2.3.4/99 {\n ssl = yes\n}\n".to_vec(),
        "ssl_cipher_list = é:\\\n  ü\nlocal_name \"a b\" {\n  ssl_cipher_suites = :::\n}\n"
            .as_bytes()
            .to_vec(),
    ];
    for (i, bytes) in cases.iter().enumerate() {
        let path = dir.join("dovecot.conf");
        std::fs::write(&path, bytes).unwrap();
        for v in [Version(2, 3, 0), Version(2, 4, 1)] {
            let (parsed, _) = parse_file(&path, &options(Some(v)));
            assert!(!parsed.model.endpoints.is_empty(), "case {i}");
        }
    }
}

#[test]
fn include_cycle_is_an_error() {
    let dir = std::env::temp_dir().join(format!("tlslint-dovecot-cycle-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("conf.d")).unwrap();
    std::fs::write(dir.join("dovecot.conf"), "!include conf.d/*.conf\n").unwrap();
    std::fs::write(dir.join("conf.d/a.conf"), "!include ../dovecot.conf\n").unwrap();
    let (parsed, _) = parse_file(&dir.join("dovecot.conf"), &options(None));
    assert_eq!(parsed.errors.len(), 1);
    assert!(parsed.errors[0].message.starts_with("Recursive include"));
    assert_eq!(parsed.files.len(), 2);
}

#[test]
fn detection() {
    use tlslint::model::Dialect;
    let d = |name: &str, text: &str| parse::detect(Path::new(name), text);

    assert_eq!(d("dovecot.conf", ""), Some(Dialect::Dovecot));
    assert_eq!(
        d("x.conf", "dovecot_config_version = 2.4.1\n"),
        Some(Dialect::Dovecot)
    );
    assert_eq!(
        d("x.conf", "protocols = imap pop3\n!include conf.d/*.conf\n"),
        Some(Dialect::Dovecot)
    );
    assert_eq!(
        d("10-ssl.conf", "ssl_cert = </etc/ssl/x.pem\n"),
        Some(Dialect::Dovecot)
    );
    assert_ne!(
        d(
            "site.conf",
            "server {\n  ssl_protocols TLSv1.2;\n  ssl_certificate x;\n}\n"
        ),
        Some(Dialect::Dovecot)
    );
    assert_eq!(d("x.conf", "ssl_certificate x;\nprotocols = a;\n"), None);
}

/// The Dovecot fixtures of the observation-based checks produce (or, for `# ok`, do not
/// produce) the observation the check reads; every Dovecot fixture parses cleanly.
#[test]
fn check_fixtures_match_observations() {
    use tlslint::model::ObservationKind as K;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    all_files(&root, &mut files);
    let mut seen = 0;
    for f in files.iter().filter(|f| {
        f.file_name().is_some_and(|n| n == "dovecot.conf")
            && f.parent()
                .and_then(Path::file_name)
                .is_some_and(|d| d.to_string_lossy().starts_with("dovecot-"))
    }) {
        seen += 1;
        // A marker may sit in an included file of the case (where its finding is).
        let mut case_files = Vec::new();
        all_files(f.parent().expect("case directory"), &mut case_files);
        let text: String = case_files
            .iter()
            .map(|c| std::fs::read_to_string(c).unwrap_or_default())
            .collect();
        let check = f
            .ancestors()
            .nth(2)
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A case named `dovecot-2.2-…` is read as that version, as tests/checks.rs does.
        let dir = f
            .parent()
            .and_then(Path::file_name)
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        let version = dir
            .strip_prefix("dovecot-")
            .and_then(|rest| rest.split('-').next())
            .filter(|v| v.contains('.'))
            .and_then(|v| {
                let mut t = Targets::default();
                t.set(&format!("dovecot={v}")).ok().map(|()| t.dovecot)
            });
        let (parsed, _) = parse_file(f, &options(version));
        assert!(
            parsed.errors.is_empty(),
            "{}: {:?}",
            f.display(),
            parsed.errors
        );
        let kind = match check.as_str() {
            "deprecated-directive" => K::Deprecated,
            "tls-not-enforced" => K::NotEnforced,
            "unknown-setting" => K::UnknownSetting,
            _ => continue,
        };
        let found = parsed.model.observations.iter().any(|o| o.kind == kind);
        let expect = text.contains("# expect:");
        assert_eq!(
            found,
            expect,
            "{}: {:?}",
            f.display(),
            parsed.model.observations
        );
    }
    assert!(seen >= 8, "Dovecot fixtures missing");
}

#[test]
fn many_filters_stay_fast() {
    use std::fmt::Write as _;
    let dir = std::env::temp_dir().join(format!("tlslint-dovecot-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("ssl = yes\n");
    for i in 0..2000 {
        let _ = writeln!(
            text,
            "local 10.{}.{}.1 {{\n  ssl_cipher_list = HIGH\n  ssl_min_protocol = TLSv1.2\n}}",
            i / 250,
            i % 250
        );
    }
    let path = dir.join("dovecot.conf");
    std::fs::write(&path, text).unwrap();
    let start = std::time::Instant::now();
    let (parsed, _) = parse_file(&path, &options(None));
    assert_eq!(parsed.model.endpoints.len(), 2001);
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}
