//! `main.cf` and `master.cf` syntax: logical lines, `name = value` pairs, service rows and
//! their `-o` overrides.
//!
//! Rules (see `shared/reference/mail.md` §1–§2): a line starting with non-whitespace starts a
//! logical line, an indented line continues it (joined as is, leading whitespace kept);
//! blank lines and lines whose first non-blank character is `#` are dropped, also in the
//! middle of a logical line; there are no inline comments. This module keeps values as
//! written ([`MStr`] with a map back to the file); expansion is `expand.rs`' job and meaning
//! is `extract.rs`' job.

use std::ops::Range;

use super::text::{MStr, is_space};
use crate::escape::short;
use crate::source::{FileId, Span};

/// A `name = value` definition (main.cf line or master.cf `-o` override).
#[derive(Clone, Debug)]
pub(crate) struct Def {
    /// Parameter name, case-sensitive.
    pub(crate) name: String,
    /// Where the name is written.
    pub(crate) name_span: Span,
    /// The value as written (continuations joined, trailing whitespace dropped).
    pub(crate) value: MStr,
    /// Where the value is written (covering continuation lines); zero-length after the `=`
    /// for an empty value.
    pub(crate) value_span: Span,
}

/// A problem Postfix reports while reading the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Where.
    pub(crate) span: Span,
    /// Postfix's words.
    pub(crate) message: String,
    /// True when Postfix refuses the file (`fatal:`); false for a warning.
    pub(crate) fatal: bool,
}

/// One logical line: its text with a file map, and the span of its first character.
struct Logical {
    text: MStr,
    start: usize,
}

/// Splits a file into logical lines; indented text before any logical line is reported
/// (Postfix: "logical line must not start with whitespace") and skipped.
fn logical_lines(file: FileId, src: &str, problems: &mut Vec<Problem>) -> Vec<Logical> {
    let mut out: Vec<Logical> = Vec::new();
    let mut open = false;
    let mut offset = 0;
    for raw in src.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let trimmed = line.trim_start_matches(is_space);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            // Comment and blank lines vanish without ending the logical line.
            continue;
        }
        let indented = trimmed.len() != line.len();
        if indented {
            if open && let Some(last) = out.last_mut() {
                last.text.push(line, Some((file, line_start)));
            } else {
                problems.push(Problem {
                    span: Span::new(file, line_start, line_start + line.len()),
                    message:
                        "logical line must not start with whitespace; Postfix ignores this text"
                            .into(),
                    fatal: false,
                });
            }
            continue;
        }
        let mut text = MStr::default();
        text.push(line, Some((file, line_start)));
        out.push(Logical {
            text,
            start: line_start,
        });
        open = true;
    }
    out
}

/// The range of `s` without leading and trailing whitespace.
fn trim_range(s: &str, r: Range<usize>) -> Range<usize> {
    let part = &s[r.clone()];
    let lead = part.len() - part.trim_start_matches(is_space).len();
    let trail = part.len() - part.trim_end_matches(is_space).len();
    if lead == part.len() {
        return r.start..r.start;
    }
    r.start + lead..r.end - trail
}

/// Splits `name = value` inside `line.text[range]`; `None` when there is no `=` or no name.
fn split_def(line: &MStr, range: Range<usize>, file: FileId) -> Option<Def> {
    let t = &line.text;
    let range = trim_range(t, range);
    let part = &t[range.clone()];
    let name_len = part.find(|c: char| is_space(c) || c == '=')?;
    if name_len == 0 {
        return None;
    }
    let after_name = range.start + name_len;
    let rest = &t[after_name..range.end];
    let eq = rest.trim_start_matches(is_space);
    if !eq.starts_with('=') {
        return None;
    }
    let value_start = range.end - eq.len() + 1;
    let value_range = trim_range(t, value_start..range.end);
    let value = line.slice(value_range.clone());
    let fallback = line
        .exact(value_start..value_start)
        .unwrap_or(Span::new(file, 0, 0));
    let value_span = line.cover(value_range).unwrap_or(fallback);
    let name_span = line
        .exact(range.start..after_name)
        .unwrap_or(Span::new(file, 0, 0));
    Some(Def {
        name: t[range.start..after_name].to_owned(),
        name_span,
        value,
        value_span,
    })
}

