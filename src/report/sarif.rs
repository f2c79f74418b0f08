//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! Hand-written serde structs for the parts we emit (see conventions §5): one run, rules from
//! [`checks::ALL`] plus the built-in `parse-error` and `config-error`, results with full
//! regions (`columnKind: unicodeCodePoints`, `endColumn` exclusive), repo-relative URIs under
//! `%SRCROOT%`, related locations for secondary labels, and our own `tlslint/v1` partial
//! fingerprint. We deliberately do not emit `primaryLocationLineHash`: `upload-sarif` computes
//! it from the checked-out source and never replaces a supplied one.
//!
//! Parse and config errors are results of their rules (so they show as alerts) and also
//! `toolExecutionNotifications` of the invocation, whose `executionSuccessful` is then false.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::{BaselineUse, RunInfo};
use crate::checks::{self, Finding, Severity};
use crate::source::{Sources, Span};

/// The `$schema` URI (the OASIS errata01 schema GitHub accepts).
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id relative URIs are resolved against.
pub const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<serde_json::Value>,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
    properties: RunProperties<'a>,
}

/// The run's property bag: what the run used ([`RunInfo`]), in SARIF's camelCase.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    config: Option<&'a str>,
    policy: &'a str,
    policy_file: Option<&'a str>,
    checks_enabled: usize,
    baseline: Option<&'a BaselineUse>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: serde_json::Value,
    properties: serde_json::Value,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<serde_json::Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[expect(clippy::struct_field_names, reason = "SARIF's property names")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// A rule's id, summary, explain text and default severity.
struct RuleInfo {
    id: &'static str,
    summary: &'static str,
    explain: &'static str,
    severity: Severity,
}

const PARSE_ERROR_HELP: &str = "## What it does\nReports a file that cannot be read or parsed. \
tlslint cannot vouch for a config it could not read, so the run exits 2.\n\n## Fix\nFix the \
syntax error or the path; `--dialect` forces the dialect of a file tlslint does not recognise.";

const CONFIG_ERROR_HELP: &str = "## What it does\nReports an invalid `.tlslint.toml` or policy \
file: an unknown key, an unknown check, or a value of the wrong type. The run exits 2.\n\n## \
Fix\nCorrect the key or value the message points at.";

fn rules() -> Vec<RuleInfo> {
    let mut v: Vec<RuleInfo> = checks::ALL
        .iter()
        .map(|c| RuleInfo {
            id: c.name,
            summary: c.summary,
            explain: c.explain,
            severity: c.default_severity,
        })
        .collect();
    v.push(RuleInfo {
        id: checks::PARSE_ERROR,
        summary: "a file cannot be read or parsed",
        explain: PARSE_ERROR_HELP,
        severity: Severity::Error,
    });
    v.push(RuleInfo {
        id: checks::CONFIG_ERROR,
        summary: "the tlslint config or policy file is invalid",
        explain: CONFIG_ERROR_HELP,
        severity: Severity::Error,
    });
    v
}

/// Checks about tlslint's own inputs rather than TLS: no `security-severity`, so GitHub
/// files them as ordinary (non-security) alerts.
fn is_meta(id: &str) -> bool {
    id.ends_with("-suppression") || id == checks::PARSE_ERROR || id == checks::CONFIG_ERROR
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// GitHub maps security-severity > 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "7.5",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

fn rule(r: &RuleInfo) -> Rule {
    let meta = is_meta(r.id);
    let full = r
        .explain
        .split("## What it does")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .map_or(r.summary, str::trim);
    // Sentence-case the summary for display as a title.
    let mut name = r.id.replace('-', " ");
    if let Some(first) = name.get(..1) {
        name = first.to_uppercase() + &name[1..];
    }
    Rule {
        id: r.id,
        name,
        short_description: Text {
            text: r.summary.to_owned(),
        },
        full_description: Text {
            text: full.replace('\n', " "),
        },
        help: Help {
            text: r.explain.to_owned(),
            markdown: r.explain.to_owned(),
        },
        default_configuration: Configuration {
            level: level(r.severity),
        },
        properties: RuleProperties {
            tags: if meta {
                vec!["tlslint"]
            } else {
                vec!["security", "tls", "configuration"]
            },
            precision: "very-high",
            problem_severity: match r.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "recommendation",
            },
            security_severity: (!meta).then(|| security_severity(r.severity)),
        },
    }
}

/// Percent-encodes a path for a URI, keeping `/` and RFC 3986 unreserved characters.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A file's URI: relative (under `%SRCROOT%`) for names relative to the working directory,
/// an absolute `file://` URI otherwise.
fn artifact(name: &str) -> ArtifactLocation {
    let name = name.replace('\\', "/");
    if name.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode_path(&name)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode_path(&name),
            uri_base_id: Some(SRCROOT),
        }
    }
}

