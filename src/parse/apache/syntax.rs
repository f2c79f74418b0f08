//! Apache httpd 2.4 config syntax: logical lines (`\` continuations joined, `#` comment
//! lines dropped), `${VAR}` expansion of each line by the `Define`s seen so far, words as
//! `ap_getword_conf` splits them (quotes, `\"` and `\\` inside), `<Section>` nesting, and
//! `Include` / `IncludeOptional` read in place (globs relative to `ServerRoot`, through the
//! gateway). Conditional sections that are decided when the config is read (`<IfModule>`,
//! `<IfDefine>`, `<IfVersion>`, `<IfFile>`, `<IfDirective>`, `<IfSection>`) are flattened
//! here: what they skip never reaches the tree.
//!
//! Not here: what directives mean (see `extract`), per-request sections (`<If>`,
//! `<Directory>`, `<Location>`), which stay in the tree for the extractor to skip.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::gateway::Gateway;
use crate::model::{Observation, Version};
use crate::parse::ParseError;
use crate::source::{FileId, Sources, Span};

/// Deepest nesting of includes (httpd's `AP_MAX_INCLUDE_DEPTH` is 128; configs use a few).
pub(crate) const MAX_INCLUDE_DEPTH: usize = 32;
/// Deepest nesting of sections.
const MAX_SECTION_DEPTH: usize = 64;
/// Most files one config reads through includes.
const MAX_FILES: usize = 4096;
/// Longest a line may grow by `${VAR}` expansion (httpd's `MAX_STRING_LEN` is 8192; a
/// definition that refers to itself must not grow without bound).
const MAX_LINE: usize = 64 * 1024;
/// Most include visits from one entry file (a file included twice counts twice), so an
/// include bomb (each file including the next twice) ends.
const MAX_INCLUDE_VISITS: usize = 10_000;
/// Deepest directory recursion for `Include dir/`.
const MAX_DIR_DEPTH: usize = 8;

/// One word of a directive, decoded, with where it is written (quotes included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Arg {
    /// The word after quote and `${VAR}` processing.
    pub(crate) value: String,
    /// The bytes that spell it.
    pub(crate) span: Span,
    /// The span holds exactly `value` (no quotes, escapes or expansion).
    pub(crate) verbatim: bool,
}

impl Arg {
    /// The value's own bytes when written verbatim (inside any quotes), else the whole word.
    pub(crate) fn value_span(&self) -> Span {
        if self.verbatim {
            return self.span;
        }
        let len = self.value.len();
        let inner = self.span.len().saturating_sub(2);
        if inner == len {
            self.span.sub(1, 1 + len)
        } else {
            self.span
        }
    }
}

/// A directive line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Directive {
    /// The name as written.
    pub(crate) name: String,
    /// The words after the name.
    pub(crate) args: Vec<Arg>,
    /// The whole logical line.
    pub(crate) span: Span,
}

impl Directive {
    /// True when the name is `n` (httpd matches directive names case-insensitively).
    pub(crate) fn is(&self, n: &str) -> bool {
        self.name.eq_ignore_ascii_case(n)
    }

    /// The span of all arguments (the line when there are none).
    pub(crate) fn args_span(&self) -> Span {
        match (self.args.first(), self.args.last()) {
            (Some(a), Some(b)) if a.span.file == b.span.file && a.span.start <= b.span.end => {
                a.span.to(b.span)
            }
            _ => self.span,
        }
    }
}

/// A `<Section args>` … `</Section>` that stays in the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Section {
    /// The name, as written (without `<`).
    pub(crate) name: String,
    /// The words of the opening tag.
    pub(crate) args: Vec<Arg>,
    /// The opening tag.
    pub(crate) span: Span,
    /// What it holds.
    pub(crate) body: Vec<Node>,
}

impl Section {
    /// True when the name is `n` (case-insensitive).
    pub(crate) fn is(&self, n: &str) -> bool {
        self.name.eq_ignore_ascii_case(n)
    }
}

