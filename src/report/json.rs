//! `--format json`: the stable, versioned machine contract.
//!
//! ```json
//! {"version":1,
//!  "config":".tlslint.toml"|null, "policy":"mozilla-intermediate", "policy_file":null,
//!  "checks_enabled":22, "baseline":{"file","hidden","stale"}|null,
//!  "findings":[{"rule","severity","message","file","line","column","end_line","end_column",
//!               "offset","length","help","policy","endpoint","key","labels":[...]}],
//!  "summary":{"files","endpoints","errors","warnings","notes"}}
//! ```
//! Lines and columns are 1-based, columns count Unicode code points, `end_column` is
//! exclusive. Fields are only ever added, never renamed, within version 1.

use std::io::{self, Write};

use super::{RunInfo, Summary};
use crate::diagnostic::Finding;
use crate::source::{Sources, Span};

/// Schema version.
pub const VERSION: u32 = 1;

/// Findings rendered per batch: each batch is split between two threads, then written in
/// order, so output memory stays bounded.
const BATCH: usize = 8192;

/// Writes the findings document: exactly what `serde_json::to_writer_pretty` prints for
/// `{"version", <the fields of RunInfo>, "findings", "summary"}`, rendered by hand (a fixed
/// shape, so no serializer state machine) and on two threads for big reports.
pub fn emit(
    findings: &[Finding],
    summary: &Summary,
    sources: &Sources,
    run: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut head = Vec::with_capacity(256);
    head.extend_from_slice(b"{\n  \"version\": ");
    push_uint(&mut head, u64::from(VERSION));
    // The run's fields at the top level: its own pretty form without the braces (it is
    // already at one level of indentation, and no string in it holds a raw newline).
    let run = serde_json::to_string_pretty(run)?;
    if let Some(fields) = run.strip_prefix('{').and_then(|r| r.strip_suffix("\n}")) {
        head.push(b',');
        head.extend_from_slice(fields.as_bytes());
    }
    head.extend_from_slice(b",\n  \"findings\": [");
    out.write_all(&head)?;
    let mut first = true;
    for batch in findings.chunks(BATCH) {
        let (a, b) = batch.split_at(batch.len() / 2);
        let render = |part: &[Finding], lead: bool| {
            let mut buf = Vec::with_capacity(part.len() * 768);
            for (i, f) in part.iter().enumerate() {
                if i > 0 || lead {
                    buf.push(b',');
                }
                finding(&mut buf, f, sources);
            }
            buf
        };
        let (ra, rb) = if batch.len() >= 512 {
            let (rb, ra) = crate::parallel::join(|| render(b, true), || render(a, !first));
            (ra, rb)
        } else {
            (render(a, !first), render(b, !first || !a.is_empty()))
        };
        out.write_all(&ra)?;
        out.write_all(&rb)?;
        first = false;
    }
    let mut tail = Vec::with_capacity(256);
    if findings.is_empty() {
        tail.extend_from_slice(b"],\n  \"summary\": ");
    } else {
        tail.extend_from_slice(b"\n  ],\n  \"summary\": ");
    }
    // The summary at one level of indentation: its own pretty form, shifted (no string in
    // it holds a raw newline).
    let summary = serde_json::to_string_pretty(summary)?;
    tail.extend_from_slice(summary.replace('\n', "\n  ").as_bytes());
    tail.extend_from_slice(b"\n}\n");
    out.write_all(&tail)?;
    out.flush()
}

