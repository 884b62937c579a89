//! `// contention:allow(lint_a, lint_b) reason` comments.
//!
//! A comment silences the named lints on its own line and on the line below; on the line right
//! above an item (its attributes included) it covers the whole item.

use crate::SourceFile;
use crate::diagnostic::Diagnostic;

pub(crate) fn apply(_files: &[SourceFile], diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics
}
