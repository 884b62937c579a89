//! Baselines, for adopting the tool in a codebase that already has findings: `--write-baseline`
//! records every current finding, `--baseline` then reports only the ones not recorded.
//!
//! A finding is recorded by its [`Fingerprint`], which must survive edits elsewhere in the file:
//! it hashes the lint, the file (relative to the workspace root), the flagged line's text with
//! its whitespace normalised, and which occurrence of that same line it is. Line numbers are
//! left out on purpose, so inserting code above a finding does not make it "new". The same
//! fingerprint is SARIF's `partialFingerprints`, so code scanning tracks findings the same way.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use contention_lints::Diagnostic;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::check::Report;
use crate::source::FileTable;

/// The format version written into baseline files; a file of another version is refused.
const VERSION: u32 = 1;

/// A finding's identity across runs: a SHA-256 in hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The hex digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The fingerprints of `diagnostics` (findings in the files of `files`), in the same order.
///
/// Occurrences are counted in order of position, so the second of two identical flagged lines
/// stays the second whatever is inserted around them.
pub fn fingerprints(files: &FileTable, diagnostics: &[Diagnostic]) -> Vec<Fingerprint> {
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by_key(|&i| {
        let d = &diagnostics[i];
        (d.file, d.span, d.lint.name)
    });
    // Each flagged line is normalised once, and each (lint, file, text) hashed once: a
    // minified or generated file can have thousands of findings on one long line.
    // Normalised texts are numbered, the same text once whatever line it is on.
    let mut line_texts: HashMap<(usize, usize), usize> = HashMap::new();
    let mut text_ids: HashMap<String, usize> = HashMap::new();
    let mut texts: Vec<String> = Vec::new();
    let mut seen: HashMap<(&str, &str, usize), (Sha256, usize)> = HashMap::new();
    let mut fingerprints = vec![Fingerprint(String::new()); diagnostics.len()];
    for i in order {
        let d = &diagnostics[i];
        let file = files.get(d.file);
        let line = file.line_of(d.span.start);
        let text = *line_texts.entry((d.file, line)).or_insert_with(|| {
            let text = normalised(file.line_text(line));
            *text_ids.entry(text).or_insert_with_key(|text| {
                texts.push(text.clone());
                texts.len() - 1
            })
        });
        let (prefix, occurrence) = seen
            .entry((d.lint.name, &file.json_name, text))
            .or_insert_with(|| {
                let prefix = fingerprint_prefix(d.lint.name, &file.json_name, &texts[text]);
                (prefix, 0)
            });
        fingerprints[i] = fingerprint(prefix.clone(), *occurrence);
        *occurrence += 1;
    }
    fingerprints
}

/// A line with leading and trailing whitespace removed and inner runs of it made one space, so
/// re-indenting a block does not change its findings' fingerprints.
fn normalised(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The hash of a fingerprint's fields but the occurrence: the lint, the file and the line's
/// text, each followed by NUL, which cannot occur in a lint name or a path, so the fields
/// cannot run into each other.
fn fingerprint_prefix(lint: &str, file: &str, text: &str) -> Sha256 {
    let mut hasher = Sha256::new();
    for part in [lint, file, text] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
}

/// The fingerprint of an occurrence of a flagged line, whose other fields `prefix` has hashed.
fn fingerprint(mut hasher: Sha256, occurrence: usize) -> Fingerprint {
    hasher.update(occurrence.to_string().as_bytes());
    hasher.update([0]);
    Fingerprint(
        hasher
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect(),
    )
}

/// A baseline file: the recorded findings. Everything but the fingerprint is there for people
/// reading the file (in review, say); only the fingerprint is matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    version: u32,
    findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: Fingerprint,
    lint: String,
    /// Relative to the workspace root.
    file: String,
    /// Where the finding was when it was recorded; not used for matching.
    line: usize,
    message: String,
}

