//! `single_lock_map`, the flagged shape: per-route request counts in one `HashMap` behind one
//! `Mutex`, so every worker's every increment (hashing the path included) waits for the one
//! lock, whichever route it counts.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;

/// How many requests each route has served.
pub struct RouteCounts {
    counts: Mutex<HashMap<String, u64>>, //~ single_lock_map
}

impl RouteCounts {
    /// Counts at zero for every path of `routes`.
    pub fn new(routes: &[String]) -> RouteCounts {
        let counts = routes.iter().map(|path| (path.clone(), 0)).collect();
        RouteCounts {
            counts: Mutex::new(counts),
        }
    }

    /// Counts request `at` of the traffic log `traffic` (its path is `traffic[at % len]`) for
    /// every `at` in `requests`.
    pub fn count(&self, traffic: &[String], requests: Range<u64>) {
        for at in requests {
            let path = &traffic[(at % traffic.len() as u64) as usize];
            if let Some(count) = self.counts.lock().unwrap().get_mut(path) {
                *count += 1;
            }
        }
    }

    /// Every path with its count.
    pub fn into_counts(self) -> Vec<(String, u64)> {
        self.counts.into_inner().unwrap().into_iter().collect()
    }
}
