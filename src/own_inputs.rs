//! Bounded, confined reads of tlslint's own inputs: `.tlslint.toml`, policies, app rules and
//! baselines.
//!
//! A CI run checks a pull request, so a `.tlslint.toml` found in the checked tree, the policy
//! and app-rule files it names and the files those name in turn may all be written by an
//! attacker. A path written inside such a file must resolve, with every symlink followed,
//! inside the directory that file may reach ([`read_confined`], [`confine_dir`]); a path the
//! user typed on the command line is trusted as to *where* it points ([`read_limited`]) but
//! not as to what it is. Every check is the [`Gateway`]'s (one resolver, one confinement
//! rule, one bounded read for the whole program); this module gives these inputs their size
//! limits and error type.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::gateway::{Gateway, Kind, Limits, Refusal};

/// Size limit for tlslint's own input files: configs, policies, app rules and baselines.
/// The largest built-in policy is a few KB and a baseline of 10,000 findings is about 1 MB
/// of pretty JSON, so 1 MiB leaves room while keeping a hostile 2 GB file out of memory.
pub(crate) const MAX_FILE_BYTES: u64 = 1 << 20;

/// Size limit for baselines, which grow with the checked tree: an entry is about 150 bytes of
/// pretty JSON, so this holds some 200,000 recorded findings.
pub(crate) const MAX_BASELINE_BYTES: u64 = 32 << 20;

/// Most entries read from one app-rules directory (a few dozen descriptions is typical).
pub(crate) const MAX_DIR_ENTRIES: usize = 1000;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum ReadError {
    /// The file system said no (missing file, dangling symlink, permissions).
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The underlying error.
        source: io::Error,
    },
    /// The path resolves outside the directory it may reach.
    #[error("`{path}` resolves outside `{allowed}`, the directory it must stay in")]
    Outside {
        /// The path as given.
        path: String,
        /// The directory it had to stay in.
        allowed: String,
    },
    /// The path resolves to a kernel or device file.
    #[error("`{path}` resolves to `{resolved}`; kernel and device files are never read")]
    Special {
        /// The path as given.
        path: String,
        /// Where it resolves to.
        resolved: String,
    },
    /// Not a regular file (directory, FIFO, socket, device).
    #[error("`{path}` is not a regular file ({kind})")]
    NotRegular {
        /// The path as given.
        path: String,
        /// What it is instead.
        kind: &'static str,
    },
    /// Not a directory where one is needed.
    #[error("`{path}` is not a directory")]
    NotDir {
        /// The path as given.
        path: String,
    },
    /// Larger than the limit.
    #[error("`{path}` is too large ({size} bytes; the limit is {limit})")]
    TooLarge {
        /// The path as given.
        path: String,
        /// Its size, or at least `limit + 1` when it grew while being read.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A directory with more entries than the limit.
    #[error("`{path}` has more than {limit} entries")]
    TooMany {
        /// The path as given.
        path: String,
        /// The limit.
        limit: usize,
    },
    /// Not UTF-8 text.
    #[error("`{path}` is not UTF-8 text")]
    NotUtf8 {
        /// The path as given.
        path: String,
    },
}

/// Reads a file named inside a file of the checked tree: it must resolve (every symlink
/// followed) inside `allowed_dir`, be a regular file outside `/proc`, `/sys` and `/dev`,
/// hold at most `limit` bytes and be UTF-8.
pub(crate) fn read_confined(
    path: &Path,
    allowed_dir: &Path,
    limit: u64,
) -> Result<String, ReadError> {
    read(&gate(Some(allowed_dir), limit), path, allowed_dir)
}

/// Reads a file the user named on the command line: it may be anywhere, but it must still
/// be a regular file outside `/proc`, `/sys` and `/dev`, of at most `limit` bytes, UTF-8.
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<String, ReadError> {
    read(&gate(None, limit), path, Path::new("/"))
}

/// Checks, without reading it, what [`read_confined`] checks; returns the resolved path.
pub(crate) fn confine(path: &Path, allowed_dir: &Path, limit: u64) -> Result<PathBuf, ReadError> {
    let g = gate(Some(allowed_dir), limit);
    let r = g.resolve(path).map_err(|e| error(path, allowed_dir, e))?;
    if r.kind != Kind::File {
        return Err(ReadError::NotRegular {
            path: shown(path),
            kind: if r.kind == Kind::Dir {
                "a directory"
            } else {
                "not a regular file"
            },
        });
    }
    let size = fs::metadata(&r.path).map_or(0, |m| m.len());
    if size > limit {
        return Err(ReadError::TooLarge {
            path: shown(path),
            size,
            limit,
        });
    }
    Ok(r.path)
}

