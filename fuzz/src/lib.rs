//! The harness shared by tlslint's fuzz targets.
//!
//! Each config target registers the fuzzer's bytes (lossy UTF-8, as `Sources::load` reads
//! a file) in a [`Sources`] under a path that does not exist, so the parser finds the text
//! there instead of on disk, parses it as the CLI does, runs the default policy's checks and
//! the inline-suppression pass, and then asserts that every span the run produced lies in
//! its file and on char boundaries: reports slice the file text with these spans, so a bad
//! one is a panic (or a wrong caret) in front of a user.
//!
//! The findings (and parse errors, as the CLI shows them) are then rendered in the
//! formats read in terminals and CI logs (`human` without colour, `concise`, `github`)
//! into memory, asserting no panic, no raw control character, exactly one line per
//! finding in `concise` and `github`, and no line that starts a workflow command except
//! `github`'s own annotations: miette panicked on wide columns, the root cause of every
//! panic fuzzing had found.
//!
//! Key material is not read (the checks get empty [`Facts`]): a fuzzer-written
//! `ssl_certificate /dev/zero` would otherwise make runs read the disk, slow and
//! machine-dependent.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::OnceLock;

use tlslint::checks::{self, Finding, Severity};
use tlslint::cipher::{self, Profile};
use tlslint::escape::{is_unsafe, starts_log_command};
use tlslint::material::Facts;
use tlslint::model::{Ciphers, Dialect, Endpoint, Model, Setting};
use tlslint::parse::{self, Options, Parsed};
use tlslint::policy::{self, Policy};
use tlslint::report::{self, Format, Summary};
use tlslint::source::{FileId, Sources, Span};
use tlslint::suppress;

/// Where config inputs pretend to live; nothing is ever created there.
const FAKE_DIR: &str = "/nonexistent-fuzz";

/// The default policy, loaded once: loading parses TOML and would dominate each run.
fn default_policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| match policy::load(policy::DEFAULT_POLICY) {
        Ok(p) => p,
        Err(e) => panic!("built-in policy does not load: {}", e.message),
    })
}

/// Parses `data` as a `name` file of `dialect`, runs the checks, asserts span invariants.
pub fn run_config(dialect: Dialect, name: &str, data: &[u8]) {
    let mut sources = Sources::new();
    let path = Path::new(FAKE_DIR).join(name);
    sources.add(
        path.clone(),
        name.to_owned(),
        String::from_utf8_lossy(data).into_owned(),
    );
    run_parsed(dialect, &path, sources);
}

/// The Postfix target: `main.cf`, optionally NUL and `master.cf`.
///
/// The parser only reads a `master.cf` that exists on disk (`is_file`), so both files are
/// created empty once in a private temporary directory; the texts themselves are
/// registered in [`Sources`], which the parser consults before reading.
pub fn run_postfix(data: &[u8]) {
    let (main, master) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let dir = postfix_dir();
    let mut sources = Sources::new();
    let main_path = dir.join("main.cf");
    sources.add(
        main_path.clone(),
        "main.cf".to_owned(),
        String::from_utf8_lossy(main).into_owned(),
    );
    // Without a master part the empty file on disk stands in: an empty master.cf.
    if let Some(master) = master {
        sources.add(
            dir.join("master.cf"),
            "master.cf".to_owned(),
            String::from_utf8_lossy(master).into_owned(),
        );
    }
    run_parsed(Dialect::Postfix, &main_path, sources);
}

fn postfix_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tlslint-fuzz-postfix-{}", std::process::id()));
        let made = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join("main.cf"), ""))
            .and_then(|()| std::fs::write(dir.join("master.cf"), ""));
        if let Err(e) = made {
            panic!("cannot create {}: {e}", dir.display());
        }
        dir
    })
}

/// A cipher-expansion memo shared by consecutive runs, renewed every few hundred runs.
///
/// Every config run expands the same built-in defaults (Postfix's `tls_high_cipherlist`,
/// nginx's `HIGH:!aNULL:!MD5`); a fresh cache per run made those expansions most of the
/// work. Renewing it bounds the memory fuzzer-written strings can pile up in it.
fn cipher_cache() -> Rc<cipher::Cache> {
    thread_local! {
        static CACHE: RefCell<(Rc<cipher::Cache>, u32)> =
            RefCell::new((Rc::new(cipher::Cache::new()), 0));
    }
    CACHE.with_borrow_mut(|(cache, runs)| {
        *runs += 1;
        if *runs >= 512 {
            *cache = Rc::new(cipher::Cache::new());
            *runs = 0;
        }
        Rc::clone(cache)
    })
}

