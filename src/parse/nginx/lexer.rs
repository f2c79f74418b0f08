//! The nginx tokenizer, a byte-for-byte model of `ngx_conf_read_token()`.
//!
//! It reads one statement at a time (the arguments up to `;`, `{` or `}`), exactly as nginx
//! does, and reports nginx's own error texts at exact byte spans. Unlike nginx it does not
//! stop at the first error: it records it and recovers, so one run shows every problem.
//! It knows nothing about directives, blocks or includes (see `tree.rs`), except how to skip
//! the Lua body of a `*_by_lua_block`, which is not nginx syntax at all.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::parse::ParseError;
use crate::source::{FileId, Span};

/// nginx's `NGX_CONF_BUFFER`: a token that fills the whole read buffer is rejected.
pub const MAX_TOKEN: usize = 4096;

/// One argument (or directive name) as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The raw text, without the surrounding quotes when quoted.
    pub span: Span,
    /// The value nginx sees after decoding `\"`, `\'`, `\\`, `\t`, `\r`, `\n`.
    pub value: Value,
    /// True when written in `"…"` or `'…'`.
    pub quoted: bool,
}

impl Arg {
    /// The span including the quotes, when quoted.
    pub fn full_span(&self) -> Span {
        if self.quoted {
            Span {
                file: self.span.file,
                start: self.span.start.saturating_sub(1),
                end: self.span.end + 1,
            }
        } else {
            self.span
        }
    }

    /// True when the decoded value equals the raw text (no escapes were decoded).
    pub fn is_verbatim(&self) -> bool {
        self.span.len() == self.value.len()
    }
}

/// An argument's decoded value: a range of a shared text, so a token written without
/// escapes (nearly all of them) borrows the file's text instead of owning a copy.
#[derive(Clone)]
pub struct Value {
    text: Arc<str>,
    start: u32,
    end: u32,
}

