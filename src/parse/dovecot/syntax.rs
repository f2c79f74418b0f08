//! Dovecot config syntax: physical lines → logical lines → a tree of sections and
//! assignments, with `!include`/`!include_try` resolved in place.
//!
//! Follows `config_parse_line` (mail.md §7): comments start at the first `#` outside
//! quotes; a trailing `\` joins the next line with one space, and an empty or comment line
//! in the middle of a continuation drops the pending text (observed with doveconf 2.3.19.1);
//! `key = value`, `name [arg] {`, `}`. Values are kept raw (quotes, `$` and escapes are
//! interpreted by the extractor, which knows the Dovecot version). This module never reads
//! `<file` values: it only records the path.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::glob;
use crate::gateway::{Gateway, Refusal};
use crate::model::Piece;
use crate::parse::ParseError;
use crate::source::{FileId, Sources, Span};

/// Deepest `!include` chain accepted (Dovecot itself has no small limit; this only stops
/// pathological inputs).
const MAX_INCLUDE_DEPTH: usize = 32;
/// Files entered through `!include` per entry file, counting every visit (a file included
/// twice counts twice), so an include bomb (each level including the next twice) stops
/// after this much work instead of 2^depth. Dovecot's stock configuration includes about
/// 20 `conf.d` files; 10,000 is 500 times that.
pub(crate) const MAX_INCLUDE_VISITS: usize = 10_000;
/// Deepest section nesting accepted.
const MAX_SECTION_DEPTH: usize = 64;
/// Total bytes lexed across all (re-)included files, so repeated includes stay linear in
/// the size of the output rather than exponential in the include graph.
const MAX_TOTAL_BYTES: usize = 64 << 20;

/// A setting line `key = value`.
#[derive(Clone, Debug)]
pub(crate) struct Assign {
    /// The key as written.
    pub(crate) key: String,
    /// Where the key is written.
    pub(crate) key_span: Span,
    /// The value.
    pub(crate) value: RawValue,
    /// The whole directive, key to end of value.
    pub(crate) span: Span,
}

/// A value as written, before version-dependent interpretation.
#[derive(Clone, Debug)]
pub(crate) enum RawValue {
    /// A literal or quoted value.
    Text {
        /// The text (inside the quotes when `quote` is set; escapes not yet applied).
        text: String,
        /// The quote character that surrounded the value, if any.
        quote: Option<char>,
        /// Ranges of `text` with the file bytes spelling them.
        pieces: Vec<Piece>,
        /// Where the value is written (quotes included).
        span: Span,
    },
    /// `<path`: the value is the file's contents. Only the path is recorded here.
    File {
        /// The path as written.
        path: String,
        /// The path resolved against the directory of the file it is written in.
        resolved: PathBuf,
        /// Where the path is written (after `<`).
        span: Span,
    },
}

/// A section `kind [name] { … }`.
#[derive(Clone, Debug)]
pub(crate) struct Section {
    /// The section type (`protocol`, `service`, `ssl_server`, …).
    pub(crate) kind: String,
    /// The section name, unquoted (`imap`, `192.0.2.10`), if any.
    pub(crate) name: Option<String>,
    /// The header line.
    pub(crate) span: Span,
    /// Contents in file order.
    pub(crate) items: Vec<Item>,
}

/// One entry of a section.
#[derive(Clone, Debug)]
pub(crate) enum Item {
    /// A setting.
    Assign(Assign),
    /// A nested section.
    Section(Section),
    /// An `!include` that was not read (outside the checked root): it may set anything
    /// from here on. With the line as written (`!include /etc/dovecot/local.conf`).
    Unread(Span, String),
}

/// The result of reading an entry file and its includes.
pub(crate) struct Tree {
    /// Top-level items.
    pub(crate) items: Vec<Item>,
    /// Every file read.
    pub(crate) files: Vec<FileId>,
    /// Syntax and include errors.
    pub(crate) errors: Vec<ParseError>,
    /// Includes not read because they are outside the checked root.
    pub(crate) outside: Vec<crate::model::Observation>,
    /// The path of each include not read, by the include's span.
    pub(crate) unread: Vec<(Span, PathBuf)>,
    /// Included files that do not parse: their text is withdrawn from every output.
    pub(crate) opaque: Vec<FileId>,
}

