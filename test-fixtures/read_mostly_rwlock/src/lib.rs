//! `RwLock`s read by many threads and only ever replaced whole, and look-alikes that must stay
//! silent.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::thread;

pub mod handed;
pub mod services;

pub struct Config {
    pub timeout_ms: u64,
    pub backends: Vec<String>,
}

/// Read on every request, replaced whole on reload.
pub struct Server {
    config: RwLock<Config>, //~ read_mostly_rwlock
}

impl Server {
    pub fn handle(&self, requests: &[u64]) -> u64 {
        let mut total = 0;
        for request in requests {
            let config = self.config.read().unwrap();
            total += request % config.timeout_ms.max(1);
        }
        total
    }

    pub fn reload(&self, config: Config) {
        *self.config.write().unwrap() = config;
    }
}

/// Workers spawned in a loop read it; the caller swaps a new table in.
pub fn serve(tables: Vec<Vec<u64>>, workers: usize) {
    let table = Arc::new(RwLock::new(Vec::new())); //~ read_mostly_rwlock
    for _ in 0..workers {
        let table = Arc::clone(&table);
        thread::spawn(move || loop {
            if table.read().unwrap().is_empty() {
                break;
            }
        });
    }
    for next in tables {
        let mut current = table.write().unwrap();
        let _old = std::mem::replace(&mut *current, next);
    }
}

// ---- look-alikes that must stay silent ----

/// Written in place: swapping a whole new value per write would copy it.
pub struct History {
    entries: RwLock<Vec<u64>>,
}

impl History {
    pub fn latest(&self, n: &[u64]) -> usize {
        n.iter().map(|_| self.entries.read().unwrap().len()).sum()
    }

    pub fn record(&self, entry: u64) {
        self.entries.write().unwrap().push(entry);
    }
}

/// Written per key: `single_lock_map`'s concern, not this lint's.
pub struct Sessions {
    by_id: RwLock<HashMap<u64, String>>,
}

impl Sessions {
    pub fn names(&self, ids: &[u64]) -> usize {
        ids.iter()
            .filter(|id| self.by_id.read().unwrap().contains_key(id))
            .count()
    }

    pub fn login(&self, id: u64, name: String) {
        self.by_id.write().unwrap().insert(id, name);
    }
}

/// Never written after it is made.
pub struct Fixed {
    table: RwLock<Vec<u64>>,
}

impl Fixed {
    pub fn sum(&self, keys: &[usize]) -> u64 {
        keys.iter().map(|&k| self.table.read().unwrap()[k]).sum()
    }
}

/// Read only outside hot code, by one thread.
pub struct Settings {
    value: RwLock<String>,
}

impl Settings {
    pub fn show(&self) -> String {
        self.value.read().unwrap().clone()
    }

    pub fn set(&self, value: String) {
        *self.value.write().unwrap() = value;
    }
}

/// The fixed shape: the value in an `ArcSwap`, loaded by the readers and stored whole by the
/// writer; nothing to report (and the crate depends on arc-swap, so the findings above offer
/// the same rewrite).
pub struct Routes {
    table: arc_swap::ArcSwap<Vec<u64>>,
}

impl Routes {
    pub fn route(&self, requests: &[usize]) -> u64 {
        requests
            .iter()
            .map(|&r| self.table.load().get(r).copied().unwrap_or(0))
            .sum()
    }

    pub fn reload(&self, table: Vec<u64>) {
        self.table.store(Arc::new(table));
    }
}
