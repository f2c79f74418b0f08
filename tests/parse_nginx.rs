//! The nginx reader: lexer edge cases with nginx's exact messages, include resolution,
//! and the extracted model (snapshots), plus the shared corpus.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tlslint::model::{Ciphers, Origin, Setting, Targets, Version};
use tlslint::parse::nginx;
use tlslint::parse::{Options, Parsed};
use tlslint::source::{Sources, Span};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/nginx")
}

fn options(v: &str) -> Options {
    let mut targets = Targets::default();
    targets.nginx = Version::parse(v).expect("version");
    Options { targets }
}

/// Parses a file at a target version.
fn parse_file(path: &Path, v: &str) -> (Parsed, Sources) {
    let mut sources = Sources::new();
    let parsed = nginx::parse(path, &mut sources, &options(v));
    (parsed, sources)
}

/// Parses text written to a scratch file (so that includes are not involved).
fn parse_text(text: &str, v: &str) -> (Parsed, Sources) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tlslint-nginx-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("nginx.conf");
    std::fs::write(&path, text).expect("write");
    let out = parse_file(&path, v);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

fn at(sources: &Sources, span: Span) -> String {
    let lc = sources.start(span);
    let name = sources
        .get(span.file)
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{name}:{}:{}", lc.line, lc.column)
}

/// Errors as `line:col message`.
fn errors(text: &str) -> Vec<String> {
    let (parsed, sources) = parse_text(text, "1.26");
    parsed
        .errors
        .iter()
        .map(|e| {
            let lc = sources.start(e.span);
            format!("{}:{} {}", lc.line, lc.column, e.message)
        })
        .collect()
}

fn origin<T>(s: &Setting<T>, sources: &Sources) -> String {
    let mut out = match &s.origin {
        Origin::Set => format!("set @ {}", at(sources, s.span.expect("span"))),
        Origin::Inherited => format!("inherited @ {}", at(sources, s.span.expect("span"))),
        Origin::Default { assumed } => format!("default ({assumed})"),
    };
    if let Some(n) = &s.note {
        let _ = write!(out, " [note: {n}]");
    }
    for r in &s.related {
        let _ = write!(out, " [{}: {}]", at(sources, r.span), r.text);
    }
    out
}

