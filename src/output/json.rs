//! cargo's JSON message format, one object per line: a `compiler-message` per finding whose
//! `message` is a rustc JSON diagnostic, then `build-finished`. Editors (rust-analyzer's
//! `check.overrideCommand`) and the `cargo_metadata` crate read it as they read
//! `cargo check --message-format=json`; the field names and shapes mirror rustc's. A finding
//! whose cost has a model also carries its estimate, as an `estimate` field of the message.

use std::io::{self, Write};
use std::path::Path;

use codespan_reporting::term;
use contention_lints::{Level, Span};
use serde::Serialize;

use super::{Finding, Printer, Summary, human};
use crate::discover::Target;
use crate::estimate::Estimate;
use crate::source::{JsonNamed, SourceFile};

/// Prints one JSON object per line.
pub(super) struct Json<W> {
    out: W,
}

impl<W: Write> Json<W> {
    pub(super) fn new(out: W) -> Self {
        Json { out }
    }

    fn line(&mut self, value: &impl Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, value)?;
        self.out.write_all(b"\n")
    }
}

impl<W: Write> Printer for Json<W> {
    fn finding(&mut self, finding: &Finding<'_>) -> io::Result<()> {
        let unit = &finding.unit.unit;
        let target = unit.target_for(&finding.file().path, finding.placement);
        self.line(&CompilerMessage {
            reason: "compiler-message",
            package_id: &unit.package_id,
            manifest_path: &unit.manifest_path,
            target: &target,
            target_kind: finding.placement.kind_name(),
            message: diagnostic(finding)?,
        })
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.line(&BuildFinished {
            reason: "build-finished",
            success: summary.denied() == 0 && summary.clippy_success != Some(false),
        })
    }
}

#[derive(Serialize)]
struct CompilerMessage<'a> {
    reason: &'static str,
    package_id: &'a str,
    manifest_path: &'a Path,
    target: &'a Target,
    /// Not cargo's: what kind of code the finding is in, `lib`, `bin`, `example`, `test`
    /// (integration tests, and the test code of the others), `bench` or `custom-build`, so that
    /// editors and CI can filter. Readers of cargo's format ignore fields they do not know.
    target_kind: &'static str,
    message: JsonDiagnostic,
}

#[derive(Serialize)]
struct BuildFinished {
    reason: &'static str,
    success: bool,
}

/// A rustc JSON diagnostic.
#[derive(Serialize)]
pub(super) struct JsonDiagnostic {
    /// rustc marks top-level diagnostics this way; children have no such field.
    #[serde(rename = "$message_type", skip_serializing_if = "Option::is_none")]
    message_type: Option<&'static str>,
    message: String,
    code: Option<Code>,
    level: &'static str,
    spans: Vec<JsonSpan>,
    children: Vec<JsonDiagnostic>,
    rendered: Option<String>,
    /// Not rustc's: the finding's estimated cost (see [`Estimate`]), where its cost has a
    /// model. Readers of rustc's and cargo's format (`cargo_metadata`, rust-analyzer) ignore
    /// fields they do not know.
    #[serde(skip_serializing_if = "Option::is_none")]
    estimate: Option<Estimate>,
}

#[derive(Serialize)]
struct Code {
    code: String,
    explanation: &'static str,
}

#[derive(Serialize)]
struct JsonSpan {
    file_name: String,
    byte_start: usize,
    byte_end: usize,
    line_start: usize,
    line_end: usize,
    column_start: usize,
    column_end: usize,
    is_primary: bool,
    text: Vec<SpanLine>,
    label: Option<String>,
    suggested_replacement: Option<String>,
    suggestion_applicability: Option<&'static str>,
    expansion: Option<()>,
}

#[derive(Serialize)]
struct SpanLine {
    text: String,
    highlight_start: usize,
    highlight_end: usize,
}

