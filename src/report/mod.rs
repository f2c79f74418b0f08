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

use crate::checks::{Finding, Severity};
use crate::escape;
use crate::source::{Sources, Span};

pub mod checkstyle;
pub mod ciphers;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
mod snippet;
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

/// Writes findings in a format.
pub fn emit(
    format: Format,
    findings: &[Finding],
    summary: &Summary,
    sources: &Sources,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human { color } => human::emit(findings, summary, sources, color, out),
        Format::Concise => concise(findings, sources, out),
        Format::Json => json::emit(findings, summary, sources, out),
        Format::Sarif => sarif::emit(findings, sources, out),
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

/// A location as machines want it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// File name as shown to users.
    pub file: String,
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

impl Location {
    /// Resolves a span.
    pub fn of(span: Span, sources: &Sources) -> Location {
        let start = sources.start(span);
        let end = sources.end(span);
        Location {
            file: sources.get(span.file).name.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            offset: span.start,
            length: span.end - span.start,
        }
    }
}
