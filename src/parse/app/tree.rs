//! One small span-carrying tree for YAML and TOML application configs.
//!
//! Both readers produce the same [`Node`] shape (maps, sequences, scalars), each node with a
//! byte [`Span`] into the source file, so the app-description engine never sees a format.
//! Scalars keep their decoded text, whether they were quoted, their resolved type (an
//! unquoted YAML `1.2` is a float) and, when known, the exact span of the decoded text.
//!
//! YAML is read from `saphyr-parser` events rather than a loaded document so that aliases are
//! expanded under a budget (no billion-laughs blow-up), nesting is bounded without recursion,
//! and the scalar style survives. Markers count characters; they are converted to byte
//! offsets once per file. This module knows nothing about applications.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::parse::ParseError;
use crate::source::{FileId, Span};

/// Deepest nesting accepted; deeper input is an error, not a stack overflow.
pub const MAX_DEPTH: usize = 256;

/// Most nodes that alias expansion may copy per file (YAML "billion laughs" defence).
const ALIAS_BUDGET: usize = 200_000;

/// A node of a parsed config.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the node is written (for block collections: from the first key or item).
    pub span: Span,
    /// What it is.
    pub kind: Kind,
}

/// The shape of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A mapping / table, entries in file order.
    Map(Vec<Entry>),
    /// A sequence / array.
    Seq(Vec<Node>),
    /// A scalar value.
    Scalar(Scalar),
}

/// A mapping entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key's decoded text.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// How a scalar resolves (YAML 1.2 core schema; TOML types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarType {
    /// A string (every quoted or block scalar, and plain text that is nothing else).
    Str,
    /// An integer.
    Int,
    /// A floating-point number.
    Float,
    /// `true` / `false`.
    Bool,
    /// `null`, `~` or nothing.
    Null,
    /// A TOML date-time.
    DateTime,
}

/// A scalar with its decoded text.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The decoded text (escapes resolved, quotes removed).
    pub value: String,
    /// True when written quoted (or as a YAML block scalar).
    pub quoted: bool,
    /// The resolved type.
    pub ty: ScalarType,
    /// The span whose bytes are exactly `value`, when there is one (no escapes, no folding).
    pub exact: Option<Span>,
}

impl Node {
    /// The scalar, if this node is one.
    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if this node is a map.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(e) => Some(e),
            _ => None,
        }
    }

    /// The first entry with this key, if this node is a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }

    /// The best span for the node's value: the exact text of a scalar, else the node.
    pub fn value_span(&self) -> Span {
        self.scalar().and_then(|s| s.exact).unwrap_or(self.span)
    }

    fn count(&self) -> usize {
        match &self.kind {
            Kind::Scalar(_) => 1,
            Kind::Seq(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            Kind::Map(entries) => 1 + entries.iter().map(|e| e.value.count()).sum::<usize>(),
        }
    }
}

/// Most dots a key may have to be split by [`expand_dotted`]; longer keys stay whole.
const MAX_KEY_DOTS: usize = 16;

/// The tree with every dotted key (`a.b.c: 1`) turned into nested maps (`a: {b: {c: 1}}`)
/// and entries that then share a key merged, so flat, nested and mixed spellings of the
/// same setting read alike (Elasticsearch's `elasticsearch.yml`). A split key's parts keep
/// their own spans when the key is written plainly; nested maps made up for a split key
/// span from the key to the end of its value. The first of two conflicting scalars wins,
/// as with duplicate keys elsewhere.
pub fn expand_dotted(node: &Node) -> Node {
    match &node.kind {
        Kind::Scalar(_) => node.clone(),
        Kind::Seq(items) => Node {
            span: node.span,
            kind: Kind::Seq(items.iter().map(expand_dotted).collect()),
        },
        Kind::Map(entries) => Node {
            span: node.span,
            kind: Kind::Map(group(entries.iter().map(split_entry).collect(), 0)),
        },
    }
}

