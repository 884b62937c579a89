//! Glue for `seqcst_counter`: every thread counts its requests in one shared statistics counter
//! with `SeqCst` (before) or `Relaxed` (after) ordering.

use super::{Flagged, Run, Side};
use crate::harness::{self, mix};

mod after;
mod before;

pub const WORKLOAD: &str =
    "workers bump one shared request counter: fetch_add(1, SeqCst) vs fetch_add(1, Relaxed)";
pub const GRANULE: u64 = 1;
/// One increment of the counter per request.
pub const FLAGGED: Flagged = Flagged::ONCE;

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let (elapsed, result) = match side {
        Side::Before => {
            let stats = before::Stats::new();
            let (elapsed, totals) =
                harness::timed_ranges(threads, ops, |_, requests| before::serve(&stats, requests));
            (elapsed, combine(stats.requests(), totals))
        }
        Side::After => {
            let stats = after::Stats::new();
            let (elapsed, totals) =
                harness::timed_ranges(threads, ops, |_, requests| after::serve(&stats, requests));
            (elapsed, combine(stats.requests(), totals))
        }
    };
    Run { elapsed, result }
}

/// The counter and the responses in one checksum.
fn combine(counted: u64, totals: Vec<u64>) -> u64 {
    mix(counted) ^ totals.into_iter().fold(0, u64::wrapping_add)
}

pub fn expected(ops: u64) -> u64 {
    let responses = (0..ops).fold(0, |total: u64, request| {
        total.wrapping_add(request.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(23))
    });
    mix(ops) ^ responses
}
