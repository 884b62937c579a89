//! A RAM chunk cache holding 10 MB chunks: a read copies the whole chunk under the read lock,
//! then copies it again to cut 4 KB out.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub struct ChunkCache {
    chunks: Arc<RwLock<HashMap<String, Vec<u8>>>>,
}

impl ChunkCache {
    pub fn chunk(&self, name: &str) -> Option<Vec<u8>> {
        match self.chunks.read().unwrap().get(name) {
            Some(chunk) => Some(chunk.clone()), //~ clone_under_lock
            None => None,
        }
    }

    pub fn read(&self, name: &str, offset: usize, len: usize) -> Option<Vec<u8>> {
        let chunk = self.chunk(name)?;
        Some(cut(chunk.clone(), offset, len)) //~ over_copy
    }
}

fn cut(data: Vec<u8>, offset: usize, len: usize) -> Vec<u8> {
    data[offset..offset + len].to_vec()
}