/// One entry with its key split on dots, its value expanded.
fn split_entry(e: &Entry) -> Entry {
    let value = expand_dotted(&e.value);
    let parts: Vec<&str> = e.key.split('.').collect();
    if parts.len() < 2 || parts.len() > MAX_KEY_DOTS + 1 || parts.iter().any(|p| p.is_empty()) {
        return Entry {
            key: e.key.clone(),
            key_span: e.key_span,
            value,
        };
    }
    // Part spans only when the key's bytes are exactly its text (not quoted or escaped).
    let plain = (e.key_span.end - e.key_span.start) as usize == e.key.len();
    let mut offsets = Vec::with_capacity(parts.len());
    let mut at = 0;
    for p in &parts {
        offsets.push((at, at + p.len()));
        at += p.len() + 1;
    }
    let span_of = |i: usize| {
        if plain {
            e.key_span.sub(offsets[i].0, offsets[i].1)
        } else {
            e.key_span
        }
    };
    let whole = e.key_span.to(value.span);
    let last = parts.len() - 1;
    let mut entry = Entry {
        key: parts[last].to_owned(),
        key_span: span_of(last),
        value,
    };
    for i in (0..last).rev() {
        entry = Entry {
            key: parts[i].to_owned(),
            key_span: span_of(i),
            value: Node {
                span: whole,
                kind: Kind::Map(vec![entry]),
            },
        };
    }
    entry
}

/// Merges the map-valued entries that share a key into the first of them (in linear time
/// per level: hostile files may hold many keys), keeping everything else in file order.
fn group(entries: Vec<Entry>, depth: usize) -> Vec<Entry> {
    if depth >= MAX_DEPTH {
        return entries;
    }
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
    // Key → index in `out` of its first map-valued entry.
    let mut first_map: HashMap<String, usize> = HashMap::new();
    // Indexes in `out` that received merged entries and must be grouped again.
    let mut merged = Vec::new();
    for e in entries {
        if matches!(e.value.kind, Kind::Map(_)) {
            if let Some(&i) = first_map.get(&e.key) {
                if let (Kind::Map(mine), Kind::Map(theirs)) = (&mut out[i].value.kind, e.value.kind)
                {
                    mine.extend(theirs);
                    merged.push(i);
                }
                continue;
            }
            first_map.insert(e.key.clone(), out.len());
        }
        out.push(e);
    }
    merged.sort_unstable();
    merged.dedup();
    for i in merged {
        if let Kind::Map(mine) = &mut out[i].value.kind {
            let inner = std::mem::take(mine);
            *mine = group(inner, depth + 1);
        }
    }
    out
}

/// Source formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// YAML (possibly several documents).
    Yaml,
    /// TOML (one document).
    Toml,
}

impl Format {
    /// The format a file name implies: `.toml` is TOML, everything else YAML.
    pub fn of(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".toml") {
            Format::Toml
        } else {
            Format::Yaml
        }
    }
}

/// Parses a file's text into documents.
pub fn parse(format: Format, file: FileId, text: &str) -> Result<Vec<Node>, ParseError> {
    match format {
        Format::Yaml => yaml(file, text),
        Format::Toml => toml_doc(file, text).map(|n| vec![n]),
    }
}

/// Maps character indices (saphyr markers) to byte offsets.
struct Offsets {
    /// Byte offset of each char index; empty when the text is ASCII (identity).
    table: Vec<usize>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().map(|(b, _)| b).collect()
        };
        Offsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, chars: usize) -> usize {
        if self.table.is_empty() {
            chars.min(self.len)
        } else {
            self.table.get(chars).copied().unwrap_or(self.len)
        }
    }
}

/// A collection being built.
enum Frame {
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
    },
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
}

struct YamlBuilder<'t> {
    file: FileId,
    text: &'t str,
    offsets: Offsets,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    budget: usize,
    docs: Vec<Node>,
}

