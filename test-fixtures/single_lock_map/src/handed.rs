//! Locks made locally and handed as arguments to the work a spawn starts: an `async fn` whose
//! future is spawned, a function that builds a thread's closure. Each spawned task holds its
//! own clone of the `Arc`, so the map is shared as surely as if the closure had captured it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;

use super::services::Listener;

type Sessions = Arc<Mutex<HashMap<u64, String>>>;

/// A task per connection, each given the map as an argument of the `async fn` it runs.
pub async fn serve(listener: Listener) {
    let sessions = Arc::new(Mutex::new(HashMap::new())); //~ single_lock_map
    loop {
        let (id, user) = listener.accept().await;
        tokio::spawn(remember(id, user, Arc::clone(&sessions)));
    }
}

async fn remember(id: u64, user: String, sessions: Sessions) {
    sessions.lock().unwrap().insert(id, user);
}

/// The future made first and spawned by name.
pub async fn serve_named(listener: Listener) {
    let sessions = Arc::new(Mutex::new(HashMap::new())); //~ single_lock_map
    loop {
        let (id, user) = listener.accept().await;
        let task = remember(id, user, Arc::clone(&sessions));
        tokio::spawn(task);
    }
}

/// Into a set of tasks.
pub async fn serve_set(listener: Listener, set: &mut tokio::task::JoinSet) {
    let seen: Arc<Mutex<HashMap<u64, String>>> = Arc::new(Mutex::new(HashMap::new())); //~ single_lock_map
    for _ in 0..1000 {
        let (id, user) = listener.accept().await;
        set.spawn(remember(id, user, seen.clone()));
    }
}

/// A thread per worker whose closure hands the map on to the function doing the writes.
pub fn fan_out(batches: &[Vec<(u64, String)>], threads: usize) {
    let log = Arc::new(Mutex::new(HashMap::new())); //~ single_lock_map
    let mut workers = Vec::new();
    for worker in 0..threads {
        let log = Arc::clone(&log);
        let batch = batches[worker].clone();
        workers.push(thread::spawn(move || write_all(&log, batch)));
    }
    for worker in workers {
        worker.join().unwrap();
    }
}

fn write_all(log: &Mutex<HashMap<u64, String>>, batch: Vec<(u64, String)>) {
    for (id, user) in batch {
        log.lock().unwrap().insert(id, user);
    }
}

/// A function that builds each thread's closure around the map it is given.
pub fn fan_out_built(batches: &[Vec<(u64, String)>], threads: usize) {
    let log = Arc::new(Mutex::new(HashMap::new())); //~ single_lock_map
    let mut workers = Vec::new();
    for worker in 0..threads {
        workers.push(thread::spawn(writer(Arc::clone(&log), batches[worker].clone())));
    }
    for worker in workers {
        worker.join().unwrap();
    }
}

fn writer(log: Sessions, batch: Vec<(u64, String)>) -> impl FnOnce() + Send + 'static {
    move || {
        for (id, user) in batch {
            log.lock().unwrap().insert(id, user);
        }
    }
}

// ---- look-alikes that must stay silent ----

/// The same `async fn` awaited in place: one task does every insert.
pub async fn serve_inline(listener: Listener) {
    let sessions = Arc::new(Mutex::new(HashMap::new()));
    loop {
        let (id, user) = listener.accept().await;
        remember(id, user, Arc::clone(&sessions)).await; //~ arc_clone_in_hot_loop
    }
}

/// The same function called on the caller's thread, in a loop.
pub fn write_batches(batches: Vec<Vec<(u64, String)>>) {
    let log = Arc::new(Mutex::new(HashMap::new()));
    for batch in batches {
        write_all(&log, batch);
    }
}

/// The same built closure run in place.
pub fn write_built(batches: Vec<Vec<(u64, String)>>) {
    let log = Arc::new(Mutex::new(HashMap::new()));
    for batch in batches {
        writer(Arc::clone(&log), batch)(); //~ arc_clone_in_hot_loop
    }
}

/// The future made first and awaited by name.
pub async fn serve_named_inline(listener: Listener) {
    let sessions = Arc::new(Mutex::new(HashMap::new()));
    loop {
        let (id, user) = listener.accept().await;
        let task = remember(id, user, Arc::clone(&sessions)); //~ arc_clone_in_hot_loop
        task.await;
    }
}

/// A spawned task given something else: the map stays with the caller.
pub async fn serve_counted(listener: Listener) {
    let sessions: Arc<Mutex<HashMap<u64, String>>> = Arc::new(Mutex::new(HashMap::new()));
    loop {
        let (id, user) = listener.accept().await;
        sessions.lock().unwrap().insert(id, user.clone());
        tokio::spawn(greet(user));
    }
}

async fn greet(user: String) -> usize {
    user.len()
}

macro_rules! stand_ins {
    () => {
        mod tokio {
            pub fn spawn<F: std::future::Future + Send + 'static>(task: F) {
                drop(task);
            }
            pub mod task {
                pub struct JoinSet;
                impl JoinSet {
                    pub fn spawn<F: std::future::Future + Send + 'static>(&mut self, task: F) {
                        drop(task);
                    }
                }
            }
        }
    };
}

stand_ins!();
