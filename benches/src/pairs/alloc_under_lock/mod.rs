//! Glue for `alloc_under_lock`: every thread appends formatted access-log lines to one shared
//! in-memory log, formatting each line under the log's lock (before) or before taking it
//! (after). The log's capacity is reserved and its pages touched before the clock starts, and
//! the lines are freed after it stops, so the timed part is the formatting and the pushes.

use std::sync::Mutex;

use super::{Flagged, Run, Side};
use crate::harness::{self, mix};

mod after;
mod before;

pub const WORKLOAD: &str = "workers append ~150-byte access-log lines to a shared Mutex<Vec<String>>: format! under the lock vs before it";
pub const GRANULE: u64 = 1;
/// One line formatted under the lock per request.
pub const FLAGGED: Flagged = Flagged::ONCE;

/// An empty log with room for `lines` lines, its memory already mapped.
fn reserved_log(lines: u64) -> Mutex<Vec<String>> {
    let mut log = vec![String::new(); lines as usize];
    log.clear();
    Mutex::new(log)
}

/// A checksum of the log that does not depend on the order of its lines.
fn digest(lines: &[String]) -> u64 {
    let bytes: u64 = lines
        .iter()
        .map(|line| line.bytes().map(u64::from).sum::<u64>())
        .sum();
    mix(lines.len() as u64) ^ bytes
}

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let log = reserved_log(ops);
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
            let client = request % 65_521;
            let second = request % 3600;
            let bytes = 512 + request % 4096;
            let status = if request % 17 == 0 { 404 } else { 200 };
            format!(
                "10.0.{}.{} - - [23/Nov/2026:11:{:02}:{:02} +0000] \"GET /api/v2/items/{request} HTTP/1.1\" {status} {bytes} \"-\" \"bench/1.0\" rt={:.6} kb={:.2}",
                client / 256,
                client % 256,
                second / 60,
                second % 60,
                (request % 977) as f64 / 1e6,
                bytes as f64 / 1024.0
            )
        })
        .collect();
    digest(&lines)
}
