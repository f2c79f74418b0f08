//! `--format human`: miette graphical diagnostics, the only place that uses miette.
//!
//! Each finding becomes one diagnostic over its file's text, with the primary label at the
//! cause and secondary labels in the same file; labels in other files (an inherited value
//! set in an included file) become related diagnostics. The handler is built with an
//! explicit theme and width so output does not depend on terminal detection (the command
//! line picks the width: the terminal's, `COLUMNS`, or [`DEFAULT_WIDTH`]).
//!
//! Text wraps at spaces only, never inside a word (no hyphen splitting) and never inside a
//! backquoted value: a help line's `ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:...;` stays on
//! one line, overflowing if it must, because users paste it. miette does not wrap labels,
//! so a long label is broken into lines here, to the room right of its arrow.
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

/// The width of the output when neither the terminal nor `COLUMNS` gives one, and of
/// every snapshot.
pub const DEFAULT_WIDTH: usize = 100;

/// Labels get at least this many columns, however far right their arrow is (past that
/// they overflow rather than become one word a line).
const MIN_LABEL_WIDTH: usize = 12;

/// Writes every finding, then the summary line when one is given.
pub fn emit(
    findings: &[Finding],
    summary: Option<&Summary>,
    sources: &Sources,
    color: bool,
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let handler = handler(color, width);
    let mut text = String::new();
    for f in findings {
        let diag = diagnostic(f, sources, width);
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

/// The handler used for terminals and snapshots (no links; colour off and width
/// [`DEFAULT_WIDTH`] for snapshots), wrapping only at spaces outside backquoted values.
pub fn handler(color: bool, width: usize) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
        .tab_width(4)
        .with_wrap_lines(true)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_word_separator(textwrap::WordSeparator::Custom(words))
}

/// Splits a line into the words wrapping may put on separate lines: at runs of spaces,
/// except inside a backquoted value (a backquote with no partner later in the line is an
/// ordinary character).
fn words(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    let last_quote = line.rfind('`');
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut in_space = false;
    for (i, c) in line.char_indices() {
        if in_space && c != ' ' {
            out.push(textwrap::core::Word::from(&line[start..i]));
            start = i;
            in_space = false;
        }
        match c {
            '`' if quoted => quoted = false,
            '`' => quoted = last_quote.is_some_and(|q| q > i),
            ' ' if !quoted => in_space = true,
            _ => {}
        }
    }
    if start < line.len() {
        out.push(textwrap::core::Word::from(&line[start..]));
    }
    Box::new(out.into_iter())
}

/// Breaks `text` into lines of at most `room` columns between [`words`] (a longer word
/// keeps its own line).
fn wrap(text: &str, room: usize) -> String {
    let options = textwrap::Options::new(room.max(1))
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .word_separator(textwrap::WordSeparator::Custom(words));
    textwrap::wrap(text, options).join("\n")
}

/// `text` filled to `width` columns the way diagnostics are (at spaces outside backquoted
/// values), lines after the first indented by `indent`: for the human output's own lines
/// (the closing hint).
pub fn fill(text: &str, width: usize, indent: &str) -> String {
    let options = textwrap::Options::new(width.max(1))
        .subsequent_indent(indent)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .word_separator(textwrap::WordSeparator::Custom(words));
    textwrap::fill(text, options)
}

/// How far right miette draws each further label over one span.
const SAME_SPAN_SHIFT: usize = 3;

/// The column where miette starts a label's text: the gutter (line number, `│`), the
/// arrow's column (the middle of the underline) and `╰── `; `None` when the span cannot
/// be read back.
fn label_column(span: (usize, usize), source: &Snippet) -> Option<usize> {
    // With a context line before, the contents start at a line start (miette's `&str`
    // source starts them at the span itself otherwise).
    let contents = source.read_span(&span.into(), 1, 0).ok()?;
    let data = std::str::from_utf8(contents.data()).ok()?;
    let at = span.0.checked_sub(contents.span().offset())?;
    let line_start = data.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = data.get(at..)?.find('\n').map_or(data.len(), |i| at + i);
    let gutter = (contents.line() + 3).to_string().len() + 4;
    let end = at + span.1;
    if end > line_end {
        // A label over several lines is printed at its last line's left, after the
        // gutter's corner (`╰──── `).
        return Some(gutter + 7);
    }
    let start = visual_width(data.get(line_start..at)?);
    let end = start + visual_width(data.get(at..end)?).max(1);
    Some(gutter + usize::midpoint(start, end) + 4)
}

/// Columns a snippet text takes, tabs expanded to the handler's 4.
fn visual_width(text: &str) -> usize {
    let mut col = 0;
    for (i, part) in text.split('\t').enumerate() {
        if i > 0 {
            col += 4 - col % 4;
        }
        col += textwrap::core::display_width(part);
    }
    col
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

fn diagnostic(f: &Finding, sources: &Sources, width: usize) -> Diag {
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
    let (source, mut labels) = excerpt(file, &here, sources, width);
    if sources.get(file).unread {
        // A path that could not be read has no text to frame; the message names it.
        labels.clear();
    }
    let related = elsewhere
        .into_iter()
        .map(|(id, ls)| {
            let spans: Vec<_> = ls.iter().map(|l| (&l.span, &*l.text)).collect();
            let (source, mut labels) = excerpt(id, &spans, sources, width);
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
    width: usize,
) -> (Snippet, Vec<LabeledSpan>) {
    let spans: Vec<(usize, usize)> = labels
        .iter()
        .map(|(s, _)| (s.start as usize, s.end as usize))
        .collect();
    let (snippet, remapped) = Snippet::new(sources.get(id), &spans);
    let labeled = labels
        .iter()
        .zip(&remapped)
        .enumerate()
        .map(|(i, ((_, text), &span))| {
            // miette moves the arrow of a label over the same span as an earlier one a
            // few columns right (`┬──┬`).
            let shift = SAME_SPAN_SHIFT * remapped[..i].iter().filter(|s| **s == span).count();
            let text = (!text.is_empty()).then(|| {
                let text = shown(text);
                let room = label_column(span, &snippet)
                    .map_or(width, |column| width.saturating_sub(column + shift))
                    .max(MIN_LABEL_WIDTH);
                wrap(&text, room)
            });
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, span)
            } else {
                LabeledSpan::new_with_span(text, span)
            }
        })
        .collect();
    (snippet, labeled)
}

#[cfg(test)]
mod tests {
    use super::{fill, words};

    fn split(line: &str) -> Vec<String> {
        words(line)
            .map(|w| format!("{}{}", w.word, w.whitespace))
            .collect()
    }

    #[test]
    fn backquoted_values_are_one_word() {
        assert_eq!(
            split("add `ssl_ciphers A:B C;` here  now"),
            ["add ", "`ssl_ciphers A:B C;` ", "here  ", "now"]
        );
        // A backquote without a partner does not glue the rest of the line together.
        assert_eq!(split("a `b c"), ["a ", "`b ", "c"]);
        assert_eq!(split("`x y`"), ["`x y`"]);
        assert_eq!(
            fill("hint: pass `--target nginx=1.22` to match", 20, "  "),
            "hint: pass\n  `--target nginx=1.22`\n  to match"
        );
    }
}
