//! The project config file: `tlslint.toml` or `.tlslint.toml`.
//!
//! Discovery follows typos/ruff: `--config FILE` if given, else the closest of
//! `tlslint.toml`, `.tlslint.toml` found walking up from the first checked path (or the
//! current directory) to the checked root ([`crate::gateway::checked_root`], the repository's
//! top); one file per run, no merging; `--no-config` skips all of this. A file above the root
//! is never used ([`Discovered::ignored`]): in CI the directories above a checkout are not
//! the project's. Command line flags beat the file. The file comes from the checked tree, so
//! the paths written in it (`policy`, `app-rules`) must stay inside its directory. Keys are kebab-case; unknown keys and bad values are errors that
//! carry the byte range of the key or value ([`LoadError`], rendered as a `config-error`
//! finding on the file's text), read with `toml::de::DeTable` like policies.
//!
//! This module only reads and validates; applying settings (severities, per-path overrides)
//! happens in `lib.rs` and through `Config::override_for`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::checks::{self, Severity};
use crate::model::Targets;
pub(crate) use crate::policy::LoadError;

/// File names looked for, in order, in each directory.
pub(crate) const NAMES: &[&str] = &["tlslint.toml", ".tlslint.toml"];

/// A check's configured level: a severity, or off.
pub(crate) type Level = Option<Severity>;

/// One `[[overrides]]` table: settings for files matching `include`.
#[derive(Clone, Debug)]
pub(crate) struct Override {
    /// The patterns as written (for `--print-config`).
    pub include: Vec<String>,
    /// The compiled patterns, matched against paths relative to the config's directory.
    pub globs: GlobSet,
    /// Per-check levels.
    pub checks: BTreeMap<String, Level>,
    /// Checks whose findings are dropped in these files.
    pub ignore: Vec<String>,
}

/// Settings read from a config file (all optional).
#[derive(Clone, Debug, Default)]
pub(crate) struct Config {
    /// The file read, if any.
    pub path: Option<PathBuf>,
    /// The directory relative paths and override globs are resolved against.
    pub dir: PathBuf,
    /// Policy name or file (a relative file path is resolved against `dir`).
    pub policy: Option<String>,
    /// Target versions as `program=version`.
    pub targets: Vec<String>,
    /// Lowest severity that fails the run.
    pub fail_level: Option<Severity>,
    /// Per-check levels (`[checks]`).
    pub checks: BTreeMap<String, Level>,
    /// Only these checks run (empty: all).
    pub select: Vec<String>,
    /// These checks do not run.
    pub ignore: Vec<String>,
    /// Per-path settings, later entries winning.
    pub overrides: Vec<Override>,
    /// Directories of application rule files (used by the app engine).
    pub app_rules: Vec<PathBuf>,
    /// Whether inline suppressions need `reason="..."` (default true).
    pub require_reason: Option<bool>,
    /// `strict-unknown`: judge what unread includes may set as defaults.
    pub strict_unknown: Option<bool>,
    /// `[paths]`: deploy paths mapped into the tree (directories relative to the config's).
    pub maps: Vec<(PathBuf, PathBuf)>,
    /// Where `policy` is written in the file (for errors about the path it names).
    pub policy_span: Option<Range<usize>>,
    /// Where each `app-rules` entry is written, in the order of `app_rules`.
    pub app_rules_spans: Vec<Range<usize>>,
    /// `exclude`: globs that replace the default excludes (relative to `dir`); `None` when
    /// the file does not set it.
    pub exclude: Option<Vec<String>>,
    /// `extend-exclude`: globs added to the excludes (relative to `dir`).
    pub extend_exclude: Vec<String>,
    /// `[haproxy] load`: the `-f` arguments HAProxy loads together, in order (joined to
    /// `dir`); empty when not set.
    pub haproxy_load: Vec<PathBuf>,
}

/// The commented starter config `tlslint init` writes; it must load without errors.
pub(crate) const STARTER: &str = r#"# tlslint configuration. Found by walking up from the checked paths to the top of the
# repository; command-line flags beat these values. `tlslint rules` lists the checks.

