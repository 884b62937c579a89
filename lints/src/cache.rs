//! Where the analysis keeps what it learnt of each file between runs.
//!
//! The analysis does no I/O, so the cache is a [`CacheStore`]: a map from a file's path to the
//! bytes the analysis last stored for it. What those bytes hold, and when they are still good,
//! is the analysis's business: each entry is keyed by a hash of the file's text, this crate's
//! version and the crate's edition and configuration, and holds what the crate-wide pass needs
//! of the file (its items, its `mod` declarations, its own parse findings) and what linting it
//! produced, with a fingerprint of the crate-wide type table that linting read. An entry whose
//! key does not match is ignored; lint results whose table fingerprint does not match are
//! recomputed (the file is parsed again for them).
//!
//! [`MemoryStore`] is a store in memory that the caller loads from and saves to one file per
//! crate, as `cargo contention` does under `target/contention/`.
//!
//! Entries name this crate's version, not its build: a caller that may run two builds of one
//! version over the same cache (a development checkout) must tell them apart itself, as
//! `cargo contention` does by starting each cache file with its executable's size and time.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A map from file paths to cache entries. `get` is asked once per file read; `put` is called
/// for each file whose entry changed, from any thread.
pub trait CacheStore: Sync {
    /// The entry stored for `path`, if any.
    fn get(&self, path: &Path) -> Option<&[u8]>;
    /// Stores `entry` for `path`, replacing what was there.
    fn put(&self, path: &Path, entry: Vec<u8>);
}

/// Tells a [`MemoryStore`] file from any other bytes, and this layout from later ones.
const STORE_MAGIC: &str = "cargo-contention cache 1";

/// A [`CacheStore`] in memory, with a byte form to save between runs. It remembers which paths
/// were asked for, so that the saved form drops the entries of files no longer analysed.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: HashMap<PathBuf, Vec<u8>>,
    asked: Mutex<HashSet<PathBuf>>,
    stored: Mutex<HashMap<PathBuf, Vec<u8>>>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    magic: String,
    entries: Vec<(String, Vec<u8>)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A store holding what [`MemoryStore::to_bytes`] saved; `None` when `bytes` are not that
    /// (another version's layout, a truncated file), which a caller treats as an empty cache.
    pub fn from_bytes(bytes: &[u8]) -> Option<MemoryStore> {
        let saved: Saved = postcard::from_bytes(bytes).ok()?;
        if saved.magic != STORE_MAGIC {
            return None;
        }
        Some(MemoryStore {
            entries: saved
                .entries
                .into_iter()
                .map(|(path, entry)| (PathBuf::from(path), entry))
                .collect(),
            ..MemoryStore::default()
        })
    }

    /// Whether saving would change what was loaded: an entry was stored, or one was never
    /// asked for (its file is gone) and saving would drop it.
    pub fn changed(&self) -> bool {
        let asked = self.asked.lock().expect("cache lock");
        !self.stored.lock().expect("cache lock").is_empty()
            || self.entries.keys().any(|path| !asked.contains(path))
    }

    /// The byte form of the entries of the files asked for in this run, as last stored.
    /// Entries of paths that are not UTF-8 are left out.
    pub fn to_bytes(&self) -> Vec<u8> {
        let asked = self.asked.lock().expect("cache lock");
        let stored = self.stored.lock().expect("cache lock");
        let mut entries: Vec<(String, Vec<u8>)> = self
            .entries
            .iter()
            .filter(|(path, _)| asked.contains(*path) && !stored.contains_key(*path))
            .chain(stored.iter())
            .filter_map(|(path, entry)| Some((path.to_str()?.to_owned(), entry.clone())))
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        postcard::to_stdvec(&Saved {
            magic: STORE_MAGIC.to_owned(),
            entries,
        })
        .expect("a cache serialises")
    }

    /// How many entries the store holds, stored ones included.
    pub fn len(&self) -> usize {
        let stored = self.stored.lock().expect("cache lock");
        self.entries.len()
            + stored
                .keys()
                .filter(|p| !self.entries.contains_key(*p))
                .count()
    }

    /// Whether the store holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl CacheStore for MemoryStore {
    fn get(&self, path: &Path) -> Option<&[u8]> {
        self.asked
            .lock()
            .expect("cache lock")
            .insert(path.to_path_buf());
        self.entries.get(path).map(Vec::as_slice)
    }

    fn put(&self, path: &Path, entry: Vec<u8>) {
        self.stored
            .lock()
            .expect("cache lock")
            .insert(path.to_path_buf(), entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_entries_come_back_and_unasked_ones_are_dropped() {
        let mut first = MemoryStore::new();
        first.put(Path::new("a.rs"), vec![1, 2]);
        first.put(Path::new("b.rs"), vec![3]);
        assert!(first.changed());
        let saved = first.to_bytes();
        // Entries only stored (never asked for) are new files: they are kept.
        let second = MemoryStore::from_bytes(&saved).expect("the saved form loads");
        assert_eq!(second.len(), 2);
        assert_eq!(second.get(Path::new("a.rs")), Some(&[1u8, 2][..]));
        // b.rs was not asked for this time: saving drops it.
        assert!(second.changed());
        first = MemoryStore::from_bytes(&second.to_bytes()).expect("loads");
        assert_eq!(first.len(), 1);
        assert_eq!(first.get(Path::new("b.rs")), None);
        assert_eq!(first.get(Path::new("a.rs")), Some(&[1u8, 2][..]));
        assert!(!first.changed(), "everything asked for, nothing stored");
    }

    #[test]
    fn other_bytes_are_no_store() {
        assert!(MemoryStore::from_bytes(b"").is_none());
        assert!(MemoryStore::from_bytes(b"not a cache at all").is_none());
        let mut saved = MemoryStore::new();
        saved.put(Path::new("a.rs"), vec![7; 100]);
        let bytes = saved.to_bytes();
        assert!(MemoryStore::from_bytes(&bytes[..bytes.len() / 2]).is_none());
        saved = MemoryStore::new();
        let other = postcard::to_stdvec(&Saved {
            magic: "cargo-contention cache 0".into(),
            entries: Vec::new(),
        })
        .unwrap();
        assert!(MemoryStore::from_bytes(&other).is_none());
        assert!(saved.is_empty());
    }
}