/// The finding as a rustc JSON diagnostic: the primary and secondary spans, a child per note
/// and help, and the suggestion as a `help` child whose spans carry the replacements.
pub(super) fn diagnostic(finding: &Finding<'_>) -> io::Result<JsonDiagnostic> {
    let d = finding.diagnostic;
    let files = &finding.unit.files;
    let mut spans = vec![span(files.get(d.file), d.span, true, non_empty(&d.label))];
    spans.extend(d.labels.iter().map(|label| {
        span(
            files.get(label.file),
            label.span,
            false,
            non_empty(&label.text),
        )
    }));
    let mut children: Vec<JsonDiagnostic> = d
        .notes
        .iter()
        .map(|note| child("note", note.clone(), Vec::new()))
        .collect();
    children.extend(
        d.help
            .iter()
            .map(|help| child("help", help.clone(), Vec::new())),
    );
    if let Some(suggestion) = &d.suggestion {
        let spans = suggestion
            .edits
            .iter()
            .map(|edit| JsonSpan {
                suggested_replacement: Some(edit.replacement.clone()),
                suggestion_applicability: Some(suggestion.applicability.as_str()),
                ..span(finding.file(), edit.span, true, None)
            })
            .collect();
        children.push(child("help", suggestion.message.clone(), spans));
    }
    let rendered = term::emit_into_string(
        &human::config(),
        &JsonNamed(files),
        &human::to_codespan(finding),
    )
    .map_err(human::to_io)?;
    Ok(JsonDiagnostic {
        message_type: Some("diagnostic"),
        message: d.message.clone(),
        code: Some(Code {
            code: d.lint.code(),
            explanation: d.lint.docs,
        }),
        level: level_name(d.level),
        spans,
        children,
        rendered: Some(rendered),
        estimate: finding.estimate.cloned(),
    })
}

fn child(level: &'static str, message: String, spans: Vec<JsonSpan>) -> JsonDiagnostic {
    JsonDiagnostic {
        message_type: None,
        message,
        code: None,
        level,
        spans,
        children: Vec::new(),
        rendered: None,
        estimate: None,
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn | Level::Allow => "warning",
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// A span as rustc describes it: byte offsets, 1-based lines and character columns (the end
/// column exclusive), and each covered line with the highlighted part.
fn span(file: &SourceFile, span: Span, is_primary: bool, label: Option<String>) -> JsonSpan {
    let start = file.clamp(span.start);
    let end = file.clamp(span.end).max(start);
    let from = file.position(start);
    let to = file.position(end);
    let text = (from.line..=to.line)
        .map(|line| {
            let text = file.line_text(line);
            let highlight_start = if line == from.line { from.column } else { 1 };
            let highlight_end = if line == to.line {
                to.column
            } else {
                text.chars().count() + 1
            };
            SpanLine {
                text: text.to_owned(),
                highlight_start,
                highlight_end,
            }
        })
        .collect();
    JsonSpan {
        file_name: file.json_name.clone(),
        byte_start: start,
        byte_end: end,
        line_start: from.line,
        line_end: to.line,
        column_start: from.column,
        column_end: to.column,
        is_primary,
        text,
        label,
        suggested_replacement: None,
        suggestion_applicability: None,
        expansion: None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn multi_line_spans_highlight_each_line() {
        let root = Path::new("/ws");
        let text = "let x = f(\n    é,\n);\n";
        let file = SourceFile::new(&root.join("src/lib.rs"), text.into(), root, root);
        let start = text.find('f').unwrap();
        let end = text.rfind(')').unwrap() + 1;
        let json = span(&file, Span { start, end }, true, None);
        assert_eq!((json.line_start, json.column_start), (1, 9));
        assert_eq!((json.line_end, json.column_end), (3, 2));
        let highlights: Vec<(&str, usize, usize)> = json
            .text
            .iter()
            .map(|line| (line.text.as_str(), line.highlight_start, line.highlight_end))
            .collect();
        assert_eq!(
            highlights,
            [("let x = f(", 9, 11), ("    é,", 1, 7), (");", 1, 2)]
        );
        assert_eq!(json.file_name, "src/lib.rs");
    }
}
