//! Glue for `over_copy`: every thread takes 4 KiB windows out of one shared 256 KiB chunk,
//! copying the whole chunk first (before) or only the window (after).

use super::{Flagged, Run, Side};
use crate::harness::{self, mix};

mod after;
mod before;

pub const WORKLOAD: &str =
    "workers copy 4 KiB windows out of a shared 256 KiB chunk: whole chunk cloned then sliced vs the window alone";
pub const GRANULE: u64 = 1;
/// The whole chunk copied per window read.
pub const FLAGGED: Flagged = Flagged {
    per_item: 1.0,
    copy_bytes: Some(CHUNK_BYTES),
};

const CHUNK_BYTES: u64 = 256 * 1024;

fn chunk() -> Vec<u8> {
    (0..CHUNK_BYTES).map(|at| mix(at) as u8).collect()
}

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let (elapsed, totals) = match side {
        Side::Before => {
            let chunk = before::Chunk::new(chunk());
            harness::timed_ranges(threads, ops, |_, reads| before::read_windows(&chunk, reads))
        }
        Side::After => {
            let chunk = after::Chunk::new(chunk());
            harness::timed_ranges(threads, ops, |_, reads| after::read_windows(&chunk, reads))
        }
    };
    Run {
        elapsed,
        result: totals.into_iter().fold(0, u64::wrapping_add),
    }
}

pub fn expected(ops: u64) -> u64 {
    let data = chunk();
    let window = before::WINDOW;
    let starts = data.len() as u64 - window as u64;
    (0..ops).fold(0, |total: u64, read| {
        let start = (read.wrapping_mul(7919) % starts) as usize;
        let sum: u64 = data[start..start + window].iter().map(|&byte| u64::from(byte)).sum();
        total.wrapping_add(sum)
    })
}
