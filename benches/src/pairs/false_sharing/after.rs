//! `false_sharing`, the fix: each worker's counter is `CachePadded` (crossbeam-utils), alone on
//! its cache line, so workers never write to a line another worker is using.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_utils::CachePadded;

/// Bytes processed, one slot per worker.
pub struct WorkerStats {
    bytes: Vec<CachePadded<AtomicU64>>,
}

impl WorkerStats {
    /// Zeroed slots for `workers` workers.
    pub fn new(workers: usize) -> WorkerStats {
        WorkerStats {
            bytes: (0..workers).map(|_| CachePadded::new(AtomicU64::new(0))).collect(),
        }
    }

    /// The bytes processed by all workers together.
    pub fn total(&self) -> u64 {
        self.bytes.iter().map(|slot| slot.load(Ordering::Relaxed)).sum()
    }
}

/// Processes the items numbered `items` as worker `worker`, counting their bytes in its slot.
pub fn process(stats: &WorkerStats, worker: usize, items: Range<u64>) {
    for item in items {
        let size = 64 + item.wrapping_mul(0x9e37_79b9_7f4a_7c15) % 1024;
        stats.bytes[worker].fetch_add(size, Ordering::Relaxed);
    }
}
