//! `false_sharing`, the flagged shape: one byte counter per worker, packed next to each other
//! in a `Vec<AtomicU64>`. The counters are distinct, but eight share each 64-byte cache line,
//! so every worker's increment steals the line from the others.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes processed, one slot per worker.
pub struct WorkerStats {
    bytes: Vec<AtomicU64>, //~ false_sharing
}

impl WorkerStats {
    /// Zeroed slots for `workers` workers.
    pub fn new(workers: usize) -> WorkerStats {
        WorkerStats {
            bytes: (0..workers).map(|_| AtomicU64::new(0)).collect(),
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