# Built-in policy name (`tlslint policies`) or a policy file relative to this file (it must
# be inside this file's directory).
policy = "mozilla-intermediate"

# Lowest severity that makes `tlslint check` exit 1: "note", "warning" or "error".
fail-level = "warning"

# Inline suppressions (`# tlslint: allow(check) reason="..."`) must give a reason.
require-reason = true

# Paths not to walk into (globs; without `/` they match a name anywhere, with `/` a path
# relative to this file). `exclude` replaces the defaults (node_modules, site-packages,
# target, vendor, venv); `extend-exclude` adds to them.
# extend-exclude = ["legacy/**"]

# Run only some checks / skip some checks.
# select = ["legacy-protocol", "weak-cipher"]
# ignore = ["cipher-not-recommended"]

# Program versions whose built-in defaults apply.
[targets]
# nginx = "1.24"
# openssl = "3.0"
# postfix = "3.10"
# dovecot = "2.4"
# apache = "2.4"

# Per-check severity: "error", "warning", "note" or "off".
[checks]
# no-forward-secrecy = "error"

# Settings for some paths (globs relative to this file; `**` crosses directories).
# [[overrides]]
# include = ["legacy/**"]
# ignore = ["legacy-protocol"]
# checks = { weak-cipher = "warning" }
"#;

/// Where the config search ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Discovered {
    /// The config file to use: the closest one from the start up to the checked root.
    pub path: Option<PathBuf>,
    /// When none was found inside the root: the closest one above it, which is not used
    /// (a `.tlslint.toml` in `/tmp` or a home directory must not steer a run silently).
    pub ignored: Option<PathBuf>,
}

/// Finds the config file for a run: the closest `tlslint.toml` / `.tlslint.toml` walking up
/// from `start` (a file or directory) to `root` (see [`crate::gateway::checked_root`]),
/// inclusive; the search goes on above the root only to name a file it ignores.
pub(crate) fn discover(start: &Path, root: &Path) -> Discovered {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = normalize(&cwd.join(start));
    let dir = if abs.is_dir() {
        abs.as_path()
    } else {
        abs.parent().unwrap_or(&abs)
    };
    // The walk is lexical (the names users see); whether a directory is inside the root is
    // decided on its resolved path, as the root itself is resolved.
    let inside = |d: &Path| d.canonicalize().is_ok_and(|c| c.starts_with(root));
    let mut out = Discovered::default();
    let from_root;
    let dirs = if inside(dir) {
        dir.ancestors()
    } else {
        // The start is outside the root (a symlinked directory on the way): look in the
        // root itself and above it.
        from_root = root.to_path_buf();
        from_root.ancestors()
    };
    for d in dirs {
        let Some(p) = NAMES
            .iter()
            .map(|name| d.join(name))
            .find(|p| std::fs::symlink_metadata(p).is_ok())
        else {
            continue;
        };
        if inside(d) {
            out.path = Some(p);
        } else {
            out.ignored = Some(p);
        }
        break;
    }
    out
}

/// Reads and validates a config file, then checks the paths written in it.
///
/// `allowed` is the directory the file itself must resolve inside (the checked root for a
/// discovered file); `None` for a file named with `--config`, which may be anywhere. Either
/// way it must be a regular file of at most [`crate::own_inputs::MAX_FILE_BYTES`], and the `policy`
/// and `app-rules` paths in it must resolve inside the directory holding it.
pub(crate) fn load(path: &Path, allowed: Option<&Path>) -> Result<Config, LoadError> {
    use crate::own_inputs::{MAX_FILE_BYTES, read_confined, read_limited};
    let name = crate::source::display_name(path);
    let read = match allowed {
        Some(root) => read_confined(path, root, MAX_FILE_BYTES),
        None => read_limited(path, MAX_FILE_BYTES),
    };
    let text = read.map_err(|e| LoadError {
        file: name.clone(),
        text: String::new(),
        message: format!("cannot use config: {e}"),
        span: None,
        help: None,
    })?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    let mut c = parse(&name, &text, &dir)?;
    c.path = Some(path.to_path_buf());
    confine_paths(&c).map_err(|(message, span, help)| LoadError {
        file: name,
        text,
        message,
        span: Some(span),
        help,
    })?;
    Ok(c)
}

