//! `$name` expansion as Postfix's `mac_expand()` does it, keeping the map to the file.
//!
//! Forms (mail.md §1): `$name`, `${name}`, `$(name)`, `$$`; `${name?value}`,
//! `${name:value}`; the 3.0 forms `${name?{value}}`, `${name:{value}}`,
//! `${name?{v1}:{v2}}`; relational `${{a} == {b} ? {x} : {y}}`. Undefined names expand to
//! nothing. Expansion is recursive; nesting deeper than Postfix's limit is an error (a
//! loop), and the output is capped so a doubling chain cannot blow up memory or time.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::Range;

use super::text::{MStr, is_space};
use crate::escape::short;
use crate::source::Span;

/// Postfix gives up beyond this nesting ("unreasonable macro call nesting").
const MAX_DEPTH: usize = 100;
/// Upper bound on an expanded value; far beyond any real parameter.
const MAX_LEN: usize = 1 << 16;

/// A parameter's raw value and where it is defined.
pub(crate) struct Lookup<'a> {
    /// The value as written (or a built-in default).
    pub(crate) value: Cow<'a, MStr>,
    /// The definition's name span; `None` for a built-in default.
    pub(crate) span: Option<Span>,
}

/// Where expansion looks names up.
pub(crate) trait Env {
    /// The raw value of `name`, or `None` when it is undefined.
    fn lookup(&self, name: &str) -> Option<Lookup<'_>>;
}

/// An expanded value.
#[derive(Debug, Default)]
pub(crate) struct Expanded {
    /// The text, mapped to the file where copied verbatim.
    pub(crate) text: MStr,
    /// Every parameter expanded on the way, in order, with its definition (deduplicated).
    pub(crate) via: Vec<(String, Option<Span>)>,
    /// Names that were referenced but undefined.
    pub(crate) undefined: Vec<String>,
    /// Postfix's error, when expansion failed (loop, unbalanced brace, bad syntax).
    pub(crate) error: Option<String>,
}

/// Expands `value` against `env`.
pub(crate) fn expand(value: &MStr, env: &dyn Env) -> Expanded {
    let mut x = Expander {
        env,
        out: Expanded::default(),
    };
    let mut text = MStr::default();
    x.run(value, 0..value.text.len(), &mut text, 0);
    x.out.text = text;
    x.out
}

/// The `then` and `else` value ranges of a conditional.
type Branches = (Option<Range<usize>>, Option<Range<usize>>);

struct Expander<'e> {
    env: &'e dyn Env,
    out: Expanded,
}

