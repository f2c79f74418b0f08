//! `--format json`: the stable, versioned machine contract.
//!
//! ```json
//! {"version":1,
//!  "config":".tlslint.toml"|null, "policy":"mozilla-intermediate", "policy_file":null,
//!  "checks_enabled":22, "baseline":{"file","hidden","stale"}|null,
//!  "findings":[{"rule","severity","message","file","line","column","end_line","end_column",
//!               "offset","length","help","policy","endpoint","endpoints","key","labels":[...],
//!               "fix":{"title","applicability":"safe"|"unsafe",
//!                      "edits":[{"file","line",...,"length","replacement"}]}|null}],
//!  "summary":{"files","endpoints","errors","warnings","notes"}}
//! ```
//! Lines and columns are 1-based, columns count Unicode code points, `end_column` is
//! exclusive. Fields are only ever added, never renamed, within version 1.

use std::io::{self, Write};

use serde::Serialize;

use super::{Location, RunInfo, Summary};
use crate::diagnostic::Finding;
use crate::source::Sources;

/// Schema version.
pub const VERSION: u32 = 1;

/// Writes the findings document with serde_json's pretty printer, streaming: each finding
/// is serialized as it is reached, so no copy of the report is built in memory.
pub fn emit(
    findings: &[Finding],
    summary: &Summary,
    sources: &Sources,
    run: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    let doc = Document {
        version: VERSION,
        run,
        findings: Findings { findings, sources },
        summary,
    };
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, &doc)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The document's top level: the version, the run's fields, the findings, the counts.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    #[serde(flatten)]
    run: &'a RunInfo,
    findings: Findings<'a>,
    summary: &'a Summary,
}

/// The findings, each turned into its JSON shape only while it is written.
struct Findings<'a> {
    findings: &'a [Finding],
    sources: &'a Sources,
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.findings.iter().map(|f| JsonFinding {
            rule: f.check,
            severity: f.severity.as_str(),
            message: &f.message,
            at: Location::of(f.span, self.sources),
            help: f.help.as_deref(),
            policy: &f.policy,
            endpoint: f.endpoint.as_deref(),
            endpoints: f.endpoints(),
            key: &f.key,
            labels: Labels {
                labels: &f.labels,
                sources: self.sources,
            },
            fix: f.fix.as_deref().and_then(|x| {
                Some(JsonFix {
                    title: &x.title,
                    applicability: x.applicability.as_str(),
                    edits: x
                        .resolved()?
                        .into_iter()
                        .map(|(span, text)| JsonEdit {
                            at: Location::of(span, self.sources),
                            replacement: text,
                        })
                        .collect(),
                })
            }),
        }))
    }
}

/// One finding as the contract spells it.
#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    #[serde(flatten)]
    at: Location<'a>,
    help: Option<&'a str>,
    policy: &'a str,
    endpoint: Option<&'a str>,
    endpoints: Vec<&'a str>,
    key: &'a str,
    labels: Labels<'a>,
    fix: Option<JsonFix<'a>>,
}

/// A finding's fix: its edits as byte ranges with their lines and columns.
#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(flatten)]
    at: Location<'a>,
    replacement: &'a str,
}

/// A finding's secondary labels, each with its location.
struct Labels<'a> {
    labels: &'a [crate::model::Label],
    sources: &'a Sources,
}

impl Serialize for Labels<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.labels.iter().map(|l| JsonLabel {
            message: &l.text,
            at: Location::of(l.span, self.sources),
        }))
    }
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    #[serde(flatten)]
    at: Location<'a>,
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

/// Version of the `show --format json` document (2: `protocols`, `ciphers` and
/// `ciphersuites` are what a client can negotiate; the configured lists moved to
/// `configured_*`; `security_level`, `negotiable_exact`, `upper_bound`, `refused`,
/// `sockets`, `server_names` added).
pub const MODEL_VERSION: u32 = 2;

/// Writes the effective model (`tlslint show --format json`):
/// `{"version":2,"endpoints":[{"dialect","app","file","line","name","key","side","sockets",
/// "server_names","security_level","protocols","ciphers","ciphersuites",
/// "configured_protocols","configured_ciphers","configured_ciphersuites","negotiable_exact",
/// "upper_bound","refused","unknown","settings":{...}}]}`. `unknown` lists the settings an
/// unread include may set (`setting`, `directive`, and the include's `file` and `line`);
/// they are absent from the other fields. `ciphers` are OpenSSL names of TLS ≤ 1.2
/// suites in preference order, expanded for `profile`. For applications (no OpenSSL
/// model) the negotiable lists are the configured ones and `negotiable_exact` is false.
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
            let configured_protocols = e.tls.protocols.as_ref().map(|p| &p.value);
            let configured_suites = ciphersuites(e);
            let (protocols, negotiable_ciphers, suites, exact, bound, refused) = match &e.negotiable
            {
                Some(n) if n.suites_unknown => (
                    json!(n.protocols),
                    json!(ciphers),
                    json!(configured_suites),
                    false,
                    json!(n.upper_bound),
                    Value::Null,
                ),
                Some(n) => (
                    json!(n.protocols),
                    json!(n.ciphers.iter().map(|s| s.openssl_name).collect::<Vec<_>>()),
                    json!(n.ciphersuites),
                    n.upper_bound.is_empty(),
                    json!(n.upper_bound),
                    json!(n.refused),
                ),
                None => (
                    json!(configured_protocols),
                    json!(ciphers),
                    json!(configured_suites),
                    false,
                    json!(["not modelled for this program: the lists are as configured"]),
                    Value::Null,
                ),
            };
            json!({
                "dialect": e.dialect,
                "app": e.app,
                "file": sources.get(e.span.file).name,
                "line": at.line,
                "name": e.name,
                "key": e.key,
                "side": e.side,
                "sockets": e.sockets,
                "server_names": e.server_names,
                "security_level": e.tls.security_level.as_ref().map(|l| l.value),
                "protocols": protocols,
                "ciphers": negotiable_ciphers,
                "ciphersuites": suites,
                "configured_protocols": configured_protocols,
                "configured_ciphers": ciphers,
                "configured_ciphersuites": configured_suites,
                "negotiable_exact": exact,
                "upper_bound": bound,
                "refused": refused,
                "unknown": e.unknown.iter().map(|u| {
                    let at = sources.start(u.source);
                    json!({
                        "setting": u.setting,
                        "directive": u.directive,
                        "file": sources.get(u.source.file).name,
                        "line": at.line,
                    })
                }).collect::<Vec<_>>(),
                "settings": &e.tls,
            })
        })
        .collect();
    serde_json::to_writer_pretty(
        &mut *out,
        &json!({ "version": MODEL_VERSION, "endpoints": endpoints }),
    )?;
    writeln!(out)
}
