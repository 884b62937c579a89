//! `alloc_under_lock`, the flagged shape: each access-log line is formatted (a heap allocation
//! and the formatting work) inside the log's critical section, so workers queue behind each
//! other's `format!`.

use std::ops::Range;
use std::sync::Mutex;

/// Appends one access-log line per request in `requests` to `log`.
pub fn log_requests(log: &Mutex<Vec<String>>, requests: Range<u64>) {
    for request in requests {
        let (client, micros) = (request % 251, request % 977);
        let mut lines = log.lock().unwrap();
        lines.push(format!("GET /item/{request} client=10.0.0.{client} status=200 took={micros}us")); //~ alloc_under_lock
    }
}
