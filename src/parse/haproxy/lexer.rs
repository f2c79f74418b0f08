//! The HAProxy line tokenizer: one configuration line into words, as HAProxy's
//! `parse_line()` splits it (spaces and tabs separate words; `#` starts a comment; `"…"`
//! and `'…'` quote; a backslash escapes outside single quotes; `$VAR` and `${VAR}` expand
//! outside single quotes).
//!
//! tlslint never knows the environment HAProxy runs in, so a word that expands a variable
//! is marked [`Word::env`]: its value is unknown, never a default. The tokenizer knows
//! nothing about sections or keywords (see `sections.rs`).

use crate::parse::ParseError;
use crate::source::{FileId, Span};

/// HAProxy's `MAX_LINE_ARGS`: a line with more words is rejected.
pub(crate) const MAX_WORDS: usize = 64;

/// HAProxy's default `LINESIZE` (`tune.bufsize` does not change it): longer lines are
/// rejected.
pub(crate) const MAX_LINE: usize = 2048;

/// One word of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Word {
    /// The bytes that spell it, quotes included.
    pub(crate) span: Span,
    /// The value after quotes and escapes are removed (variables left as written).
    pub(crate) value: String,
    /// It expands an environment variable: its value is not known here.
    pub(crate) env: bool,
    /// The value is the raw text between `inner`'s ends, byte for byte.
    pub(crate) verbatim: bool,
    /// The span of the value's text (inside the quotes when the whole word is quoted).
    pub(crate) inner: Span,
}

/// One non-empty line: its words and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    /// The words, the keyword first.
    pub(crate) words: Vec<Word>,
    /// From the first word to the end of the last.
    pub(crate) span: Span,
}

impl Line {
    /// The keyword.
    pub(crate) fn keyword(&self) -> &str {
        self.words.first().map_or("", |w| w.value.as_str())
    }

    /// Word `i`'s value, or "".
    pub(crate) fn arg(&self, i: usize) -> &str {
        self.words.get(i).map_or("", |w| w.value.as_str())
    }
}

/// Splits a file into lines of words; problems are errors at their bytes, and the
/// offending line is left out.
pub(crate) fn lines(file: FileId, text: &str) -> (Vec<Line>, Vec<ParseError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let body = raw.trim_end_matches(['\n', '\r']);
        if body.len() >= MAX_LINE {
            errors.push(ParseError::new(
                Span::new(file, start, start + body.len()),
                format!(
                    "line too long (HAProxy reads at most {} bytes per line)",
                    MAX_LINE - 1
                ),
            ));
            continue;
        }
        match words(file, start, body) {
            Ok(w) if w.is_empty() => {}
            Ok(w) if w.len() > MAX_WORDS => errors.push(ParseError::new(
                Span::new(file, start, start + body.len()),
                format!("too many words, truncating at word {}", MAX_WORDS + 1),
            )),
            Ok(w) => {
                let span = w[0].span.to(w[w.len() - 1].span);
                out.push(Line { words: w, span });
            }
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}

/// The words of one line starting at byte `base` of the file.
fn words(file: FileId, base: usize, line: &str) -> Result<Vec<Word>, ParseError> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'#' {
            return Ok(out);
        }
        let start = i;
        let mut value = String::new();
        let mut env = false;
        let mut escaped = false;
        let mut quoted_runs = 0;
        while i < b.len() && b[i] != b' ' && b[i] != b'\t' && b[i] != b'#' {
            match b[i] {
                b'\'' => {
                    let Some(len) = line[i + 1..].find('\'') else {
                        return Err(unmatched(file, base + i, '\''));
                    };
                    value.push_str(&line[i + 1..i + 1 + len]);
                    i += len + 2;
                    quoted_runs += 1;
                }
                b'"' => {
                    let (end, e2, esc) = double(file, base, line, i, &mut value)?;
                    env |= e2;
                    escaped |= esc;
                    i = end;
                    quoted_runs += 1;
                }
                b'\\' => {
                    i = escape(file, base, line, i, &mut value)?;
                    escaped = true;
                }
                b'$' if starts_var(&b[i + 1..]) => {
                    env = true;
                    let end = var_end(file, base, line, i)?;
                    value.push_str(&line[i..end]);
                    i = end;
                }
                _ => {
                    let ch = line[i..].chars().next().unwrap_or(' ');
                    value.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        let span = Span::new(file, base + start, base + i);
        let whole_quoted = quoted_runs == 1
            && i - start >= 2
            && matches!(b[start], b'"' | b'\'')
            && b[i - 1] == b[start];
        let inner = if whole_quoted {
            Span::new(file, base + start + 1, base + i - 1)
        } else {
            span
        };
        let verbatim = !escaped && inner.len() == value.len();
        out.push(Word {
            span,
            value,
            env,
            verbatim,
            inner,
        });
    }
}

fn unmatched(file: FileId, at: usize, q: char) -> ParseError {
    ParseError::new(
        Span::new(file, at, at + 1),
        format!("unmatched quote ({q}) in the line"),
    )
    .help("close the quote on the same line")
}

/// A double-quoted run from `i` (the opening quote): returns the end, whether it expands a
/// variable, and whether an escape was decoded.
fn double(
    file: FileId,
    base: usize,
    line: &str,
    i: usize,
    value: &mut String,
) -> Result<(usize, bool, bool), ParseError> {
    let b = line.as_bytes();
    let mut j = i + 1;
    let mut env = false;
    let mut esc = false;
    while j < b.len() {
        match b[j] {
            b'"' => return Ok((j + 1, env, esc)),
            b'\\' => {
                j = escape(file, base, line, j, value)?;
                esc = true;
            }
            b'$' if starts_var(&b[j + 1..]) => {
                env = true;
                let end = var_end(file, base, line, j)?;
                value.push_str(&line[j..end]);
                j = end;
            }
            _ => {
                let ch = line[j..].chars().next().unwrap_or(' ');
                value.push(ch);
                j += ch.len_utf8();
            }
        }
    }
    Err(unmatched(file, base + i, '"'))
}

/// A backslash escape at `i`: HAProxy decodes `\ `, `\\`, `\#`, `\'`, `\"`, `\$`, `\r`,
/// `\n`, `\t` and `\xHH`; any other character keeps its backslash.
fn escape(
    file: FileId,
    base: usize,
    line: &str,
    i: usize,
    value: &mut String,
) -> Result<usize, ParseError> {
    let b = line.as_bytes();
    match b.get(i + 1) {
        Some(c @ (b' ' | b'\\' | b'#' | b'\'' | b'"' | b'$')) => {
            value.push(char::from(*c));
            Ok(i + 2)
        }
        Some(b'r') => {
            value.push('\r');
            Ok(i + 2)
        }
        Some(b'n') => {
            value.push('\n');
            Ok(i + 2)
        }
        Some(b't') => {
            value.push('\t');
            Ok(i + 2)
        }
        Some(b'x') => {
            let hex = line
                .get(i + 2..i + 4)
                .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()));
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(v) => {
                    value.push(char::from(v));
                    Ok(i + 4)
                }
                None => Err(ParseError::new(
                    Span::new(file, base + i, base + char_end(line, i + 4)),
                    "truncated or invalid hexadecimal sequence",
                )),
            }
        }
        _ => {
            value.push('\\');
            Ok(i + 1)
        }
    }
}

