//! `lock_per_element`, the fix: the accounts are stored contiguously in one `Vec` and each worker
//! owns a disjoint slice of it for the whole pass, so no lock is taken and the data streams
//! through the cache.

/// One account's state.
pub struct Account {
    /// Balance in cents.
    pub balance: u64,
    /// Interest payments so far.
    pub payments: u64,
}

/// Pays interest `passes` times on each of `accounts`.
pub fn pay_interest(accounts: &mut [Account], passes: u64) {
    for _ in 0..passes {
        for account in accounts.iter_mut() {
            account.balance = account.balance.wrapping_add(account.balance / 1024 + 1);
            account.payments += 1;
        }
    }
}

/// The sum of the balances and the number of payments.
pub fn totals(accounts: &[Account]) -> (u64, u64) {
    let mut totals = (0u64, 0u64);
    for account in accounts {
        totals.0 = totals.0.wrapping_add(account.balance);
        totals.1 += account.payments;
    }
    totals
}
