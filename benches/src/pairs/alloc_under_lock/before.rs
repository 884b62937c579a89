//! `alloc_under_lock`, the flagged shape: each access-log line is formatted (a heap allocation
//! and the formatting work) inside the log's critical section, so workers queue behind each
//! other's `format!`.

use std::ops::Range;
use std::sync::Mutex;

/// Appends one access-log line per request in `requests` to the shared `log`.
pub fn log_requests(log: &Mutex<Vec<String>>, requests: Range<u64>) {
    for request in requests {
        let (client, second, bytes) = (request % 65_521, request % 3600, 512 + request % 4096);
        let status = if request % 17 == 0 { 404 } else { 200 };
        let seconds = (request % 977) as f64 / 1e6;
        let mut lines = log.lock().unwrap();
        lines.push(format!( //~ alloc_under_lock
            "10.0.{}.{} - - [23/Nov/2026:11:{:02}:{:02} +0000] \"GET /api/v2/items/{request} HTTP/1.1\" {status} {bytes} \"-\" \"bench/1.0\" rt={seconds:.6} kb={:.2}",
            client / 256,
            client % 256,
            second / 60,
            second % 60,
            bytes as f64 / 1024.0
        ));
    }
}
