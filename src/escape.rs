//! Safe display of text that came from an input: config values, directive names, file
//! names, messages built from them, `--stdin-filename`.
//!
//! tlslint's main home is a CI step on pull requests, so any text it quotes may be written
//! by an attacker. Terminals interpret ESC, C1 and other control characters (window
//! titles, hyperlinks, cursor moves), bidi controls reorder what a reviewer sees (Trojan
//! Source, CVE-2021-42574), and CI runners read every log *line* as a possible command
//! (GitHub's `::add-mask::`, `::stop-commands::`; the legacy `##[cmd]` form and Azure's
//! `##vso[` anywhere in a line). [`escape`] turns such text into one line of visible
//! characters; the renderers for people and CI logs (`human`, `concise`, `github`) apply it
//! to every piece of input text they print. [`excerpt`] bounds how much of a token a
//! message quotes.
//!
//! The escaped form is for reading, not for parsing back: a backslash is left as it is
//! (nginx regexes and Windows-looking paths stay readable), so `\n` in the output may
//! stand for a newline or for the two characters `\` `n` of the input. Structured formats
//! (JSON, SARIF, XML) carry the real text with their own escaping and do not use this
//! module.

use std::borrow::Cow;
use std::fmt::Write as _;

/// How many characters of an input token a message quotes ([`excerpt`]): enough to
/// recognise a directive or value, short enough that a whole file pasted where a name
/// was expected cannot flood the output.
pub const EXCERPT_CHARS: usize = 64;

/// The single-line, visible form of `s`: line breaks, tabs, C0 and C1 controls, DEL and
/// invisible or bidi format characters become escapes (`\n`, `\r`, `\t`, `\0`, `\x1b`,
/// `\x7f`, `\u{85}`, `\u{202e}`), and the `[` of a `##[` or `##vso[` log command becomes
/// `\x5b`. Borrows when nothing needs escaping, the usual case.
pub fn escape(s: &str) -> Cow<'_, str> {
    match first_unsafe(s) {
        None => Cow::Borrowed(s),
        Some(at) => {
            let mut out = String::with_capacity(s.len() + 16);
            out.push_str(&s[..at]);
            for c in s[at..].chars() {
                push_char(&mut out, c);
            }
            Cow::Owned(out)
        }
    }
}

/// Appends `c` to `out`, escaped when [`is_unsafe`]; tabs too; a `[` that would complete
/// a `##[` or `##vso[` log command in `out` is written `\x5b`. The building block for
/// renderers that sanitise text piece by piece (the human source window keeps its own
/// tabs, which miette expands, and uses [`push_source_char`]).
pub fn push_char(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        c => push_source_char(out, c),
    }
}

/// Appends `c` to `out` like [`push_char`], except that a tab is kept: a tab moves the
/// cursor but is not interpreted otherwise, and miette expands tabs in source lines to
/// spaces itself.
pub fn push_source_char(out: &mut String, c: char) {
    if c == '[' && ends_with_log_command(out) {
        out.push_str("\\x5b");
        return;
    }
    if c == '\t' || !is_unsafe(c) {
        out.push(c);
        return;
    }
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\0' => out.push_str("\\0"),
        // C0 and DEL read as bytes (`\x1b` is how people write ESC); C1 and format
        // characters are code points, shown as Rust writes them.
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// True for characters that must not reach a terminal or a CI log raw: C0 controls
/// (tab included), DEL, C1 controls, the bidi embedding, override and isolate controls
/// and marks (Unicode TR9), zero-width space and joiners, the line and paragraph
/// separators U+2028/U+2029 and the byte-order mark U+FEFF.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\0'..='\x1f'
        | '\x7f'..='\u{9f}'
        | '\u{61c}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}')
}

/// At most `max_chars` characters of `s`, with `…` in place of the rest; for quoting a
/// token in a message (see [`EXCERPT_CHARS`]). Only shortens: escaping is left to the
/// renderer, so JSON still carries the real (shortened) text.
pub fn excerpt(s: &str, max_chars: usize) -> Cow<'_, str> {
    // Byte length bounds the char count: no counting for short strings.
    if s.len() <= max_chars {
        return Cow::Borrowed(s);
    }
    match s.char_indices().nth(max_chars) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}…", &s[..cut])),
    }
}

/// [`excerpt`] at [`EXCERPT_CHARS`]: how a message quotes an input token.
pub fn short(s: &str) -> Cow<'_, str> {
    excerpt(s, EXCERPT_CHARS)
}

/// [`escape`] of at most `max_chars` characters of `s` ([`excerpt`]): renderers bound
/// each message, help and label with it (a finding may quote a long value).
pub fn escape_excerpt(s: &str, max_chars: usize) -> Cow<'_, str> {
    match excerpt(s, max_chars) {
        Cow::Borrowed(s) => escape(s),
        Cow::Owned(short) => Cow::Owned(escape(&short).into_owned()),
    }
}

/// A file name for display: [`escape`]d, and prefixed with `./` when it would otherwise
/// start with `::` (after whitespace, which GitHub's runner trims), since a file name
/// starts each `concise` line. A relative name means the same file with the prefix.
pub fn file_name(name: &str) -> Cow<'_, str> {
    let escaped = escape(name);
    if starts_log_command(&escaped) {
        Cow::Owned(format!("./{escaped}"))
    } else {
        escaped
    }
}

/// True when a line would be read as a GitHub workflow command: it starts with `::` after
/// leading whitespace (the runner trims it) and ANSI colour sequences (which a log viewer
/// may strip).
pub fn starts_log_command(line: &str) -> bool {
    let mut rest = line.trim_start();
    while let Some(after) = rest.strip_prefix("\x1b[") {
        // A CSI sequence ends at its first byte in 0x40..=0x7e.
        match after.find(|c: char| ('\x40'..='\x7e').contains(&c)) {
            Some(end) => rest = after[end + 1..].trim_start(),
            None => return false,
        }
    }
    rest.starts_with("::")
}