impl Baseline {
    /// Every finding of `report`.
    pub fn of(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = crate::output::findings(report)
            .map(|finding| {
                let d = finding.diagnostic;
                let file = finding.file();
                Entry {
                    fingerprint: finding.fingerprint.clone(),
                    lint: d.lint.name.to_owned(),
                    file: file.json_name.clone(),
                    line: file.position(d.span.start).line,
                    message: d.message.clone(),
                }
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, a.line, &a.lint, &a.fingerprint).cmp(&(
                &b.file,
                b.line,
                &b.lint,
                &b.fingerprint,
            ))
        });
        Baseline {
            version: VERSION,
            findings,
        }
    }

    /// How many findings are recorded.
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    /// Whether no finding is recorded.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// Reads a baseline file written by [`Baseline::write`].
    pub fn read(path: &Path) -> Result<Baseline, Error> {
        let invalid = |reason: String| Error::Baseline {
            path: path.to_path_buf(),
            reason,
        };
        let text = fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|e| invalid(format!("not a baseline: {e}")))?;
        if baseline.version != VERSION {
            return Err(invalid(format!(
                "version {} is not supported (expected {VERSION})",
                baseline.version
            )));
        }
        Ok(baseline)
    }

    /// Writes the baseline as pretty JSON, atomically (a temporary file renamed over `path`).
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline serialises");
        text.push('\n');
        crate::fix::write_atomically(path, &text).map_err(|error| Error::WriteFile {
            path: PathBuf::from(path),
            error,
        })
    }

    /// Removes from `report` every finding this baseline records; returns how many went.
    pub fn remove_known(&self, report: &mut Report) -> usize {
        let known: HashSet<&Fingerprint> = self.findings.iter().map(|e| &e.fingerprint).collect();
        let mut removed = 0;
        for unit in &mut report.units {
            let keep: Vec<bool> = unit
                .fingerprints
                .iter()
                .map(|f| !known.contains(f))
                .collect();
            removed += keep.iter().filter(|k| !**k).count();
            unit.retain(|i| keep[i]);
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use contention_lints::{Span, registry};

    use super::*;
    use crate::source::SourceFile;

    fn table(text: &str) -> FileTable {
        let root = Path::new("/ws");
        FileTable::new(vec![SourceFile::new(
            &root.join("src/lib.rs"),
            text.into(),
            root,
            root,
        )])
    }

    /// One finding per occurrence of `needle` in `text`.
    fn findings(text: &str, needle: &str) -> Vec<Diagnostic> {
        let lint = registry::all()[0];
        text.match_indices(needle)
            .map(|(start, _)| {
                let span = Span {
                    start,
                    end: start + needle.len(),
                };
                Diagnostic::new(lint, 0, span, "m")
            })
            .collect()
    }

    #[test]
    fn fingerprints_ignore_line_numbers_and_indentation() {
        let before = "fn f() {\n    x.clone();\n}\n";
        let after = "// a new comment\n\nfn f() {\n        x.clone();\n}\n";
        let a = fingerprints(&table(before), &findings(before, "x.clone()"));
        let b = fingerprints(&table(after), &findings(after, "x.clone()"));
        assert_eq!(a, b);
        assert_eq!(a[0].as_str().len(), 64);
    }

    #[test]
    fn identical_lines_are_told_apart_by_occurrence() {
        let text = "x.clone();\nx.clone();\n";
        let prints = fingerprints(&table(text), &findings(text, "x.clone()"));
        assert_ne!(prints[0], prints[1]);
        // Findings given out of order get the same fingerprints as in order.
        let mut reversed = findings(text, "x.clone()");
        reversed.reverse();
        let mut again = fingerprints(&table(text), &reversed);
        again.reverse();
        assert_eq!(prints, again);
    }

    /// Baselines already written must keep matching: the fingerprint is SHA-256 over the lint,
    /// the file, the normalised line and the occurrence, each followed by NUL (the values were
    /// computed apart, with Python's hashlib).
    #[test]
    fn fingerprints_keep_their_definition() {
        let text = "fn f() {\n    let a = x.clone();  let b = x.clone();\n}\n";
        let prints = fingerprints(&table(text), &findings(text, "x.clone()"));
        assert_eq!(registry::all()[0].name, "arc_clone_in_hot_loop");
        assert_eq!(
            prints.iter().map(Fingerprint::as_str).collect::<Vec<_>>(),
            [
                "e44b227664602e6c47a6d0ae811b65561617b51c7935fb74981938ca41f6ec44",
                "6d4e7edea065e489f146e68761d6f6035174d1f3c1498aa965e00528c559fd31",
            ]
        );
    }

    #[test]
    fn a_changed_line_is_a_new_finding() {
        let a = "x.clone();\n";
        let b = "y.clone();\n";
        let pa = fingerprints(&table(a), &findings(a, ".clone()"));
        let pb = fingerprints(&table(b), &findings(b, ".clone()"));
        assert_ne!(pa, pb);
    }
}
