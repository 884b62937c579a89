//! `seqcst_counter`, the flagged shape: a statistics counter bumped with `Ordering::SeqCst`
//! although nothing reads its result. On x86-64 this is the same `lock xadd` as `Relaxed`; on
//! weakly ordered CPUs (ARM) it adds barriers, and everywhere it stops the compiler from moving
//! other memory accesses across it.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

/// Statistics shared by every worker.
pub struct Stats {
    requests: AtomicU64,
}

impl Stats {
    /// Statistics with every count at zero.
    pub fn new() -> Stats {
        Stats {
            requests: AtomicU64::new(0),
        }
    }

    /// The number of requests counted so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Acquire)
    }
}

/// Handles the requests numbered `requests`, counting each, and returns the sum of the
/// responses.
pub fn serve(stats: &Stats, requests: Range<u64>) -> u64 {
    let mut total = 0u64;
    for request in requests {
        stats.requests.fetch_add(1, Ordering::SeqCst); //~ seqcst_counter
        total = total.wrapping_add(request.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(23));
    }
    total
}
