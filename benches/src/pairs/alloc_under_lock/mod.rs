//! Glue for `alloc_under_lock`: every thread appends formatted lines to one shared access log,
//! formatting each line under the log's lock (before) or before taking it (after).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use super::{Run, Side};
use crate::harness::{self, mix};

mod after;
mod before;

pub const WORKLOAD: &str =
    "workers append access-log lines to a shared Mutex<Vec<String>>: format! under the lock vs before it";
pub const GRANULE: u64 = 1;

/// An order-independent checksum of the log.
fn digest<'a>(lines: impl IntoIterator<Item = &'a String>) -> u64 {
    lines.into_iter().fold(0, |total: u64, line| {
        let mut hasher = DefaultHasher::new();
        line.hash(&mut hasher);
        total.wrapping_add(mix(hasher.finish()))
    })
}

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let log = Mutex::new(Vec::with_capacity(ops as usize));
    let (elapsed, _) = match side {
        Side::Before => {
            harness::timed_ranges(threads, ops, |_, requests| before::log_requests(&log, requests))
        }
        Side::After => {
            harness::timed_ranges(threads, ops, |_, requests| after::log_requests(&log, requests))
        }
    };
    let lines = log.into_inner().unwrap();
    Run {
        elapsed,
        result: digest(&lines),
    }
}

pub fn expected(ops: u64) -> u64 {
    let lines: Vec<String> = (0..ops)
        .map(|request| {
            format!(
                "GET /item/{request} client=10.0.0.{} status=200 took={}us",
                request % 251,
                request % 977
            )
        })
        .collect();
    digest(&lines)
}
