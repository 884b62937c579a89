//! Glue for `single_lock_map`: every thread counts the words of one shared text into one shared
//! table, a `Mutex<HashMap<String, u64>>` (before) or a sharded `DashMap` (after).

use std::hash::{DefaultHasher, Hash, Hasher};

use super::{Run, Side};
use crate::harness::{self, mix};

mod after;
mod before;

pub const WORKLOAD: &str =
    "workers count words of a 4096-word text into a 1000-word table: one Mutex<HashMap> vs a sharded DashMap";
pub const GRANULE: u64 = 1;

const VOCABULARY: u64 = 1000;
const TEXT_WORDS: u64 = 4096;

fn vocabulary() -> Vec<String> {
    (0..VOCABULARY).map(|word| format!("word{word:03}")).collect()
}

fn text() -> Vec<String> {
    (0..TEXT_WORDS)
        .map(|at| format!("word{:03}", mix(at) % VOCABULARY))
        .collect()
}

/// An order-independent checksum of a word table.
fn digest(counts: impl IntoIterator<Item = (String, u64)>) -> u64 {
    counts.into_iter().fold(0, |total: u64, (word, count)| {
        let mut hasher = DefaultHasher::new();
        word.hash(&mut hasher);
        total.wrapping_add(mix(hasher.finish() ^ count))
    })
}

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let (vocabulary, text) = (vocabulary(), text());
    let (elapsed, counts) = match side {
        Side::Before => {
            let counts = before::WordCounts::new(&vocabulary);
            let (elapsed, _) =
                harness::timed_ranges(threads, ops, |_, positions| counts.count(&text, positions));
            (elapsed, counts.into_counts())
        }
        Side::After => {
            let counts = after::WordCounts::new(&vocabulary);
            let (elapsed, _) =
                harness::timed_ranges(threads, ops, |_, positions| counts.count(&text, positions));
            (elapsed, counts.into_counts())
        }
    };
    Run {
        elapsed,
        result: digest(counts),
    }
}

pub fn expected(ops: u64) -> u64 {
    let mut counts = vec![0u64; VOCABULARY as usize];
    for at in 0..ops {
        counts[(mix(at % TEXT_WORDS) % VOCABULARY) as usize] += 1;
    }
    digest(
        counts
            .into_iter()
            .enumerate()
            .map(|(word, count)| (format!("word{word:03}"), count)),
    )
}
