//! The pipeline: from a crate's files to its findings. `driver` discovers and reads the files
//! and runs the two phases over a thread pool; `parse` (with `skim`) turns text into ASTs;
//! `plan` is what phase one leaves phase two of each file; `memo` is the cache. Phase one
//! parses each file's items (function bodies skipped) for the crate-wide type table and the
//! plan; phase two parses the plan's items, bodies included, and walks them with the semantic
//! model, handing what it sees to the rules; then the crate-wide step (hot code, every rule's
//! `check_crate`) decides the rest.

pub(crate) mod driver;
pub(crate) mod memo;
pub(crate) mod parse;
pub(crate) mod plan;
pub(crate) mod skim;

use crate::cache::CacheStore;
use crate::diagnostic::Diagnostic;
use crate::semantic::hot;
use crate::semantic::types::TypeTable;
use crate::semantic::walker::{self as body, BodyOutput};
use crate::{CrateFiles, CrateInfo, Reach, SourceFile, SourceLoader};
use crate::{rules, suppress};
use memo::{Learnt, Memo};
use plan::{Plan, Read};
use rules::{Merge, RuleFacts};

/// The outcome of analysing one crate.
#[derive(Debug, Clone)]
pub struct CrateReport {
    /// The crate's files in the order of their paths; `Diagnostic::file` indexes this.
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// How each file is reached from the crate's roots, by file.
    pub reach: Vec<Vec<Reach>>,
    /// The test code of each file (`#[cfg(test)]` items, test functions), by file.
    pub test_code: Vec<Vec<crate::Span>>,
    /// How the run came by what it knows of the files.
    pub stats: RunStats,
}

/// How a run came by what it knows of a crate's files: by parsing them or from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Files read.
    pub files: usize,
    /// Files parsed: in phase one, or for lint results the cache could not give.
    pub parsed: usize,
    /// Files whose items (and parse findings) came from the cache.
    pub recalled: usize,
    /// Files whose lint results came from the cache.
    pub lints_recalled: usize,
}

/// What the walk of one file produced: the model's facts and every rule's. The unit the cache
/// keeps of a file's lint results.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Walked {
    pub(crate) model: BodyOutput,
    pub(crate) rules: RuleFacts,
}

/// How phase two reads the files phase one did not keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Each item of the file's plan on its own: what phase one parsed is not parsed again.
    Plans,
    /// The whole file, as the plan's units must read it (the tests compare the two).
    #[cfg_attr(not(test), allow(dead_code))]
    Whole,
}

/// Runs every lint over the crate, with what `cache` holds from earlier runs.
pub(crate) fn analyse(
    info: &CrateInfo,
    files: CrateFiles,
    loader: &dyn SourceLoader,
    cache: Option<&dyn CacheStore>,
) -> CrateReport {
    analyse_reading(info, files, loader, cache, Reading::Plans)
}

