//! Paths left out of a run: the default excludes, the config's `exclude` / `extend-exclude`
//! and the `--exclude` / `--extend-exclude` flags, with ruff's meaning.
//!
//! `exclude` replaces the default list (`--exclude` replaces the config's `exclude`);
//! `extend-exclude` adds to it, from the config and from the flag. A pattern without `/` is
//! matched against the name of every file and directory met while walking (`node_modules`,
//! `*.bak`); a pattern with `/` against the path relative to where it was written (the
//! config file's directory, or the current directory for a flag), with `*` staying inside
//! one path component and `**` crossing them (`legacy/**`, `deploy/*/old.conf`). An
//! excluded directory is not entered. Paths named on the command line are still read unless
//! `--force-exclude` is given (`Excludes::named`).
//!
//! This module only decides; discovery (`discover.rs`) asks it while walking, and the
//! command line asks it about named paths.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// Names excluded when neither the config nor the command line sets `exclude`: directories
/// of other people's code and build output, whose YAML/TOML/`*.conf` files are not the
/// project's configs. Hidden directories (`.git`, `.venv`) and `.gitignore`'d files are
/// skipped by the walk in any case.
pub(crate) const DEFAULT: &[&str] = &["node_modules", "site-packages", "target", "vendor", "venv"];

/// Where a pattern comes from (for `--show-files` and `--print-config`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The built-in list.
    Default,
    /// A command-line flag (`--exclude`, `--extend-exclude`).
    Flag(&'static str),
    /// A config key (`exclude`, `extend-exclude`) in this file (as shown to users).
    Config(&'static str, String),
}

/// One pattern as written, with where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pattern {
    /// The pattern as written.
    pub text: String,
    /// Who wrote it.
    pub from: Origin,
    /// The directory a pattern with `/` is relative to (absolute, lexically normal).
    pub base: PathBuf,
}

impl Pattern {
    /// The pattern and its origin, for `--print-config`: `vendor (default)`,
    /// `legacy/** (extend-exclude, .tlslint.toml)`.
    pub(crate) fn describe(&self) -> String {
        let text = crate::escape::escape(&self.text);
        match &self.from {
            Origin::Default => format!("{text} (default)"),
            Origin::Flag(flag) => format!("{text} ({flag})"),
            Origin::Config(key, file) => {
                format!("{text} ({key}, {})", crate::escape::file_name(file))
            }
        }
    }

    /// Why a path this pattern matches is skipped: `excluded by --exclude legacy/**`,
    /// `excluded by extend-exclude old (.tlslint.toml)`.
    pub(crate) fn reason(&self) -> String {
        let text = crate::escape::escape(&self.text);
        match &self.from {
            Origin::Default => format!(
                "excluded by default ({text}; `exclude` in the config replaces the defaults)"
            ),
            Origin::Flag(flag) => format!("excluded by {flag} {text}"),
            Origin::Config(key, file) => {
                format!(
                    "excluded by {key} {text} ({})",
                    crate::escape::file_name(file)
                )
            }
        }
    }
}

/// The run's compiled excludes. The default value excludes nothing (library callers); the
/// command line builds the real one with `Excludes::new`.
#[derive(Clone, Debug, Default)]
pub struct Excludes {
    patterns: Vec<Pattern>,
    /// Patterns without `/`, matched against a file or directory name.
    names: GlobSet,
    /// Index into `patterns` of each pattern in `names`.
    name_ids: Vec<usize>,
    /// Patterns with `/`, one set per base directory, matched against the relative path.
    anchored: Vec<(PathBuf, GlobSet, Vec<usize>)>,
    /// The directory relative walked paths are joined to.
    cwd: PathBuf,
}

impl Excludes {
    /// Compiles patterns; `Err` names the first one that is no valid glob.
    pub(crate) fn new(patterns: Vec<Pattern>) -> Result<Excludes, String> {
        let mut names = GlobSetBuilder::new();
        let mut name_ids = Vec::new();
        let mut anchored: Vec<(PathBuf, GlobSetBuilder, Vec<usize>)> = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let (glob, is_name) = compile(&p.text).map_err(|e| {
                let text = crate::escape::escape(&p.text);
                match &p.from {
                    Origin::Flag(flag) => format!("{flag} {text}: {e}"),
                    Origin::Config(key, file) => format!("{key} {text} in {file}: {e}"),
                    Origin::Default => format!("{text}: {e}"),
                }
            })?;
            if is_name {
                names.add(glob);
                name_ids.push(i);
            } else if let Some((_, set, ids)) = anchored.iter_mut().find(|(b, _, _)| *b == p.base) {
                set.add(glob);
                ids.push(i);
            } else {
                let mut set = GlobSetBuilder::new();
                set.add(glob);
                anchored.push((p.base.clone(), set, vec![i]));
            }
        }
        let names = names.build().map_err(|e| e.to_string())?;
        let anchored = anchored
            .into_iter()
            .map(|(base, set, ids)| Ok((base, set.build().map_err(|e| e.to_string())?, ids)))
            .collect::<Result<_, String>>()?;
        Ok(Excludes {
            patterns,
            names,
            name_ids,
            anchored,
            cwd: current_dir(),
        })
    }

    /// The patterns in force, in order (defaults or `exclude` first, then `extend-exclude`).
    pub(crate) fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// The pattern that excludes a path met while walking (a file or a directory), if any.
    pub(crate) fn walked(&self, path: &Path) -> Option<&Pattern> {
        if self.patterns.is_empty() {
            return None;
        }
        let abs = crate::config::normalize(&self.cwd.join(path));
        self.matching(&abs)
    }

    /// The pattern that excludes a path named on the command line (`--force-exclude`): the
    /// path itself or a directory it is in, up to `root` (the checked root), so that
    /// `vendor/x/nginx.conf` is excluded by `vendor`. Directories above the root (where the
    /// checkout happens to live) are not looked at.
    pub(crate) fn named(&self, path: &Path, root: &Path) -> Option<&Pattern> {
        if self.patterns.is_empty() || path.as_os_str() == "-" {
            return None;
        }
        let abs = crate::config::normalize(&self.cwd.join(path));
        let stop = [root, self.cwd.as_path()]
            .into_iter()
            .find(|r| abs.starts_with(r) && abs != *r);
        let Some(stop) = stop else {
            return self.matching(&abs);
        };
        abs.ancestors()
            .take_while(|a| *a != stop)
            .find_map(|a| self.matching(a))
    }

    fn matching(&self, abs: &Path) -> Option<&Pattern> {
        let name_hit = abs.file_name().and_then(|name| {
            let name = name.to_string_lossy();
            self.names
                .matches(name.as_ref())
                .into_iter()
                .min()
                .and_then(|m| self.name_ids.get(m))
        });
        let anchored_hit = || {
            self.anchored.iter().find_map(|(base, set, ids)| {
                let rel = abs.strip_prefix(base).ok()?;
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel.is_empty() {
                    return None;
                }
                set.matches(&rel).into_iter().min().and_then(|m| ids.get(m))
            })
        };
        name_hit
            .or_else(anchored_hit)
            .and_then(|&i| self.patterns.get(i))
    }
}