/// An element of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    /// A directive.
    Directive(Directive),
    /// A section.
    Section(Section),
    /// An include that was not read (outside the checked root): what it holds is unknown.
    Unread(Span, String),
}

/// What reading a config produced.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    /// Top-level nodes (includes inlined).
    pub(crate) nodes: Vec<Node>,
    /// Every file read, entry first.
    pub(crate) files: Vec<FileId>,
    /// Syntax errors and unreadable includes.
    pub(crate) errors: Vec<ParseError>,
    /// Notes for includes not read.
    pub(crate) outside: Vec<Observation>,
    /// The includes not read, with the paths they name.
    pub(crate) unread: Vec<(Span, PathBuf)>,
    /// `ServerRoot` at the end of the config (relative key-material paths start there).
    pub(crate) server_root: PathBuf,
    /// `Header` lines work: mod_headers is loaded, or the config loads no modules itself (a
    /// fragment, whose modules are assumed present).
    pub(crate) headers_module: bool,
}

/// Reads `path` and everything it includes. `server_root` is where relative include
/// paths start until a `ServerRoot` directive says otherwise.
pub(crate) fn read(
    path: &Path,
    server_root: &Path,
    sources: &mut Sources,
    options: &crate::parse::Options,
    version: Version,
) -> Tree {
    let mut r = Reader {
        sources,
        gateway: &options.gateway,
        tree: Tree::default(),
        defines: HashMap::new(),
        modules: HashSet::new(),
        loads_modules: false,
        server_root: server_root.to_path_buf(),
        version,
        stack: Vec::new(),
        visits: 0,
        visits_over: false,
    };
    match crate::parse::load(path, r.sources, options) {
        Ok(id) => {
            r.tree.files.push(id);
            let nodes = r.file(id, 0);
            r.tree.nodes = nodes;
        }
        Err(e) => r.tree.errors.push(e),
    }
    r.tree.server_root = r.server_root;
    r.tree.headers_module = !r.loads_modules
        || r.modules.contains("headers_module")
        || r.modules.contains("mod_headers.c");
    r.tree
}

/// A logical line: its text and, per byte, the file offset it comes from.
struct Line {
    text: String,
    at: Vec<u32>,
    /// Whole line in the file (first byte to last, continuations included).
    span: Span,
}

impl Line {
    /// The file span of bytes `s..e` of the text.
    fn span_of(&self, s: usize, e: usize) -> Span {
        let file = self.span.file;
        let start = self.at.get(s).copied().unwrap_or(self.span.end) as usize;
        let end = if e > s {
            self.at
                .get(e - 1)
                .map_or(self.span.end as usize, |x| *x as usize + 1)
        } else {
            start
        };
        Span::new(file, start, end.max(start))
    }

    /// Whether bytes `s..e` of the text map one to one onto consecutive file bytes.
    fn contiguous(&self, s: usize, e: usize) -> bool {
        let Some(slice) = self.at.get(s..e) else {
            return false;
        };
        slice.windows(2).all(|w| w[1] == w[0] + 1)
    }
}

/// Splits a file into logical lines: `\` at the end joins the next line (httpd keeps the
/// next line's leading blanks), leading and trailing blanks are dropped, and lines whose
/// first character is `#` are comments (a comment ending in `\` swallows the next line,
/// as in httpd).
fn lines(file: FileId, text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut at: Vec<u32> = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = pos;
        pos += raw.len();
        let body = raw.strip_suffix('\n').unwrap_or(raw);
        let body = body.strip_suffix('\r').unwrap_or(body);
        let (body, continued) = match body.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (body, false),
        };
        start.get_or_insert(line_start);
        cur.push_str(body);
        // One offset per byte, so spans stay on character boundaries.
        for i in 0..body.len() {
            at.push(u32::try_from(line_start + i).unwrap_or(u32::MAX));
        }
        if continued {
            continue;
        }
        let s = start.take().unwrap_or(line_start);
        let end = line_start + body.len();
        push_line(&mut out, file, &cur, &at, s, end);
        cur.clear();
        at.clear();
    }
    if let Some(s) = start {
        push_line(&mut out, file, &cur, &at, s, text.len());
    }
    out
}