/// Reads `main.cf`: every definition in file order (the caller lets the last one win).
pub(crate) fn main_cf(file: FileId, src: &str) -> (Vec<Def>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut defs = Vec::new();
    for line in logical_lines(file, src, &mut problems) {
        let len = line.text.text.len();
        if let Some(def) = split_def(&line.text, 0..len, file) {
            defs.push(def);
        } else {
            // The first physical line of the logical line (continuations are joined without
            // their newline, so the joined text's length does not map back to the file).
            let end = src
                .get(line.start..)
                .and_then(|rest| rest.find(['\n', '\r']))
                .map_or(src.len(), |i| line.start + i);
            problems.push(Problem {
                span: Span::new(file, line.start, end),
                message: if line.text.text.starts_with('=') {
                    "missing attribute name".into()
                } else {
                    "missing '=' after attribute name".into()
                },
                fatal: true,
            });
        }
    }
    (defs, problems)
}

/// One `master.cf` service row.
#[derive(Clone, Debug)]
pub(crate) struct Service {
    /// Service name (`submission`, `127.0.0.1:10025`).
    pub(crate) name: String,
    /// Service type (`inet`, `unix`, `pass`, ...).
    pub(crate) kind: String,
    /// Where `name type` is written.
    pub(crate) header: Span,
    /// The command (`smtpd`, `smtp`, `postscreen`, ...).
    pub(crate) command: String,
    /// `-o` overrides in order (the later wins).
    pub(crate) overrides: Vec<Def>,
}

/// A master.cf token: its range in the logical line.
type Tok = Range<usize>;