impl Value {
    /// `text[start..end]`, sharing `text`; `start..end` must lie on character boundaries.
    fn shared(text: &Arc<str>, start: usize, end: usize) -> Self {
        debug_assert!(text.get(start..end).is_some());
        Value {
            text: Arc::clone(text),
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The value as a string slice.
    pub fn as_str(&self) -> &str {
        self.text
            .get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        let text: Arc<str> = s.into();
        let end = text.len();
        Value::shared(&text, 0, end)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::from(s.to_owned())
    }
}

impl From<&Value> for String {
    fn from(v: &Value) -> Self {
        v.as_str().to_owned()
    }
}

impl Deref for Value {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Value {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<std::ffi::OsStr> for Value {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.as_str().as_ref()
    }
}

impl AsRef<std::path::Path> for Value {
    fn as_ref(&self) -> &std::path::Path {
        self.as_str().as_ref()
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Value {}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

/// What ended a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// `;` at this byte offset.
    Semicolon(usize),
    /// `{` at this byte offset.
    BlockStart(usize),
    /// `}` at this byte offset.
    BlockEnd(usize),
    /// End of the input.
    Eof,
}

/// A cursor over one file (or one file's part of an `nginx -T` dump).
#[derive(Debug)]
pub struct Lexer<'a> {
    text: &'a str,
    /// The same text, shared, when the caller has it: verbatim values then borrow it.
    shared: Option<&'a Arc<str>>,
    pos: usize,
    end: usize,
    file: FileId,
}

fn is_space(ch: u8) -> bool {
    matches!(ch, b' ' | b'\t' | b'\r' | b'\n')
}

impl<'a> Lexer<'a> {
    /// A lexer over `text[start..end]` of `file`; spans are offsets into `text`.
    pub fn new(text: &'a str, file: FileId, start: usize, end: usize) -> Self {
        let end = end.min(text.len());
        Lexer {
            text,
            shared: None,
            pos: start.min(end),
            end,
            file,
        }
    }

    /// Like [`Lexer::new`], but verbatim argument values share `text` instead of copying it.
    pub fn new_shared(text: &'a Arc<str>, file: FileId, start: usize, end: usize) -> Self {
        Lexer {
            shared: Some(text),
            ..Lexer::new(text, file, start, end)
        }
    }

    /// The current byte offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// The span of the (UTF-8) character starting at `at`.
    fn char_span(&self, at: usize) -> (Span, &'a str) {
        let len = self.text[at..].chars().next().map_or(1, char::len_utf8);
        let end = (at + len).min(self.text.len());
        (self.span(at, end), self.text.get(at..end).unwrap_or(""))
    }

    /// Reads one statement into `args` (cleared first) and says what ended it, like
    /// `ngx_conf_read_token()`. Errors are pushed to `errors`; the lexer then recovers.
    #[expect(
        clippy::too_many_lines,
        reason = "one state machine mirroring ngx_conf_read_token(); splitting it hides the flow"
    )]
    pub fn statement(&mut self, args: &mut Vec<Arg>, errors: &mut Vec<ParseError>) -> End {
        args.clear();
        let bytes = self.text.as_bytes();
        let mut last_space = true;
        let mut need_space = false;
        let mut sharp_comment = false;
        let mut escaped = false;
        let mut d_quoted = false;
        let mut s_quoted = false;
        let mut variable = false;
        let mut too_long = false;
        let mut start = self.pos;
        loop {
            // Fast paths over runs of bytes the state machine below would only step over:
            // comment text, blanks between tokens, and plain token characters. They leave
            // every state as the byte-by-byte steps would (a plain byte only clears
            // `variable`), and stop short of the token-length limit so it is reported at
            // the same byte.
            if sharp_comment {
                self.pos = bytes[self.pos..self.end]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(self.end, |n| self.pos + n);
            } else if !escaped && !need_space {
                let from = self.pos;
                if last_space {
                    while self.pos < self.end && is_space(bytes[self.pos]) {
                        self.pos += 1;
                    }
                } else {
                    let limit = if too_long {
                        self.end
                    } else {
                        self.end.min(start + MAX_TOKEN)
                    };
                    let plain = |b: u8| {
                        if d_quoted {
                            !matches!(b, b'"' | b'\\' | b'$')
                        } else if s_quoted {
                            !matches!(b, b'\'' | b'\\' | b'$')
                        } else {
                            !is_space(b) && !matches!(b, b';' | b'{' | b'\\' | b'$')
                        }
                    };
                    while self.pos < limit && plain(bytes[self.pos]) {
                        self.pos += 1;
                    }
                    if self.pos > from {
                        variable = false;
                    }
                }
            }
            if self.pos >= self.end {
                if !args.is_empty() || !last_space {
                    if !last_space && !need_space {
                        // Keep the unfinished token so that extraction still sees it; an
                        // unterminated quote has no closing quote to include in its span.
                        args.push(self.make_arg(start, self.end, false));
                    }
                    errors.push(ParseError::new(
                        self.span(self.end, self.end),
                        "unexpected end of file, expecting \";\" or \"}\"",
                    ));
                }
                return End::Eof;
            }
            if !last_space && !too_long && self.pos - start >= MAX_TOKEN {
                too_long = true;
                errors.push(self.too_long(start, d_quoted, s_quoted));
            }
            let at = self.pos;
            let ch = bytes[at];
            self.pos += 1;
            if ch == b'\n' {
                sharp_comment = false;
            }
            if sharp_comment {
                continue;
            }
            if escaped {
                escaped = false;
                continue;
            }
            if need_space {
                if is_space(ch) {
                    last_space = true;
                    need_space = false;
                    continue;
                }
                match ch {
                    b';' => return End::Semicolon(at),
                    b'{' => return End::BlockStart(at),
                    b')' => {}
                    _ => {
                        let (span, c) = self.char_span(at);
                        errors.push(ParseError::new(span, format!("unexpected \"{c}\"")));
                    }
                }
                // `)` (and, as recovery, anything else) starts the next token.
                last_space = true;
                need_space = false;
            }
            if last_space {
                start = at;
                too_long = false;
                if is_space(ch) {
                    continue;
                }
                match ch {
                    b';' | b'{' => {
                        if args.is_empty() {
                            errors.push(ParseError::new(
                                self.span(at, at + 1),
                                format!("unexpected \"{}\"", char::from(ch)),
                            ));
                            if ch == b';' {
                                continue;
                            }
                        }
                        return if ch == b'{' {
                            End::BlockStart(at)
                        } else {
                            End::Semicolon(at)
                        };
                    }
                    b'}' => {
                        if !args.is_empty() {
                            errors.push(ParseError::new(self.span(at, at + 1), "unexpected \"}\""));
                        }
                        return End::BlockEnd(at);
                    }
                    b'#' => sharp_comment = true,
                    b'\\' => {
                        escaped = true;
                        last_space = false;
                    }
                    b'"' => {
                        start = at + 1;
                        d_quoted = true;
                        last_space = false;
                    }
                    b'\'' => {
                        start = at + 1;
                        s_quoted = true;
                        last_space = false;
                    }
                    b'$' => {
                        variable = true;
                        last_space = false;
                    }
                    _ => last_space = false,
                }
                continue;
            }
            if ch == b'{' && variable {
                continue;
            }
            variable = false;
            match ch {
                b'\\' => {
                    escaped = true;
                    continue;
                }
                b'$' => {
                    variable = true;
                    continue;
                }
                _ => {}
            }
            let found = if d_quoted {
                ch == b'"'
            } else if s_quoted {
                ch == b'\''
            } else {
                is_space(ch) || ch == b';' || ch == b'{'
            };
            if !found {
                continue;
            }
            let quoted = d_quoted || s_quoted;
            args.push(self.make_arg(start, at, quoted));
            if quoted {
                d_quoted = false;
                s_quoted = false;
                need_space = true;
            } else {
                last_space = true;
                match ch {
                    b';' => return End::Semicolon(at),
                    b'{' => return End::BlockStart(at),
                    _ => {}
                }
            }
        }
    }

    fn too_long(&self, start: usize, d_quoted: bool, s_quoted: bool) -> ParseError {
        let span = self.span(start, start + MAX_TOKEN);
        if d_quoted || s_quoted {
            let q = if d_quoted { '"' } else { '\'' };
            return ParseError::new(
                span,
                format!("too long parameter, probably missing terminating \"{q}\" character"),
            );
        }
        // nginx prints the first 10 bytes; stay on a character boundary.
        let mut cut = (start + 10).min(self.text.len());
        while !self.text.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = self.text.get(start..cut).unwrap_or("");
        ParseError::new(span, format!("too long parameter \"{head}...\" started"))
    }

    fn make_arg(&self, start: usize, end: usize, quoted: bool) -> Arg {
        let raw = self.text.get(start..end).unwrap_or("");
        let value = match self.shared {
            Some(text) if !raw.contains('\\') && self.text.get(start..end).is_some() => {
                Value::shared(text, start, end)
            }
            _ => Value::from(decode(raw)),
        };
        Arg {
            span: self.span(start, end),
            value,
            quoted,
        }
    }

    /// Skips a Lua body after the `{` of a `*_by_lua_block`, tracking Lua strings, long
    /// brackets and `--` comments, and returns the body's span (without the braces). The
    /// closing `}` is consumed. At end of input it reports nginx's "expecting }" error.
    pub fn skip_lua_block(&mut self, errors: &mut Vec<ParseError>) -> Span {
        let bytes = self.text.as_bytes();
        let body_start = self.pos;
        let mut depth = 1usize;
        while self.pos < self.end {
            let ch = bytes[self.pos];
            self.pos += 1;
            match ch {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return self.span(body_start, self.pos - 1);
                    }
                }
                b'"' | b'\'' => self.skip_lua_string(ch),
                b'[' => {
                    if let Some(level) = self.long_bracket_open(self.pos - 1) {
                        self.skip_long_bracket(level);
                    }
                }
                b'-' if self.pos < self.end && bytes[self.pos] == b'-' => {
                    self.pos += 1;
                    match self.long_bracket_open(self.pos) {
                        Some(level) => self.skip_long_bracket(level),
                        None => {
                            while self.pos < self.end && bytes[self.pos] != b'\n' {
                                self.pos += 1;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        errors.push(ParseError::new(
            self.span(self.end, self.end),
            "unexpected end of file, expecting \"}\"",
        ));
        self.span(body_start, self.end)
    }

    fn skip_lua_string(&mut self, quote: u8) {
        let bytes = self.text.as_bytes();
        while self.pos < self.end {
            let ch = bytes[self.pos];
            self.pos += 1;
            if ch == b'\\' {
                self.pos = (self.pos + 1).min(self.end);
            } else if ch == quote || ch == b'\n' {
                return;
            }
        }
    }

    /// If a Lua long bracket `[=*[` starts at `at`, consumes it and returns its level.
    fn long_bracket_open(&mut self, at: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        if at >= self.end || bytes[at] != b'[' {
            return None;
        }
        let mut i = at + 1;
        while i < self.end && bytes[i] == b'=' {
            i += 1;
        }
        if i < self.end && bytes[i] == b'[' {
            self.pos = i + 1;
            Some(i - at - 1)
        } else {
            None
        }
    }

    fn skip_long_bracket(&mut self, level: usize) {
        let bytes = self.text.as_bytes();
        while self.pos < self.end {
            let ch = bytes[self.pos];
            self.pos += 1;
            if ch != b']' {
                continue;
            }
            let mut i = self.pos;
            while i < self.end && bytes[i] == b'=' {
                i += 1;
            }
            if i - self.pos == level && i < self.end && bytes[i] == b']' {
                self.pos = i + 1;
                return;
            }
        }
    }
}

/// Decodes a raw token the way nginx copies it into the argument array: `\"`, `\'` and
/// `\\` lose the backslash, `\t`, `\r`, `\n` become control characters, and every other
/// `\X` is kept as written.
pub fn decode(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_owned();
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            match bytes[i + 1] {
                b'"' | b'\'' | b'\\' => {
                    i += 1;
                }
                b't' => {
                    out.push(b'\t');
                    i += 2;
                    continue;
                }
                b'r' => {
                    out.push(b'\r');
                    i += 2;
                    continue;
                }
                b'n' => {
                    out.push(b'\n');
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    // Only ASCII bytes were removed or replaced, so the result is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(text: &str) -> (Vec<Vec<String>>, Vec<String>) {
        let mut lx = Lexer::new(text, FileId(0), 0, text.len());
        // A lexer sharing the text must produce the very same arguments.
        let shared: Arc<str> = text.into();
        let mut sx = Lexer::new_shared(&shared, FileId(0), 0, text.len());
        let (mut s_args, mut s_errors) = (Vec::new(), Vec::new());
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut args = Vec::new();
        loop {
            let end = lx.statement(&mut args, &mut errors);
            assert_eq!(sx.statement(&mut s_args, &mut s_errors), end);
            assert_eq!(s_args, args);
            let mut v: Vec<String> = args.iter().map(|a| a.value.to_string()).collect();
            v.push(
                match end {
                    End::Semicolon(_) => ";",
                    End::BlockStart(_) => "{",
                    End::BlockEnd(_) => "}",
                    End::Eof => "EOF",
                }
                .into(),
            );
            out.push(v);
            if end == End::Eof {
                break;
            }
        }
        (out, errors.into_iter().map(|e| e.message).collect())
    }

    #[test]
    fn brace_inside_word_and_variables() {
        let (s, e) = lex("return 200 a}b; set $x ${host}y;");
        assert!(e.is_empty());
        assert_eq!(s[0], ["return", "200", "a}b", ";"]);
        assert_eq!(s[1], ["set", "$x", "${host}y", ";"]);
    }

    #[test]
    fn decoding() {
        assert_eq!(decode(r#"a\"b\'c\\d\te\q\;"#), "a\"b'c\\d\te\\q\\;");
    }
}
