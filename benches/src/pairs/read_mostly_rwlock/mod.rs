//! Glue for `read_mostly_rwlock`: every thread routes requests through one shared table that is
//! replaced whole now and then, kept in an `RwLock` (before) or an `ArcSwap` (after).

use super::{Flagged, Run, Side};
use crate::harness;

mod after;
mod before;

pub const WORKLOAD: &str =
    "workers route requests through a shared table reloaded whole every 65536 requests: RwLock vs ArcSwap";
pub const GRANULE: u64 = 1;
/// One read of the table per request (and a reload every `RELOAD_EVERY`, not counted).
pub const FLAGGED: Flagged = Flagged::ONCE;

const SHARDS: u64 = 256;
const BACKENDS: u64 = 12;

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let (elapsed, totals) = match side {
        Side::Before => {
            let router = before::Router::new(before::RouteTable::build(SHARDS, BACKENDS));
            harness::timed_ranges(threads, ops, |_, requests| {
                before::serve(&router, requests, SHARDS, BACKENDS)
            })
        }
        Side::After => {
            let router = after::Router::new(after::RouteTable::build(SHARDS, BACKENDS));
            harness::timed_ranges(threads, ops, |_, requests| {
                after::serve(&router, requests, SHARDS, BACKENDS)
            })
        }
    };
    Run {
        elapsed,
        result: totals.into_iter().fold(0, u64::wrapping_add),
    }
}

pub fn expected(ops: u64) -> u64 {
    (0..ops).fold(0, |total: u64, request| {
        let shard = request.wrapping_mul(0x9e37_79b9) % SHARDS;
        total.wrapping_add(shard * 7 % BACKENDS)
    })
}
