//! Baselines: accept today's findings, report only new ones.
//!
//! `--write-baseline FILE` records findings keyed by (check, file, [`Finding::key`]) — the
//! config key path such as `http/server[example.org:443]/protocols`, never a line number — with
//! a count per key (several findings may share one key, e.g. two weak suites in one cipher
//! string). `--baseline FILE` hides up to that many findings per key; entries matching fewer
//! findings than recorded are reported as removable. Files are named relative to the
//! baseline file's directory so the baseline works from any working directory.
//!
//! The file is JSON, versioned and sorted so that diffs stay small:
//! `{"version": 1, "entries": [{"check", "file", "key", "count"}]}`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::normalize;
use crate::diagnostic::Finding;
use crate::source::Sources;

/// Format version written and read.
pub(crate) const VERSION: u32 = 1;

/// One recorded key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    /// Check name.
    pub check: String,
    /// File, relative to the baseline's directory, `/`-separated.
    pub file: String,
    /// The finding's stable key (its message when the check gives no key).
    pub key: String,
    /// How many findings had this key.
    pub count: usize,
}

/// A baseline file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Baseline {
    /// Format version.
    pub version: u32,
    /// Entries, sorted.
    pub entries: Vec<Entry>,
}

type Key = (String, String, String);

/// The baseline key of a finding; `base` is the baseline file's directory.
fn key_of(f: &Finding, sources: &Sources, base: &Path) -> Key {
    let file = sources.get(f.span.file);
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = normalize(&cwd.join(&file.path));
    let rel = abs.strip_prefix(normalize(&cwd.join(base))).map_or_else(
        |_| file.name.clone(),
        |r| r.to_string_lossy().replace('\\', "/"),
    );
    // Checks without a setting key fall back to the message, which names values, not lines.
    let key = if f.key.is_empty() {
        f.message.clone()
    } else {
        f.key.clone()
    };
    (f.check.to_owned(), rel, key)
}

/// The directory a baseline file's paths are relative to.
fn base_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

impl Baseline {
    /// Records findings (to be written to `path`).
    pub(crate) fn from_findings(findings: &[Finding], sources: &Sources, path: &Path) -> Baseline {
        let base = base_dir(path);
        let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
        for f in findings {
            *counts.entry(key_of(f, sources, &base)).or_default() += 1;
        }
        Baseline {
            version: VERSION,
            entries: counts
                .into_iter()
                .map(|((check, file, key), count)| Entry {
                    check,
                    file,
                    key,
                    count,
                })
                .collect(),
        }
    }

    /// The JSON text.
    pub(crate) fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a baseline file (a regular file of at most [`crate::own_inputs::MAX_BASELINE_BYTES`]).
    pub(crate) fn read(path: &Path) -> Result<Baseline, String> {
        let text = crate::own_inputs::read_limited(path, crate::own_inputs::MAX_BASELINE_BYTES)
            .map_err(|e| format!("cannot use baseline: {e}"))?;
        let b: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a tlslint baseline: {e}", path.display()))?;
        if b.version != VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {VERSION})",
                path.display(),
                b.version
            ));
        }
        Ok(b)
    }

    /// Splits findings into new ones (returned) and baselined ones (dropped); also returns
    /// the entries (with the unmatched count) that no longer match anything.
    pub(crate) fn filter(
        &self,
        findings: Vec<Finding>,
        sources: &Sources,
        path: &Path,
    ) -> (Vec<Finding>, Vec<Entry>) {
        let base = base_dir(path);
        let mut left: BTreeMap<Key, usize> = self
            .entries
            .iter()
            .map(|e| ((e.check.clone(), e.file.clone(), e.key.clone()), e.count))
            .collect();
        let mut new = Vec::new();
        for f in findings {
            match left.get_mut(&key_of(&f, sources, &base)) {
                Some(n) if *n > 0 => *n -= 1,
                _ => new.push(f),
            }
        }
        let stale = left
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|((check, file, key), count)| Entry {
                check,
                file,
                key,
                count,
            })
            .collect();
        (new, stale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn f(sources: &Sources, id: crate::source::FileId, needle: &str, key: &str) -> Finding {
        let at = sources.get(id).text.find(needle).unwrap();
        let mut f = Finding::at(Span::new(id, at, at + needle.len()), "m");
        f.check = "legacy-protocol";
        f.key = key.to_owned();
        f
    }

    #[test]
    fn round_trip_survives_line_shifts() {
        let mut s1 = Sources::new();
        let id = s1.add(
            "conf/nginx.conf".into(),
            "conf/nginx.conf".into(),
            "a TLSv1;\nb RC4;\n",
        );
        let old = vec![
            f(&s1, id, "TLSv1", "k/protocols"),
            f(&s1, id, "RC4", "k/ciphers"),
            f(&s1, id, "RC4", "k/ciphers"),
        ];
        let b = Baseline::from_findings(&old, &s1, Path::new("base.json"));
        assert_eq!(b.entries.len(), 2);
        assert_eq!(b.entries[0].file, "conf/nginx.conf");
        assert_eq!(b.entries[0].count, 2);
        let json = b.to_json();
        let back: Baseline = serde_json::from_str(&json).unwrap();
        assert_eq!(back, b);

        // The same findings, lines shifted; one new key; the RC4 count dropped to one.
        let mut s2 = Sources::new();
        let id = s2.add(
            "conf/nginx.conf".into(),
            "conf/nginx.conf".into(),
            "\n\n# moved\na TLSv1;\nb RC4;\nc X;\n",
        );
        let now = vec![
            f(&s2, id, "TLSv1", "k/protocols"),
            f(&s2, id, "RC4", "k/ciphers"),
            f(&s2, id, "X", "k/other"),
        ];
        let (new, stale) = back.filter(now, &s2, Path::new("base.json"));
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].key, "k/other");
        assert_eq!(stale.len(), 1);
        assert_eq!((stale[0].key.as_str(), stale[0].count), ("k/ciphers", 1));
    }

    #[test]
    fn paths_are_relative_to_the_baseline() {
        let mut s = Sources::new();
        let id = s.add("conf/nginx.conf".into(), "conf/nginx.conf".into(), "x");
        let b = Baseline::from_findings(&[f(&s, id, "x", "k")], &s, Path::new("conf/base.json"));
        assert_eq!(b.entries[0].file, "nginx.conf");
    }
}
