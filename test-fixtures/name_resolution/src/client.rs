//! The client's `State`: the same field names, other types and other uses. Before types were
//! resolved by path, its `hits` and the server's were one declaration, and this complex use
//! kept the server's counter from being reported.

use std::sync::Mutex;

// A rename of the server's type, next to this module's own.
use crate::server::State as ServerState;

pub struct State {
    pub hits: Mutex<u64>,
    pub names: Vec<String>,
}

impl State {
    /// The lock guards a section of work, not only the count: not a scalar's lock.
    pub fn connect(&self) -> u64 {
        let mut guard = self.hits.lock().unwrap();
        *guard += 1;
        std::thread::sleep(std::time::Duration::from_millis(1)); //~ guard_across_blocking
        *guard
    }

    /// A copy of this `State`'s names is not under any lock.
    pub fn names(&self) -> Vec<String> {
        self.names.clone()
    }
}

/// Through the rename, the server's names are behind a lock.
pub fn server_names(server: &ServerState) -> Vec<String> {
    server.names.lock().unwrap().clone() //~ clone_under_lock
}