/// Reads `path` and everything it includes through the gateway; includes it does not let
/// through (outside the root, `/proc`) are noted, not read.
pub(crate) fn read(path: &Path, sources: &mut Sources, gateway: &Gateway) -> Tree {
    let mut r = Reader {
        gateway,
        opaque: Vec::new(),
        outside: Vec::new(),
        unread: Vec::new(),
        sources,
        stack: vec![Section {
            kind: String::new(),
            name: None,
            span: Span::new(FileId(0), 0, 0),
            items: Vec::new(),
        }],
        errors: Vec::new(),
        files: Vec::new(),
        include_stack: Vec::new(),
        total_bytes: 0,
        visits: 0,
        visits_over: false,
    };
    match r.sources.load(path, gateway) {
        Ok(id) => {
            r.files.push(id);
            r.include_stack.push(canonical(path, gateway));
            r.read_file(id);
        }
        Err(why) => {
            let file = r.sources.placeholder(path);
            r.files.push(file);
            r.errors.push(ParseError::new(
                Span::new(file, 0, 0),
                crate::parse::refused_message(path, &why),
            ));
        }
    }
    // Unclosed sections: Dovecot reports the innermost one.
    while r.stack.len() > 1 {
        if let Some(open) = r.stack.pop() {
            if r.errors.is_empty() {
                let name = r.sources.get(open.span.file).name.clone();
                let line = r.sources.start(open.span).line;
                r.errors.push(
                    ParseError::new(
                        open.span,
                        format!("Missing '}}' (section started at {name}:{line})"),
                    )
                    .help("close the section with a line holding only `}`"),
                );
            }
            r.close(open);
        }
    }
    let items = r.stack.pop().map(|s| s.items).unwrap_or_default();
    Tree {
        items,
        files: r.files,
        errors: r.errors,
        outside: r.outside,
        unread: r.unread,
        opaque: r.opaque,
    }
}

struct Reader<'a> {
    gateway: &'a Gateway,
    opaque: Vec<FileId>,
    outside: Vec<crate::model::Observation>,
    unread: Vec<(Span, PathBuf)>,
    sources: &'a mut Sources,
    /// Open sections; `stack[0]` is the top level. Shared across includes because an
    /// include keeps the current section context.
    stack: Vec<Section>,
    errors: Vec<ParseError>,
    files: Vec<FileId>,
    include_stack: Vec<PathBuf>,
    total_bytes: usize,
    /// Include visits so far, against [`MAX_INCLUDE_VISITS`].
    visits: usize,
    /// The visit limit was reported; later includes are skipped without listing or reading.
    visits_over: bool,
}

/// A physical-line fragment of a logical line: its text position in the logical line and
/// in the file.
#[derive(Clone, Copy)]
struct Seg {
    logical: usize,
    file: usize,
    len: usize,
}

/// A logical line (continuations joined) with a map back to file offsets.
struct Logical {
    text: String,
    segs: Vec<Seg>,
    file: FileId,
}

impl Logical {
    fn offset(&self, pos: usize) -> usize {
        for s in &self.segs {
            if pos <= s.logical + s.len {
                return s.file + pos.saturating_sub(s.logical);
            }
        }
        self.segs.last().map_or(0, |s| s.file + s.len)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        let a = self.offset(start);
        let b = self.offset(end).max(a);
        Span::new(self.file, a, b)
    }

    /// Splits `start..end` of the logical text into pieces relative to `base`, each mapped
    /// to file bytes when it lies inside one physical segment (the joining spaces do not).
    fn pieces(&self, start: usize, end: usize, base: usize) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut pos = start;
        for s in &self.segs {
            let (a, b) = (pos.max(s.logical), end.min(s.logical + s.len));
            if a >= b {
                continue;
            }
            if a > pos {
                out.push(Piece {
                    range: pos - base..a - base,
                    span: None,
                });
            }
            out.push(Piece {
                range: a - base..b - base,
                span: Some(Span::new(
                    self.file,
                    s.file + (a - s.logical),
                    s.file + (b - s.logical),
                )),
            });
            pos = b;
        }
        if pos < end {
            out.push(Piece {
                range: pos - base..end - base,
                span: None,
            });
        }
        out
    }
}

