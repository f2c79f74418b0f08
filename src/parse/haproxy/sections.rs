//! From lines to sections, as HAProxy reads its `-f` files: conditional blocks are applied
//! (see `cond.rs`), then every line whose keyword names a section starts one; the lines up
//! to the next such keyword belong to it. Each file starts outside any section (a keyword
//! there is an error), and a conditional block must end in the file that opens it.

use super::cond::{self, Tri};
use super::lexer::{self, Line};
use crate::model::{Targets, Version};
use crate::parse::ParseError;
use crate::source::{FileId, Span};

/// Section keywords HAProxy knows (2.0 – 3.2). Only `global`, `defaults`, `frontend`,
/// `backend` and `listen` hold TLS settings; the others are read past.
pub(crate) const SECTIONS: [&str; 19] = [
    "global",
    "defaults",
    "frontend",
    "backend",
    "listen",
    "resolvers",
    "peers",
    "userlist",
    "program",
    "http-errors",
    "ring",
    "cache",
    "mailers",
    "log-forward",
    "fcgi-app",
    "crt-store",
    "traces",
    "acme",
    "dynamic-update",
];

/// A line kept by the conditional blocks.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The words.
    pub(crate) line: Line,
    /// Inside a block whose condition tlslint cannot decide.
    pub(crate) maybe: bool,
}

/// One section.
#[derive(Clone, Debug)]
pub(crate) struct Section {
    /// `global`, `frontend`, ...
    pub(crate) kind: String,
    /// The header line.
    pub(crate) header: Entry,
    /// The lines after the header.
    pub(crate) entries: Vec<Entry>,
}

impl Section {
    /// The section's name (`frontend NAME`), or "".
    pub(crate) fn name(&self) -> &str {
        self.header.line.arg(1)
    }

    /// `defaults ... from NAME` / `frontend x from NAME`: the named defaults it uses.
    pub(crate) fn from(&self) -> Option<&str> {
        let w = &self.header.line.words;
        w.iter()
            .position(|x| x.value == "from")
            .filter(|i| *i >= 1)
            .and_then(|i| w.get(i + 1))
            .map(|x| x.value.as_str())
    }
}

/// What reading the files gave.
#[derive(Debug, Default)]
pub(crate) struct Read {
    /// Sections in file order.
    pub(crate) sections: Vec<Section>,
    /// Syntax errors.
    pub(crate) errors: Vec<ParseError>,
}

/// One open `.if`.
struct Frame {
    /// The `.if` line, for "missing .endif".
    span: Span,
    /// The enclosing blocks let lines through (`No`: skipped, `Maybe`: maybe).
    outer: Tri,
    /// Some earlier branch was taken.
    taken: Tri,
    /// The current branch is taken.
    now: Tri,
    /// `.else` was seen.
    in_else: bool,
}

/// Reads one file's text into `read` (sections continue across files only through the
/// `defaults` and `global` state the extractor keeps).
pub(crate) fn read_file(
    file: FileId,
    text: &str,
    targets: &Targets,
    haproxy: Version,
    read: &mut Read,
) {
    let (lines, errors) = lexer::lines(file, text);
    read.errors.extend(errors);
    let mut stack: Vec<Frame> = Vec::new();
    let mut current: Option<Section> = None;
    for line in lines {
        let kw = line.keyword().to_owned();
        if kw.starts_with('.') {
            directive(&kw, &line, targets, haproxy, &mut stack, &mut read.errors);
            continue;
        }
        let state = stack.last().map_or(Tri::Yes, |f| f.outer.and(f.now));
        if state == Tri::No {
            continue;
        }
        let entry = Entry {
            line,
            maybe: state == Tri::Maybe,
        };
        if SECTIONS.contains(&kw.as_str()) {
            if let Some(s) = current.take() {
                read.sections.push(s);
            }
            current = Some(Section {
                kind: kw,
                header: entry,
                entries: Vec::new(),
            });
            continue;
        }
        match current.as_mut() {
            Some(s) => {
                let maybe = entry.maybe || s.header.maybe;
                s.entries.push(Entry { maybe, ..entry });
            }
            None => read.errors.push(
                ParseError::new(
                    entry.line.words[0].span,
                    format!("unknown keyword '{}' out of section", crate::escape::short(&kw)),
                )
                .help("start a section first (`global`, `defaults`, `frontend`, `backend`, `listen`, ...)"),
            ),
        }
    }
    if let Some(s) = current.take() {
        read.sections.push(s);
    }
    for f in stack {
        read.errors.push(
            ParseError::new(f.span, "missing '.endif' at end of file")
                .help("close every `.if` block with `.endif` in the same file"),
        );
    }
}

/// A `.if` / `.elif` / `.else` / `.endif` / `.alert` ... line.
fn directive(
    kw: &str,
    line: &Line,
    targets: &Targets,
    haproxy: Version,
    stack: &mut Vec<Frame>,
    errors: &mut Vec<ParseError>,
) {
    let at = line.words[0].span;
    let condition = || {
        line.words[1..]
            .iter()
            // A variable keeps its `$`, so the predicate knows its value is not known.
            .map(|w| w.value.clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let outer = stack.last().map_or(Tri::Yes, |f| f.outer.and(f.now));
    let decide = |errors: &mut Vec<ParseError>| match cond::eval(&condition(), targets, haproxy) {
        Ok(v) => v,
        Err(e) => {
            errors.push(ParseError::new(
                line.span,
                format!("failed to parse condition: {e}"),
            ));
            Tri::Maybe
        }
    };
    match kw {
        ".if" => {
            let now = if outer == Tri::No {
                Tri::No
            } else {
                decide(errors)
            };
            stack.push(Frame {
                span: at,
                outer,
                taken: now,
                now,
                in_else: false,
            });
        }
        ".elif" | ".else" => {
            let Some(f) = stack.last() else {
                errors.push(ParseError::new(
                    at,
                    format!("'{kw}' without a matching '.if'"),
                ));
                return;
            };
            if f.in_else {
                errors.push(ParseError::new(
                    at,
                    format!("'{kw}' after '.else' is not allowed"),
                ));
                return;
            }
            let taken = f.taken;
            let c = if kw == ".else" || f.outer == Tri::No {
                Tri::Yes
            } else {
                decide(errors)
            };
            if let Some(f) = stack.last_mut() {
                f.now = taken.not_taken().and(c);
                f.taken = match (taken, c) {
                    (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
                    (Tri::No, Tri::No) => Tri::No,
                    _ => Tri::Maybe,
                };
                f.in_else = kw == ".else";
            }
        }
        ".endif" => {
            if stack.pop().is_none() {
                errors.push(ParseError::new(at, "'.endif' without a matching '.if'"));
            }
        }
        ".alert" if outer == Tri::Yes => errors.push(
            ParseError::new(line.span, format!("HAProxy stops here: {}", line.arg(1)))
                .help("`.alert` makes HAProxy refuse the configuration"),
        ),
        ".alert" | ".warning" | ".notice" | ".diag" => {}
        _ => errors.push(ParseError::new(
            at,
            format!("unknown directive '{}'", crate::escape::short(kw)),
        )),
    }
}

impl Tri {
    /// "No earlier branch was taken".
    fn not_taken(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
        }
    }
}
