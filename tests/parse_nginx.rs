//! The nginx reader: lexer edge cases with nginx's exact messages, include resolution,
//! and the extracted model (snapshots), plus the corpus in `tests/corpus/nginx`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tlslint::gateway::Gateway;
use tlslint::model::{Ciphers, Origin, Setting, Targets, Version};
use tlslint::parse::nginx;
use tlslint::parse::{Options, Parsed};
use tlslint::source::{Sources, Span};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parse/nginx")
}

fn options(v: &str) -> Options {
    Options {
        targets: Targets {
            nginx: Version::parse(v).expect("version"),
            ..Targets::default()
        },
        ..Options::default()
    }
}

/// Parses a file at a target version.
fn parse_file(path: &Path, v: &str) -> (Parsed, Sources) {
    let mut sources = Sources::new();
    let parsed = nginx::parse(path, &mut sources, &options(v));
    (parsed, sources)
}

/// Parses a corpus file as `nginx -c FILE` would read it: the checked root is the file's own
/// directory, so relative includes resolve against that directory and never against an
/// `nginx.conf` further up. Without this the root would be the repository holding the
/// corpus (`tests/corpus` lies inside this one), and fragments would find their tree's
/// `nginx.conf`: the results would depend on where the corpus is stored.
fn parse_corpus_file(path: &Path, v: &str) -> (Parsed, Sources) {
    let dir = path.parent().expect("corpus files sit in a folder");
    let options = Options {
        gateway: Arc::new(Gateway::confined(dir)),
        ..options(v)
    };
    let mut sources = Sources::new();
    let parsed = nginx::parse(path, &mut sources, &options);
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
    if let Some(n) = s.note() {
        let _ = write!(out, " [note: {n}]");
    }
    for r in s.related() {
        let _ = write!(out, " [{}: {}]", at(sources, r.span), r.text);
    }
    out
}

/// A compact, stable text form of the model for snapshots.
#[expect(
    clippy::too_many_lines,
    reason = "one line per model field, in model order"
)]
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
            let v: Vec<&str> = s.value.iter().map(|n| &*n.name).collect();
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
            let v: Vec<&str> = s.value.iter().map(|n| &*n.name).collect();
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
        if let Some(s) = &t.ocsp_stapling
            && !s.is_default()
        {
            let st = &s.value;
            let mut parts = vec![format!("on={}", st.on)];
            if let Some(v) = &st.verify {
                parts.push(format!("verify={} {}", v.value, origin(v, sources)));
            }
            if let Some(f) = &st.file {
                parts.push(format!("file={} {}", f.value.display(), origin(f, sources)));
            }
            for (name, part) in [("responder", &st.responder), ("resolver", &st.resolver)] {
                if let Some(p) = part {
                    parts.push(format!("{name}={} {}", p.value, origin(p, sources)));
                }
            }
            if let Some(t) = &st.trusted {
                parts.push(format!(
                    "trusted={} {}",
                    t.value.display(),
                    origin(t, sources)
                ));
            }
            if let Some(span) = st.per_connection {
                parts.push(format!("per_connection @ {}", at(sources, span)));
            }
            let _ = writeln!(
                out,
                "  ocsp_stapling: {} {}",
                parts.join(", "),
                origin(s, sources)
            );
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

/// Files of the corpus (`tests/corpus/nginx`) that nginx rejects as a main config; every other file must
/// parse without error.
const CORPUS_REJECTED: &[(&str, Reject)] = &[
    ("certbot/etc_nginx/broken.conf", Reject::Syntax),
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
    ("debian/snippets/fastcgi-php.conf", Reject::Include),
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/nginx");
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
        let (parsed, sources) = parse_corpus_file(path, "1.26");
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/nginx");
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
        let (parsed, sources) = parse_corpus_file(&root.join(rel), "1.26");
        let name = format!("corpus__{}", rel.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, summary(&parsed, &sources));
    }
}

// ---------------------------------------------------------------------------------------
// Model snapshots: tests/parse/nginx/*.conf, target from a `# target: X` first line.

#[test]
fn model_snapshots() {
    insta::glob!("parse/nginx/*.conf", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let target = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# target: "))
            .unwrap_or("1.26");
        let (parsed, sources) = parse_file(path, target);
        insta::assert_snapshot!(summary(&parsed, &sources));
    });
}

