//! SARIF 2.1.0, the format GitHub code scanning uploads and other viewers read, built with the
//! `serde-sarif` types.
//!
//! One run with one rule per lint, in registry order: the rule's `id` is the lint's code
//! (`contention::<lint>`), its short description the lint's summary, its full description and
//! help the lint's documentation page, so code scanning shows the same text as `explain`. Each
//! result points at the primary span (URI relative to the workspace root, under the
//! `%SRCROOT%` base; columns count Unicode code points, as `columnKind` says), with the
//! secondary labels as related locations, the suggestion as a fix, the finding's
//! [fingerprint](crate::baseline) as its partial fingerprint, and its kind of code
//! (`targetKind`) and estimated cost (`estimate`, see [`crate::estimate`]) in its properties.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use contention_lints::{Level, Lint, Span, registry};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_sarif::sarif;

use super::{Finding, Printer, Summary, full_message};
use crate::source::SourceFile;

/// The key of the fingerprint in `partialFingerprints`; the version changes if the way
/// fingerprints are computed ever does.
pub const FINGERPRINT_KEY: &str = "contentionFingerprint/v1";

/// The base the result URIs are relative to: the root of the checked workspace.
const SOURCE_ROOT: &str = "%SRCROOT%";

/// Where each lint's documentation page is published.
fn help_uri(lint: &Lint) -> String {
    format!(
        "{}/blob/main/lints/src/rules/{}.md",
        env!("CARGO_PKG_REPOSITORY"),
        lint.name
    )
}

/// Collects the results, then writes the whole log at the end.
pub(super) struct Sarif<W> {
    out: W,
    results: Vec<sarif::Result>,
    /// The workspace roots the results' URIs are relative to; the first is `%SRCROOT%`.
    roots: Vec<PathBuf>,
}

impl<W: Write> Sarif<W> {
    pub(super) fn new(out: W) -> Self {
        Sarif {
            out,
            results: Vec::new(),
            roots: Vec::new(),
        }
    }

    /// The URI base id of `root`, `%SRCROOT%` for the first (usually the only) one.
    fn base_id(&mut self, root: &Path) -> String {
        let index = match self.roots.iter().position(|known| known == root) {
            Some(index) => index,
            None => {
                self.roots.push(root.to_path_buf());
                self.roots.len() - 1
            }
        };
        base_id(index)
    }
}

fn base_id(index: usize) -> String {
    match index {
        0 => SOURCE_ROOT.to_owned(),
        n => format!("SRCROOT{}", n + 1),
    }
}

impl<W: Write> Printer for Sarif<W> {
    fn finding(&mut self, finding: &Finding<'_>) -> io::Result<()> {
        let base = self.base_id(&finding.unit.unit.workspace_root);
        self.results.push(result(finding, &base));
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        let driver = sarif::ToolComponent::builder()
            .name(env!("CARGO_PKG_NAME"))
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .information_uri(env!("CARGO_PKG_REPOSITORY"))
            .rules(
                registry::all()
                    .iter()
                    .map(|lint| rule(lint))
                    .collect::<Vec<_>>(),
            )
            .build();
        // Each base id is given as the absolute directory it stands for, so a viewer (or
        // GitHub's upload, which makes paths relative to the checkout) can resolve the URIs.
        let bases: BTreeMap<String, sarif::ArtifactLocation> = self
            .roots
            .iter()
            .enumerate()
            .map(|(index, root)| {
                let mut uri = format!("file://{}", encode_path(root));
                if !uri.ends_with('/') {
                    uri.push('/');
                }
                (
                    base_id(index),
                    sarif::ArtifactLocation::builder().uri(uri).build(),
                )
            })
            .collect();
        let run = sarif::Run::builder()
            .tool(driver)
            .column_kind(serde_json::json!("unicodeCodePoints"))
            .results(std::mem::take(&mut self.results));
        let run = if bases.is_empty() {
            run.build()
        } else {
            run.original_uri_base_ids(bases).build()
        };
        let log = sarif::Sarif::builder()
            .schema(sarif::SCHEMA_URL)
            .version(serde_json::json!(sarif::Version::V2_1_0.to_string()))
            .runs(vec![run])
            .build();
        serde_json::to_writer_pretty(&mut self.out, &log)?;
        self.out.write_all(b"\n")
    }
}

/// The rule describing `lint`, with its documentation.
fn rule(lint: &Lint) -> sarif::ReportingDescriptor {
    let level = match lint.default_level {
        Level::Deny => "error",
        Level::Warn | Level::Allow => "warning",
    };
    let configuration = sarif::ReportingConfiguration::builder()
        .enabled(lint.default_level != Level::Allow)
        .level(serde_json::json!(level))
        .build();
    let what_it_does = lint.doc_section("What it does");
    sarif::ReportingDescriptor::builder()
        .id(lint.code())
        .name(lint.name)
        .short_description(
            sarif::MultiformatMessageString::builder()
                .text(lint.summary)
                .build(),
        )
        .full_description(
            sarif::MultiformatMessageString::builder()
                .text(what_it_does)
                .markdown(what_it_does)
                .build(),
        )
        .help(
            sarif::MultiformatMessageString::builder()
                .text(lint.docs)
                .markdown(lint.docs)
                .build(),
        )
        .help_uri(help_uri(lint))
        .default_configuration(configuration)
        .build()
}

