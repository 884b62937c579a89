//! Publishing the current configuration to readers on other threads, with a pointer to a local
//! that is gone when the function returns.

use std::sync::atomic::{AtomicPtr, Ordering};

pub struct Config {
    pub timeout_ms: u64,
}

pub fn publish(current: &AtomicPtr<Config>, timeout_ms: u64) {
    let mut config = Config { timeout_ms };
    current.store(&mut config as *mut Config, Ordering::Release); //~ atomic_ptr_to_local
}
