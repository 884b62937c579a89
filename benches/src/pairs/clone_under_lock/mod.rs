//! Glue for `clone_under_lock`: every thread prices orders against one shared catalogue of
//! price lists, which hands out a deep copy made under its lock (before) or a shared
//! `Arc<[..]>` (after).

use std::collections::HashMap;
use std::sync::Arc;

use super::{Flagged, Run, Side};
use crate::harness::{self, mix};

mod after;
mod before;

pub const WORKLOAD: &str = "workers look up one price in 4096-entry (64 KiB) price lists from a Mutex<HashMap>: list cloned under the lock vs Arc<[..]> lists";
pub const GRANULE: u64 = 1;
/// One price list of `ENTRIES` `(u64, u64)` pairs copied per order: 64 KiB.
pub const FLAGGED: Flagged = Flagged {
    per_item: 1.0,
    copy_bytes: Some(ENTRIES * 16),
};

const REGIONS: u64 = 8;
/// Entries per price list; SKUs are spread over twice as many numbers, so half the orders
/// find their SKU.
const ENTRIES: u64 = 4096;

/// Region `region`'s price list: the even SKUs (or the odd ones in odd regions), sorted.
fn price_list(region: u64) -> Vec<(u64, u64)> {
    (0..ENTRIES)
        .map(|at| {
            let sku = at * 2 + region % 2;
            (sku, 100 + mix(region * ENTRIES + at) % 10_000)
        })
        .collect()
}

pub fn run(side: Side, threads: usize, ops: u64) -> Run {
    let (elapsed, totals) = match side {
        Side::Before => {
            let catalogue =
                before::Catalogue::new((0..REGIONS).map(|region| (region, price_list(region))).collect());
            harness::timed_ranges(threads, ops, |_, orders| {
                before::price_orders(&catalogue, orders, REGIONS)
            })
        }
        Side::After => {
            let lists: HashMap<u64, after::PriceList> = (0..REGIONS)
                .map(|region| (region, Arc::from(price_list(region))))
                .collect();
            let catalogue = after::Catalogue::new(lists);
            harness::timed_ranges(threads, ops, |_, orders| {
                after::price_orders(&catalogue, orders, REGIONS)
            })
        }
    };
    Run {
        elapsed,
        result: totals.into_iter().sum(),
    }
}

pub fn expected(ops: u64) -> u64 {
    let prices: HashMap<(u64, u64), u64> = (0..REGIONS)
        .flat_map(|region| {
            price_list(region)
                .into_iter()
                .map(move |(sku, cents)| ((region, sku), cents))
        })
        .collect();
    (0..ops)
        .filter_map(|order| prices.get(&(order % REGIONS, before::sku_of(order))))
        .sum()
}
