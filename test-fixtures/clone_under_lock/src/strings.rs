//! Strings copied under a lock once for each entry of the guarded data: the copies grow with
//! the data, like a copy of the collection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

#[derive(Clone)]
pub struct Peer {
    pub name: String,
    pub address: String,
}

pub struct Registry {
    leader: RwLock<String>,
    peers: Mutex<HashMap<u64, Peer>>,
    motd: Mutex<Option<String>>,
    labels: Mutex<Vec<String>>,
}

impl Registry {
    pub fn names(&self) -> Vec<String> {
        let peers = self.peers.lock().unwrap();
        peers.values().map(|peer| peer.name.clone()).collect() //~ clone_under_lock
    }

    pub fn addresses(&self) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        for (id, peer) in self.peers.lock().unwrap().iter() {
            out.push((*id, peer.address.to_string())); //~ clone_under_lock
        }
        out
    }

    pub fn labels(&self) -> Vec<String> {
        self.labels.lock().unwrap().to_vec() //~ clone_under_lock
    }

    // ---- look-alikes that must stay silent ----

    /// One lone string: a name is a small copy.
    pub fn leader(&self) -> String {
        self.leader.read().unwrap().clone()
    }

    pub fn leader_from(&self) -> String {
        let leader = self.leader.read().unwrap();
        String::from(&*leader)
    }

    pub fn address(&self, id: u64) -> Option<String> {
        let peers = self.peers.lock().unwrap();
        let peer = peers.get(&id)?;
        Some(peer.address.to_string())
    }

    /// A crate type whose only growing fields are strings.
    pub fn peer(&self, id: u64) -> Option<Peer> {
        self.peers.lock().unwrap().get(&id).cloned()
    }

    pub fn motd(&self) -> Option<String> {
        self.motd.lock().unwrap().clone()
    }
}

pub struct Sessions {
    names: Mutex<HashMap<u64, Arc<str>>>,
    ids: Mutex<HashMap<String, u64>>,
    state: Mutex<(u64, bool)>,
}

impl Sessions {
    /// `Arc<str>` values: a clone is a reference-count increment (the fix).
    pub fn names(&self) -> Vec<Arc<str>> {
        self.names.lock().unwrap().values().cloned().collect()
    }

    /// A number formatted under the lock is a new string, not a copy of guarded data.
    pub fn id_texts(&self) -> Vec<String> {
        let ids = self.ids.lock().unwrap();
        ids.values().map(|id| id.to_string()).collect()
    }

    /// A `Copy` pair copied out.
    pub fn state(&self) -> (u64, bool) {
        let state = self.state.lock().unwrap();
        state.clone()
    }
}
