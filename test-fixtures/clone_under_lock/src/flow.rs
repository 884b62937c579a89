//! Guards and borrows of guarded data followed through the control flow real code writes:
//! `let .. else`, `match` on a poisoned lock, `?` after `map_err`, `ok_or(..)?`, and getters
//! whose signature returns a reference tied to `&self`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError, RwLock};

#[derive(Debug)]
pub enum StoreError {
    Poisoned,
    Missing,
}

/// Segments of a log, cached by name.
pub struct Segments {
    by_name: Mutex<HashMap<String, Vec<u8>>>,
    by_id: RwLock<HashMap<u64, Vec<u64>>>,
}

impl Segments {
    pub fn let_else_guard(&self, name: &str) -> Option<Vec<u8>> {
        let Ok(segments) = self.by_name.lock() else {
            return None;
        };
        let segment = segments.get(name)?;
        Some(segment.clone()) //~ clone_under_lock
    }

    pub fn poison_recovered(&self, name: &str) -> Option<Vec<u8>> {
        let segments = match self.by_name.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        segments.get(name).cloned() //~ clone_under_lock
    }

    pub fn mapped_error(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        let segments = self.by_name.lock().map_err(|_| StoreError::Poisoned)?;
        let segment = segments.get(name).ok_or(StoreError::Missing)?;
        Ok(segment.to_vec()) //~ clone_under_lock
    }

    pub fn into_inner_on_poison(&self, id: u64) -> Result<Vec<u64>, StoreError> {
        let ids = self.by_id.read().unwrap_or_else(PoisonError::into_inner);
        let offsets = ids.get(&id).ok_or_else(|| StoreError::Missing)?;
        Ok(offsets.clone()) //~ clone_under_lock
    }

    pub fn matched_borrow(&self, id: u64) -> Vec<u64> {
        let ids = self.by_id.read().expect("segment index poisoned");
        let offsets = match ids.get(&id) {
            Some(offsets) => offsets,
            None => return Vec::new(),
        };
        offsets.clone() //~ clone_under_lock
    }

    // ---- look-alikes that must stay silent ----

    /// Only the length is read under the lock; the copy is of a local buffer.
    pub fn length_only(&self, name: &str) -> Vec<u8> {
        let Ok(segments) = self.by_name.lock() else {
            return Vec::new();
        };
        let Some(len) = segments.get(name).map(Vec::len) else {
            return Vec::new();
        };
        drop(segments);
        let buffer = vec![0u8; len];
        buffer.clone()
    }

    /// The copy is made after the guard of the `match` is dropped.
    pub fn copied_after(&self, template: &[u64]) -> Vec<u64> {
        let count = {
            let ids = match self.by_id.read() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            ids.len()
        };
        let mut copy = template.to_vec();
        copy.truncate(count);
        copy
    }
}

/// A crate type whose getters hand out references into itself.
pub struct Index {
    entries: Vec<u64>,
    names: HashMap<u64, Vec<u8>>,
}

impl Index {
    pub fn entries(&self) -> &[u64] {
        &self.entries
    }

    pub fn name(&self, id: u64) -> Option<&Vec<u8>> {
        self.names.get(&id)
    }

    /// An owned value: not a borrow of the index.
    pub fn count(&self) -> usize {
        self.entries.len()
    }
}

pub struct Catalog {
    index: Mutex<Index>,
}

impl Catalog {
    pub fn entries(&self) -> Vec<u64> {
        self.index.lock().unwrap().entries().to_vec() //~ clone_under_lock
    }

    pub fn name(&self, id: u64) -> Option<Vec<u8>> {
        let index = self.index.lock().unwrap();
        let name = index.name(id)?;
        Some(name.clone()) //~ clone_under_lock
    }

    // ---- look-alikes that must stay silent ----

    /// The getter returns a number, not a borrow.
    pub fn count(&self) -> Vec<usize> {
        let n = self.index.lock().unwrap().count();
        let counts = vec![n; 4];
        counts.clone()
    }
}