/// Checks that the `policy` file and the `app-rules` directories of a loaded config resolve
/// inside the directory holding it: a config is data from the checked tree, and its paths
/// must not reach out of it (`/etc/passwd`, `/dev/zero`, `../../.ssh`).
fn confine_paths(c: &Config) -> Result<(), Fail> {
    use crate::own_inputs::{MAX_FILE_BYTES, confine, confine_dir};
    let help = |what: &str| {
        Some(format!(
            "{what} named in a config must be inside the directory holding the config; \
             pass it on the command line to use another one"
        ))
    };
    if let (Some(p), Some(span)) = (&c.policy, &c.policy_span)
        && crate::policy::builtin(p).is_none()
    {
        confine(&c.dir.join(p), &c.dir, MAX_FILE_BYTES).map_err(|e| {
            let help = match e {
                crate::own_inputs::ReadError::Io { .. } => Some(format!(
                    "use a built-in policy ({}) or a policy file inside the config's directory",
                    crate::policy::names()
                )),
                _ => help("a policy file"),
            };
            (format!("policy: {e}"), span.clone(), help)
        })?;
    }
    for (dir, span) in c.app_rules.iter().zip(&c.app_rules_spans) {
        confine_dir(dir, &c.dir).map_err(|e| {
            (
                format!("app-rules: {e}"),
                span.clone(),
                help("an app-rules directory"),
            )
        })?;
    }
    Ok(())
}

type Fail = (String, Range<usize>, Option<String>);

const KEYS: &str = "policy, fail-level, require-reason, strict-unknown, select, ignore, app-rules, \
                    exclude, extend-exclude, [targets], [paths], [checks], [haproxy], [[overrides]]";

/// Parses a config's text; `file` names it in errors, `dir` resolves relative paths.
pub(crate) fn parse(file: &str, text: &str, dir: &Path) -> Result<Config, LoadError> {
    let err = |(message, span, help): Fail| LoadError {
        file: file.to_owned(),
        text: text.to_owned(),
        message,
        span: Some(span),
        help,
    };
    let root = DeTable::parse(text).map_err(|e| LoadError {
        file: file.to_owned(),
        text: text.to_owned(),
        message: e.message().to_owned(),
        span: e.span(),
        help: None,
    })?;
    let mut c = Config {
        dir: dir.to_path_buf(),
        ..Config::default()
    };
    for (k, v) in root.get_ref() {
        read_key(&mut c, k, v, dir).map_err(err)?;
    }
    Ok(c)
}

