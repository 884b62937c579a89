//! The source model: what the lints know of a crate, computed once and shared by all of them.
//!
//! `driver` runs the two phases over a thread pool; `parse` turns text into ASTs; `items`
//! extracts, per file, what the crate-wide type table needs; `types` is that table; `body` walks
//! each function once with types, hot regions and live guards, and hands expressions to the
//! lints; `hot` builds the call graph and settles what is hot through callers.

pub(crate) mod body;
pub(crate) mod driver;
pub(crate) mod hot;
pub(crate) mod items;
pub(crate) mod parse;
pub(crate) mod sharing;
pub(crate) mod ty;
pub(crate) mod types;

use crate::diagnostic::Diagnostic;
use crate::{CrateFiles, CrateInfo, SourceFile, SourceLoader};
use crate::{rules, suppress};
use body::BodyOutput;
use types::TypeTable;

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
    let (discovered, held) = driver::discover(files, loader, &items::extract);
    let table = TypeTable::build(
        discovered.facts.into_iter().map(|(_, facts)| facts),
        &discovered.files,
    );
    let edition = info.edition;
    let outputs = driver::lint_held(held, &|index, ast, base| {
        let allow_comments = discovered.files[index].text.contains(suppress::MARKER);
        body::walk_file(allow_comments, index, base, ast, &table, edition)
    });
    let mut merged = BodyOutput::default();
    let mut items = vec![Vec::new(); discovered.files.len()];
    for mut output in outputs {
        items[output.file] = std::mem::take(&mut output.items);
        merged.append(output);
    }
    let mut diagnostics = discovered.findings;
    if info.edition == crate::Edition::E2015 {
        for d in diagnostics
            .iter_mut()
            .filter(|d| d.message.starts_with("this file does not parse"))
        {
            d.notes.push("the crate is edition 2015, and syn does not read some of its syntax that rustc still accepts (anonymous trait-method parameters, bare trait objects)".into());
        }
    }
    diagnostics.append(&mut merged.diagnostics);
    let hot = hot::HotCode::build(&table, &merged, &discovered.files, &info.config);
    diagnostics.extend(hot.settle(&merged));
    diagnostics.extend(rules::thread_spawn_per_task::check_crate(
        &hot,
        &merged.spawns,
    ));
    diagnostics.extend(rules::unshared_arc::check_crate(
        &table,
        &merged.arc_fields,
        &merged.arc_inits,
        &merged.arc_shares,
    ));
    diagnostics.extend(rules::false_sharing::check_crate(
        &merged.slot_decls,
        &merged.slot_writes,
        &merged.spawns,
    ));
    // A crate that defines its own `Mutex` (a lock implementation) may mean that type.
    if !table.defines("Mutex") && !table.defines("RwLock") {
        diagnostics.extend(rules::mutex_scalar::check_crate(
            &merged.lock_decls,
            &merged.lock_uses,
        ));
        let sharing =
            sharing::Sharing::new(&hot, &merged.spawns, &merged.lock_decls, &merged.lock_uses);
        diagnostics.extend(rules::single_lock_map::check_crate(
            &merged.lock_decls,
            &sharing,
        ));
        diagnostics.extend(rules::read_mostly_rwlock::check_crate(
            &merged.lock_decls,
            &sharing,
        ));
    }
    let mut diagnostics = crate::suppress::apply(&discovered.files, &items, diagnostics);
    diagnostics.sort_by(|a, b| (a.file, a.span, a.lint.name).cmp(&(b.file, b.span, b.lint.name)));
    diagnostics.dedup_by(|a, b| a.file == b.file && a.span == b.span && a.lint == b.lint);
    CrateReport {
        files: discovered.files,
        diagnostics,
    }
}
