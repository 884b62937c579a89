//! Lock guards held across calls that block, and look-alikes that must stay silent.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::process::Command;
use std::sync::mpsc::Receiver;
use std::sync::{Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

pub mod tasks;
mod flow;
mod helpers;

pub struct Journal {
    entries: Mutex<Vec<u64>>,
    cache: Mutex<HashMap<String, Vec<u8>>>,
    log: File,
    listeners: Mutex<Vec<Box<dyn Fn(u64) + Send>>>,
}

impl Journal {
    pub fn record_then_sleep(&self, id: u64) {
        let mut entries = self.entries.lock().unwrap();
        entries.push(id);
        thread::sleep(Duration::from_millis(1)); //~ guard_across_blocking
    }

    pub fn load(&self, name: &str) {
        self.cache
            .lock()
            .unwrap()
            .insert(name.to_owned(), std::fs::read(name).unwrap()); //~ guard_across_blocking, alloc_under_lock
    }

    pub fn write_log(&mut self, id: u64) -> std::io::Result<()> {
        let entries = self.entries.lock().unwrap();
        self.log.write_all(&id.to_le_bytes())?; //~ guard_across_blocking
        drop(entries);
        Ok(())
    }

    pub fn drain(&self, rx: &Receiver<u64>) {
        let mut entries = self.entries.lock().unwrap();
        while let Ok(id) = rx.recv() { //~ guard_across_blocking
            entries.push(id);
        }
    }

    pub fn wait_for(&self, worker: JoinHandle<u64>) -> u64 {
        let entries = self.entries.lock().unwrap();
        let id = worker.join().unwrap(); //~ guard_across_blocking
        id + entries.len() as u64
    }

    pub fn notify(&self, on_change: impl Fn(usize)) {
        let entries = self.entries.lock().unwrap();
        let count = entries.len();
        on_change(count); //~ guard_across_blocking
    }

    pub fn fire(&self, event: u64) {
        let listeners = self.listeners.lock().unwrap();
        for listener in listeners.iter() {
            listener(event); //~ guard_across_blocking
        }
    }

    pub fn snapshot(&self) -> Vec<u8> {
        let entries = self.entries.lock().unwrap();
        let out = Command::new("date").output().unwrap(); //~ guard_across_blocking
        drop(entries);
        out.stdout
    }

    /// The sleep is in a closure the function binds and then calls under the lock.
    pub fn pause_then_count(&self) -> usize {
        let pause = || thread::sleep(Duration::from_millis(1));
        let entries = self.entries.lock().unwrap();
        pause(); //~ guard_across_blocking
        entries.len()
    }

    pub async fn remote(&self, id: u64) -> u64 {
        let entries = self.entries.lock().unwrap();
        let n = fetch(id).await; //~ guard_across_blocking
        n + entries.len() as u64
    }

    // ---- look-alikes that must stay silent ----

    /// The call is made after the guard is dropped, or after its block ends.
    pub fn released(&self, id: u64) {
        let mut entries = self.entries.lock().unwrap();
        entries.push(id);
        drop(entries);
        thread::sleep(Duration::from_millis(1));
        {
            let mut entries = self.entries.lock().unwrap();
            entries.push(id);
        }
        thread::sleep(Duration::from_millis(1));
        self.entries.lock().unwrap().push(id);
        thread::sleep(Duration::from_millis(1));
    }

    /// A closure handed the guarded data is the critical section's body.
    pub fn with_entries<R>(&self, f: impl FnOnce(&mut Vec<u64>) -> R) -> R {
        let mut entries = self.entries.lock().unwrap();
        f(&mut entries)
    }

    /// The function's own closure.
    pub fn local_closure(&self) -> usize {
        let entries = self.entries.lock().unwrap();
        let double = |n: usize| n * 2;
        double(entries.len())
    }

    /// A closure that only hands its sleep to a thread, or keeps a sleeping closure for later:
    /// calling it does not wait.
    pub fn start_pause(&self) -> usize {
        let start = || thread::spawn(|| thread::sleep(Duration::from_millis(1)));
        let later = || Box::new(|| thread::sleep(Duration::from_millis(1)));
        let entries = self.entries.lock().unwrap();
        start();
        let _kept = later();
        entries.len()
    }
}

/// Writing to the file behind the lock is what the lock is for.
pub fn append(log: &Mutex<File>, line: &[u8]) -> std::io::Result<()> {
    let mut file = log.lock().unwrap();
    file.write_all(line)?;
    file.flush()
}

/// `Condvar::wait` releases the lock while it waits.
pub fn wait_ready(ready: &Mutex<bool>, changed: &Condvar) {
    let mut guard = ready.lock().unwrap();
    while !*guard {
        guard = changed.wait(guard).unwrap();
    }
}

/// A crate's own type with an async `lock` is not a lock the analysis knows (tokio's are: see
/// `tasks.rs`).
pub async fn async_lock(entries: &AsyncMutex<Vec<u64>>, id: u64) {
    let mut guard = entries.lock().await;
    let n = fetch(id).await;
    guard.push(n);
}

/// A channel read with no lock held.
pub fn unlocked(rx: &Receiver<u64>) -> u64 {
    rx.recv().unwrap_or(0)
}

/// Awaits a future of another crate, which may suspend.
async fn fetch(id: u64) -> u64 {
    std::future::ready(id + 1).await
}

/// Stands in for `tokio::sync::Mutex`.
pub struct AsyncMutex<T>(std::sync::Mutex<T>);

impl<T> AsyncMutex<T> {
    pub async fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.0.lock().unwrap()
    }
}