fn read_key(
    c: &mut Config,
    k: &Spanned<toml::de::DeString<'_>>,
    v: &Spanned<DeValue<'_>>,
    dir: &Path,
) -> Result<(), Fail> {
    match k.get_ref().as_ref() {
        "policy" => {
            c.policy = Some(string(v)?);
            c.policy_span = Some(v.span());
        }
        "fail-level" => c.fail_level = Some(severity(v)?),
        "require-reason" => c.require_reason = Some(boolean(v)?),
        "strict-unknown" => c.strict_unknown = Some(boolean(v)?),
        "select" => c.select = check_names(v)?,
        "ignore" => c.ignore = check_names(v)?,
        "app-rules" => {
            let list = strings(v)?;
            c.app_rules = list.iter().map(|(s, _)| dir.join(s)).collect();
            c.app_rules_spans = list.into_iter().map(|(_, span)| span).collect();
        }
        "targets" => {
            for (tk, tv) in table(v)? {
                let program = tk.get_ref().as_ref();
                let version = string(tv)?;
                let spec = format!("{program}={version}");
                // `go` and `java` (the library versions of Go- and JSSE-based apps) are read
                // with the app versions.
                if program == "go" || program == "java" {
                    let v = if program == "java" && !version.contains('.') {
                        format!("{version}.0")
                    } else {
                        version.clone()
                    };
                    if crate::model::Version::parse(&v).is_none() {
                        return Err((
                            format!("[targets] {spec}: write {program} = \"X.Y\""),
                            tv.span(),
                            None,
                        ));
                    }
                    c.targets.push(spec);
                    continue;
                }
                Targets::default().set(&spec).map_err(|e| {
                    let span = if Targets::PROGRAMS.contains(&program) {
                        tv.span()
                    } else {
                        tk.span()
                    };
                    (
                        format!("[targets] {spec}: {e}"),
                        span,
                        Some(format!("programs: {}", Targets::PROGRAMS.join(", "))),
                    )
                })?;
                c.targets.push(spec);
            }
        }
        "checks" => c.checks = levels(v)?,
        "exclude" => c.exclude = Some(globs(v)?),
        "extend-exclude" => c.extend_exclude = globs(v)?,
        "paths" => {
            for (pk, pv) in table(v)? {
                let from = PathBuf::from(pk.get_ref().as_ref());
                if !from.is_absolute() {
                    return Err((
                        format!(
                            "[paths] `{}`: a deploy path must be absolute",
                            from.display()
                        ),
                        pk.span(),
                        Some("write `\"/etc/nginx\" = \"deploy/nginx\"`".to_owned()),
                    ));
                }
                c.maps.push((from, dir.join(string(pv)?)));
            }
        }
        "haproxy" => c.haproxy_load = haproxy_load(v, dir)?,
        "overrides" => {
            let DeValue::Array(items) = v.get_ref() else {
                return Err((
                    "`overrides` must be an array of tables: write `[[overrides]]`".to_owned(),
                    v.span(),
                    None,
                ));
            };
            for item in items {
                c.overrides.push(override_table(item)?);
            }
        }
        other => {
            return Err((
                format!("unknown key `{other}`"),
                k.span(),
                Some(format!("config keys: {KEYS}")),
            ));
        }
    }
    Ok(())
}

/// `[haproxy]`: `load`, the files and directories HAProxy is given with `-f`, relative to
/// the config's directory and inside it (they are read through the gateway all the same).
fn haproxy_load(v: &Spanned<DeValue<'_>>, dir: &Path) -> Result<Vec<PathBuf>, Fail> {
    let mut out = Vec::new();
    for (k, item) in table(v)? {
        if k.get_ref().as_ref() != "load" {
            return Err((
                format!("[haproxy]: unknown key `{}`", k.get_ref().as_ref()),
                k.span(),
                Some("[haproxy] keys: load".to_owned()),
            ));
        }
        for (p, span) in strings(item)? {
            let path = Path::new(&p);
            let inside = path.components().all(|c| {
                matches!(
                    c,
                    std::path::Component::Normal(_) | std::path::Component::CurDir
                )
            });
            if !inside || p.is_empty() {
                return Err((
                    format!("[haproxy] load: `{p}` must be a path inside the config's directory"),
                    span,
                    Some("write paths relative to this file, such as `\"haproxy.cfg\"` or `\"conf.d\"`".to_owned()),
                ));
            }
            out.push(dir.join(path));
        }
    }
    Ok(out)
}

fn override_table(item: &Spanned<DeValue<'_>>) -> Result<Override, Fail> {
    let t = table(item)?;
    let mut include = Vec::new();
    let mut globs = GlobSetBuilder::new();
    let mut o_checks = BTreeMap::new();
    let mut ignore = Vec::new();
    for (k, v) in t {
        match k.get_ref().as_ref() {
            "include" => {
                for (pattern, span) in strings(v)? {
                    let glob = globset::GlobBuilder::new(&pattern)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| (format!("bad glob `{pattern}`: {}", e.kind()), span, None))?;
                    globs.add(glob);
                    include.push(pattern);
                }
            }
            "checks" => o_checks = levels(v)?,
            "ignore" => ignore = check_names(v)?,
            other => {
                return Err((
                    format!("unknown key `{other}` in `[[overrides]]`"),
                    k.span(),
                    Some("override keys: include, checks, ignore".to_owned()),
                ));
            }
        }
    }
    if include.is_empty() {
        return Err((
            "an `[[overrides]]` entry needs `include = [\"glob\", ...]`".to_owned(),
            item.span(),
            None,
        ));
    }
    let globs = globs
        .build()
        .map_err(|e| (format!("bad glob: {e}"), item.span(), None))?;
    Ok(Override {
        include,
        globs,
        checks: o_checks,
        ignore,
    })
}

