//! Glue for `guard_across_blocking`: every thread handles requests that record themselves in
//! one shared journal and then block on a backend call, with the journal's guard held across
//! the call (before) or dropped first (after).

use std::sync::Mutex;

use super::{Flagged, Run, Side};
use crate::harness::{self, mix};

mod after;
mod before;

pub const WORKLOAD: &str =
    "handlers append to a shared Mutex<Vec> journal, then block 50 µs on a backend call: guard held across it vs dropped first";
pub const GRANULE: u64 = 1;
/// The backend called with the guard alive once per request.
pub const FLAGGED: Flagged = Flagged::ONCE;

/// An order-independent checksum of the journal.
fn digest(entries: &[u64]) -> u64 {
    entries.iter().fold(entries.len() as u64, |total, &entry| total.wrapping_add(mix(entry)))
}

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let journal = Mutex::new(Vec::with_capacity(ops as usize));
    let (elapsed, _) = match side {
        Side::Before => harness::timed_ranges(threads, ops, |_, requests| {
            before::handle(&journal, requests)
        }),
        Side::After => harness::timed_ranges(threads, ops, |_, requests| {
            after::handle(&journal, requests)
        }),
    };
    let entries = journal.into_inner().unwrap();
    Run {
        elapsed,
        result: digest(&entries),
    }
}

pub fn expected(ops: u64) -> u64 {
    digest(&(0..ops).collect::<Vec<u64>>())
}
