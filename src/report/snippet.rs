//! The source excerpt under a human diagnostic: the lines around its labels, sanitised
//! and clipped, handed to miette as the diagnostic's source code.
//!
//! Given a whole file, miette prints source lines byte for byte (terminal escapes and
//! bidi controls from a config included), scans the text from its start for every label
//! (quadratic on big files with many findings), repeats a long line in full for each
//! finding on it (a 59 KB line gave a gigabyte of output) and panics on a column past
//! 65,535 (a formatting width). A [`Snippet`] holds instead only the lines miette shows
//! (each label's lines plus [`CONTEXT_LINES`] either side), every long line cut to a
//! window around the labels on it with `…` marks, every control character written as an
//! escape ([`escape::push_source_char`]). Label spans are remapped into the snippet;
//! miette is told the real line numbers and the real (code-point) column of each label.
//!
//! This module does not decide what is labelled or how it is worded; `human.rs` does.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::escape;
use crate::source::SourceFile;

/// Context lines shown around a label: miette's default, which the handler keeps.
const CONTEXT_LINES: usize = 1;
/// A label spanning more lines is shown over its first lines only.
const MAX_SPAN_LINES: usize = 12;
/// Labels at most this many lines apart are read into one segment, where miette may
/// merge them into one excerpt with the lines between, as it would over the whole file;
/// farther apart, each gets an excerpt of its own.
const MAX_GAP: usize = 24;
/// Lines up to this many bytes are shown whole; longer ones are cut to a window.
const LONG_LINE: usize = 240;
/// Bytes kept before the first and after the last label on a cut line.
const WINDOW_CONTEXT: usize = 80;
/// The most bytes of one cut line shown (the labels on it being too far apart).
const WINDOW_BYTES: usize = 200;

/// Sanitised lines of one file around a diagnostic's labels.
#[derive(Debug)]
pub(super) struct Snippet {
    /// The file name, escaped.
    name: String,
    /// The shown lines, segment after segment.
    text: String,
    /// Runs of consecutive source lines inside `text`.
    segments: Vec<Segment>,
    /// Snippet offset of each label's start and its real 0-based column.
    columns: Vec<(usize, usize)>,
}

/// Consecutive source lines inside a snippet's text.
#[derive(Debug)]
struct Segment {
    /// Start of the first line in the snippet text.
    start: usize,
    /// End of the last line (after its `\n`, if any).
    end: usize,
    /// 0-based source line number of the first line.
    first_line: usize,
}

impl Snippet {
    /// The snippet of `file` for labels over `spans` (byte ranges of the file text), and
    /// the spans remapped into it as (offset, length), in the same order.
    pub(super) fn new(
        file: &SourceFile,
        spans: &[(usize, usize)],
    ) -> (Snippet, Vec<(usize, usize)>) {
        let text = &*file.text;
        let last_line = file.line_count() - 1;
        // Clamped, on char boundaries, and cut to MAX_SPAN_LINES.
        let spans: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(start, end)| {
                let start = floor_boundary(text, start);
                let mut end = floor_boundary(text, end.max(start));
                let first = file.line_index(start);
                if file.line_index(end) > first + MAX_SPAN_LINES {
                    end = file.line_bounds(first + MAX_SPAN_LINES).1;
                }
                (start, end)
            })
            .collect();
        // Every span start and end, by offset: (offset, line, slot).
        let mut points: Vec<(usize, usize, usize)> = spans
            .iter()
            .enumerate()
            .flat_map(|(i, &(s, e))| [(s, 2 * i), (e, 2 * i + 1)])
            .map(|(offset, slot)| (offset, file.line_index(offset), slot))
            .collect();
        points.sort_unstable();
        // Line ranges to show, merged when at most MAX_GAP lines apart: miette shows one
        // excerpt from the first to the last label of a segment (see `read_span`).
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|&(s, e)| {
                let first = file.line_index(s).saturating_sub(CONTEXT_LINES);
                let last = (file.line_index(e) + CONTEXT_LINES).min(last_line);
                (first, last)
            })
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (first, last) in ranges {
            match merged.last_mut() {
                Some(prev) if first <= prev.1 + MAX_GAP + 1 => prev.1 = prev.1.max(last),
                _ => merged.push((first, last)),
            }
        }

        let mut out = String::new();
        let mut segments = Vec::with_capacity(merged.len());
        let mut mapped = vec![0usize; points.len()];
        let mut next_point = 0;
        for (first, last) in merged {
            let start = out.len();
            for line in first..=last {
                let here = next_point
                    + points[next_point..]
                        .iter()
                        .take_while(|p| p.1 == line)
                        .count();
                push_line(file, line, &points[next_point..here], &mut out, &mut mapped);
                next_point = here;
            }
            segments.push(Segment {
                start,
                end: out.len(),
                first_line: first,
            });
            // Segments never share a line.
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        let remapped: Vec<(usize, usize)> = mapped
            .chunks_exact(2)
            .map(|se| (se[0], se[1].saturating_sub(se[0])))
            .collect();
        let columns = spans
            .iter()
            .zip(&remapped)
            .map(|(&(s, _), &(v, _))| (v, file.line_col(s).column - 1))
            .collect();
        let snippet = Snippet {
            name: escape::escape(&file.name).into_owned(),
            text: out,
            segments,
            columns,
        };
        (snippet, remapped)
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (offset, len) = (span.offset(), span.len());
        let segment = self
            .segments
            .iter()
            .find(|s| s.start <= offset && offset + len <= s.end)
            .ok_or(MietteError::OutOfBounds)?;
        let data: &'a str = &self.text[segment.start..segment.end];
        let local = SourceSpan::from((offset - segment.start, len));
        let inner = data.read_span(&local, context_lines_before, context_lines_after)?;
        let column = self
            .columns
            .iter()
            .find(|c| c.0 == offset)
            .map_or_else(|| inner.column(), |c| c.1);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::from((inner.span().offset() + segment.start, inner.span().len())),
            inner.line() + segment.first_line,
            column,
            // miette merges two labels' excerpts when the first one's line plus this count
            // reaches the second's line, and its own `&str` source counts the lines from
            // the file's start to the excerpt's end. Counting the same way keeps its
            // merges, the rendering users know; a merge across segments fails to read
            // and the labels get excerpts of their own.
            inner.line_count() + segment.first_line,
        )))
    }
}

