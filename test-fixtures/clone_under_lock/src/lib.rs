//! Deep copies made while a lock is held, and copies that are fine.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

mod flow;
mod getters;
mod strings;

/// The RAM chunk cache: 10 MB chunks copied under the read lock.
pub struct ChunkCache {
    chunks: Arc<RwLock<HashMap<String, Vec<u8>>>>,
}

impl ChunkCache {
    pub fn get(&self, name: &str) -> Option<Vec<u8>> {
        match self.chunks.read().unwrap().get(name) {
            Some(c) => Some(c.clone()), //~ clone_under_lock
            None => None,
        }
    }

    pub fn get_cloned(&self, name: &str) -> Option<Vec<u8>> {
        self.chunks.read().unwrap().get(name).cloned() //~ clone_under_lock
    }

    pub fn snapshot(&self) -> HashMap<String, Vec<u8>> {
        let guard = self.chunks.read().unwrap();
        let copy = guard.clone(); //~ clone_under_lock
        drop(guard);
        copy
    }

    pub fn all_chunks(&self) -> Vec<Vec<u8>> {
        let guard = self.chunks.read().unwrap();
        guard.values().cloned().collect() //~ clone_under_lock
    }
}

pub struct Config {
    pub name: String,
    pub tags: Vec<String>,
}

pub fn config_tags(config: &Mutex<Config>) -> Vec<String> {
    let guard = config.lock().unwrap();
    guard.tags.to_vec() //~ clone_under_lock
}

// ---- look-alikes that must stay silent ----

/// A test writer's buffer, read once the writing is over: `try_lock().unwrap()` asserts that
/// nobody holds the lock, so nobody waits for the copy.
pub struct CapturedOutput {
    buf: Arc<Mutex<Vec<u8>>>,
}

impl CapturedOutput {
    pub fn contents(&self) -> Vec<u8> {
        self.buf.try_lock().unwrap().to_vec()
    }

    pub fn snapshot(&self) -> Vec<u8> {
        let guard = self.buf.try_lock().expect("the writer is done");
        guard.clone()
    }
}

/// `Arc` values in the map: a clone is a reference-count increment (the fix).
pub struct SharedChunks {
    chunks: RwLock<HashMap<String, Arc<[u8]>>>,
}

impl SharedChunks {
    pub fn get(&self, name: &str) -> Option<Arc<[u8]>> {
        self.chunks.read().unwrap().get(name).cloned()
    }
}


/// A lone string (a name, a host) is one small copy.
pub fn host(config: &Mutex<Config>) -> String {
    config.lock().unwrap().name.clone()
}

/// Copies of `Copy` scalars.
pub fn count(map: &Mutex<HashMap<String, u64>>, key: &str) -> u64 {
    map.lock().unwrap().get(key).copied().unwrap_or(0)
}

pub fn read_scalar(value: &Mutex<u64>) -> u64 {
    *value.lock().unwrap()
}

/// The copy is made after the guard is dropped.
pub fn after_drop(config: &Mutex<Config>) -> Vec<String> {
    let guard = config.lock().unwrap();
    let tags = &guard.tags;
    let n = tags.len();
    drop(guard);
    let names = vec![String::new(); n];
    names.clone()
}

/// A value whose type the source does not show.
pub fn unknown(cache: &Mutex<external::Cache>) -> external::Entry {
    cache.lock().unwrap().entry().clone()
}

/// A lazy adapter's iterator handed out: its closure copies after the guard is gone. The map
/// holds slices borrowed from elsewhere, which is how the iterators may outlive the guard.
pub fn later_copies<'a>(chunks: &RwLock<HashMap<String, &'a [u8]>>) -> Vec<impl Iterator<Item = Vec<u8>> + 'a> {
    let guard = chunks.read().unwrap();
    let mut out = Vec::new();
    for chunk in guard.values() {
        out.push(chunk.chunks(2).map(|pair| pair.to_vec()));
    }
    out
}

/// A `Box<dyn Trait>` handle copies what its trait's clone copies, which is not in sight.
pub trait Mailbox: Send {
    fn boxed(&self) -> Box<dyn Mailbox>;
}

impl Clone for Box<dyn Mailbox> {
    fn clone(&self) -> Self {
        self.boxed()
    }
}

pub struct Peer {
    mailbox: Box<dyn Mailbox>,
}

pub fn mailboxes(peers: &Mutex<HashMap<u64, Peer>>, wanted: u64) -> Vec<Box<dyn Mailbox>> {
    let mut out = Vec::new();
    for (id, peer) in peers.lock().unwrap().iter() {
        if *id == wanted {
            out.push(peer.mailbox.clone());
        }
    }
    out
}

// ---- stand-ins, so that the fixture compiles ----

// `external` plays another crate, whose types the analysis cannot see. It is defined in a
// `macro_rules!` body, which the analysis does not read, so that `external::Entry` stays a type
// out of sight.
macro_rules! stand_ins {
    () => {
        mod external {
            pub struct Cache(Entry);

            #[derive(Clone)]
            pub struct Entry;

            impl Cache {
                pub fn entry(&self) -> &Entry {
                    &self.0
                }
            }
        }
    };
}

stand_ins!();