// ---------------------------------------------------------------------------------------
// Lexer: nginx's messages at exact positions (nginx.md §1, §8.1).

/// The directives of a text as `name|arg|arg` (decoded), depth-first, with `{`/`}`.
fn shape(text: &str) -> Vec<String> {
    let (tree, _) = tree_of(text);
    let mut out = Vec::new();
    let mut stack: Vec<(Vec<usize>, usize)> = vec![(tree.root.clone(), 0)];
    while let Some((ids, i)) = stack.pop() {
        if i >= ids.len() {
            if !stack.is_empty() {
                out.push("}".to_owned());
            }
            continue;
        }
        let d = tree.get(ids[i]);
        let mut s = d.name().to_owned();
        for a in &d.args {
            s.push('|');
            s.push_str(&a.value);
        }
        stack.push((ids, i + 1));
        if let Some(b) = &d.block {
            s.push_str(" {");
            out.push(s);
            stack.push((b.children.clone(), 0));
        } else {
            out.push(s);
        }
    }
    out
}

fn tree_of(text: &str) -> (nginx::tree::Tree, Sources) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tlslint-nginx-tree-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("nginx.conf");
    std::fs::write(&path, text).expect("write");
    let mut sources = Sources::new();
    let options = Options {
        gateway: std::sync::Arc::new(tlslint::gateway::Gateway::confined(&dir)),
        ..Options::default()
    };
    let tree = nginx::tree::parse(&path, &mut sources, &options);
    let _ = std::fs::remove_dir_all(&dir);
    (tree, sources)
}

#[test]
fn whitespace_and_crlf() {
    assert_eq!(
        errors("events {}\r\nhttp {\r\n\tserver_tokens\toff;\r\n}\r\n"),
        Vec::<String>::new()
    );
    assert_eq!(shape("a\tb\r\nc;"), ["a|b|c"]);
}

#[test]
fn bom_is_reported() {
    let e = errors("\u{feff}events {}\n");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("1:1 unknown directive \"\\u{feff}events\""),
        "{e:?}"
    );
    assert!(e[0].contains("byte order mark"));
}

#[test]
fn comments_only_at_token_start() {
    assert_eq!(
        shape("return 200 a#b; # c\nx { # after brace\n y 1 # between\n 2; } # at eof"),
        ["return|200|a#b", "x {", "y|1|2", "}"]
    );
    assert!(errors("a b; # no newline at end").is_empty());
}