fn push_line(out: &mut Vec<Line>, file: FileId, text: &str, at: &[u32], s: usize, e: usize) {
    let lead = text.len() - text.trim_start().len();
    let trimmed_end = text.trim_end().len();
    if trimmed_end <= lead {
        return;
    }
    let t = text[lead..trimmed_end].to_owned();
    if t.starts_with('#') {
        return;
    }
    let at = at
        .get(lead..trimmed_end)
        .map(<[u32]>::to_vec)
        .unwrap_or_default();
    let span_start = at.first().map_or(s, |x| *x as usize);
    let span_end = at.last().map_or(e, |x| *x as usize + 1);
    out.push(Line {
        text: t,
        at,
        span: Span::new(file, span_start, span_end.max(span_start)),
    });
}

/// Splits a logical line into words as `ap_getword_conf` does: blanks separate words; a
/// word starting with `"` or `'` runs to the matching unescaped quote (or the end of the
/// line), where `\` before the quote or another `\` escapes it; unquoted words keep their
/// bytes except `\\`.
fn words(line: &Line) -> Vec<Arg> {
    let b = line.text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        let quote = matches!(b[i], b'"' | b'\'').then_some(b[i]);
        let mut value: Vec<u8> = Vec::new();
        let (body_start, body_end, end);
        if let Some(q) = quote {
            i += 1;
            body_start = i;
            while i < b.len() {
                if b[i] == b'\\' && i + 1 < b.len() && (b[i + 1] == q || b[i + 1] == b'\\') {
                    value.push(b[i + 1]);
                    i += 2;
                    continue;
                }
                if b[i] == q {
                    break;
                }
                value.push(b[i]);
                i += 1;
            }
            body_end = i;
            if i < b.len() {
                i += 1;
            }
            end = i;
        } else {
            body_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                if b[i] == b'\\' && i + 1 < b.len() && b[i + 1] == b'\\' {
                    value.push(b'\\');
                    i += 2;
                    continue;
                }
                value.push(b[i]);
                i += 1;
            }
            body_end = i;
            end = i;
        }
        let value = String::from_utf8_lossy(&value).into_owned();
        let verbatim = body_end - body_start == value.len()
            && line.contiguous(body_start, body_end)
            && quote.is_none();
        let span = line.span_of(start, end.max(start + 1));
        out.push(Arg {
            value,
            span,
            verbatim,
        });
    }
    out
}

/// One open section while reading a file.
struct Open {
    name: String,
    args: Vec<Arg>,
    span: Span,
    body: Vec<Node>,
    /// `None`: kept in the tree; `Some(true)`: a condition that holds (its body is spliced
    /// into the parent); `Some(false)`: a condition that does not hold (its body dropped).
    cond: Option<bool>,
}

struct Reader<'a> {
    sources: &'a mut Sources,
    gateway: &'a Gateway,
    tree: Tree,
    defines: HashMap<String, String>,
    modules: HashSet<String>,
    /// The config loads modules itself (`LoadModule`): `<IfModule>` is then decided by what
    /// it loads; otherwise (a fragment) a module is assumed present.
    loads_modules: bool,
    server_root: PathBuf,
    version: Version,
    /// Files being read (include loop guard), outermost first.
    stack: Vec<FileId>,
    /// Include visits so far, and whether the limit was reported.
    visits: usize,
    visits_over: bool,
}

