//! Directives and blocks, with `include` expanded in place, as `ngx_conf_parse()` builds them.
//!
//! The tree is an arena: every directive instance gets a [`DirId`]; a block lists its
//! children in file order, with included directives placed right after the `include` that
//! brought them (an `include` is textual: its directives belong to the including block).
//! Parsing uses explicit stacks for blocks and files, so hostile input (deep nesting, long
//! include chains) cannot overflow the Rust stack, and runs in time linear in the input.
//!
//! Includes follow nginx: relative paths resolve against the directory of the main config
//! (the prefix), patterns with `*`, `?` or `[` are globbed in byte order without dotfiles,
//! an empty glob is fine, a missing literal file is an error. Unlike nginx, cycles are
//! reported instead of crashing. `nginx -T` dumps are read too: each
//! `# configuration file PATH:` section is a file and includes are matched against those
//! names.
//!
//! This module knows no directive semantics beyond what the grammar needs: which blocks
//! have non-directive bodies (`map`, `types`, ...) and which hold Lua code.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::lexer::{Arg, End, Lexer, Value};
use crate::escape::short;
use crate::gateway::{Gateway, Refusal};
use crate::glob;
use crate::parse::ParseError;
use crate::source::{FileId, Sources, Span};

/// Index of a directive in [`Tree::directives`].
pub type DirId = usize;

/// Blocks nested deeper than this are an error (nginx has no limit but no real config
/// comes close; the limit keeps every later walk shallow).
pub const MAX_DEPTH: usize = 256;

/// Files entered through `include` per entry file, counting every visit (a file included
/// twice counts twice), so an include bomb (each level including the next twice) stops
/// after this much work instead of 2^depth. Large hosting setups include a few thousand
/// `sites-enabled/` files once each; 100,000 visits take under a second.
pub const MAX_INCLUDES: usize = 100_000;

/// Blocks whose bodies are read by a custom handler (`cf->handler`): their statements are
/// entries, not directives, and a nested `{` is `unexpected "{"`.
const ENTRY_BLOCKS: &[&str] = &[
    "types",
    "map",
    "geo",
    "split_clients",
    "charset_map",
    "match",
    "geoip2",
];

/// What a block's body holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// Ordinary directives.
    Directives,
    /// Entries of a handler body (`map`, `types`, `geo`, ...).
    Entries,
}

/// A `{ … }` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// What the body holds.
    pub kind: BodyKind,
    /// The `{`.
    pub open: Span,
    /// The matching `}`, when there is one.
    pub close: Option<Span>,
    /// Directive instances in order, includes expanded.
    pub children: Vec<DirId>,
}

/// One directive instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The name (nginx allows it quoted; the value is what counts).
    pub name: Arg,
    /// The arguments.
    pub args: Vec<Arg>,
    /// From the name to the terminating `;` or `{` inclusive.
    pub span: Span,
    /// The block, when the directive has one.
    pub block: Option<Block>,
    /// The Lua code of a `*_by_lua_block` (without the braces).
    pub lua: Option<Span>,
    /// The `include` instance whose file holds this directive (for "included from" labels).
    pub included_from: Option<DirId>,
}

impl Directive {
    /// The directive's name as nginx sees it.
    pub fn name(&self) -> &str {
        &self.name.value
    }

    /// The children of its block (empty without a block).
    pub fn children(&self) -> &[DirId] {
        self.block.as_ref().map_or(&[], |b| &b.children)
    }

    /// The span of all arguments (quotes included), or of the name when there are none.
    pub fn args_span(&self) -> Span {
        match (self.args.first(), self.args.last()) {
            (Some(a), Some(b)) => a.full_span().to(b.full_span()),
            _ => self.name.full_span(),
        }
    }
}