fn run_parsed(dialect: Dialect, path: &Path, mut sources: Sources) {
    let options = Options::default();
    let Parsed {
        model,
        errors,
        files,
        ..
    } = parse::parse(dialect, path, &mut sources, &options);
    for e in &errors {
        span(&sources, e.span, "parse error");
        for l in &e.labels {
            span(&sources, l.span, "parse error label");
        }
    }
    for f in &files {
        assert!((f.0 as usize) < sources.len(), "file id {f:?} out of range");
    }
    model_spans(&sources, &model);

    let policy = default_policy();
    let enabled = |_: &str| tlslint::Enabled::PolicySeverity;
    let findings = tlslint::engine::run(
        &model,
        policy,
        &options.targets,
        &Facts::default(),
        &cipher_cache(),
        &enabled,
    );
    finding_spans(&sources, &findings);

    // The suppression pass parses comments of every file read: a parser of its own.
    let stamp = |f: &mut Finding| match policy.entries.iter().find(|e| e.check.name == f.check) {
        Some(e) => {
            f.severity = e.severity;
            true
        }
        None => false,
    };
    let ids: Vec<FileId> = sources.iter().map(|(id, _)| id).collect();
    let findings = suppress::apply(
        findings,
        &sources,
        &ids,
        suppress::Settings::default(),
        &|_| true,
        &stamp,
    );
    finding_spans(&sources, &findings);

    // Parse errors first, as the CLI prints them.
    let mut shown: Vec<Finding> = errors
        .iter()
        .map(|e| {
            let mut f = Finding::at(e.span, e.message.clone()).label("here");
            f.check = checks::PARSE_ERROR;
            f.severity = Severity::Error;
            f.labels = e.labels.clone();
            f
        })
        .collect();
    shown.extend(findings);
    render(&sources, &shown);
}

/// Renders findings in the terminal and CI-log formats and asserts that the output is
/// safe to print (see the module docs).
fn render(sources: &Sources, findings: &[Finding]) {
    let summary = Summary::count(sources.len(), 0, findings);
    for format in [Format::human(false), Format::Concise, Format::Github] {
        let mut out = Vec::new();
        if let Err(e) = report::emit(
            format,
            findings,
            &summary,
            sources,
            &report::RunInfo::default(),
            &mut out,
        ) {
            panic!("{format:?} rendering failed: {e}");
        }
        let text = match String::from_utf8(out) {
            Ok(t) => t,
            Err(e) => panic!("{format:?} output is not UTF-8: {e}"),
        };
        if let Some(c) = text.chars().find(|&c| c != '\n' && is_unsafe(c)) {
            panic!("raw {c:?} in {format:?} output:\n{text}");
        }
        for line in text.lines().filter(|l| starts_log_command(l)) {
            let annotation = ["::error file=", "::warning file=", "::notice file="]
                .iter()
                .any(|p| line.starts_with(p));
            assert!(
                format == Format::Github && annotation,
                "{format:?} line starts a workflow command: {line:?}"
            );
        }
        match format {
            Format::Concise | Format::Github => assert_eq!(
                text.lines().count(),
                findings.len(),
                "{format:?} is not one line per finding:\n{text}"
            ),
            // Each finding's excerpt is a bounded window (src/report/snippet.rs).
            _ => assert!(
                text.len() <= 64 * 1024 * (findings.len() + 1),
                "human output of {} bytes for {} findings",
                text.len(),
                findings.len()
            ),
        }
    }
}

fn finding_spans(sources: &Sources, findings: &[Finding]) {
    for f in findings {
        span(sources, f.span, f.check);
        for l in &f.labels {
            span(sources, l.span, f.check);
        }
    }
}

fn model_spans(sources: &Sources, model: &Model) {
    for e in &model.endpoints {
        endpoint_spans(sources, e);
    }
    for o in &model.observations {
        span(sources, o.span, "observation");
        for l in &o.labels {
            span(sources, l.span, "observation label");
        }
        if let Some(i) = o.endpoint {
            assert!(i < model.endpoints.len(), "observation names endpoint {i}");
        }
    }
}

