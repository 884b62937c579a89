pub mod inner {
    use std::sync::RwLock;

    pub struct Config {
        pub table: RwLock<Vec<u8>>,
    }
}

/// Through the crate root's re-export.
pub fn table(config: &crate::Config) -> Vec<u8> {
    config.table.read().unwrap().clone() //~ clone_under_lock
}