/// A parsed configuration: the entry file with every include expanded.
#[derive(Debug, Default)]
pub struct Tree {
    /// Every directive instance.
    pub directives: Vec<Directive>,
    /// The top-level directives of the entry file.
    pub root: Vec<DirId>,
    /// Every file read, entry first, each once.
    pub files: Vec<FileId>,
    /// nginx's conf prefix: relative includes and key-material paths resolve against it.
    pub prefix: PathBuf,
    /// Syntax and include errors.
    pub errors: Vec<ParseError>,
    /// Includes not read because they lead outside the checked root (or into `/proc`,
    /// ...), with the path and why.
    pub outside_root: Vec<(DirId, PathBuf, Refusal)>,
    /// Included files that do not lex as nginx syntax (perhaps no config at all: `include
    /// .env;`): their text is withdrawn from every output.
    pub opaque: Vec<FileId>,
}

impl Tree {
    /// A directive by id.
    pub fn get(&self, id: DirId) -> &Directive {
        &self.directives[id]
    }
}

/// A file (or a section of an `nginx -T` dump) to read.
#[derive(Clone, Debug)]
struct Unit {
    file: FileId,
    start: usize,
    end: usize,
    /// Identity for cycle detection (canonical path, or the dumped name).
    key: PathBuf,
}

/// Where included files come from.
enum Fs {
    Disk,
    /// `nginx -T`: the dump file and its sections by name.
    Dump {
        file: FileId,
        sections: Vec<(String, usize, usize)>,
    },
}

struct Loader {
    prefix: PathBuf,
    /// Every open, listing and glob goes through it.
    gateway: Arc<Gateway>,
    fs: Fs,
    cache: HashMap<PathBuf, FileId>,
    files: Vec<FileId>,
}

/// Why an include target was not opened.
enum OpenError {
    /// Not visible from the checked tree (outside the root, `/proc`): a note.
    Unseen(Refusal),
    /// nginx fails here too, or tlslint refuses a file that is not a config: an error.
    Failed(String),
    /// A run-wide budget is used up: reported once.
    Budget(String),
}

impl Loader {
    /// Opens one include target; the error text is nginx's.
    fn open(&mut self, path: &Path, sources: &mut Sources) -> Result<Unit, OpenError> {
        match &self.fs {
            Fs::Dump { file, sections } => {
                let name = path.to_string_lossy();
                let found = sections.iter().find(|(n, _, _)| *n == *name);
                match found {
                    Some((n, start, end)) => Ok(Unit {
                        file: *file,
                        start: *start,
                        end: *end,
                        key: PathBuf::from(n),
                    }),
                    None => Err(OpenError::Failed(format!(
                        "open() \"{}\" failed (2: No such file or directory)",
                        path.display()
                    ))),
                }
            }
            Fs::Disk => {
                let refused = |r: Refusal| {
                    if crate::parse::is_unseen(&r) {
                        return OpenError::Unseen(r);
                    }
                    if let Refusal::Budget { what } = r {
                        return OpenError::Budget(what);
                    }
                    OpenError::Failed(match r {
                        Refusal::NotRegular {
                            what: "a directory",
                        } => format!("pread() \"{}\" failed (21: Is a directory)", path.display()),
                        Refusal::Missing { .. } | Refusal::Loop | Refusal::Io { .. } => {
                            let (code, text) = r.os_error();
                            format!("open() \"{}\" failed ({code}: {text})", path.display())
                        }
                        // Not a config: named, never quoted.
                        other => format!("include \"{}\" was not read: {other}", path.display()),
                    })
                };
                let resolved = self.gateway.resolve(path).map_err(refused)?;
                let key = resolved.path;
                if let Some(&file) = self.cache.get(&key) {
                    let end = sources.get(file).text.len();
                    return Ok(Unit {
                        file,
                        start: 0,
                        end,
                        key,
                    });
                }
                let file = sources
                    .load_included(path, &self.gateway)
                    .map_err(refused)?;
                self.cache.insert(key.clone(), file);
                if !self.files.contains(&file) {
                    self.files.push(file);
                }
                let end = sources.get(file).text.len();
                Ok(Unit {
                    file,
                    start: 0,
                    end,
                    key,
                })
            }
        }
    }

