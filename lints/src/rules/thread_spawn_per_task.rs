#![doc = include_str!("thread_spawn_per_task.md")]

use super::{CrateCx, Rule};
use crate::registry::declare_lint;
use crate::semantic::hot::HotCode;
use crate::semantic::walker::{Region, RegionId, SpawnId, SpawnKind, SpawnSite, iterations};
use crate::{Cost, Diagnostic, Per, Work};
use index_vec::IndexSlice;

declare_lint!(
    pub(crate) THREAD_SPAWN_PER_TASK,
    "thread_spawn_per_task",
    Warn,
    "an OS thread spawned in hot code for short work: creating and joining it costs more than the task",
    "thread_spawn_per_task.md"
);

pub(crate) struct ThreadSpawnPerTask;

impl Rule for ThreadSpawnPerTask {
    type Facts = ();

    fn check_crate(&self, cx: &CrateCx<'_>, (): &(), out: &mut Vec<Diagnostic>) {
        out.extend(findings(cx.hot, &cx.facts.spawns, &cx.facts.regions));
    }
}

/// Flags the spawn call: that is what a person replaces with a hand-off to a worker. Decided
/// once the crate's hot code is known, since the spawn is often hot only through its callers.
fn findings(
    hot: &HotCode<'_>,
    spawns: &IndexSlice<SpawnId, [SpawnSite]>,
    regions: &IndexSlice<RegionId, [Region]>,
) -> Vec<Diagnostic> {
    spawns
        .iter()
        .filter(|site| site.kind == SpawnKind::Thread && !hot.graph.is_worker(site))
        .filter_map(|site| {
            // One thread started and joined each time the loop (or, hot through its callers,
            // the function) comes round.
            let per = if site.region.is_some() {
                Per::Iteration
            } else {
                Per::Call
            };
            let cost = Cost::new(Work::ThreadSpawn, per)
                .with_iterations(iterations(regions, site.region));
            let diagnostic = Diagnostic::new(
                &THREAD_SPAWN_PER_TASK,
                site.file,
                site.span,
                "an operating-system thread is spawned for one short task in code that runs many times",
            )
            .with_label("a new thread per task, created and torn down each time")
            .with_note(if site.per_request {
                "a thread per request or connection: it serves one and exits, however long it waits on I/O, so each request pays for creating a thread and a burst of requests makes as many threads"
            } else {
                "the spawned closure has no loop: each thread runs one task and exits, and creating, scheduling and joining it costs tens of microseconds"
            })
            .with_help("start a fixed set of workers once (`std::thread::scope` with one thread per core, or a pool such as rayon) and hand them the tasks through a channel or a shared queue")
            .with_cost(cost);
            hot.if_hot(site.function, site.region, None, diagnostic)
        })
        .collect()
}
