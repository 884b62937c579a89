//! The server's `State`: a counter behind a lock, only ever bumped.

use std::sync::Mutex;

mod stats;

pub struct State {
    pub hits: Mutex<u64>, //~ mutex_scalar
    pub names: Mutex<Vec<String>>,
}

impl State {
    pub fn hit(&self) {
        *self.hits.lock().unwrap() += 1;
    }
}

#[cfg(test)]
mod tests {
    // A glob of the parent module: `State` here is the server's.
    use super::*;

    #[test]
    fn copies_under_the_lock() {
        let state = State {
            hits: Mutex::new(0),
            names: Mutex::new(Vec::new()),
        };
        let _all = state.names.lock().unwrap().clone(); //~ clone_under_lock
    }
}