/// One finding at the indentation of an element of `findings`, preceded by its newline.
fn finding(buf: &mut Vec<u8>, f: &Finding, sources: &Sources) {
    buf.extend_from_slice(b"\n    {\n      \"rule\": ");
    push_str(buf, f.check);
    buf.extend_from_slice(b",\n      \"severity\": ");
    push_str(buf, f.severity.as_str());
    buf.extend_from_slice(b",\n      \"message\": ");
    push_str(buf, &f.message);
    location(buf, f.span, sources, b"      ");
    buf.extend_from_slice(b",\n      \"help\": ");
    push_opt(buf, f.help.as_deref());
    buf.extend_from_slice(b",\n      \"policy\": ");
    push_str(buf, &f.policy);
    buf.extend_from_slice(b",\n      \"endpoint\": ");
    push_opt(buf, f.endpoint.as_deref());
    buf.extend_from_slice(b",\n      \"key\": ");
    push_str(buf, &f.key);
    buf.extend_from_slice(b",\n      \"labels\": [");
    for (i, l) in f.labels.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(b"\n        {\n          \"message\": ");
        push_str(buf, &l.text);
        location(buf, l.span, sources, b"          ");
        buf.extend_from_slice(b"\n        }");
    }
    if !f.labels.is_empty() {
        buf.extend_from_slice(b"\n      ");
    }
    buf.extend_from_slice(b"]\n    }");
}

/// The fields of a [`super::Location`], in its order, each after `,\n` and `indent`.
fn location(buf: &mut Vec<u8>, span: Span, sources: &Sources, indent: &[u8]) {
    let file = sources.get(span.file);
    let start = file.line_col(span.start as usize);
    let end = file.line_col(span.end as usize);
    let field = |buf: &mut Vec<u8>, name: &[u8]| {
        buf.extend_from_slice(b",\n");
        buf.extend_from_slice(indent);
        buf.push(b'"');
        buf.extend_from_slice(name);
        buf.extend_from_slice(b"\": ");
    };
    field(buf, b"file");
    push_str(buf, &file.name);
    for (name, n) in [
        (&b"line"[..], start.line as u64),
        (b"column", start.column as u64),
        (b"end_line", end.line as u64),
        (b"end_column", end.column as u64),
        (b"offset", u64::from(span.start)),
        (b"length", u64::from(span.end - span.start)),
    ] {
        field(buf, name);
        push_uint(buf, n);
    }
}

fn push_uint(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

/// True when some byte of `w` is below 0x20, a `"` or a `\\` (may also be true for
/// bytes at or above 0x80, which the byte loop then passes through).
fn needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_in = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    control | zero_in(w ^ (ONES * u64::from(b'"'))) | zero_in(w ^ (ONES * u64::from(b'\\'))) != 0
}

fn push_opt(buf: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_str(buf, s),
        None => buf.extend_from_slice(b"null"),
    }
}

/// A JSON string escaped as serde_json escapes it: `"`, `\\`, and control characters
/// (`\b \f \n \r \t`, the rest as lower-case `\u00XX`); everything else verbatim.
fn push_str(buf: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    let mut done = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip eight plain bytes at a time (SWAR: no byte below 0x20, no `"`, no `\\`).
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            if !needs_escape(u64::from_le_bytes(word)) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        i += 1;
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        let i = i - 1;
        buf.extend_from_slice(&bytes[done..i]);
        done = i + 1;
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            0x08 => buf.extend_from_slice(b"\\b"),
            0x0c => buf.extend_from_slice(b"\\f"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            _ => {
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[usize::from(b >> 4)]);
                buf.push(HEX[usize::from(b & 0xf)]);
            }
        }
    }
    buf.extend_from_slice(&bytes[done..]);
    buf.push(b'"');
}

/// TLS 1.3 suites: as configured, else OpenSSL's default when TLS 1.3 is enabled.
fn ciphersuites(e: &crate::model::Endpoint) -> Option<Vec<String>> {
    if let Some(c) = &e.tls.ciphersuites {
        return Some(c.value.iter().map(|n| n.name.to_string()).collect());
    }
    let tls13 = e
        .tls
        .protocols
        .as_ref()
        .is_some_and(|p| p.value.contains(&crate::model::Protocol::TLSv1_3));
    // OpenSSL's built-in TLS_DEFAULT_CIPHERSUITES, in its order.
    tls13.then(|| {
        [
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_GCM_SHA256",
        ]
        .map(str::to_owned)
        .to_vec()
    })
}

