//! Safe writes of tlslint's outputs: `-o FILE` reports and `--write-baseline FILE`.
//!
//! In CI the working directory is a pull request's checkout, so the destination may be a
//! committed symlink pointing outside the tree (issue 13: `-o report.json` with
//! `report.json -> ../../.bashrc`). [`write_atomically`] therefore never writes through a
//! symlink: it refuses a destination that is one (or that is not a regular file), refuses a
//! relative destination whose directories pass through one, and writes a temporary file next
//! to the destination that is renamed into place, so a reader never sees half a report.
//! `tlslint init` needs none of this: it creates its file with `create_new`, which fails on
//! any existing name, a dangling symlink included.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Writes `bytes` to `path` through a temporary file in the same directory renamed into
/// place. Fails without writing anything when `path` is a symlink or not a regular file, or
/// when a directory of a relative `path` is a symlink.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let existing = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(refused(
                "is a symbolic link; tlslint does not write through links",
            ));
        }
        Ok(m) if !m.is_file() => return Err(refused("exists and is not a regular file")),
        Ok(m) => Some(m),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    // An absolute path is the user's own choice (`/tmp` is a link on some systems); the
    // directories of a relative one are in the working tree, which the checked change may
    // have filled with links.
    if path.is_relative() && has_symlink_dir(path) {
        return Err(refused(
            "passes through a symbolic link; tlslint does not write through links",
        ));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| refused("does not name a file"))?;
    let (tmp, mut file) = create_temp(dir, &name.to_string_lossy())?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.flush())
        .and_then(|()| match &existing {
            // Replacing a file keeps its permissions (a report may be meant to be private).
            Some(m) => fs::set_permissions(&tmp, m.permissions()),
            None => Ok(()),
        })
        .and_then(|()| {
            drop(file);
            // `rename` replaces the name itself; it never follows a link at the destination.
            fs::rename(&tmp, path)
        });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

fn refused(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, why.to_owned())
}

/// Whether a directory component of `path` (not its last component) is a symbolic link.
fn has_symlink_dir(path: &Path) -> bool {
    let mut prefix = PathBuf::new();
    let parent = path.parent().unwrap_or_else(|| Path::new(""));
    for c in parent.components() {
        prefix.push(c);
        if matches!(c, Component::Normal(_))
            && fs::symlink_metadata(&prefix).is_ok_and(|m| m.file_type().is_symlink())
        {
            return true;
        }
    }
    false
}

/// Creates a new file `.NAME.tlslint-PID-N.tmp` in `dir`; `create_new` makes sure it is a
/// fresh file and not something planted under that name.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut last = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            ".{name}.tlslint-{}-{nanos:x}-{n}.tmp",
            std::process::id()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| refused("cannot create a temporary file")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_and_replaces_leaving_no_temporary_file() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("out.json");
        write_atomically(&out, b"one").unwrap();
        write_atomically(&out, b"two").unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"two");
        assert_eq!(entries(t.path()), ["out.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_links_and_non_files() {
        let t = tempfile::tempdir().unwrap();
        let outside = t.path().join("outside");
        fs::write(&outside, "keep").unwrap();
        let link = t.path().join("link");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let e = write_atomically(&link, b"x").unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        // A dangling link is refused too: the write would create its target.
        let dangling = t.path().join("dangling");
        std::os::unix::fs::symlink(t.path().join("nowhere"), &dangling).unwrap();
        assert!(write_atomically(&dangling, b"x").is_err());
        assert!(!t.path().join("nowhere").exists());
        assert!(write_atomically(t.path(), b"x").is_err());
        assert_eq!(fs::read(&outside).unwrap(), b"keep");
        assert_eq!(entries(t.path()), ["dangling", "link", "outside"]);
    }
}