/// Compiles one pattern; also says whether it matches names (no `/`) rather than paths.
/// A leading `./` and a trailing `/` are dropped; a leading `/` anchors at the base too.
fn compile(text: &str) -> Result<(Glob, bool), String> {
    let mut t = text.trim();
    while let Some(rest) = t.strip_prefix("./") {
        t = rest;
    }
    let t = t.trim_start_matches('/').trim_end_matches('/');
    if t.is_empty() {
        return Err("an empty pattern would exclude everything".to_owned());
    }
    let glob = GlobBuilder::new(t)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("bad glob: {}", e.kind()))?;
    Ok((glob, !t.contains('/')))
}

/// The current directory, as the checked root is computed (resolved), so that a named path
/// and the root compare.
fn current_dir() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    cwd.canonicalize().unwrap_or(cwd)
}

/// The absolute form of a pattern's base directory (`cfg.dir`, or `.`): resolved like the
/// current directory walked paths are joined to, so the two compare even when a symlink
/// leads to the config's directory; lexically normal when it cannot be resolved.
pub(crate) fn base(dir: &Path) -> PathBuf {
    let abs = crate::config::normalize(&current_dir().join(dir));
    abs.canonicalize().unwrap_or(abs)
}

/// Checks a pattern as a config key's value would be checked (before the run starts).
pub(crate) fn validate(text: &str) -> Result<(), String> {
    compile(text).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excludes(list: &[(&str, Origin)], base: &Path) -> Excludes {
        Excludes::new(
            list.iter()
                .map(|(t, f)| Pattern {
                    text: (*t).to_owned(),
                    from: f.clone(),
                    base: base.to_path_buf(),
                })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn names_and_anchored_paths() {
        let base = Path::new("/repo");
        let e = excludes(
            &[
                ("vendor", Origin::Default),
                ("*.bak", Origin::Flag("--extend-exclude")),
                (
                    "legacy/**",
                    Origin::Config("exclude", ".tlslint.toml".into()),
                ),
                ("./deploy/*/old.conf/", Origin::Flag("--exclude")),
            ],
            base,
        );
        let hit = |p: &str| e.walked(Path::new(p)).map(|p| p.text.clone());
        assert_eq!(hit("/repo/a/vendor").as_deref(), Some("vendor"));
        assert_eq!(hit("/repo/vendors"), None);
        assert_eq!(hit("/repo/x/nginx.conf.bak").as_deref(), Some("*.bak"));
        assert_eq!(hit("/repo/legacy/a/b.conf").as_deref(), Some("legacy/**"));
        assert_eq!(hit("/other/legacy/a/b.conf"), None);
        assert_eq!(
            hit("/repo/deploy/x/old.conf").as_deref(),
            Some("./deploy/*/old.conf/")
        );
        // `*` stays inside one component.
        assert_eq!(hit("/repo/deploy/x/y/old.conf"), None);
        // A named path is excluded by a directory it is in, below the root only.
        let named = |p: &str| e.named(Path::new(p), base).map(|p| p.text.clone());
        assert_eq!(
            named("/repo/vendor/x/nginx.conf").as_deref(),
            Some("vendor")
        );
        assert_eq!(named("/repo/nginx.conf"), None);
        let inside = |p: &str| e.named(Path::new(p), Path::new("/vendor/repo"));
        assert!(inside("/vendor/repo/nginx.conf").is_none());
        assert_eq!(
            e.walked(Path::new("/repo/a/vendor")).map(Pattern::reason),
            Some(
                "excluded by default (vendor; `exclude` in the config replaces the defaults)"
                    .to_owned()
            )
        );
    }

    #[test]
    fn bad_patterns_are_errors() {
        assert!(validate("a/[").is_err());
        assert!(validate("/").is_err());
        assert!(validate("ok/**").is_ok());
    }
}
