//! The one door to the file system: every path a run reads is resolved, confined and
//! bounded here.
//!
//! Configs are hostile input: a pull request can commit symlinks, FIFOs, links into `/proc`,
//! huge files and include bombs. So no reader opens files itself. Walked files, named paths,
//! nginx and Dovecot includes (each glob *match*), Postfix's `master.cf`, Dovecot `<file`
//! values, certificates, DH and ticket-key files all come through a [`Gateway`], which
//!
//! - resolves a path fully (every symlink, with a hop limit) and reads it only when the
//!   result lies inside the checked root ([`Refusal::Outside`] otherwise, whether or not the
//!   target exists: a committed `sites-enabled/x -> /etc/nginx/sites-available/x` is normal);
//! - never reads under `/proc`, `/sys` or `/dev`, nor VCS metadata (`.git/`, `.hg/`,
//!   `.svn/`), nor anything but a regular file (FIFOs, sockets and devices would hang or
//!   never end), even with `--allow-outside-root`;
//! - bounds each read and the whole run (bytes, files, directory listings; see [`Limits`]);
//! - refuses a file reached through an include or a `<file` value when it holds
//!   private-key material or is binary ([`Refusal::Secret`], [`Refusal::Binary`]), so such
//!   bytes never reach any output;
//! - lists each directory once per run and caches the names (glob includes repeated
//!   thousands of times cost one listing).
//!
//! What is not here: deciding which files a run looks at (discovery), and what a refusal
//! means to the user (each caller turns it into a note or an error at the right place).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

/// How much one run may read. Every limit is far above real configuration trees (the
/// 240k-line benchmark tree is 9 MB in 2,000 files) and far below what hurts a CI machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest config file read (an `nginx -T` dump of a big site is a few MB).
    pub config_bytes: u64,
    /// Largest key-material file read (certificate chains are a few KB).
    pub material_bytes: u64,
    /// Bytes read in the whole run.
    pub total_bytes: u64,
    /// Files read in the whole run.
    pub files: usize,
    /// Directories listed in the whole run (each is listed once and cached).
    pub listings: usize,
    /// Names kept from one directory listing.
    pub entries_per_listing: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            config_bytes: 64 * 1024 * 1024,
            material_bytes: 1024 * 1024,
            total_bytes: 256 * 1024 * 1024,
            files: 100_000,
            listings: 20_000,
            entries_per_listing: 100_000,
        }
    }
}

/// Why a path was not read. Messages never contain file contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// It resolves outside the checked root (`resolved` is where it leads, or would lead
    /// for a dangling link).
    Outside {
        /// Where the path leads.
        resolved: PathBuf,
    },
    /// It lies in version-control metadata (`.git/`, ...), which may hold credentials.
    Vcs,
    /// It leads into `/proc`, `/sys` or `/dev`.
    Special {
        /// Where the path leads.
        resolved: PathBuf,
    },
    /// It does not exist; `dangling` when a symlink on the way points nowhere.
    Missing {
        /// A symlink on the way points to nothing.
        dangling: bool,
    },
    /// It is not a regular file (`what`: "a directory", "a FIFO", ...).
    NotRegular {
        /// What it is instead.
        what: &'static str,
    },
    /// It is larger than the limit for its kind.
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Read as a config, it holds private-key material.
    Secret,
    /// Read as a config, it is not text.
    Binary,
    /// A run-wide budget is used up (`what` names it).
    Budget {
        /// The budget, in words.
        what: String,
    },
    /// Too many symlinks on the way (a loop).
    Loop,
    /// Any other I/O error (the OS message, no contents).
    Io {
        /// The raw OS error code, when there is one.
        code: Option<i32>,
        /// The OS message.
        message: String,
    },
}

