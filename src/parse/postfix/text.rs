//! Mapped strings: text assembled from several places of a file, with a byte-exact map
//! back to the file.
//!
//! Postfix joins continuation lines, drops comment lines inside a logical line and expands
//! `$name` references, so a value is rarely one contiguous run of file bytes. An [`MStr`]
//! remembers, for each run of its text that was copied verbatim from a file, where that run
//! is written; runs that come from nowhere (a built-in default, a `$$` escape) stay unmapped.
//! It does not know any Postfix syntax.

use std::ops::Range;

use crate::source::{FileId, Span};

/// A string whose verbatim runs map back to file bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct MStr {
    /// The text.
    pub(crate) text: String,
    /// Mapped runs, sorted by `at`, non-overlapping.
    segs: Vec<Seg>,
}

/// `text[at..at + len]` is written at `file[start..start + len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seg {
    at: usize,
    len: usize,
    file: FileId,
    start: usize,
}

impl MStr {
    /// A string with no known location (a built-in default).
    pub(crate) fn unplaced(text: &str) -> Self {
        MStr {
            text: text.to_owned(),
            segs: Vec::new(),
        }
    }

    /// Appends `s`, written at `origin` (file, byte offset) when known.
    pub(crate) fn push(&mut self, s: &str, origin: Option<(FileId, usize)>) {
        let at = self.text.len();
        self.text.push_str(s);
        let Some((file, start)) = origin else { return };
        if s.is_empty() {
            return;
        }
        // Merge with the previous run when the file bytes continue it, so a value copied
        // in pieces still maps as one run.
        if let Some(last) = self.segs.last_mut()
            && last.file == file
            && last.at + last.len == at
            && last.start + last.len == start
        {
            last.len += s.len();
            return;
        }
        self.segs.push(Seg {
            at,
            len: s.len(),
            file,
            start,
        });
    }

    /// Appends `src.text[range]` with its mapping.
    pub(crate) fn push_from(&mut self, src: &MStr, range: Range<usize>) {
        let mut p = range.start;
        // First run that ends after `p`; runs are sorted, so later ones follow in order.
        let mut i = src.segs.partition_point(|s| s.at + s.len <= p);
        while p < range.end {
            match src.segs.get(i) {
                Some(seg) if seg.at <= p => {
                    let end = (seg.at + seg.len).min(range.end);
                    self.push(
                        &src.text[p..end],
                        Some((seg.file, seg.start + (p - seg.at))),
                    );
                    p = end;
                    i += 1;
                }
                Some(seg) => {
                    let end = seg.at.min(range.end);
                    self.push(&src.text[p..end], None);
                    p = end;
                }
                None => {
                    self.push(&src.text[p..range.end], None);
                    p = range.end;
                }
            }
        }
    }

    /// A copy of `text[range]` with its mapping.
    pub(crate) fn slice(&self, range: Range<usize>) -> MStr {
        let mut out = MStr::default();
        out.push_from(self, range);
        out
    }

    /// The file span spelling `text[range]` byte for byte, when one run covers it.
    pub(crate) fn exact(&self, range: Range<usize>) -> Option<Span> {
        let i = self.segs.partition_point(|s| s.at + s.len <= range.start);
        let seg = self.segs.get(i)?;
        (seg.at <= range.start && range.end <= seg.at + seg.len).then(|| {
            Span::new(
                seg.file,
                seg.start + (range.start - seg.at),
                seg.start + (range.end - seg.at),
            )
        })
    }

    /// The smallest file span covering every mapped byte of `text[range]` (runs in the same
    /// file as the first one); `None` when nothing in the range is mapped.
    pub(crate) fn cover(&self, range: Range<usize>) -> Option<Span> {
        let mut out: Option<Span> = None;
        let first = self.segs.partition_point(|s| s.at + s.len <= range.start);
        for seg in self.segs[first..]
            .iter()
            .take_while(|s| s.at < range.end.max(range.start + 1))
        {
            let a = seg.at.max(range.start);
            let b = (seg.at + seg.len).min(range.end);
            if a > b {
                continue;
            }
            let span = Span::new(seg.file, seg.start + (a - seg.at), seg.start + (b - seg.at));
            out = match out {
                None => Some(span),
                Some(o) if o.file == span.file => Some(o.to(span)),
                Some(o) => Some(o),
            };
        }
        out
    }

    /// Mapped runs as (text range, file span), for building cipher-string pieces.
    pub(crate) fn runs(&self) -> Vec<(Range<usize>, Option<Span>)> {
        let mut out = Vec::new();
        let mut p = 0;
        for seg in &self.segs {
            if seg.at > p {
                out.push((p..seg.at, None));
            }
            out.push((
                seg.at..seg.at + seg.len,
                Some(Span::new(seg.file, seg.start, seg.start + seg.len)),
            ));
            p = seg.at + seg.len;
        }
        if p < self.text.len() {
            out.push((p..self.text.len(), None));
        }
        out
    }
}

/// `isspace()` in the C locale: what Postfix treats as whitespace (CR included, so CRLF
/// files work).
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Splits `text` on any of `seps` (and whitespace), returning the byte ranges of the
/// non-empty tokens.
pub(crate) fn tokens(text: &str, seps: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let sep = is_space(c) || seps.contains(&c);
        match (sep, start) {
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    #[test]
    fn push_merges_contiguous_runs_and_maps_exactly() {
        let mut m = MStr::default();
        m.push("ab", Some((F, 10)));
        m.push("cd", Some((F, 12)));
        m.push("--", None);
        m.push("ef", Some((F, 20)));
        assert_eq!(m.exact(0..4), Some(Span::new(F, 10, 14)));
        assert_eq!(m.exact(1..3), Some(Span::new(F, 11, 13)));
        assert_eq!(m.exact(3..7), None);
        assert_eq!(m.exact(6..8), Some(Span::new(F, 20, 22)));
        assert_eq!(m.cover(0..8), Some(Span::new(F, 10, 22)));
        assert_eq!(m.cover(4..6), None);
    }

    #[test]
    fn slices_keep_the_mapping() {
        let mut m = MStr::default();
        m.push("xx", None);
        m.push("hello", Some((F, 5)));
        let s = m.slice(1..5);
        assert_eq!(s.text, "xhel");
        assert_eq!(s.exact(1..4), Some(Span::new(F, 5, 8)));
        assert_eq!(s.runs().len(), 2);
    }

    #[test]
    fn tokens_split_on_whitespace_and_separators() {
        let t = "!SSLv2,!SSLv3 :TLSv1\r\n";
        let got: Vec<&str> = tokens(t, &[',', ':']).into_iter().map(|r| &t[r]).collect();
        assert_eq!(got, ["!SSLv2", "!SSLv3", "TLSv1"]);
    }
}