/// The first character boundary at or after `at` (or the end of the line).
fn char_end(line: &str, at: usize) -> usize {
    let mut end = at.min(line.len());
    while !line.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// `$NAME` or `${…}` follows.
fn starts_var(rest: &[u8]) -> bool {
    rest.first()
        .is_some_and(|c| *c == b'{' || c.is_ascii_alphabetic() || *c == b'_')
}

/// The end of the variable reference starting at `i` (the `$`).
fn var_end(file: FileId, base: usize, line: &str, i: usize) -> Result<usize, ParseError> {
    let b = line.as_bytes();
    if b.get(i + 1) == Some(&b'{') {
        return match line[i + 2..].find('}') {
            Some(len) => Ok(i + 3 + len),
            None => Err(ParseError::new(
                Span::new(file, base + i, base + b.len()),
                "missing closing '}' after environment variable name",
            )),
        };
    }
    let mut j = i + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
        j += 1;
    }
    Ok(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(s: &str) -> Vec<String> {
        let (l, e) = lines(FileId(0), s);
        assert!(e.is_empty(), "{e:?}");
        l[0].words.iter().map(|w| w.value.clone()).collect()
    }

    #[test]
    fn quotes_escapes_comments() {
        assert_eq!(vals("bind :443 ssl # c"), ["bind", ":443", "ssl"]);
        assert_eq!(vals("a \"b c\" 'd e' f\\ g"), ["a", "b c", "d e", "f g"]);
        assert_eq!(vals("a \"x\\\"y\""), ["a", "x\"y"]);
        assert_eq!(vals("a '$X'"), ["a", "$X"]);
    }

    #[test]
    fn variables_are_unknown() {
        let (l, _) = lines(FileId(0), "crt \"${CERT}\" x$Y '$Z'");
        assert!(l[0].words[1].env);
        assert!(l[0].words[2].env);
        assert!(!l[0].words[3].env);
    }

    #[test]
    fn errors() {
        assert_eq!(lines(FileId(0), "a \"b").1.len(), 1);
        assert_eq!(lines(FileId(0), "a 'b").1.len(), 1);
        assert_eq!(lines(FileId(0), "a ${B").1.len(), 1);
    }
}
