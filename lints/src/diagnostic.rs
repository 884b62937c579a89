//! The one finding type every printer (human, short, JSON, SARIF, GitHub) renders.
//!
//! Spans are byte ranges into the original text of a file of the analysed crate; printers turn
//! them into lines and columns. Nothing here knows about terminals or formats.

use crate::registry::{Level, Lint};

/// A byte range `start..end` in one file's original text (BOM and shebang included).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A secondary location shown with a finding, e.g. "the lock is taken here".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Label {
    /// Index into the crate's file list.
    pub file: usize,
    pub span: Span,
    pub text: String,
}

/// How sure a suggestion is, with rustc's names and meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Applicability {
    /// The rewrite is certainly correct and may be applied by `--fix`.
    MachineApplicable,
    /// The rewrite is probably what is wanted but may need a human look.
    MaybeIncorrect,
    /// The rewrite has placeholders to fill in.
    HasPlaceholders,
}

impl Applicability {
    /// The name rustc's JSON uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::MachineApplicable => "MachineApplicable",
            Applicability::MaybeIncorrect => "MaybeIncorrect",
            Applicability::HasPlaceholders => "HasPlaceholders",
        }
    }
}

/// One text replacement in the finding's file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A concrete rewrite attached to a finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suggestion {
    /// What the rewrite does, e.g. "use an atomic".
    pub message: String,
    /// Edits in the finding's file; they never overlap.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
    /// Paths the edits name by their last segment that the file's top module must import
    /// (`std::sync::atomic::AtomicU64`). The analysis turns them into an edit (or finds them
    /// imported already) before it reports the finding, so a report's suggestions have none.
    #[serde(default)]
    pub imports: Vec<String>,
    /// Items the edits use that the file's top module must define, by name and text (a
    /// padding wrapper). Like `imports`, turned into an edit before the finding is reported.
    #[serde(default)]
    pub items: Vec<(String, String)>,
}

impl Suggestion {
    /// A rewrite of the finding's file by `edits`.
    pub fn new(
        message: impl Into<String>,
        edits: Vec<Edit>,
        applicability: Applicability,
    ) -> Suggestion {
        Suggestion {
            message: message.into(),
            edits,
            applicability,
            imports: Vec::new(),
            items: Vec::new(),
        }
    }

    /// The same rewrite, needing `path` imported at the top of the file.
    pub fn importing(mut self, path: impl Into<String>) -> Suggestion {
        let path = path.into();
        if !self.imports.contains(&path) {
            self.imports.push(path);
        }
        self
    }

    /// The same rewrite, needing the item `name` (written `text`) at the top of the file.
    pub fn defining(mut self, name: impl Into<String>, text: impl Into<String>) -> Suggestion {
        self.items.push((name.into(), text.into()));
        self
    }
}

/// One finding.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    #[serde(with = "lint_by_name")]
    pub lint: &'static Lint,
    /// The level after configuration; lints emit their default level.
    pub level: Level,
    /// Index into the crate's file list.
    pub file: usize,
    /// The primary span: where a person would edit.
    pub span: Span,
    /// Text under the primary span.
    pub label: String,
    /// One line, lowercase start, no trailing period.
    pub message: String,
    /// Secondary spans, each with its own text.
    pub labels: Vec<Label>,
    /// `note:` lines: the mechanism, the call chain that made code hot.
    pub notes: Vec<String>,
    /// The `help:` line: what to write instead.
    pub help: Option<String>,
    pub suggestion: Option<Suggestion>,
}

impl Diagnostic {
    /// A finding at `span` with the lint's default level and nothing else attached yet.
    pub fn new(lint: &'static Lint, file: usize, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            lint,
            level: lint.default_level,
            file,
            span,
            label: String::new(),
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestion: None,
        }
    }

    pub fn with_label(mut self, text: impl Into<String>) -> Self {
        self.label = text.into();
        self
    }

    pub fn with_secondary(mut self, file: usize, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            file,
            span,
            text: text.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_suggestion(mut self, suggestion: Suggestion) -> Self {
        self.suggestion = Some(suggestion);
        self
    }
}

/// A lint is stored (in the cache) by its name and found again in the registry.
mod lint_by_name {
    use crate::registry::{self, Lint};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(lint: &&'static Lint, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(lint.name)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static Lint, D::Error> {
        let name = <&str>::deserialize(d)?;
        registry::find(name).ok_or_else(|| D::Error::custom(format!("no lint `{name}`")))
    }
}
