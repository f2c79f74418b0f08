//! Baselines: accept today's findings, report only new ones.
//!
//! `--write-baseline FILE` records findings keyed by (check, file, key) with a count per key
//! (several findings may share one key, e.g. the same value written in two blocks of one
//! file). `--baseline FILE` hides up to that many findings per key; entries matching fewer
//! findings than recorded are reported as removable. Files are named relative to the
//! baseline file's directory so the baseline works from any working directory.
//!
//! Version 2 (written) keys a finding about endpoints by its cause ([`Causes::key`], the
//! engine's grouping pass): the setting and the value as written, in the file holding
//! it (`protocols = TLSv1 TLSv1.2`), or the setting and the directive whose default applies,
//! in the config's main file (`curves/X448 (tls_eecdh_auto_curves default)`) — never a line,
//! and never the endpoints, so a finding that one more server comes to inherit keeps its
//! key. Findings about no endpoint keep their own key (or their message when they have
//! none), which names values, not lines.
//!
//! Version 1 (still read) keyed each finding by its endpoint's setting path
//! (`http/server[example.org:443]/protocols`). A finding about several endpoints matches
//! such a file when every endpoint's old entry is there; the caller says on stderr that
//! `--write-baseline` rewrites the file in version 2.
//!
//! The file is JSON, versioned and sorted so that diffs stay small:
//! `{"version": 2, "entries": [{"check", "file", "key", "count"}]}`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::normalize;
use crate::diagnostic::Finding;
use crate::engine::group::Causes;
use crate::source::{FileId, Sources};

/// Format version written.
pub(crate) const VERSION: u32 = 2;

/// The older version still read.
pub(crate) const VERSION_1: u32 = 1;

/// One recorded key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    /// Check name.
    pub check: String,
    /// File, relative to the baseline's directory, `/`-separated.
    pub file: String,
    /// The finding's stable key (see the module docs).
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

/// Names files relative to a baseline file's directory.
struct Namer {
    cwd: PathBuf,
    base: PathBuf,
}

impl Namer {
    /// For a baseline file at `path`.
    fn new(path: &Path) -> Namer {
        let cwd = std::env::current_dir().unwrap_or_default();
        let base = normalize(&cwd.join(base_dir(path)));
        Namer { cwd, base }
    }

    /// A file as entries name it.
    fn file(&self, sources: &Sources, id: FileId) -> String {
        let file = sources.get(id);
        let abs = normalize(&self.cwd.join(&file.path));
        abs.strip_prefix(&self.base).map_or_else(
            |_| file.name.clone(),
            |r| r.to_string_lossy().replace('\\', "/"),
        )
    }

    /// A finding's version 2 key.
    fn key(&self, f: &Finding, sources: &Sources, causes: &Causes<'_>) -> Key {
        let (file, key) = causes
            .key(f, sources)
            .unwrap_or_else(|| (f.span.file, own_key(f).to_owned()));
        (f.check.to_owned(), self.file(sources, file), key)
    }

    /// The version 1 keys a finding stands for: one, or one per endpoint it names.
    fn keys_v1(&self, f: &Finding, sources: &Sources) -> Vec<Key> {
        match f.cause.as_deref().filter(|c| !c.members.is_empty()) {
            Some(c) => c
                .members
                .iter()
                .map(|(file, key)| (f.check.to_owned(), self.file(sources, *file), key.clone()))
                .collect(),
            None => vec![(
                f.check.to_owned(),
                self.file(sources, f.span.file),
                own_key(f).to_owned(),
            )],
        }
    }
}

/// A finding's own key; checks without one fall back to the message, which names values,
/// not lines.
fn own_key(f: &Finding) -> &str {
    if f.key.is_empty() { &f.message } else { &f.key }
}

/// The directory a baseline file's paths are relative to.
fn base_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

impl Baseline {
    /// Records findings (to be written to `path`).
    pub(crate) fn from_findings(
        findings: &[Finding],
        sources: &Sources,
        causes: &Causes<'_>,
        path: &Path,
    ) -> Baseline {
        let namer = Namer::new(path);
        let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
        for f in findings {
            *counts.entry(namer.key(f, sources, causes)).or_default() += 1;
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

    /// Reads a baseline file (a regular file of at most [`crate::own_inputs::MAX_BASELINE_BYTES`]),
    /// version 2 or 1.
    pub(crate) fn read(path: &Path) -> Result<Baseline, String> {
        let text = crate::own_inputs::read_limited(path, crate::own_inputs::MAX_BASELINE_BYTES)
            .map_err(|e| format!("cannot use baseline: {e}"))?;
        let b: Baseline = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a tlslint baseline: {e}", path.display()))?;
        if b.version != VERSION && b.version != VERSION_1 {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {VERSION} or {VERSION_1})",
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
        causes: &Causes<'_>,
        path: &Path,
    ) -> (Vec<Finding>, Vec<Entry>) {
        let namer = Namer::new(path);
        let mut left: BTreeMap<Key, usize> = self
            .entries
            .iter()
            .map(|e| ((e.check.clone(), e.file.clone(), e.key.clone()), e.count))
            .collect();
        let mut new = Vec::new();
        for f in findings {
            let hidden = if self.version == VERSION_1 {
                take_all(&mut left, namer.keys_v1(&f, sources))
            } else {
                take_all(&mut left, vec![namer.key(&f, sources, causes)])
            };
            if !hidden {
                new.push(f);
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

/// Takes one count from each key when every key has one left (a finding about several
/// endpoints is old only if each endpoint's finding was); otherwise takes nothing.
fn take_all(left: &mut BTreeMap<Key, usize>, keys: Vec<Key>) -> bool {
    let mut need: BTreeMap<Key, usize> = BTreeMap::new();
    for k in keys {
        *need.entry(k).or_default() += 1;
    }
    if !need
        .iter()
        .all(|(k, n)| left.get(k).is_some_and(|have| have >= n))
    {
        return false;
    }
    for (k, n) in need {
        if let Some(have) = left.get_mut(&k) {
            *have -= n;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    /// Findings about no endpoint: no model needed.
    fn no_causes() -> Causes<'static> {
        static MODEL: std::sync::LazyLock<crate::model::Model> =
            std::sync::LazyLock::new(crate::model::Model::default);
        Causes::new(&MODEL, &[])
    }

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
        let b = Baseline::from_findings(&old, &s1, &no_causes(), Path::new("base.json"));
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
        let (new, stale) = back.filter(now, &s2, &no_causes(), Path::new("base.json"));
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].key, "k/other");
        assert_eq!(stale.len(), 1);
        assert_eq!((stale[0].key.as_str(), stale[0].count), ("k/ciphers", 1));
    }

    #[test]
    fn paths_are_relative_to_the_baseline() {
        let mut s = Sources::new();
        let id = s.add("conf/nginx.conf".into(), "conf/nginx.conf".into(), "x");
        let b = Baseline::from_findings(
            &[f(&s, id, "x", "k")],
            &s,
            &no_causes(),
            Path::new("conf/base.json"),
        );
        assert_eq!(b.entries[0].file, "nginx.conf");
    }
}
