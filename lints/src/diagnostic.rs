//! The one finding type every printer (human, short, JSON, SARIF, GitHub) renders.
//!
//! Spans are byte ranges into the original text of a file of the analysed crate; printers turn
//! them into lines and columns. Nothing here knows about terminals or formats.
//!
//! A finding whose cost has a model carries its [`Cost`]: what the flagged code does each time
//! it runs and how often the source shows it running. That is the input of an estimate, not an
//! estimate: the analysis knows no machine, and the command prices it with the machine's
//! measured costs.

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
    /// What the flagged code does each time it runs, when its cost has a model.
    pub cost: Option<Cost>,
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
            cost: None,
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

    pub fn with_cost(mut self, cost: Cost) -> Self {
        self.cost = Some(cost);
        self
    }
}

/// What a finding's code does each time it runs, and how often: the input of the cost note.
///
/// Only what has a measured price is described (see `cargo contention calibrate`): atomic
/// read-modify-writes, locks taken, copies, allocations, threads started. What the source does
/// not show stays out: the size of a copied buffer (the note prices 64 KiB), or how long a
/// blocking call takes (such findings carry no cost).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cost {
    /// What runs.
    pub work: Work,
    /// What one `work` happens per.
    pub per: Per,
    /// How many times `per` comes round in one call of the enclosing function, when every loop
    /// around the code has a bound the source shows (`for _ in 0..1000`); the product of them.
    pub iterations: Option<u64>,
}

impl Cost {
    /// `work` once per `per`, with no loop bound known.
    pub fn new(work: Work, per: Per) -> Cost {
        Cost {
            work,
            per,
            iterations: None,
        }
    }

    /// The same, `iterations` times a call.
    pub fn with_iterations(mut self, iterations: Option<u64>) -> Cost {
        self.iterations = iterations;
        self
    }
}

/// The work a finding's code does, in the terms the machine's costs are measured in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Work {
    /// `count` atomic read-modify-writes on one cache line that every thread running the code
    /// writes: a shared counter, or slots of different threads packed into one line.
    AtomicRmw {
        count: u32,
        /// What the threads share: one counter, or one cache line of distinct slots.
        on: SharedLine,
        /// The operation is ordered `SeqCst` (the note says what that adds on the machine).
        seqcst: bool,
    },
    /// A lock taken and released.
    Lock {
        kind: LockOp,
        /// Every thread running the code takes this one lock (`false`: each element has its
        /// own, so threads rarely meet on one).
        shared: bool,
    },
    /// A deep copy of a value of the type shown (`Vec<u8>`), of a size the source does not
    /// show, and the allocation it is copied into.
    Copy {
        ty: String,
        /// Made while a lock is held: threads that need the lock copy one at a time.
        under_lock: bool,
    },
    /// A heap allocation of a small block (a string, a box), freed later, made while a lock is
    /// held.
    AllocUnderLock,
    /// An operating-system thread started and joined.
    ThreadSpawn,
    /// A value put in a fresh `Arc`: an allocation, and when it drops an atomic decrement and
    /// a free.
    ArcNew,
}

/// What threads running [`Work::AtomicRmw`] share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SharedLine {
    /// One counter.
    Counter,
    /// One cache line, each thread writing its own slot in it.
    CacheLine,
}

/// A way of taking a lock whose cost is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LockOp {
    /// `Mutex::lock` (and its guard's drop).
    Mutex,
    /// `RwLock::read` (and its guard's drop).
    RwLockRead,
}

/// What a cost is counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Per {
    /// An iteration of the loop the code is in.
    Iteration,
    /// A call of the function the code is in (hot through its callers).
    Call,
    /// An access to the declared value.
    Access,
    /// A read of the declared value.
    Read,
    /// A write to one of the declared slots.
    Write,
    /// An element of the declared collection visited.
    Element,
    /// A value of the declared struct made.
    Value,
}

impl Per {
    /// The word for one of it: `iteration`, `call`, `access`, ...
    pub fn noun(self) -> &'static str {
        match self {
            Per::Iteration => "iteration",
            Per::Call => "call",
            Per::Access => "access",
            Per::Read => "read",
            Per::Write => "write",
            Per::Element => "element",
            Per::Value => "value made",
        }
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
