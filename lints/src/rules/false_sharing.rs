#![doc = include_str!("false_sharing.md")]

use index_vec::IndexSlice;
use rustc_hash::FxHashSet as HashSet;

use super::{CrateCx, Rule};
use crate::registry::declare_lint;
use crate::semantic::walker::{SlotDecl, SlotWrite, SpawnId, SpawnSite, ThreadCx};
use crate::{Cost, Diagnostic, Per, SharedLine, Work};

declare_lint!(
    pub(crate) FALSE_SHARING,
    "false_sharing",
    Warn,
    "per-thread atomic slots packed next to each other: threads writing their own slot still fight over one cache line",
    "false_sharing.md"
);

pub(crate) struct FalseSharing;

impl Rule for FalseSharing {
    type Facts = ();

    fn check_crate(&self, cx: &CrateCx<'_>, (): &(), out: &mut Vec<Diagnostic>) {
        out.extend(findings(
            &cx.facts.slot_decls,
            &cx.facts.slot_writes,
            &cx.facts.spawns,
        ));
    }
}

/// Flags the declaration, the place to pad, once, from every write to it in the crate.
fn findings(
    decls: &[SlotDecl],
    writes: &[SlotWrite],
    spawns: &IndexSlice<SpawnId, [SpawnSite]>,
) -> Vec<Diagnostic> {
    let mut seen = HashSet::default();
    let mut out = Vec::new();
    for decl in decls {
        if !seen.insert((decl.file, decl.span)) {
            continue;
        }
        let Some(write) = writes
            .iter()
            .find(|w| w.decl.as_ref() == Some(&decl.key) && per_thread(w, spawns))
        else {
            continue;
        };
        let element = decl.element.display();
        out.push(
            Diagnostic::new(
                &FALSE_SHARING,
                decl.file,
                decl.span,
                format!("per-thread slots of `{element}` packed next to each other: threads writing their own slot still share its cache line"),
            )
            .with_label("several slots to a 64-byte cache line")
            .with_secondary(write.file, write.span, "each thread writes its own slot here")
            .with_note("a write to any slot takes the whole cache line away from the other cores, so distinct counters contend as if they were one")
            .with_help(format!("give each slot a cache line of its own: `CachePadded<{element}>` (crossbeam-utils), or a `#[repr(align(128))]` wrapper"))
            .with_cost(Cost::new(
                Work::AtomicRmw {
                    count: 1,
                    on: SharedLine::CacheLine,
                    seqcst: false,
                },
                Per::Write,
            )),
        );
    }
    out
}

/// Whether a write goes to the slot of the thread making it: its index names a thread or
/// worker, spreads threads over the slots by a hash or id (a stripe), is the variable of the
/// loop that spawned the writing thread, or is a parallel closure's own item.
fn per_thread(write: &SlotWrite, spawns: &IndexSlice<SpawnId, [SpawnSite]>) -> bool {
    if write.named_per_thread || write.striped {
        return true;
    }
    let Some(index_region) = write.index_region else {
        return false;
    };
    match write.thread {
        Some(ThreadCx::Spawned(site)) => spawns[site].region == Some(index_region),
        Some(ThreadCx::Parallel) => write.region == Some(index_region),
        None => false,
    }
}