/// [`analyse`], with phase two reading files as `reading` says.
pub(crate) fn analyse_reading(
    info: &CrateInfo,
    files: CrateFiles,
    loader: &dyn SourceLoader,
    cache: Option<&dyn CacheStore>,
    reading: Reading,
) -> CrateReport {
    let memo = cache.map(|store| Memo::new(store, info));
    let study = |index: usize, path: &std::path::Path, text: &str, may_hold: bool| match &memo {
        Some(memo) => memo.study(index, path, text, may_hold),
        None => memo::parse_and_study(index, text, may_hold),
    };
    let (mut discovered, held) = driver::discover(files, info.library.as_deref(), loader, &study);
    for (index, learnt) in &mut discovered.facts {
        if let Some(facts) = &mut learnt.facts {
            facts.set_file(*index);
        }
    }
    let mut stats = RunStats {
        files: discovered.facts.len(),
        ..RunStats::default()
    };
    // Lint results from the cache where they still hold; the other files are parsed whole.
    let fingerprint = memo
        .as_ref()
        .map(|_| memo::table_fingerprint(&discovered.files, &discovered.facts));
    // Decoding lint results is most of a warm run's work: it is shared out over the pool.
    let walks: Vec<(usize, bool, Option<Walked>)> = driver::pool().install(|| {
        use rayon::prelude::*;
        discovered
            .facts
            .par_iter()
            .filter(|(_, learnt)| learnt.facts.is_some())
            .map(|(index, learnt)| {
                let output = memo
                    .as_ref()
                    .zip(fingerprint)
                    .filter(|_| learnt.recalled)
                    .and_then(|(memo, fp)| memo.recall_walk(learnt, fp));
                (*index, learnt.recalled, output)
            })
            .collect()
    });
    stats.recalled = discovered.facts.iter().filter(|(_, l)| l.recalled).count();
    let mut recalled_outputs = Vec::new();
    let mut to_lint = Vec::new();
    let mut stale = 0;
    for (index, recalled, output) in walks {
        match output {
            Some(output) => recalled_outputs.push(output),
            // Not recalled, or stale: parsed and linted.
            None => {
                to_lint.push(index);
                stale += usize::from(recalled);
            }
        }
    }
    stats.lints_recalled = recalled_outputs.len();
    // Files parsed in phase one, and those recalled whose lint results were stale.
    stats.parsed = stats.files - stats.recalled + stale;
    let mut plans: Vec<Option<Plan>> = vec![None; discovered.files.len()];
    for (index, learnt) in &mut discovered.facts {
        plans[*index] = learnt.plan.take();
    }
    let table = TypeTable::build(
        discovered
            .facts
            .iter_mut()
            .filter_map(|(index, learnt)| Some((*index, learnt.facts.take()?)))
            .collect(),
        &discovered.modules,
        &info.name,
    );
    let edition = info.edition;
    let caching = memo.is_some();
    let files = &discovered.files;
    let outputs = driver::lint_files(held, &to_lint, &|index, held| {
        let mut rules = RuleFacts::default();
        let text = &files[index].text;
        let whole = |ast: &syn::File, base: usize, rules: &mut RuleFacts| {
            let allow_comments = text.contains(suppress::MARKER);
            body::walk_file(allow_comments, index, base, ast, &table, edition, rules)
        };
        let model = match held {
            Some((ast, base)) => whole(ast, base, &mut rules),
            None => match plan::read(
                index,
                text,
                plans[index].as_ref().filter(|_| reading == Reading::Plans),
            ) {
                Read::Units(units) => {
                    let plan = plans[index].as_ref().expect("units come from a plan");
                    body::walk_units(index, &units, plan, &table, edition, &mut rules)
                }
                Read::Whole(ast, base) => whole(&ast, base, &mut rules),
                Read::Unparsed(finding) => BodyOutput::unparsed(index, finding),
            },
        };
        let output = Walked { model, rules };
        let encoded = caching.then(|| Memo::encode_walk(&output));
        (output, encoded)
    });
    if let Some((memo, fp)) = memo.as_ref().zip(fingerprint) {
        store_entries(memo, fp, &discovered.files, &discovered.facts, &outputs);
    }
    let mut merged = BodyOutput::default();
    let mut merged_rules = RuleFacts::default();
    merged.reserve_for(
        recalled_outputs
            .iter()
            .chain(outputs.iter().map(|(o, _)| o))
            .map(|w| &w.model),
    );
    let mut items = vec![Vec::new(); discovered.files.len()];
    let mut test_code = vec![Vec::new(); discovered.files.len()];
    let mut model_checked = vec![Vec::new(); discovered.files.len()];
    let outputs = outputs.into_iter().map(|(output, _)| output);
    for Walked { mut model, rules } in recalled_outputs.into_iter().chain(outputs) {
        items[model.file] = std::mem::take(&mut model.items);
        test_code[model.file] = std::mem::take(&mut model.test_code);
        // A call in test code (a `#[cfg(test)]` module's thread, not only a test function)
        // makes nothing hot in production.
        let tests = &test_code[model.file];
        for call in &mut model.calls {
            call.in_test = tests
                .iter()
                .any(|t| t.start <= call.span.start && call.span.end <= t.end);
        }
        model_checked[model.file] = std::mem::take(&mut model.model_checked);
        merged.append(model);
        merged_rules.merge(rules);
    }
    let mut diagnostics = discovered.findings;
    diagnostics.append(&mut merged.diagnostics);
    if info.edition == crate::Edition::E2015 {
        for d in diagnostics
            .iter_mut()
            .filter(|d| d.message.starts_with("this file does not parse"))
        {
            d.notes.push("the crate is edition 2015, and syn does not read some of its syntax that rustc still accepts (anonymous trait-method parameters, bare trait objects)".into());
        }
    }
    let hot = hot::HotCode::build(&table, &merged, &discovered.files, &info.config);
    diagnostics.extend(hot.settle(&merged));
    diagnostics.extend(rules::check_crate(
        &rules::CrateCx::new(&table, &hot, &merged),
        &merged_rules,
    ));
    // Nothing in a model checker's closure is reported: its threads are simulated.
    diagnostics.retain(|d| {
        !model_checked[d.file]
            .iter()
            .any(|m| m.start <= d.span.start && d.span.end <= m.end)
    });
    let mut diagnostics = crate::suppress::apply(&discovered.files, &items, diagnostics);
    diagnostics.sort_by(|a, b| (a.file, a.span, a.lint.name).cmp(&(b.file, b.span, b.lint.name)));
    diagnostics.dedup_by(|a, b| a.file == b.file && a.span == b.span && a.lint == b.lint);
    CrateReport {
        files: discovered.files,
        diagnostics,
        reach: discovered.reach,
        test_code,
        stats,
    }
}