impl Refusal {
    fn io(e: &io::Error) -> Refusal {
        if e.kind() == io::ErrorKind::NotFound {
            return Refusal::Missing { dangling: false };
        }
        let text = e.to_string();
        let message = text
            .split(" (os error")
            .next()
            .unwrap_or(text.as_str())
            .to_owned();
        Refusal::Io {
            code: e.raw_os_error(),
            message,
        }
    }

    /// The errno-style code and text, for messages in a program's own words (nginx's
    /// `open() "x" failed (2: No such file or directory)`).
    pub fn os_error(&self) -> (i32, String) {
        match self {
            Refusal::Missing { .. } => (2, "No such file or directory".into()),
            Refusal::NotRegular { what } if *what == "a directory" => (21, "Is a directory".into()),
            Refusal::Loop => (40, "Too many levels of symbolic links".into()),
            Refusal::Io { code, message } => (code.unwrap_or(5), message.clone()),
            other => (
                13,
                format!("Permission denied: tlslint does not read it: {other}"),
            ),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Outside { .. } => f.write_str("it is outside the checked root"),
            Refusal::Vcs => {
                f.write_str("it is version-control metadata, which may hold credentials")
            }
            Refusal::Special { .. } => f.write_str("it leads into /proc, /sys or /dev"),
            Refusal::Missing { dangling: true } => {
                f.write_str("it is a symlink to a file that does not exist")
            }
            Refusal::Missing { dangling: false } => f.write_str("it does not exist"),
            Refusal::NotRegular { what } => write!(f, "it is {what}, not a regular file"),
            Refusal::TooLarge { size, limit } => write!(
                f,
                "it is {size} bytes, larger than the {} tlslint reads",
                human_size(*limit)
            ),
            Refusal::Secret => f.write_str("it holds private-key material"),
            Refusal::Binary => f.write_str("it is a binary file, not text"),
            Refusal::Budget { what } => write!(f, "{what}"),
            Refusal::Loop => f.write_str("too many levels of symbolic links"),
            Refusal::Io { message, .. } => f.write_str(message),
        }
    }
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / 1024 / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a path is, once resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// Anything else (FIFO, socket, device).
    Other,
}

/// A path resolved and confined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The fully resolved path (no symlinks, no `.`/`..`).
    pub path: PathBuf,
    /// What it is.
    pub kind: Kind,
}

/// A file read through the gateway.
#[derive(Debug)]
pub struct Loaded {
    /// Its fully resolved path (the key under which it is known).
    pub key: PathBuf,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A directory listing shared by every glob that reads the directory.
pub type Listing = Arc<[OsString]>;

/// The checked root, the limits, and what the run has used of them.
pub struct Gateway {
    /// The canonical root; `None` when reading outside it is allowed.
    root: Option<PathBuf>,
    limits: Limits,
    bytes: AtomicU64,
    files: AtomicUsize,
    listings_used: AtomicUsize,
    /// Set once a budget is exceeded, so the error is reported once.
    exhausted: AtomicBool,
    /// Resolved directories, by the spelling used.
    dirs: Mutex<HashMap<PathBuf, Result<PathBuf, Refusal>, foldhash::fast::RandomState>>,
    /// Directory listings by resolved path.
    listings: Mutex<HashMap<PathBuf, Result<Listing, Refusal>, foldhash::fast::RandomState>>,
    /// Deploy paths mapped into the tree (`--map /etc/nginx=deploy/nginx`), longest first.
    maps: Vec<(PathBuf, PathBuf)>,
}

impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gateway")
            .field("root", &self.root)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Default for Gateway {
    /// Unconfined, with the default limits (library use and tests; runs confine).
    fn default() -> Self {
        Gateway::new(None, Limits::default())
    }
}

/// Most symlinks followed while resolving one path (Linux's `MAXSYMLINKS` is 40).
const MAX_HOPS: usize = 40;

/// Directory names whose contents are never read: VCS metadata can hold credentials
/// (`.git/config` keeps the token of an authenticated checkout).
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn"];

impl Gateway {
    /// A gateway confined to `root` (made canonical here, once), or unconfined for `None`.
    pub fn new(root: Option<PathBuf>, limits: Limits) -> Self {
        let root = root.map(|r| r.canonicalize().unwrap_or_else(|_| absolute(&r)));
        Gateway {
            root,
            limits,
            bytes: AtomicU64::new(0),
            files: AtomicUsize::new(0),
            listings_used: AtomicUsize::new(0),
            exhausted: AtomicBool::new(false),
            dirs: Mutex::default(),
            listings: Mutex::default(),
            maps: Vec::new(),
        }
    }

