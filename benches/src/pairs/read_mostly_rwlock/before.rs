//! `read_mostly_rwlock`, the flagged shape: a routing table read on every request and replaced
//! whole on reload, behind an `RwLock`. Readers do not wait for each other, but each read still
//! writes the lock word twice, and that cache line moves between every reading core.

use std::ops::Range;
use std::sync::RwLock;

/// Requests between two reloads of the table.
pub const RELOAD_EVERY: u64 = 1 << 16;

/// Which backend serves each shard of the key space.
pub struct RouteTable {
    backends: Vec<u64>,
}

impl RouteTable {
    /// The table for `shards` shards spread over `backends` backends.
    pub fn build(shards: u64, backends: u64) -> RouteTable {
        RouteTable {
            backends: (0..shards).map(|shard| shard * 7 % backends).collect(),
        }
    }
}

/// The live routing table, shared by every worker.
pub struct Router {
    table: RwLock<RouteTable>, //~ read_mostly_rwlock
}

impl Router {
    /// A router over `table`.
    pub fn new(table: RouteTable) -> Router {
        Router {
            table: RwLock::new(table),
        }
    }

    /// The backend that serves `key`.
    pub fn route(&self, key: u64) -> u64 {
        let table = self.table.read().unwrap();
        table.backends[(key % table.backends.len() as u64) as usize]
    }

    /// Replaces the whole table.
    pub fn reload(&self, table: RouteTable) {
        *self.table.write().unwrap() = table;
    }
}

/// Routes the requests numbered `requests`, reloading the table every `RELOAD_EVERY` requests,
/// and returns the sum of the backends chosen.
pub fn serve(router: &Router, requests: Range<u64>, shards: u64, backends: u64) -> u64 {
    let mut total = 0u64;
    for request in requests {
        if request % RELOAD_EVERY == 0 {
            router.reload(RouteTable::build(shards, backends));
        }
        total = total.wrapping_add(router.route(request.wrapping_mul(0x9e37_79b9)));
    }
    total
}
