//! The source model: what the lints know of a crate, computed once and shared by all of them.
//!
//! `driver` runs the two phases over a thread pool; `parse` turns text into ASTs; `facts`
//! extracts, per file, what the crate-wide pass needs; `types` resolves types; `hot` builds the
//! call graph and the hot set; `body` walks each function once, tracking types, hot context and
//! live lock guards, and hands every expression to the lints.

pub(crate) mod driver;
pub(crate) mod parse;

use crate::diagnostic::Diagnostic;
use crate::{CrateFiles, CrateInfo, SourceFile, SourceLoader};

/// The outcome of analysing one crate.
#[derive(Debug, Clone)]
pub struct CrateReport {
    /// The crate's files in discovery order; `Diagnostic::file` indexes this.
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs every lint over the crate.
pub(crate) fn analyse(
    info: &CrateInfo,
    files: CrateFiles,
    loader: &dyn SourceLoader,
) -> CrateReport {
    let _ = info;
    let (discovered, held) = driver::discover(files, loader, &|_, _, _| ());
    let mut diagnostics = discovered.findings;
    diagnostics.extend(driver::lint_held(held, &|_, _, _| Vec::new()));
    let mut diagnostics = crate::suppress::apply(&discovered.files, diagnostics);
    diagnostics.sort_by(|a, b| (a.file, a.span, a.lint.name).cmp(&(b.file, b.span, b.lint.name)));
    CrateReport {
        files: discovered.files,
        diagnostics,
    }
}
