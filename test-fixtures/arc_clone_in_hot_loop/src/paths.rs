//! Hot code decided on paths: a clone on the path that leaves the loop runs once, an error
//! being built is code that runs when something already went wrong, and a clone built into a
//! value the function hands back is a new owner. Clones dropped in the iteration are churn,
//! whatever collection or parallel closure they pass through.

use std::collections::HashMap;
use std::sync::Arc;

use super::Context;

pub struct Conn {
    ctx: Arc<Context>,
    peer: u32,
}

impl Conn {
    pub fn peer(&self) -> u32 {
        self.peer + self.ctx.name.len() as u32
    }
}

pub struct Pool {
    shared: Arc<Context>,
    conns: Vec<Conn>,
}

pub struct Error {
    ctx: Arc<Context>,
    code: u32,
}

impl Error {
    fn new(ctx: Arc<Context>, code: u32) -> Error {
        Error { ctx, code }
    }
}

fn parse(raw: &str) -> Result<u32, std::num::ParseIntError> {
    raw.parse()
}

fn reachable(peer: u32) -> bool {
    peer % 3 == 0
}

impl Pool {
    /// A new connection owns its clone: returned, it leaves with the caller.
    fn connect(&self, peer: u32) -> Option<Conn> {
        if !reachable(peer) {
            return None;
        }
        Some(Conn {
            ctx: self.shared.clone(),
            peer,
        })
    }

    /// The same, by a constructor call that returns the new owner.
    fn open(&self, peer: u32) -> Result<Conn, Error> {
        if !reachable(peer) {
            return Err(Error::new(self.shared.clone(), peer));
        }
        Ok(Self::conn(Arc::clone(&self.shared), peer))
    }

    fn conn(ctx: Arc<Context>, peer: u32) -> Conn {
        Conn { ctx, peer }
    }

    /// Tries each peer and returns the first connection: the loop ends on the path that
    /// clones.
    pub fn first(&self, peers: &[u32]) -> Option<Conn> {
        for &peer in peers {
            if let Some(conn) = self.connect(peer) {
                return Some(conn);
            }
        }
        None
    }

    pub fn first_open(&self, peers: &[u32]) -> Option<Conn> {
        for &peer in peers {
            match self.open(peer) {
                Ok(conn) => return Some(conn),
                Err(e) => drop(e),
            }
        }
        None
    }

    /// Polls until a value is ready; the clone is on the returning path.
    pub fn wait(&self, mut poll: impl FnMut() -> Option<u32>) -> Result<Conn, Error> {
        loop {
            match poll() {
                Some(peer) => {
                    return Ok(Conn {
                        ctx: Arc::clone(&self.shared),
                        peer,
                    })
                }
                None => std::hint::spin_loop(),
            }
        }
    }

    /// The clone is in the block that ends with `break`: it runs once.
    pub fn find(&self, peers: &[u32], wanted: u32) -> u32 {
        let mut seen = 0;
        for &peer in peers {
            if peer == wanted {
                let ctx = Arc::clone(&self.shared);
                seen += ctx.name.len() as u32;
                break;
            }
            seen += 1;
        }
        seen
    }

    /// Errors built in the loop leave it: `Err(..)`, `map_err`, `ok_or_else`.
    pub fn parse_all(&self, raw: &[&str]) -> Result<u32, Error> {
        let mut total = 0;
        for r in raw {
            if r.is_empty() {
                return Err(Error::new(self.shared.clone(), 0));
            }
            total += parse(r).map_err(|_| Error::new(Arc::clone(&self.shared), 1))?;
            let n = r.chars().next().and_then(|c| c.to_digit(10));
            total += n.ok_or_else(|| Error::new(self.shared.clone(), 2))?;
        }
        Ok(total)
    }

    /// Each clone goes to a connection the pool keeps: a new owner per peer.
    pub fn fill(&mut self, peers: &[u32]) {
        for &peer in peers {
            let conn = Conn {
                ctx: self.shared.clone(),
                peer,
            };
            self.conns.push(conn);
        }
    }

    /// A handle made by the pool for its caller, as a handle type's own `clone` would.
    pub fn handle(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            conns: Vec::new(),
        }
    }
}

pub fn spread(pool: &Pool, n: usize) -> Vec<Pool> {
    let mut pools = Vec::new();
    for _ in 0..n {
        let p = pool.handle();
        pools.push(p);
    }
    pools
}

/// `find` gives one item: the `map` after it runs once, building an owner that is returned.
fn pick(pool: &Pool, offered: &[u32]) -> Option<Conn> {
    [1u32, 2, 3]
        .iter()
        .find(|p| offered.contains(p))
        .map(|&peer| Pool::conn(pool.shared.clone(), peer))
}

/// A key built into a tuple that is returned, and a future that moves a clone in: both are
/// new owners, which these callers keep.
fn key_of(pool: &Pool, peer: u32) -> (Arc<Context>, u32) {
    let key = (Arc::clone(&pool.shared), peer);
    key
}

