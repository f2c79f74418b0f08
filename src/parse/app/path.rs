//! Key paths into a config tree: the small path language of app descriptions.
//!
//! `tls.options.*` (a `*` matches any key and captures it), `listeners[*]` (any sequence
//! item, capturing its index), `items[0]`, `**` (any number of levels, zero included),
//! `"nginx.ingress.kubernetes.io/ssl-ciphers"` (a quoted key containing dots) and a leading
//! `/` (from the document root instead of the current block). Matching optionally treats
//! `snake_case` pattern keys as also matching their `camelCase` spelling (protobuf JSON).
//! This module knows nothing about TLS.

use std::fmt;

use super::tree::{Kind, Node};
use crate::source::Span;

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A literal key.
    Key(String),
    /// Any key, captured.
    AnyKey,
    /// Any sequence item, index captured.
    AnyItem,
    /// One sequence item.
    Item(usize),
    /// Any depth (zero or more levels).
    Deep,
}

/// A parsed path.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Path {
    /// Starts at the document root (`/`).
    pub rooted: bool,
    /// The steps.
    pub segs: Vec<Seg>,
}

impl Path {
    /// Parses the path syntax; the error says what is wrong.
    pub fn parse(s: &str) -> Result<Path, String> {
        let mut p = Path::default();
        let mut rest = s.trim();
        if let Some(r) = rest.strip_prefix('/') {
            p.rooted = true;
            rest = r;
        }
        let bytes = rest.as_bytes();
        let mut i = 0;
        let mut need_seg = !rest.is_empty();
        while i < bytes.len() {
            match bytes[i] {
                b'.' => {
                    if need_seg {
                        return Err(format!("empty key at byte {i} of `{s}`"));
                    }
                    need_seg = true;
                    i += 1;
                }
                b'[' => {
                    let end = rest[i..]
                        .find(']')
                        .ok_or_else(|| format!("unclosed `[` in `{s}`"))?;
                    let inner = &rest[i + 1..i + end];
                    p.segs.push(if inner == "*" {
                        Seg::AnyItem
                    } else {
                        Seg::Item(inner.parse().map_err(|_| {
                            format!("`[{inner}]` in `{s}` is neither `[*]` nor an index")
                        })?)
                    });
                    need_seg = false;
                    i += end + 1;
                }
                b'"' => {
                    let end = rest[i + 1..]
                        .find('"')
                        .ok_or_else(|| format!("unclosed quote in `{s}`"))?;
                    p.segs.push(Seg::Key(rest[i + 1..i + 1 + end].to_owned()));
                    need_seg = false;
                    i += end + 2;
                }
                _ => {
                    if !need_seg {
                        return Err(format!("expected `.` or `[` at byte {i} of `{s}`"));
                    }
                    let end = rest[i..]
                        .find(['.', '[', '"'])
                        .map_or(rest.len(), |e| i + e);
                    let key = &rest[i..end];
                    p.segs.push(match key {
                        "*" => Seg::AnyKey,
                        "**" => Seg::Deep,
                        k if k.contains('*') => {
                            return Err(format!("`{k}`: `*` must be a whole key in `{s}`"));
                        }
                        k => Seg::Key(k.to_owned()),
                    });
                    need_seg = false;
                    i = end;
                }
            }
        }
        if need_seg && !rest.is_empty() {
            return Err(format!("`{s}` ends with `.`"));
        }
        Ok(p)
    }

    /// Number of captures (`*` and `[*]`).
    pub fn captures(&self) -> usize {
        self.segs
            .iter()
            .filter(|s| matches!(s, Seg::AnyKey | Seg::AnyItem))
            .count()
    }
}

/// One place a path matched.
#[derive(Clone, Debug)]
pub struct Match<'a> {
    /// The node found.
    pub node: &'a Node,
    /// The span of the key (or item) that leads to it; `None` at the start node.
    pub key_span: Option<Span>,
    /// Captured keys / indexes, in order, with the node each capture selected.
    pub captures: Vec<(String, &'a Node)>,
    /// The concrete path walked, e.g. `tls.options.modern`.
    pub path: String,
}

/// How keys compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KeyCase {
    /// Exactly as written.
    #[default]
    Exact,
    /// A `snake_case` pattern also matches its `camelCase` form.
    SnakeOrCamel,
}

fn camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// True when a pattern key matches a written key.
pub fn key_matches(pattern: &str, key: &str, case: KeyCase) -> bool {
    pattern == key
        || (case == KeyCase::SnakeOrCamel && pattern.contains('_') && camel(pattern) == key)
}

fn push_key(path: &str, key: &str) -> String {
    let key = if key.contains(['.', '[', ']', ' ']) {
        format!("\"{key}\"")
    } else {
        key.to_owned()
    };
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

/// Every match of `path` below `start` (ignoring `rooted`; the caller picks the start).
pub fn find<'a>(start: &'a Node, path: &Path, case: KeyCase) -> Vec<Match<'a>> {
    let mut out = Vec::new();
    let m = Match {
        node: start,
        key_span: None,
        captures: Vec::new(),
        path: String::new(),
    };
    walk(&m, &path.segs, case, &mut out, 0);
    out
}

