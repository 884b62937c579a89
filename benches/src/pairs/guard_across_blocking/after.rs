//! `guard_across_blocking`, the fix: the journal's guard is dropped before the blocking backend
//! call (a 50 µs sleep standing in for a network round trip), so handlers wait in parallel.

use std::ops::Range;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

/// How long the simulated backend call blocks.
pub const BACKEND_CALL: Duration = Duration::from_micros(50);

/// Handles the requests numbered `requests`, recording each in `journal`.
pub fn handle(journal: &Mutex<Vec<u64>>, requests: Range<u64>) {
    for request in requests {
        {
            let mut entries = journal.lock().unwrap();
            entries.push(request);
        }
        thread::sleep(BACKEND_CALL);
    }
}