    /// The same gateway reading an absolute path under each `from` from the same place
    /// under `to` instead (a deploy path mapped into the repository). The mapped path is
    /// then confined like any other; the longest `from` wins.
    #[must_use]
    pub fn with_maps(mut self, maps: &[(PathBuf, PathBuf)]) -> Self {
        self.maps = maps
            .iter()
            .map(|(from, to)| (lexically_normal(from), absolute(to)))
            .collect();
        self.maps
            .sort_by_key(|(from, _)| std::cmp::Reverse(from.components().count()));
        self
    }

    /// The deploy-path maps in force.
    pub fn maps(&self) -> &[(PathBuf, PathBuf)] {
        &self.maps
    }

    /// Where an absolute path is read from: itself, or its mapped place in the tree.
    pub fn mapped<'p>(&self, p: &'p Path) -> Cow<'p, Path> {
        if self.maps.is_empty() || !p.is_absolute() {
            return Cow::Borrowed(p);
        }
        let normal = lexically_normal(p);
        for (from, to) in &self.maps {
            if let Ok(rest) = normal.strip_prefix(from) {
                return Cow::Owned(to.join(rest));
            }
        }
        Cow::Borrowed(p)
    }

    /// A gateway confined to `root` with the default limits.
    pub fn confined(root: impl Into<PathBuf>) -> Self {
        Gateway::new(Some(root.into()), Limits::default())
    }

    /// The canonical checked root (`None`: unconfined).
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// True once any run-wide budget was exceeded.
    pub fn exhausted(&self) -> bool {
        self.exhausted.load(Ordering::Relaxed)
    }

    /// Resolves `p` (relative paths against the working directory) and checks that it may
    /// be read: inside the root, not special, not VCS metadata. The target need not exist
    /// for [`Refusal::Outside`]; otherwise a missing target is [`Refusal::Missing`].
    pub fn resolve(&self, p: &Path) -> Result<Resolved, Refusal> {
        let walked = self.walk(p)?;
        self.confine(&walked.path)?;
        if !walked.exists {
            return Err(Refusal::Missing {
                dangling: walked.through_link,
            });
        }
        let kind = match std::fs::metadata(&walked.path) {
            Ok(m) if m.is_file() => Kind::File,
            Ok(m) if m.is_dir() => Kind::Dir,
            Ok(_) => Kind::Other,
            Err(e) => return Err(Refusal::io(&e)),
        };
        Ok(Resolved {
            path: walked.path,
            kind,
        })
    }

    /// True when `p` resolves to a regular file that may be read.
    pub fn is_file(&self, p: &Path) -> bool {
        self.resolve(p).is_ok_and(|r| r.kind == Kind::File)
    }

    /// True when `p` resolves to a directory inside the root.
    pub fn is_dir(&self, p: &Path) -> bool {
        self.resolve(p).is_ok_and(|r| r.kind == Kind::Dir)
    }

    /// Reads a config file named or walked: confined, regular, at most
    /// [`Limits::config_bytes`]. (It is the tree's own committed file, whatever it holds:
    /// an entry config may inline a key, as Envoy's `inline_string` does; its text is
    /// escaped wherever it is shown.)
    pub fn read_config(&self, p: &Path) -> Result<Loaded, Refusal> {
        self.read_bounded(p, self.limits.config_bytes)
    }

    /// Reads a file reached through an include, a `<file` value or a sibling (`master.cf`):
    /// as [`Gateway::read_config`], and never private-key material or binary data (an
    /// `include server.key;` or a link to `/proc/self/environ`'s copy must not reach a
    /// parse error's excerpt).
    pub fn read_included(&self, p: &Path) -> Result<Loaded, Refusal> {
        let read = self.read_config(p)?;
        if holds_private_key(&read.bytes) {
            return Err(Refusal::Secret);
        }
        if is_binary(&read.bytes) {
            return Err(Refusal::Binary);
        }
        Ok(read)
    }

    /// Reads key material (certificates, DH parameters): confined, regular, at most
    /// [`Limits::material_bytes`]. Callers keep only facts, never the bytes.
    pub fn read_material(&self, p: &Path) -> Result<Vec<u8>, Refusal> {
        self.read_bounded(p, self.limits.material_bytes)
            .map(|r| r.bytes)
    }

    /// The modification time of a confined regular file (ticket-key age).
    pub fn modified(&self, p: &Path) -> Result<SystemTime, Refusal> {
        let r = self.resolve(p)?;
        if r.kind != Kind::File {
            return Err(not_regular(&r.path));
        }
        std::fs::metadata(&r.path)
            .and_then(|m| m.modified())
            .map_err(|e| Refusal::io(&e))
    }

    /// The names in a directory (confined), listed once per run.
    pub fn list(&self, dir: &Path) -> Result<Listing, Refusal> {
        let r = self.resolve(dir)?;
        if r.kind != Kind::Dir {
            return Err(not_regular(&r.path));
        }
        if let Some(hit) = lock(&self.listings).get(&r.path) {
            return hit.clone();
        }
        let listed = self.list_uncached(&r.path);
        lock(&self.listings).insert(r.path, listed.clone());
        listed
    }

    fn list_uncached(&self, dir: &Path) -> Result<Listing, Refusal> {
        if self.listings_used.fetch_add(1, Ordering::Relaxed) >= self.limits.listings {
            return Err(self.over(format!(
                "more than {} directories listed in one run",
                self.limits.listings
            )));
        }
        let entries = std::fs::read_dir(dir).map_err(|e| Refusal::io(&e))?;
        let mut names = Vec::new();
        for e in entries.flatten() {
            if names.len() >= self.limits.entries_per_listing {
                return Err(self.over(format!(
                    "a directory with more than {} entries",
                    self.limits.entries_per_listing
                )));
            }
            names.push(e.file_name());
        }
        names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
        Ok(names.into())
    }

    /// Expands a glob pattern (`*`, `?`, `[…]` per component, as glob(3) does for config
    /// includes) through cached, confined listings. Matches come back spelled (not
    /// resolved) in byte order; each must still be read through the gateway. Directories
    /// that cannot be listed contribute nothing, as with glob(3) without `GLOB_ERR`; a
    /// directory outside the root is not listed and shows up in `refused`.
    pub fn glob(&self, pattern: &Path) -> Glob {
        let mut out = Glob::default();
        let mut current: Vec<PathBuf> = vec![PathBuf::new()];
        for comp in pattern.components() {
            let mut next = Vec::new();
            match comp {
                Component::Normal(name) => {
                    let name = name.to_string_lossy();
                    if crate::glob::is_pattern(&name) {
                        for dir in &current {
                            let list_dir = if dir.as_os_str().is_empty() {
                                Path::new(".")
                            } else {
                                dir.as_path()
                            };
                            match self.list(list_dir) {
                                Ok(names) => {
                                    for n in names.iter() {
                                        let n = n.to_string_lossy();
                                        if crate::glob::matches(&name, &n) {
                                            next.push(dir.join(&*n));
                                        }
                                    }
                                }
                                Err(r @ (Refusal::Outside { .. } | Refusal::Budget { .. })) => {
                                    out.refused.push((dir.clone(), r));
                                }
                                Err(_) => {}
                            }
                        }
                    } else {
                        next.extend(current.iter().map(|d| d.join(&*name)));
                    }
                }
                other => next.extend(current.iter().map(|d| d.join(other.as_os_str()))),
            }
            current = next;
            if current.is_empty() {
                break;
            }
        }
        // A match is any name the listing had (a dangling link included: it is the
        // caller's error to report, as nginx fails on it).
        current.retain(|p| std::fs::symlink_metadata(p).is_ok());
        current.sort_by(|a, b| {
            a.as_os_str()
                .as_encoded_bytes()
                .cmp(b.as_os_str().as_encoded_bytes())
        });
        out.matches = current;
        out
    }

    /// Reads at most `limit` bytes of a confined regular file, counting the run budget.
    fn read_bounded(&self, p: &Path, limit: u64) -> Result<Loaded, Refusal> {
        let r = self.resolve(p)?;
        if r.kind != Kind::File {
            return Err(not_regular(&r.path));
        }
        if self.files.fetch_add(1, Ordering::Relaxed) >= self.limits.files {
            return Err(self.over(format!(
                "more than {} files read in one run",
                self.limits.files
            )));
        }
        let file = open_regular(&r.path).map_err(|e| Refusal::io(&e))?;
        let meta = file.metadata().map_err(|e| Refusal::io(&e))?;
        // Checked on the open file too: the path may have been swapped since the walk.
        if !meta.is_file() {
            return Err(not_regular(&r.path));
        }
        if meta.len() > limit {
            return Err(Refusal::TooLarge {
                size: meta.len(),
                limit,
            });
        }
        let used = self.bytes.fetch_add(meta.len(), Ordering::Relaxed) + meta.len();
        if used > self.limits.total_bytes {
            return Err(self.over(format!(
                "more than {} read in one run",
                human_size(self.limits.total_bytes)
            )));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        // `take` bounds a file that grows while being read.
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Refusal::io(&e))?;
        if bytes.len() as u64 > limit {
            return Err(Refusal::TooLarge {
                size: bytes.len() as u64,
                limit,
            });
        }
        Ok(Loaded { key: r.path, bytes })
    }

    fn over(&self, what: String) -> Refusal {
        self.exhausted.store(true, Ordering::Relaxed);
        Refusal::Budget { what }
    }

    /// Checks a resolved path against the root and the never-read places.
    fn confine(&self, resolved: &Path) -> Result<(), Refusal> {
        if ["/proc", "/sys", "/dev"]
            .iter()
            .any(|s| resolved.starts_with(s))
        {
            return Err(Refusal::Special {
                resolved: resolved.to_path_buf(),
            });
        }
        let below = match &self.root {
            Some(root) => match resolved.strip_prefix(root) {
                Ok(rest) => rest,
                Err(_) => {
                    return Err(Refusal::Outside {
                        resolved: resolved.to_path_buf(),
                    });
                }
            },
            None => resolved,
        };
        if below
            .components()
            .any(|c| matches!(c, Component::Normal(n) if VCS_DIRS.iter().any(|v| n == *v)))
        {
            return Err(Refusal::Vcs);
        }
        Ok(())
    }

    /// Resolves every symlink of `p`, like realpath(3), but also for paths that do not
    /// exist (the rest is appended by spelling) so a dangling link is judged by where it
    /// would lead. The parent directory's resolution is cached.
    fn walk(&self, p: &Path) -> Result<Walked, Refusal> {
        let abs = absolute(&self.mapped(p));
        if let (Some(parent), Some(Component::Normal(name))) =
            (abs.parent(), abs.components().next_back())
        {
            let cached = lock(&self.dirs).get(parent).cloned();
            let dir = match cached {
                Some(d) => d,
                None => {
                    let d = realpath(parent).and_then(|w| {
                        if w.exists {
                            Ok(w.path)
                        } else {
                            Err(Refusal::Missing {
                                dangling: w.through_link,
                            })
                        }
                    });
                    lock(&self.dirs).insert(parent.to_path_buf(), d.clone());
                    d
                }
            };
            if let Ok(dir) = dir {
                let joined = dir.join(name);
                match std::fs::symlink_metadata(&joined) {
                    Ok(m) if !m.file_type().is_symlink() => {
                        return Ok(Walked {
                            path: joined,
                            exists: true,
                            through_link: false,
                        });
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        return Ok(Walked {
                            path: joined,
                            exists: false,
                            through_link: false,
                        });
                    }
                    // A symlink (or an odd error): the full walk decides.
                    _ => {}
                }
            }
        }
        realpath(&abs)
    }
}

