//! `$name` expansion as Postfix's `mac_expand()` does it, keeping the map to the file.
//!
//! Forms (mail.md §1): `$name`, `${name}`, `$(name)`, `$$`; `${name?value}`,
//! `${name:value}`; the 3.0 forms `${name?{value}}`, `${name:{value}}`,
//! `${name?{v1}:{v2}}`; relational `${{a} == {b} ? {x} : {y}}`. Undefined names expand to
//! nothing. Expansion is recursive; nesting deeper than Postfix's limit is an error (a
//! loop). Postfix itself has no other limit (`postconf -x` on a 40-level `a = $b $b` chain
//! grows without end), so the work is bounded here: steps and copied bytes per value and
//! per parse ([`Budget`]), and the length of one value. Going over a limit is an error, never
//! a silently shortened value, because a shortened cipher list would give a wrong verdict.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::ops::Range;

use super::text::{MStr, is_space};
use crate::escape::short;
use crate::source::Span;

/// Postfix gives up beyond this nesting ("unreasonable macro call nesting", `mac_expand.c`).
const MAX_DEPTH: usize = 100;
/// Longest expanded value: real TLS values (cipher lists, exclusion lists, paths) stay under
/// 2 KiB, so 64 KiB is some 30 times any real one.
pub(crate) const MAX_LEN: usize = 1 << 16;
/// Steps (references followed and text runs copied) for one value. A real value follows
/// fewer than 20 references; 100,000 steps take a few milliseconds.
pub(crate) const MAX_VALUE_STEPS: usize = 100_000;
/// Bytes copied while expanding one value, including operands of relational tests that do
/// not reach the output: 16 times [`MAX_LEN`].
pub(crate) const MAX_VALUE_BYTES: usize = 1 << 20;
/// Steps for every value of one main.cf and its master.cf together. Extraction expands
/// about 60 parameters per endpoint; a file with 100 services at most costs 20 times the
/// step limit of one value, and 2,000,000 steps take well under a second.
pub(crate) const MAX_FILE_STEPS: usize = 2_000_000;
/// Bytes copied for every value of one main.cf and its master.cf together.
pub(crate) const MAX_FILE_BYTES: usize = 32 << 20;

/// Expansion work left for one parse (main.cf with its master.cf), shared by every value
/// expanded in it, and the values that ran out of it.
#[derive(Debug)]
pub(crate) struct Budget {
    steps: Cell<usize>,
    bytes: Cell<usize>,
    /// Parameters whose expansion hit a limit: name, where it is written, the error.
    tripped: RefCell<Vec<(String, Option<Span>, String)>>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(MAX_FILE_STEPS, MAX_FILE_BYTES)
    }
}

impl Budget {
    /// A budget of `steps` steps and `bytes` copied bytes.
    pub(crate) fn new(steps: usize, bytes: usize) -> Self {
        Budget {
            steps: Cell::new(steps),
            bytes: Cell::new(bytes),
            tripped: RefCell::new(Vec::new()),
        }
    }

    /// Takes `steps` and `bytes` from what is left; false (and nothing taken) when either
    /// is not there.
    fn take(&self, steps: usize, bytes: usize) -> bool {
        let (s, b) = (self.steps.get(), self.bytes.get());
        if s < steps || b < bytes {
            self.steps.set(0);
            return false;
        }
        self.steps.set(s - steps);
        self.bytes.set(b - bytes);
        true
    }

    /// Records that expanding `name` (written at `span`) hit a limit.
    pub(crate) fn trip(&self, name: &str, span: Option<Span>, error: &str) {
        let mut t = self.tripped.borrow_mut();
        if !t.iter().any(|(n, s, _)| n == name && *s == span) {
            t.push((name.to_owned(), span, error.to_owned()));
        }
    }

    /// The parameters whose expansion hit a limit, in the order they were met.
    pub(crate) fn tripped(&self) -> Vec<(String, Option<Span>, String)> {
        self.tripped.borrow().clone()
    }
}

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
    /// Postfix's error, when expansion failed (loop, unbalanced brace, bad syntax), or the
    /// limit that stopped it.
    pub(crate) error: Option<String>,
    /// True when `error` is one of tlslint's work limits rather than a Postfix error.
    pub(crate) limit: bool,
}

