//! Output: findings rendered for people (`human`, `concise`) and for machines (`json`,
//! `sarif`, `github`, `junit`, `checkstyle`), each format in its own file.
//!
//! Every format reads the same plain [`Finding`] data and the [`Sources`] they point into;
//! only `human.rs` uses miette. Lines and columns are 1-based, columns in code points.
//!
//! The formats read in terminals and CI logs (`human`, `concise`, `github`) print every
//! piece of input text (file names, messages, help, labels, source lines) through
//! [`crate::escape`], bounded to [`TEXT_CHARS`]; the structured formats carry the real
//! text under their own escaping.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Finding, Severity};
use crate::escape;
use crate::source::{Sources, Span};

pub mod checkstyle;
pub mod ciphers;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod show;
mod snippet;
pub mod statistics;
mod xml;

/// The most characters of one message, help or label text the terminal and CI-log
/// formats print: far above any message tlslint writes itself (a few hundred), small
/// enough that a finding quoting a whole file stays readable.
pub const TEXT_CHARS: usize = 4096;

/// Input text as the terminal and CI-log formats print it: escaped to one visible line and
/// cut at [`TEXT_CHARS`].
pub(crate) fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    escape::escape_excerpt(s, TEXT_CHARS)
}

/// How to print findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// miette graphical diagnostics.
    Human {
        /// Use ANSI colours.
        color: bool,
        /// End with the summary line (`-q` leaves it out).
        summary: bool,
        /// Columns to wrap at.
        width: usize,
    },
    /// `path:line:col: level[check] message`.
    Concise,
    /// The versioned JSON contract.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// JUnit XML.
    Junit,
    /// checkstyle XML.
    Checkstyle,
}

impl Format {
    /// The human format as tests and fixed-width renderings use it: the summary line on,
    /// [`human::DEFAULT_WIDTH`] columns.
    pub const fn human(color: bool) -> Format {
        Format::Human {
            color,
            summary: true,
            width: human::DEFAULT_WIDTH,
        }
    }
}

/// Counts shown at the end of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// TLS endpoints found.
    pub endpoints: usize,
    /// Findings with severity error.
    pub errors: usize,
    /// Findings with severity warning.
    pub warnings: usize,
    /// Findings with severity note.
    pub notes: usize,
}

impl Summary {
    /// Counts findings by severity.
    pub fn count(files: usize, endpoints: usize, findings: &[Finding]) -> Summary {
        let by = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            files,
            endpoints,
            errors: by(Severity::Error),
            warnings: by(Severity::Warning),
            notes: by(Severity::Note),
        }
    }
}

/// What a run used besides the files it read: shown with every report, so that a config
/// file, a policy or a baseline from the checked tree never changes a result silently
/// (issue 13). Text formats print [`RunInfo::line`] on stderr, JSON has top-level fields and
/// SARIF run properties. Start from `RunInfo::default()` and set fields; more may be added.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RunInfo {
    /// The config file read, as shown to users; `None` when no config file was used.
    pub config: Option<String>,
    /// The policy's name (empty when none could be loaded).
    pub policy: String,
    /// The policy file, when the policy is not a built-in one.
    pub policy_file: Option<String>,
    /// How many of the policy's checks ran (after `select`, `ignore` and `off` levels).
    pub checks_enabled: usize,
    /// The baseline applied, if any.
    pub baseline: Option<BaselineUse>,
    /// Files and directories the excludes left out (a config from the checked tree may
    /// exclude paths: the count keeps that visible). Shown on the run-info line only.
    #[serde(skip)]
    pub excluded: usize,
}

/// What `--baseline FILE` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BaselineUse {
    /// The baseline file, as shown to users.
    pub file: String,
    /// Findings it hid.
    pub hidden: usize,
    /// Findings it records that no longer occur (entries to prune).
    pub stale: usize,
}

impl RunInfo {
    /// The stderr line of the text formats, e.g.
    /// `tlslint: config .tlslint.toml, policy mozilla-intermediate (built-in), 22 checks`.
    pub fn line(&self) -> String {
        let config = self.config.as_deref().map_or_else(
            || "no config file".to_owned(),
            |c| format!("config {}", crate::escape::escape(c)),
        );
        let policy = match (self.policy.as_str(), &self.policy_file) {
            ("", _) => "no policy".to_owned(),
            (name, None) => format!("policy {} (built-in)", crate::escape::escape(name)),
            (name, Some(file)) => format!(
                "policy {} ({})",
                crate::escape::escape(name),
                crate::escape::escape(file)
            ),
        };
        let n = self.checks_enabled;
        let excluded = match self.excluded {
            0 => String::new(),
            1 => ", 1 path excluded".to_owned(),
            x => format!(", {x} paths excluded"),
        };
        format!(
            "tlslint: {config}, {policy}, {n} check{}{excluded}",
            if n == 1 { "" } else { "s" }
        )
    }

    /// The stderr note of a baseline run, in every format, e.g.
    /// `note: the baseline base.json hid 3 findings; run without --baseline to see them`.
    pub fn baseline_line(&self) -> Option<String> {
        let b = self.baseline.as_ref()?;
        Some(format!(
            "note: the baseline {} hid {} finding{}; run without --baseline to see them",
            crate::escape::escape(&b.file),
            b.hidden,
            if b.hidden == 1 { "" } else { "s" }
        ))
    }
}

/// Writes findings in a format; `run` says what the run used.
pub fn emit(
    format: Format,
    findings: &[Finding],
    summary: &Summary,
    sources: &Sources,
    run: &RunInfo,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human {
            color,
            summary: with_summary,
            width,
        } => human::emit(
            findings,
            with_summary.then_some(summary),
            sources,
            color,
            width,
            out,
        ),
        Format::Concise => concise(findings, sources, out),
        Format::Json => json::emit(findings, summary, sources, run, out),
        Format::Sarif => sarif::emit(findings, sources, run, out),
        Format::Github => github::emit(findings, sources, out),
        Format::Junit => junit::emit(findings, sources, out),
        Format::Checkstyle => checkstyle::emit(findings, sources, out),
    }
}

/// Exactly one line per finding: the file name and message are escaped, so no input
/// text can start a line of its own.
fn concise(findings: &[Finding], sources: &Sources, out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        let at = sources.start(f.span);
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            escape::file_name(&sources.get(f.span.file).name),
            at.line,
            at.column,
            f.severity,
            f.check,
            shown(&f.message)
        )?;
    }
    Ok(())
}

/// A location as machines want it (the JSON contract's fields, in its order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location<'a> {
    /// File name as shown to users.
    pub file: &'a str,
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column (code points).
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column (exclusive, code points).
    pub end_column: usize,
    /// Byte offset of the start.
    pub offset: u32,
    /// Length in bytes.
    pub length: u32,
}

impl<'a> Location<'a> {
    /// Resolves a span.
    pub fn of(span: Span, sources: &'a Sources) -> Location<'a> {
        let file = sources.get(span.file);
        let start = file.line_col(span.start as usize);
        let end = file.line_col(span.end as usize);
        Location {
            file: &file.name,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            offset: span.start,
            length: span.end - span.start,
        }
    }
}
