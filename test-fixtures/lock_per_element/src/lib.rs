//! Collections with a lock and an allocation per element, and look-alikes that must stay silent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

pub struct Account {
    pub balance: u64,
}

type Shared<T> = Arc<Mutex<T>>;
type Accounts = Vec<Arc<Mutex<Account>>>; //~ lock_per_element

pub struct Ledger {
    accounts: Vec<Arc<Mutex<Account>>>, //~ lock_per_element
    by_name: HashMap<String, Arc<RwLock<Account>>>, //~ lock_per_element
    slots: [Box<Mutex<Account>>; 4], //~ lock_per_element
    aliased: Vec<Shared<Account>>, //~ lock_per_element
    through_alias: Accounts,
    /// The map is behind a lock of its own, and each value behind another.
    watched: RwLock<HashMap<String, Arc<RwLock<Account>>>>, //~ lock_per_element
}

// ---- look-alikes that must stay silent ----

pub struct Fine {
    /// Per-key locks with no data in them.
    key_locks: HashMap<String, Arc<Mutex<()>>>,
    /// Contiguous data under one lock.
    accounts: Mutex<Vec<Account>>,
    /// One shared element.
    one: Arc<Mutex<Account>>,
    /// Lock striping: a few locks, no allocation each.
    stripes: Vec<Mutex<Vec<Account>>>,
}

/// A parameter is not where the collection is declared.
pub fn total(accounts: &[Arc<Mutex<Account>>]) -> u64 {
    accounts.iter().map(|a| a.lock().unwrap().balance).sum()
}

pub fn build(ledger: &Ledger, fine: &Fine) -> usize {
    ledger.accounts.len()
        + ledger.by_name.len()
        + ledger.slots.len()
        + ledger.aliased.len()
        + ledger.through_alias.len()
        + fine.key_locks.len()
        + fine.accounts.lock().unwrap().len()
        + usize::from(fine.one.lock().is_ok())
        + fine.stripes.len()
}
