//! Request statistics bumped by every worker: a `SeqCst` counter nothing reads in the same
//! breath, and one byte counter per worker packed next to the others.

use std::sync::atomic::{AtomicU64, Ordering};

pub struct Stats {
    requests: AtomicU64,
}

impl Stats {
    pub fn serve(&self, requests: &[u64]) -> u64 {
        let mut total = 0;
        for request in requests {
            self.requests.fetch_add(1, Ordering::SeqCst); //~ seqcst_counter
            total += request;
        }
        total
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Acquire)
    }
}

pub struct WorkerBytes {
    bytes: Vec<AtomicU64>, //~ false_sharing
}

impl WorkerBytes {
    pub fn add(&self, worker: usize, sizes: &[u64]) {
        for size in sizes {
            self.bytes[worker].fetch_add(*size, Ordering::Relaxed);
        }
    }
}