/// Splits a master.cf logical line into whitespace-separated tokens; `{ ... }` groups
/// (Postfix 3.0+) protect whitespace and may nest.
fn master_tokens(t: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut depth = 0usize;
    for (i, c) in t.char_indices() {
        match c {
            '{' => {
                start.get_or_insert(i);
                depth += 1;
            }
            '}' if depth > 0 => depth -= 1,
            c if is_space(c) && depth == 0 => {
                if let Some(s) = start.take() {
                    out.push(s..i);
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        out.push(s..t.len());
    }
    out
}

/// Strips one `{ ... }` group around a token (with the whitespace inside it), as Postfix's
/// `extpar()` does.
fn unbrace(t: &str, r: Tok) -> Tok {
    let s = &t[r.clone()];
    if s.len() >= 2 && s.starts_with('{') && s.ends_with('}') {
        trim_range(t, r.start + 1..r.end - 1)
    } else {
        r
    }
}

/// The numeric-or-`-` fields Postfix validates (wakeup, process limit).
fn check_numeric(
    line: &MStr,
    tok: &Tok,
    what: &str,
    allow_q: bool,
    file: FileId,
    problems: &mut Vec<Problem>,
) {
    let s = &line.text[tok.clone()];
    let digits = if allow_q {
        s.strip_suffix('?').unwrap_or(s)
    } else {
        s
    };
    if s == "-" || (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())) {
        return;
    }
    problems.push(Problem {
        span: line.exact(tok.clone()).unwrap_or(Span::new(file, 0, 0)),
        message: format!("invalid {what} field \"{}\"", short(s)),
        fatal: true,
    });
}

/// Reads `master.cf` service rows with their `-o` overrides.
pub(crate) fn master_cf(file: FileId, src: &str) -> (Vec<Service>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut services = Vec::new();
    for line in logical_lines(file, src, &mut problems) {
        let t = &line.text.text;
        let toks = master_tokens(t);
        if toks.len() < 8 {
            problems.push(Problem {
                span: line
                    .text
                    .cover(0..t.len())
                    .unwrap_or(Span::new(file, line.start, line.start)),
                message: "unexpected end of line: a master.cf row needs 8 fields (service, type, private, unpriv, chroot, wakeup, maxproc, command)".into(),
                fatal: true,
            });
            continue;
        }
        check_numeric(&line.text, &toks[5], "wakeup", true, file, &mut problems);
        check_numeric(
            &line.text,
            &toks[6],
            "process_limit",
            false,
            file,
            &mut problems,
        );
        let header = line
            .text
            .cover(toks[0].start..toks[1].end)
            .unwrap_or(Span::new(file, line.start, line.start));
        let overrides = overrides(&line.text, &toks[8..], file);
        services.push(Service {
            name: t[toks[0].clone()].to_owned(),
            kind: t[toks[1].clone()].to_owned(),
            header,
            command: t[toks[7].clone()].to_owned(),
            overrides,
        });
    }
    (services, problems)
}

/// Collects `-o name=value`, `-o { name = value }` and `-oname=value` from the arguments.
/// A malformed override (no `=`) is skipped, as postconf does (the daemon would fail at
/// start-up, which is out of reach of a static check).
fn overrides(line: &MStr, args: &[Tok], file: FileId) -> Vec<Def> {
    let t = &line.text;
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &t[args[i].clone()];
        let target = if a == "-o" {
            i += 1;
            args.get(i).cloned()
        } else {
            a.strip_prefix("-o")
                .map(|rest| args[i].start + 2..args[i].start + 2 + rest.len())
        };
        i += 1;
        let Some(tok) = target else { continue };
        let inner = unbrace(t, tok);
        if let Some(def) = split_def(line, inner, file) {
            out.push(def);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    fn one(src: &str) -> (String, String) {
        let (defs, problems) = main_cf(F, src);
        assert!(problems.is_empty(), "{problems:?}");
        let d = defs.last().expect("a definition");
        (d.name.clone(), d.value.text.clone())
    }

    #[test]
    fn continuation_keeps_whitespace_and_skips_comments() {
        let src = "smtpd_tls_protocols = !SSLv2,\n  !SSLv3,\n# comment\n\n\t!TLSv1\n";
        let (name, value) = one(src);
        assert_eq!(name, "smtpd_tls_protocols");
        assert_eq!(value, "!SSLv2,  !SSLv3,\t!TLSv1");
        let (defs, _) = main_cf(F, src);
        let span = defs[0].value_span;
        assert_eq!(
            &src[span.start as usize..span.end as usize].lines().next(),
            &Some("!SSLv2,")
        );
        assert!(src[..span.end as usize].ends_with("!TLSv1"));
    }

    #[test]
    fn hash_after_text_is_part_of_the_value() {
        assert_eq!(one("smtpd_tls_loglevel = 1 # x\n").1, "1 # x");
    }

    #[test]
    fn whitespace_around_equals_and_crlf_are_dropped() {
        assert_eq!(one("a=b\r\n").1, "b");
        assert_eq!(one("a   =   >=TLSv1.2   \r\n").1, ">=TLSv1.2");
        assert_eq!(one("a =\n").1, "");
        assert_eq!(one("a\t= x = y\n").1, "x = y");
    }

    #[test]
    fn indented_first_line_is_ignored_with_a_warning() {
        let (defs, problems) = main_cf(F, "  x = 1\na = 2\n");
        assert_eq!(defs.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(!problems[0].fatal);
    }

    #[test]
    fn missing_equals_is_fatal() {
        let (_, problems) = main_cf(F, "a b\n= c\n");
        assert_eq!(problems.len(), 2);
        assert!(problems.iter().all(|p| p.fatal));
        assert!(problems[0].message.contains("missing '='"));
        assert!(problems[1].message.contains("missing attribute name"));
    }

    #[test]
    fn whitespace_only_lines_do_not_end_a_logical_line() {
        assert_eq!(one("a = x,\n   \n  y\n").1, "x,  y");
    }

    #[test]
    fn master_rows_and_overrides() {
        let src = "submission inet n - n - - smtpd\n  -o smtpd_tls_security_level=encrypt\n# c\n  -o { smtpd_tls_mandatory_protocols = >=TLSv1.3 }\n  -osyslog_name=x -o {a=b c}\n  -o broken\n";
        let (services, problems) = master_cf(F, src);
        assert!(problems.is_empty(), "{problems:?}");
        let s = &services[0];
        assert_eq!(
            (s.name.as_str(), s.kind.as_str(), s.command.as_str()),
            ("submission", "inet", "smtpd")
        );
        let got: Vec<(&str, &str)> = s
            .overrides
            .iter()
            .map(|d| (d.name.as_str(), d.value.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("smtpd_tls_security_level", "encrypt"),
                ("smtpd_tls_mandatory_protocols", ">=TLSv1.3"),
                ("syslog_name", "x"),
                ("a", "b c"),
            ]
        );
        let d = &s.overrides[1];
        assert_eq!(
            &src[d.value_span.start as usize..d.value_span.end as usize],
            ">=TLSv1.3"
        );
    }

    #[test]
    fn master_numeric_fields_are_checked() {
        let (services, problems) = master_cf(
            F,
            "x unix - - n - PH_MAX smtp\ny unix - - n 1000? 1 tlsmgr\nshort unix -\n",
        );
        assert_eq!(services.len(), 2);
        assert_eq!(problems.len(), 2);
        assert!(problems[0].message.contains("process_limit"));
    }
}
