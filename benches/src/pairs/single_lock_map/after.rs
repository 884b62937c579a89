//! `single_lock_map`, the fix: the counts live in a sharded map (dashmap), one lock per shard,
//! so workers counting different words rarely wait for each other.

use std::ops::Range;

use dashmap::DashMap;

/// How often each word of a vocabulary has been seen.
pub struct WordCounts {
    counts: DashMap<String, u64>,
}

impl WordCounts {
    /// Counts at zero for every word of `vocabulary`.
    pub fn new(vocabulary: &[String]) -> WordCounts {
        let counts = vocabulary.iter().map(|word| (word.clone(), 0)).collect();
        WordCounts { counts }
    }

    /// Counts word `text[at % text.len()]` for every `at` in `positions`.
    pub fn count(&self, text: &[String], positions: Range<u64>) {
        for at in positions {
            let word = &text[(at % text.len() as u64) as usize];
            if let Some(mut count) = self.counts.get_mut(word) {
                *count += 1;
            }
        }
    }

    /// Every word with its count.
    pub fn into_counts(self) -> Vec<(String, u64)> {
        self.counts.into_iter().collect()
    }
}
