//! Finding the config files to check, and parsing each entry file once.
//!
//! Directories are walked honouring `.gitignore`; a file is a candidate when its name or
//! text says which program it configures (see [`parse::detect`]). Entry files that include
//! others (nginx `include`, Dovecot `!include`, a Postfix `master.cf`) are parsed first, and a
//! candidate already read as part of an earlier entry is not linted again on its own.

use std::path::{Path, PathBuf};

use crate::model::Dialect;
use crate::parse::{self, Options, ParseError, Parsed};
use crate::source::{SourceFile, Sources, Span, display_name};

/// A file to parse as an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
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
pub struct Found {
    /// Entry candidates, roots first, each group in path order.
    pub entries: Vec<Candidate>,
    /// Paths that could not be read or recognised.
    pub errors: Vec<ParseError>,
}

/// Largest file read during discovery; bigger ones are reported, not read (hostile input).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Collects candidates from paths (files, directories, or `-` for `stdin`).
pub fn discover(
    paths: &[PathBuf],
    forced: Option<Dialect>,
    stdin: Option<(Option<String>, String)>,
    sources: &mut Sources,
) -> Found {
    let mut found = Found::default();
    let mut stdin = stdin;
    for path in paths {
        if path.as_os_str() == "-" {
            if let Some((name, text)) = stdin.take() {
                let name = name.unwrap_or_else(|| "<stdin>".to_owned());
                let p = PathBuf::from(&name);
                let dialect = forced.or_else(|| parse::detect(&p, &text));
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
        } else if path.is_dir() {
            walk(path, forced, sources, &mut found);
        } else {
            consider(path, forced, true, sources, &mut found);
        }
    }
    // Roots first so included fragments are seen in context; stable path order otherwise.
    found
        .entries
        .sort_by(|a, b| b.root.cmp(&a.root).then_with(|| a.path.cmp(&b.path)));
    found
}

fn walk(dir: &Path, forced: Option<Dialect>, sources: &mut Sources, found: &mut Found) {
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(dir)
        .hidden(true)
        .follow_links(false)
        .build()
    {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                files.push(e.into_path());
            }
            Ok(_) => {}
            Err(e) => {
                let file = sources.add(dir.to_path_buf(), display_name(dir), "");
                found
                    .errors
                    .push(ParseError::new(Span::new(file, 0, 0), e.to_string()));
            }
        }
    }
    files.sort();
    files.retain(|f| interesting(f));
    // Reading, decoding and recognising files is independent per file: do it on every
    // core, then record the results in path order (file ids stay deterministic).
    let read = prefetch(&files, forced);
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
            Prefetched::Failed => consider(f, forced, false, sources, found),
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
    /// Not read (too large, unreadable): [`consider`] reports it the usual way.
    Failed,
}

/// Reads and recognises files on all available cores, results in input order.
fn prefetch(files: &[PathBuf], forced: Option<Dialect>) -> Vec<Prefetched> {
    let one = |path: &PathBuf| match std::fs::metadata(path) {
        Ok(m) if m.len() <= MAX_FILE_BYTES => match Sources::read(path) {
            Ok((key, file)) => {
                let dialect = forced.or_else(|| parse::detect(path, &file.text));
                Prefetched::Loaded { key, file, dialect }
            }
            Err(_) => Prefetched::Failed,
        },
        _ => Prefetched::Failed,
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(files.len() / PREFETCH_PER_THREAD)
        .max(1);
    if threads == 1 {
        return files.iter().map(one).collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
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
    matches!(ext.as_deref(), Some("conf" | "cf"))
        || name == "nginx.conf"
        || in_sites
        || parse::app::is_candidate_name(path)
}

fn consider(
    path: &Path,
    forced: Option<Dialect>,
    explicit: bool,
    sources: &mut Sources,
    found: &mut Found,
) {
    if sources.find(path).is_some() {
        return;
    }
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            let file = sources.add(path.to_path_buf(), display_name(path), "");
            found.errors.push(ParseError::new(
                Span::new(file, 0, 0),
                format!(
                    "{} is {} bytes, larger than the {} MiB tlslint reads",
                    display_name(path),
                    m.len(),
                    MAX_FILE_BYTES / 1024 / 1024
                ),
            ));
            return;
        }
        Ok(_) => {}
        Err(e) => {
            let file = sources.add(path.to_path_buf(), display_name(path), "");
            found.errors.push(ParseError::new(
                Span::new(file, 0, 0),
                format!("cannot read {}: {e}", display_name(path)),
            ));
            return;
        }
    }
    let id = match sources.load(path) {
        Ok(id) => id,
        Err(e) => {
            let file = sources.add(path.to_path_buf(), display_name(path), "");
            found.errors.push(ParseError::new(
                Span::new(file, 0, 0),
                format!("cannot read {}: {e}", display_name(path)),
            ));
            return;
        }
    };
    let text = std::sync::Arc::clone(&sources.get(id).text);
    match forced.or_else(|| parse::detect(path, &text)) {
        Some(dialect) => found.entries.push(Candidate {
            path: path.to_path_buf(),
            dialect,
            root: is_root(path),
        }),
        None if explicit => found.errors.push(unrecognised(Span::new(id, 0, 0))),
        None => {}
    }
}

fn unrecognised(span: Span) -> ParseError {
    ParseError::new(span, "cannot tell which program this file configures")
        .help("pass --dialect nginx|postfix|dovecot|app")
}

/// Entry points by name.
fn is_root(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    matches!(name.as_str(), "nginx.conf" | "dovecot.conf") || name.ends_with("main.cf")
}

/// Parses every candidate not already read as part of an earlier one.
pub fn parse_all(entries: &[Candidate], sources: &mut Sources, options: &Options) -> Vec<Parsed> {
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
        out.push(parsed);
    }
    out
}
