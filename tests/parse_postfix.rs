//! Postfix parser tests: model snapshots for the cases under `tests/parse/postfix/`, the
//! real-world corpus in `tests/corpus/mail/postfix/`, and garbage input.
//!
//! Snapshots render every setting with its origin, the file text its span points at, the
//! directive to edit and related labels, so span regressions show up as text.

use std::fmt::Debug;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tlslint::model::{Ciphers, Dialect, Model, Origin, Setting, Version};
use tlslint::parse::{self, Options, Parsed};
use tlslint::source::{Sources, Span};

fn show(sources: &Sources, span: Span) -> String {
    let f = sources.get(span.file);
    let lc = f.line_col(span.start as usize);
    let name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(
        "{name}:{}:{} `{}`",
        lc.line,
        lc.column,
        f.slice(span).replace('\n', "⏎")
    )
}

fn setting<T: Debug>(out: &mut String, sources: &Sources, label: &str, s: Option<&Setting<T>>) {
    let Some(s) = s else { return };
    let origin = match &s.origin {
        Origin::Set => "set".to_owned(),
        Origin::Inherited => "inherited".to_owned(),
        Origin::Default { assumed } => format!("default ({assumed})"),
    };
    let _ = writeln!(out, "  {label}: {:?}", s.value);
    let _ = writeln!(
        out,
        "    origin: {origin}; directive: {}",
        s.directive.as_deref().unwrap_or("-")
    );
    if let Some(span) = s.span {
        let _ = writeln!(out, "    at: {}", show(sources, span));
    }
    for r in s.related() {
        let _ = writeln!(out, "    related: {} — {}", show(sources, r.span), r.text);
    }
    if let Some(n) = s.note() {
        let _ = writeln!(out, "    note: {n}");
    }
}

/// The setting's metadata around a printable value.
fn with_value<T, U>(s: &Setting<T>, value: U) -> Setting<U> {
    s.with_value(value)
}

/// A readable dump of a parse result.
fn render(sources: &Sources, parsed: &Parsed) -> String {
    let mut out = String::new();
    render_model(&mut out, sources, &parsed.model);
    for e in &parsed.errors {
        let _ = writeln!(out, "error: {} at {}", e.message, show(sources, e.span));
    }
    out
}

fn render_model(out: &mut String, sources: &Sources, model: &Model) {
    for e in &model.endpoints {
        let _ = writeln!(
            out,
            "endpoint {} [{}] {:?} at {}",
            e.name,
            e.key,
            e.side,
            show(sources, e.span)
        );
        let t = &e.tls;
        setting(out, sources, "mode", t.mode.as_ref());
        setting(out, sources, "protocols", t.protocols.as_ref());
        if let Some(c) = &t.ciphers {
            let Ciphers::OpenSsl(cs) = &c.value else {
                unreachable!("postfix builds OpenSSL strings")
            };
            let shown = with_value(c, cs.text.clone());
            setting(out, sources, "ciphers", Some(&shown));
            for p in cs.pieces.iter().filter(|p| p.span.is_some()) {
                let span = p.span.expect("filtered");
                let _ = writeln!(
                    out,
                    "    piece `{}` ← {}",
                    &cs.text[p.range.clone()],
                    show(sources, span)
                );
            }
        }
        setting(
            out,
            sources,
            "prefer_server_ciphers",
            t.prefer_server_ciphers.as_ref(),
        );
        setting(out, sources, "compression", t.compression.as_ref());
        setting(out, sources, "session_tickets", t.session_tickets.as_ref());
        setting(out, sources, "ticket_keys", t.ticket_keys.as_ref());
        setting(out, sources, "session_timeout", t.session_timeout.as_ref());
        setting(out, sources, "curves", t.curves.as_ref());
        setting(out, sources, "dh_params", t.dh_params.as_ref());
        for c in &t.certificates {
            setting(out, sources, "certificate", Some(c));
        }
        setting(out, sources, "verify_peer", t.verify_peer.as_ref());
    }
    for o in &model.observations {
        let _ = writeln!(
            out,
            "observation {:?} [{}] endpoint {:?} at {}: {}",
            o.kind,
            o.key,
            o.endpoint,
            show(sources, o.span),
            o.message
        );
        if let Some(h) = &o.help {
            let _ = writeln!(out, "  help: {h}");
        }
        for l in &o.labels {
            let _ = writeln!(out, "  label: {} — {}", show(sources, l.span), l.text);
        }
    }
}

fn run(path: &Path, options: &Options) -> (Sources, Parsed) {
    let mut sources = Sources::new();
    let parsed = parse::parse(Dialect::Postfix, path, &mut sources, options);
    (sources, parsed)
}

fn case_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/parse/postfix")
        .join(name)
}

macro_rules! case {
    ($name:ident) => {
        #[test]
        fn $name() {
            let (sources, parsed) = run(
                &case_dir(stringify!($name)).join("main.cf"),
                &Options::default(),
            );
            insta::assert_snapshot!(render(&sources, &parsed));
        }
    };
}

case!(syntax);
case!(legacy);
case!(services);
case!(defaults);
case!(invalid);
case!(tickets);

#[test]
fn legacy_on_old_targets() {
    let mut options = Options::default();
    options.targets.postfix = Version(3, 0, 0);
    options.targets.openssl = Version(1, 0, 2);
    let (sources, parsed) = run(&case_dir("defaults").join("main.cf"), &options);
    insta::assert_snapshot!(render(&sources, &parsed));
}