/// The matches of a glob, and the directories it could not list.
#[derive(Debug, Default)]
pub struct Glob {
    /// Matching paths, spelled, in byte order.
    pub matches: Vec<PathBuf>,
    /// Directories not listed (outside the root, or a budget).
    pub refused: Vec<(PathBuf, Refusal)>,
}

/// A path after following its symlinks.
#[derive(Clone, Debug)]
struct Walked {
    path: PathBuf,
    /// The whole path exists.
    exists: bool,
    /// A symlink was followed on the way.
    through_link: bool,
}

/// realpath(3) that also resolves paths that do not exist, by spelling from the first
/// missing component on.
fn realpath(abs: &Path) -> Result<Walked, Refusal> {
    let mut out = PathBuf::from("/");
    let mut todo: Vec<OsString> = abs
        .components()
        .rev()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            _ => None,
        })
        .collect();
    let mut hops = 0;
    let mut through_link = false;
    let mut exists = true;
    while let Some(c) = todo.pop() {
        if c == ".." {
            out.pop();
            continue;
        }
        let cand = out.join(&c);
        if !exists {
            out = cand;
            continue;
        }
        match std::fs::symlink_metadata(&cand) {
            Ok(m) if m.file_type().is_symlink() => {
                hops += 1;
                if hops > MAX_HOPS {
                    return Err(Refusal::Loop);
                }
                through_link = true;
                let target = std::fs::read_link(&cand).map_err(|e| Refusal::io(&e))?;
                if target.is_absolute() {
                    out = PathBuf::from("/");
                }
                for t in target.components().rev() {
                    match t {
                        Component::Normal(n) => todo.push(n.to_os_string()),
                        Component::ParentDir => todo.push(OsString::from("..")),
                        _ => {}
                    }
                }
            }
            Ok(m) => {
                out = cand;
                if !m.is_dir() && !todo.is_empty() {
                    // `file/more`: ENOTDIR; nothing below it exists.
                    exists = false;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                out = cand;
                exists = false;
            }
            Err(e) => return Err(Refusal::io(&e)),
        }
    }
    Ok(Walked {
        path: out,
        exists,
        through_link,
    })
}

