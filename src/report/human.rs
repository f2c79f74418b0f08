//! `--format human`: miette graphical diagnostics, the only place that uses miette.
//!
//! Each finding becomes one diagnostic over its file's text, with the primary label at the
//! cause and secondary labels in the same file; labels in other files (an inherited value
//! set in an included file) become related diagnostics. The handler is built with an
//! explicit theme and width so output does not depend on terminal detection.
//!
//! Nothing from an input reaches miette raw: messages, help, labels and file names are
//! escaped and bounded (`report::shown`), the source excerpt is a sanitised window of
//! the lines concerned (`report::snippet`), and each rendered diagnostic goes through
//! [`escape::guard_lines`], since miette wraps long text at spaces and a wrapped line may
//! begin with input text. A diagnostic miette cannot render falls back to one line.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::snippet::Snippet;
use super::{Summary, shown};
use crate::diagnostic::{Finding, Severity};
use crate::escape;
use crate::model::Label;
use crate::source::{FileId, Sources};

/// Secondary labels shown per file and related files shown per finding: checks attach a
/// handful; more would only repeat.
const MAX_LABELS: usize = 16;

/// Writes every finding, then the summary line when one is given.
pub fn emit(
    findings: &[Finding],
    summary: Option<&Summary>,
    sources: &Sources,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let handler = handler(color);
    let mut text = String::new();
    for f in findings {
        let diag = diagnostic(f, sources);
        text.clear();
        if handler.render_report(&mut text, &diag).is_err() {
            text = format!("{}: {}\n", f.check, shown(&f.message));
        }
        out.write_all(escape::guard_lines(&text).as_bytes())?;
    }
    let Some(summary) = summary else {
        return Ok(());
    };
    writeln!(
        out,
        "{} error{}, {} warning{}, {} note{} in {} endpoint{} ({} file{} read)",
        summary.errors,
        plural(summary.errors),
        summary.warnings,
        plural(summary.warnings),
        summary.notes,
        plural(summary.notes),
        summary.endpoints,
        plural(summary.endpoints),
        summary.files,
        plural(summary.files),
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The handler used for terminals and snapshots (colour off, width 100, no links).
pub fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .tab_width(4)
}

/// One diagnostic over one file.
#[derive(Debug)]
struct Diag {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Snippet,
    related: Vec<Diag>,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
        }
    }
}

fn diagnostic(f: &Finding, sources: &Sources) -> Diag {
    let file = f.span.file;
    let mut here: Vec<(&crate::source::Span, &str)> = vec![(&f.span, &f.label)];
    let mut elsewhere: Vec<(FileId, Vec<&Label>)> = Vec::new();
    for l in &f.labels {
        if l.span.file == file {
            if here.len() <= MAX_LABELS {
                here.push((&l.span, &l.text));
            }
        } else if let Some((_, v)) = elsewhere.iter_mut().find(|(id, _)| *id == l.span.file) {
            if v.len() < MAX_LABELS {
                v.push(l);
            }
        } else if elsewhere.len() < MAX_LABELS {
            elsewhere.push((l.span.file, vec![l]));
        }
    }
    let (source, labels) = excerpt(file, &here, sources);
    let related = elsewhere
        .into_iter()
        .map(|(id, ls)| {
            let spans: Vec<_> = ls.iter().map(|l| (&l.span, &*l.text)).collect();
            let (source, mut labels) = excerpt(id, &spans, sources);
            // Only the finding's own primary label is primary.
            for l in &mut labels {
                *l = LabeledSpan::new_with_span(l.label().map(str::to_owned), *l.inner());
            }
            Diag {
                code: f.check.to_owned(),
                message: format!("see also {}", escape::escape(&sources.get(id).name)),
                severity: miette::Severity::Advice,
                help: None,
                labels,
                source,
                related: Vec::new(),
            }
        })
        .collect();
    Diag {
        code: f.check.to_owned(),
        message: shown(&f.message).into_owned(),
        severity: match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        },
        help: f.help.as_deref().map(|h| shown(h).into_owned()),
        labels,
        source,
        related,
    }
}

/// The snippet of one file for labels there (the first one primary), with the labels
/// remapped into it.
fn excerpt(
    id: FileId,
    labels: &[(&crate::source::Span, &str)],
    sources: &Sources,
) -> (Snippet, Vec<LabeledSpan>) {
    let spans: Vec<(usize, usize)> = labels
        .iter()
        .map(|(s, _)| (s.start as usize, s.end as usize))
        .collect();
    let (snippet, remapped) = Snippet::new(sources.get(id), &spans);
    let labeled = labels
        .iter()
        .zip(remapped)
        .enumerate()
        .map(|(i, ((_, text), span))| {
            let text = (!text.is_empty()).then(|| shown(text).into_owned());
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })
        .collect();
    (snippet, labeled)
}
