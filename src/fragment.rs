//! Judging a changed include fragment in the context of the file that includes it.
//!
//! pre-commit passes only the changed files: `conf.d/ssl.conf` without the `nginx.conf` that
//! includes it. Linting the fragment alone would miss inherited settings and defaults, so for
//! each named file that is not an entry file by name, [`plan`] looks for entry files in the
//! same repository (the closest directory above holding `.git`, else the fragment's own
//! directory): files named like entries (`nginx.conf`, `dovecot.conf`, `main.cf`,
//! `master.cf`) and config files that mention `include`. Each candidate is parsed in a
//! scratch [`Sources`]; one whose [`Parsed::files`](crate::parse::Parsed) contains the fragment
//! becomes an entry in its place. [`Focus`] then keeps only findings located in the named
//! files, or on endpoints defined in them. A fragment that no entry includes is linted on
//! its own.
//!
//! This module does not parse anything itself and knows no dialect syntax beyond the word
//! `include`.

use std::path::{Path, PathBuf};

use crate::diagnostic::Finding;
use crate::gateway::Gateway;
use crate::model::{Dialect, Model};
use crate::parse::{self, Options};
use crate::source::{FileId, Sources};

/// Entry-file names that are always considered.
const ENTRY_NAMES: &[&str] = &["nginx.conf", "dovecot.conf", "main.cf", "master.cf"];

/// Stop after this many candidate entries: a repository with more is not a config repo and
/// the fragment is linted alone.
const MAX_CANDIDATES: usize = 200;

/// Candidates larger than this are skipped (hostile or generated files).
const MAX_CANDIDATE_BYTES: u64 = 4 * 1024 * 1024;

/// True for files that are entry points by name.
pub(crate) fn is_entry_name(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| ENTRY_NAMES.contains(&n.to_string_lossy().as_ref()))
}

/// The directory searched for entry files: the checked root when the run has one, else the
/// repository above the path (the closest directory holding `.git`), else its directory.
pub(crate) fn repo_root(path: &Path, gateway: &Gateway) -> PathBuf {
    if let Some(root) = gateway.root() {
        return root.to_path_buf();
    }
    let abs = absolute(path, gateway);
    let start = abs.parent().map_or_else(|| abs.clone(), Path::to_path_buf);
    crate::gateway::repo_top(&start).unwrap_or(start)
}

/// The resolved path (through the gateway), or the spelling made absolute.
fn absolute(path: &Path, gateway: &Gateway) -> PathBuf {
    gateway.resolve(path).map_or_else(
        |_| crate::config::normalize(&crate::gateway::absolute(path)),
        |r| r.path,
    )
}

/// Entry files under `root` that might include something.
fn candidates(root: &Path, skip: &Path, gateway: &Gateway) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(root)
        .hidden(true)
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.into_path();
        if absolute(&path, gateway) == skip {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let by_name = ENTRY_NAMES.contains(&name.as_str());
        let config_like = Path::new(&name)
            .extension()
            .is_some_and(|e| e == "conf" || e == "cf");
        if !by_name && !config_like {
            continue;
        }
        let Ok(read) = gateway.read_config(&path) else {
            continue;
        };
        if read.bytes.len() as u64 > MAX_CANDIDATE_BYTES {
            continue;
        }
        if by_name || crate::gateway::contains(&read.bytes, b"include") {
            out.push(path);
            if out.len() >= MAX_CANDIDATES {
                break;
            }
        }
    }
    out.sort();
    out
}

/// Entry files in the fragment's repository that read it (directly or through includes).
pub(crate) fn including_entries(
    fragment: &Path,
    forced: Option<Dialect>,
    options: &Options,
) -> Vec<PathBuf> {
    let gateway = &options.gateway;
    let target = absolute(fragment, gateway);
    let root = repo_root(fragment, gateway);
    let mut found = Vec::new();
    for cand in candidates(&root, &target, gateway) {
        let mut scratch = Sources::new();
        let Ok(id) = scratch.load(&cand, gateway) else {
            continue;
        };
        let text = std::sync::Arc::clone(&scratch.get(id).text);
        let Some(dialect) = forced.or_else(|| parse::detect_with(&cand, &text, options)) else {
            continue;
        };
        let parsed = parse::parse(dialect, &cand, &mut scratch, options);
        if parsed
            .files
            .iter()
            .any(|&id| absolute(&scratch.get(id).path, gateway) == target)
        {
            found.push(cand);
        }
    }
    // An entry that is itself included by another found entry adds nothing.
    found
}

