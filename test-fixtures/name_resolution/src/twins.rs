//! One item in two `#[cfg]` variants is one item: the loom build's and the standard one, and a
//! test build's. Each variant's type resolves through its own `use`.

#[cfg(loom)]
use loom::sync::Mutex;
#[cfg(not(loom))]
use std::sync::Mutex;

#[cfg(not(test))]
pub struct Queue {
    pub items: Mutex<Vec<u64>>,
}

#[cfg(test)]
pub struct Queue {
    pub items: Mutex<Vec<u64>>,
}

impl Queue {
    pub fn all(&self) -> Vec<u64> {
        self.items.lock().unwrap().clone() //~ clone_under_lock
    }
}
