//! Source files, byte spans and line/column lookup.
//!
//! Every parser stores the text it read here once and refers to it by [`FileId`]; every
//! finding points into it with a [`Span`] (byte offsets on char boundaries). Lines and
//! columns are computed here, 1-based, with columns counted in Unicode code points, from a
//! per-file line-start index (binary search), so output formats never rescan a file.
//!
//! This module does no file-system access: [`Sources::load`] reads through the
//! [`Gateway`] and decodes lossily (nginx and Postfix configs may
//! hold Latin-1 bytes in comments; spans refer to the decoded text).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Bytes between two entries of a file's code-point table: a lookup scans at most this
/// many bytes, the table costs `len / CHAR_BLOCK` words.
pub const CHAR_BLOCK: usize = 256;

use crate::gateway::{Gateway, Refusal};

/// Index of a file inside [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct FileId(pub u32);

/// A byte range inside one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Offset of the first byte.
    pub start: u32,
    /// Offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// True for an empty range.
    pub fn is_empty(self) -> bool {
        self.end == self.start
    }

    /// The smallest span covering both (same file assumed).
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// A sub-range, given as byte offsets relative to this span's start.
    #[must_use]
    pub fn sub(self, start: usize, end: usize) -> Span {
        Span::new(
            self.file,
            self.start as usize + start,
            self.start as usize + end,
        )
    }
}

/// 1-based line and column (code points) of a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode code points.
    pub column: usize,
}

/// One file's text and line index.
#[derive(Debug)]
pub struct SourceFile {
    /// Path used to open the file.
    pub path: PathBuf,
    /// Name shown to users (relative to the working directory when possible).
    pub name: String,
    /// The decoded text.
    pub text: Arc<str>,
    /// The text was withdrawn because it is not a config (a value file holding something
    /// else, an included file that does not parse): outputs name the file and positions,
    /// never its contents.
    pub redacted: bool,
    /// A stand-in for a path that could not be read (missing, refused, a directory): it
    /// gives findings about the path a place, but outputs show no source frame for it and
    /// it is not counted as read.
    pub unread: bool,
    /// The withdrawn text, kept only to turn offsets into lines and columns.
    withdrawn: Option<Arc<str>>,
    line_starts: Vec<usize>,
    /// Code points before each multiple of [`CHAR_BLOCK`]; `None` for an ASCII text, where
    /// code points and bytes agree. Built on the first column lookup.
    chars_before: OnceLock<Option<Vec<usize>>>,
}

impl SourceFile {
    /// Builds a file from its text.
    pub fn new(path: PathBuf, name: String, text: Arc<str>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        SourceFile {
            path,
            name,
            text,
            redacted: false,
            unread: false,
            withdrawn: None,
            line_starts,
            chars_before: OnceLock::new(),
        }
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let text = self.positions();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self.chars_to(offset) - self.chars_to(start) + 1;
        LineCol { line, column }
    }

    /// Code points in `text[..offset]` (`offset` on a char boundary): a table entry plus
    /// the rest of its block. A code point is a byte that is not a UTF-8 continuation byte.
    fn chars_to(&self, offset: usize) -> usize {
        let text = self.positions();
        let table = self.chars_before.get_or_init(|| {
            (!text.is_ascii()).then(|| {
                let mut seen = 0;
                let mut table = Vec::with_capacity(text.len() / CHAR_BLOCK + 1);
                for block in text.as_bytes().chunks(CHAR_BLOCK) {
                    table.push(seen);
                    seen += count_chars(block);
                }
                table
            })
        });
        match table {
            None => offset,
            Some(table) => {
                let block = offset / CHAR_BLOCK;
                let from = block * CHAR_BLOCK;
                let before = table.get(block).copied().unwrap_or(0);
                before + count_chars(&text.as_bytes()[from..offset])
            }
        }
    }

    /// The text positions are computed in: the withdrawn text of a redacted file (which
    /// nothing prints), else the text.
    fn positions(&self) -> &str {
        self.withdrawn.as_deref().unwrap_or(&self.text)
    }

    /// Number of lines (a text ending in a newline has an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based index of the line holding a byte offset (clamped to the text).
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte range of a 0-based line's text, without its `\n` (clamped to the last line).
    pub fn line_bounds(&self, line: usize) -> (usize, usize) {
        let line = line.min(self.line_starts.len() - 1);
        let len = self.text.len();
        // A redacted file's lines index its withdrawn text: clamp to what is shown (none).
        let start = self.line_starts[line].min(len);
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(len, |&next| (next - 1).min(len));
        (start, end)
    }

    /// The text of a span, clamped to the file.
    pub fn slice(&self, span: Span) -> &str {
        let end = (span.end as usize).min(self.text.len());
        let start = (span.start as usize).min(end);
        self.text.get(start..end).unwrap_or("")
    }
}

/// All files read during one run.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    by_path: std::collections::HashMap<PathBuf, FileId>,
    /// Paths exactly as they were added or found, so that looking one up again needs no
    /// `canonicalize` (a `readlink` per path component).
    by_given: std::collections::HashMap<PathBuf, FileId>,
}

impl Sources {
    /// An empty set.
    pub fn new() -> Self {
        Sources::default()
    }

