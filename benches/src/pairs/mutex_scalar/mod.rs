//! Glue for `mutex_scalar`: every thread counts cache hits into one shared counter, a
//! `Mutex<u64>` (before) or an `AtomicU64` (after).

use super::{Flagged, Run, Side};
use crate::harness;

mod after;
mod before;

pub const WORKLOAD: &str =
    "workers count cache hits in one shared counter: Mutex<u64> `*g += 1` vs AtomicU64::fetch_add(Relaxed)";
pub const GRANULE: u64 = 1;
/// The lock is taken for the requests that hit the cache: three in four (the hash's low bits;
/// 74.996% of the first million requests).
pub const FLAGGED: Flagged = Flagged {
    per_item: 0.75,
    copy_bytes: None,
};

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let (elapsed, result) = match side {
        Side::Before => {
            let stats = before::Stats::new();
            let (elapsed, _) =
                harness::timed_ranges(threads, ops, |_, requests| before::serve(&stats, requests));
            (elapsed, stats.cache_hits())
        }
        Side::After => {
            let stats = after::Stats::new();
            let (elapsed, _) =
                harness::timed_ranges(threads, ops, |_, requests| after::serve(&stats, requests));
            (elapsed, stats.cache_hits())
        }
    };
    Run { elapsed, result }
}

pub fn expected(ops: u64) -> u64 {
    (0..ops)
        .filter(|request| request.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(17) % 4 != 0)
        .count() as u64
}