fn yaml(file: FileId, text: &str) -> Result<Vec<Node>, ParseError> {
    let mut b = YamlBuilder {
        file,
        text,
        offsets: Offsets::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget: ALIAS_BUDGET,
        docs: Vec::new(),
    };
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.map_err(|e| {
            let at = b.offsets.byte(e.marker().index());
            ParseError::new(
                Span::new(file, at, at),
                format!("YAML syntax error: {}", e.info()),
            )
        })?;
        let start = b.offsets.byte(span.start.index());
        let end = b.offsets.byte(span.end.index());
        b.event(ev, start, end)?;
    }
    Ok(b.docs)
}

impl YamlBuilder<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end.max(start))
    }

    fn too_deep(&self, at: usize) -> ParseError {
        ParseError::new(
            self.span(at, at),
            format!("YAML nesting deeper than {MAX_DEPTH} levels"),
        )
    }

    fn event(&mut self, ev: Event<'_>, start: usize, end: usize) -> Result<(), ParseError> {
        match ev {
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(self.too_deep(start));
                }
                self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Map {
                        start,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    }
                } else {
                    Frame::Seq {
                        start,
                        anchor,
                        items: Vec::new(),
                    }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = match frame {
                    Frame::Map {
                        start: s,
                        anchor,
                        entries,
                        ..
                    } => (
                        Node {
                            span: self.span(s, self.trim_end(s, end)),
                            kind: Kind::Map(merge_keys(entries)),
                        },
                        anchor,
                    ),
                    Frame::Seq {
                        start: s,
                        anchor,
                        items,
                    } => (
                        Node {
                            span: self.span(s, self.trim_end(s, end)),
                            kind: Kind::Seq(items),
                        },
                        anchor,
                    ),
                };
                self.complete(node, anchor, start)?;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let node = self.scalar(&value, style, tag.is_some(), start, end);
                self.complete(node, anchor, start)?;
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(ParseError::new(
                        self.span(start, end),
                        "YAML alias refers to an unknown anchor",
                    ));
                };
                let cost = target.count();
                if cost > self.budget {
                    return Err(ParseError::new(
                        self.span(start, end),
                        "YAML aliases expand to too many nodes",
                    )
                    .help("a config that repeats anchors this much is likely hostile input"));
                }
                self.budget -= cost;
                let node = target.clone();
                self.complete(node, 0, start)?;
            }
            Event::DocumentEnd => {
                self.stack.clear();
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::Nothing => {}
        }
        Ok(())
    }

    /// Block collections end where the next token starts; keep the span on the content.
    fn trim_end(&self, start: usize, end: usize) -> usize {
        let slice = self.text.get(start..end).unwrap_or("");
        start + slice.trim_end().len()
    }

    fn scalar(
        &self,
        value: &str,
        style: ScalarStyle,
        tagged: bool,
        start: usize,
        end: usize,
    ) -> Node {
        let span = self.span(start, end);
        let raw = self.text.get(start..end).unwrap_or("");
        let quoted = !matches!(style, ScalarStyle::Plain);
        let exact = exact_span(span, raw, value, quoted);
        let ty = if quoted || tagged {
            ScalarType::Str
        } else {
            resolve_plain(value)
        };
        Node {
            span,
            kind: Kind::Scalar(Scalar {
                value: value.to_owned(),
                quoted,
                ty,
                exact,
            }),
        }
    }

    /// Attaches a finished node to its parent (or makes it a document root).
    fn complete(&mut self, node: Node, anchor: usize, at: usize) -> Result<(), ParseError> {
        if anchor > 0 {
            let cost = node.count();
            if cost > self.budget {
                return Err(ParseError::new(
                    self.span(at, at),
                    "YAML anchors copy too many nodes",
                ));
            }
            self.budget -= cost;
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    // Complex (collection) keys are kept as their source text.
                    let text = match &node.kind {
                        Kind::Scalar(s) => s.value.clone(),
                        _ => self
                            .text
                            .get(node.span.start as usize..node.span.end as usize)
                            .unwrap_or("")
                            .to_owned(),
                    };
                    let span = match &node.kind {
                        Kind::Scalar(s) => s.exact.unwrap_or(node.span),
                        _ => node.span,
                    };
                    *key = Some((text, span));
                }
                Some((k, key_span)) => entries.push(Entry {
                    key: k,
                    key_span,
                    value: node,
                }),
            },
        }
        Ok(())
    }
}

