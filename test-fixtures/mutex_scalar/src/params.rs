//! Scalars behind locks whose uses are in other functions, reached through parameters.

use std::sync::{Arc, Mutex};
use std::thread;

pub fn bump(counter: &Mutex<u64>, by: u64) {
    *counter.lock().unwrap() += by;
}

fn add_bytes(total: &Arc<Mutex<usize>>, chunk: &[u8]) {
    let mut total = total.lock().unwrap();
    *total += chunk.len();
}

/// The lock handed on twice before it is locked.
fn record(total: &Arc<Mutex<usize>>, chunk: &[u8]) {
    add_bytes(total, chunk);
}

pub struct Meter {
    requests: Mutex<u64>, //~ mutex_scalar
}

impl Meter {
    pub fn hit(&self) {
        bump(&self.requests, 1);
    }
}

/// Four workers, each adding the bytes of its share of the chunks.
pub fn upload(chunks: Vec<Vec<u8>>) -> usize {
    let total = Arc::new(Mutex::new(0usize)); //~ mutex_scalar
    let chunks = Arc::new(chunks);
    let workers: Vec<_> = (0..4)
        .map(|worker| {
            let total = Arc::clone(&total);
            let chunks = Arc::clone(&chunks);
            thread::spawn(move || {
                for chunk in chunks.iter().skip(worker).step_by(4) {
                    record(&total, chunk);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let sent = *total.lock().unwrap();
    sent
}

// ---- look-alikes that must stay silent ----

/// A callee holds the guard across other work: the lock guards a section.
fn append_line(seq: &Mutex<u64>, lines: &mut Vec<String>, text: &str) {
    let mut seq = seq.lock().unwrap();
    lines.push(format!("{} {text}", *seq));
    *seq += 1;
}

pub struct Journal {
    seq: Mutex<u64>,
}

impl Journal {
    pub fn write(&self, lines: &mut Vec<String>, text: &str) {
        append_line(&self.seq, lines, text);
    }

    pub fn seq(&self) -> u64 {
        *self.seq.lock().unwrap()
    }
}
