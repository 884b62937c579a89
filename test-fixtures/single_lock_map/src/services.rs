//! Maps shared by async tasks and by threads a lock was cloned into, and the same code without
//! the sharing, which must stay silent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;

/// An async service's state, handed to a task per connection.
pub struct State {
    sessions: tokio::sync::Mutex<HashMap<u64, String>>, //~ single_lock_map
}

pub async fn serve(listener: Listener, state: Arc<State>) {
    loop {
        let (id, user) = listener.accept().await;
        tokio::spawn(handle(id, user, Arc::clone(&state)));
    }
}

async fn handle(id: u64, user: String, state: Arc<State>) {
    state.sessions.lock().await.insert(id, user);
}

/// Each task of a thread pool writes the map.
pub struct Index {
    words: Mutex<HashMap<String, usize>>, //~ single_lock_map
}

pub fn index(pool: &Pool, index: Arc<Index>, docs: Vec<String>) {
    for doc in docs {
        let index = Arc::clone(&index);
        pool.execute(move || {
            index.words.lock().unwrap().insert(doc, 1);
        });
    }
}

/// A local map whose `Arc` reaches a thread through a clone, a rebinding and a struct field,
/// while the spawning side writes it too.
pub struct Shared {
    pub seen: Arc<Mutex<HashMap<u64, u64>>>,
}

pub fn record(events: Vec<(u64, u64)>) -> usize {
    let seen = Arc::new(Mutex::new(HashMap::new())); //~ single_lock_map
    let handle = Arc::clone(&seen);
    let moved = handle;
    let shared = Shared { seen: moved };
    let worker = thread::spawn(move || {
        shared.seen.lock().unwrap().insert(0, 0);
    });
    for (key, value) in events {
        seen.lock().unwrap().insert(key, value);
    }
    worker.join().unwrap();
    let n = seen.lock().unwrap().len();
    n
}

// ---- look-alikes that must stay silent ----

/// The same code with no thread: the clones and the struct stay on the caller's thread.
pub fn record_alone(events: Vec<(u64, u64)>) -> usize {
    let seen = Arc::new(Mutex::new(HashMap::new()));
    let handle = Arc::clone(&seen);
    let moved = handle;
    let shared = Shared { seen: moved };
    shared.seen.lock().unwrap().insert(0, 0);
    for (key, value) in events {
        seen.lock().unwrap().insert(key, value);
    }
    let n = seen.lock().unwrap().len();
    n
}

/// One task, started once, owns the writes.
pub struct Journal {
    entries: Mutex<HashMap<u64, u64>>,
}

pub fn start_journal(journal: Arc<Journal>) {
    tokio::spawn(write_journal(journal));
}

async fn write_journal(journal: Arc<Journal>) {
    for i in 0..10 {
        journal.entries.lock().unwrap().insert(i, i);
    }
}

pub struct Listener;

impl Listener {
    pub async fn accept(&self) -> (u64, String) {
        (0, String::new())
    }
}

pub struct Pool;

impl Pool {
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        job();
    }
}

// ---- stand-ins, so that the fixture compiles ----

macro_rules! stand_ins {
    () => {
        mod tokio {
            pub fn spawn<F: std::future::Future + Send + 'static>(task: F) {
                drop(task);
            }
            pub mod sync {
                pub struct Mutex<T>(std::sync::Mutex<T>);
                impl<T> Mutex<T> {
                    pub async fn lock(&self) -> std::sync::MutexGuard<'_, T> {
                        self.0.lock().unwrap()
                    }
                }
            }
        }
    };
}

stand_ins!();