/// The checked root for a run over `paths` (`-` is stdin): the top of the git repository
/// enclosing them (the nearest directory holding `.git`), or else their common directory.
/// It comes from the paths as given: a named file contributes its own directory, not its
/// symlink target's, so a committed symlink cannot widen the root; a named directory that
/// is itself a symlink is resolved once and becomes the tree that is confined.
pub fn checked_root(paths: &[PathBuf]) -> PathBuf {
    let mut common: Option<PathBuf> = None;
    for p in paths.iter().filter(|p| p.as_os_str() != "-") {
        let abs = lexically_normal(&absolute(p));
        let is_dir = std::fs::metadata(&abs).is_ok_and(|m| m.is_dir());
        let dir = if is_dir {
            abs
        } else {
            abs.parent()
                .map_or_else(|| PathBuf::from("/"), Path::to_path_buf)
        };
        let dir = dir.canonicalize().unwrap_or(dir);
        common = Some(match common {
            None => dir,
            Some(c) => c
                .ancestors()
                .find(|a| dir.starts_with(a))
                .map_or_else(|| PathBuf::from("/"), Path::to_path_buf),
        });
    }
    let common = common.unwrap_or_else(|| {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        cwd.canonicalize().unwrap_or(cwd)
    });
    repo_top(&common).unwrap_or(common)
}