fn is_white(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn canonical(path: &Path, gateway: &Gateway) -> PathBuf {
    gateway
        .resolve(path)
        .map_or_else(|_| path.to_path_buf(), |r| r.path)
}

impl Reader<'_> {
    fn read_file(&mut self, id: FileId) {
        let text: Arc<str> = Arc::clone(&self.sources.get(id).text);
        self.total_bytes += text.len();
        if self.total_bytes > MAX_TOTAL_BYTES {
            self.errors.push(ParseError::new(
                Span::new(id, 0, 0),
                "too much configuration text through includes (over 64 MiB); not reading further",
            ));
            return;
        }
        let mut pending: Vec<Seg> = Vec::new();
        let mut offset = 0;
        for raw in text.split_inclusive('\n') {
            let line_start = offset;
            offset += raw.len();
            let line = raw.strip_suffix('\n').unwrap_or(raw);
            let line = line.strip_suffix('\r').unwrap_or(line);
            let bytes = line.as_bytes();
            let lead = bytes.iter().take_while(|&&b| is_white(b)).count();
            if lead == bytes.len() || bytes[lead] == b'#' {
                // Observed: an empty or comment line drops a pending continuation.
                pending.clear();
                continue;
            }
            let mut end = comment_start(bytes, lead).unwrap_or(bytes.len());
            while end > lead && is_white(bytes[end - 1]) {
                end -= 1;
            }
            let continues = end > lead && bytes[end - 1] == b'\\';
            if continues {
                end -= 1;
                while end > lead && is_white(bytes[end - 1]) {
                    end -= 1;
                }
            }
            let logical = pending.last().map_or(0, |s| s.logical + s.len + 1);
            pending.push(Seg {
                logical,
                file: line_start + lead,
                len: end - lead,
            });
            if continues {
                continue;
            }
            let mut joined = String::new();
            for (i, s) in pending.iter().enumerate() {
                if i > 0 {
                    joined.push(' ');
                }
                joined.push_str(&text[s.file..s.file + s.len]);
            }
            let logical = Logical {
                text: joined,
                segs: std::mem::take(&mut pending),
                file: id,
            };
            self.line(&logical);
        }
    }

    fn line(&mut self, l: &Logical) {
        let b = l.text.as_bytes();
        let mut p = 0;
        while p < b.len() && !is_white(b[p]) && b[p] != b'=' {
            p += 1;
        }
        let key_end = p;
        while p < b.len() && is_white(b[p]) {
            p += 1;
        }
        let key = &l.text[..key_end];
        let line_span = l.span(0, b.len());
        if key == "!include" || key == "!include_try" {
            let pattern = l.text[p..].trim_matches('"');
            self.include(pattern, key == "!include_try", line_span);
            return;
        }
        if p < b.len() && b[p] == b'=' {
            p += 1;
            while p < b.len() && is_white(b[p]) {
                p += 1;
            }
            let value = self.value(l, p);
            let assign = Assign {
                key: key.to_owned(),
                key_span: l.span(0, key_end),
                value,
                span: line_span,
            };
            self.push(Item::Assign(assign));
            return;
        }
        if key == "}" && p == b.len() {
            if self.stack.len() > 1 {
                if let Some(s) = self.stack.pop() {
                    self.close(s);
                }
            } else {
                self.syntax_error(line_span, "Unexpected '}'");
            }
            return;
        }
        self.section(l, key, p, line_span);
    }

    fn value(&self, l: &Logical, start: usize) -> RawValue {
        let b = l.text.as_bytes();
        if start < b.len() && b[start] == b'<' {
            let mut p = start + 1;
            while p < b.len() && is_white(b[p]) {
                p += 1;
            }
            let path = l.text[p..].to_owned();
            let dir = self
                .sources
                .get(l.file)
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            return RawValue::File {
                resolved: dir.join(&path),
                path,
                span: l.span(p, b.len()),
            };
        }
        let span = l.span(start, b.len());
        let len = b.len() - start;
        let first = b.get(start).copied();
        if len >= 2 && matches!(first, Some(b'"' | b'\'')) && b.last().copied() == first {
            let (a, e) = (start + 1, b.len() - 1);
            return RawValue::Text {
                text: l.text[a..e].to_owned(),
                quote: first.map(char::from),
                pieces: l.pieces(a, e, a),
                span,
            };
        }
        RawValue::Text {
            text: l.text[start..].to_owned(),
            quote: None,
            pieces: l.pieces(start, b.len(), start),
            span,
        }
    }

    #[expect(
        clippy::many_single_char_names,
        reason = "byte-scanner positions, as in the C original's style"
    )]
    fn section(&mut self, l: &Logical, kind: &str, mut p: usize, line_span: Span) {
        let b = l.text.as_bytes();
        if p == b.len() {
            self.syntax_error(line_span, "Expecting '='");
            return;
        }
        let mut name = None;
        if b[p] != b'{' {
            if b[p] == b'"' {
                let a = p + 1;
                let mut e = a;
                while e < b.len() && b[e] != b'"' {
                    e += 1;
                }
                name = Some(l.text[a..e].to_owned());
                p = (e + 1).min(b.len());
            } else {
                let a = p;
                while p < b.len() && !is_white(b[p]) {
                    p += 1;
                }
                name = Some(l.text[a..p].to_owned());
            }
            while p < b.len() && is_white(b[p]) {
                p += 1;
            }
            if p == b.len() || b[p] != b'{' {
                self.syntax_error(line_span, "Expecting '{'");
                return;
            }
        }
        if p + 1 != b.len() {
            self.syntax_error(line_span, "Garbage after '{'").help =
                Some("put the section's settings on their own lines".into());
            return;
        }
        if self.stack.len() > MAX_SECTION_DEPTH {
            self.error(line_span, "sections nested too deeply (over 64 levels)");
            return;
        }
        self.stack.push(Section {
            kind: kind.to_owned(),
            name,
            span: line_span,
            items: Vec::new(),
        });
    }

    fn include(&mut self, pattern: &str, try_only: bool, span: Span) {
        if self.visits_over {
            return;
        }
        let file = span.file;
        let dir = self
            .sources
            .get(file)
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let full = if Path::new(pattern).is_absolute() {
            PathBuf::from(pattern)
        } else {
            dir.join(pattern)
        };
        // A literal path outside the root is a note whether or not it exists there.
        if !crate::glob::is_pattern(pattern)
            && let Err(why) = self.gateway.resolve(&full)
            && crate::parse::is_unseen(&why)
        {
            self.unread(span, &full, &why, pattern);
            return;
        }
        let found = glob::expand(&full, self.gateway);
        for (dir, why) in &found.refused {
            if crate::parse::is_unseen(why) {
                self.unread(span, dir, why, pattern);
            } else {
                self.error(span, format!("!include {pattern}: {why}"));
            }
        }
        if found.matches.is_empty() {
            if !try_only && found.refused.is_empty() {
                self.error(span, format!("!include {pattern}: No matches"))
                    .help = Some(
                    "Dovecot refuses to start when an `!include` matches no file; use `!include_try` for optional files".into(),
                );
            }
            return;
        }
        if self.include_stack.len() >= MAX_INCLUDE_DEPTH {
            self.error(span, "includes nested too deeply (over 32 levels)");
            return;
        }
        for path in found.matches {
            if !self.visit(span) {
                return;
            }
            // A match may be a symlink leading out of the root.
            let canon = match self.gateway.resolve(&path) {
                Ok(r) => r.path,
                Err(why) => {
                    self.refused(span, &path, &why, try_only);
                    continue;
                }
            };
            if self.include_stack.contains(&canon) {
                self.error(
                    span,
                    format!(
                        "Recursive include file: {}",
                        crate::source::display_name(&path)
                    ),
                );
                continue;
            }
            match self.sources.load_included(&path, self.gateway) {
                Ok(id) => {
                    if !self.files.contains(&id) {
                        self.files.push(id);
                    }
                    self.include_stack.push(canon);
                    self.read_file(id);
                    self.include_stack.pop();
                }
                Err(why) => self.refused(span, &path, &why, try_only),
            }
        }
    }

    /// An included file the gateway would not read: a note when it is out of sight, else
    /// an error (a missing file only for `!include`, not `!include_try`).
    fn refused(&mut self, span: Span, path: &Path, why: &Refusal, try_only: bool) {
        if crate::parse::is_unseen(why) {
            self.unread(span, path, why, &path.to_string_lossy());
        } else if !try_only || !matches!(why, Refusal::Missing { .. }) {
            self.error(span, crate::parse::refused_message(path, why));
        }
    }

    /// An include the gateway keeps out of sight: noted once per include line, and left
    /// in the tree where it stands, since it may set anything from there on.
    fn unread(&mut self, span: Span, path: &Path, why: &Refusal, pattern: &str) {
        // A glob's refused matches come one after another: one note and one item for all.
        if self.outside.last().is_some_and(|o| o.span == span) {
            return;
        }
        self.outside.push(crate::parse::refused_note(
            span,
            path,
            why,
            "the settings it holds",
        ));
        self.unread.push((span, path.to_path_buf()));
        let line = format!("!include {}", crate::escape::short(pattern));
        self.push(Item::Unread(span, line));
    }

    fn push(&mut self, item: Item) {
        if let Some(top) = self.stack.last_mut() {
            top.items.push(item);
        }
    }

    fn close(&mut self, s: Section) {
        self.push(Item::Section(s));
    }

    /// Counts one include visit; false (after reporting it) once there are too many.
    fn visit(&mut self, span: Span) -> bool {
        self.visits += 1;
        if self.visits <= MAX_INCLUDE_VISITS {
            return true;
        }
        self.visits_over = true;
        self.error(
            span,
            format!(
                "more than {MAX_INCLUDE_VISITS} include visits from this file (tlslint's \
                 limit; a file included twice counts twice); not reading further includes"
            ),
        )
        .help = Some("an include bomb? each file seems to include the next more than once".into());
        false
    }

    /// A syntax error; in an included file it withdraws that file's text from every
    /// output (it may be no config at all: `!include .env`).
    fn syntax_error(&mut self, span: Span, message: impl Into<String>) -> &mut ParseError {
        if self.files.first() != Some(&span.file) && !self.opaque.contains(&span.file) {
            self.opaque.push(span.file);
        }
        self.error(span, message)
    }

    fn error(&mut self, span: Span, message: impl Into<String>) -> &mut ParseError {
        self.errors.push(ParseError::new(span, message));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }
}