    /// Adds a file from text already in memory (stdin, scratch text), known by `path` as
    /// given.
    pub fn add(&mut self, path: PathBuf, name: String, text: impl Into<Arc<str>>) -> FileId {
        let key = path.clone();
        self.add_keyed(key, path, name, text.into())
    }

    /// Adds a stand-in for a path that could not be read ([`SourceFile::unread`]), so an
    /// error about it has a file to point at.
    pub fn placeholder(&mut self, path: &Path) -> FileId {
        let id = self.add(path.to_path_buf(), display_name(path), "");
        self.files[id.0 as usize].unread = true;
        id
    }

    /// How many files were read (stand-ins for unreadable paths left out).
    pub fn read_count(&self) -> usize {
        self.files.iter().filter(|f| !f.unread).count()
    }

    fn add_keyed(&mut self, key: PathBuf, path: PathBuf, name: String, text: Arc<str>) -> FileId {
        self.add_file(key, SourceFile::new(path, name, text))
    }

    /// Reads a config file through the gateway and adds it; the name shown is
    /// `display_name(path)`. A file already read (under any spelling of its path) is not
    /// read again.
    pub fn load(&mut self, path: &Path, gateway: &Gateway) -> Result<FileId, Refusal> {
        self.load_with(path, gateway, false)
    }

    /// [`Sources::load`] for a file reached through an include or a `<file` value, which
    /// is refused when it holds key material ([`Gateway::read_included`]).
    pub fn load_included(&mut self, path: &Path, gateway: &Gateway) -> Result<FileId, Refusal> {
        self.load_with(path, gateway, true)
    }

    fn load_with(
        &mut self,
        path: &Path,
        gateway: &Gateway,
        included: bool,
    ) -> Result<FileId, Refusal> {
        if let Some(&id) = self.by_given.get(path) {
            return Ok(id);
        }
        let key = gateway.resolve(path)?.path;
        if let Some(&id) = self.by_path.get(&key) {
            self.by_given.insert(path.to_path_buf(), id);
            return Ok(id);
        }
        let loaded = if included {
            gateway.read_included(path)?
        } else {
            gateway.read_config(path)?
        };
        let key = loaded.key;
        // A deploy path mapped into the tree is shown where it was read from.
        let shown = gateway.mapped(path);
        let file = SourceFile::new(
            shown.to_path_buf(),
            display_name(&shown),
            decode(loaded.bytes).into(),
        );
        Ok(self.add_file(key, file))
    }

    /// Reads a config file through the gateway without adding it (any thread): its
    /// resolved path and the file, for [`Sources::add_file`].
    pub fn read(path: &Path, gateway: &Gateway) -> Result<(PathBuf, SourceFile), Refusal> {
        let loaded = gateway.read_config(path)?;
        let text = decode(loaded.bytes);
        let file = SourceFile::new(path.to_path_buf(), display_name(path), text.into());
        Ok((loaded.key, file))
    }

    /// Adds a file made by [`Sources::read`]. The first file added under a canonical path
    /// is the one [`Sources::find`] returns.
    pub fn add_file(&mut self, key: PathBuf, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        let known = *self.by_path.entry(key).or_insert(id);
        self.by_given.entry(file.path.clone()).or_insert(known);
        self.files.push(file);
        id
    }

    /// Withdraws a file's text (see [`SourceFile::redacted`]): every output keeps its name
    /// and line numbers but shows nothing of what it holds.
    pub fn redact(&mut self, id: FileId) {
        let f = &mut self.files[id.0 as usize];
        if !f.redacted {
            f.redacted = true;
            f.withdrawn = Some(std::mem::replace(&mut f.text, Arc::from("")));
        }
    }

    /// The file behind an id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Finds an already loaded file by the path as given or its canonical path (known
    /// already: no file-system walk).
    pub fn find_keyed(&self, given: &Path, key: &Path) -> Option<FileId> {
        self.by_given
            .get(given)
            .or_else(|| self.by_path.get(key))
            .copied()
    }

    /// Finds an already loaded file by the path as given or its resolved path.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.find_keyed(path, path)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was read.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Iterates over (id, file).
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// Line and column of a span's start.
    pub fn start(&self, span: Span) -> LineCol {
        self.get(span.file).line_col(span.start as usize)
    }

    /// Line and column of a span's end.
    pub fn end(&self, span: Span) -> LineCol {
        self.get(span.file).line_col(span.end as usize)
    }
}

/// Code points starting in `bytes`: every byte but UTF-8 continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Bytes decoded lossily.
fn decode(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// A path as users want to see it: relative to the current directory when it is below it.
pub fn display_name(path: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_code_points() {
        let f = SourceFile::new("x".into(), "x".into(), "ab\nçé x\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // "çé " is 5 bytes, 3 code points.
        assert_eq!(f.line_col(8), LineCol { line: 2, column: 4 });
        assert_eq!(f.line_col(1000), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn columns_agree_with_counting_across_blocks() {
        let line: String = "aé€𝄞\t".repeat(200);
        let text = format!("x\n{line}\n{line}");
        let f = SourceFile::new("x".into(), "x".into(), text.as_str().into());
        for (offset, _) in text.char_indices() {
            let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..offset].matches('\n').count() + 1;
            let column = text[start..offset].chars().count() + 1;
            assert_eq!(f.line_col(offset), LineCol { line, column }, "at {offset}");
        }
    }
}