/// Applies YAML merge keys (`<<: *base`): entries of the merged maps that the map does not
/// set itself are appended. Go's yaml and PyYAML honour them, so configs use them.
fn merge_keys(entries: Vec<Entry>) -> Vec<Entry> {
    if !entries.iter().any(|e| e.key == "<<") {
        return entries;
    }
    let (merges, mut own): (Vec<Entry>, Vec<Entry>) =
        entries.into_iter().partition(|e| e.key == "<<");
    for m in merges {
        let maps = match m.value.kind {
            Kind::Map(e) => vec![e],
            Kind::Seq(items) => items
                .into_iter()
                .filter_map(|n| match n.kind {
                    Kind::Map(e) => Some(e),
                    _ => None,
                })
                .collect(),
            Kind::Scalar(_) => Vec::new(),
        };
        for map in maps {
            for e in map {
                if !own.iter().any(|o| o.key == e.key) {
                    own.push(e);
                }
            }
        }
    }
    own
}

/// The span whose bytes are exactly `value`: the raw text itself, or inside quotes, possibly
/// after an anchor or tag prefix.
fn exact_span(span: Span, raw: &str, value: &str, quoted: bool) -> Option<Span> {
    let raw_trimmed = raw.trim_end();
    if raw_trimmed == value {
        return Some(span.sub(0, value.len()));
    }
    if quoted {
        for q in ['"', '\''] {
            if let Some(inner) = raw_trimmed
                .strip_suffix(q)
                .and_then(|r| r.rfind(q).map(|i| (i, r)))
                && &inner.1[inner.0 + 1..] == value
            {
                let s = inner.0 + 1;
                return Some(span.sub(s, s + value.len()));
            }
            // A quoted item of a block sequence whose raw text runs on to a trailing
            // comment: `"value" # note`.
            if let Some(rest) = raw_trimmed.strip_prefix(q)
                && let Some(after) = rest.strip_prefix(value)
                && after.starts_with(q)
                && after[1..]
                    .trim_start()
                    .chars()
                    .next()
                    .is_none_or(|c| c == '#')
            {
                return Some(span.sub(1, 1 + value.len()));
            }
        }
        return None;
    }
    // Plain scalar after `&anchor ` or `!tag `.
    if raw_trimmed.ends_with(value) && !value.is_empty() {
        let s = raw_trimmed.len() - value.len();
        if raw_trimmed[..s].ends_with(char::is_whitespace) {
            return Some(span.sub(s, raw_trimmed.len()));
        }
    }
    None
}

/// Resolves a plain YAML scalar with the YAML 1.2 core schema.
fn resolve_plain(v: &str) -> ScalarType {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarType::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return ScalarType::Bool,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "-.inf" | ".nan" | ".NaN" | ".NAN" => {
            return ScalarType::Float;
        }
        _ => {}
    }
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return ScalarType::Int;
    }
    if let Some(hex) = v.strip_prefix("0x")
        && !hex.is_empty()
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return ScalarType::Int;
    }
    if let Some(oct) = v.strip_prefix("0o")
        && !oct.is_empty()
        && oct.bytes().all(|b| (b'0'..=b'7').contains(&b))
    {
        return ScalarType::Int;
    }
    let looks_float = digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if looks_float && v.parse::<f64>().is_ok() {
        return ScalarType::Float;
    }
    ScalarType::Str
}

/// Deepest bracket nesting of a TOML text (strings and comments skipped), checked before
/// handing it to the `toml` parser, whose value builder recurses.
fn toml_nesting(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut depth, mut max, mut at) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                let triple = bytes.get(i..i + 3) == Some(&[q, q, q][..]);
                i += if triple { 3 } else { 1 };
                while i < bytes.len() {
                    if q == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == q && (!triple || bytes.get(i..i + 3) == Some(&[q, q, q][..])) {
                        i += if triple { 2 } else { 0 };
                        break;
                    }
                    if !triple && bytes[i] == b'\n' {
                        break;
                    }
                    i += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    max = depth;
                    at = i;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    (max, at)
}