    /// The files an include argument names, in nginx's order.
    fn resolve(&self, pattern: &str) -> (PathBuf, Option<crate::gateway::Glob>) {
        let path = self.prefix.join(pattern);
        if !glob::is_pattern(pattern) {
            return (path, None);
        }
        let list = match &self.fs {
            Fs::Disk => return (path.clone(), Some(self.gateway.glob(&path))),
            Fs::Dump { sections, .. } => {
                let pat = path.to_string_lossy();
                let mut names: Vec<&str> = sections
                    .iter()
                    .map(|(n, _, _)| n.as_str())
                    .filter(|n| glob::matches_path(&pat, n))
                    .collect();
                names.sort_unstable();
                names.dedup();
                names.into_iter().map(PathBuf::from).collect()
            }
        };
        let glob = crate::gateway::Glob {
            matches: list,
            refused: Vec::new(),
        };
        (path, Some(glob))
    }
}

enum Frame {
    File {
        unit: Unit,
        text: Arc<str>,
        pos: usize,
        include: Option<DirId>,
        blocks_at_start: usize,
    },
    /// The remaining files of a glob include.
    Pending {
        paths: std::vec::IntoIter<PathBuf>,
        include: DirId,
    },
}

struct Parser<'s> {
    sources: &'s mut Sources,
    tree: Tree,
    loader: Loader,
    frames: Vec<Frame>,
    blocks: Vec<DirId>,
    /// Keys of the files being read (the include chain), with counts.
    active: HashMap<PathBuf, usize>,
    includes: usize,
    reported_depth: bool,
    reported_includes: bool,
}

/// The directory relative includes resolve against. nginx uses its conf prefix, the directory
/// of `nginx.conf`; for a fragment linted on its own (a `sites-enabled/` file, a template),
/// that is the nearest enclosing directory holding an `nginx.conf`, within the checked root.
fn conf_prefix(entry: &Path, dir: PathBuf, gateway: &Gateway) -> PathBuf {
    if entry.file_name().is_some_and(|n| n == "nginx.conf") {
        return dir;
    }
    dir.ancestors()
        .take_while(|a| gateway.root().is_none_or(|r| a.starts_with(r)))
        .find(|a| gateway.is_file(&a.join("nginx.conf")))
        .map_or(dir.clone(), Path::to_path_buf)
}

/// Parses `entry` and everything it includes, reading through the options' gateway:
/// includes it does not let through are listed in [`Tree::outside_root`] or reported.
pub fn parse(entry: &Path, sources: &mut Sources, options: &crate::parse::Options) -> Tree {
    let gateway = Arc::clone(&options.gateway);
    let file = match crate::parse::load(entry, sources, options) {
        Ok(f) => f,
        Err(e) => {
            let file = e.span.file;
            return Tree {
                files: vec![file],
                errors: vec![e],
                ..Tree::default()
            };
        }
    };
    let text = Arc::clone(&sources.get(file).text);
    let prefix = entry
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let prefix = gateway.resolve(&prefix).map_or(prefix, |r| r.path);
    let prefix = conf_prefix(entry, prefix, &gateway);
    let key = gateway
        .resolve(entry)
        .map_or_else(|_| entry.to_path_buf(), |r| r.path);
    let (fs, unit, prefix) = match dump_sections(&text) {
        Some(sections) => {
            let (name, start, end) = sections[0].clone();
            let prefix = Path::new(&name)
                .parent()
                .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
            let unit = Unit {
                file,
                start,
                end,
                key: PathBuf::from(name),
            };
            (Fs::Dump { file, sections }, unit, prefix)
        }
        None => (
            Fs::Disk,
            Unit {
                file,
                start: 0,
                end: text.len(),
                key: key.clone(),
            },
            prefix,
        ),
    };
    let mut cache = HashMap::new();
    cache.insert(key, file);
    let mut parser = Parser {
        sources,
        tree: Tree::default(),
        loader: Loader {
            prefix,
            gateway,
            fs,
            cache,
            files: vec![file],
        },
        frames: Vec::new(),
        blocks: Vec::new(),
        active: HashMap::new(),
        includes: 0,
        reported_depth: false,
        reported_includes: false,
    };
    parser.push_file(unit, text, None);
    parser.run();
    let mut tree = parser.tree;
    tree.files = parser.loader.files;
    tree.prefix = parser.loader.prefix;
    tree
}

