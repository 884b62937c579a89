//! `SeqCst` updates of counters whose result is unused, and look-alikes that must stay silent.

use std::sync::atomic::Ordering::{self, SeqCst};
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::Arc;

pub struct Stats {
    requests: AtomicU64,
    bytes: AtomicU64,
    active: Arc<AtomicUsize>,
    tickets: AtomicU64,
    users: AtomicUsize,
    published: AtomicU64,
}

impl Stats {
    pub fn record(&self, bytes: u64) {
        self.requests.fetch_add(1, Ordering::SeqCst); //~ seqcst_counter
        self.bytes.fetch_add(bytes, std::sync::atomic::Ordering::SeqCst); //~ seqcst_counter
        let _ = self.active.fetch_sub(1, SeqCst); //~ seqcst_counter
    }

    // ---- look-alikes that must stay silent ----

    /// The result is used: a ticket.
    pub fn ticket(&self) -> u64 {
        self.tickets.fetch_add(1, Ordering::SeqCst)
    }

    /// The result is compared.
    pub fn last_one_out(&self) -> bool {
        self.users.fetch_sub(1, Ordering::SeqCst) == 1
    }

    /// Already relaxed.
    pub fn relaxed(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// Loads and stores may publish data.
    pub fn publish(&self, n: u64) -> u64 {
        self.published.store(n, Ordering::SeqCst);
        self.published.load(Ordering::SeqCst)
    }
}

/// Statistics counted per kind of event, in the arms of a `match` whose value is dropped: in
/// a block, or as an arm's value.
pub enum Event {
    Hit,
    Miss,
    Evict,
    Expire,
}

pub struct EventStats {
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
    expired: AtomicU64,
    served: AtomicU64,
}

impl EventStats {
    pub fn record(&self, event: &Event) {
        match event {
            Event::Hit => {
                self.hits.fetch_add(1, Ordering::SeqCst); //~ seqcst_counter
                0
            }
            Event::Miss => self.misses.fetch_add(1, Ordering::SeqCst), //~ seqcst_counter
            Event::Evict | Event::Expire => {
                if matches!(event, Event::Evict) {
                    self.evictions.fetch_add(1, Ordering::SeqCst) //~ seqcst_counter
                } else {
                    self.expired.fetch_add(1, Ordering::SeqCst) //~ seqcst_counter
                }
            }
        };
    }

    /// The `match`'s value is returned: the arms' results are used (a ticket).
    pub fn serve(&self, event: &Event) -> u64 {
        match event {
            Event::Hit => self.served.fetch_add(1, Ordering::SeqCst),
            _ => 0,
        }
    }
}

/// A crate type with a `fetch_add` of its own.
pub struct Ledger {
    total: u64,
}

impl Ledger {
    pub fn fetch_add(&mut self, n: u64, _order: Ordering) -> u64 {
        self.total += n;
        self.total
    }
}

pub fn ledger(ledger: &mut Ledger) {
    ledger.fetch_add(1, Ordering::SeqCst);
}

/// A lock's state word: updated with `fetch_add`, but also compared and swapped.
pub struct RawRwLock {
    state: AtomicUsize,
}

impl RawRwLock {
    pub fn try_write(&self) -> bool {
        self.state
            .compare_exchange(0, 1 << 31, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    pub fn downgrade(&self) {
        self.state.fetch_add(1, Ordering::SeqCst);
    }
}

/// A handshake, not a counter: the update is followed by a `SeqCst` load of another atomic
/// (Dekker's), and the other side decides on a load of it.
pub struct Parker {
    pending: AtomicUsize,
    notified: std::sync::atomic::AtomicBool,
}

impl Parker {
    pub fn park(&self) {
        self.pending.fetch_add(1, Ordering::SeqCst);
        if self.notified.load(Ordering::SeqCst) {
            return;
        }
        std::thread::park();
    }

    pub fn unpark(&self) {
        self.notified.store(true, Ordering::SeqCst);
        if self.pending.load(Ordering::SeqCst) == 0 {
            return;
        }
    }
}

/// Counted in one place, read as a result in another: a state word.
pub struct Ops {
    waiting: AtomicUsize,
}

impl Ops {
    pub fn enter(&self) {
        self.waiting.fetch_add(1, Ordering::SeqCst);
    }

    pub fn leave(&self) -> bool {
        self.waiting.fetch_sub(1, Ordering::SeqCst) == 1
    }
}

/// A reader count released in `drop`: an unlock.
pub struct ReadGuard<'a> {
    readers: &'a AtomicUsize,
}

impl Drop for ReadGuard<'_> {
    fn drop(&mut self) {
        self.readers.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A generation that picks which of two slots readers use: loaded into a variable that
/// indexes, so its updates are a protocol, not a count.
pub struct HalfLock {
    generation: AtomicUsize,
    slots: [AtomicUsize; 2],
}

impl HalfLock {
    pub fn read(&self) -> &AtomicUsize {
        let generation = self.generation.load(Ordering::SeqCst);
        &self.slots[generation % 2]
    }

    pub fn switch(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// An atomic made from a raw pointer: a page touched to dirty it, not a count.
///
/// # Safety
/// `page` must point to a live, aligned `usize`.
pub unsafe fn dirty(page: *mut u8) {
    let word = unsafe { &*(page as *const AtomicUsize) };
    word.fetch_add(1, Ordering::SeqCst);
}

/// A reader's epoch, bumped where this function can see it and compared by a writer elsewhere
/// (in another crate, say): its name says it is part of a protocol.
pub struct Reader {
    held_epoch: AtomicUsize,
}

impl Reader {
    pub fn enter(&self) {
        self.held_epoch.fetch_add(1, Ordering::SeqCst);
    }
}

/// Progress that a waiter polls through a predicate: the count decides when the waiter goes
/// on, and what it reads next relies on the ordering.
pub struct Progress {
    entries: AtomicUsize,
}

impl Progress {
    pub fn entered(&self) {
        self.entries.fetch_add(1, Ordering::SeqCst);
    }
}

pub fn wait_for(progress: &Progress, count: usize) {
    wait_until(|| progress.entries.load(Ordering::SeqCst) >= count);
}

fn wait_until(ready: impl Fn() -> bool) {
    while !ready() {
        std::hint::spin_loop();
    }
}

/// A `drop` declared in a block inside a function is a `drop` too.
pub fn drops_counted() -> usize {
    static DROPS: AtomicUsize = AtomicUsize::new(0);
    {
        struct Token;
        impl Drop for Token {
            fn drop(&mut self) {
                DROPS.fetch_add(1, SeqCst);
            }
        }
        drop(Token);
    }
    DROPS.load(SeqCst)
}

/// A count read by an accessor that answers a question (`has_work`) is part of a protocol, as
/// when it is loaded in an `if`.
pub struct Queue {
    queued: AtomicUsize,
}

impl Queue {
    fn has_work(&self) -> bool {
        self.queued.load(SeqCst) > 0
    }

    pub fn submit(&self) {
        self.queued.fetch_add(1, SeqCst);
    }

    pub fn join(&self) -> bool {
        !self.has_work()
    }
}