fn table<'a>(v: &'a Spanned<DeValue<'a>>) -> Result<&'a DeTable<'a>, Fail> {
    match v.get_ref() {
        DeValue::Table(t) => Ok(t),
        other => Err((
            format!("expected a table, found {}", other.type_str()),
            v.span(),
            None,
        )),
    }
}

fn string(v: &Spanned<DeValue<'_>>) -> Result<String, Fail> {
    v.get_ref().as_str().map(str::to_owned).ok_or_else(|| {
        (
            format!("expected a string, found {}", v.get_ref().type_str()),
            v.span(),
            None,
        )
    })
}

fn boolean(v: &Spanned<DeValue<'_>>) -> Result<bool, Fail> {
    v.get_ref().as_bool().ok_or_else(|| {
        (
            format!("expected true or false, found {}", v.get_ref().type_str()),
            v.span(),
            None,
        )
    })
}

fn strings(v: &Spanned<DeValue<'_>>) -> Result<Vec<(String, Range<usize>)>, Fail> {
    match v.get_ref() {
        DeValue::Array(a) => a.iter().map(|x| Ok((string(x)?, x.span()))).collect(),
        other => Err((
            format!("expected a list of strings, found {}", other.type_str()),
            v.span(),
            None,
        )),
    }
}

/// A list of exclude globs, each checked where it is written.
fn globs(v: &Spanned<DeValue<'_>>) -> Result<Vec<String>, Fail> {
    strings(v)?
        .into_iter()
        .map(|(s, span)| match crate::exclude::validate(&s) {
            Ok(()) => Ok(s),
            Err(e) => Err((format!("`{s}`: {e}"), span, None)),
        })
        .collect()
}

fn check_name(name: &str, span: Range<usize>) -> Result<String, Fail> {
    if checks::find(name).is_some() {
        Ok(name.to_owned())
    } else {
        Err((
            format!("unknown check `{name}`"),
            span,
            Some(checks::unknown_help(name)),
        ))
    }
}

fn check_names(v: &Spanned<DeValue<'_>>) -> Result<Vec<String>, Fail> {
    strings(v)?
        .into_iter()
        .map(|(s, span)| check_name(&s, span))
        .collect()
}

fn severity(v: &Spanned<DeValue<'_>>) -> Result<Severity, Fail> {
    let s = string(v)?;
    Severity::parse(&s).ok_or_else(|| {
        (
            format!("unknown severity `{s}`"),
            v.span(),
            Some("use \"error\", \"warning\" or \"note\"".to_owned()),
        )
    })
}

fn levels(v: &Spanned<DeValue<'_>>) -> Result<BTreeMap<String, Level>, Fail> {
    let mut out = BTreeMap::new();
    for (k, lv) in table(v)? {
        let name = check_name(k.get_ref().as_ref(), k.span())?;
        let s = string(lv)?;
        let level = if s == "off" {
            None
        } else {
            Some(Severity::parse(&s).ok_or_else(|| {
                (
                    format!("unknown severity `{s}`"),
                    lv.span(),
                    Some("use \"error\", \"warning\", \"note\" or \"off\"".to_owned()),
                )
            })?)
        };
        out.insert(name, level);
    }
    Ok(out)
}

impl Config {
    /// A file's path relative to the config directory, with `/` separators, for override
    /// globs; `None` when the file is outside it.
    pub(crate) fn relative(&self, path: &Path) -> Option<String> {
        let cwd = std::env::current_dir().ok()?;
        let abs = normalize(&cwd.join(path));
        let base = normalize(&cwd.join(&self.dir));
        let rel = abs.strip_prefix(&base).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }

