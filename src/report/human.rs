//! `--format human`: miette graphical diagnostics, the only place that uses miette.
//!
//! Each finding becomes one diagnostic over its file's text, with the primary label at the
//! cause and secondary labels in the same file; labels in other files (an inherited value
//! set in an included file) become related diagnostics. The handler is built with an
//! explicit theme and width so output does not depend on terminal detection.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::Summary;
use crate::checks::{Finding, Severity};
use crate::model::Label;
use crate::source::{FileId, Sources, Span};

/// Writes every finding, then a summary line.
pub fn emit(
    findings: &[Finding],
    summary: &Summary,
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
            text = format!("{}: {}\n", f.check, f.message);
        }
        out.write_all(text.as_bytes())?;
    }
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
    source: NamedSource<Arc<str>>,
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
    let mut labels = vec![labeled(f.span, &f.label, sources, true)];
    let mut elsewhere: Vec<(FileId, Vec<&Label>)> = Vec::new();
    for l in &f.labels {
        if l.span.file == file {
            labels.push(labeled(l.span, &l.text, sources, false));
        } else if let Some((_, v)) = elsewhere.iter_mut().find(|(id, _)| *id == l.span.file) {
            v.push(l);
        } else {
            elsewhere.push((l.span.file, vec![l]));
        }
    }
    let related = elsewhere
        .into_iter()
        .map(|(id, ls)| Diag {
            code: f.check.to_owned(),
            message: format!("see also {}", sources.get(id).name),
            severity: miette::Severity::Advice,
            help: None,
            labels: ls
                .iter()
                .map(|l| labeled(l.span, &l.text, sources, false))
                .collect(),
            source: named(id, sources),
            related: Vec::new(),
        })
        .collect();
    Diag {
        code: f.check.to_owned(),
        message: f.message.clone(),
        severity: match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        },
        help: f.help.as_deref().map(str::to_owned),
        labels,
        source: named(file, sources),
        related,
    }
}

fn named(id: FileId, sources: &Sources) -> NamedSource<Arc<str>> {
    let file = sources.get(id);
    NamedSource::new(file.name.clone(), Arc::clone(&file.text))
}

/// A label clamped to the file (miette fails on spans past the end).
fn labeled(span: Span, text: &str, sources: &Sources, primary: bool) -> LabeledSpan {
    let len = sources.get(span.file).text.len();
    let start = (span.start as usize).min(len);
    let end = (span.end as usize).clamp(start, len);
    let text = (!text.is_empty()).then(|| text.to_owned());
    if primary {
        LabeledSpan::new_primary_with_span(text, (start, end - start))
    } else {
        LabeledSpan::new_with_span(text, (start, end - start))
    }
}
