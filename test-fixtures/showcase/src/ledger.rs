//! A ledger whose accounts are each behind their own `Arc<Mutex<_>>`: a pass over them takes one
//! lock and follows one pointer per account.

use std::sync::{Arc, Mutex};

pub struct Account {
    pub balance: u64,
}

pub struct Ledger {
    accounts: Vec<Arc<Mutex<Account>>>, //~ lock_per_element
}

impl Ledger {
    pub fn pay_interest(&self) {
        for account in &self.accounts {
            let mut account = account.lock().unwrap();
            account.balance += account.balance / 1024;
        }
    }
}
