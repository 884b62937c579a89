//! `// contention:allow(lint_a, lint_b) reason` comments.
//!
//! A comment silences the named lints (or `all`) on its own line and on the line below; on the
//! line right above an item, field or statement (its attributes included) it covers all of it.

use rustc_hash::FxHashMap as HashMap;

use crate::SourceFile;
use crate::diagnostic::{Diagnostic, Span};

/// What an allow comment starts with.
pub(crate) const MARKER: &str = "contention:allow(";

/// A file's allow comments and line starts, computed once per file.
struct FileComments {
    allows: HashMap<usize, Vec<String>>,
    line_starts: Vec<usize>,
}

/// The lints allowed by comments, by 0-based line.
fn allow_comments(text: &str) -> HashMap<usize, Vec<String>> {
    let mut out = HashMap::default();
    for (line, content) in text.lines().enumerate() {
        let Some(comment) = content.find("//") else {
            continue;
        };
        let comment = &content[comment..];
        let Some(start) = comment.find(MARKER) else {
            continue;
        };
        let rest = &comment[start + MARKER.len()..];
        let Some(end) = rest.find(')') else { continue };
        let names = rest[..end]
            .split(',')
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect();
        out.insert(line, names);
    }
    out
}

/// Byte offset of the start of each line.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn line_of(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset).saturating_sub(1)
}

/// Drops the findings a comment allows. `items` holds, per file, the spans of its items, fields
/// and statements.
pub(crate) fn apply(
    files: &[SourceFile],
    items: &[Vec<Span>],
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut cache: HashMap<usize, FileComments> = HashMap::default();
    diagnostics
        .into_iter()
        .filter(|d| {
            let Some(file) = files.get(d.file) else {
                return true;
            };
            let FileComments {
                allows: comments,
                line_starts: starts,
            } = cache.entry(d.file).or_insert_with(|| FileComments {
                allows: allow_comments(&file.text),
                line_starts: line_starts(&file.text),
            });
            if comments.is_empty() {
                return true;
            }
            let allows = |line: usize| {
                comments
                    .get(&line)
                    .is_some_and(|names| names.iter().any(|n| n == d.lint.name || n == "all"))
            };
            let line = line_of(starts, d.span.start);
            if allows(line) || (line > 0 && allows(line - 1)) {
                return false;
            }
            let covering = items
                .get(d.file)
                .into_iter()
                .flatten()
                .filter(|s| s.start <= d.span.start && d.span.end <= s.end);
            !covering.into_iter().any(|s| {
                let first = line_of(starts, s.start);
                first > 0 && allows(first - 1)
            })
        })
        .collect()
}
