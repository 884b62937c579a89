//! `lock_per_element`, the flagged shape: every account is its own heap allocation with its own
//! lock, so a pass over a worker's accounts takes and releases one lock per account and chases
//! one pointer per account.

use std::sync::{Arc, Mutex};

/// One account's state.
pub struct Account {
    /// Balance in cents.
    pub balance: u64,
    /// Interest payments so far.
    pub payments: u64,
}

/// Every account, each behind a lock of its own.
pub struct Ledger {
    accounts: Vec<Arc<Mutex<Account>>>, //~ lock_per_element
}

impl Ledger {
    /// A ledger holding `accounts`.
    pub fn new(accounts: Vec<Account>) -> Ledger {
        Ledger {
            accounts: accounts
                .into_iter()
                .map(|account| Arc::new(Mutex::new(account)))
                .collect(),
        }
    }

    /// The accounts, for the workers to split between them.
    pub fn accounts(&self) -> &[Arc<Mutex<Account>>] {
        &self.accounts
    }

    /// The sum of the balances and the number of payments.
    pub fn totals(&self) -> (u64, u64) {
        let mut totals = (0u64, 0u64);
        for account in &self.accounts {
            let account = account.lock().unwrap();
            totals.0 = totals.0.wrapping_add(account.balance);
            totals.1 += account.payments;
        }
        totals
    }
}

/// Pays interest `passes` times on each of `accounts`.
pub fn pay_interest(accounts: &[Arc<Mutex<Account>>], passes: u64) {
    for _ in 0..passes {
        for account in accounts {
            let mut account = account.lock().unwrap();
            account.balance = account.balance.wrapping_add(account.balance / 1024 + 1);
            account.payments += 1;
        }
    }
}