/// The first match, if any.
pub fn first<'a>(start: &'a Node, path: &Path, case: KeyCase) -> Option<Match<'a>> {
    find(start, path, case).into_iter().next()
}

fn walk<'a>(m: &Match<'a>, segs: &[Seg], case: KeyCase, out: &mut Vec<Match<'a>>, depth: usize) {
    // Tree depth is bounded by the readers; this guards `**` over that bound anyway.
    if depth > 2 * super::tree::MAX_DEPTH + 64 {
        return;
    }
    let Some((seg, rest)) = segs.split_first() else {
        out.push(m.clone());
        return;
    };
    let step = |child: &'a Node, key_span: Span, path: String, cap: Option<String>| {
        let mut n = Match {
            node: child,
            key_span: Some(key_span),
            captures: m.captures.clone(),
            path,
        };
        if let Some(c) = cap {
            n.captures.push((c, child));
        }
        n
    };
    match (seg, &m.node.kind) {
        (Seg::Key(k), Kind::Map(entries)) => {
            if let Some(e) = entries.iter().find(|e| key_matches(k, &e.key, case)) {
                let n = step(&e.value, e.key_span, push_key(&m.path, &e.key), None);
                walk(&n, rest, case, out, depth + 1);
            }
        }
        (Seg::AnyKey, Kind::Map(entries)) => {
            for e in entries {
                let n = step(
                    &e.value,
                    e.key_span,
                    push_key(&m.path, &e.key),
                    Some(e.key.clone()),
                );
                walk(&n, rest, case, out, depth + 1);
            }
        }
        (Seg::AnyItem, Kind::Seq(items)) => {
            for (i, item) in items.iter().enumerate() {
                let n = step(
                    item,
                    item.span,
                    format!("{}[{i}]", m.path),
                    Some(i.to_string()),
                );
                walk(&n, rest, case, out, depth + 1);
            }
        }
        (Seg::Item(i), Kind::Seq(items)) => {
            if let Some(item) = items.get(*i) {
                let n = step(item, item.span, format!("{}[{i}]", m.path), None);
                walk(&n, rest, case, out, depth + 1);
            }
        }
        (Seg::Deep, _) => {
            walk(m, rest, case, out, depth + 1);
            match &m.node.kind {
                Kind::Map(entries) => {
                    for e in entries {
                        let n = step(&e.value, e.key_span, push_key(&m.path, &e.key), None);
                        walk(&n, segs, case, out, depth + 1);
                    }
                }
                Kind::Seq(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let n = step(item, item.span, format!("{}[{i}]", m.path), None);
                        walk(&n, segs, case, out, depth + 1);
                    }
                }
                Kind::Scalar(_) => {}
            }
        }
        _ => {}
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rooted {
            f.write_str("/")?;
        }
        let mut first = true;
        for s in &self.segs {
            let dot = if first { "" } else { "." };
            match s {
                Seg::Key(k) if k.contains(['.', '[', ']']) => write!(f, "{dot}\"{k}\"")?,
                Seg::Key(k) => write!(f, "{dot}{k}")?,
                Seg::AnyKey => write!(f, "{dot}*")?,
                Seg::Deep => write!(f, "{dot}**")?,
                Seg::AnyItem => f.write_str("[*]")?,
                Seg::Item(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tree::{Format, parse};
    use super::*;
    use crate::source::FileId;

    #[test]
    fn syntax() {
        let p = Path::parse("a.*.b[*].\"x.y\"[2].**.c").unwrap();
        assert_eq!(p.captures(), 2);
        assert_eq!(p.to_string(), "a.*.b[*].\"x.y\"[2].**.c");
        assert!(Path::parse("/").unwrap().rooted);
        for bad in ["a..b", "a.", "a[x]", "a[*", "a*b", "\"x", "a b[0]c"] {
            assert!(Path::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matching_with_captures_camel_case_and_depth() {
        let docs = parse(
            Format::Yaml,
            FileId(0),
            "l:\n- name: a\n  fc:\n  - tlsParams: {x: 1}\n  - tls_params: {x: 2}\n",
        )
        .unwrap();
        let p = Path::parse("l[*].fc[*].tls_params").unwrap();
        let m = find(&docs[0], &p, KeyCase::SnakeOrCamel);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].path, "l[0].fc[0].tlsParams");
        assert_eq!(m[1].captures[1].0, "1");
        assert_eq!(find(&docs[0], &p, KeyCase::Exact).len(), 1);
        let deep = find(&docs[0], &Path::parse("**.x").unwrap(), KeyCase::Exact);
        assert_eq!(deep.len(), 2);
    }
}
