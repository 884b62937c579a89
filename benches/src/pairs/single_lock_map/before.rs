//! `single_lock_map`, the flagged shape: word counts in one `HashMap` behind one `Mutex`, so
//! every worker's every increment waits for the one lock, whichever word it counts.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;

/// How often each word of a vocabulary has been seen.
pub struct WordCounts {
    counts: Mutex<HashMap<String, u64>>, //~ single_lock_map
}

impl WordCounts {
    /// Counts at zero for every word of `vocabulary`.
    pub fn new(vocabulary: &[String]) -> WordCounts {
        let counts = vocabulary.iter().map(|word| (word.clone(), 0)).collect();
        WordCounts {
            counts: Mutex::new(counts),
        }
    }

    /// Counts word `text[at % text.len()]` for every `at` in `positions`.
    pub fn count(&self, text: &[String], positions: Range<u64>) {
        for at in positions {
            let word = &text[(at % text.len() as u64) as usize];
            if let Some(count) = self.counts.lock().unwrap().get_mut(word) {
                *count += 1;
            }
        }
    }

    /// Every word with its count.
    pub fn into_counts(self) -> Vec<(String, u64)> {
        self.counts.into_inner().unwrap().into_iter().collect()
    }
}
