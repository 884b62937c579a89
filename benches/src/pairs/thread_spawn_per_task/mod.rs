//! Glue for `thread_spawn_per_task`: a batch of short jobs run with one thread per job (before)
//! or on scoped workers (after). Each side starts its own threads, which is the cost being
//! measured, so the whole call is timed on the calling thread rather than behind the barrier.

use std::time::Instant;

use super::{Flagged, Run, Side};
use crate::harness::mix;

mod after;
mod before;

pub const WORKLOAD: &str =
    "checksum jobs of about 8 µs each: a std::thread::spawn per job vs scoped workers looping over their share";
pub const GRANULE: u64 = 1;
/// One thread started per job.
pub const FLAGGED: Flagged = Flagged::ONCE;

/// Words per job; a few microseconds of work, shorter than creating a thread.
const JOB_LEN: u32 = 4096;

fn seed(job: u64) -> u64 {
    mix(job)
}

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let (elapsed, result) = match side {
        Side::Before => {
            let jobs: Vec<before::Job> = (0..ops)
                .map(|job| before::Job {
                    seed: seed(job),
                    len: JOB_LEN,
                })
                .collect();
            let start = Instant::now();
            let total = before::run_jobs(&jobs, threads);
            (start.elapsed(), total)
        }
        Side::After => {
            let jobs: Vec<after::Job> = (0..ops)
                .map(|job| after::Job {
                    seed: seed(job),
                    len: JOB_LEN,
                })
                .collect();
            let start = Instant::now();
            let total = after::run_jobs(&jobs, threads);
            (start.elapsed(), total)
        }
    };
    Run { elapsed, result }
}

pub fn expected(ops: u64) -> u64 {
    (0..ops).fold(0, |total: u64, job| {
        let mut state = seed(job) | 1;
        let mut sum = 0u64;
        for _ in 0..JOB_LEN {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            sum = sum.wrapping_add(state);
        }
        total.wrapping_add(sum)
    })
}
