//! Scalars behind locks where an atomic would do, and locks that guard more than a value.

use std::sync::{Arc, Condvar, Mutex, RwLock};

pub mod services;
mod params;
mod updates;

type Counter = Arc<Mutex<usize>>; //~ mutex_scalar

static HITS: Mutex<u64> = Mutex::new(0); //~ mutex_scalar

pub struct Stats {
    requests: Mutex<u64>, //~ mutex_scalar
    open: RwLock<bool>, //~ mutex_scalar
    served: Counter,
}

impl Stats {
    pub fn record(&self) {
        *self.requests.lock().unwrap() += 1;
        *HITS.lock().unwrap() += 1;
        *self.served.lock().unwrap() += 1;
    }

    pub fn close(&self) {
        *self.open.write().unwrap() = false;
    }

    pub fn is_open(&self) -> bool {
        *self.open.read().unwrap()
    }

    pub fn requests(&self) -> u64 {
        let guard = self.requests.lock().unwrap();
        *guard
    }
}

pub fn local_counter() -> u32 {
    let total: Mutex<u32> = Mutex::new(0); //~ mutex_scalar
    for i in 0..10 {
        *total.lock().unwrap() += i;
    }
    let value = *total.lock().unwrap();
    value
}

/// The counter each worker bumps from a closure whose body is the update itself.
pub fn count_in_workers() -> u64 {
    let hits = Arc::new(Mutex::new(0u64)); //~ mutex_scalar
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let hits = Arc::clone(&hits);
            std::thread::spawn(move || *hits.lock().unwrap() += 1)
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let total = *hits.lock().unwrap();
    total
}

/// Also handed to a function as a lock: the fix rewrites that function's parameter with it.
pub struct Handed {
    count: Mutex<u64>, //~ mutex_scalar
}

impl Handed {
    pub fn record(&self) {
        *self.count.lock().unwrap() += 1;
        bump(&self.count);
    }
}

fn bump(count: &Mutex<u64>) {
    *count.lock().unwrap() += 1;
}

// ---- look-alikes that must stay silent ----

/// A flag paired with a `Condvar`.
pub fn wait_for_start() {
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let (lock, cvar) = &*pair;
    let mut started = lock.lock().unwrap();
    while !*started {
        started = cvar.wait(started).unwrap();
    }
}

/// A struct whose lock is paired with a `Condvar` field.
pub struct Gate {
    open: Mutex<bool>,
    changed: Condvar,
}

impl Gate {
    pub fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.changed.notify_all();
    }
}

/// The guard is held across other work that must happen with the value: a critical section.
pub struct Ledger {
    next_id: Mutex<u64>,
    log: Mutex<Vec<u64>>,
}

impl Ledger {
    pub fn issue(&self) -> u64 {
        let mut next = self.next_id.lock().unwrap();
        let id = *next;
        self.log.lock().unwrap().push(id);
        *next += 1;
        id
    }
}

/// `Mutex<()>` guards a section, not a value.
pub struct Section {
    lock: Mutex<()>,
}

impl Section {
    pub fn run(&self, f: impl FnOnce()) {
        let _g = self.lock.lock().unwrap();
        f();
    }
}

/// Not a scalar.
pub struct Names {
    names: Mutex<Vec<String>>,
}

impl Names {
    pub fn add(&self, name: String) {
        self.names.lock().unwrap().push(name);
    }
}

/// Never locked, only taken apart: nothing says what its uses would be.
pub struct Unlocked {
    n: Mutex<u64>,
}

impl Unlocked {
    pub fn into_count(self) -> u64 {
        self.n.into_inner().unwrap()
    }
}
