//! Finding the config files to check, and parsing each entry file once.
//!
//! Directories are walked honouring `.gitignore` (hidden directories, `.git/` among them, are
//! not entered) and the run's excludes ([`crate::exclude`]: an excluded directory is not
//! entered either); a file is a candidate when its name or text says which program it
//! configures (see [`parse::detect`]). Every file is read through the
//! [`Gateway`]: a walked symlink leading out of the root is a note, a walked file holding
//! key material or binary data is no config and is skipped. Entry files that include
//! others (nginx `include`, Dovecot `!include`, a Postfix `master.cf`) are parsed first, and a
//! candidate already read as part of an earlier entry is not linted again on its own.

use std::path::{Path, PathBuf};

use crate::gateway::{Gateway, Refusal};
use crate::model::{Dialect, Observation};
use crate::parse::{self, Options, ParseError, Parsed};
use crate::source::{SourceFile, Sources, Span, display_name};

/// A file to parse as an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// Its path (as given or found by the walk).
    pub path: PathBuf,
    /// The dialect it is parsed as.
    pub dialect: Dialect,
    /// True for files that are entry points by name (`nginx.conf`, `main.cf`, ...); these are
    /// parsed before fragments so that a fragment they include is judged in context.
    pub root: bool,
}

/// What discovery found.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Entry candidates, roots first, each group in path order.
    pub entries: Vec<Candidate>,
    /// Paths that could not be read or recognised.
    pub errors: Vec<ParseError>,
    /// Files not read because they lead outside the root (or into `/proc`, ...).
    pub notes: Vec<Observation>,
    /// Walked files skipped because they are not configs (key material, binary).
    pub skipped: Vec<(PathBuf, Refusal)>,
    /// Walked files and directories left out by an exclude pattern, with why, in path order.
    pub excluded: Vec<(PathBuf, String)>,
}

/// Collects candidates from paths (files, directories, or `-` for `stdin`).
pub(crate) fn discover(
    paths: &[PathBuf],
    forced: Option<Dialect>,
    stdin: Option<(Option<String>, String)>,
    sources: &mut Sources,
    options: &Options,
) -> Found {
    let gateway: &Gateway = &options.gateway;
    let mut found = Found::default();
    let mut stdin = stdin;
    for path in paths {
        if path.as_os_str() == "-" {
            if let Some((name, text)) = stdin.take() {
                let name = name.unwrap_or_else(|| "<stdin>".to_owned());
                let p = PathBuf::from(&name);
                let dialect = forced.or_else(|| parse::detect_with(&p, &text, options));
                let file = sources.add(p.clone(), name, text);
                match dialect {
                    Some(dialect) => found.entries.push(Candidate {
                        path: p,
                        dialect,
                        root: true,
                    }),
                    None => found.errors.push(unrecognised(Span::new(file, 0, 0))),
                }
            }
        } else if gateway.is_dir(path) {
            walk(path, forced, sources, options, &mut found);
        } else {
            consider(path, forced, true, sources, options, &mut found);
        }
    }
    // Roots first so included fragments are seen in context; stable path order otherwise.
    found
        .entries
        .sort_by(|a, b| b.root.cmp(&a.root).then_with(|| a.path.cmp(&b.path)));
    found
}

fn walk(
    dir: &Path,
    forced: Option<Dialect>,
    sources: &mut Sources,
    options: &Options,
    found: &mut Found,
) {
    let gateway: &Gateway = &options.gateway;
    let mut files = Vec::new();
    let limit = gateway.limits().files;
    // The walk's filter must be `Send + Sync + 'static`: it shares the excludes and
    // collects what they leave out behind a lock (the walk itself is sequential).
    let excludes = std::sync::Arc::clone(&options.exclude);
    let left_out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = std::sync::Arc::clone(&left_out);
    let mut builder = ignore::WalkBuilder::new(dir);
    builder.hidden(true).follow_links(false);
    builder.filter_entry(move |e| match excludes.walked(e.path()) {
        Some(pattern) => {
            if let Ok(mut v) = record.lock() {
                v.push((e.path().to_path_buf(), pattern.reason()));
            }
            false
        }
        None => true,
    });
    for entry in builder.build() {
        match entry {
            // Symlinks too: the gateway decides where they lead.
            Ok(e) if e.file_type().is_some_and(|t| t.is_file() || t.is_symlink()) => {
                if files.len() >= limit {
                    let file = sources.placeholder(dir);
                    found.errors.push(ParseError::new(
                        Span::new(file, 0, 0),
                        format!(
                            "more than {limit} files under {}; not reading further",
                            display_name(dir)
                        ),
                    ));
                    break;
                }
                files.push(e.into_path());
            }
            Ok(_) => {}
            Err(e) => {
                let file = sources.placeholder(dir);
                found
                    .errors
                    .push(ParseError::new(Span::new(file, 0, 0), e.to_string()));
            }
        }
    }
    if let Ok(mut v) = left_out.lock() {
        let mut v = std::mem::take(&mut *v);
        v.sort();
        found.excluded.append(&mut v);
    }
    files.sort();
    files.retain(|f| interesting(f));
    // Reading, decoding and recognising files is independent per file: do it on every
    // core, then record the results in path order (file ids stay deterministic).
    let read = prefetch(&files, forced, options);
    for (f, pre) in files.iter().zip(read) {
        match pre {
            Prefetched::Loaded { key, file, dialect } => {
                if sources.find_keyed(f, &key).is_some() {
                    continue;
                }
                sources.add_file(key, file);
                if let Some(dialect) = dialect {
                    found.entries.push(Candidate {
                        path: f.clone(),
                        dialect,
                        root: is_root(f),
                    });
                }
            }
            Prefetched::Failed(why) => refused(f, why, false, sources, found),
        }
    }
}

