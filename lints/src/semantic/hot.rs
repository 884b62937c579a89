//! Hot code across functions: the call graph built from every body's calls, the set of
//! functions reached from hot code (with the chain that made each one hot), and the settling of
//! findings that waited for it.

use index_vec::{IndexSlice, IndexVec};
use std::collections::VecDeque;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::diagnostic::{Diagnostic, Span};
use crate::semantic::types::{FnId, TypeTable};
use crate::semantic::walker::{
    ArgRoot, BodyOutput, Condition, FnBodyFacts, Handed, LoopCount, ParamFate, RegionId,
    SELF_PARAM, SpawnKind, SpawnSite,
};
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

pub(crate) struct Graph<'a> {
    out: &'a BodyOutput,
    facts: HashMap<FnId, &'a FnBodyFacts>,
    /// Functions that block, with how (see [`blocking_functions`]).
    pub(crate) blocking: HashMap<FnId, String>,
    /// Functions that start long-running workers or tasks.
    starts_workers: IndexVec<FnId, bool>,
    /// Regions that start them directly.
    region_starts_workers: IndexVec<RegionId, bool>,
}

impl<'a> Graph<'a> {
    pub(crate) fn new(table: &TypeTable, out: &'a BodyOutput) -> Graph<'a> {
        let facts: HashMap<FnId, &FnBodyFacts> =
            out.fn_facts.iter().map(|(id, f)| (*id, f)).collect();
        let mut graph = Graph {
            out,
            facts,
            blocking: blocking_functions(table, out),
            starts_workers: index_vec::index_vec![false; table.fns.len()],
            region_starts_workers: index_vec::index_vec![false; out.regions.len()],
        };
        for site in &out.spawns {
            let starts = graph.is_worker(site)
                || (site.kind == SpawnKind::Thread
                    && site
                        .region
                        .is_some_and(|r| out.regions[r].count != LoopCount::Many));
            if !starts {
                continue;
            }
            if let Some(f) = site.function {
                graph.starts_workers[f] = true;
            }
            if let Some(r) = site.region {
                graph.region_starts_workers[r] = true;
            }
        }
        graph
    }

    /// Whether a spawn starts a long-running worker (or fans out onto tasks): a task on an
    /// executor or pool, a thread whose closure loops, or one whose closure calls a crate
    /// function that runs a `loop` or `while` (a worker's receive loop). A closure that calls a
    /// function looping over its own data (`job.run()`) is one job, not a worker.
    ///
    /// A thread spawned per request or connection (in a loop over `incoming()`, `accept()` or
    /// `recv()`) is one short task whatever it waits for: only a loop makes it a worker.
    pub(crate) fn is_worker(&self, site: &SpawnSite) -> bool {
        let blocking_counts = !site.per_request;
        site.kind == SpawnKind::Task
            || site.loops
            || site.runs_callback
            || (blocking_counts && site.blocks)
            || site.callees.iter().any(|ids| {
                !ids.is_empty()
                    && ids.iter().all(|id| {
                        self.facts.get(id).is_some_and(|f| f.long_running)
                            || (blocking_counts && self.blocking.contains_key(id))
                    })
            })
    }

    /// A region only starts long-running workers, directly or through a function it calls.
    fn starts_workers(&self, region: RegionId) -> bool {
        let r = &self.out.regions[region];
        self.region_starts_workers[region]
            || r.callees
                .iter()
                .any(|ids| !ids.is_empty() && ids.iter().all(|&id| self.starts_workers[id]))
    }

    /// Code in `region` runs many times: the innermost loop or adapter closure around it decides.
    /// A fan-out loop inside a hot loop hands each clone to the worker or task it spawns; what
    /// runs many times there is the spawn. A loop that runs a few times is as hot as the code
    /// around it.
    fn region_hot(&self, region: Option<RegionId>) -> bool {
        region.is_some_and(|r| {
            !self.starts_workers(r)
                && (self.out.regions[r].count != LoopCount::Few
                    || self.region_hot(self.out.regions[r].parent))
        })
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// For each function hot through its callers, the parameters (a bit each, `self` not counted)
/// that some hot call passes the same value on every iteration: anything but a variable bound
/// in the loop around the call, or a parameter its caller receives anew each time.
fn same_each_time(
    table: &TypeTable,
    out: &BodyOutput,
    graph: &Graph<'_>,
    hot: &HashMap<FnId, HotReason>,
    startup: &IndexSlice<FnId, [bool]>,
    test_caller: &dyn Fn(Option<FnId>) -> bool,
) -> HashMap<FnId, u64> {
    let mut same: HashMap<FnId, u64> = hot
        .iter()
        .filter(|(_, reason)| reason.site.is_none())
        .map(|(&id, _)| (id, u64::MAX))
        .collect();
    // Bits only ever get set, and a chain is at most `MAX_CHAIN` calls long.
    for _ in 0..=MAX_CHAIN {
        let mut changed = false;
        for call in &out.calls {
            if call.cold
                || !hot.contains_key(&call.callee)
                || startup[call.callee]
                || (call.in_test || test_caller(call.caller))
            {
                continue;
            }
            let direct = graph.region_hot(call.region);
            let caller_bits = call.caller.and_then(|c| same.get(&c).copied());
            if !direct && caller_bits.is_none() {
                continue;
            }
            let shift = usize::from(call.path_call && table.fns[call.callee].has_self);
            let invariant = |root: ArgRoot| match root {
                ArgRoot::Varies | ArgRoot::Made => false,
                ArgRoot::Other => true,
                ArgRoot::Param(j) => {
                    direct || caller_bits.is_some_and(|b| j < 64 && b & (1 << j) != 0)
                }
            };
            let mut bits = 0u64;
            for (param, root) in call.args.iter().skip(shift).enumerate().take(SELF_PARAM) {
                if invariant(*root) {
                    bits |= 1 << param;
                }
            }
            // The receiver: an element of what the loop walks is taken to hold the same `Arc`s
            // as its siblings; an object the loop makes anew (`Bench::new()`) holds new ones.
            let receiver = call
                .receiver
                .or_else(|| call.args.first().filter(|_| shift == 1).copied());
            let receiver_same = match receiver {
                Some(ArgRoot::Made) => false,
                Some(ArgRoot::Varies) | None => true,
                Some(root) => invariant(root),
            };
            if receiver_same {
                bits |= 1 << SELF_PARAM;
            }
            let entry = same.entry(call.callee).or_insert(0);
            if *entry | bits != *entry {
                *entry |= bits;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    same
}

/// Functions that block, with how: directly (a sleep, file or socket I/O, a channel receive, a
/// join, in the function itself rather than a thread it spawns) or through a call whose every
/// candidate blocks, followed two calls deep.
fn blocking_functions(table: &TypeTable, out: &BodyOutput) -> HashMap<FnId, String> {
    let mut blocking: HashMap<FnId, String> = HashMap::default();
    for (id, what) in &out.blocking {
        blocking
            .entry(*id)
            .or_insert_with(|| format!("calls {what}"));
    }
    for _ in 0..2 {
        // Calls grouped by site: a site blocks when every function it may call does.
        let mut sites: HashMap<(FnId, usize, Span), Vec<FnId>> = HashMap::default();
        for call in out.calls.iter().filter(|c| !c.spawned) {
            if let Some(caller) = call.caller {
                sites
                    .entry((caller, call.file, call.span))
                    .or_default()
                    .push(call.callee);
            }
        }
        let mut found = Vec::new();
        for ((caller, _, _), callees) in &sites {
            if blocking.contains_key(caller) {
                continue;
            }
            if callees.iter().all(|c| blocking.contains_key(c)) {
                let via = &table.fns[callees[0]].name;
                found.push((
                    *caller,
                    format!("calls `{via}`, which {}", blocking[&callees[0]]),
                ));
            }
        }
        if found.is_empty() {
            break;
        }
        blocking.extend(found);
    }
    blocking
}

/// Matches a configured hot function (`name` or `Type::name`) against a signature.
fn configured(table: &TypeTable, id: FnId, names: &[String]) -> bool {
    let sig = &table.fns[id];
    names.iter().any(|n| match n.rsplit_once("::") {
        Some((ty, name)) => {
            sig.name == name
                && sig.self_ty.as_deref().map(crate::semantic::ty::short_name) == Some(ty)
        }
        None => sig.name == *n,
    })
}

/// Hot code across the crate: which regions and functions run many times, and why. Built once
/// per crate from every body's facts; lints that decide at the crate level ask it too.
pub(crate) struct HotCode<'a> {
    table: &'a TypeTable,
    files: &'a [SourceFile],
    pub(crate) graph: Graph<'a>,
    hot: HashMap<FnId, HotReason>,
    same: HashMap<FnId, u64>,
    /// Functions some hot call drops the value of in the same pass (`self.vm().run()` in a
    /// loop): what they build and return dies there.
    result_dropped: HashSet<FnId>,
}

/// Why code is hot.
pub(crate) enum Hotness {
    /// It is in a loop or adapter closure of its own function.
    Loop,
    /// Its function is hot through its callers; the note names the chain.
    Callers(String),
}

impl<'a> HotCode<'a> {
    pub(crate) fn build(
        table: &'a TypeTable,
        out: &'a BodyOutput,
        files: &'a [SourceFile],
        config: &AnalysisConfig,
    ) -> HotCode<'a> {
        let graph = Graph::new(table, out);
        // Functions that start workers or tasks are start-up code, a type's own `clone` is
        // where a handle is duplicated by design, and a builder step (`fn bind(mut self, ..) ->
        // Self`) runs while a value is configured: none is hot through its callers, nor passes
        // hotness on.
        let mut startup: IndexVec<FnId, bool> = table
            .fns
            .indices()
            .map(|id| {
                graph.starts_workers[id] || table.fns[id].name == "clone" || table.fns[id].builder
            })
            .collect();
        for call in &out.calls {
            if let Some(caller) = call.caller {
                if graph.starts_workers[call.callee] {
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
        let mut hot: HashMap<FnId, HotReason> = HashMap::default();
        let mut queue = VecDeque::new();
        for id in table.fns.indices() {
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
        // A call on an error path runs when something already went wrong: it makes nothing
        // hot.
        for call in &out.calls {
            if call.cold || startup[call.callee] || (call.in_test || test_caller(call.caller)) {
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
        let mut by_caller: HashMap<FnId, Vec<FnId>> = HashMap::default();
        for call in out.calls.iter().filter(|c| !c.cold) {
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
        let same = same_each_time(table, out, &graph, &hot, &startup, &test_caller);
        let result_dropped = out
            .calls
            .iter()
            .filter(|c| {
                c.result_dropped
                    && !c.cold
                    && !c.in_test
                    && !test_caller(c.caller)
                    && (graph.region_hot(c.region)
                        || c.caller.is_some_and(|f| hot.contains_key(&f)))
            })
            .map(|c| c.callee)
            .collect();
        HotCode {
            table,
            files,
            graph,
            hot,
            same,
            result_dropped,
        }
    }

    /// Whether code in `function`, in `region`, runs many times. `param` is the parameter the
    /// finding's value comes from, if any: a function hot through callers that all pass a new
    /// value each iteration does not see the same value twice.
    pub(crate) fn hotness(
        &self,
        function: Option<FnId>,
        region: Option<RegionId>,
        param: Option<usize>,
    ) -> Option<Hotness> {
        if self.graph.region_hot(region) {
            return Some(Hotness::Loop);
        }
        let f = function?;
        if param.is_some_and(|p| p >= 64 || self.same.get(&f).is_none_or(|b| b & (1 << p) == 0)) {
            return None;
        }
        let reason = self.hot.get(&f)?;
        let names: Vec<&str> = reason
            .chain
            .iter()
            .map(|&id| self.table.fns[id].name.as_str())
            .collect();
        Some(Hotness::Callers(match reason.site {
            Some((file, span)) => {
                let (line, col) = line_col(&self.files[file].text, span.start);
                format!(
                    "called in a loop at {}:{line}:{col} via {}",
                    self.files[file].path.display(),
                    names.join(" -> ")
                )
            }
            None => format!("`{}` is listed in `hot-functions`", names.join(" -> ")),
        }))
    }

    /// `diagnostic` with the call-chain note when the code is hot only through callers; `None`
    /// when the code is not hot.
    pub(crate) fn if_hot(
        &self,
        function: Option<FnId>,
        region: Option<RegionId>,
        param: Option<usize>,
        diagnostic: Diagnostic,
    ) -> Option<Diagnostic> {
        match self.hotness(function, region, param)? {
            Hotness::Loop => Some(diagnostic),
            Hotness::Callers(note) => Some(diagnostic.with_note(note)),
        }
    }

    /// Whether what was handed by value to a crate function outlives the call: some callee
    /// keeps the parameter, or returns it into a result that is stored or handed to a call
    /// that keeps it. A callee whose body
    /// is unknown (a trait method without one) is taken to keep it.
    fn keeps(&self, handed: &Handed) -> bool {
        handed.callees.iter().any(|&id| {
            let sig = &self.table.fns[id];
            let shift = usize::from(handed.path_call && sig.has_self);
            let Some(param) = handed.arg.checked_sub(shift) else {
                // The receiver of `Type::method(x)`: borrowed or consumed as `self`.
                return true;
            };
            let fate = self
                .graph
                .facts
                .get(&id)
                .and_then(|f| f.params.get(param).copied())
                .unwrap_or(ParamFate::Kept);
            fate == ParamFate::Kept
                || (fate == ParamFate::Returned
                    && (handed.result_stored
                        || handed
                            .result_handed
                            .as_deref()
                            .is_some_and(|h| self.keeps(h))))
        })
    }

    /// Reports the pending findings whose condition holds, adding the call chain where a
    /// function is hot only through its callers.
    pub(crate) fn settle(&self, out: &BodyOutput) -> Vec<Diagnostic> {
        let mut settled = Vec::new();
        for pending in &out.pending {
            match &pending.condition {
                Condition::Hot {
                    function,
                    region,
                    param,
                    handed,
                    returned,
                } => {
                    // A handle type's own `clone` is where it is duplicated by design.
                    if function.is_some_and(|f| self.table.fns[f].name == "clone") {
                        continue;
                    }
                    // Handed to a crate function that keeps it: a new owner, not a copy
                    // dropped in the iteration.
                    if handed.as_ref().is_some_and(|h| self.keeps(h)) {
                        continue;
                    }
                    // Built into an owner its function returns: a new owner for the caller,
                    // unless a hot caller drops it in the same pass.
                    let hotness = self.hotness(*function, *region, *param);
                    if *returned
                        && matches!(hotness, Some(Hotness::Callers(_)))
                        && function.is_none_or(|f| !self.result_dropped.contains(&f))
                    {
                        continue;
                    }
                    settled.extend(match hotness {
                        Some(Hotness::Loop) => Some(pending.diagnostic.clone()),
                        Some(Hotness::Callers(note)) => {
                            Some(pending.diagnostic.clone().with_note(note))
                        }
                        None => None,
                    });
                }
            }
        }
        settled
    }
}