/// A section lock serialises whatever it guards on purpose.
pub fn serialised(lock: &Mutex<()>, other: &Mutex<Vec<u8>>) {
    let _section = lock.lock().unwrap();
    thread::sleep(Duration::from_millis(1));
    let _g = other.lock().unwrap();
    thread::sleep(Duration::from_millis(1));
}

/// The right side runs before the lock on the left is taken.
pub fn assign(slot: &Mutex<Option<u64>>, worker: JoinHandle<u64>) {
    *slot.lock().unwrap() = Some(worker.join().unwrap());
}

/// A private helper's callback is the crate's own code.
fn with_count(entries: &Mutex<Vec<u64>>, f: impl Fn(usize)) {
    let entries = entries.lock().unwrap();
    let count = entries.len();
    f(count);
}

pub fn count_twice(entries: &Mutex<Vec<u64>>) {
    with_count(entries, |n| drop(n));
}

/// Joining the threads whose handles are the guarded data is what that lock is for.
pub fn join_all(handles: &Mutex<Vec<JoinHandle<u64>>>) -> u64 {
    let mut total = 0;
    for handle in std::mem::take(&mut *handles.lock().unwrap()) {
        total += handle.join().unwrap();
    }
    total
}

/// A condvar handshake: the guard comes back from the wait, and the waited-for thread is done
/// with the lock before it is joined.
pub fn handshake(state: &(Mutex<bool>, Condvar), worker: JoinHandle<u64>) -> u64 {
    let (lock, changed) = state;
    let mut done = lock.lock().unwrap();
    while !*done {
        done = changed.wait(done).unwrap();
    }
    worker.join().unwrap()
}

/// A lock of this function's own: no other thread can wait for it.
pub fn private(worker: JoinHandle<u64>) -> u64 {
    let scratch = Mutex::new(Vec::new());
    let mut entries = scratch.lock().unwrap();
    entries.push(worker.join().unwrap());
    entries.len() as u64
}

/// A guard moved to a name that says it is only held.
pub fn held(lock: &Mutex<Vec<u64>>) {
    let guard = lock.lock().unwrap();
    let _held = guard;
    thread::sleep(Duration::from_millis(1));
}

/// A lock reached through an enum variant's binding: its type is not in sight, and it may
/// guard a section of code (`Mutex<()>`).
pub enum Bin {
    Node(Node),
    Empty,
}

pub struct Node {
    lock: Mutex<()>,
    value: u64,
}

pub fn compute(bin: &Bin, f: impl FnOnce(u64) -> u64) -> Option<u64> {
    match bin {
        Bin::Node(ref head) => {
            let held = head.lock.lock().unwrap();
            let v = f(head.value);
            drop(held);
            Some(v)
        }
        Bin::Empty => None,
    }
}

/// Callbacks handed the guarded data: an entry found in the map, each value of a consumed
/// adapter, the guard itself through `LockResult::map`.
pub struct Registry {
    shard: std::sync::RwLock<HashMap<u64, u64>>,
    current: std::sync::RwLock<Box<dyn Fn() -> u64 + Send + Sync>>,
}

impl Registry {
    pub fn with_entry<V>(&self, key: u64, op: impl FnOnce(&u64) -> V) -> Option<V> {
        let read = self.shard.read().unwrap();
        if let Some((_, v)) = read.get_key_value(&key) {
            Some(op(v))
        } else {
            None
        }
    }

    pub fn with_entry_or_new<V>(&self, key: u64, op: impl FnOnce(&mut u64) -> V) -> V {
        let mut write = self.shard.write().unwrap();
        let v = if let Some(v) = write.get_mut(&key) {
            v
        } else {
            write.entry(key).or_insert(0)
        };
        op(v)
    }

    pub fn map_values<B>(&self, mut f: impl FnMut(&u64) -> B) -> Vec<B> {
        let read = self.shard.read().unwrap();
        read.values().map(|v| f(v)).collect()
    }

    pub fn with_current<T>(&self, mut f: impl FnMut(&dyn Fn() -> u64) -> T) -> Option<T> {
        self.current.read().map(|p| f(&**p)).ok()
    }
}

/// A temporary guard ends with its statement, closure in the stored value or not.
pub fn install_then_sleep(hook: &Mutex<Option<Box<dyn Fn() + Send>>>) {
    *hook.lock().unwrap() = Some(Box::new(|| {}));
    thread::sleep(Duration::from_millis(1));
}

/// Handles kept in a static declared inside the function, joined as they are taken out: the
/// lock is for the handles (its type is known though the static is not at module level).
pub fn join_started() {
    static STARTED: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());
    for _ in 0..2 {
        STARTED.lock().unwrap().push(thread::spawn(|| {}));
    }
    for handle in std::mem::take(&mut *STARTED.lock().unwrap()) {
        let _ = handle.join();
    }
}

/// A model-checker test: `loom::model` runs the closure once per interleaving of simulated
/// threads; holding the read guard while the other thread reads is what it checks.
#[cfg(loom)]
pub fn model_read_while_held() {
    loom::model(|| {
        let lock = loom::sync::Arc::new(loom::sync::RwLock::new(1));
        let other = lock.clone();
        let held = lock.read().unwrap();
        loom::thread::spawn(move || {
            let _ = other.read();
        })
        .join()
        .unwrap();
        drop(held);
    });
}
