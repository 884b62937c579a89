//! `guard_across_blocking`, the flagged shape: a handler records the request in a shared journal
//! and then calls the backend (a blocking call, here a 50 µs sleep standing in for a network
//! round trip) with the journal's guard still alive, so every other handler waits out the call.

use std::ops::Range;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

/// How long the simulated backend call blocks.
pub const BACKEND_CALL: Duration = Duration::from_micros(50);

/// Handles the requests numbered `requests`, recording each in `journal`.
pub fn handle(journal: &Mutex<Vec<u64>>, requests: Range<u64>) {
    for request in requests {
        let mut entries = journal.lock().unwrap();
        entries.push(request);
        thread::sleep(BACKEND_CALL); //~ guard_across_blocking
    }
}
