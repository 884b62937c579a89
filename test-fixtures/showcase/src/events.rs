//! An event pipeline: every buffered event keeps its payload behind an `Arc` that nothing ever
//! shares, paying an allocation, an atomic decrement and a pointer hop per event.

use std::sync::Arc;

pub struct Payload {
    pub kind: u32,
    pub bytes: u32,
}

pub struct Event {
    id: u64,
    payload: Arc<Payload>, //~ unshared_arc
}

impl Event {
    pub fn new(id: u64) -> Event {
        Event {
            id,
            payload: Arc::new(Payload {
                kind: (id % 7) as u32,
                bytes: (64 + id % 1000) as u32,
            }),
        }
    }

    pub fn weight(&self) -> u64 {
        u64::from(self.payload.bytes) * u64::from(self.payload.kind + 1) + (self.id & 0xff)
    }
}
