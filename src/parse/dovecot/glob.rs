//! `glob(3)` with `GLOB_BRACE`, as Dovecot's `!include` uses it: `*`, `?`, `[…]` per path
//! component and `{a,b}` alternatives, results sorted. Only what includes need; hidden
//! files match only an explicit leading dot, as in `glob(3)`.

use std::path::{Component, Path, PathBuf};

/// Most brace alternatives expanded, so `{a,b}{a,b}…` cannot blow up.
const MAX_ALTERNATIVES: usize = 256;

/// The existing paths matching `pattern`, sorted (each brace alternative sorted on its own,
/// in alternative order, like glibc).
pub(crate) fn expand(pattern: &Path) -> Vec<PathBuf> {
    let text = pattern.to_string_lossy();
    let mut out = Vec::new();
    for alt in braces(&text) {
        let mut found = walk(Path::new(&alt));
        found.sort();
        for f in found {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// Expands `{a,b}` alternatives (nested braces allowed), left to right.
fn braces(s: &str) -> Vec<String> {
    let mut todo = vec![s.to_owned()];
    let mut done = Vec::new();
    while let Some(p) = todo.pop() {
        if done.len() + todo.len() > MAX_ALTERNATIVES {
            done.push(p);
            continue;
        }
        let Some((open, close)) = first_brace(&p) else {
            done.push(p);
            continue;
        };
        let inner = &p[open + 1..close];
        let mut parts = Vec::new();
        let (mut depth, mut start) = (0usize, 0usize);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    parts.push(&inner[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&inner[start..]);
        for part in parts.into_iter().rev() {
            todo.push(format!("{}{}{}", &p[..open], part, &p[close + 1..]));
        }
    }
    done
}

fn first_brace(s: &str) -> Option<(usize, usize)> {
    let open = s.find('{')?;
    let mut depth = 0usize;
    for (i, c) in s[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((open, open + i));
                }
            }
            _ => {}
        }
    }
    None
}

fn has_magic(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn walk(pattern: &Path) -> Vec<PathBuf> {
    let mut current = vec![PathBuf::new()];
    for comp in pattern.components() {
        let mut next = Vec::new();
        match comp {
            Component::Normal(name) => {
                let name = name.to_string_lossy();
                for base in &current {
                    if has_magic(&name) {
                        let dir = if base.as_os_str().is_empty() {
                            Path::new(".")
                        } else {
                            base.as_path()
                        };
                        let Ok(entries) = std::fs::read_dir(dir) else {
                            continue;
                        };
                        for e in entries.flatten() {
                            let f = e.file_name().to_string_lossy().into_owned();
                            if f.starts_with('.') && !name.starts_with('.') {
                                continue;
                            }
                            if matches(name.as_bytes(), f.as_bytes()) {
                                next.push(base.join(&f));
                            }
                        }
                    } else {
                        next.push(base.join(&*name));
                    }
                }
            }
            other => next.extend(current.iter().map(|b| b.join(other.as_os_str()))),
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    current.retain(|p| p.is_file());
    current
}

/// Matches one path component against a pattern with `*`, `?` and `[…]`, iteratively
/// (backtracking only to the last `*`, so linear-ish and never recursive).
fn matches(pat: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pat.len() {
            match pat[p] {
                b'*' => {
                    star = Some((p, n));
                    p += 1;
                    continue;
                }
                b'?' => {
                    p += 1;
                    n += 1;
                    continue;
                }
                b'[' => {
                    if let Some((ok, len)) = class(&pat[p..], name[n])
                        && ok
                    {
                        p += len;
                        n += 1;
                        continue;
                    }
                }
                c if c == name[n] => {
                    p += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                p = sp + 1;
                n = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    pat[p..].iter().all(|&c| c == b'*')
}

/// Evaluates a `[…]` class at the start of `pat` against `c`: (matched, pattern length).
fn class(pat: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(pat.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut ok = false;
    let mut first = true;
    while i < pat.len() && (first || pat[i] != b']') {
        first = false;
        let lo = pat[i];
        if pat.get(i + 1) == Some(&b'-') && pat.get(i + 2).is_some_and(|&h| h != b']') {
            let hi = pat[i + 2];
            ok |= lo <= c && c <= hi;
            i += 3;
        } else {
            ok |= lo == c;
            i += 1;
        }
    }
    (i < pat.len()).then_some((ok != negate, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_matching() {
        assert!(matches(b"*.conf", b"10-ssl.conf"));
        assert!(!matches(b"*.conf", b"10-ssl.conf.ext"));
        assert!(matches(b"1?-*.c[a-o]nf", b"10-ssl.conf"));
        assert!(matches(b"[!x]*", b"a"));
        assert!(!matches(b"[!a]*", b"a"));
        assert!(matches(b"a*b*c", b"aXbYbZc"));
    }

    #[test]
    fn brace_alternatives() {
        assert_eq!(braces("a{b,c{d,e}}f"), vec!["abf", "acdf", "acef"]);
        assert_eq!(braces("{x"), vec!["{x"]);
        assert!(braces(&"{a,b}".repeat(20)).len() <= MAX_ALTERNATIVES + 2);
    }
}