    /// What the overrides say about a check's findings in a file: `None` = no override,
    /// `Some(None)` = dropped, `Some(Some(sev))` = this severity. Later overrides win.
    pub(crate) fn override_for(&self, check: &str, path: &Path) -> Option<Level> {
        if self.overrides.is_empty() {
            return None;
        }
        let rel = self.relative(path)?;
        let mut out = None;
        for o in &self.overrides {
            if !o.globs.is_match(&rel) {
                continue;
            }
            if o.ignore.iter().any(|i| i == check) {
                out = Some(None);
            } else if let Some(level) = o.checks.get(check) {
                out = Some(*level);
            }
        }
        out
    }

    /// The effective settings as TOML (`--print-config`).
    pub(crate) fn render(&self) -> String {
        use std::fmt::Write as _;
        let q = |s: &str| format!("{s:?}");
        let list = |v: &[String]| v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ");
        let level = |l: &Level| q(l.map_or("off", Severity::as_str));
        let mut s = String::new();
        match &self.path {
            Some(p) => {
                let _ = writeln!(s, "# from {}", crate::source::display_name(p));
            }
            None => s.push_str("# no config file\n"),
        }
        if let Some(p) = &self.policy {
            let _ = writeln!(s, "policy = {}", q(p));
        }
        if let Some(f) = self.fail_level {
            let _ = writeln!(s, "fail-level = {}", q(f.as_str()));
        }
        let _ = writeln!(
            s,
            "require-reason = {}",
            self.require_reason.unwrap_or(true)
        );
        let _ = writeln!(
            s,
            "strict-unknown = {}",
            self.strict_unknown.unwrap_or(false)
        );
        let _ = writeln!(s, "select = [{}]", list(&self.select));
        let _ = writeln!(s, "ignore = [{}]", list(&self.ignore));
        let rules: Vec<String> = self
            .app_rules
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let _ = writeln!(s, "app-rules = [{}]", list(&rules));
        if let Some(e) = &self.exclude {
            let _ = writeln!(s, "exclude = [{}]", list(e));
        }
        let _ = writeln!(s, "extend-exclude = [{}]", list(&self.extend_exclude));
        s.push_str("\n[targets]\n");
        for t in &self.targets {
            if let Some((k, v)) = t.split_once('=') {
                let _ = writeln!(s, "{k} = {}", q(v));
            }
        }
        s.push_str("\n[paths]\n");
        for (from, to) in &self.maps {
            let _ = writeln!(
                s,
                "{} = {}",
                q(&from.to_string_lossy()),
                q(&to.to_string_lossy())
            );
        }
        if !self.haproxy_load.is_empty() {
            let load: Vec<String> = self
                .haproxy_load
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            let _ = writeln!(s, "\n[haproxy]\nload = [{}]", list(&load));
        }
        s.push_str("\n[checks]\n");
        for (k, l) in &self.checks {
            let _ = writeln!(s, "{k} = {}", level(l));
        }
        for o in &self.overrides {
            s.push_str("\n[[overrides]]\n");
            let _ = writeln!(s, "include = [{}]", list(&o.include));
            let _ = writeln!(s, "ignore = [{}]", list(&o.ignore));
            let checks: Vec<String> = o
                .checks
                .iter()
                .map(|(k, l)| format!("{k} = {}", level(l)))
                .collect();
            let _ = writeln!(s, "checks = {{ {} }}", checks.join(", "));
        }
        s
    }
}

