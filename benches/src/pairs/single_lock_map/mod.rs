//! Glue for `single_lock_map`: every thread counts the requests of one shared traffic log per
//! route into one shared table, a `Mutex<HashMap<String, u64>>` (before) or a sharded `DashMap`
//! (after).

use std::hash::{DefaultHasher, Hash, Hasher};

use super::{Flagged, Run, Side};
use crate::harness::{self, mix};

mod after;
mod before;

pub const WORKLOAD: &str = "workers count requests per route (1000 URL paths of ~40 bytes) into a shared table: one Mutex<HashMap> vs a sharded DashMap";
pub const GRANULE: u64 = 1;
/// The map's lock taken once per request.
pub const FLAGGED: Flagged = Flagged::ONCE;

const ROUTES: u64 = 1000;
const TRAFFIC: u64 = 4096;

fn route(id: u64) -> String {
    format!("/api/v2/customers/{id:05}/orders/recent")
}

/// The requests' paths, in the order they arrived.
fn traffic() -> Vec<String> {
    (0..TRAFFIC).map(|at| route(mix(at) % ROUTES)).collect()
}

/// An order-independent checksum of a count table.
fn digest(counts: impl IntoIterator<Item = (String, u64)>) -> u64 {
    counts.into_iter().fold(0, |total: u64, (path, count)| {
        let mut hasher = DefaultHasher::new();
        path.hash(&mut hasher);
        total.wrapping_add(mix(hasher.finish() ^ count))
    })
}

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let routes: Vec<String> = (0..ROUTES).map(route).collect();
    let traffic = traffic();
    let (elapsed, counts) = match side {
        Side::Before => {
            let counts = before::RouteCounts::new(&routes);
            let (elapsed, _) =
                harness::timed_ranges(threads, ops, |_, requests| counts.count(&traffic, requests));
            (elapsed, counts.into_counts())
        }
        Side::After => {
            let counts = after::RouteCounts::new(&routes);
            let (elapsed, _) =
                harness::timed_ranges(threads, ops, |_, requests| counts.count(&traffic, requests));
            (elapsed, counts.into_counts())
        }
    };
    Run {
        elapsed,
        result: digest(counts),
    }
}

pub fn expected(ops: u64) -> u64 {
    let mut counts = vec![0u64; ROUTES as usize];
    for at in 0..ops {
        counts[(mix(at % TRAFFIC) % ROUTES) as usize] += 1;
    }
    digest(
        counts
            .into_iter()
            .enumerate()
            .map(|(id, count)| (route(id as u64), count)),
    )
}
