//! Glue for `false_sharing`: every thread counts the bytes it processes in its own slot of one
//! shared statistics table, with the slots packed (before) or cache-padded (after).

use super::{Flagged, Run, Side};
use crate::harness;

mod after;
mod before;

pub const WORKLOAD: &str =
    "workers add item sizes to their own slot of a shared table: packed Vec<AtomicU64> vs Vec<CachePadded<AtomicU64>>";
pub const GRANULE: u64 = 1;
/// One increment of the worker's slot per item.
pub const FLAGGED: Flagged = Flagged::ONCE;

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let (elapsed, result) = match side {
        Side::Before => {
            let stats = before::WorkerStats::new(threads);
            let (elapsed, _) = harness::timed_ranges(threads, ops, |worker, items| {
                before::process(&stats, worker, items)
            });
            (elapsed, stats.total())
        }
        Side::After => {
            let stats = after::WorkerStats::new(threads);
            let (elapsed, _) = harness::timed_ranges(threads, ops, |worker, items| {
                after::process(&stats, worker, items)
            });
            (elapsed, stats.total())
        }
    };
    Run { elapsed, result }
}

pub fn expected(ops: u64) -> u64 {
    (0..ops).fold(0, |total: u64, item| {
        total.wrapping_add(64 + item.wrapping_mul(0x9e37_79b9_7f4a_7c15) % 1024)
    })
}