/// The nearest directory at or above `dir` holding `.git` (a directory, or a file for
/// worktrees and submodules).
pub fn repo_top(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| std::fs::symlink_metadata(d.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

/// `a/./b/../c` → `a/c`, without touching the file system.
pub fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `p` made absolute against the working directory, without touching the file system.
pub fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| p.to_path_buf(), |d| d.join(p))
    }
}

fn not_regular(p: &Path) -> Refusal {
    let what = match std::fs::metadata(p) {
        Ok(m) if m.is_dir() => "a directory",
        #[cfg(unix)]
        Ok(m) => {
            use std::os::unix::fs::FileTypeExt;
            let t = m.file_type();
            if t.is_fifo() {
                "a FIFO"
            } else if t.is_socket() {
                "a socket"
            } else if t.is_block_device() || t.is_char_device() {
                "a device"
            } else {
                "not a regular file"
            }
        }
        _ => "not a regular file",
    };
    Refusal::NotRegular { what }
}

/// Opens without blocking on a FIFO and without following a last-moment symlink.
fn open_regular(p: &Path) -> io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK | O_NOFOLLOW on Linux (x86-64 and aarch64 share these values).
        o.custom_flags(0o4000 | 0o400_000);
    }
    o.open(p)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// True when the bytes hold a PEM or OpenSSH private key (PKCS#1, PKCS#8, EC, DSA,
