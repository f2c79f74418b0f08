//! Apache httpd parser tests: model snapshots for the cases under `tests/parse/apache/`
//! (each case's entry is its `apache2.conf` or `httpd.conf`), and robustness on hostile
//! input (no panic, no hang, bounded includes).

use std::fmt::Write as _;
use std::path::Path;

use tlslint::model::Targets;
use tlslint::parse::{self, Options, Parsed};
use tlslint::source::Sources;

#[path = "support/model_dump.rs"]
pub mod model_dump;
use model_dump::{at, render};

fn options() -> Options {
    Options {
        targets: Targets::default(),
        ..Options::default()
    }
}

fn parse_file(path: &Path, opts: &Options) -> (Parsed, Sources) {
    let mut sources = Sources::new();
    let parsed = parse::apache::parse(path, &mut sources, opts);
    (parsed, sources)
}

#[test]
fn model_snapshots() {
    insta::glob!("parse/apache/*/{apache2,httpd}.conf", |path| {
        let (parsed, sources) = parse_file(path, &options());
        insta::assert_snapshot!(render(&parsed, &sources, true));
    });
}

#[test]
fn detected_as_apache() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/apache");
    for case in [
        "debian/apache2.conf",
        "syntax/httpd.conf",
        "proxy/httpd.conf",
    ] {
        let p = dir.join(case);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(
            parse::detect(&p, &text),
            Some(tlslint::model::Dialect::Apache),
            "{case}"
        );
    }
    // A site file on its own, by its text.
    let site = dir.join("debian/sites-enabled/default-ssl.conf");
    let text = std::fs::read_to_string(&site).unwrap();
    assert_eq!(
        parse::detect(&site, &text),
        Some(tlslint::model::Dialect::Apache)
    );
    // nginx and Dovecot texts are not taken for httpd.
    assert!(!parse::apache::looks_like(
        "server {\n  listen 443 ssl;\n  ssl_protocols TLSv1.2;\n}\n"
    ));
    assert!(!parse::apache::looks_like(
        "ssl = required\nssl_cert = </etc/a.pem\nprotocols = imap\n"
    ));
}

