//! A request handler that records each request in a shared journal: it formats the journal line
//! and calls the backend while the journal's lock is held.

use std::sync::Mutex;
use std::thread;
use std::time::Duration;

pub struct Journal {
    lines: Mutex<Vec<String>>,
}

impl Journal {
    pub fn handle(&self, client: u32, path: &str) {
        let mut lines = self.lines.lock().unwrap();
        lines.push(format!("{client} GET {path}")); //~ alloc_under_lock
        call_backend(path); //~ guard_across_blocking
    }
}

fn call_backend(path: &str) {
    // Stands in for a network round trip.
    let _ = path;
    thread::sleep(Duration::from_micros(50));
}
