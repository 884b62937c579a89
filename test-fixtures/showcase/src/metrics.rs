//! A metrics collector: `increment` clones the shared map's `Arc`, spawns a thread and bumps a
//! counter; it is called in a loop. And a thousand threads that each add one to a counter.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;

pub struct Metrics {
    counts: Arc<Mutex<HashMap<String, u64>>>, //~ single_lock_map
}

impl Metrics {
    pub fn increment(&self, key: &str) {
        let counts = Arc::clone(&self.counts);
        let key = key.to_string();
        thread::spawn(move || { //~ thread_spawn_per_task
            *counts.lock().unwrap().entry(key).or_insert(0) += 1;
        });
    }
}

pub fn record_all(metrics: &Metrics, events: &[String]) {
    for event in events {
        metrics.increment(event);
    }
}

pub fn thousand_threads() -> u64 {
    let counter = Arc::new(Mutex::new(0u64)); //~ mutex_scalar
    let mut handles = Vec::new();
    for _ in 0..1000 {
        let counter = Arc::clone(&counter);
        handles.push(thread::spawn(move || { //~ thread_spawn_per_task
            *counter.lock().unwrap() += 1;
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }
    let total = *counter.lock().unwrap();
    total
}