/// Appends one source line (windowed when long, sanitised) and records the snippet
/// offset of each of its `points` in `mapped` (indexed by the points' slots).
fn push_line(
    file: &SourceFile,
    line: usize,
    points: &[(usize, usize, usize)],
    out: &mut String,
    mapped: &mut [usize],
) {
    let text = &*file.text;
    let (start, end) = file.line_bounds(line);
    let newline = end < text.len();
    // A CRLF line ends before its `\r`, as miette and the lexers see it.
    let content_end = if newline && text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    let (from, to) = if content_end - start <= LONG_LINE {
        (start, content_end)
    } else {
        let lo = points.first().map_or(start, |p| p.0.min(content_end));
        let hi = points.last().map_or(start, |p| p.0.min(content_end));
        let from = lo.saturating_sub(WINDOW_CONTEXT).max(start);
        let to = (hi + WINDOW_CONTEXT)
            .min(from + WINDOW_BYTES)
            .min(content_end);
        (floor_boundary(text, from), floor_boundary(text, to))
    };
    if from > start {
        out.push('…');
    }
    let mut pending = points.iter().peekable();
    let mut assign = |upto: usize, here: usize, mapped: &mut [usize]| {
        while let Some(p) = pending.next_if(|p| p.0 <= upto) {
            if let Some(slot) = mapped.get_mut(p.2) {
                *slot = here;
            }
        }
    };
    for (i, c) in text[from..to].char_indices() {
        assign(from + i, out.len(), mapped);
        escape::push_source_char(out, c);
    }
    assign(usize::MAX, out.len(), mapped);
    if to < content_end {
        out.push('…');
    }
    if newline {
        out.push('\n');
    }
}

/// The largest char boundary at or below `i` (clamped to the text).
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("f".into(), "f\u{1b}".into(), text.into())
    }

    /// The snippet text under each remapped span.
    fn under(text: &str, spans: &[(usize, usize)]) -> (Snippet, Vec<String>) {
        let f = file(text);
        let (s, remapped) = Snippet::new(&f, spans);
        let shown = remapped
            .iter()
            .map(|&(o, l)| s.text[o..o + l].to_owned())
            .collect();
        (s, shown)
    }

    #[test]
    fn labels_point_at_the_same_text_after_escaping() {
        let text = "a \u{1b}[31m \u{202e}\u{85}\0 cd;\r\nx\u{7}y ef\n";
        let cd = text.find("cd").unwrap();
        let ef = text.find("ef").unwrap();
        let (s, shown) = under(text, &[(cd, cd + 2), (ef, ef + 2)]);
        assert_eq!(shown, ["cd", "ef"]);
        assert_eq!(s.text, "a \\x1b[31m \\u{202e}\\u{85}\\0 cd;\nx\\x07y ef\n");
        assert_eq!(s.name, "f\\x1b");
        assert!(s.text.chars().all(|c| c == '\n' || !escape::is_unsafe(c)));
    }

    #[test]
    fn long_lines_are_windowed_with_real_positions() {
        let text = format!("x\n{}tok{}\n", "é".repeat(100_000), " ".repeat(100_000));
        let tok = text.find("tok").unwrap();
        let (s, shown) = under(&text, &[(tok, tok + 3)]);
        assert_eq!(shown, ["tok"]);
        assert!(s.text.len() < 1_000, "{}", s.text.len());
        assert!(s.text.contains('…'));
        let span = SourceSpan::from((s.text.find("tok").unwrap(), 3));
        let contents = s.read_span(&span, 0, 0).unwrap();
        assert_eq!(contents.line(), 1);
        assert_eq!(contents.column(), 100_000);
    }

    #[test]
    fn distant_labels_get_separate_segments() {
        let text = "a\n".repeat(1_000);
        let (s, shown) = under(&text, &[(0, 1), (1_500, 1_501)]);
        assert_eq!(shown, ["a", "a"]);
        assert_eq!(s.segments.len(), 2);
        assert_eq!(s.segments[1].first_line, 749);
        // Spans out of range are clamped, never a panic.
        let (_, shown) = under("ab", &[(5, 9), (1, 0)]);
        assert_eq!(shown, ["", ""]);
    }
}
