//! The files of one checked crate as the printers need them: how each path is shown, and byte
//! offsets turned into 1-based lines and character columns (as rustc counts them).

use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::files::{self, Files};

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One analysed file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Absolute, with `.` and `..` resolved lexically.
    pub path: PathBuf,
    /// The path shown to people: relative to the current directory when under it.
    pub display: String,
    /// The path in JSON messages: relative to the workspace root when under it, as cargo has
    /// rustc print it.
    pub json_name: String,
    pub text: String,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// The file at absolute `path`, shown relative to `cwd` and, in JSON, to `workspace_root`.
    pub fn new(path: &Path, text: String, workspace_root: &Path, cwd: &Path) -> SourceFile {
        let path = normalise(path);
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            display: relative_display(&path, cwd),
            json_name: relative_display(&path, workspace_root),
            path,
            text,
            line_starts,
        }
    }

    /// `offset` clamped into the text and moved back onto a character boundary.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The 0-based index of the line holding byte `offset`.
    fn line_index(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// The 1-based line of byte `offset` (without the column, which counts characters).
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_index(self.clamp(offset)) + 1
    }

    /// The line and column of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.clamp(offset);
        let line = self.line_index(offset);
        let column = self.text[self.line_starts[line]..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// Byte range of the 0-based line `index`, its line break included.
    fn line_range(&self, index: usize) -> Range<usize> {
        let start = self.line_starts[index];
        let end = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        start..end
    }

    /// The text of the 1-based `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let text = &self.text[self.line_range(line - 1)];
        text.strip_suffix('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t))
            .unwrap_or(text)
    }

    /// The text of `range`, clamped to the text (empty when the range is reversed).
    pub fn slice(&self, range: Range<usize>) -> &str {
        let start = self.clamp(range.start);
        &self.text[start..self.clamp(range.end).max(start)]
    }
}

/// The files of one checked crate, indexed like the analysis's file list.
#[derive(Debug, Clone, Default)]
pub struct FileTable {
    files: Vec<SourceFile>,
}

impl FileTable {
    pub fn new(files: Vec<SourceFile>) -> FileTable {
        FileTable { files }
    }

    /// The file at `index` (a `Diagnostic::file` or `Label::file`).
    pub fn get(&self, index: usize) -> &SourceFile {
        &self.files[index]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }
}

impl<'a> Files<'a> for FileTable {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(&self.files.get(id).ok_or(files::Error::FileMissing)?.display)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(&self.files.get(id).ok_or(files::Error::FileMissing)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        let file = self.files.get(id).ok_or(files::Error::FileMissing)?;
        Ok(file.line_index(file.clamp(byte_index)))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, files::Error> {
        let file = self.files.get(id).ok_or(files::Error::FileMissing)?;
        if line_index >= file.line_starts.len() {
            return Err(files::Error::LineTooLarge {
                given: line_index,
                max: file.line_starts.len() - 1,
            });
        }
        Ok(file.line_range(line_index))
    }
}

/// The same files named as JSON messages name them (relative to the workspace root), for the
/// `rendered` text of a JSON diagnostic.
#[derive(Debug, Clone, Copy)]
pub struct JsonNamed<'t>(pub &'t FileTable);

impl<'a> Files<'a> for JsonNamed<'_> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(&self
            .0
            .files
            .get(id)
            .ok_or(files::Error::FileMissing)?
            .json_name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, files::Error> {
        self.0.source(id)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        self.0.line_index(id, byte_index)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, files::Error> {
        self.0.line_range(id, line_index)
    }
}

pub use contention_lints::normalise;

/// `path` relative to `base` when it lies under it, otherwise `path` itself.
fn relative_display(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .ok()
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            Path::new("/ws/src/lib.rs"),
            text.into(),
            Path::new("/ws"),
            Path::new("/"),
        )
    }

    #[test]
    fn columns_count_characters() {
        let f = file("ab\nné = 1;\n");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        // `=` is at byte 7 (é is two bytes) and character column 4.
        assert_eq!(f.position(7), Position { line: 2, column: 4 });
        assert_eq!(f.line_text(2), "né = 1;");
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_are_clamped() {
        let f = file("é");
        assert_eq!(f.position(1), Position { line: 1, column: 1 });
        assert_eq!(f.position(99), Position { line: 1, column: 2 });
        assert_eq!(f.slice(0..99), "é");
    }

    #[test]
    fn empty_file_has_one_line() {
        let f = file("");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.line_text(1), "");
    }

    #[test]
    fn paths_are_relative_to_their_bases() {
        let f = SourceFile::new(
            Path::new("/ws/crates/a/src/../src/lib.rs"),
            String::new(),
            Path::new("/ws"),
            Path::new("/ws/crates"),
        );
        assert_eq!(f.path, Path::new("/ws/crates/a/src/lib.rs"));
        assert_eq!(f.json_name, "crates/a/src/lib.rs");
        assert_eq!(f.display, "a/src/lib.rs");
        let outside = SourceFile::new(
            Path::new("/x/y.rs"),
            String::new(),
            Path::new("/ws"),
            Path::new("/ws"),
        );
        assert_eq!(outside.json_name, "/x/y.rs");
    }
}
