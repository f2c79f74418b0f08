//! `--format json`: the stable, versioned machine contract.
//!
//! ```json
//! {"version":1,
//!  "findings":[{"rule","severity","message","file","line","column","end_line","end_column",
//!               "offset","length","help","policy","endpoint","key","labels":[...]}],
//!  "summary":{"files","endpoints","errors","warnings","notes"}}
//! ```
//! Lines and columns are 1-based, columns count Unicode code points, `end_column` is
//! exclusive. Fields are only ever added, never renamed, within version 1.

use std::io::{self, Write};

use serde::Serialize;

use super::Summary;
use crate::checks::Finding;
use crate::source::{Sources, Span};

/// Schema version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Out<'a> {
    version: u32,
    findings: Findings<'a>,
    summary: &'a Summary,
}

/// The findings, serialized one by one as they are written (no document in memory).
struct Findings<'a> {
    findings: &'a [Finding],
    sources: &'a Sources,
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.findings.iter().map(|f| JsonFinding {
            finding: f,
            sources: self.sources,
        }))
    }
}

/// One finding: `rule`, `severity`, `message`, the location fields, `help`, `policy`,
/// `endpoint`, `key`, `labels`.
struct JsonFinding<'a> {
    finding: &'a Finding,
    sources: &'a Sources,
}

impl Serialize for JsonFinding<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let f = self.finding;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("rule", f.check)?;
        m.serialize_entry("severity", f.severity.as_str())?;
        m.serialize_entry("message", &f.message)?;
        location(&mut m, f.span, self.sources)?;
        m.serialize_entry("help", &f.help.as_deref())?;
        m.serialize_entry("policy", &f.policy)?;
        m.serialize_entry("endpoint", &f.endpoint.as_deref())?;
        m.serialize_entry("key", &f.key)?;
        m.serialize_entry(
            "labels",
            &Labels {
                labels: &f.labels,
                sources: self.sources,
            },
        )?;
        m.end()
    }
}

struct Labels<'a> {
    labels: &'a [crate::model::Label],
    sources: &'a Sources,
}

impl Serialize for Labels<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.labels.iter().map(|label| JsonLabel {
            label,
            sources: self.sources,
        }))
    }
}

/// One label: `message` and the location fields.
struct JsonLabel<'a> {
    label: &'a crate::model::Label,
    sources: &'a Sources,
}

impl Serialize for JsonLabel<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("message", &self.label.text)?;
        location(&mut m, self.label.span, self.sources)?;
        m.end()
    }
}

/// The fields of a [`super::Location`], in its order, without building one.
fn location<M: serde::ser::SerializeMap>(
    m: &mut M,
    span: Span,
    sources: &Sources,
) -> Result<(), M::Error> {
    let file = sources.get(span.file);
    let start = file.line_col(span.start as usize);
    let end = file.line_col(span.end as usize);
    m.serialize_entry("file", &file.name)?;
    m.serialize_entry("line", &start.line)?;
    m.serialize_entry("column", &start.column)?;
    m.serialize_entry("end_line", &end.line)?;
    m.serialize_entry("end_column", &end.column)?;
    m.serialize_entry("offset", &span.start)?;
    m.serialize_entry("length", &(span.end - span.start))
}

/// Writes the findings document.
pub fn emit(
    findings: &[Finding],
    summary: &Summary,
    sources: &Sources,
    out: &mut dyn Write,
) -> io::Result<()> {
    let doc = Out {
        version: VERSION,
        findings: Findings { findings, sources },
        summary,
    };
    // A buffer of a concrete type: serde_json writes many small pieces, and each one
    // through `dyn Write` costs a virtual call.
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    out.flush()
}

/// TLS 1.3 suites: as configured, else OpenSSL's default when TLS 1.3 is enabled.
fn ciphersuites(e: &crate::model::Endpoint) -> Option<Vec<String>> {
    if let Some(c) = &e.tls.ciphersuites {
        return Some(c.value.iter().map(|n| n.name.clone()).collect());
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
                            .map_or_else(|| n.name.clone(), |s| s.openssl_name.to_owned())
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
