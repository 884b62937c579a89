//! Read-modify-write updates of a scalar behind a lock, in the shapes real code writes them,
//! and locks that keep a scalar consistent with something else.

use std::cmp::max;
use std::sync::{Arc, Condvar, Mutex, RwLock};

pub struct Transfer {
    bytes: Mutex<usize>, //~ mutex_scalar
    in_flight: Mutex<u64>, //~ mutex_scalar
    next_slot: Mutex<usize>, //~ mutex_scalar
    peak: Mutex<u64>, //~ mutex_scalar
    high_water: RwLock<u64>, //~ mutex_scalar
    slots: usize,
}

impl Transfer {
    pub fn sent(&self, chunk: &[u8]) {
        *self.bytes.lock().unwrap() += chunk.len();
    }

    pub fn finished(&self, n: u64) {
        let mut in_flight = self.in_flight.lock().unwrap();
        *in_flight -= n;
    }

    pub fn started(&self) {
        let mut in_flight = self.in_flight.lock().unwrap();
        *in_flight = *in_flight + 1;
    }

    /// Round robin over the slots.
    pub fn pick(&self) -> usize {
        let mut next = self.next_slot.lock().unwrap();
        let slot = *next;
        *next = (slot + 1) % self.slots;
        slot
    }

    pub fn observe(&self, depth: u64) {
        let mut peak = self.peak.lock().unwrap();
        *peak = max(*peak, depth);
    }

    pub fn raise(&self, level: u64) {
        let mut high = self.high_water.write().unwrap();
        if level > *high {
            *high = level;
        }
    }

    pub fn high_water(&self) -> u64 {
        *self.high_water.read().unwrap()
    }
}

// ---- look-alikes that must stay silent ----

/// Two values updated in one critical section that must agree: the lock guards the pair, not
/// one scalar (and the count alone is not what it guards).
pub struct Window {
    state: Mutex<(u64, u64)>,
    total: Mutex<u64>,
    log: Mutex<Vec<u64>>,
}

impl Window {
    pub fn push(&self, value: u64) {
        let mut state = self.state.lock().unwrap();
        state.0 += 1;
        state.1 += value;
    }

    /// The scalar's lock is held while another is updated: together they must be atomic.
    pub fn record(&self, value: u64) {
        let mut total = self.total.lock().unwrap();
        *total += value;
        self.log.lock().unwrap().push(*total);
    }
}

/// A counter whose waiters sleep on a `Condvar` until it reaches zero.
pub struct Latch {
    remaining: Mutex<usize>,
    zero: Condvar,
}

impl Latch {
    pub fn count_down(&self) {
        let mut remaining = self.remaining.lock().unwrap();
        *remaining -= 1;
        if *remaining == 0 {
            self.zero.notify_all();
        }
    }

    pub fn wait(&self) {
        let mut remaining = self.remaining.lock().unwrap();
        while *remaining > 0 {
            remaining = self.zero.wait(remaining).unwrap();
        }
    }
}

/// The number is a turn: the lock is held while the work of the turn is done.
pub struct Turnstile {
    turn: Arc<Mutex<u64>>,
}

impl Turnstile {
    pub fn take_turn(&self, work: impl FnOnce(u64)) {
        let mut turn = self.turn.lock().unwrap();
        work(*turn);
        *turn += 1;
    }
}