/// Splits an `nginx -T` dump into `(name, start, end)` sections; `None` when the text
/// does not start with a `# configuration file PATH:` header.
fn dump_sections(text: &str) -> Option<Vec<(String, usize, usize)>> {
    const HEAD: &str = "# configuration file ";
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    if !first.starts_with(HEAD) {
        return None;
    }
    let mut sections: Vec<(String, usize, usize)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(name) = bare.strip_prefix(HEAD).and_then(|r| r.strip_suffix(':')) {
            if let Some(last) = sections.last_mut() {
                last.2 = start;
            }
            sections.push((name.to_owned(), offset, text.len()));
        }
    }
    (!sections.is_empty()).then_some(sections)
}

impl Parser<'_> {
    fn push_file(&mut self, unit: Unit, text: Arc<str>, include: Option<DirId>) {
        *self.active.entry(unit.key.clone()).or_insert(0) += 1;
        let pos = unit.start;
        self.frames.push(Frame::File {
            unit,
            text,
            pos,
            include,
            blocks_at_start: self.blocks.len(),
        });
    }

    fn run(&mut self) {
        let mut args = Vec::new();
        while let Some(frame) = self.frames.last_mut() {
            let (unit, text, pos, include, blocks_at_start) = match frame {
                Frame::File {
                    unit,
                    text,
                    pos,
                    include,
                    blocks_at_start,
                } => (
                    unit.clone(),
                    Arc::clone(text),
                    pos,
                    *include,
                    *blocks_at_start,
                ),
                Frame::Pending { paths, include } => {
                    let include = *include;
                    match paths.next() {
                        Some(path) => self.enter(&path, include),
                        None => {
                            self.frames.pop();
                        }
                    }
                    continue;
                }
            };
            let mut lexer = Lexer::new_shared(&text, unit.file, *pos, unit.end);
            let before = self.tree.errors.len();
            let end = lexer.statement(&mut args, &mut self.tree.errors);
            *pos = lexer.pos();
            if self.tree.errors.len() > before && include.is_some() {
                self.opaque(unit.file);
            }
            match end {
                End::Eof => {
                    let lexer_reported = self.tree.errors.len() > before;
                    if !args.is_empty() {
                        let span = Span::new(unit.file, unit.end, unit.end);
                        self.add(&mut args, span, include);
                    }
                    if self.blocks.len() > blocks_at_start && !lexer_reported {
                        self.tree.errors.push(ParseError::new(
                            Span::new(unit.file, unit.end, unit.end),
                            "unexpected end of file, expecting \"}\"",
                        ));
                    }
                    self.blocks.truncate(blocks_at_start);
                    if let Some(n) = self.active.get_mut(&unit.key) {
                        *n = n.saturating_sub(1);
                    }
                    self.frames.pop();
                }
                End::Semicolon(at) => {
                    let span = Span::new(unit.file, at, at + 1);
                    if let Some(id) = self.add(&mut args, span, include)
                        && self.tree.directives[id].name() == "include"
                    {
                        self.include(id);
                    }
                }
                End::BlockStart(at) => {
                    self.block_start(&mut args, &text, unit.file, at, include);
                }
                End::BlockEnd(at) => {
                    let span = Span::new(unit.file, at, at + 1);
                    let had_args = !args.is_empty();
                    if had_args {
                        // Recovery: keep the unterminated directive (the lexer reported it).
                        self.add(&mut args, span, include);
                    }
                    if self.blocks.len() > blocks_at_start {
                        if let Some(id) = self.blocks.pop()
                            && let Some(b) = self.tree.directives[id].block.as_mut()
                        {
                            b.close = Some(span);
                        }
                    } else if !had_args {
                        self.tree
                            .errors
                            .push(ParseError::new(span, "unexpected \"}\""));
                    }
                }
            }
        }
    }

    fn parent_kind(&self) -> BodyKind {
        self.blocks
            .last()
            .and_then(|&id| self.tree.directives[id].block.as_ref())
            .map_or(BodyKind::Directives, |b| b.kind)
    }

    fn block_start(
        &mut self,
        args: &mut Vec<Arg>,
        text: &Arc<str>,
        file: FileId,
        at: usize,
        include: Option<DirId>,
    ) {
        let open = Span::new(file, at, at + 1);
        let parent_kind = self.parent_kind();
        if parent_kind == BodyKind::Entries {
            self.tree
                .errors
                .push(ParseError::new(open, "unexpected \"{\""));
        }
        if args.is_empty() {
            // Recovery for `{` without a name (already reported): an anonymous block.
            args.push(Arg {
                span: Span::new(file, at, at),
                value: Value::from(""),
                quoted: false,
            });
        }
        let name = args[0].value.clone();
        if parent_kind == BodyKind::Directives && name.ends_with("_by_lua_block") {
            let Some(id) = self.add(args, open, include) else {
                return;
            };
            let Some(Frame::File { pos, unit, .. }) = self.frames.last_mut() else {
                return;
            };
            let mut lexer = Lexer::new_shared(text, file, *pos, unit.end);
            let body = lexer.skip_lua_block(&mut self.tree.errors);
            *pos = lexer.pos();
            self.tree.directives[id].lua = Some(body);
            return;
        }
        let kind = if parent_kind == BodyKind::Entries || ENTRY_BLOCKS.contains(&name.as_str()) {
            BodyKind::Entries
        } else {
            BodyKind::Directives
        };
        let Some(id) = self.add(args, open, include) else {
            return;
        };
        self.tree.directives[id].block = Some(Block {
            kind,
            open,
            close: None,
            children: Vec::new(),
        });
        if self.blocks.len() >= MAX_DEPTH && !self.reported_depth {
            self.reported_depth = true;
            self.tree.errors.push(ParseError::new(
                open,
                format!("blocks are nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        self.blocks.push(id);
    }

    /// Adds a directive from the statement's tokens to the current block.
    fn add(
        &mut self,
        args: &mut Vec<Arg>,
        terminator: Span,
        include: Option<DirId>,
    ) -> Option<DirId> {
        if args.is_empty() {
            return None;
        }
        // Keep `args` (and its capacity) for the next statement; the directive gets an
        // exactly sized copy, since a tree holds hundreds of thousands of them.
        let mut drained = args.drain(..);
        let mut name = drained.next()?;
        let all: Vec<Arg> = drained.collect();
        if let Some(rest) = name
            .value
            .clone()
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
        {
            self.tree.errors.push(
                ParseError::new(
                    name.span,
                    format!("unknown directive \"\\u{{feff}}{}\" (the file starts with a UTF-8 byte order mark)", short(&rest)),
                )
                .help("nginx does not skip a byte order mark: save the file as UTF-8 without BOM"),
            );
            name.value = Value::from(rest);
        }
        // Every nginx directive name (core and third-party modules) is `[A-Za-z0-9_]+`;
        // anything else is certainly unknown, typically an unquoted regex cut at `{`.
        if self.parent_kind() == BodyKind::Directives
            && !name.value.is_empty()
            && !name
                .value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.tree.errors.push(ParseError::new(
                name.full_span(),
                format!("unknown directive \"{}\"", short(&name.value)),
            ));
            if include.is_some() {
                self.opaque(name.span.file);
            }
        }
        let span = name.full_span().to(terminator);
        let id = self.tree.directives.len();
        self.tree.directives.push(Directive {
            name,
            args: all,
            span,
            block: None,
            lua: None,
            included_from: include,
        });
        match self.blocks.last() {
            Some(&parent) => {
                if let Some(b) = self.tree.directives[parent].block.as_mut() {
                    b.children.push(id);
                }
            }
            None => self.tree.root.push(id),
        }
        Some(id)
    }

    fn include(&mut self, id: DirId) {
        if self.reported_includes {
            // Past the visit limit nothing more is read, so do not list directories
            // either: 20,000 `include d/*.conf;` over a 20,000-file directory would list
            // 400 million names.
            return;
        }
        let dir = &self.tree.directives[id];
        if dir.args.len() != 1 {
            let e = ParseError::new(
                dir.span,
                "invalid number of arguments in \"include\" directive",
            );
            self.tree.errors.push(e);
            return;
        }
        let pattern = dir.args[0].value.clone();
        let (path, list) = self.loader.resolve(&pattern);
        match list {
            None => self.enter(&path, id),
            Some(glob) => {
                for (dir, why) in glob.refused {
                    if let Refusal::Budget { what } = why {
                        self.budget_error(id, &what);
                    } else {
                        self.tree.outside_root.push((id, dir, why));
                    }
                }
                if !glob.matches.is_empty() {
                    self.frames.push(Frame::Pending {
                        paths: glob.matches.into_iter(),
                        include: id,
                    });
                }
            }
        }
    }

    /// Withdraws an included file's text from every output (see [`Tree::opaque`]).
    fn opaque(&mut self, file: FileId) {
        if !self.tree.opaque.contains(&file) {
            self.tree.opaque.push(file);
        }
    }

    /// Reports an exhausted run budget once.
    fn budget_error(&mut self, at: DirId, what: &str) {
        if self.reported_includes {
            return;
        }
        self.reported_includes = true;
        let span = self.tree.directives[at].span;
        self.tree.errors.push(ParseError::new(
            span,
            format!("{what}; the rest is not read"),
        ));
    }

    /// Starts reading one included file (called with the include's block on top).
    fn enter(&mut self, path: &Path, include: DirId) {
        let span = self.tree.directives[include].span;
        self.includes += 1;
        if self.includes > MAX_INCLUDES {
            if !self.reported_includes {
                self.reported_includes = true;
                self.tree.errors.push(ParseError::new(
                    span,
                    format!(
                        "more than {MAX_INCLUDES} include visits from this file (tlslint's \
                         limit; a file included twice counts twice); the rest is not read"
                    ),
                ));
            }
            return;
        }
        let unit = match self.loader.open(path, self.sources) {
            Ok(u) => u,
            Err(OpenError::Unseen(why)) => {
                self.tree
                    .outside_root
                    .push((include, path.to_path_buf(), why));
                return;
            }
            Err(OpenError::Failed(msg)) => {
                self.tree.errors.push(ParseError::new(span, msg));
                return;
            }
            Err(OpenError::Budget(what)) => {
                self.budget_error(include, &what);
                return;
            }
        };
        if self.active.get(&unit.key).copied().unwrap_or(0) > 0 {
            let mut e = ParseError::new(
                span,
                format!("include cycle: \"{}\" is already being read", path.display()),
            )
            .help("nginx has no cycle check (it crashes on this configuration): remove one of the includes");
            let mut in_cycle = false;
            for frame in &self.frames {
                if let Frame::File {
                    unit: u,
                    include: inc,
                    ..
                } = frame
                {
                    if u.key == unit.key {
                        in_cycle = true;
                    }
                    if in_cycle && let Some(inc) = inc {
                        let d = &self.tree.directives[*inc];
                        e = e.label(d.span, "included here");
                    }
                }
            }
            self.tree.errors.push(e);
            return;
        }
        let text = Arc::clone(&self.sources.get(unit.file).text);
        self.push_file(unit, text, Some(include));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_bombs_stop_at_the_visit_limit() {
        // Each level includes the next twice: 2^20 visits of two files without a limit.
        let dir =
            std::env::temp_dir().join(format!("tlslint-nginx-include-bomb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 1..20 {
            let next = format!("include l{}.conf;\n", i + 1);
            std::fs::write(dir.join(format!("l{i}.conf")), next.repeat(2)).unwrap();
        }
        std::fs::write(dir.join("l20.conf"), "ssl_prefer_server_ciphers on;\n").unwrap();
        let entry = dir.join("nginx.conf");
        std::fs::write(&entry, "http {\n include l1.conf;\n include l1.conf;\n}\n").unwrap();
        let mut sources = Sources::new();
        let options = crate::parse::Options {
            gateway: Arc::new(Gateway::confined(&dir)),
            ..crate::parse::Options::default()
        };
        let tree = parse(&entry, &mut sources, &options);
        assert_eq!(tree.errors.len(), 1, "{:?}", tree.errors);
        let e = &tree.errors[0];
        assert!(e.message.contains("100000 include visits"), "{}", e.message);
        assert!(
            sources
                .get(e.span.file)
                .slice(e.span)
                .starts_with("include")
        );
        // Each file is read once however often it is visited.
        assert_eq!(tree.files.len(), 21);
    }
}