#[test]
fn master_cf_alone_reads_its_main_cf() {
    let (_, parsed) = run(&case_dir("services").join("master.cf"), &Options::default());
    assert_eq!(parsed.files.len(), 2);
    assert!(parsed.model.endpoints.len() > 2);
}

#[test]
fn detect_recognises_main_cf_names() {
    let text = "myhostname = x\nsmtpd_tls_security_level = may\n";
    assert_eq!(
        parse::detect(Path::new("/x/main.cf"), ""),
        Some(Dialect::Postfix)
    );
    assert_eq!(
        parse::detect(Path::new("/x/dms-main.cf"), text),
        Some(Dialect::Postfix)
    );
    assert_eq!(parse::detect(Path::new("/x/dms-main.cf"), "hello"), None);
    assert_eq!(parse::detect(Path::new("/x/master.cf"), text), None);
}

/// Every corpus file parses; only iredmail's template master.cf has a (fatal in Postfix)
/// placeholder in a numeric field.
#[test]
fn corpus_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/mail/postfix");
    let entries = std::fs::read_dir(&dir).expect("tests/corpus/mail/postfix");
    let mut mains: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("main"))
        })
        .collect();
    mains.sort();
    assert!(mains.len() >= 5);
    let mut summary = String::new();
    for main in &mains {
        let (sources, parsed) = run(main, &Options::default());
        let name = main
            .file_name()
            .expect("file")
            .to_string_lossy()
            .into_owned();
        let _ = writeln!(
            summary,
            "== {name}: {} files, {} endpoints, {} observations, {} errors",
            parsed.files.len(),
            parsed.model.endpoints.len(),
            parsed.model.observations.len(),
            parsed.errors.len()
        );
        for e in &parsed.errors {
            let _ = writeln!(
                summary,
                "  error: {} at {}",
                e.message,
                show(&sources, e.span)
            );
        }
        if name.starts_with("iredmail") {
            assert!(
                parsed.errors.iter().all(|e| e.message.contains("PH_")),
                "{name}: {:?}",
                parsed.errors
            );
        } else {
            assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
        }
        let mut full = String::new();
        render_model(&mut full, &sources, &parsed.model);
        insta::assert_snapshot!(format!("corpus_{}", name.replace(['.', '-'], "_")), full);
    }
    insta::assert_snapshot!(summary);
}

/// Random bytes and mangled configs never panic or hang.
#[test]
fn garbage_never_panics() {
    let dir = std::env::temp_dir().join(format!("tlslint-postfix-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let corpus = std::fs::read_to_string(case_dir("syntax").join("main.cf")).expect("fixture");
    let master = std::fs::read_to_string(case_dir("services").join("master.cf")).expect("fixture");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = b"$${}()?:=#!,> \t\n\rabcxyz_0123smtpd_tls_-o{ }\xff\xc3";
    let t0 = std::time::Instant::now();
    for round in 0..120 {
        let mut main: Vec<u8> = corpus.clone().into_bytes();
        let mut mst: Vec<u8> = master.clone().into_bytes();
        for buf in [&mut main, &mut mst] {
            for _ in 0..(next() % 40) {
                let pos = usize::try_from(next() % (buf.len() as u64 + 1)).unwrap_or(0);
                let b = alphabet[usize::try_from(next() % alphabet.len() as u64).unwrap_or(0)];
                if next() % 3 == 0 && pos < buf.len() {
                    buf.remove(pos);
                } else {
                    buf.insert(pos, b);
                }
            }
        }
        if round % 10 == 0 {
            main = (0..(next() % 2000))
                .map(|_| (next() & 0xff) as u8)
                .collect();
        }
        std::fs::write(dir.join("main.cf"), &main).expect("write");
        std::fs::write(dir.join("master.cf"), &mst).expect("write");
        let _ = run(&dir.join("main.cf"), &Options::default());
    }
    eprintln!("fuzz rounds: {:?}", t0.elapsed());
    // A doubling macro chain must stop, not take forever.
    let mut chain = String::new();
    for i in 0..60 {
        let _ = writeln!(chain, "p{i} = $p{n}$p{n}", n = i + 1);
    }
    chain.push_str("p60 = x\nsmtpd_tls_cert_file = $p0\n");
    std::fs::write(dir.join("main.cf"), chain).expect("write");
    let (_, parsed) = run(&dir.join("main.cf"), &Options::default());
    assert!(!parsed.errors.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Postfix 3.11 turns outgoing TLS on by default, but only with `compatibility_level >=
/// 3.11`; older levels keep it off.
#[test]
fn client_default_follows_compatibility_level() {
    let dir = std::env::temp_dir().join(format!("tlslint-postfix-compat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut options = Options::default();
    options.targets.postfix = Version(3, 11, 0);
    for (compat, want) in [("3.11", "Optional"), ("3.6", "Off")] {
        std::fs::write(
            dir.join("main.cf"),
            format!("compatibility_level = {compat}\n"),
        )
        .expect("write");
        let (_, parsed) = run(&dir.join("main.cf"), &options);
        let client = &parsed.model.endpoints[1];
        let mode = client.tls.mode.as_ref().expect("mode");
        assert_eq!(
            format!("{:?}", mode.value),
            want,
            "compatibility_level {compat}"
        );
        assert!(mode.is_default());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