fn result(finding: &Finding<'_>, base: &str) -> sarif::Result {
    let d = finding.diagnostic;
    let files = &finding.unit.files;
    let rule_index = registry::all()
        .iter()
        .position(|lint| lint.name == d.lint.name)
        .expect("every finding's lint is registered");
    let level = match d.level {
        Level::Deny => sarif::ResultLevel::Error,
        Level::Warn | Level::Allow => sarif::ResultLevel::Warning,
    };
    let primary = location(files.get(d.file), base, d.span, None);
    let related: Vec<sarif::Location> = d
        .labels
        .iter()
        .enumerate()
        .map(|(id, label)| {
            let file = files.get(label.file);
            let mut related = location(file, base, label.span, Some(&label.text));
            related.id = Some(id as i64);
            related
        })
        .collect();
    let fixes: Vec<sarif::Fix> = d
        .suggestion
        .iter()
        .map(|suggestion| {
            let file = finding.file();
            let replacements = suggestion
                .edits
                .iter()
                .map(|edit| {
                    sarif::Replacement::builder()
                        .deleted_region(region(file, edit.span))
                        .inserted_content(
                            sarif::ArtifactContent::builder()
                                .text(edit.replacement.as_str())
                                .build(),
                        )
                        .build()
                })
                .collect::<Vec<_>>();
            sarif::Fix::builder()
                .description(sarif::Message::from(suggestion.message.as_str()))
                .artifact_changes(vec![
                    sarif::ArtifactChange::builder()
                        .artifact_location(artifact(file, base))
                        .replacements(replacements)
                        .build(),
                ])
                .build()
        })
        .collect();
    let fingerprints = BTreeMap::from([(
        FINGERPRINT_KEY.to_owned(),
        finding.fingerprint.as_str().to_owned(),
    )]);
    // What kind of code the finding is in (`lib`, `test`, ...), for filtering; its estimated
    // cost where it has one.
    let mut properties = BTreeMap::from([(
        "targetKind".to_owned(),
        serde_json::Value::from(finding.placement.kind_name()),
    )]);
    if let Some(estimate) = finding.estimate {
        let estimate = serde_json::to_value(estimate).expect("an estimate serialises");
        properties.insert("estimate".to_owned(), estimate);
    }
    let properties = sarif::PropertyBag::builder()
        .additional_properties(properties)
        .build();
    let result = sarif::Result::builder()
        .rule_id(d.lint.code())
        .rule_index(rule_index as i64)
        .level(level)
        .message(sarif::Message::from(full_message(d).as_str()))
        .locations(vec![primary])
        .partial_fingerprints(fingerprints)
        .properties(properties);
    match (related.is_empty(), fixes.is_empty()) {
        (true, true) => result.build(),
        (false, true) => result.related_locations(related).build(),
        (true, false) => result.fixes(fixes).build(),
        (false, false) => result.related_locations(related).fixes(fixes).build(),
    }
}

fn location(file: &SourceFile, base: &str, span: Span, message: Option<&str>) -> sarif::Location {
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(artifact(file, base))
        .region(region(file, span))
        .build();
    let location = sarif::Location::builder().physical_location(physical);
    match message.filter(|m| !m.is_empty()) {
        Some(message) => location.message(sarif::Message::from(message)).build(),
        None => location.build(),
    }
}

/// Characters that cannot appear as such in a URI path: everything but the unreserved ones,
/// `/` and the sub-delimiters that are harmless in a relative path.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A path with `/` separators and percent-encoded as a URI path.
fn encode_path(path: &Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    utf8_percent_encode(&path, PATH).to_string()
}

/// The file as a URI reference relative to the workspace root, whose base id is `base` (or,
/// for a file outside it, an absolute `file://` URI).
fn artifact(file: &SourceFile, base: &str) -> sarif::ArtifactLocation {
    let encoded = encode_path(Path::new(&file.json_name));
    if Path::new(&file.json_name).is_absolute() {
        sarif::ArtifactLocation::builder()
            .uri(format!("file://{encoded}"))
            .build()
    } else {
        sarif::ArtifactLocation::builder()
            .uri(encoded)
            .uri_base_id(base)
            .build()
    }
}

/// 1-based lines and character columns, the end column exclusive, as SARIF counts them.
fn region(file: &SourceFile, span: Span) -> sarif::Region {
    let start = file.position(span.start);
    let end = file.position(span.end.max(span.start));
    sarif::Region::builder()
        .start_line(start.line as i64)
        .start_column(start.column as i64)
        .end_line(end.line as i64)
        .end_column(end.column as i64)
        .build()
}