#[test]
fn quotes() {
    assert_eq!(errors(r#"add_header X "a"b;"#), ["1:17 unexpected \"b\""]);
    assert_eq!(shape(r#"a "" '' "x y";"#), ["a|||x y"]);
    assert_eq!(shape("a \"line1\nline2\";"), ["a|line1\nline2"]);
    // quoted ; { } are literal and do not count for brace balance
    assert_eq!(shape(r#"a "{;}" '}';"#), ["a|{;}|}"]);
    assert!(errors(r#"a "{;}" '}';"#).is_empty());
    // a quote inside a token is literal
    assert_eq!(shape(r#"a x"y"z;"#), [r#"a|x"y"z"#]);
    // `)` may follow a closing quote
    assert_eq!(shape(r#"if ($a = "b") { }"#), ["if|($a|=|b|) {", "}"]);
    assert_eq!(
        shape("\"ssl_protocols\" TLSv1.2;"),
        ["ssl_protocols|TLSv1.2"]
    );
}

#[test]
fn escapes_keep_raw_and_decoded() {
    let text = r#"a a\;b "q\"x" \q \t 'it\'s' "\\";"#;
    let (tree, sources) = tree_of(text);
    let d = tree.get(tree.root[0]);
    let file = sources.get(d.name.span.file);
    let got: Vec<(String, String)> = d
        .args
        .iter()
        .map(|a| (file.slice(a.span).to_owned(), a.value.to_string()))
        .collect();
    let want = [
        (r"a\;b", r"a\;b"),
        (r#"q\"x"#, r#"q"x"#),
        (r"\q", r"\q"),
        (r"\t", "\t"),
        (r"it\'s", "it's"),
        (r"\\", r"\"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(got, want);
    assert!(tree.errors.is_empty());
    // escaped space and quote stay in one token
    assert_eq!(shape(r#"a x\ y \"lead;"#), [r#"a|x\ y|"lead"#]);
}

#[test]
fn braces_in_words() {
    assert_eq!(shape("return 200 a}b;"), ["return|200|a}b"]);
    assert_eq!(shape("set $x ${host}y;"), ["set|$x|${host}y"]);
    assert_eq!(
        shape("try_files /abc/${uri} =404;"),
        ["try_files|/abc/${uri}|=404"]
    );
    // an unquoted regex with {n} ends the token at `{`
    let e = errors("location ~ ^/a{2}$ { }\n");
    assert_eq!(
        e,
        [
            "1:16 unknown directive \"2}$\"",
            "2:1 unexpected end of file, expecting \"}\""
        ]
    );
}

#[test]
fn statement_errors() {
    assert_eq!(errors("a;;"), ["1:3 unexpected \";\""]);
    assert_eq!(errors("{ }"), ["1:1 unexpected \"{\""]);
    assert_eq!(errors("http {\n  a b\n}\n"), ["3:1 unexpected \"}\""]);
    assert_eq!(errors("}"), ["1:1 unexpected \"}\""]);
    assert_eq!(
        errors("http {\n a;\n"),
        ["3:1 unexpected end of file, expecting \"}\""]
    );
    assert_eq!(
        errors("a b"),
        ["1:4 unexpected end of file, expecting \";\" or \"}\""]
    );
    assert_eq!(
        errors("a \"open"),
        ["1:8 unexpected end of file, expecting \";\" or \"}\""]
    );
}

#[test]
fn token_length_limit() {
    let ok = format!("a {};", "x".repeat(4095));
    assert!(errors(&ok).is_empty());
    let long = format!("a {};", "x".repeat(4096));
    assert_eq!(
        errors(&long),
        ["1:3 too long parameter \"xxxxxxxxxx...\" started"]
    );
    let closed = format!("a \"{}\";", "x".repeat(5000));
    assert_eq!(errors(&closed).len(), 1, "one error per token");
    let quoted = format!("a \"{}", "x".repeat(5000));
    let e = errors(&quoted);
    assert!(
        e[0].contains("probably missing terminating \"\"\" character"),
        "{e:?}"
    );
}

#[test]
fn entry_bodies_and_lua() {
    let text = "http {\n map $a $b {\n  hostnames;\n  default 0;\n  '~Opera Mini' 1;\n  '' $arg;\n  *.example.com '';\n }\n types { text/html html; }\n}\n";
    assert!(errors(text).is_empty());
    assert_eq!(errors("map $a $b {\n x { }\n}\n"), ["2:4 unexpected \"{\""]);
    let lua = "http {\n content_by_lua_block {\n  local t = { 1, 2 } -- }\n  ngx.say(\"}\", '{', [[ } ]])\n  --[==[ } ]==]\n }\n set_by_lua_block $res { return 1 }\n}\n";
    assert!(errors(lua).is_empty(), "{:?}", errors(lua));
    assert_eq!(
        shape(lua),
        [
            "http {",
            "content_by_lua_block",
            "set_by_lua_block|$res",
            "}"
        ]
    );
}

#[test]
fn server_in_upstream_is_simple() {
    let (parsed, _) = parse_text("http { upstream u { server 10.0.0.1:443; } }", "1.26");
    assert!(parsed.errors.is_empty());
    assert!(parsed.model.endpoints.is_empty());
}

#[test]
fn non_utf8_bytes() {
    let dir = std::env::temp_dir().join(format!("tlslint-nginx-latin1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("nginx.conf");
    std::fs::write(
        &path,
        b"# caf\xe9\nhttp { server { listen 443 ssl; server_name caf\xe9; } }\n",
    )
    .expect("write");
    let (parsed, _) = parse_file(&path, "1.26");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.model.endpoints.len(), 1);
}

// ---------------------------------------------------------------------------------------
// Hostile input: no panic, no hang, bounded depth.

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("{}{}", "a {".repeat(100_000), "}".repeat(100_000));
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{:?}", &e[..e.len().min(3)]);
    assert!(e[0].contains("nested too deeply"));
    let unclosed = "http { server { location / {".repeat(10_000);
    let (parsed, _) = parse_text(&unclosed, "1.26");
    assert!(!parsed.errors.is_empty());
}

#[test]
fn binary_garbage_does_not_panic() {
    let mut seed: u32 = 12345;
    let mut bytes = Vec::new();
    for _ in 0..200_000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        bytes.push(b"{};\"'\\#$ \nabc\x00\xff"[(seed >> 16) as usize % 15]);
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let _ = parse_text(&text, "1.26");
    let _ = nginx::looks_like(&text);
}

#[test]
fn large_tree_parses_fast() {
    // 2,000 TLS servers in 200 included files (~26k lines), as in nginx.md §9.3.
    let (took, endpoints) = big_tree(200);
    // each server is a TLS endpoint and has one `proxy_pass https://` client endpoint
    assert_eq!(endpoints, 4000);
    eprintln!("26k lines: {took:?}");
    // Generous for unoptimised builds on a shared machine; release is far faster.
    assert!(took.as_secs() < 20, "took {took:?}");
}

/// The ×10 tree of nginx.md §9.3 (~260k lines); run with `--ignored` to time it.
#[test]
#[ignore = "timing run: cargo test --test parse_nginx huge -- --ignored --nocapture"]
fn huge_tree_timing() {
    let (took, endpoints) = big_tree(2000);
    assert_eq!(endpoints, 40_000);
    eprintln!("260k lines: {took:?}");
}

/// Writes `files` included files of 10 TLS servers each and parses them.
fn big_tree(files: usize) -> (std::time::Duration, usize) {
    let dir =
        std::env::temp_dir().join(format!("tlslint-nginx-big-{}-{files}", std::process::id()));
    let conf = dir.join("conf.d");
    std::fs::create_dir_all(&conf).expect("dir");
    for f in 0..files {
        let mut s = String::new();
        for i in 0..10 {
            let _ = write!(
                s,
                "server {{\n    listen 443 ssl;\n    server_name s{f}-{i}.example;\n    ssl_certificate /c/{f}-{i}.pem;\n    ssl_certificate_key /c/{f}-{i}.key;\n    ssl_protocols TLSv1.2 TLSv1.3;\n    location / {{\n        proxy_pass https://backend;\n        proxy_set_header Host $host;\n    }}\n}}\n\n"
            );
        }
        std::fs::write(conf.join(format!("{f}.conf")), s).expect("write");
    }
    std::fs::write(
        dir.join("nginx.conf"),
        "events {}\nhttp {\n    include conf.d/*.conf;\n}\n",
    )
    .expect("write");
    let start = std::time::Instant::now();
    let (parsed, _) = parse_file(&dir.join("nginx.conf"), "1.26");
    let took = start.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(parsed.errors.is_empty());
    assert_eq!(parsed.files.len(), files + 1);
    (took, parsed.model.endpoints.len())
}

// ---------------------------------------------------------------------------------------
// Includes (nginx.md §2).

fn endpoint_names(parsed: &Parsed) -> Vec<String> {
    parsed
        .model
        .endpoints
        .iter()
        .map(|e| e.key.clone())
        .collect()
}

#[test]
fn include_glob_order_dotfiles_empty_glob() {
    let (parsed, _) = parse_file(&fixtures().join("includes/glob/nginx.conf"), "1.26");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(
        endpoint_names(&parsed),
        [
            "http/server[s10:443]",
            "http/server[s9:443]",
            "http/server[sB:443]",
            "http/server[s_x:443]",
            "http/server[sa:443]",
            "http/server[s10:443]#2",
            "http/server[s9:443]#2",
        ]
    );
    // entry + 5 files, each listed once although two are included twice
    assert_eq!(parsed.files.len(), 6);
}

#[test]
fn include_missing_file() {
    let (parsed, sources) = parse_file(&fixtures().join("includes/missing/nginx.conf"), "1.26");
    assert_eq!(parsed.errors.len(), 1);
    let e = &parsed.errors[0];
    assert!(e.message.starts_with("open() \""), "{}", e.message);
    assert!(
        e.message
            .ends_with("nope.conf\" failed (2: No such file or directory)"),
        "{}",
        e.message
    );
    assert_eq!(at(&sources, e.span), "nginx.conf:2:5");
    // the rest is still read
    assert_eq!(parsed.model.endpoints.len(), 1);
}

#[test]
fn include_cycle() {
    let (parsed, sources) = parse_file(&fixtures().join("includes/cycle/nginx.conf"), "1.26");
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    let e = &parsed.errors[0];
    assert!(e.message.starts_with("include cycle: "), "{}", e.message);
    assert_eq!(at(&sources, e.span), "b.conf:2:5");
    let labels: Vec<String> = e.labels.iter().map(|l| at(&sources, l.span)).collect();
    assert_eq!(labels, ["nginx.conf:2:5", "a.conf:3:5"]);
}

#[test]
fn include_repeated_gives_instances() {
    let (parsed, sources) = parse_file(&fixtures().join("includes/repeated/nginx.conf"), "1.26");
    assert!(parsed.errors.is_empty());
    assert_eq!(parsed.model.endpoints.len(), 2);
    for e in &parsed.model.endpoints {
        let p = e.tls.protocols.as_ref().expect("protocols");
        assert_eq!(p.origin, Origin::Set);
        assert_eq!(at(&sources, p.span.expect("span")), "tls.conf:1:15");
    }
    assert_eq!(parsed.files.len(), 2);
}

#[test]
fn include_relative_to_prefix() {
    let (parsed, _) = parse_file(&fixtures().join("includes/prefix/nginx.conf"), "1.26");
    assert!(parsed.errors.is_empty());
    assert_eq!(endpoint_names(&parsed), ["http/server[top-level-b:443]"]);
}

#[test]
fn nginx_t_dump() {
    let (parsed, _) = parse_file(&fixtures().join("dump.conf"), "1.26");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(
        endpoint_names(&parsed),
        [
            "http/server[a.example:443]",
            "http/server[b.example:443]",
            "http/server[main.example:8443]"
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Detection.

#[test]
fn looks_like_nginx() {
    assert!(nginx::looks_like("events {}\nhttp {\n}\n"));
    assert!(nginx::looks_like("# site\nserver\n{\n listen 80;\n}\n"));
    assert!(nginx::looks_like("stream { }"));
    assert!(nginx::looks_like("\u{feff}http { }"));
    assert!(!nginx::looks_like("location / { }"));
    assert!(!nginx::looks_like(
        "http { server { } }".replace("http", "htt").as_str()
    ));
    // Dovecot
    assert!(!nginx::looks_like(
        "protocols = imap pop3\nssl = required\nprotocol imap {\n  mail_plugins = $mail_plugins imap_quota\n}\nservice imap-login {\n  inet_listener imaps {\n    port = 993\n  }\n}\n"
    ));
    assert!(!nginx::looks_like(
        "ssl_cert = </etc/ssl/cert.pem\nlocal 192.0.2.1 {\n  protocol imap {\n  }\n}\n"
    ));
}

#[test]
fn include_outside_root_is_not_read() {
    let text = "http {\n    include /nonexistent-tlslint/x.conf;\n    include ../*.conf;\n}\n";
    let (parsed, sources) = parse_text(text, "1.26");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let seen: Vec<(String, String)> = parsed
        .model
        .observations
        .iter()
        .map(|o| (format!("{:?}", o.kind), at(&sources, o.span)))
        .collect();
    assert_eq!(
        seen,
        [
            ("OutsideRoot".to_owned(), "nginx.conf:2:5".to_owned()),
            ("OutsideRoot".to_owned(), "nginx.conf:3:5".to_owned()),
        ]
    );
    // with --allow-outside-root the include is read, and a missing file is nginx's error
    // In a directory of its own, one level down, so `../*.conf` matches nothing of the
    // machine's temp directory.
    let base = std::env::temp_dir().join(format!("tlslint-nginx-outside-{}", std::process::id()));
    let dir = base.join("conf");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("nginx.conf"), text).expect("write");
    let mut sources = Sources::new();
    let opts = Options {
        allow_outside_root: true,
        ..options("1.26")
    };
    let parsed = nginx::parse(&dir.join("nginx.conf"), &mut sources, &opts);
    let _ = std::fs::remove_dir_all(&base);
    assert_eq!(
        parsed
            .errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>(),
        ["open() \"/nonexistent-tlslint/x.conf\" failed (2: No such file or directory)"]
    );
}
