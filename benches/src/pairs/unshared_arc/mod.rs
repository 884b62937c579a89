//! Glue for `unshared_arc`: every thread creates events and summarises them in batches, each
//! event holding its payload behind an unshared `Arc` (before) or inline (after).

use super::{Flagged, Run, Side};
use crate::harness;

mod after;
mod before;

pub const WORKLOAD: &str =
    "workers buffer events in batches of 256: payload in an Arc never shared vs owned inline";
pub const GRANULE: u64 = 1;
/// One event, and so one payload `Arc`, made per item.
pub const FLAGGED: Flagged = Flagged::ONCE;

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let (elapsed, totals) = match side {
        Side::Before => harness::timed_ranges(threads, ops, |_, ids| before::process_events(ids)),
        Side::After => harness::timed_ranges(threads, ops, |_, ids| after::process_events(ids)),
    };
    Run {
        elapsed,
        result: totals.into_iter().sum(),
    }
}

pub fn expected(ops: u64) -> u64 {
    (0..ops)
        .map(|id| (64 + id % 1000) * (id % 7 + 1) + (id & 0xff))
        .sum()
}