/// Writes the effective model (`tlslint show --format json`):
/// `{"version":1,"endpoints":[{"dialect","file","line","name","side","protocols",
/// "ciphers","ciphersuites","settings":{...}}]}`. `ciphers` lists the OpenSSL names of the
/// TLS ≤ 1.2 suites in preference order, expanded for `profile`.
pub fn emit_model(
    model: &crate::model::Model,
    sources: &Sources,
    profile: crate::cipher::Profile,
    out: &mut dyn Write,
) -> io::Result<()> {
    use crate::model::Ciphers;
    use serde_json::{Value, json};

    let cache = crate::cipher::Cache::new();
    let endpoints: Vec<Value> = model
        .endpoints
        .iter()
        .map(|e| {
            let at = sources.start(e.span);
            let ciphers: Option<Vec<String>> = e.tls.ciphers.as_ref().map(|c| match &c.value {
                Ciphers::OpenSsl(cs) => cache
                    .expand(&cs.text, profile)
                    .suites
                    .iter()
                    .map(|s| s.openssl_name.to_owned())
                    .collect(),
                Ciphers::List(names) => names
                    .iter()
                    .map(|n| {
                        crate::cipher::lookup(&n.name)
                            .map_or_else(|| n.name.to_string(), |s| s.openssl_name.to_owned())
                    })
                    .collect(),
            });
            json!({
                "dialect": e.dialect,
                "app": e.app,
                "file": sources.get(e.span.file).name,
                "line": at.line,
                "name": e.name,
                "key": e.key,
                "side": e.side,
                "protocols": e.tls.protocols.as_ref().map(|p| &p.value),
                "ciphers": ciphers,
                "ciphersuites": ciphersuites(e),
                "settings": &e.tls,
            })
        })
        .collect();
    serde_json::to_writer_pretty(
        &mut *out,
        &json!({ "version": VERSION, "endpoints": endpoints }),
    )?;
    writeln!(out)
}

#[cfg(test)]
mod escape_tests {
    use super::push_str;

    #[test]
    fn run_fields_are_rendered_as_serde_json_does() {
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            version: u32,
            #[serde(flatten)]
            run: &'a super::RunInfo,
            findings: [u8; 0],
            summary: super::Summary,
        }
        let mut run = super::RunInfo {
            config: Some("a \"b\".toml".into()),
            policy: "mine".into(),
            policy_file: Some("p.toml".into()),
            checks_enabled: 3,
            ..super::RunInfo::default()
        };
        for baseline in [None, Some(super::super::BaselineUse::default())] {
            run.baseline = baseline;
            let summary = super::Summary::default();
            let mut out = Vec::new();
            super::emit(
                &[],
                &summary,
                &crate::source::Sources::new(),
                &run,
                &mut out,
            )
            .unwrap();
            let doc = Doc {
                version: super::VERSION,
                run: &run,
                findings: [],
                summary,
            };
            let mut want = serde_json::to_string_pretty(&doc).unwrap();
            want.push('\n');
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn strings_are_escaped_exactly_as_serde_json_does() {
        let mut cases: Vec<String> = vec![
            String::new(),
            "plain ascii text that is longer than eight bytes".into(),
            "quote \" backslash \\ tab \t newline \n cr \r".into(),
            "\u{8}\u{c}\u{1}\u{1f}\u{7f} ≥ ümlaut 日本語 \u{2028}".into(),
        ];
        for b in 0u8..0x80 {
            for pad in 0..9 {
                let mut s = "x".repeat(pad);
                s.push(char::from(b));
                s.push_str("yyyyyyyy");
                cases.push(s);
            }
        }
        for s in cases {
            let mut buf = Vec::new();
            push_str(&mut buf, &s);
            assert_eq!(
                String::from_utf8(buf).unwrap(),
                serde_json::to_string(&s).unwrap()
            );
        }
    }
}
