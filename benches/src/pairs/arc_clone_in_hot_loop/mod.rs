//! Glue for `arc_clone_in_hot_loop`: workers on every thread serve requests against one shared
//! context, cloning its `Arc` per request (before) or borrowing it (after).

use std::sync::Arc;

use super::{Flagged, Run, Side};
use crate::harness::{self, mix};

mod after;
mod before;

pub const WORKLOAD: &str = "workers serve requests against one shared Arc<Context>: Arc::clone per request vs a borrow";
pub const GRANULE: u64 = 1;
/// One clone of the context per request.
pub const FLAGGED: Flagged = Flagged::ONCE;

const CLASSES: u64 = 64;
const SALT: u64 = 0x5eed_cafe;

fn weights() -> Vec<u64> {
    (0..CLASSES).map(|class| mix(class) | 1).collect()
}

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let (elapsed, totals) = match side {
        Side::Before => {
            let ctx = Arc::new(before::Context {
                weights: weights(),
                salt: SALT,
            });
            let workers: Vec<before::Worker> = (0..threads)
                .map(|_| before::Worker::new(Arc::clone(&ctx)))
                .collect();
            harness::timed_ranges(threads, ops, |index, requests| {
                workers[index].serve(requests)
            })
        }
        Side::After => {
            let ctx = Arc::new(after::Context {
                weights: weights(),
                salt: SALT,
            });
            let workers: Vec<after::Worker> = (0..threads)
                .map(|_| after::Worker::new(Arc::clone(&ctx)))
                .collect();
            harness::timed_ranges(threads, ops, |index, requests| {
                workers[index].serve(requests)
            })
        }
    };
    Run {
        elapsed,
        result: totals.into_iter().fold(0, u64::wrapping_add),
    }
}

pub fn expected(ops: u64) -> u64 {
    let weights = weights();
    (0..ops).fold(0, |total: u64, request| {
        total.wrapping_add((request ^ SALT).wrapping_mul(weights[(request % CLASSES) as usize]))
    })
}
