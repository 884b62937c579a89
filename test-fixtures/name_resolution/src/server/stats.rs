//! Methods of the server's `State` written from a child module.

impl super::State {
    pub fn snapshot(&self) -> Vec<String> {
        self.names.lock().unwrap().clone() //~ clone_under_lock
    }
}