fn endpoint_spans(sources: &Sources, e: &Endpoint) {
    span(sources, e.span, "endpoint");
    let t = &e.tls;
    setting(sources, t.mode.as_ref());
    setting(sources, t.protocols.as_ref());
    setting(sources, t.ciphers.as_ref());
    if let Some(c) = &t.ciphers {
        match &c.value {
            Ciphers::OpenSsl(cs) => {
                for p in &cs.pieces {
                    assert!(
                        p.range.start <= p.range.end
                            && p.range.end <= cs.text.len()
                            && cs.text.is_char_boundary(p.range.start)
                            && cs.text.is_char_boundary(p.range.end),
                        "cipher piece {:?} outside {:?}",
                        p.range,
                        cs.text
                    );
                    if let Some(s) = p.span {
                        span(sources, s, "cipher piece");
                        // A placed piece claims the file spells its text byte for byte.
                        let file = &sources.get(s.file).text;
                        assert_eq!(
                            &file[s.start as usize..s.end as usize],
                            &cs.text[p.range.clone()],
                            "cipher piece span does not spell its text"
                        );
                    }
                }
            }
            Ciphers::List(names) => {
                for s in names.iter().filter_map(|n| n.span) {
                    span(sources, s, "suite name");
                }
            }
        }
    }
    setting(sources, t.ciphersuites.as_ref());
    if let Some(c) = &t.ciphersuites {
        for s in c.value.iter().filter_map(|n| n.span) {
            span(sources, s, "ciphersuite name");
        }
    }
    setting(sources, t.prefer_server_ciphers.as_ref());
    setting(sources, t.compression.as_ref());
    setting(sources, t.session_tickets.as_ref());
    setting(sources, t.ticket_keys.as_ref());
    setting(sources, t.session_timeout.as_ref());
    setting(sources, t.curves.as_ref());
    if let Some(c) = &t.curves {
        for s in c.value.iter().filter_map(|n| n.span) {
            span(sources, s, "curve name");
        }
    }
    setting(sources, t.dh_params.as_ref());
    setting(sources, t.verify_peer.as_ref());
    for c in &t.certificates {
        setting(sources, Some(c));
    }
}

fn setting<T>(sources: &Sources, s: Option<&Setting<T>>) {
    let Some(s) = s else { return };
    if let Some(sp) = s.span {
        span(sources, sp, "setting");
    }
    for l in s.related() {
        span(sources, l.span, "related label");
    }
}

/// The span invariant: a known file, `start <= end <= len`, both ends on char boundaries.
fn span(sources: &Sources, s: Span, what: &str) {
    assert!(
        (s.file.0 as usize) < sources.len(),
        "{what}: span in unknown file {:?}",
        s.file
    );
    let text = &sources.get(s.file).text;
    let (start, end) = (s.start as usize, s.end as usize);
    assert!(start <= end, "{what}: span {start}..{end} runs backwards");
    assert!(
        end <= text.len(),
        "{what}: span {start}..{end} past the end ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: span {start}..{end} inside a char"
    );
}

/// The cipher target: the bytes as an OpenSSL string under each profile (the first byte
/// also picks a compiled-in default security level), as a suite name, and as a BoringSSL
/// list; every range reported must lie inside the string on char boundaries.
pub fn run_cipher(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let s = s.as_ref();
    let level = data.first().map_or(1, |b| b % 6);
    for profile in [Profile::V1_1_1, Profile::V3_0, Profile::V3_2] {
        for x in [
            cipher::expand(s, profile),
            cipher::expand_with_default_level(s, profile, level),
        ] {
            assert!(x.security_level <= 5, "security level {}", x.security_level);
            for u in &x.unknown {
                range(s, &u.range, "unknown word");
                assert_eq!(&s[u.range.clone()], u.word, "unknown word range");
            }
            if let Some(e) = &x.error
                && let Some(r) = &e.range
            {
                range(s, r, "cipher error");
            }
            for u in &x.usable {
                assert!(
                    x.suites.iter().any(|t| std::ptr::eq(*t, *u)),
                    "usable suite {} not enabled",
                    u.openssl_name
                );
            }
            let again = cipher::security_filter(&x.suites, x.security_level, profile);
            assert_eq!(again.len(), x.usable.len(), "security filter is not stable");
        }
    }
    let _ = cipher::lookup(s);
    let _ = cipher::is_known_word(s);
    if let Ok(entries) = cipher::parse_boringssl_list(s) {
        for e in &entries {
            range(s, &e.range, "BoringSSL entry");
            assert_eq!(&s[e.range.clone()], e.name, "BoringSSL entry range");
        }
    }
}

fn range(s: &str, r: &std::ops::Range<usize>, what: &str) {
    assert!(
        r.start <= r.end
            && r.end <= s.len()
            && s.is_char_boundary(r.start)
            && s.is_char_boundary(r.end),
        "{what}: range {r:?} outside a {}-byte string or inside a char",
        s.len()
    );
}
