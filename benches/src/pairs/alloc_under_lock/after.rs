//! `alloc_under_lock`, the fix: each access-log line is formatted before the lock is taken, so
//! the critical section is only the push.

use std::ops::Range;
use std::sync::Mutex;

/// Appends one access-log line per request in `requests` to `log`.
pub fn log_requests(log: &Mutex<Vec<String>>, requests: Range<u64>) {
    for request in requests {
        let (client, micros) = (request % 251, request % 977);
        let line = format!("GET /item/{request} client=10.0.0.{client} status=200 took={micros}us");
        log.lock().unwrap().push(line);
    }
}