fn notify(pool: &Pool) -> std::pin::Pin<Box<dyn std::future::Future<Output = usize>>> {
    let ctx = Arc::clone(&pool.shared);
    Box::pin(async move { ctx.name.len() })
}

pub fn keep_all(
    pool: &Pool,
    rounds: &[Vec<u32>],
    keys: &mut HashMap<u32, (Arc<Context>, u32)>,
    conns: &mut Vec<Conn>,
    futures: &mut Vec<std::pin::Pin<Box<dyn std::future::Future<Output = usize>>>>,
) {
    for offered in rounds {
        if let Some(conn) = pick(pool, offered) {
            conns.push(conn);
        }
        let key = key_of(pool, offered.len() as u32);
        keys.insert(offered.len() as u32, key);
        futures.push(notify(pool));
    }
}

/// Each item's future moves its own clone in, and the futures are collected: one owner each.
pub fn requests(shared: &Arc<Context>, n: usize) -> Vec<std::pin::Pin<Box<dyn std::future::Future<Output = usize>>>> {
    (0..n)
        .map(|i| {
            let ctx = Arc::clone(shared);
            Box::pin(async move { ctx.name.len() + i })
                as std::pin::Pin<Box<dyn std::future::Future<Output = usize>>>
        })
        .collect()
}

// ---- still reported ----

/// A clone made on every pass before the test that may leave the loop: it runs every pass.
pub fn until_empty(pool: &Pool, peers: &[u32]) -> usize {
    let mut n = 0;
    for &peer in peers {
        let ctx = Arc::clone(&pool.shared); //~ arc_clone_in_hot_loop
        if ctx.name.len() as u32 == peer {
            return n;
        }
        n += 1;
    }
    n
}

/// A `continue` in the block goes round again: the clone runs on every pass that takes it.
pub fn skipping(pool: &Pool, peers: &[u32]) -> usize {
    let mut n = 0;
    for &peer in peers {
        if peer > 1 {
            let ctx = Arc::clone(&pool.shared); //~ arc_clone_in_hot_loop
            if ctx.name.is_empty() {
                continue;
            }
            return n;
        }
        n += 1;
    }
    n
}

/// A `break` leaves only the inner loop: the outer one clones on every pass.
pub fn nested(pool: &Pool, rounds: &[u32], peers: &[u32]) -> u32 {
    let mut seen = 0;
    for _ in rounds {
        for &peer in peers {
            if peer == 0 {
                let ctx = Arc::clone(&pool.shared); //~ arc_clone_in_hot_loop
                seen += ctx.name.len() as u32;
                break;
            }
        }
    }
    seen
}

/// Pushed into a collection made in the same pass: the collection, and the clone, die at the
/// end of it.
pub fn batches(shared: &Arc<Context>, rows: &[Vec<u32>]) -> usize {
    let mut total = 0;
    for row in rows {
        let mut batch = Vec::with_capacity(row.len());
        batch.push(Arc::clone(shared)); //~ arc_clone_in_hot_loop
        let mut by_id = HashMap::new();
        by_id.insert(row.len(), shared.clone()); //~ arc_clone_in_hot_loop
        total += batch.len() + by_id.len();
    }
    total
}

/// The same collection handed on: each batch, and the clone in it, outlives the pass.
pub fn kept_batches(shared: &Arc<Context>, rows: &[Vec<u32>]) -> Vec<Vec<Arc<Context>>> {
    let mut all = Vec::new();
    for row in rows {
        let mut batch = Vec::with_capacity(row.len());
        batch.push(Arc::clone(shared));
        all.push(batch);
    }
    all
}

/// Clones in a parallel closure, run for every item of every round.
pub fn rounds(shared: &Arc<Context>, items: &[u32], n: usize) -> usize {
    use rayon_stub::*;
    let mut total = 0;
    for _ in 0..n {
        items.par_iter().for_each(|item| {
            let ctx = Arc::clone(shared); //~ arc_clone_in_hot_loop
            let _ = ctx.name.len() + *item as usize;
        });
        total += items.len();
    }
    total
}

/// Handed by value to a function that only reads it, inside an `if` that stays in the loop.
pub fn checked(pool: &Pool, peers: &[u32]) -> usize {
    let mut n = 0;
    for &peer in peers {
        if reachable(peer) {
            n += weigh(Arc::clone(&pool.shared)); //~ arc_clone_in_hot_loop
        }
    }
    n
}

fn weigh(ctx: Arc<Context>) -> usize {
    ctx.name.len()
}

/// Stands in for rayon's prelude.
mod rayon_stub {
    pub trait ParIter<T> {
        fn par_iter(&self) -> std::slice::Iter<'_, T>;
    }
    impl<T> ParIter<T> for [T] {
        fn par_iter(&self) -> std::slice::Iter<'_, T> {
            self.iter()
        }
    }
}
