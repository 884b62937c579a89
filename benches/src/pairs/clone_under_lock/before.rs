//! `clone_under_lock`, the flagged shape: a price catalogue hands out deep copies of its price
//! lists, made while the map's lock is held. A reader that wants one price copies a whole
//! list inside the critical section, and the other readers queue behind the copy.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;

/// One region's prices, sorted by SKU: `(sku, cents)`.
pub type PriceList = Vec<(u64, u64)>;

/// Price lists by region, loaded once and read by every worker.
pub struct Catalogue {
    lists: Mutex<HashMap<u64, PriceList>>,
}

impl Catalogue {
    /// A catalogue holding `lists`.
    pub fn new(lists: HashMap<u64, PriceList>) -> Catalogue {
        Catalogue {
            lists: Mutex::new(lists),
        }
    }

    /// A copy of the price list of `region`.
    pub fn prices(&self, region: u64) -> Option<PriceList> {
        self.lists.lock().unwrap().get(&region).cloned() //~ clone_under_lock
    }
}

/// Prices one order per number in `orders`: SKU `sku_of(order)` in region `order % regions`.
/// Returns the sum of the prices found.
pub fn price_orders(catalogue: &Catalogue, orders: Range<u64>, regions: u64) -> u64 {
    let mut total = 0u64;
    for order in orders {
        let Some(prices) = catalogue.prices(order % regions) else {
            continue;
        };
        let sku = sku_of(order);
        if let Ok(at) = prices.binary_search_by_key(&sku, |&(sku, _)| sku) {
            total += prices[at].1;
        }
    }
    total
}

/// The SKU an order asks for.
pub fn sku_of(order: u64) -> u64 {
    order.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 51
}
