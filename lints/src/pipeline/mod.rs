//! The pipeline: from a crate's files to its findings. `driver` discovers and reads the files
//! and runs the two phases over a thread pool; `parse` (with `skim`) turns text into ASTs;
//! `memo` is the cache. Phase one extracts each file's items for the crate-wide type table;
//! phase two walks each file's bodies with the semantic model, handing what it sees to the
//! rules; then the crate-wide step (hot code, every rule's `check_crate`) decides the rest.

pub(crate) mod driver;
pub(crate) mod memo;
pub(crate) mod parse;
pub(crate) mod skim;

use crate::cache::CacheStore;
use crate::diagnostic::Diagnostic;
use crate::semantic::hot;
use crate::semantic::types::TypeTable;
use crate::semantic::walker::{self as body, BodyOutput};
use crate::{CrateFiles, CrateInfo, Reach, SourceFile, SourceLoader};
use crate::{rules, suppress};
use memo::{Learnt, Memo};
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

/// Runs every lint over the crate, with what `cache` holds from earlier runs.
pub(crate) fn analyse(
    info: &CrateInfo,
    files: CrateFiles,
    loader: &dyn SourceLoader,
    cache: Option<&dyn CacheStore>,
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
    let outputs = driver::lint_files(held, &discovered.files, &to_lint, &|index, parsed| {
        let mut rules = RuleFacts::default();
        let model = match parsed {
            Ok((ast, base)) => {
                let allow_comments = discovered.files[index].text.contains(suppress::MARKER);
                body::walk_file(
                    allow_comments,
                    index,
                    base,
                    ast,
                    &table,
                    edition,
                    &mut rules,
                )
            }
            // An error inside a function body, which phase one did not parse.
            Err(finding) => BodyOutput::unparsed(index, finding),
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