#[test]
fn hostile_input_does_not_panic() {
    let dir = std::env::temp_dir().join(format!("tlslint-apache-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: Vec<Vec<u8>> = vec![
        b"<VirtualHost *:443>\n".repeat(5000),
        b"</VirtualHost>\n".repeat(100),
        b"SSLCipherSuite \"unterminated\nSSLEngine \\\n".to_vec(),
        (0u8..=255).cycle().take(20_000).collect(),
        b"Include httpd.conf\n".to_vec(),
        b"Define A ${A}${A}${A}${A}\nDefine A ${A}${A}${A}${A}\nDefine A ${A}${A}${A}${A}\nDefine A ${A}${A}${A}${A}\nDefine A ${A}${A}${A}${A}\nDefine A ${A}${A}${A}${A}\nDefine A ${A}${A}${A}${A}\nDefine A ${A}${A}${A}${A}\nDefine A ${A}${A}${A}${A}\nSSLProtocol ${A}\n".to_vec(),
        "SSLCipherSuite é:\\\n  ü\n<VirtualHost \"a b\">\nSSLEngine on\nSSLCipherSuite TLSv1.3 :::\n</VirtualHost>\n"
            .as_bytes()
            .to_vec(),
        b"<IfModule>\n<IfDefine>\n<IfVersion ~ x>\n</IfVersion>\nSSLEngine on\n".to_vec(),
    ];
    for bytes in &cases {
        let path = dir.join("httpd.conf");
        std::fs::write(&path, bytes).unwrap();
        let _ = parse_file(&path, &options());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn include_cycle_is_an_error() {
    let dir = std::env::temp_dir().join(format!("tlslint-apache-cycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("httpd.conf"), "Include a.conf\n").unwrap();
    std::fs::write(dir.join("a.conf"), "Include httpd.conf\nSSLEngine on\n").unwrap();
    let (parsed, _) = parse_file(&dir.join("httpd.conf"), &options());
    assert!(
        parsed
            .errors
            .iter()
            .any(|e| e.message.contains("includes itself")),
        "{:?}",
        parsed.errors
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The entries of `tests/corpus/apache` (see its `ORIGINS.md`): a directory's `apache2.conf`
/// or `httpd.conf`, or a single file.
fn corpus_entries() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/apache");
    let mut out: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            if p.is_dir() {
                ["apache2.conf", "httpd.conf"]
                    .into_iter()
                    .map(|n| p.join(n))
                    .find(|f| f.exists())
            } else {
                p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("conf"))
                    .then_some(p)
            }
        })
        .collect();
    out.sort();
    out
}

/// Every corpus entry parses without error; the findings of Mozilla's intermediate policy
/// on each are snapshotted (check, place, message).
#[test]
fn corpus_parses_and_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = tlslint::policy::load("mozilla-intermediate").unwrap();
    let entries = corpus_entries();
    assert!(entries.len() >= 10, "{} corpus entries", entries.len());
    let mut summary = String::new();
    for entry in entries {
        let rel = entry.strip_prefix(root).unwrap().to_path_buf();
        let (parsed, _) = parse_file(&entry, &options());
        assert!(
            parsed.errors.is_empty(),
            "{}: {:?}",
            rel.display(),
            parsed.errors
        );
        let paths = [rel.clone()];
        let input = tlslint::Input {
            paths: &paths,
            dialect: Some(tlslint::model::Dialect::Apache),
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
        assert!(out.errors.is_empty(), "{}: {:?}", rel.display(), out.errors);
        let _ = writeln!(
            summary,
            "{}: {} endpoints",
            rel.display(),
            out.model.endpoints.len()
        );
        for f in &out.findings {
            let _ = writeln!(
                summary,
                "  {} {:?} {}: {}",
                f.check,
                f.severity,
                at(&out.sources, f.span),
                f.message
            );
        }
    }
    insta::assert_snapshot!(summary);
}

/// httpd takes DH parameters from a `DH PARAMETERS` block appended to the first
/// `SSLCertificateFile`: such a file becomes the endpoint's DH source, a plain certificate
/// does not, and `SSLOpenSSLConfCmd DHParameters` wins over the certificate's block.
#[test]
fn dh_parameters_in_the_certificate_file() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let cert =
        std::fs::read(fixtures.join("invalid-value/nginx-seclevel-2-keys/rsa2048.crt")).unwrap();
    let dh = std::fs::read(fixtures.join("weak-dh-params/nginx-dh/dh1024.pem")).unwrap();
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("plain.pem"), &cert).unwrap();
    std::fs::write(d.path().join("with-dh.pem"), [cert, dh].concat()).unwrap();
    let vhost = |port: u16, file: &str, extra: &str| {
        format!(
            "<VirtualHost *:{port}>\n    SSLEngine on\n    SSLCertificateFile {file}\n{extra}</VirtualHost>\n"
        )
    };
    let conf = [
        vhost(443, "with-dh.pem", ""),
        vhost(444, "plain.pem", ""),
        vhost(
            445,
            "with-dh.pem",
            "    SSLOpenSSLConfCmd DHParameters other.pem\n",
        ),
    ]
    .concat();
    let entry = d.path().join("httpd.conf");
    std::fs::write(&entry, conf).unwrap();
    let mut sources = Sources::new();
    let parsed = parse::parse(
        tlslint::model::Dialect::Apache,
        &entry,
        &mut sources,
        &options(),
    );
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let dh: Vec<Option<String>> = parsed
        .model
        .endpoints
        .iter()
        .map(|e| {
            e.tls
                .dh_params
                .as_ref()
                .and_then(|s| s.value.as_ref())
                .map(|p| p.display().to_string())
        })
        .collect();
    assert_eq!(
        dh,
        [
            Some("with-dh.pem".to_owned()),
            None,
            Some("other.pem".to_owned())
        ]
    );
}
