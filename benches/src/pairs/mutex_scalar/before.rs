//! `mutex_scalar`, the flagged shape: a statistics counter kept as a `u64` behind a `Mutex`, so
//! every increment takes and releases a lock that all workers fight over.

use std::ops::Range;
use std::sync::Mutex;

/// Statistics shared by every worker.
pub struct Stats {
    cache_hits: Mutex<u64>, //~ mutex_scalar
}

impl Stats {
    /// Statistics with every count at zero.
    pub fn new() -> Stats {
        Stats {
            cache_hits: Mutex::new(0),
        }
    }

    /// The number of cache hits counted so far.
    pub fn cache_hits(&self) -> u64 {
        *self.cache_hits.lock().unwrap()
    }
}

/// Looks up the requests numbered `requests`, counting those that hit the cache.
pub fn serve(stats: &Stats, requests: Range<u64>) {
    for request in requests {
        if is_cached(request) {
            *stats.cache_hits.lock().unwrap() += 1;
        }
    }
}

fn is_cached(request: u64) -> bool {
    request.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(17) % 4 != 0
}