fn toml_doc(file: FileId, text: &str) -> Result<Node, ParseError> {
    let (depth, at) = toml_nesting(text);
    if depth > MAX_DEPTH {
        return Err(ParseError::new(
            Span::new(file, at, at + 1),
            format!("TOML nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    let root = DeTable::parse(text).map_err(|e| {
        let r = e.span().unwrap_or(0..0);
        ParseError::new(
            Span::new(file, r.start, r.end),
            format!("TOML syntax error: {}", e.message().trim()),
        )
    })?;
    let span = root.span();
    let conv = TomlConv { file, text };
    Ok(Node {
        span: Span::new(file, span.start, span.end),
        kind: Kind::Map(conv.table(root.get_ref(), 0)),
    })
}

struct TomlConv<'t> {
    file: FileId,
    text: &'t str,
}

impl TomlConv<'_> {
    fn table(&self, t: &DeTable<'_>, depth: usize) -> Vec<Entry> {
        let mut entries: Vec<Entry> = t
            .iter()
            .map(|(k, v)| {
                let ks = k.span();
                Entry {
                    key: k.get_ref().to_string(),
                    key_span: Span::new(self.file, ks.start, ks.end),
                    value: self.value(v, depth + 1),
                }
            })
            .collect();
        // File order, whatever order the map keeps.
        entries.sort_by_key(|e| e.key_span.start);
        entries
    }

    fn value(&self, v: &Spanned<DeValue<'_>>, depth: usize) -> Node {
        let r = v.span();
        let span = Span::new(self.file, r.start, r.end);
        let raw = self.text.get(r.clone()).unwrap_or("");
        let scalar = |value: String, quoted: bool, ty: ScalarType| {
            let exact = exact_span(span, raw, &value, quoted);
            Kind::Scalar(Scalar {
                value,
                quoted,
                ty,
                exact,
            })
        };
        let kind = if depth > MAX_DEPTH {
            // Unreachable after the nesting pre-check; keeps the converter bounded anyway.
            scalar(String::new(), false, ScalarType::Null)
        } else {
            match v.get_ref() {
                DeValue::String(s) => scalar(s.to_string(), true, ScalarType::Str),
                DeValue::Integer(i) => scalar(i.as_str().to_owned(), false, ScalarType::Int),
                DeValue::Float(f) => scalar(f.as_str().to_owned(), false, ScalarType::Float),
                DeValue::Boolean(b) => scalar(b.to_string(), false, ScalarType::Bool),
                DeValue::Datetime(d) => scalar(d.to_string(), false, ScalarType::DateTime),
                DeValue::Array(a) => {
                    Kind::Seq(a.iter().map(|x| self.value(x, depth + 1)).collect())
                }
                DeValue::Table(t) => Kind::Map(self.table(t, depth)),
            }
        };
        Node { span, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(text: &str) -> Result<Vec<Node>, ParseError> {
        parse(Format::Yaml, FileId(0), text)
    }

    fn slice(text: &str, s: Span) -> &str {
        &text[s.start as usize..s.end as usize]
    }

    #[test]
    fn yaml_scalars_keep_style_type_and_byte_spans() {
        let text = "é: x\nmin: 1.2\nq: \"TLS12\"\nn: &a v\nm: *a\n";
        let docs = y(text).unwrap();
        let root = &docs[0];
        let e = root.entries().unwrap();
        assert_eq!(slice(text, e[0].key_span), "é");
        let min = root.get("min").unwrap().scalar().unwrap();
        assert_eq!((min.ty, min.quoted), (ScalarType::Float, false));
        let q = root.get("q").unwrap();
        assert_eq!(slice(text, q.value_span()), "TLS12");
        assert!(q.scalar().unwrap().quoted);
        assert_eq!(slice(text, root.get("n").unwrap().value_span()), "v");
        assert_eq!(root.get("m").unwrap().scalar().unwrap().value, "v");
    }

    #[test]
    fn yaml_multi_document_and_merge_keys() {
        let docs = y("a: 1\n---\nbase: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n").unwrap();
        assert_eq!(docs.len(), 2);
        let c = docs[1].get("c").unwrap();
        assert!(c.get("x").is_some() && c.get("y").is_some());
    }

    #[test]
    fn yaml_errors_have_positions() {
        let e = y("a: [1, 2\nb: c\n").unwrap_err();
        assert!(e.message.starts_with("YAML syntax error"));
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let deep = "[".repeat(10_000);
        assert!(y(&deep).is_err());
        let toml = format!("a = {}", "[".repeat(10_000));
        assert!(parse(Format::Toml, FileId(0), &toml).is_err());
        let dotted = format!("{} = 1", vec!["a"; 20_000].join("."));
        assert!(parse(Format::Toml, FileId(0), &dotted).is_err());
        let header = format!("[{}]", vec!["a"; 20_000].join("."));
        assert!(parse(Format::Toml, FileId(0), &header).is_err());
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_owned()
            } else {
                format!("l{}", i - 1)
            };
            let refs = vec![format!("*{prev}"); 10].join(", ");
            text += &[
                "l",
                &i.to_string(),
                ": &l",
                &i.to_string(),
                " [",
                &refs,
                "]\n",
            ]
            .concat();
        }
        assert!(y(&text).is_err());
    }

    #[test]
    fn toml_spans_and_types() {
        let text = "[tls.options.modern]\nminVersion = \"VersionTLS12\"\nn = 1.5\n";
        let docs = parse(Format::Toml, FileId(0), text).unwrap();
        let o = docs[0].get("tls").unwrap().get("options").unwrap();
        let m = o.get("modern").unwrap();
        let v = m.get("minVersion").unwrap();
        assert_eq!(slice(text, v.value_span()), "VersionTLS12");
        assert_eq!(m.get("n").unwrap().scalar().unwrap().ty, ScalarType::Float);
        assert_eq!(slice(text, o.entries().unwrap()[0].key_span), "modern");
    }

    #[test]
    fn random_bytes_do_not_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..300 {
            let mut s = String::new();
            for _ in 0..64 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let alphabet = b"ab:-[]{}\"'&*!|>#\n ,?%@`~1.\t=";
                let c = alphabet[usize::try_from(seed).unwrap_or(0) % alphabet.len()];
                s.push(c as char);
            }
            let _ = y(&s);
            let _ = parse(Format::Toml, FileId(0), &s);
        }
    }
    #[test]
    fn dotted_keys_expand_and_merge_with_nested_ones() {
        let text = "a.b.c: 1\na:\n  b.d: [x]\n  e: 2\n\"q.r\": 3\nx..y: 4\n";
        let docs = y(text).unwrap();
        let d = expand_dotted(&docs[0]);
        let a = d.get("a").unwrap();
        assert_eq!(a.entries().unwrap().len(), 2, "{a:?}");
        let b = a.get("b").unwrap();
        assert_eq!(b.get("c").unwrap().scalar().unwrap().value, "1");
        assert!(matches!(b.get("d").unwrap().kind, Kind::Seq(_)));
        // The split parts keep their own spans in a plain key.
        let c_key = b.entries().unwrap()[0].key_span;
        assert_eq!(slice(text, c_key), "c");
        // A quoted key is split too (Elasticsearch flattens it alike).
        let q = d.get("q").unwrap().entries().unwrap()[0].key_span;
        assert_eq!(slice(text, q), "r");
        // An empty part leaves the key whole.
        assert!(d.get("x..y").is_some());
    }

    #[test]
    fn quoted_item_before_a_comment_has_an_exact_span() {
        let text = "l:\n  - \"v1\" # note\n  - \"v2\"\n";
        let docs = y(text).unwrap();
        let Kind::Seq(items) = &docs[0].get("l").unwrap().kind else {
            panic!()
        };
        for (item, want) in items.iter().zip(["v1", "v2"]) {
            let exact = item.scalar().unwrap().exact.unwrap();
            assert_eq!(slice(text, exact), want);
        }
    }
}
