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

use super::{Location, Summary};
use crate::checks::Finding;
use crate::source::Sources;

/// Schema version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Out<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    #[serde(flatten)]
    location: Location,
    help: Option<&'a str>,
    policy: &'a str,
    endpoint: Option<&'a str>,
    key: &'a str,
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    #[serde(flatten)]
    location: Location,
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
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.check,
                severity: f.severity.as_str(),
                message: &f.message,
                location: Location::of(f.span, sources),
                help: f.help.as_deref(),
                policy: &f.policy,
                endpoint: f.endpoint.as_deref(),
                key: &f.key,
                labels: f
                    .labels
                    .iter()
                    .map(|l| JsonLabel {
                        message: &l.text,
                        location: Location::of(l.span, sources),
                    })
                    .collect(),
            })
            .collect(),
        summary,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
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