/// `text` with every line that [`starts_log_command`] defused: its first `:` is written
/// `\x3a`. For multi-line renderings (miette wraps long messages and help at spaces, so
/// a wrapped line may begin with input text even when every piece was escaped).
pub fn guard_lines(text: &str) -> Cow<'_, str> {
    if !text.contains("::") {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        if starts_log_command(line) {
            // `find` cannot miss: the line contains `::`.
            let colon = line.find("::").unwrap_or(0);
            out.push_str(&line[..colon]);
            out.push_str("\\x3a");
            out.push_str(&line[colon + 1..]);
            changed = true;
        } else {
            out.push_str(line);
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Offset of the first character [`escape`] would change, if any. Printable ASCII
/// without `[` (the common case) is checked a byte at a time.
fn first_unsafe(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let plain = |b: u8| (0x20..0x7f).contains(&b) && b != b'[';
    let start = bytes.iter().position(|&b| !plain(b))?;
    let mut seen = &s[..start];
    for (i, c) in s[start..].char_indices() {
        let at = start + i;
        if is_unsafe(c) || (c == '[' && ends_with_log_command(seen)) {
            return Some(at);
        }
        seen = &s[..at + c.len_utf8()];
    }
    None
}

/// True when `s` ends like the start of a log command (`##` or `##vso`), so that a `[`
/// after it would complete one.
fn ends_with_log_command(s: &str) -> bool {
    s.ends_with("##") || s.ends_with("##vso")
}

/// A message with every quoted piece of input longer than one character replaced by `…`
/// (`unknown directive "TOKEN=abc"` → `unknown directive "…"`), for text located in a file
/// whose contents must not be shown. One-character quotes are syntax (`unexpected "}"`).
pub fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let rest: Vec<&str> = parts.collect();
    let mut i = 0;
    while i < rest.len() {
        // rest[i] is quoted when a closing quote follows it.
        if i + 1 < rest.len() {
            let quoted = rest[i];
            out.push('"');
            out.push_str(if quoted.chars().count() <= 1 {
                quoted
            } else {
                "…"
            });
            out.push('"');
            out.push_str(rest[i + 1]);
            i += 2;
        } else {
            // An unbalanced quote: drop what follows it.
            out.push_str("\"…");
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_input_is_dropped() {
        assert_eq!(
            unquoted(r#"unknown directive "TOKEN=abc""#),
            r#"unknown directive "…""#
        );
        assert_eq!(
            unquoted(r#"unexpected end of file, expecting ";" or "}""#),
            r#"unexpected end of file, expecting ";" or "}""#
        );
        assert_eq!(unquoted(r#"a "b"#), r#"a "…"#);
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(escape("TLSv1.2 ECDHE+AESGCM é"), Cow::Borrowed(_)));
        assert!(matches!(escape("a[b] #x"), Cow::Borrowed(_)));
        assert!(matches!(escape(""), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_become_visible_escapes() {
        assert_eq!(escape("a\nb\r\tc\0"), "a\\nb\\r\\tc\\0");
        assert_eq!(escape("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
        assert_eq!(escape("\x1b[31mred\x7f"), "\\x1b[31mred\\x7f");
        assert_eq!(escape("x\u{85}y\u{9f}"), "x\\u{85}y\\u{9f}");
        assert_eq!(escape("\u{202e}evil\u{2066}"), "\\u{202e}evil\\u{2066}");
        assert_eq!(
            escape("\u{200e}\u{200f}\u{61c}\u{2028}\u{2029}\u{feff}"),
            "\\u{200e}\\u{200f}\\u{61c}\\u{2028}\\u{2029}\\u{feff}"
        );
        // Backslashes are kept: the form is for reading.
        assert_eq!(escape("~ \\.php$"), "~ \\.php$");
    }

    #[test]
    fn escaped_text_is_one_line_of_printable_characters() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let e = escape(&all);
        assert!(e.chars().all(|c| !is_unsafe(c)), "{e:?}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn log_commands_are_broken() {
        assert_eq!(escape("x ##[add-mask]s"), "x ##\\x5badd-mask]s");
        assert_eq!(
            escape("##vso[task.setvariable]"),
            "##vso\\x5btask.setvariable]"
        );
        assert_eq!(escape("#[x] ##y["), "#[x] ##y[");
        assert_eq!(escape("é##["), "é##\\x5b");
    }

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt("ssl_ciphers", 64), "ssl_ciphers");
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("ééé", 3), "ééé");
        assert_eq!(excerpt("éééé", 3), "ééé…");
        assert_eq!(escape_excerpt("ab\ncdef", 4), "ab\\nc…");
    }

    #[test]
    fn file_names_never_start_a_command() {
        assert_eq!(file_name("a\n::error::x.conf"), "a\\n::error::x.conf");
        assert_eq!(file_name("::error::x.conf"), "./::error::x.conf");
        assert_eq!(file_name(" ::x"), "./ ::x");
        assert_eq!(file_name("nginx.conf"), "nginx.conf");
    }

    #[test]
    fn guarded_lines() {
        assert!(starts_log_command("  ::error::x"));
        assert!(starts_log_command("\x1b[1m ::x"));
        assert!(!starts_log_command("a ::x"));
        assert_eq!(
            guard_lines("help: a\n      ::add-mask::x\nok ::b\n"),
            "help: a\n      \\x3a:add-mask::x\nok ::b\n"
        );
        assert!(matches!(guard_lines("a::b\n"), Cow::Borrowed(_)));
    }
}
