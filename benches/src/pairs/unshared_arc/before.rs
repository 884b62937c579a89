//! `unshared_arc`, the flagged shape: every buffered event keeps its payload behind an `Arc`
//! that nothing ever shares. Each event pays for a heap allocation, a free and an atomic
//! decrement when it is dropped, and a pointer hop whenever its payload is read.

use std::ops::Range;
use std::sync::Arc;

/// Events buffered before a batch is summarised.
pub const BATCH: usize = 256;

/// What an event carries.
pub struct Payload {
    kind: u32,
    bytes: u32,
}

/// One event of a pipeline.
pub struct Event {
    id: u64,
    payload: Arc<Payload>, //~ unshared_arc
}

impl Event {
    /// The event numbered `id`.
    pub fn new(id: u64) -> Event {
        Event {
            id,
            payload: Arc::new(Payload {
                kind: (id % 7) as u32,
                bytes: (64 + id % 1000) as u32,
            }),
        }
    }

    /// The event's cost in the batch summary.
    pub fn weight(&self) -> u64 {
        u64::from(self.payload.bytes) * u64::from(self.payload.kind + 1) + (self.id & 0xff)
    }
}

/// Creates the events numbered `ids`, buffering them in batches of `BATCH`, and returns the sum
/// of their weights.
pub fn process_events(ids: Range<u64>) -> u64 {
    let mut batch: Vec<Event> = Vec::with_capacity(BATCH);
    let mut total = 0u64;
    for id in ids {
        batch.push(Event::new(id));
        if batch.len() == BATCH {
            total += flush(&mut batch);
        }
    }
    total + flush(&mut batch)
}

/// Summarises the buffered events and empties the buffer.
fn flush(batch: &mut Vec<Event>) -> u64 {
    let total = batch.iter().map(Event::weight).sum();
    batch.clear();
    total
}
