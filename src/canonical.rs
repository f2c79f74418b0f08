//! Canonical paths for many files in few directories.
//!
//! `canonicalize` walks every component of a path with one system call each. Configs name
//! thousands of files (included sites, certificates) in a handful of directories, so
//! [`Canonicalizer`] resolves each directory once and then costs one `lstat` per file,
//! falling back to a full walk for symlinks and unusual spellings. The results are what
//! `std::fs::canonicalize` returns.

use std::collections::HashMap;
use std::fs::Metadata;
use std::io;
use std::path::{Component, Path, PathBuf};

/// A canonical path and what the final `lstat` (or `stat`) said about it.
pub struct Resolved {
    /// The canonical path.
    pub path: PathBuf,
    /// True when it is a directory.
    pub is_dir: bool,
}

/// Caches the canonical form of directories.
#[derive(Default)]
pub struct Canonicalizer {
    /// Canonical directories (`None`: the directory does not resolve).
    dirs: HashMap<PathBuf, Option<PathBuf>, foldhash::fast::RandomState>,
}

impl Canonicalizer {
    /// A canonicalizer with an empty cache.
    pub fn new() -> Self {
        Canonicalizer::default()
    }

    /// What `std::fs::canonicalize(p)` returns, with whether it is a directory.
    pub fn resolve(&mut self, p: &Path) -> io::Result<Resolved> {
        let last_is_name = matches!(p.components().next_back(), Some(Component::Normal(_)));
        if let (true, Some(parent), Some(name)) = (last_is_name, p.parent(), p.file_name())
            && !parent.as_os_str().is_empty()
            // Spelled exactly `parent/name`: `components` hides a trailing `/` or `/.`,
            // which make `canonicalize` insist on a directory.
            && p.as_os_str()
                .as_encoded_bytes()
                .ends_with(name.as_encoded_bytes())
        {
            if !self.dirs.contains_key(parent) {
                self.dirs
                    .insert(parent.to_path_buf(), parent.canonicalize().ok());
            }
            if let Some(dir) = &self.dirs[parent] {
                let joined = dir.join(name);
                match std::fs::symlink_metadata(&joined) {
                    Ok(m) if !m.file_type().is_symlink() => {
                        return Ok(Resolved {
                            path: joined,
                            is_dir: m.is_dir(),
                        });
                    }
                    // A symlink: the full walk below follows it.
                    Ok(_) => {}
                    // Inside a directory that resolves, the entry's own error is the
                    // error `canonicalize` reports.
                    Err(e) => return Err(e),
                }
            }
        }
        let path = p.canonicalize()?;
        let is_dir = std::fs::metadata(&path).is_ok_and(|m: Metadata| m.is_dir());
        Ok(Resolved { path, is_dir })
    }

    /// The canonical path, or `p` as spelled when it does not resolve.
    pub fn canonical_or_spelled(&mut self, p: &Path) -> PathBuf {
        self.resolve(p).map_or_else(|_| p.to_path_buf(), |r| r.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_canonicalize() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.conf"), "x").unwrap();
        std::fs::write(root.join("file"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("sub"), root.join("link")).unwrap();
            std::os::unix::fs::symlink(root.join("sub/a.conf"), root.join("alink")).unwrap();
            std::os::unix::fs::symlink(root.join("missing"), root.join("dangling")).unwrap();
        }
        let mut c = Canonicalizer::new();
        for rel in [
            "sub/a.conf",
            "sub",
            "sub/.",
            "sub/../file",
            "sub/missing",
            "missing/a.conf",
            "file/a.conf",
            "link/a.conf",
            "alink",
            "dangling",
            "sub/a.conf/",
            "sub/a.conf/.",
            "sub//a.conf",
            "./sub/a.conf",
        ] {
            let p = root.join(rel);
            // Twice: the second answer comes from the cache.
            for _ in 0..2 {
                let ours = c.resolve(&p);
                let std = p.canonicalize();
                match (&ours, &std) {
                    (Ok(o), Ok(s)) => {
                        assert_eq!(&o.path, s, "{rel}");
                        assert_eq!(o.is_dir, s.is_dir(), "{rel}");
                    }
                    (Err(o), Err(s)) => assert_eq!(o.kind(), s.kind(), "{rel}"),
                    _ => panic!("{rel}: ours {:?}, std {:?}", ours.is_ok(), std.is_ok()),
                }
            }
        }
    }
}
