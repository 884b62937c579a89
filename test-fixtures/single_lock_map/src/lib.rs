//! One lock in front of a whole map written per key by several threads, and look-alikes that
//! must stay silent.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::thread;

pub mod handed;
pub mod services;
pub mod web;

/// A field written per key in hot code through `&self`: shared by design.
pub struct RouteCounts {
    counts: Mutex<HashMap<String, u64>>, //~ single_lock_map
}

impl RouteCounts {
    pub fn new(routes: &[String]) -> RouteCounts {
        let mut counts = HashMap::new();
        for route in routes {
            counts.insert(route.clone(), 0);
        }
        RouteCounts {
            counts: Mutex::new(counts),
        }
    }

    pub fn count(&self, paths: &[String]) {
        for path in paths {
            if let Some(count) = self.counts.lock().unwrap().get_mut(path) {
                *count += 1;
            }
        }
    }
}

/// Workers started in a loop, each writing the map a closure captured.
pub fn tally(words: Vec<Vec<String>>) -> HashMap<String, usize> {
    let totals = Arc::new(Mutex::new(HashMap::new())); //~ single_lock_map
    let mut handles = Vec::new();
    for chunk in words {
        let totals = Arc::clone(&totals);
        handles.push(thread::spawn(move || {
            for word in chunk {
                *totals.lock().unwrap().entry(word).or_insert(0) += 1;
            }
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }
    Arc::try_unwrap(totals)
        .map(|m| m.into_inner().unwrap())
        .unwrap_or_default()
}

/// A static written from a parallel iterator.
static SEEN: RwLock<BTreeMap<u64, u32>> = RwLock::new(BTreeMap::new()); //~ single_lock_map

pub fn mark(ids: &[u64]) {
    use rayon_stub::*;
    ids.par_iter().for_each(|id| {
        SEEN.write().unwrap().insert(*id, 1);
    });
}

/// A lazily made static, written from worker threads.
static INDEX: std::sync::LazyLock<Mutex<HashMap<u64, String>>> = //~ single_lock_map
    std::sync::LazyLock::new(|| Mutex::new(HashMap::new()));

pub fn index_all(parts: Vec<Vec<u64>>) {
    let workers: Vec<_> = parts
        .into_iter()
        .map(|part| {
            thread::spawn(move || {
                for id in part {
                    let name = format!("#{id}");
                    INDEX.lock().unwrap().insert(id, name);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
}

/// A task per connection, each writing the shared map.
pub async fn serve(listener: Listener) {
    let sessions = Arc::new(Mutex::new(HashMap::new())); //~ single_lock_map
    loop {
        let (id, user) = listener.accept().await;
        let sessions = Arc::clone(&sessions);
        tokio::spawn(async move {
            sessions.lock().unwrap().insert(id, user);
        });
    }
}

pub struct Listener;

impl Listener {
    pub async fn accept(&self) -> (u64, String) {
        (0, String::new())
    }
}

// ---- look-alikes that must stay silent ----

/// Written only while it is built, and through `&mut self`.
pub struct Registry {
    names: Mutex<HashMap<u32, String>>,
}

impl Registry {
    pub fn with_names(names: Vec<(u32, String)>) -> Registry {
        let registry = Registry {
            names: Mutex::new(HashMap::new()),
        };
        for (id, name) in names {
            registry.names.lock().unwrap().insert(id, name);
        }
        registry
    }

    pub fn rename_all(&mut self, ids: &[u32]) {
        for id in ids {
            self.names.lock().unwrap().insert(*id, String::new());
        }
    }

    /// Read in hot code, written only once in a while.
    pub fn lookup(&self, ids: &[u32]) -> usize {
        ids.iter()
            .filter(|id| self.names.lock().unwrap().contains_key(id))
            .count()
    }

    pub fn register(&self, id: u32, name: String) {
        self.names.lock().unwrap().insert(id, name);
    }
}

/// One consumer thread writes the map; the caller only reads it.
pub fn consume(events: std::sync::mpsc::Receiver<(u64, u64)>) -> Arc<Mutex<HashMap<u64, u64>>> {
    let latest = Arc::new(Mutex::new(HashMap::new()));
    let writer = Arc::clone(&latest);
    thread::spawn(move || {
        for (key, value) in events {
            writer.lock().unwrap().insert(key, value);
        }
    });
    latest
}

/// Already sharded: one lock per shard.
pub struct Sharded {
    shards: Vec<Mutex<HashMap<u64, u64>>>,
}

impl Sharded {
    pub fn add(&self, keys: &[u64]) {
        for key in keys {
            let shard = &self.shards[*key as usize % self.shards.len()];
            shard.lock().unwrap().insert(*key, 1);
        }
    }
}

/// Not a map.
pub struct Log {
    lines: Mutex<Vec<String>>,
}

impl Log {
    pub fn write(&self, lines: &[String]) {
        for line in lines {
            self.lines.lock().unwrap().push(line.clone()); //~ alloc_under_lock
        }
    }
}

/// Stands in for rayon's prelude.
mod rayon_stub {
    pub trait ParIter<T> {
        fn par_iter(&self) -> std::slice::Iter<'_, T>;
    }
    impl<T> ParIter<T> for [T] {
        fn par_iter(&self) -> std::slice::Iter<'_, T> {
            self.iter()
        }
    }
}

/// A work queue ordered by key: the smallest offset first, which sharding would lose.
pub struct Cleaner {
    queue: Mutex<BTreeMap<u64, Vec<u64>>>,
}

impl Cleaner {
    pub fn pop(&self) -> Option<u64> {
        let mut queue = self.queue.lock().unwrap();
        let (_, pages) = queue.iter_mut().next()?;
        pages.pop()
    }

    pub fn add(&self, batches: Vec<(u64, Vec<u64>)>) {
        for (offset, pages) in batches {
            self.queue.lock().unwrap().insert(offset, pages);
        }
    }
}

/// A create-once registry: written only after a read found the name missing.
pub struct Trees {
    open: RwLock<HashMap<String, u32>>,
}

impl Trees {
    pub fn open_all(&self, names: &[String]) -> u32 {
        names.iter().map(|name| self.open_tree(name)).sum()
    }

    fn open_tree(&self, name: &str) -> u32 {
        if let Some(id) = self.open.read().unwrap().get(name) {
            return *id;
        }
        let key = name.to_owned();
        let mut open = self.open.write().unwrap();
        let id = open.len() as u32;
        open.insert(key, id);
        id
    }
}

// ---- stand-ins, so that the fixture compiles ----

// `tokio` plays the runtime crate: the analysis knows `tokio::spawn` by its path. It is defined
// in a `macro_rules!` body, which the analysis does not read, so that the call stays the task
// spawn it names, not a call into this crate.
macro_rules! stand_ins {
    () => {
        mod tokio {
            pub fn spawn<F: std::future::Future + Send + 'static>(task: F) {
                drop(task);
            }
        }
    };
}

stand_ins!();

/// The fixed shape: the counts in a `DashMap`, one lock per shard; nothing to report (and the
/// crate depends on dashmap, so the findings above offer the same rewrite).
pub struct ShardedHits {
    hits: dashmap::DashMap<String, u64>,
}

impl ShardedHits {
    pub fn record(&self, path: &str) {
        *self.hits.entry(path.to_owned()).or_insert(0) += 1;
    }
}