/// Which findings a run over replaced fragments reports.
#[derive(Clone, Debug, Default)]
pub(crate) struct Focus {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

/// The paths to read for named `paths`, and the focus when some fragment was replaced by
/// the entries that include it.
pub(crate) struct Plan {
    /// Paths to hand to discovery.
    pub paths: Vec<PathBuf>,
    /// `Some` when findings must be narrowed to the named files.
    pub focus: Option<Focus>,
}

/// Replaces named fragments by the entries that include them. `-` and directories pass
/// through unchanged.
pub(crate) fn plan(paths: &[PathBuf], forced: Option<Dialect>, options: &Options) -> Plan {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut focus = Focus::default();
    let mut replaced = false;
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
            continue;
        }
        let gateway = &options.gateway;
        if gateway.is_dir(p) {
            focus.dirs.push(absolute(p, gateway));
            out.push(p.clone());
            continue;
        }
        focus.files.push(absolute(p, gateway));
        if is_entry_name(p) || !gateway.is_file(p) {
            out.push(p.clone());
            continue;
        }
        let entries = including_entries(p, forced, options);
        if entries.is_empty() {
            out.push(p.clone());
        } else {
            replaced = true;
            for e in entries {
                if !out.contains(&e) {
                    out.push(e);
                }
            }
        }
    }
    Plan {
        paths: out,
        focus: replaced.then_some(focus),
    }
}

impl Focus {
    /// Whether a file is one of the named files (or under a named directory).
    pub(crate) fn contains(&self, sources: &Sources, id: FileId, gateway: &Gateway) -> bool {
        let p = absolute(&sources.get(id).path, gateway);
        self.files.contains(&p) || self.dirs.iter().any(|d| p.starts_with(d))
    }

    /// Whether a finding is reported: located in a named file, or about an endpoint
    /// defined in one.
    pub(crate) fn keeps(
        &self,
        f: &Finding,
        sources: &Sources,
        model: &Model,
        gateway: &Gateway,
    ) -> bool {
        self.contains(sources, f.span.file, gateway)
            || f.endpoint.as_ref().is_some_and(|name| {
                model
                    .endpoints
                    .iter()
                    .any(|e| &e.name == name && self.contains(sources, e.span.file, gateway))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_root_is_the_git_directory() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join(".git")).unwrap();
        std::fs::create_dir_all(tmp.path().join("etc/nginx/conf.d")).unwrap();
        let frag = tmp.path().join("etc/nginx/conf.d/ssl.conf");
        std::fs::write(&frag, "ssl_protocols TLSv1.2;\n").unwrap();
        let g = Gateway::default();
        assert_eq!(repo_root(&frag, &g), absolute(tmp.path(), &g));
    }

    #[test]
    fn candidates_are_entries_and_includers() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::create_dir_all(d.join("conf.d")).unwrap();
        std::fs::write(d.join("nginx.conf"), "events {}\n").unwrap();
        std::fs::write(d.join("site.conf"), "include conf.d/*.conf;\n").unwrap();
        std::fs::write(d.join("other.conf"), "server { }\n").unwrap();
        std::fs::write(d.join("conf.d/ssl.conf"), "ssl_protocols TLSv1;\n").unwrap();
        let g = Gateway::default();
        let skip = absolute(&d.join("conf.d/ssl.conf"), &g);
        let names: Vec<String> = candidates(&absolute(d, &g), &skip, &g)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["nginx.conf", "site.conf"]);
    }

    #[test]
    fn plan_keeps_entries_directories_and_lonely_fragments() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::write(d.join("nginx.conf"), "events {}\n").unwrap();
        std::fs::write(d.join("lonely.conf"), "ssl_protocols TLSv1;\n").unwrap();
        let paths = vec![d.join("nginx.conf"), d.join("lonely.conf"), d.to_path_buf()];
        let p = plan(&paths, None, &Options::default());
        assert_eq!(p.paths, paths);
        assert!(p.focus.is_none());
    }
}