/// Checks that a directory named inside a file of the checked tree resolves inside
/// `allowed_dir` (and is a directory); returns the resolved path.
pub(crate) fn confine_dir(path: &Path, allowed_dir: &Path) -> Result<PathBuf, ReadError> {
    let g = gate(Some(allowed_dir), 0);
    match g.resolve(path) {
        Ok(r) if r.kind == Kind::Dir => Ok(r.path),
        Ok(_) => Err(ReadError::NotDir { path: shown(path) }),
        Err(e) => Err(error(path, allowed_dir, e)),
    }
}

/// The entries of a directory, sorted, failing when there are more than `limit`.
pub(crate) fn list_dir(dir: &Path, limit: usize) -> Result<Vec<PathBuf>, ReadError> {
    let g = Gateway::new(
        None,
        Limits {
            entries_per_listing: limit,
            ..Limits::default()
        },
    );
    match g.list(dir) {
        Ok(names) => Ok(names.iter().map(|n| dir.join(n)).collect()),
        Err(Refusal::Budget { .. }) => Err(ReadError::TooMany {
            path: shown(dir),
            limit,
        }),
        Err(e) => Err(error(dir, Path::new("/"), e)),
    }
}

/// A one-off gateway for one of tlslint's own inputs.
fn gate(allowed: Option<&Path>, limit: u64) -> Gateway {
    Gateway::new(
        allowed.map(Path::to_path_buf),
        Limits {
            config_bytes: limit,
            ..Limits::default()
        },
    )
}

fn read(g: &Gateway, path: &Path, allowed: &Path) -> Result<String, ReadError> {
    let loaded = g.read_config(path).map_err(|e| error(path, allowed, e))?;
    String::from_utf8(loaded.bytes).map_err(|_| ReadError::NotUtf8 { path: shown(path) })
}

/// The gateway's refusal in this module's terms.
fn error(path: &Path, allowed: &Path, e: Refusal) -> ReadError {
    match e {
        Refusal::Outside { .. } => ReadError::Outside {
            path: shown(path),
            allowed: shown(
                &allowed
                    .canonicalize()
                    .unwrap_or_else(|_| allowed.to_path_buf()),
            ),
        },
        Refusal::Special { resolved } => ReadError::Special {
            path: shown(path),
            resolved: resolved.display().to_string(),
        },
        Refusal::NotRegular { what } => ReadError::NotRegular {
            path: shown(path),
            kind: what,
        },
        Refusal::TooLarge { size, limit } => ReadError::TooLarge {
            path: shown(path),
            size,
            limit,
        },
        Refusal::Missing { .. } => ReadError::Io {
            path: shown(path),
            source: io::Error::from(io::ErrorKind::NotFound),
        },
        Refusal::Binary => ReadError::NotUtf8 { path: shown(path) },
        other => ReadError::Io {
            path: shown(path),
            source: io::Error::other(other.to_string()),
        },
    }
}