/// encrypted PKCS#8, OpenSSH, PuTTY).
pub fn holds_private_key(bytes: &[u8]) -> bool {
    const MARKS: &[&[u8]] = &[
        b"PRIVATE KEY-----",
        b"PuTTY-User-Key-File-",
        b"PRIVATE KEY BLOCK-----",
    ];
    MARKS.iter().any(|m| contains(bytes, m))
}

/// True for bytes that are not text: a NUL byte, or many control bytes in the first 8 KiB
/// (configs may hold Latin-1 in comments, so invalid UTF-8 alone is not binary).
pub fn is_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    controls * 10 > head.len().max(1)
}

/// True when `needle` occurs in `hay`.
pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("in/sub")).unwrap();
        std::fs::write(root.join("in/a.conf"), "a;\n").unwrap();
        std::fs::write(root.join("in/sub/b.conf"), "b;\n").unwrap();
        std::fs::write(root.join("secret"), "outside\n").unwrap();
        (dir, root)
    }

    #[cfg(unix)]
    #[test]
    fn confines_links_and_specials() {
        use std::os::unix::fs::symlink;
        let (_d, root) = tree();
        let g = Gateway::confined(root.join("in"));
        symlink(root.join("secret"), root.join("in/out")).unwrap();
        symlink(root.join("nowhere"), root.join("in/dangling-out")).unwrap();
        symlink(root.join("in/nowhere"), root.join("in/dangling-in")).unwrap();
        symlink(root.join("in/sub"), root.join("in/link-in")).unwrap();
        symlink(root.clone(), root.join("in/up")).unwrap();
        symlink("/proc/self/environ", root.join("in/env")).unwrap();
        symlink("/dev/stdin", root.join("in/stdin")).unwrap();
        std::fs::create_dir_all(root.join("in/.git")).unwrap();
        std::fs::write(root.join("in/.git/config"), "token").unwrap();

        assert!(g.read_config(&root.join("in/a.conf")).is_ok());
        assert!(g.read_config(&root.join("in/link-in/b.conf")).is_ok());
        assert!(matches!(
            g.read_config(&root.join("in/out")),
            Err(Refusal::Outside { .. })
        ));
        assert!(matches!(
            g.read_config(&root.join("in/up/secret")),
            Err(Refusal::Outside { .. })
        ));
        assert!(matches!(
            g.read_config(&root.join("in/../secret")),
            Err(Refusal::Outside { .. })
        ));
        assert!(matches!(
            g.resolve(&root.join("in/dangling-out")),
            Err(Refusal::Outside { .. })
        ));
        assert_eq!(
            g.resolve(&root.join("in/dangling-in")),
            Err(Refusal::Missing { dangling: true })
        );
        assert_eq!(
            g.resolve(&root.join("in/none")),
            Err(Refusal::Missing { dangling: false })
        );
        assert!(matches!(
            g.read_config(&root.join("in/env")),
            Err(Refusal::Special { .. })
        ));
        assert!(matches!(
            g.read_config(&root.join("in/stdin")),
            Err(Refusal::Special { .. })
        ));
        assert_eq!(
            g.read_config(&root.join("in/.git/config")).map(|_| ()),
            Err(Refusal::Vcs)
        );
        assert!(matches!(
            g.read_config(&root.join("in/sub")),
            Err(Refusal::NotRegular {
                what: "a directory"
            })
        ));
        // Unconfined still refuses the special places.
        let open = Gateway::default();
        assert!(open.read_config(&root.join("secret")).is_ok());
        assert!(matches!(
            open.read_config(Path::new("/proc/self/environ")),
            Err(Refusal::Special { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_loops_are_refused_without_blocking() {
        let (_d, root) = tree();
        let g = Gateway::confined(&root);
        let fifo = root.join("in/fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(
                g.read_config(&fifo),
                Err(Refusal::NotRegular { what: "a FIFO" })
            ));
        }
        std::os::unix::fs::symlink(root.join("in/l1"), root.join("in/l2")).unwrap();
        std::os::unix::fs::symlink(root.join("in/l2"), root.join("in/l1")).unwrap();
        assert_eq!(
            g.read_config(&root.join("in/l1")).map(|_| ()),
            Err(Refusal::Loop)
        );
    }

    #[test]
    fn limits_and_content() {
        let (_d, root) = tree();
        let g = Gateway::new(
            Some(root.clone()),
            Limits {
                config_bytes: 100,
                files: 3,
                ..Limits::default()
            },
        );
        std::fs::write(root.join("in/big"), "x".repeat(101)).unwrap();
        assert!(matches!(
            g.read_config(&root.join("in/big")),
            Err(Refusal::TooLarge { size: 101, .. })
        ));
        std::fs::write(root.join("in/k"), "-----BEGIN PRIVATE KEY-----\n").unwrap();
        assert_eq!(
            g.read_included(&root.join("in/k")).map(|_| ()),
            Err(Refusal::Secret)
        );
        std::fs::write(root.join("in/bin"), b"a\0b").unwrap();
        assert_eq!(
            g.read_included(&root.join("in/bin")).map(|_| ()),
            Err(Refusal::Binary)
        );
        assert!(matches!(
            g.read_config(&root.join("in/a.conf")),
            Err(Refusal::Budget { .. })
        ));
        assert!(g.exhausted());
    }

    #[test]
    fn globs_list_each_directory_once() {
        let (_d, root) = tree();
        std::fs::write(root.join("in/.hidden.conf"), "").unwrap();
        let g = Gateway::confined(&root);
        let m = g.glob(&root.join("in/*.conf"));
        assert_eq!(m.matches, vec![root.join("in/a.conf")]);
        let m = g.glob(&root.join("in/*/*.conf"));
        assert_eq!(m.matches, vec![root.join("in/sub/b.conf")]);
        let before = g.listings_used.load(Ordering::Relaxed);
        for _ in 0..100 {
            g.glob(&root.join("in/*.conf"));
        }
        assert_eq!(g.listings_used.load(Ordering::Relaxed), before);
        let inner = Gateway::confined(root.join("in"));
        let m = inner.glob(&root.join("*"));
        assert!(m.matches.is_empty());
        assert!(matches!(m.refused[0].1, Refusal::Outside { .. }));
    }
}
