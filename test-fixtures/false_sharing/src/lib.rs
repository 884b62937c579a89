//! Per-thread atomic slots packed into shared cache lines, and look-alikes that must stay
//! silent.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

/// One byte counter per worker, indexed by the worker's number.
pub struct WorkerStats {
    bytes: Vec<AtomicU64>, //~ false_sharing
}

pub fn process(stats: &WorkerStats, worker: usize, sizes: &[u64]) {
    for size in sizes {
        stats.bytes[worker].fetch_add(*size, Ordering::Relaxed);
    }
}

/// A slot per spawned thread, indexed by the loop that spawns them.
static HITS: [AtomicUsize; 8] = [const { AtomicUsize::new(0) }; 8]; //~ false_sharing

pub fn count_hits(rounds: usize) {
    let mut handles = Vec::new();
    for i in 0..8 {
        handles.push(thread::spawn(move || {
            for _ in 0..rounds {
                HITS[i].fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }
}

/// Structs made of atomics only, one per thread.
pub struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
}

pub struct Cache {
    per_thread: Arc<Vec<Counters>>, //~ false_sharing
}

impl Cache {
    pub fn hit(&self, thread_id: usize) {
        self.per_thread[thread_id].hits.fetch_add(1, Ordering::Relaxed);
    }

    pub fn miss(&self, thread_id: usize) -> u64 {
        self.per_thread[thread_id].misses.fetch_add(1, Ordering::Relaxed)
    }
}

// ---- look-alikes that must stay silent ----

/// Padded to a cache line each.
#[repr(align(128))]
pub struct Padded {
    count: AtomicU64,
}

pub struct PaddedStats {
    slots: Vec<Padded>,
}

impl PaddedStats {
    pub fn add(&self, worker: usize) {
        self.slots[worker].count.fetch_add(1, Ordering::Relaxed);
    }
}

/// Buckets chosen by value, not by thread: threads meet on the same buckets anyway.
pub struct Histogram {
    buckets: Vec<AtomicU64>,
}

impl Histogram {
    pub fn record(&self, value: u64) {
        let bucket = (64 - value.leading_zeros()) as usize;
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
    }
}

/// Written by the one thread that owns it.
pub fn single_writer(slots: &[AtomicU64]) {
    slots[0].store(1, Ordering::Release);
}