/// Stores the entry of every file that was parsed or linted in this run.
fn store_entries(
    memo: &Memo<'_>,
    fingerprint: u128,
    files: &[SourceFile],
    facts: &[(usize, Learnt)],
    outputs: &[(Walked, Option<Vec<u8>>)],
) {
    let mut walks: Vec<Option<&[u8]>> = vec![None; files.len()];
    for (output, encoded) in outputs {
        walks[output.model.file] = encoded.as_deref();
    }
    for (index, learnt) in facts {
        let walk = walks[*index];
        if !learnt.recalled || walk.is_some() {
            memo.store(&files[*index].path, learnt, walk.map(|w| (fingerprint, w)));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    /// Every `.rs` file under `dir`, sorted.
    fn rust_files(dir: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| {
                e.path().extension().is_some_and(|x| x == "rs")
                    && !e.path().components().any(|c| c.as_os_str() == "target")
            })
            .map(|e| e.into_path())
            .collect();
        out.sort();
        out
    }

    /// Phase two reading each item of a plan on its own finds what reading whole files finds,
    /// word for word: over every fixture package and this crate's own source.
    #[test]
    fn units_are_walked_as_the_whole_tree_is() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("src")];
        for entry in std::fs::read_dir(root.join("../test-fixtures")).expect("fixtures") {
            dirs.push(entry.expect("an entry").path());
        }
        let loader = |path: &Path| std::fs::read_to_string(path);
        let mut compared = 0;
        for dir in dirs.iter().filter(|d| d.is_dir()) {
            let files = rust_files(dir);
            if files.is_empty() {
                continue;
            }
            let info = CrateInfo {
                name: "fixture".into(),
                ..CrateInfo::default()
            };
            let run = |reading| {
                let report = analyse_reading(
                    &info,
                    CrateFiles::List(files.clone()),
                    &loader,
                    None,
                    reading,
                );
                report
                    .diagnostics
                    .iter()
                    .map(|d| format!("{d:?}"))
                    .collect::<Vec<_>>()
            };
            let (units, whole) = (run(Reading::Plans), run(Reading::Whole));
            assert_eq!(units, whole, "{}", dir.display());
            compared += units.len();
        }
        assert!(compared > 100, "only {compared} findings compared");
    }
}
