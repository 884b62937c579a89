//! The default output: rustc-like diagnostics with source snippets, drawn by
//! codespan-reporting, then one summary line with the counts per lint.

use std::io;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity};
use codespan_reporting::files;
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Chars, Config, Styles};
use contention_lints::{Level, Span, Suggestion};

use super::{Finding, Printer, Summary, no_findings, plural};
use crate::source::SourceFile;

/// Prints each finding as rustc would, and a summary at the end.
pub(super) struct Human<'w> {
    out: Box<dyn WriteColor + 'w>,
    config: Config,
}

impl<'w> Human<'w> {
    pub(super) fn new(out: Box<dyn WriteColor + 'w>) -> Self {
        Human {
            out,
            config: config(),
        }
    }
}

impl Printer for Human<'_> {
    fn finding(&mut self, finding: &Finding<'_>) -> io::Result<()> {
        let rendered = to_codespan(finding);
        term::emit_to_write_style(&mut *self.out, &self.config, &finding.unit.files, &rendered)
            .map_err(to_io)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let total = summary.total();
        if total == 0 {
            return writeln!(self.out, "{}", no_findings(summary));
        }
        let denied = summary.denied();
        let (severity, word) = if denied > 0 {
            (Severity::Error, "error")
        } else {
            (Severity::Warning, "warning")
        };
        self.out.set_color(Styles::default().header(severity))?;
        write!(self.out, "{word}")?;
        self.out.reset()?;
        let denied = if denied > 0 && denied < total {
            format!(", {denied} at deny level")
        } else {
            String::new()
        };
        let per_lint: Vec<String> = summary
            .per_lint()
            .iter()
            .map(|(lint, count)| format!("{lint}: {count}"))
            .collect();
        writeln!(
            self.out,
            ": {}{denied} ({}){}",
            plural(total, "finding", "findings"),
            per_lint.join(", "),
            summary.left_out_clause()
        )?;
        match summary.fixable_line() {
            Some(line) => writeln!(self.out, "{line}"),
            None => Ok(()),
        }
    }
}

/// rustc's look: ASCII borders (`-->`, `|`, `=`).
pub(super) fn config() -> Config {
    Config {
        chars: Chars::ascii(),
        ..Config::default()
    }
}

/// The finding as codespan-reporting draws it: `warning[lint]: message`, the primary and
/// secondary labels, then `note:`, `help:` and the suggested code.
pub(super) fn to_codespan(finding: &Finding<'_>) -> Rendered<usize> {
    let diagnostic = finding.diagnostic;
    let files = &finding.unit.files;
    let severity = match diagnostic.level {
        Level::Deny => Severity::Error,
        Level::Warn | Level::Allow => Severity::Warning,
    };
    let mut labels = vec![
        Label::primary(
            diagnostic.file,
            range(files.get(diagnostic.file), diagnostic.span),
        )
        .with_message(&diagnostic.label),
    ];
    labels.extend(diagnostic.labels.iter().map(|label| {
        Label::secondary(label.file, range(files.get(label.file), label.span))
            .with_message(&label.text)
    }));
    let mut notes: Vec<String> = diagnostic
        .notes
        .iter()
        .map(|note| format!("note: {note}"))
        .collect();
    notes.extend(diagnostic.help.iter().map(|help| format!("help: {help}")));
    notes.extend(
        diagnostic
            .suggestion
            .iter()
            .map(|suggestion| suggestion_note(finding.file(), suggestion)),
    );
    Rendered::new(severity)
        .with_code(diagnostic.lint.name)
        .with_message(&diagnostic.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// A span as a byte range codespan accepts: inside the text and on character boundaries.
fn range(file: &SourceFile, span: Span) -> Range<usize> {
    let start = file.clamp(span.start);
    start..file.clamp(span.end).max(start)
}

/// `help: <message>:` followed by the lines the suggestion rewrites, as they read after it:
/// edits a few lines apart are shown together, and `...` stands for the lines between ones
/// further apart (a declaration and its uses).
fn suggestion_note(file: &SourceFile, suggestion: &Suggestion) -> String {
    /// Edits this many lines apart or closer are shown in one piece.
    const NEAR: usize = 2;
    let mut note = format!("help: {}", suggestion.message);
    let mut edits: Vec<(Range<usize>, &str)> = suggestion
        .edits
        .iter()
        .map(|edit| (range(file, edit.span), edit.replacement.as_str()))
        .collect();
    edits.sort_by_key(|(range, _)| (range.start, range.end));
    if edits.is_empty() {
        return note;
    }
    let line_of = |offset: usize| file.slice(0..offset).matches('\n').count();
    // Runs of edits whose lines are near each other.
    let mut pieces: Vec<Vec<(Range<usize>, &str)>> = Vec::new();
    for edit in edits {
        let near = pieces
            .last()
            .and_then(|piece| piece.last())
            .is_some_and(|(last, _)| line_of(edit.0.start) <= line_of(last.end) + NEAR);
        match pieces.last_mut() {
            Some(piece) if near => piece.push(edit),
            _ => pieces.push(vec![edit]),
        }
    }
    let rewritten: Vec<String> = pieces
        .iter()
        .map(|piece| {
            let (first, last) = (&piece[0].0, &piece[piece.len() - 1].0);
            // The whole lines the edits touch, rebuilt with the edits applied.
            let start = file.slice(0..first.start).rfind('\n').map_or(0, |i| i + 1);
            let end = file
                .slice(last.end..file.text.len())
                .find('\n')
                .map_or(file.text.len(), |i| last.end + i);
            let mut text = String::new();
            let mut cursor = start;
            for (range, replacement) in piece {
                text.push_str(file.slice(cursor..range.start));
                text.push_str(replacement);
                cursor = cursor.max(range.end);
            }
            text.push_str(file.slice(cursor..end));
            text
        })
        .collect();
    let indent = rewritten
        .iter()
        .flat_map(|piece| piece.lines())
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    note.push(':');
    for (i, piece) in rewritten.iter().enumerate() {
        if i > 0 {
            note.push_str("\n    ...");
        }
        for line in piece.lines() {
            note.push_str("\n    ");
            note.push_str(line.get(indent..).unwrap_or(line).trim_end());
        }
    }
    note
}

pub(super) fn to_io(error: files::Error) -> io::Error {
    match error {
        files::Error::Io(error) => error,
        other => io::Error::other(other.to_string()),
    }
}