/// Position of the first `#` outside `"…"`/`'…'` (backslash escapes inside quotes).
fn comment_start(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= b.len() {
                    return None;
                }
            }
            b'#' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (Tree, Sources) {
        // A directory per call: tests run in parallel.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("tlslint-dovecot-syntax-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dovecot.conf");
        std::fs::write(&path, text).unwrap();
        let mut sources = Sources::new();
        let tree = read(&path, &mut sources, &crate::gateway::Gateway::default());
        (tree, sources)
    }

    fn assign(item: &Item) -> &Assign {
        match item {
            Item::Assign(a) => a,
            _ => panic!("expected an assignment"),
        }
    }

    #[test]
    fn comments_quotes_and_continuations() {
        let (t, s) = parse_text(
            "ssl_cipher_list = HIGH#x\nlogin_greeting = \"a # b\"\nssl_curve_list = a:\\\n   b\n",
        );
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        let a = assign(&t.items[0]);
        let RawValue::Text { text, .. } = &a.value else {
            panic!()
        };
        assert_eq!(text, "HIGH");
        let RawValue::Text { text, quote, .. } = &assign(&t.items[1]).value else {
            panic!()
        };
        assert_eq!((text.as_str(), *quote), ("a # b", Some('"')));
        let RawValue::Text { text, pieces, .. } = &assign(&t.items[2]).value else {
            panic!()
        };
        assert_eq!(text, "a: b");
        assert_eq!(pieces.len(), 3);
        let f = s.get(a.span.file);
        assert_eq!(f.slice(pieces[2].span.unwrap()), "b");
    }

    #[test]
    fn comment_line_drops_pending_continuation() {
        let (t, _) = parse_text("ssl_curve_list = a:\\\n\nssl_options = no_ticket\n");
        assert!(t.errors.is_empty());
        assert_eq!(t.items.len(), 1);
        assert_eq!(assign(&t.items[0]).key, "ssl_options");
    }

    #[test]
    fn section_errors() {
        let (t, _) = parse_text("protocol imap { ssl = yes }\n}\nlocal 1.2.3.4 {\n");
        let msgs: Vec<_> = t.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs[0], "Garbage after '{'");
        assert_eq!(msgs[1], "Unexpected '}'");
        assert_eq!(
            msgs.len(),
            2,
            "missing brace reported only when no earlier error"
        );
    }

    #[test]
    fn file_values_are_not_read() {
        let (t, _) = parse_text("ssl_key = <  /nonexistent/key.pem\n");
        assert!(t.errors.is_empty());
        let RawValue::File { path, .. } = &assign(&t.items[0]).value else {
            panic!()
        };
        assert_eq!(path, "/nonexistent/key.pem");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = "a {\n".repeat(10_000);
        let (t, _) = parse_text(&text);
        assert!(!t.errors.is_empty());
    }

    #[test]
    fn include_bombs_stop_at_the_visit_limit() {
        // Each level includes the next twice: 2^20 visits without a limit.
        let dir = std::env::temp_dir().join(format!(
            "tlslint-dovecot-include-bomb-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 1..20 {
            let next = format!("!include l{}.conf\n", i + 1);
            std::fs::write(dir.join(format!("l{i}.conf")), next.repeat(2)).unwrap();
        }
        std::fs::write(dir.join("l20.conf"), "ssl = yes\n").unwrap();
        let entry = dir.join("dovecot.conf");
        std::fs::write(&entry, "!include l1.conf\n!include l1.conf\n").unwrap();
        let mut sources = Sources::new();
        let started = std::time::Instant::now();
        let t = read(&entry, &mut sources, &crate::gateway::Gateway::default());
        assert!(started.elapsed().as_secs() < 5);
        assert_eq!(t.errors.len(), 1, "{:?}", t.errors);
        assert!(t.errors[0].message.contains("10000 include visits"));
        // The error points at an `!include` line.
        let at = t.errors[0].span;
        assert!(sources.get(at.file).slice(at).starts_with("!include"));
        assert!(t.items.len() <= MAX_INCLUDE_VISITS);
    }
}