/// Finds the close matching the opener at `open` (same bracket kind, nesting counted).
fn matching(s: &str, open: usize, end: usize) -> Option<usize> {
    let (o, c) = match s.as_bytes().get(open)? {
        b'{' => (b'{', b'}'),
        b'(' => (b'(', b')'),
        _ => return None,
    };
    let mut depth = 0usize;
    for (i, &b) in s.as_bytes()[open..end].iter().enumerate() {
        if b == o {
            depth += 1;
        } else if b == c {
            depth -= 1;
            if depth == 0 {
                return Some(open + i);
            }
        }
    }
    None
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Skips whitespace from `p` up to `end`.
fn skip_ws(s: &str, mut p: usize, end: usize) -> usize {
    while p < end && s[p..].starts_with(is_space) {
        p += 1;
    }
    p
}

impl Expander<'_> {
    fn fail(&mut self, msg: impl Into<String>) {
        if self.out.error.is_none() {
            self.out.error = Some(msg.into());
        }
    }

    #[expect(
        clippy::many_single_char_names,
        reason = "short byte offsets (p, d, e, q) follow the grammar positions"
    )]
    fn run(&mut self, src: &MStr, range: Range<usize>, out: &mut MStr, depth: usize) {
        if depth > MAX_DEPTH {
            self.fail(
                "unreasonable macro call nesting; Postfix stops with \"macro processing error\"",
            );
            return;
        }
        let s = &src.text;
        let mut p = range.start;
        while p < range.end {
            if self.out.error.is_some() {
                return;
            }
            if out.text.len() > MAX_LEN {
                self.fail("expanded value is unreasonably long");
                return;
            }
            let Some(d) = s[p..range.end].find('$').map(|i| p + i) else {
                out.push_from(src, p..range.end);
                return;
            };
            out.push_from(src, p..d);
            let next = s
                .as_bytes()
                .get(d + 1)
                .copied()
                .filter(|_| d + 1 < range.end);
            match next {
                Some(b'$') => {
                    out.push_from(src, d + 1..d + 2);
                    p = d + 2;
                }
                Some(b'{' | b'(') => {
                    let Some(close) = matching(s, d + 1, range.end) else {
                        self.fail("unbalanced brace in macro reference");
                        out.push_from(src, d..range.end);
                        return;
                    };
                    self.braced(src, d + 2..close, out, depth);
                    p = close + 1;
                }
                Some(b) if is_name_byte(b) => {
                    let mut e = d + 1;
                    while e < range.end && is_name_byte(s.as_bytes()[e]) {
                        e += 1;
                    }
                    self.reference(&s[d + 1..e], out, depth);
                    p = e;
                }
                _ => {
                    self.fail("empty macro name after `$`");
                    out.push_from(src, d..d + 1);
                    p = d + 1;
                }
            }
        }
    }

    /// Expands one named reference into `out`.
    fn reference(&mut self, name: &str, out: &mut MStr, depth: usize) {
        match self.env.lookup(name) {
            Some(found) => {
                if !self.out.via.iter().any(|(n, _)| n == name) {
                    self.out.via.push((name.to_owned(), found.span));
                }
                let v = found.value.into_owned();
                self.run(&v, 0..v.text.len(), out, depth + 1);
            }
            None => {
                if !self.out.undefined.iter().any(|n| n == name) {
                    self.out.undefined.push(name.to_owned());
                }
            }
        }
    }

    /// The expanded text of a reference, for `?`/`:` tests.
    fn value_of(&mut self, name: &str, depth: usize) -> String {
        let mut tmp = MStr::default();
        self.reference(name, &mut tmp, depth);
        tmp.text
    }

    /// The inside of `${...}` / `$(...)`.
    #[expect(
        clippy::many_single_char_names,
        reason = "short byte offsets (p, d, e, q) follow the grammar positions"
    )]
    fn braced(&mut self, src: &MStr, inner: Range<usize>, out: &mut MStr, depth: usize) {
        let s = &src.text;
        let p = skip_ws(s, inner.start, inner.end);
        if s.as_bytes().get(p) == Some(&b'{') && p < inner.end {
            self.relational(src, p..inner.end, out, depth);
            return;
        }
        // Whitespace around the name is allowed (`${ name }`), observed with postconf 3.7.
        let mut e = p;
        while e < inner.end && is_name_byte(s.as_bytes()[e]) {
            e += 1;
        }
        if e == p {
            self.fail("empty or invalid macro name inside `${...}`");
            return;
        }
        let name = &s[p..e];
        let e = skip_ws(s, e, inner.end);
        if e == inner.end {
            self.reference(name, out, depth);
            return;
        }
        let op = s.as_bytes()[e];
        if op != b'?' && op != b':' {
            self.fail(format!(
                "invalid macro name syntax in `${{{}}}`",
                &s[inner.clone()]
            ));
            return;
        }
        let set = !self.value_of(name, depth).is_empty();
        let rest = e + 1..inner.end;
        let q = skip_ws(s, rest.start, rest.end);
        let (then, otherwise) = if s.as_bytes().get(q) == Some(&b'{') && q < rest.end {
            match self.branches(src, q..rest.end, op == b'?') {
                Some(b) => b,
                None => return,
            }
        } else {
            (Some(rest), None)
        };
        let chosen = if (op == b'?') == set { then } else { otherwise };
        if let Some(r) = chosen {
            self.run(src, r, out, depth + 1);
        }
    }

    /// Parses `{v1}` or `{v1}:{v2}` (the latter only after `?`); whitespace around the
    /// groups is ignored, whitespace inside them is kept (observed with postconf 3.7).
    fn branches(&mut self, src: &MStr, r: Range<usize>, allow_else: bool) -> Option<Branches> {
        let s = &src.text;
        let Some(c1) = matching(s, r.start, r.end) else {
            self.fail("unbalanced `{` in conditional macro");
            return None;
        };
        let first = r.start + 1..c1;
        let p = skip_ws(s, c1 + 1, r.end);
        if p == r.end {
            return Some((Some(first), None));
        }
        if allow_else && s.as_bytes()[p] == b':' {
            let q = skip_ws(s, p + 1, r.end);
            if s.as_bytes().get(q) == Some(&b'{')
                && q < r.end
                && let Some(c2) = matching(s, q, r.end)
                && skip_ws(s, c2 + 1, r.end) == r.end
            {
                return Some((Some(first), Some(q + 1..c2)));
            }
        }
        self.fail("unexpected text after `{value}` in conditional macro");
        None
    }

    /// `{a} OP {b} ? {x} : {y}`.
    #[expect(
        clippy::many_single_char_names,
        reason = "short byte offsets (p, d, e, q) follow the grammar positions"
    )]
    fn relational(&mut self, src: &MStr, r: Range<usize>, out: &mut MStr, depth: usize) {
        let s = &src.text;
        let Some(ca) = matching(s, r.start, r.end) else {
            self.fail("unbalanced `{` in relational macro");
            return;
        };
        let a = r.start + 1..ca;
        let p = skip_ws(s, ca + 1, r.end);
        let op_len = s[p..r.end]
            .bytes()
            .take_while(|b| b"=!<>".contains(b))
            .count();
        let op = &s[p..p + op_len];
        let q = skip_ws(s, p + op_len, r.end);
        let cb = if s.as_bytes().get(q) == Some(&b'{') && q < r.end {
            matching(s, q, r.end)
        } else {
            None
        };
        let Some(cb) = cb else {
            self.fail("missing `{b}` in relational macro");
            return;
        };
        let b = q + 1..cb;
        let t = skip_ws(s, cb + 1, r.end);
        if s.as_bytes().get(t) != Some(&b'?') || t >= r.end {
            self.fail("missing `?` in relational macro");
            return;
        }
        let t = skip_ws(s, t + 1, r.end);
        if s.as_bytes().get(t) != Some(&b'{') || t >= r.end {
            self.fail("missing `{value}` in relational macro");
            return;
        }
        let Some((then, otherwise)) = self.branches(src, t..r.end, true) else {
            return;
        };
        let mut left = MStr::default();
        self.run(src, a, &mut left, depth + 1);
        let mut right = MStr::default();
        self.run(src, b, &mut right, depth + 1);
        let (l, rt) = (left.text.as_str(), right.text.as_str());
        let numeric = !l.is_empty()
            && !rt.is_empty()
            && l.bytes().all(|c| c.is_ascii_digit())
            && rt.bytes().all(|c| c.is_ascii_digit());
        let ord = if numeric {
            let l = l.trim_start_matches('0');
            let rt = rt.trim_start_matches('0');
            l.len().cmp(&rt.len()).then_with(|| l.cmp(rt))
        } else {
            l.cmp(rt)
        };
        let truth = match op {
            "==" => ord == Ordering::Equal,
            "!=" => ord != Ordering::Equal,
            "<" => ord == Ordering::Less,
            "<=" => ord != Ordering::Greater,
            ">" => ord == Ordering::Greater,
            ">=" => ord != Ordering::Less,
            _ => {
                self.fail(format!("unknown relational operator `{}`", short(op)));
                return;
            }
        };
        let chosen = if truth { then } else { otherwise };
        if let Some(r) = chosen {
            self.run(src, r, out, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, MStr>);

    impl Env for Map {
        fn lookup(&self, name: &str) -> Option<Lookup<'_>> {
            self.0.get(name).map(|v| Lookup {
                value: Cow::Borrowed(v),
                span: None,
            })
        }
    }

    fn env(pairs: &[(&'static str, &str)]) -> Map {
        Map(pairs.iter().map(|(k, v)| (*k, MStr::unplaced(v))).collect())
    }

    fn x(e: &Map, s: &str) -> String {
        let out = expand(&MStr::unplaced(s), e);
        assert!(out.error.is_none(), "{s}: {:?}", out.error);
        out.text.text
    }

    #[test]
    fn mail_md_example() {
        let e = env(&[("my_set", "SETVAL"), ("my_empty", "")]);
        let got = x(
            &e,
            "A${my_empty:fallback}B ${my_empty?never}C ${my_set?{yes}:{no}} ${my_empty?{yes}:{no}} $$literal #hash $(my_set) ${undefined_param}X",
        );
        assert_eq!(got, "AfallbackB C yes no $literal #hash SETVAL X");
    }

    #[test]
    fn plain_names_stop_at_non_name_chars_and_recurse() {
        let e = env(&[
            ("myhostname", "mail.$mydomain"),
            ("mydomain", "example.com"),
        ]);
        assert_eq!(x(&e, "/etc/$myhostname.pem"), "/etc/mail.example.com.pem");
    }

    #[test]
    fn conditionals_expand_their_values_and_trim_groups() {
        let e = env(&[("a", "x"), ("b", "")]);
        assert_eq!(x(&e, "${a?$a$a}"), "xx");
        // Observed with postconf 3.7: names and the space around groups are trimmed, the
        // inside of a group and a legacy value are kept as written.
        assert_eq!(x(&e, "[${a ? { x } }]"), "[ x ]");
        assert_eq!(x(&e, "[${ a ?{ y }:{z}}]"), "[ y ]");
        assert_eq!(x(&e, "[${a? x }]"), "[ x ]");
        assert_eq!(x(&e, "${b:{d}}"), "d");
        assert_eq!(x(&e, "${{ 5 } < { 10 } ? {lt} : {ge}}"), "ge");
        assert!(expand(&MStr::unplaced("${a:{x}:{y}}"), &e).error.is_some());
        assert!(expand(&MStr::unplaced("$a$"), &e).error.is_some());
    }

    #[test]
    fn relational() {
        let e = env(&[("level", "3.7"), ("n", "10")]);
        assert_eq!(x(&e, "${{$n} > {9} ? {big} : {small}}"), "big");
        assert_eq!(x(&e, "${{$level} == {3.7} ? {same}}"), "same");
        assert_eq!(x(&e, "${{a} != {a} ? {x}}"), "");
    }

    #[test]
    fn loops_and_blowups_are_errors_not_hangs() {
        let e = env(&[("a", "$b"), ("b", "$a")]);
        assert!(expand(&MStr::unplaced("$a"), &e).error.is_some());
        let mut pairs = Vec::new();
        let names: Vec<&'static str> = (0..40)
            .map(|i| &*Box::leak(format!("p{i}").into_boxed_str()))
            .collect();
        for i in 0..39 {
            let v = format!("${}${}", names[i + 1], names[i + 1]);
            pairs.push((names[i], v));
        }
        pairs.push((names[39], "x".to_owned()));
        let e = Map(pairs.iter().map(|(k, v)| (*k, MStr::unplaced(v))).collect());
        assert!(expand(&MStr::unplaced("$p0"), &e).error.is_some());
    }

    #[test]
    fn spans_survive_expansion() {
        let f = FileId(0);
        let mut def = MStr::default();
        def.push("RC4", Some((f, 100)));
        let e = Map([("weak", def)].into_iter().collect());
        let mut use_ = MStr::default();
        use_.push("aNULL, $weak", Some((f, 10)));
        let out = expand(&use_, &e);
        assert_eq!(out.text.text, "aNULL, RC4");
        assert_eq!(out.text.exact(0..5), Some(Span::new(f, 10, 15)));
        assert_eq!(out.text.exact(7..10), Some(Span::new(f, 100, 103)));
        assert_eq!(out.via.len(), 1);
    }
}