fn location(span: Span, sources: &Sources, message: Option<&str>, id: Option<usize>) -> Location {
    let start = sources.start(span);
    let end = sources.end(span);
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifact(&sources.get(span.file).name),
            region: Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column,
            },
        },
        message: message
            .filter(|m| !m.is_empty())
            .map(|m| Text { text: m.to_owned() }),
    }
}

/// FNV-1a, 64 bits: stable across Rust versions, unlike `DefaultHasher`.
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A finding's fix as SARIF `fixes` (one, whose replacements are the edits), with its
/// applicability as a property.
fn fixes(f: &Finding, sources: &Sources) -> Vec<serde_json::Value> {
    let Some((fix, edits)) = f.fix.as_deref().and_then(|x| Some((x, x.resolved()?))) else {
        return Vec::new();
    };
    let mut by_file: Vec<(crate::source::FileId, Vec<serde_json::Value>)> = Vec::new();
    for (span, text) in edits {
        let loc = location(span, sources, None, None);
        let replacement = serde_json::json!({
            "deletedRegion": loc.physical_location.region,
            "insertedContent": { "text": text },
        });
        match by_file.iter_mut().find(|(file, _)| *file == span.file) {
            Some((_, list)) => list.push(replacement),
            None => by_file.push((span.file, vec![replacement])),
        }
    }
    vec![serde_json::json!({
        "description": { "text": fix.title },
        "artifactChanges": by_file
            .into_iter()
            .map(|(file, replacements)| serde_json::json!({
                "artifactLocation": artifact(&sources.get(file).name),
                "replacements": replacements,
            }))
            .collect::<Vec<_>>(),
        "properties": { "applicability": fix.applicability.as_str() },
    })]
}

fn message(f: &Finding) -> String {
    match &f.help {
        Some(h) => format!("{}.\n{h}", f.message.trim_end_matches('.')),
        None => f.message.clone(),
    }
}

/// Writes the SARIF log; `run` becomes the run's properties.
pub fn emit(
    findings: &[Finding],
    sources: &Sources,
    run: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    let infos = rules();
    let index_of = |id: &str| infos.iter().position(|r| r.id == id);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for f in findings {
        let Some(rule_index) = index_of(f.check) else {
            continue;
        };
        let rule_id = infos[rule_index].id;
        // A finding about several endpoints is known by its cause, whichever endpoint's
        // header it is shown at.
        let grouped = f.cause.as_deref().filter(|c| !c.endpoints.is_empty());
        let name = &sources.get(grouped.map_or(f.span.file, |c| c.file)).name;
        let key = if f.key.is_empty() { &f.message } else { &f.key };
        let fingerprint = format!("{:016x}", fnv1a(&[rule_id, name, key]));
        let is_error = rule_id == checks::PARSE_ERROR || rule_id == checks::CONFIG_ERROR;
        if is_error {
            notifications.push(Notification {
                level: "error",
                message: Text {
                    text: f.message.clone(),
                },
                locations: vec![location(f.span, sources, None, None)],
            });
        }
        results.push(SarifResult {
            rule_id,
            rule_index,
            level: level(f.severity),
            message: Text { text: message(f) },
            locations: vec![location(f.span, sources, Some(&f.label), None)],
            related_locations: f
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| location(l.span, sources, Some(&l.text), Some(i + 1)))
                .collect(),
            partial_fingerprints: serde_json::json!({ "tlslint/v1": fingerprint }),
            properties: match grouped {
                None => serde_json::json!({
                    "policy": f.policy,
                    "endpoint": f.endpoint,
                    "key": f.key,
                }),
                Some(c) => serde_json::json!({
                    "policy": f.policy,
                    "endpoint": f.endpoint,
                    "endpoints": c.endpoints,
                    "key": f.key,
                }),
            },
            fixes: fixes(f, sources),
        });
    }
    let base = std::env::current_dir().ok().map(|d| {
        let mut p = d.to_string_lossy().replace('\\', "/");
        if !p.ends_with('/') {
            p.push('/');
        }
        if !p.starts_with('/') {
            // Windows drive paths: file:///C:/...
            p.insert(0, '/');
        }
        serde_json::json!({ SRCROOT: { "uri": format!("file://{}", encode_path(&p)) } })
    });
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "tlslint",
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: option_env!("CARGO_PKG_REPOSITORY").filter(|s| !s.is_empty()),
                    rules: infos.iter().map(rule).collect(),
                },
            },
            original_uri_base_ids: base,
            invocations: vec![Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results,
            properties: RunProperties {
                config: run.config.as_deref(),
                policy: &run.policy,
                policy_file: run.policy_file.as_deref(),
                checks_enabled: run.checks_enabled,
                baseline: run.baseline.as_ref(),
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
