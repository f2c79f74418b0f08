//! HAProxy's conditional blocks (`.if` / `.elif` / `.else` / `.endif`, configuration manual
//! §2.4) with three-valued logic: a condition tlslint can decide with the target versions
//! (`version_atleast()`, `version_before()`, `openssl_version_atleast()`, `streq()` of
//! literals, `feature(OPENSSL)`) is decided; one that depends on the environment
//! (`defined()`, a `$VAR`) or the build (`feature()` of anything else) is unknown, and the
//! lines it guards are kept as "maybe".

use crate::model::{Targets, Version};

/// True, false, or not known here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tri {
    /// Known to hold.
    Yes,
    /// Known not to hold.
    No,
    /// Depends on what tlslint cannot see.
    Maybe,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
        }
    }

    pub(crate) fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Maybe,
        }
    }

    fn or(self, o: Tri) -> Tri {
        self.not().and(o.not()).not()
    }
}

/// Evaluates a condition (the words after `.if`, joined by spaces); `Err` for what HAProxy
/// rejects as malformed.
pub(crate) fn eval(text: &str, targets: &Targets, haproxy: Version) -> Result<Tri, String> {
    let toks = tokens(text)?;
    if toks.is_empty() {
        // "an empty string (which then returns false)".
        return Ok(Tri::No);
    }
    let mut p = Parser {
        toks: &toks,
        at: 0,
        targets,
        haproxy,
        depth: 0,
    };
    let v = p.or()?;
    if p.at != toks.len() {
        return Err(format!(
            "unparsable text after the condition near `{}`",
            toks[p.at]
        ));
    }
    Ok(v)
}

/// Nesting bound for parentheses and `!` (hostile input).
const MAX_DEPTH: usize = 64;

fn tokens(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' => {}
            '(' | ')' | '!' => out.push(c.to_string()),
            '&' | '|' => {
                if chars.next_if(|(_, n)| *n == c).is_none() {
                    return Err(format!("expected `{c}{c}`"));
                }
                out.push(format!("{c}{c}"));
            }
            _ => {
                // A term: a name, optionally with a parenthesised argument list.
                let rest = &text[i..];
                let mut depth = 0usize;
                let mut len = rest.len();
                for (j, ch) in rest.char_indices() {
                    match ch {
                        '(' => depth += 1,
                        ')' if depth > 0 => depth -= 1,
                        ')' | ' ' | '\t' | '&' | '|' if depth == 0 => {
                            len = j;
                            break;
                        }
                        _ => {}
                    }
                }
                if depth > 0 {
                    return Err("missing closing ')' after the arguments".into());
                }
                out.push(rest[..len].to_owned());
                while chars.peek().is_some_and(|(k, _)| *k < i + len) {
                    chars.next();
                }
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: &'a [String],
    at: usize,
    targets: &'a Targets,
    haproxy: Version,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.at).map(String::as_str)
    }

    fn or(&mut self) -> Result<Tri, String> {
        let mut v = self.and()?;
        while self.peek() == Some("||") {
            self.at += 1;
            v = v.or(self.and()?);
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<Tri, String> {
        let mut v = self.unary()?;
        while self.peek() == Some("&&") {
            self.at += 1;
            v = v.and(self.unary()?);
        }
        Ok(v)
    }

    fn unary(&mut self) -> Result<Tri, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("condition nested too deeply".into());
        }
        let r = match self.peek() {
            Some("!") => {
                self.at += 1;
                self.unary().map(Tri::not)
            }
            Some("(") => {
                self.at += 1;
                let v = self.or()?;
                if self.peek() != Some(")") {
                    return Err("missing closing ')'".into());
                }
                self.at += 1;
                Ok(v)
            }
            Some(t) if !matches!(t, ")" | "&&" | "||") => {
                let t = t.to_owned();
                self.at += 1;
                self.term(&t)
            }
            _ => Err("missing term in the condition".into()),
        };
        self.depth -= 1;
        r
    }

    fn term(&self, t: &str) -> Result<Tri, String> {
        if let Ok(n) = t.parse::<i64>() {
            return Ok(if n == 0 { Tri::No } else { Tri::Yes });
        }
        let Some((name, args)) = t.split_once('(') else {
            return Err(format!(
                "unknown term `{t}` (expected a predicate with arguments)"
            ));
        };
        let args = args.strip_suffix(')').unwrap_or(args);
        let list: Vec<&str> = args.split(',').map(str::trim).collect();
        let env = args.contains('$');
        let one = list.first().copied().unwrap_or("");
        Ok(match name {
            // tlslint reads TLS settings: the HAProxy it judges is built with OpenSSL. Other
            // features, `defined()`, `enabled()` and newer predicates are not known here.
            "feature" if one.eq_ignore_ascii_case("OPENSSL") => Tri::Yes,
            "streq" | "strneq" if env || list.len() != 2 => Tri::Maybe,
            "streq" => yes(list[0] == list[1]),
            "strneq" => yes(list[0] != list[1]),
            "version_atleast" => at_least(self.haproxy, one),
            "version_before" => at_least(self.haproxy, one).not(),
            "openssl_version_atleast" => at_least(self.targets.openssl, one),
            "openssl_version_before" => at_least(self.targets.openssl, one).not(),
            "ssllib_name_startswith" => yes("OpenSSL".starts_with(one)),
            _ => Tri::Maybe,
        })
    }
}

fn yes(b: bool) -> Tri {
    if b { Tri::Yes } else { Tri::No }
}

/// `have >= written`; a pre-release suffix (`2.4-dev19`) sorts before its release, so it
/// is "at least" for any release of that series.
fn at_least(have: Version, written: &str) -> Tri {
    let numeric: &str = written.split(['-', '+']).next().unwrap_or("");
    let mut parts = numeric.split('.').map(str::parse::<u16>);
    let want = match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(a)), None, _) => Version(a, 0, 0),
        (Some(Ok(a)), Some(Ok(b)), None) => Version(a, b, 0),
        (Some(Ok(a)), Some(Ok(b)), Some(Ok(c))) => Version(a, b, c),
        _ => return Tri::Maybe,
    };
    yes(have >= want)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(s: &str) -> Tri {
        eval(s, &Targets::default(), Version(3, 0, 11)).unwrap()
    }

    #[test]
    fn decides_what_it_can() {
        assert_eq!(ev("version_atleast(2.4)"), Tri::Yes);
        assert_eq!(ev("version_atleast(3.1-dev1)"), Tri::No);
        assert_eq!(ev("version_before(3.1)"), Tri::Yes);
        assert_eq!(ev("defined(X)"), Tri::Maybe);
        assert_eq!(ev("!defined(X) && 0"), Tri::No);
        assert_eq!(ev("defined(X) || 1"), Tri::Yes);
        assert_eq!(
            ev("feature(OPENSSL) && (streq(a,a) || defined(Y))"),
            Tri::Yes
        );
        assert_eq!(ev("streq($X,yes)"), Tri::Maybe);
        assert_eq!(ev(""), Tri::No);
        assert!(eval("(1", &Targets::default(), Version(3, 0, 0)).is_err());
    }
}