/// A path as shown in messages: relative to the current directory when below it.
fn shown(path: &Path) -> String {
    let s = crate::source::display_name(path);
    if s.is_empty() { ".".to_owned() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::checked_root;
    use std::fs::File;

    fn tmp() -> (tempfile::TempDir, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let base = t.path().canonicalize().unwrap();
        (t, base)
    }

    #[test]
    fn root_is_the_repository_top() {
        let (_t, base) = tmp();
        let deep = base.join("repo/a/b");
        fs::create_dir_all(&deep).unwrap();
        fs::create_dir(base.join("repo/.git")).unwrap();
        fs::write(deep.join("nginx.conf"), "").unwrap();
        assert_eq!(checked_root(&[deep.join("nginx.conf")]), base.join("repo"));
        // A `.git` file (worktrees, submodules) counts too.
        fs::create_dir_all(base.join("repo/a/sub")).unwrap();
        fs::write(base.join("repo/a/sub/.git"), "gitdir: x").unwrap();
        assert_eq!(
            checked_root(&[base.join("repo/a/sub")]),
            base.join("repo/a/sub")
        );
    }

    #[test]
    fn root_outside_a_repository_is_the_common_directory() {
        let (_t, base) = tmp();
        fs::create_dir_all(base.join("x/a")).unwrap();
        fs::create_dir_all(base.join("x/b")).unwrap();
        fs::write(base.join("x/a/f.conf"), "").unwrap();
        assert_eq!(
            checked_root(&[base.join("x/a/f.conf"), base.join("x/b")]),
            base.join("x")
        );
        assert_eq!(checked_root(&[base.join("x/a/f.conf")]), base.join("x/a"));
        // Lexical normalisation: `..` is resolved before anything is looked up.
        assert_eq!(checked_root(&[base.join("x/a/../b")]), base.join("x/b"));
        // A missing file still names its directory.
        assert_eq!(checked_root(&[base.join("x/b/missing")]), base.join("x/b"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_path_does_not_widen_the_root() {
        let (_t, base) = tmp();
        fs::create_dir_all(base.join("outside/deep")).unwrap();
        fs::write(base.join("outside/deep/target.conf"), "").unwrap();
        fs::create_dir_all(base.join("tree")).unwrap();
        std::os::unix::fs::symlink(
            base.join("outside/deep/target.conf"),
            base.join("tree/link.conf"),
        )
        .unwrap();
        std::os::unix::fs::symlink(base.join("outside/deep"), base.join("tree/dir")).unwrap();
        assert_eq!(
            checked_root(&[base.join("tree/link.conf")]),
            base.join("tree")
        );
        // A symlinked directory is resolved once: its target, not the target's parents.
        assert_eq!(
            checked_root(&[base.join("tree/dir")]),
            base.join("outside/deep")
        );
    }

    #[cfg(unix)]
    #[test]
    fn confined_reads() {
        let (_t, base) = tmp();
        fs::create_dir_all(base.join("tree/sub")).unwrap();
        fs::write(base.join("outside.txt"), "SECRET").unwrap();
        fs::write(base.join("tree/sub/ok.toml"), "x = 1").unwrap();
        std::os::unix::fs::symlink(base.join("outside.txt"), base.join("tree/link")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", base.join("tree/zero")).unwrap();
        let tree = base.join("tree");
        assert_eq!(
            read_confined(&tree.join("sub/ok.toml"), &tree, 100).unwrap(),
            "x = 1"
        );
        assert!(matches!(
            read_confined(&tree.join("sub/../../outside.txt"), &tree, 100),
            Err(ReadError::Outside { .. })
        ));
        assert!(matches!(
            read_confined(&tree.join("link"), &tree, 100),
            Err(ReadError::Outside { .. })
        ));
        assert!(matches!(
            read_limited(&tree.join("zero"), 100),
            Err(ReadError::Special { .. })
        ));
        assert!(matches!(
            read_limited(&tree.join("sub"), 100),
            Err(ReadError::NotRegular { .. })
        ));
        assert!(matches!(
            read_limited(&tree.join("sub/ok.toml"), 3),
            Err(ReadError::TooLarge { size: 5, .. })
        ));
        assert!(matches!(
            read_limited(&tree.join("missing"), 3),
            Err(ReadError::Io { .. })
        ));
        assert!(confine_dir(&tree.join("sub"), &tree).is_ok());
        assert!(matches!(
            confine_dir(Path::new("/"), &tree),
            Err(ReadError::Outside { .. })
        ));
    }

    #[test]
    fn big_sparse_files_are_refused_without_reading() {
        let (_t, base) = tmp();
        let f = File::create(base.join("big")).unwrap();
        f.set_len(2 << 30).unwrap();
        let e = read_limited(&base.join("big"), MAX_FILE_BYTES).unwrap_err();
        assert!(e.to_string().contains("too large"), "{e}");
    }

    #[test]
    fn directory_listings_are_capped() {
        let (_t, base) = tmp();
        for i in 0..5 {
            fs::write(base.join(format!("{i}.toml")), "").unwrap();
        }
        assert_eq!(list_dir(&base, 5).unwrap().len(), 5);
        assert!(matches!(
            list_dir(&base, 4),
            Err(ReadError::TooMany { limit: 4, .. })
        ));
    }
}
