//! `single_lock_map`, the fix: the counts live in a sharded map (dashmap), one lock per shard,
//! and the path is hashed before any lock is taken, so workers counting different routes
//! rarely wait for each other.

use std::ops::Range;

use dashmap::DashMap;

/// How many requests each route has served.
pub struct RouteCounts {
    counts: DashMap<String, u64>,
}

impl RouteCounts {
    /// Counts at zero for every path of `routes`.
    pub fn new(routes: &[String]) -> RouteCounts {
        let counts = routes.iter().map(|path| (path.clone(), 0)).collect();
        RouteCounts { counts }
    }

    /// Counts request `at` of the traffic log `traffic` (its path is `traffic[at % len]`) for
    /// every `at` in `requests`.
    pub fn count(&self, traffic: &[String], requests: Range<u64>) {
        for at in requests {
            let path = &traffic[(at % traffic.len() as u64) as usize];
            if let Some(mut count) = self.counts.get_mut(path) {
                *count += 1;
            }
        }
    }

    /// Every path with its count.
    pub fn into_counts(self) -> Vec<(String, u64)> {
        self.counts.into_iter().collect()
    }
}