/// A compact, stable text form of the model for snapshots.
fn summary(parsed: &Parsed, sources: &Sources) -> String {
    let mut out = String::new();
    for e in &parsed.model.endpoints {
        let _ = writeln!(
            out,
            "{} | {} | {:?} @ {}",
            e.name,
            e.key,
            e.side,
            at(sources, e.span)
        );
        let t = &e.tls;
        if let Some(s) = &t.mode {
            let _ = writeln!(out, "  mode: {:?} {}", s.value, origin(s, sources));
        }
        if let Some(s) = &t.protocols {
            let p: Vec<&str> = s.value.iter().map(|p| p.as_str()).collect();
            let _ = writeln!(out, "  protocols: {} {}", p.join(" "), origin(s, sources));
        }
        if let Some(s) = &t.ciphers {
            let text = match &s.value {
                Ciphers::OpenSsl(c) => c.text.clone(),
                Ciphers::List(l) => l
                    .iter()
                    .map(|n| n.name.clone())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            let _ = writeln!(out, "  ciphers: {text} {}", origin(s, sources));
        }
        if let Some(s) = &t.ciphersuites
            && !s.is_default()
        {
            let v: Vec<&str> = s.value.iter().map(|n| n.name.as_str()).collect();
            let _ = writeln!(
                out,
                "  ciphersuites: {} {}",
                v.join(":"),
                origin(s, sources)
            );
        }
        if let Some(s) = &t.prefer_server_ciphers {
            let _ = writeln!(
                out,
                "  prefer_server_ciphers: {} {}",
                s.value,
                origin(s, sources)
            );
        }
        if let Some(s) = &t.compression {
            let _ = writeln!(out, "  compression: {} {}", s.value, origin(s, sources));
        }
        if let Some(s) = &t.session_tickets {
            let _ = writeln!(out, "  session_tickets: {} {}", s.value, origin(s, sources));
        }
        if let Some(s) = &t.ticket_keys {
            let _ = writeln!(out, "  ticket_keys: {:?} {}", s.value, origin(s, sources));
        }
        if let Some(s) = &t.session_timeout {
            let _ = writeln!(out, "  session_timeout: {} {}", s.value, origin(s, sources));
        }
        if let Some(s) = &t.curves {
            let v: Vec<&str> = s.value.iter().map(|n| n.name.as_str()).collect();
            let _ = writeln!(out, "  curves: {} {}", v.join(":"), origin(s, sources));
        }
        if let Some(s) = &t.dh_params {
            let _ = writeln!(out, "  dh_params: {:?} {}", s.value, origin(s, sources));
        }
        for c in &t.certificates {
            let _ = writeln!(
                out,
                "  certificate: {} {}",
                c.value.display(),
                origin(c, sources)
            );
        }
        if let Some(s) = &t.verify_peer {
            let _ = writeln!(out, "  verify_peer: {} {}", s.value, origin(s, sources));
        }
    }
    for o in &parsed.model.observations {
        let _ = writeln!(
            out,
            "observation {:?} @ {} endpoint={:?} key={}: {}",
            o.kind,
            at(sources, o.span),
            o.endpoint,
            o.key,
            o.message
        );
        if let Some(h) = &o.help {
            let _ = writeln!(out, "  help: {h}");
        }
        for l in &o.labels {
            let _ = writeln!(out, "  label {}: {}", at(sources, l.span), l.text);
        }
    }
    for e in &parsed.errors {
        let _ = writeln!(out, "error @ {}: {}", at(sources, e.span), e.message);
        for l in &e.labels {
            let _ = writeln!(out, "  label {}: {}", at(sources, l.span), l.text);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Corpus

/// Why nginx rejects a corpus file when it is used as the main config.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Reject {
    /// A syntax error (possibly in an included file).
    Syntax,
    /// Only includes that do not resolve: absolute paths outside the corpus, or a fragment
    /// whose includes are relative to its tree's root, not to its own directory.
    Include,
}

/// Files of the shared corpus that nginx rejects as a main config; every other file must
/// parse without error.
const CORPUS_REJECTED: &[(&str, Reject)] = &[
    ("certbot/etc_nginx/broken.conf", Reject::Syntax),
    (
        "certbot/etc_nginx/ubuntu_nginx_1_4_6/default_vhost/nginx/nginx.conf",
        Reject::Include,
    ),
    // `ssl_ciphers HIGH:!aNULL:!MD5` has no `;`: one `ssl_ciphers` with three arguments.
    (
        "certbot/roundtrip/guide-to-nginx-ssl-spdy-hsts/nginx.conf",
        Reject::Syntax,
    ),
    (
        "crossplane/configs/includes-globbed/servers/locations/not-included.conf",
        Reject::Syntax,
    ),
    // As a main file, `include locations/*.conf` reaches the garbage decoy.
    (
        "crossplane/configs/includes-globbed/servers/server1.conf",
        Reject::Syntax,
    ),
    (
        "crossplane/configs/includes-globbed/servers/server2.conf",
        Reject::Syntax,
    ),
    (
        "crossplane/configs/includes-regular/conf.d/bar.conf",
        Reject::Syntax,
    ),
    (
        "crossplane/configs/includes-regular/conf.d/foo.conf",
        Reject::Syntax,
    ),
    (
        "crossplane/configs/includes-regular/conf.d/server.conf",
        Reject::Syntax,
    ),
    // `include bar.conf` resolves against the prefix, where there is no `bar.conf`.
    (
        "crossplane/configs/includes-regular/nginx.conf",
        Reject::Include,
    ),
    (
        "crossplane/configs/missing-semicolon/broken-above.conf",
        Reject::Syntax,
    ),
    (
        "crossplane/configs/quote-behavior/nginx.conf",
        Reject::Syntax,
    ),
    ("debian/nginx.conf", Reject::Include),
    ("debian/snippets/fastcgi-php.conf", Reject::Include),
    ("docker-official/nginx.conf", Reject::Include),
    (
        "go-crossplane/configs/braces/extra-brace.conf",
        Reject::Syntax,
    ),
    (
        "go-crossplane/configs/braces/missing-brace.conf",
        Reject::Syntax,
    ),
    (
        "go-crossplane/configs/includes-cycle/invalid/location1.conf",
        Reject::Syntax,
    ),
    (
        "go-crossplane/configs/includes-cycle/invalid/location2.conf",
        Reject::Syntax,
    ),
    (
        "go-crossplane/configs/includes-cycle/invalid/nginx.conf",
        Reject::Syntax,
    ),
    ("h5bp/conf.d/.default.conf", Reject::Include),
    ("h5bp/conf.d/templates/example.com.conf", Reject::Include),
    (
        "h5bp/conf.d/templates/no-ssl.example.com.conf",
        Reject::Include,
    ),
    ("h5bp/h5bp/basic.conf", Reject::Include),
    (
        "h5bp/h5bp/location/web_performance_svgz-compression.conf",
        Reject::Include,
    ),
    ("h5bp/h5bp/media_types/media_types.conf", Reject::Include),
    ("h5bp/test/vhosts/default.conf", Reject::Include),
    (
        "h5bp/test/vhosts/secure.server.localhost.conf",
        Reject::Include,
    ),
    ("h5bp/test/vhosts/server.localhost.conf", Reject::Include),
    ("ingress-nginx/cleanConf.src.conf", Reject::Syntax),
    ("nextcloud/nginx-root.conf.sample", Reject::Include),
];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/nginx");
    if !root.is_dir() {
        eprintln!("skipping: no corpus at {}", root.display());
        return;
    }
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut report = String::new();
    let mut mismatches = Vec::new();
    let mut parsed_files = 0;
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .expect("prefix")
            .to_string_lossy()
            .replace('\\', "/");
        let base = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if matches!(
            base.as_str(),
            "README.md" | "LICENSE" | "LICENSE.txt" | "copyright"
        ) {
            continue;
        }
        let (parsed, sources) = parse_file(path, "1.26");
        let expected = CORPUS_REJECTED
            .iter()
            .find(|(f, _)| *f == rel)
            .map(|(_, r)| *r);
        let _ = writeln!(
            report,
            "{rel}: {} endpoints, {} observations, {} errors",
            parsed.model.endpoints.len(),
            parsed.model.observations.len(),
            parsed.errors.len()
        );
        for e in &parsed.errors {
            let _ = writeln!(report, "  error @ {}: {}", at(&sources, e.span), e.message);
        }
        let include_only = parsed
            .errors
            .iter()
            .all(|e| e.message.starts_with("open() "));
        let got = match (parsed.errors.is_empty(), include_only) {
            (true, _) => None,
            (false, true) => Some(Reject::Include),
            (false, false) => Some(Reject::Syntax),
        };
        if got != expected {
            mismatches.push(format!("{rel}: expected {expected:?}, got {got:?}"));
        }
        parsed_files += 1;
    }
    eprintln!("{report}");
    assert!(
        parsed_files > 100,
        "corpus incomplete: {parsed_files} files"
    );
    assert!(
        mismatches.is_empty(),
        "unexpected parse result for: {mismatches:#?}"
    );
}

/// Model snapshots of the corpus configurations with TLS in them.
#[test]
fn corpus_models() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/nginx");
    if !root.is_dir() {
        eprintln!("skipping: no corpus at {}", root.display());
        return;
    }
    for rel in [
        "certbot/etc_nginx/nginx.conf",
        "certbot/roundtrip/imapproxyexample/nginx.conf",
        "gitlab/gitlab-ssl",
        "h5bp/nginx.conf",
        "jitsi-meet/jitsi-meet.example",
        "mastodon/nginx.conf",
        "mailinabox/nginx.conf",
        "njs-examples/conf/http/certs/subject_alternative.conf",
        "crossplane/configs/lua-block-simple/nginx.conf",
    ] {
        let (parsed, sources) = parse_file(&root.join(rel), "1.26");
        let name = format!("corpus__{}", rel.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, summary(&parsed, &sources));
    }
}