impl Reader<'_> {
    /// Reads one file's lines into nodes.
    fn file(&mut self, id: FileId, depth: usize) -> Vec<Node> {
        self.stack.push(id);
        let text = std::sync::Arc::clone(&self.sources.get(id).text);
        let mut open: Vec<Open> = vec![Open {
            name: String::new(),
            args: Vec::new(),
            span: Span::new(id, 0, 0),
            body: Vec::new(),
            cond: None,
        }];
        for line in lines(id, &text) {
            let line = self.expand(line);
            self.line(&line, &mut open, depth);
        }
        while open.len() > 1 {
            if let Some(o) = open.pop() {
                self.tree.errors.push(
                    ParseError::new(
                        o.span,
                        format!(
                            "<{}> was not closed (httpd: \"Expected </{}> before end of configuration\")",
                            o.name, o.name
                        ),
                    )
                    .help(format!("add `</{}>` in the same file", o.name)),
                );
                close_into(&mut open, o);
            }
        }
        self.stack.pop();
        open.pop().map(|o| o.body).unwrap_or_default()
    }

    /// `${VAR}` expansion by the definitions seen so far (an undefined name stays as
    /// written: httpd warns and keeps it).
    fn expand(&self, line: Line) -> Line {
        if !line.text.contains("${") {
            return line;
        }
        let mut text = String::new();
        let mut at = Vec::new();
        let src = line.text.as_str();
        let mut i = 0;
        while i < src.len() {
            if src[i..].starts_with("${")
                && let Some(close) = src[i + 2..].find('}')
            {
                let name = &src[i + 2..i + 2 + close];
                if let Some(v) = self.defines.get(name)
                    && text.len() + v.len() <= MAX_LINE
                {
                    // Every byte of the value stands for the whole `${NAME}`: its first at
                    // the `$`, its last at the `}`.
                    let origin = line.at.get(i).copied().unwrap_or(0);
                    let last = line.at.get(i + close + 2).copied().unwrap_or(origin);
                    text.push_str(v);
                    at.extend(std::iter::repeat_n(origin, v.len().saturating_sub(1)));
                    if !v.is_empty() {
                        at.push(last);
                    }
                    i += close + 3;
                    continue;
                }
            }
            let ch = src[i..].chars().next().map_or(1, char::len_utf8);
            text.push_str(&src[i..i + ch]);
            at.extend_from_slice(line.at.get(i..i + ch).unwrap_or(&[]));
            i += ch;
        }
        Line {
            text,
            at,
            span: line.span,
        }
    }

    fn line(&mut self, line: &Line, open: &mut Vec<Open>, depth: usize) {
        let t = line.text.as_str();
        if let Some(rest) = t.strip_prefix("</") {
            let name = rest.trim_end_matches('>').trim();
            let top = open.len() > 1;
            match open.last() {
                Some(o) if top && o.name.eq_ignore_ascii_case(name) => {
                    if let Some(o) = open.pop() {
                        close_into(open, o);
                    }
                }
                Some(o) if top => {
                    let msg = format!("Expected </{}> but saw </{name}>", o.name);
                    let span = o.span;
                    self.tree.errors.push(
                        ParseError::new(line.span, msg).label(span, "the section opened here"),
                    );
                    // httpd stops here; closing the open section keeps later errors apart.
                    if let Some(o) = open.pop() {
                        close_into(open, o);
                    }
                }
                _ => self.tree.errors.push(ParseError::new(
                    line.span,
                    format!("</{name}> without matching <{name}> section"),
                )),
            }
            return;
        }
        if let Some(rest) = t.strip_prefix('<') {
            let Some(inner) = rest.strip_suffix('>') else {
                let name: String = rest.split_whitespace().next().unwrap_or("").to_owned();
                self.tree.errors.push(ParseError::new(
                    line.span,
                    format!("<{name}> directive missing closing '>'"),
                ));
                return;
            };
            if open.len() > MAX_SECTION_DEPTH {
                self.tree
                    .errors
                    .push(ParseError::new(line.span, "sections nested too deeply"));
                return;
            }
            let mut ws = words(line);
            // The first word is `<Name`; drop the closing `>` from the last one.
            if let Some(last) = ws.last_mut()
                && last.value.ends_with('>')
            {
                last.value.pop();
                last.verbatim = false;
                if last.value.is_empty() {
                    ws.pop();
                }
            }
            let name = inner.split_whitespace().next().unwrap_or("").to_owned();
            let args: Vec<Arg> = ws.into_iter().skip(1).collect();
            let skipping = open.iter().any(|o| o.cond == Some(false));
            let cond = if skipping {
                Some(false)
            } else {
                self.condition(&name, &args, line.span)
            };
            open.push(Open {
                name,
                args,
                span: line.span,
                body: Vec::new(),
                cond,
            });
            return;
        }
        if open.iter().any(|o| o.cond == Some(false)) {
            return;
        }
        let mut ws = words(line);
        if ws.is_empty() {
            return;
        }
        let name = ws.remove(0).value;
        let d = Directive {
            name,
            args: ws,
            span: line.span,
        };
        let nodes = self.directive(d, depth);
        if let Some(o) = open.last_mut() {
            o.body.extend(nodes);
        }
    }

    /// Applies what a directive does while reading (definitions, includes, modules,
    /// `ServerRoot`) and returns what goes into the tree.
    fn directive(&mut self, d: Directive, depth: usize) -> Vec<Node> {
        let arg = |i: usize| d.args.get(i).map(|a| a.value.clone());
        if d.is("Define") {
            if let Some(name) = arg(0) {
                let value = arg(1).unwrap_or_default();
                self.defines.insert(name, value);
            } else {
                self.tree
                    .errors
                    .push(ParseError::new(d.span, "Define takes one or two arguments"));
            }
        } else if d.is("UnDefine") {
            if let Some(name) = arg(0) {
                self.defines.remove(&name);
            }
        } else if d.is("LoadModule") {
            self.loads_modules = true;
            if let Some(m) = arg(0) {
                self.modules.insert(m.to_ascii_lowercase());
            }
            if let Some(file) = arg(1) {
                // `modules/mod_ssl.so` also answers `<IfModule mod_ssl.c>`.
                let stem = Path::new(&file)
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_ascii_lowercase());
                if let Some(s) = stem {
                    self.modules.insert(format!("{s}.c"));
                }
            }
        } else if d.is("ServerRoot") {
            if let Some(r) = arg(0) {
                let p = PathBuf::from(r);
                self.server_root = if p.is_absolute() {
                    p
                } else {
                    self.server_root.join(p)
                };
            }
        } else if d.is("Include") || d.is("IncludeOptional") {
            return self.include(&d, depth);
        }
        vec![Node::Directive(d)]
    }

    /// Whether a conditional section holds (`None`: not a conditional section).
    fn condition(&mut self, name: &str, args: &[Arg], span: Span) -> Option<bool> {
        let lower = name.to_ascii_lowercase();
        let first = args.first().map(|a| a.value.as_str());
        let (negated, word) = match first {
            Some(w) => match w.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, w),
            },
            None => (false, ""),
        };
        let holds = match lower.as_str() {
            "ifmodule" => {
                let w = word.to_ascii_lowercase();
                !self.loads_modules
                    || self.modules.contains(&w)
                    || BUILT_IN.contains(&w.as_str())
                    || self
                        .modules
                        .contains(&format!("{}_module", module_stem(&w)))
            }
            "ifdefine" => self.defines.contains_key(word),
            "ifversion" => self.version_holds(args),
            "iffile" | "ifdirective" | "ifsection" => true,
            _ => return None,
        };
        if args.is_empty() {
            self.tree
                .errors
                .push(ParseError::new(span, format!("<{name}> needs an argument")));
        }
        // `<IfVersion !~ …>` negates by its operator, handled in `version_holds`.
        Some(if lower == "ifversion" {
            holds
        } else {
            holds != negated
        })
    }

    /// `<IfVersion [op] X.Y.Z>` against the target (regular expressions: assumed to hold).
    fn version_holds(&self, args: &[Arg]) -> bool {
        let (op, v) = match args {
            [v] => ("=", v.value.as_str()),
            [op, v, ..] => (op.value.as_str(), v.value.as_str()),
            [] => return true,
        };
        let (neg, op) = match op.strip_prefix('!') {
            Some(o) => (true, o),
            None => (false, op),
        };
        let Some(want) = Version::parse(v).or_else(|| {
            let mut it = v.split('.');
            let a = it.next()?.parse().ok()?;
            Some(Version(a, 0, 0))
        }) else {
            return true;
        };
        let have = self.version;
        // `2.4` matches every 2.4.x with `=`: compare as many parts as are written.
        let parts = v.split('.').count();
        let cut = |x: Version| match parts {
            1 => Version(x.0, 0, 0),
            2 => Version(x.0, x.1, 0),
            _ => x,
        };
        let (h, w) = (cut(have), cut(want));
        let r = match op {
            "=" | "==" => h == w,
            ">" => h > w,
            ">=" => h >= w,
            "<" => h < w,
            "<=" => h <= w,
            _ => true,
        };
        r != neg
    }

    /// Reads the files an include names, in place.
    fn include(&mut self, d: &Directive, depth: usize) -> Vec<Node> {
        let optional = d.is("IncludeOptional");
        let Some(a) = d.args.first() else {
            self.tree.errors.push(ParseError::new(
                d.span,
                format!("{} takes one argument", d.name),
            ));
            return Vec::new();
        };
        if depth >= MAX_INCLUDE_DEPTH {
            self.tree.errors.push(ParseError::new(
                d.span,
                format!("Exceeded the maximum include depth of {MAX_INCLUDE_DEPTH}"),
            ));
            return Vec::new();
        }
        let written = PathBuf::from(&a.value);
        let full = if written.is_absolute() {
            written.clone()
        } else {
            self.server_root.join(&written)
        };
        let full = self.gateway.mapped(&full).into_owned();
        let files = match self.targets(d, a, &full, optional) {
            Ok(files) => files,
            Err(unread) => return unread,
        };
        let mut out = Vec::new();
        for f in files {
            self.visits += 1;
            if self.visits > MAX_INCLUDE_VISITS {
                if !self.visits_over {
                    self.visits_over = true;
                    self.tree.errors.push(
                        ParseError::new(
                            d.span,
                            format!(
                                "more than {MAX_INCLUDE_VISITS} include visits from this file (tlslint's \
                                 limit; a file included twice counts twice); not reading further includes"
                            ),
                        )
                        .help("an include bomb? each file seems to include the next more than once"),
                    );
                }
                break;
            }
            if self.tree.files.len() >= MAX_FILES {
                self.tree.errors.push(ParseError::new(
                    d.span,
                    format!("more than {MAX_FILES} files included"),
                ));
                break;
            }
            match self.sources.load_included(&f, self.gateway) {
                Ok(id) => {
                    if self.stack.contains(&id) {
                        self.tree.errors.push(ParseError::new(
                            d.span,
                            format!("{} includes itself", crate::source::display_name(&f)),
                        ));
                        continue;
                    }
                    if !self.tree.files.contains(&id) {
                        self.tree.files.push(id);
                    }
                    out.extend(self.file(id, depth + 1));
                }
                Err(why) if crate::parse::is_unseen(&why) => {
                    out.extend(self.unread(d, &f, &why));
                }
                Err(why) => self.tree.errors.push(ParseError::new(
                    d.span,
                    crate::parse::refused_message(&f, &why),
                )),
            }
        }
        out
    }

    /// The files an include reads, in order; `Err` with the unread marker when the place
    /// it names is out of sight.
    fn targets(
        &mut self,
        d: &Directive,
        a: &Arg,
        full: &Path,
        optional: bool,
    ) -> Result<Vec<PathBuf>, Vec<Node>> {
        let written = Path::new(&a.value);
        let mut files: Vec<PathBuf> = Vec::new();
        if crate::glob::is_pattern(&a.value) {
            let found = self.gateway.glob(full);
            for (dir, why) in &found.refused {
                if crate::parse::is_unseen(why) {
                    return Err(self.unread(d, dir, why));
                }
            }
            for m in found.matches {
                self.collect(&m, &mut files, 0);
            }
            if files.is_empty() && !optional {
                self.tree.errors.push(
                    ParseError::new(
                        a.span,
                        format!(
                            "No matches for the wildcard '{}' in '{}', failing",
                            written
                                .file_name()
                                .map(|n| n.to_string_lossy())
                                .unwrap_or_default(),
                            written
                                .parent()
                                .map(|p| p.display().to_string())
                                .unwrap_or_default()
                        ),
                    )
                    .help("use IncludeOptional where no file may match"),
                );
            }
        } else {
            match self.gateway.resolve(full) {
                Err(why) if crate::parse::is_unseen(&why) => return Err(self.unread(d, full, &why)),
                _ => {}
            }
            if self.gateway.is_dir(full) || self.gateway.is_file(full) {
                self.collect(full, &mut files, 0);
            } else if !optional {
                self.tree.errors.push(ParseError::new(
                    a.span,
                    format!(
                        "Could not open configuration file {}: No such file or directory",
                        written.display()
                    ),
                ));
            }
        }
        Ok(files)
    }

    fn unread(&mut self, d: &Directive, path: &Path, why: &crate::gateway::Refusal) -> Vec<Node> {
        self.tree.outside.push(crate::parse::refused_note(
            d.span,
            path,
            why,
            "the settings it holds",
        ));
        self.tree.unread.push((d.span, path.to_path_buf()));
        let text = format!(
            "{} {}",
            d.name,
            d.args.first().map_or("", |a| a.value.as_str())
        );
        vec![Node::Unread(d.span, text)]
    }

    /// A matched path: a file, or a directory read whole (sorted, recursively).
    fn collect(&mut self, p: &Path, out: &mut Vec<PathBuf>, level: usize) {
        if !self.gateway.is_dir(p) {
            out.push(p.to_path_buf());
            return;
        }
        if level >= MAX_DIR_DEPTH {
            return;
        }
        let Ok(names) = self.gateway.list(p) else {
            return;
        };
        for n in names.iter() {
            let name = n.to_string_lossy();
            if name == "." || name == ".." {
                continue;
            }
            self.collect(&p.join(n), out, level + 1);
        }
    }
}

/// Modules compiled into Debian's and upstream's default httpd (`httpd -l`).
const BUILT_IN: &[&str] = &[
    "core.c",
    "mod_so.c",
    "mod_watchdog.c",
    "http_core.c",
    "mod_log_config.c",
    "mod_logio.c",
    "mod_version.c",
    "mod_unixd.c",
    "core_module",
    "so_module",
    "watchdog_module",
    "http_module",
    "log_config_module",
    "logio_module",
    "version_module",
    "unixd_module",
];

/// `mod_ssl.c` → `ssl`.
fn module_stem(w: &str) -> &str {
    let w = w.strip_suffix(".c").unwrap_or(w);
    w.strip_prefix("mod_").unwrap_or(w)
}

/// Closes a section into its parent: kept, spliced (a condition that holds) or dropped.
fn close_into(open: &mut [Open], o: Open) {
    let Some(parent) = open.last_mut() else {
        return;
    };
    match o.cond {
        None => parent.body.push(Node::Section(Section {
            name: o.name,
            args: o.args,
            span: o.span,
            body: o.body,
        })),
        Some(true) => parent.body.extend(o.body),
        Some(false) => {}
    }
}
