//! Allocations made inside critical sections that do not need the lock, and look-alikes that
//! must stay silent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub struct Registry {
    counts: Mutex<HashMap<String, u64>>,
    log: Mutex<Vec<String>>,
    blobs: Mutex<Vec<Box<[u8; 64]>>>,
    buffers: Mutex<Vec<Vec<u8>>>,
    shared: Mutex<Vec<Arc<String>>>,
}

impl Registry {
    pub fn count(&self, key: &str) {
        let mut counts = self.counts.lock().unwrap();
        *counts.entry(key.to_string()).or_insert(0) += 1; //~ alloc_under_lock
    }

    pub fn log_request(&self, client: u32, status: u16) {
        let mut lines = self.log.lock().unwrap();
        lines.push(format!("{client} {status}")); //~ alloc_under_lock
    }

    pub fn keep(&self, blob: [u8; 64]) {
        self.blobs.lock().unwrap().push(Box::new(blob)); //~ alloc_under_lock
    }

    pub fn name(&self, name: &String) {
        let mut lines = self.log.lock().unwrap();
        lines.push(name.clone()); //~ alloc_under_lock
    }

    pub fn buffer(&self, size: usize) {
        let mut buffers = self.buffers.lock().unwrap();
        buffers.push(vec![0u8; size]); //~ alloc_under_lock
    }

    // ---- look-alikes that must stay silent ----

    /// Made before the lock, moved in.
    pub fn count_prepared(&self, key: &str) {
        let key = key.to_string();
        *self.counts.lock().unwrap().entry(key).or_insert(0) += 1;
    }

    /// Made after the guard is gone.
    pub fn after(&self) -> String {
        let lines = self.log.lock().unwrap();
        let n = lines.len();
        drop(lines);
        format!("{n} lines")
    }

    /// Made from what was read under the lock.
    pub fn summary(&self) -> String {
        let lines = self.log.lock().unwrap();
        let n = lines.len();
        format!("{n} lines")
    }

    /// A copy of the guarded data itself.
    pub fn first(&self) -> Option<String> {
        let lines = self.log.lock().unwrap();
        lines.first().map(|l| l.to_string())
    }

    /// An error path.
    pub fn checked(&self, key: &str) -> Result<u64, String> {
        let counts = self.counts.lock().unwrap();
        match counts.get(key) {
            Some(n) => Ok(*n),
            None => Err(format!("no count for {key}")),
        }
    }

    /// A reference count, not an allocation.
    pub fn share(&self, value: &Arc<String>) {
        self.shared.lock().unwrap().push(Arc::clone(value));
    }
}

/// No lock is held where `try_lock` failed.
pub fn try_or_defer(log: &Mutex<Vec<String>>, deferred: &Mutex<Vec<String>>, line: &str) {
    if let Ok(mut lines) = log.try_lock() {
        lines.push(line.len().to_string()); //~ alloc_under_lock
    } else {
        let owned = line.to_owned();
        deferred.lock().unwrap().push(owned);
    }
}

/// One value per entry of the guarded data: how many is known only under the lock.
pub fn tags(registry: &Mutex<HashMap<String, u64>>) -> Vec<(Vec<u8>, u64)> {
    let counts = registry.lock().unwrap();
    let mut out = Vec::new();
    for (_, n) in counts.iter() {
        out.push((b"tag".to_vec(), *n));
    }
    out
}

/// A lock of this function's own has no other user to wait.
pub fn scratch(prefix: &str) -> usize {
    let lines = Mutex::new(Vec::new());
    lines.lock().unwrap().push(prefix.to_string());
    let n = lines.lock().unwrap().len();
    n
}

/// A lock of the test's own, declared through an alias and made by `Default::default()`, its
/// guard bound to the same name: no other thread can reach it.
pub type Epochs = Arc<Mutex<Vec<u64>>>;

pub fn own_epochs() -> usize {
    let epochs: Epochs = Default::default();
    let mut epochs = epochs.lock().unwrap();
    epochs.push(1);
    let scratch = vec![0u8; 16];
    scratch.len() + epochs.len()
}

/// A closure that does nothing is zero-sized: boxing it allocates nothing.
pub fn disarm(hook: &Mutex<Box<dyn Fn(u64) + Send>>) -> Box<dyn Fn(u64) + Send> {
    let mut hook = hook.lock().unwrap();
    std::mem::replace(&mut *hook, Box::new(|_| {}))
}
