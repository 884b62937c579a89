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

/// A slot struct wrapping an atomic beside plain fields, one per worker, written through the
/// slot's own method.
pub struct Slot {
    served: AtomicU64,
    id: u32,
}

impl Slot {
    fn bump(&self) {
        self.served.fetch_add(1, Ordering::Relaxed);
    }
}

pub struct Server {
    slots: Vec<Slot>, //~ false_sharing
}

impl Server {
    pub fn serve(&self, worker_id: usize) -> u32 {
        self.slots[worker_id].bump();
        self.slots[worker_id].id
    }
}

/// A striped counter: each thread adds to the stripe its hash picks, and neighbouring stripes
/// share a cache line.
pub struct Striped {
    stripes: Box<[AtomicU64]>, //~ false_sharing
}

impl Striped {
    pub fn add(&self, hash: u64, n: u64) {
        let i = (hash as usize) % self.stripes.len();
        self.stripes[i].fetch_add(n, Ordering::Relaxed);
    }
}

/// Shards picked by masking an id.
pub struct Shards {
    counts: Vec<AtomicUsize>, //~ false_sharing
    mask: usize,
}

impl Shards {
    pub fn incr(&self, id: usize) {
        self.counts[id & self.mask].fetch_add(1, Ordering::Relaxed);
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

/// Stripes padded to a cache line each: silent.
#[repr(align(64))]
pub struct Stripe(AtomicU64);

pub struct PaddedStriped {
    stripes: Vec<Stripe>,
}

impl PaddedStriped {
    pub fn add(&self, hash: u64) {
        let i = (hash as usize) % self.stripes.len();
        self.stripes[i].0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Each stripe in its own `CachePadded`: silent.
pub struct CachePadded<T>(T);

impl<T> std::ops::Deref for CachePadded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

pub struct PaddedShards {
    counts: Vec<CachePadded<AtomicUsize>>,
    mask: usize,
}

impl PaddedShards {
    pub fn incr(&self, id: usize) {
        self.counts[id & self.mask].fetch_add(1, Ordering::Relaxed);
    }
}

/// A ring of slots indexed by a position masked to its size, by one producer: silent.
pub struct Ring {
    slots: Vec<AtomicU64>,
    mask: usize,
}

impl Ring {
    pub fn put(&self, tail: usize, value: u64) {
        self.slots[tail & self.mask].store(value, Ordering::Release);
    }
}