/// A walked file read ahead of time.
enum Prefetched {
    /// Read and decoded: its canonical path, its text, and the dialect it looks like.
    Loaded {
        key: PathBuf,
        file: SourceFile,
        dialect: Option<Dialect>,
    },
    /// Not read: [`refused`] reports it.
    Failed(Refusal),
}

/// Reads and recognises files on all available cores, results in input order.
fn prefetch(files: &[PathBuf], forced: Option<Dialect>, options: &Options) -> Vec<Prefetched> {
    let one = |path: &PathBuf| match Sources::read(path, &options.gateway) {
        Ok((key, file)) => {
            let dialect = forced.or_else(|| parse::detect_with(path, &file.text, options));
            // Key material that is no config is not kept, so no include can reach its
            // text later through the cache.
            if dialect.is_none() && crate::gateway::holds_private_key(file.text.as_bytes()) {
                return Prefetched::Failed(Refusal::Secret);
            }
            Prefetched::Loaded { key, file, dialect }
        }
        Err(why) => Prefetched::Failed(why),
    };
    crate::parallel::map_in_order(files, PREFETCH_PER_THREAD, one)
}

/// Fewer walked files than this per thread are read on one thread.
const PREFETCH_PER_THREAD: usize = 64;

/// Cheap name filter for walked files, so binaries and docs are never read.
fn interesting(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let in_sites = path.parent().is_some_and(|p| {
        p.file_name().is_some_and(|d| {
            let d = d.to_string_lossy();
            d.starts_with("sites-") || d == "conf.d" || d == "snippets" || d == "vhosts.d"
        })
    });
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    matches!(ext.as_deref(), Some("conf" | "cf" | "cfg"))
        || name == "nginx.conf"
        || in_sites
        || parse::app::is_candidate_name(path)
}

fn consider(
    path: &Path,
    forced: Option<Dialect>,
    explicit: bool,
    sources: &mut Sources,
    options: &Options,
    found: &mut Found,
) {
    let gateway: &Gateway = &options.gateway;
    if sources.find(path).is_some() {
        return;
    }
    let id = match sources.load(path, gateway) {
        Ok(id) => id,
        Err(why) => return refused(path, why, explicit, sources, found),
    };
    let text = std::sync::Arc::clone(&sources.get(id).text);
    // A `master.cf` named on its own is read as Postfix (with its `main.cf` when there is
    // one); walks reach it through its `main.cf`.
    let named_master = explicit
        && path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with("master.cf"));
    let detected = forced
        .or_else(|| parse::detect_with(path, &text, options))
        .or(named_master.then_some(Dialect::Postfix));
    match detected {
        Some(dialect) => found.entries.push(Candidate {
            path: path.to_path_buf(),
            dialect,
            root: is_root(path),
        }),
        None if explicit => found.errors.push(unrecognised(Span::new(id, 0, 0))),
        None => {}
    }
}

/// Records a file the gateway would not read: a note when it leads out of sight, nothing
/// for a walked file that is no config (key material, binary, a dangling link), an error
/// (exit 2) otherwise.
fn refused(path: &Path, why: Refusal, explicit: bool, sources: &mut Sources, found: &mut Found) {
    if !explicit
        && matches!(
            why,
            Refusal::Secret | Refusal::Binary | Refusal::Missing { .. } | Refusal::Vcs
        )
    {
        found.skipped.push((path.to_path_buf(), why));
        return;
    }
    let file = sources.placeholder(path);
    let span = Span::new(file, 0, 0);
    if parse::is_unseen(&why) {
        found.notes.push(parse::refused_note(
            span,
            path,
            &why,
            "the settings it holds",
        ));
    } else {
        found
            .errors
            .push(ParseError::new(span, parse::refused_message(path, &why)));
    }
}

fn unrecognised(span: Span) -> ParseError {
    ParseError::new(span, "cannot tell which program this file configures")
        .help("pass --dialect nginx|postfix|dovecot|apache|haproxy|app")
}

/// Entry points by name.
fn is_root(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    matches!(
        name.as_str(),
        "nginx.conf" | "dovecot.conf" | "haproxy.cfg" | "apache2.conf" | "httpd.conf"
    ) || name.ends_with("main.cf")
}

/// Parses every candidate not already read as part of an earlier one; each result comes with
/// the candidate it was parsed from.
pub(crate) fn parse_all<'c>(
    entries: &'c [Candidate],
    sources: &mut Sources,
    options: &Options,
) -> Vec<(&'c Candidate, Parsed)> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for c in entries {
        if let Some(id) = sources.find(&c.path)
            && seen.contains(&id)
        {
            continue;
        }
        let parsed = parse::parse(c.dialect, &c.path, sources, options);
        seen.extend(parsed.files.iter().copied());
        out.push((c, parsed));
    }
    out
}