/// Removes `.` and resolves `..` lexically (the files may not exist, e.g. stdin names).
pub(crate) fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (String, String) {
        let e = parse("tlslint.toml", text, Path::new(".")).unwrap_err();
        let at = e.span.map(|r| text[r].to_owned()).unwrap_or_default();
        (e.message, at)
    }

    #[test]
    fn starter_loads() {
        let c = parse("tlslint.toml", STARTER, Path::new(".")).unwrap();
        assert_eq!(c.policy.as_deref(), Some("mozilla-intermediate"));
        assert_eq!(c.fail_level, Some(Severity::Warning));
        assert_eq!(c.require_reason, Some(true));
    }

    #[test]
    fn all_keys() {
        let text = r#"
policy = "mine.toml"
fail-level = "error"
select = ["legacy-protocol", "weak-cipher"]
ignore = ["weak-cipher"]
app-rules = ["rules.d"]
require-reason = false
exclude = ["vendor"]
extend-exclude = ["legacy/old/**", "*.bak"]
[targets]
nginx = "1.24"
[checks]
legacy-protocol = "warning"
weak-cipher = "off"
[[overrides]]
include = ["legacy/**"]
ignore = ["legacy-protocol"]
checks = { weak-cipher = "note" }
"#;
        let c = parse("t.toml", text, Path::new("/repo")).unwrap();
        assert_eq!(c.targets, ["nginx=1.24"]);
        assert_eq!(c.checks["legacy-protocol"], Some(Severity::Warning));
        assert_eq!(c.checks["weak-cipher"], None);
        assert_eq!(c.app_rules, [PathBuf::from("/repo/rules.d")]);
        assert_eq!(c.require_reason, Some(false));
        assert_eq!(c.exclude.as_deref(), Some(&["vendor".to_owned()][..]));
        assert_eq!(c.extend_exclude, ["legacy/old/**", "*.bak"]);
        assert_eq!(
            c.override_for("legacy-protocol", Path::new("/repo/legacy/a/nginx.conf")),
            Some(None)
        );
        assert_eq!(
            c.override_for("weak-cipher", Path::new("/repo/legacy/nginx.conf")),
            Some(Some(Severity::Note))
        );
        assert_eq!(
            c.override_for("weak-cipher", Path::new("/repo/new/nginx.conf")),
            None
        );
        assert!(c.render().contains("include = [\"legacy/**\"]"));
    }

    #[test]
    fn errors_point_at_the_problem() {
        assert_eq!(
            err("polcy = \"x\"\n"),
            ("unknown key `polcy`".to_owned(), "polcy".to_owned())
        );
        assert_eq!(
            err("[checks]\nlegacy-protocl = \"off\"\n"),
            (
                "unknown check `legacy-protocl`".to_owned(),
                "legacy-protocl".to_owned()
            )
        );
        assert_eq!(err("[checks]\nweak-cipher = \"fatal\"\n").1, "\"fatal\"");
        assert_eq!(err("fail-level = 3\n").1, "3");
        assert_eq!(err("[targets]\nnginx = \"one\"\n").1, "\"one\"");
        assert_eq!(err("[targets]\nlighttpd = \"1.4\"\n").1, "lighttpd");
        assert_eq!(err("[[overrides]]\ninclude = [\"a/[\"]\n").1, "\"a/[\"");
        assert_eq!(err("extend-exclude = [\"ok\", \"a/[\"]\n").1, "\"a/[\"");
        assert_eq!(
            err("[[overrides]]\nchecks = {}\n").0,
            "an `[[overrides]]` entry needs `include = [\"glob\", ...]`"
        );
        assert!(err("x = ").0.contains("string") || !err("x = ").0.is_empty());
    }

    #[test]
    fn discovery_prefers_the_closest_file_and_stops_at_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        let repo = base.join("repo");
        let sub = repo.join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(discover(&sub, &repo), Discovered::default());
        std::fs::write(base.join("tlslint.toml"), "").unwrap();
        assert_eq!(
            discover(&sub, &repo),
            Discovered {
                path: None,
                ignored: Some(base.join("tlslint.toml"))
            }
        );
        std::fs::write(repo.join(".tlslint.toml"), "").unwrap();
        assert_eq!(discover(&sub, &repo).path, Some(repo.join(".tlslint.toml")));
        std::fs::write(repo.join("a/.tlslint.toml"), "").unwrap();
        assert_eq!(
            discover(&sub.join("nginx.conf"), &repo).path,
            Some(repo.join("a/.tlslint.toml"))
        );
        std::fs::write(repo.join("a/tlslint.toml"), "").unwrap();
        assert_eq!(
            discover(&sub, &repo).path,
            Some(repo.join("a/tlslint.toml"))
        );
    }
}