/// Expands `value` against `env`, charging the work to `budget`.
pub(crate) fn expand(value: &MStr, env: &dyn Env, budget: &Budget) -> Expanded {
    // Most values reference nothing; they cost nothing, even once the budget is used up.
    if !value.text.contains('$') {
        return Expanded {
            text: value.clone(),
            ..Expanded::default()
        };
    }
    let mut x = Expander {
        env,
        budget,
        steps: 0,
        bytes: 0,
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
    budget: &'e Budget,
    /// Work spent on this value so far.
    steps: usize,
    bytes: usize,
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

    /// Stops expansion at one of tlslint's limits.
    fn over(&mut self, msg: String) {
        if self.out.error.is_none() {
            self.out.error = Some(msg);
            self.out.limit = true;
        }
    }

    /// Charges one step and `bytes` copied bytes; false once a limit is passed.
    fn charge(&mut self, bytes: usize) -> bool {
        if self.out.error.is_some() {
            return false;
        }
        self.steps += 1;
        self.bytes += bytes;
        if self.steps > MAX_VALUE_STEPS {
            self.over(format!(
                "expansion takes more than {MAX_VALUE_STEPS} steps (tlslint's limit per value; \
                 nested or doubling `$name` references)"
            ));
        } else if self.bytes > MAX_VALUE_BYTES {
            self.over(format!(
                "expansion copies more than {MAX_VALUE_BYTES} bytes (tlslint's limit per value; \
                 nested or doubling `$name` references)"
            ));
        } else if !self.budget.take(1, bytes) {
            self.over(format!(
                "expansion work for this file is used up ({MAX_FILE_STEPS} steps or \
                 {MAX_FILE_BYTES} bytes, tlslint's limit per main.cf)"
            ));
        }
        self.out.error.is_none()
    }

    /// Copies `src[range]` to `out` when the budget allows.
    fn copy(&mut self, src: &MStr, range: Range<usize>, out: &mut MStr) -> bool {
        if !self.charge(range.len()) {
            return false;
        }
        out.push_from(src, range);
        true
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
                self.over(format!(
                    "expanded value is longer than {MAX_LEN} bytes (tlslint's limit per value)"
                ));
                return;
            }
            let Some(d) = s[p..range.end].find('$').map(|i| p + i) else {
                self.copy(src, p..range.end, out);
                return;
            };
            if !self.copy(src, p..d, out) {
                return;
            }
            let next = s
                .as_bytes()
                .get(d + 1)
                .copied()
                .filter(|_| d + 1 < range.end);
            match next {
                Some(b'$') => {
                    self.copy(src, d + 1..d + 2, out);
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
        if !self.charge(0) {
            return;
        }
        // The value borrows the environment, not the expander, so it is not copied.
        let env = self.env;
        match env.lookup(name) {
            Some(_) if depth >= MAX_DEPTH => {
                // Postfix's words (postconf 3.7.11 on `a = $b`, `b = $a`).
                self.fail(format!(
                    "unreasonable macro call nesting: \"{name}\"; Postfix stops with \
                     \"macro processing error\""
                ));
            }
            Some(found) => {
                self.note_via(name, found.span);
                self.run(&found.value, 0..found.value.text.len(), out, depth + 1);
            }
            None => {
                if !self.out.undefined.iter().any(|n| n == name) {
                    self.out.undefined.push(name.to_owned());
                }
            }
        }
    }

    fn note_via(&mut self, name: &str, span: Option<Span>) {
        if !self.out.via.iter().any(|(n, _)| n == name) {
            self.out.via.push((name.to_owned(), span));
        }
    }

    /// Whether `name` has a non-empty value, for `?`/`:` tests. Postfix tests the value as
    /// written, not expanded (`MAC_EXP_MODE_TEST`): with `a = $b` and an empty `b`,
    /// `${a?{set}}` gives `set` (observed with postconf 3.7.11).
    fn is_set(&mut self, name: &str) -> bool {
        if !self.charge(0) {
            return false;
        }
        let env = self.env;
        match env.lookup(name) {
            Some(found) => {
                self.note_via(name, found.span);
                !found.value.text.is_empty()
            }
            None => false,
        }
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
        let set = self.is_set(name);
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
        let out = expand(&MStr::unplaced(s), e, &Budget::default());
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
        assert!(
            expand(&MStr::unplaced("${a:{x}:{y}}"), &e, &Budget::default())
                .error
                .is_some()
        );
        assert!(
            expand(&MStr::unplaced("$a$"), &e, &Budget::default())
                .error
                .is_some()
        );
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
        let out = expand(&MStr::unplaced("$a"), &e, &Budget::default());
        assert!(!out.limit);
        assert!(
            out.error
                .unwrap()
                .contains("unreasonable macro call nesting")
        );
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
        assert!(
            expand(&MStr::unplaced("$p0"), &e, &Budget::default())
                .error
                .is_some()
        );
    }

    /// A chain of `n` parameters `p0..pn`, each made of `body(next)`, ending in `last`.
    fn chain(n: usize, body: impl Fn(&str) -> String, last: &str) -> Map {
        let names: Vec<&'static str> = (0..=n)
            .map(|i| &*Box::leak(format!("p{i}").into_boxed_str()))
            .collect();
        let mut m = HashMap::new();
        for i in 0..n {
            m.insert(names[i], MStr::unplaced(&body(names[i + 1])));
        }
        m.insert(names[n], MStr::unplaced(last));
        Map(m)
    }

    #[test]
    fn conditionals_test_the_value_as_written() {
        // Observed with postconf 3.7.11: `a = $b` with an empty `b` is "set" for `?`/`:`.
        let e = env(&[("a", "$b"), ("b", "")]);
        assert_eq!(x(&e, "${a?{set}:{unset}}"), "set");
        assert_eq!(x(&e, "${a:{empty}}"), "");
        assert_eq!(x(&e, "${{$a} == {} ? {eq} : {ne}}"), "eq");
        assert_eq!(x(&e, "${nothing?{set}:{unset}}"), "unset");
    }

    #[test]
    fn nested_conditionals_are_linear() {
        // Each level tests and expands the next: 2^40 calls if the test expanded too.
        let e = chain(40, |n| format!("${{{n}?{{${n}}}:{{${n}}}}}"), "x");
        let t = std::time::Instant::now();
        assert_eq!(x(&e, "$p0"), "x");
        assert!(t.elapsed().as_secs() < 2);
    }

    #[test]
    fn nested_relational_tests_hit_the_step_limit() {
        // Both operands and the branch expand the next level: 3^40 steps without a limit.
        let e = chain(40, |n| format!("${{{{${n}}} == {{${n}}} ? {{${n}}}}}"), "x");
        let out = expand(&MStr::unplaced("$p0"), &e, &Budget::default());
        assert!(out.limit, "{:?}", out.error);
        assert!(out.error.unwrap().contains("100000 steps"));
    }

    #[test]
    fn doubling_hits_a_limit_not_memory() {
        let e = chain(40, |n| format!("${n} ${n}"), "RC4");
        let out = expand(&MStr::unplaced("$p0"), &e, &Budget::default());
        assert!(out.limit, "{:?}", out.error);
        assert!(out.text.text.len() <= MAX_LEN + 64);
        // Wide doubling: long pieces reach the length limit first.
        let long = "A".repeat(4000);
        let e = chain(40, |n| format!("${n}${n}"), &long);
        let out = expand(&MStr::unplaced("$p0"), &e, &Budget::default());
        assert!(out.limit);
        assert!(out.error.unwrap().contains("65536 bytes"));
    }

    #[test]
    fn the_file_budget_is_shared_between_values() {
        let e = chain(10, |n| format!("${n} ${n}"), "RC4");
        let probe = Budget::default();
        assert!(expand(&MStr::unplaced("$p0"), &e, &probe).error.is_none());
        let cost = MAX_FILE_STEPS - probe.steps.get();
        // Room for one and a half values: the first fits, the second runs out.
        let budget = Budget::new(cost * 3 / 2, MAX_FILE_BYTES);
        assert!(expand(&MStr::unplaced("$p0"), &e, &budget).error.is_none());
        let out = expand(&MStr::unplaced("$p0"), &e, &budget);
        assert!(out.limit);
        assert!(out.error.unwrap().contains("per main.cf"));
        // Once used up, even a small value with a reference fails; plain text still works.
        assert!(expand(&MStr::unplaced("$p10"), &e, &budget).limit);
        assert!(expand(&MStr::unplaced("HIGH"), &e, &budget).error.is_none());
    }

    #[test]
    fn spans_survive_expansion() {
        let f = FileId(0);
        let mut def = MStr::default();
        def.push("RC4", Some((f, 100)));
        let e = Map([("weak", def)].into_iter().collect());
        let mut use_ = MStr::default();
        use_.push("aNULL, $weak", Some((f, 10)));
        let out = expand(&use_, &e, &Budget::default());
        assert_eq!(out.text.text, "aNULL, RC4");
        assert_eq!(out.text.exact(0..5), Some(Span::new(f, 10, 15)));
        assert_eq!(out.text.exact(7..10), Some(Span::new(f, 100, 103)));
        assert_eq!(out.via.len(), 1);
    }
}
