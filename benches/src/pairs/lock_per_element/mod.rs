//! Glue for `lock_per_element`: the threads split a ledger of accounts between them and pay
//! interest on their share pass after pass; the ledger is a `Vec<Arc<Mutex<Account>>>`
//! (before) or one contiguous `Vec<Account>` cut into disjoint slices (after). A work item is
//! one account updated once, so the work comes in whole passes over the ledger.

use super::{Flagged, Run, Side};
use crate::harness::{self, mix};

mod after;
mod before;

pub const WORKLOAD: &str =
    "threads pay interest on their share of 4096 accounts, pass after pass: Vec<Arc<Mutex<Account>>> vs contiguous Vec<Account> slices";
pub const GRANULE: u64 = ACCOUNTS;
/// A work item is one account updated: one account's lock taken.
pub const FLAGGED: Flagged = Flagged::ONCE;

const ACCOUNTS: u64 = 4096;

fn opening_balance(account: u64) -> u64 {
    mix(account) % 1_000_000
}

/// Cuts `len` items into `threads` contiguous shares: the lengths of each share.
fn shares(len: u64, threads: usize) -> Vec<usize> {
    harness::split(len, threads)
        .into_iter()
        .map(|range| (range.end - range.start) as usize)
        .collect()
}

/// The balances and payments in one checksum.
fn combine((balances, payments): (u64, u64)) -> u64 {
    mix(balances) ^ payments
}

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let passes = ops / ACCOUNTS;
    let (elapsed, totals) = match side {
        Side::Before => {
            let ledger = before::Ledger::new(
                (0..ACCOUNTS)
                    .map(|account| before::Account {
                        balance: opening_balance(account),
                        payments: 0,
                    })
                    .collect(),
            );
            let mut rest = ledger.accounts();
            let mut slices = Vec::with_capacity(threads);
            for len in shares(ACCOUNTS, threads) {
                let (slice, tail) = rest.split_at(len);
                slices.push(slice);
                rest = tail;
            }
            let (elapsed, _) =
                harness::timed(slices, |slice| before::pay_interest(slice, passes));
            (elapsed, ledger.totals())
        }
        Side::After => {
            let mut accounts: Vec<after::Account> = (0..ACCOUNTS)
                .map(|account| after::Account {
                    balance: opening_balance(account),
                    payments: 0,
                })
                .collect();
            let mut rest = accounts.as_mut_slice();
            let mut slices = Vec::with_capacity(threads);
            for len in shares(ACCOUNTS, threads) {
                let (slice, tail) = rest.split_at_mut(len);
                slices.push(slice);
                rest = tail;
            }
            let (elapsed, _) = harness::timed(slices, |slice| after::pay_interest(slice, passes));
            (elapsed, after::totals(&accounts))
        }
    };
    Run {
        elapsed,
        result: combine(totals),
    }
}

pub fn expected(ops: u64) -> u64 {
    let passes = ops / ACCOUNTS;
    let mut balances = 0u64;
    for account in 0..ACCOUNTS {
        let mut balance = opening_balance(account);
        for _ in 0..passes {
            balance = balance.wrapping_add(balance / 1024 + 1);
        }
        balances = balances.wrapping_add(balance);
    }
    combine((balances, passes * ACCOUNTS))
}

