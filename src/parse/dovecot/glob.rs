//! `glob(3)` with `GLOB_BRACE`, as Dovecot's `!include` uses it: `{a,b}` alternatives
//! expanded here, each matched with the shared wildcard matcher (`crate::glob`:
//! `*`, `?`, `[…]` per component, hidden files only with an explicit leading dot), results
//! sorted per alternative.

use std::path::Path;

use crate::gateway::Gateway;

/// Most brace alternatives expanded, so `{a,b}{a,b}…` cannot blow up.
const MAX_ALTERNATIVES: usize = 256;

/// The existing paths matching `pattern`, sorted (each brace alternative sorted on its own,
/// in alternative order, like glibc), listed through the gateway; directories it refused
/// to list come back in `refused`.
pub(crate) fn expand(pattern: &Path, gateway: &Gateway) -> crate::gateway::Glob {
    let text = pattern.to_string_lossy();
    let mut out = crate::gateway::Glob::default();
    for alt in braces(&text) {
        // Each alternative comes back sorted in byte order, as glob(3) sorts.
        let found = gateway.glob(Path::new(&alt));
        for f in found.matches {
            // Directories are not included files; anything else is tried (and a dangling
            // link fails as it does for Dovecot).
            if !gateway.is_dir(&f) && !out.matches.contains(&f) {
                out.matches.push(f);
            }
        }
        for r in found.refused {
            if !out.refused.contains(&r) {
                out.refused.push(r);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_matching() {
        use crate::glob::matches;
        assert!(matches("*.conf", "10-ssl.conf"));
        assert!(!matches("*.conf", "10-ssl.conf.ext"));
        assert!(matches("1?-*.c[a-o]nf", "10-ssl.conf"));
        assert!(matches("[!x]*", "a"));
        assert!(!matches("[!a]*", "a"));
        assert!(matches("a*b*c", "aXbYbZc"));
    }

    #[test]
    fn brace_alternatives() {
        assert_eq!(braces("a{b,c{d,e}}f"), vec!["abf", "acdf", "acef"]);
        assert_eq!(braces("{x"), vec!["{x"]);
        assert!(braces(&"{a,b}".repeat(20)).len() <= MAX_ALTERNATIVES + 2);
    }
}
