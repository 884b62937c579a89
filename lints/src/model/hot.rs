//! Hot code across functions: the call graph built from every body's calls, the set of
//! functions reached from hot code (with the chain that made each one hot), and the settling of
//! findings that waited for it.

use std::collections::{HashMap, VecDeque};

use super::body::{BodyOutput, Condition, FnBodyFacts, RegionId};
use super::types::{FnId, TypeTable};
use crate::diagnostic::{Diagnostic, Span};
use crate::{AnalysisConfig, SourceFile};

/// The longest call chain, loop holder included, through which hotness is followed.
const MAX_CHAIN: usize = 4;

/// Why a function is hot: the hot call site that started it and the functions in between.
#[derive(Debug, Clone)]
struct HotReason {
    /// The call in a loop (or adapter closure) that starts the chain; `None` when the function
    /// is listed in the configuration's `hot-functions`.
    site: Option<(usize, Span)>,
    /// Functions from the one holding the loop down to this one.
    chain: Vec<FnId>,
}

struct Graph<'a> {
    out: &'a BodyOutput,
    facts: HashMap<FnId, &'a FnBodyFacts>,
}

impl Graph<'_> {
    /// A region only starts long-running workers, directly or through a function it calls.
    fn starts_workers(&self, region: RegionId) -> bool {
        let r = &self.out.regions[region];
        r.starts_workers
            || r.callees.iter().any(|ids| {
                !ids.is_empty()
                    && ids
                        .iter()
                        .all(|id| self.facts.get(id).is_some_and(|f| f.starts_workers))
            })
    }

    /// Code in `region` runs many times: the innermost loop or adapter closure around it decides.
    /// A fan-out loop inside a hot loop hands each clone to the worker or task it spawns; what
    /// runs many times there is the spawn.
    fn region_hot(&self, region: Option<RegionId>) -> bool {
        region.is_some_and(|r| !self.starts_workers(r))
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Matches a configured hot function (`name` or `Type::name`) against a signature.
fn configured(table: &TypeTable, id: FnId, names: &[String]) -> bool {
    let sig = &table.fns[id];
    names.iter().any(|n| match n.rsplit_once("::") {
        Some((ty, name)) => sig.name == name && sig.self_ty.as_deref() == Some(ty),
        None => sig.name == *n,
    })
}

/// Reports the pending findings whose condition holds, adding the call chain where a function
/// is hot only through its callers.
pub(crate) fn settle(
    table: &TypeTable,
    out: &BodyOutput,
    files: &[SourceFile],
    config: &AnalysisConfig,
) -> Vec<Diagnostic> {
    let graph = Graph {
        out,
        facts: out.fn_facts.iter().map(|(id, f)| (*id, f)).collect(),
    };
    // Functions that start workers or tasks are start-up code, and a type's own `clone` is where
    // a handle is duplicated by design: neither is hot through its callers, nor passes hotness on.
    let mut startup: Vec<bool> = (0..table.fns.len())
        .map(|id| {
            graph.facts.get(&id).is_some_and(|f| f.starts_workers) || table.fns[id].name == "clone"
        })
        .collect();
    for call in &out.calls {
        if let Some(caller) = call.caller {
            if graph
                .facts
                .get(&call.callee)
                .is_some_and(|f| f.starts_workers)
            {
                startup[caller] = true;
            }
        }
    }
    // Code called in a loop only by tests is not hot in production.
    let test_caller = |caller: Option<FnId>| {
        caller.is_some_and(|c| {
            table.fns[c].is_test
                || files[table.fns[c].file]
                    .path
                    .components()
                    .any(|p| p.as_os_str() == "tests")
        })
    };
    let mut hot: HashMap<FnId, HotReason> = HashMap::new();
    let mut queue = VecDeque::new();
    for id in 0..table.fns.len() {
        if configured(table, id, &config.hot_functions) {
            hot.insert(
                id,
                HotReason {
                    site: None,
                    chain: vec![id],
                },
            );
            queue.push_back(id);
        }
    }
    for call in &out.calls {
        if startup[call.callee] || test_caller(call.caller) {
            continue;
        }
        if graph.region_hot(call.region) && !hot.contains_key(&call.callee) {
            let mut chain: Vec<FnId> = call.caller.into_iter().collect();
            chain.push(call.callee);
            hot.insert(
                call.callee,
                HotReason {
                    site: Some((call.file, call.span)),
                    chain,
                },
            );
            queue.push_back(call.callee);
        }
    }
    let mut by_caller: HashMap<FnId, Vec<FnId>> = HashMap::new();
    for call in &out.calls {
        if let Some(caller) = call.caller {
            by_caller.entry(caller).or_default().push(call.callee);
        }
    }
    while let Some(id) = queue.pop_front() {
        let reason = hot[&id].clone();
        // Calls are resolved by name: beyond a few calls from the loop the chain is a guess.
        if reason.chain.len() >= MAX_CHAIN {
            continue;
        }
        for &callee in by_caller.get(&id).into_iter().flatten() {
            if hot.contains_key(&callee) || startup[callee] {
                continue;
            }
            let mut chain = reason.chain.clone();
            chain.push(callee);
            hot.insert(
                callee,
                HotReason {
                    site: reason.site,
                    chain,
                },
            );
            queue.push_back(callee);
        }
    }
    let mut settled = Vec::new();
    for pending in &out.pending {
        match &pending.condition {
            Condition::Hot { function, region } => {
                if function.is_some_and(|f| table.fns[f].name == "clone") {
                    continue;
                }
                if graph.region_hot(*region) {
                    settled.push(pending.diagnostic.clone());
                } else if let Some(reason) = function.and_then(|f| hot.get(&f)) {
                    let names: Vec<&str> = reason
                        .chain
                        .iter()
                        .map(|&id| table.fns[id].name.as_str())
                        .collect();
                    let note = match reason.site {
                        Some((file, span)) => {
                            let (line, col) = line_col(&files[file].text, span.start);
                            format!(
                                "called in a loop at {}:{line}:{col} via {}",
                                files[file].path.display(),
                                names.join(" -> ")
                            )
                        }
                        None => format!("`{}` is listed in `hot-functions`", names.join(" -> ")),
                    };
                    settled.push(pending.diagnostic.clone().with_note(note));
                }
            }
            Condition::OnlySliced { callees, param } => {
                let all = callees.iter().all(|id| {
                    graph
                        .facts
                        .get(id)
                        .is_some_and(|f| f.only_sliced.get(*param).copied().unwrap_or(false))
                });
                if all {
                    settled.push(pending.diagnostic.clone());
                }
            }
        }
    }
    settled
}
