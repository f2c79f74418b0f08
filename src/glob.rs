//! The part of glob(3) that config includes use (nginx `include`, Dovecot `!include`): `*`,
//! `?` and `[…]` inside one path component, wildcards allowed in directory components too,
//! no match for names starting with `.` unless the pattern component does, results sorted in
//! byte order (both call `glob()` without `GLOB_NOSORT` in the C locale). This module only
//! matches names; listing directories is the [`Gateway`](crate::gateway::Gateway)'s
//! ([`Gateway::glob`](crate::gateway::Gateway::glob)).
//!
//! Not here: brace expansion (Dovecot's `GLOB_BRACE` is layered on top in its own module),
//! `~`, `**`.

/// True when a path has glob wildcards (nginx treats only such include paths as patterns).
pub(crate) fn is_pattern(path: &str) -> bool {
    path.bytes().any(|b| matches!(b, b'*' | b'?' | b'['))
}

/// Matches a whole path against a pattern, component by component (for `nginx -T` dumps,
/// where the "file system" is the list of dumped file names).
pub(crate) fn matches_path(pattern: &str, path: &str) -> bool {
    let mut p = pattern.split('/').filter(|c| !c.is_empty() && *c != ".");
    let mut n = path.split('/').filter(|c| !c.is_empty() && *c != ".");
    loop {
        match (p.next(), n.next()) {
            (None, None) => return true,
            (Some(pc), Some(nc)) if matches(pc, nc) => {}
            _ => return false,
        }
    }
}

/// Matches one path component against one pattern component (fnmatch with `FNM_PERIOD`).
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    let p = pattern.as_bytes();
    let n = name.as_bytes();
    if n.first() == Some(&b'.') && p.first() != Some(&b'.') {
        return false;
    }
    // Iterative matcher with one backtrack point for the last `*`: O(len(p) * len(n)).
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                b'?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                b'[' => {
                    if let Some((ok, len)) = class(&p[pi..], n[ni]) {
                        if ok {
                            pi += len;
                            ni += 1;
                            continue;
                        }
                    } else if n[ni] == b'[' {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                b'\\' if pi + 1 < p.len() && p[pi + 1] == n[ni] => {
                    pi += 2;
                    ni += 1;
                    continue;
                }
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// Matches a byte against a `[…]` class at the start of `p`; returns (matched, class
/// length), or `None` when the bracket is not closed (then it is a literal `[`).
fn class(p: &[u8], b: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(p.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let c = *p.get(i)?;
        if c == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if p.get(i + 1) == Some(&b'-') && p.get(i + 2).is_some_and(|&e| e != b']') {
            let hi = p[i + 2];
            if c <= b && b <= hi {
                matched = true;
            }
            i += 3;
        } else {
            if c == b {
                matched = true;
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn fnmatch() {
        assert!(matches("*.conf", "a.conf"));
        assert!(!matches("*.conf", ".a.conf"));
        assert!(matches(".*", ".a"));
        assert!(matches("a?c", "abc"));
        assert!(matches("[a-c]x", "bx"));
        assert!(!matches("[!a-c]x", "bx"));
        assert!(matches("*", "anything"));
        assert!(!matches("*.conf", "a.conf.bak"));
        assert!(matches("a*b*c", "aXbYbc"));
    }
}
