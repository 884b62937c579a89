//! Clones handed to code that makes them a new owner, and their look-alikes that drop the clone
//! in the same pass.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::Context;

type Task = Pin<Box<dyn Future<Output = usize> + Send>>;

/// A maintenance run that keeps its task in a slot until it finishes, so that a cancelled run
/// resumes it: the context moved into that task is kept by it.
pub struct Housekeeper {
    current: Option<Task>,
    jobs: Vec<Box<dyn FnOnce() -> usize + Send>>,
}

impl Housekeeper {
    /// Moves `ctx` into a future that it stores.
    async fn run(&mut self, ctx: Arc<Context>) -> usize {
        if self.current.is_none() {
            let task = Box::pin(async move { ctx.name.len() });
            self.current = Some(task);
        }
        let done = self.current.as_mut().expect("a task is set").await;
        self.current = None;
        done
    }

    /// Moves `ctx` into a closure that it queues.
    fn queue(&mut self, ctx: Arc<Context>) {
        let job = move || ctx.name.len();
        self.jobs.push(Box::new(job));
    }

    /// Moves `ctx` into a future that it awaits at once: dropped when it completes.
    async fn run_now(&self, ctx: Arc<Context>) -> usize {
        let task = Box::pin(async move { ctx.name.len() });
        task.await
    }

    /// Moves `ctx` into a closure that it calls at once.
    fn call_now(&self, ctx: Arc<Context>) -> usize {
        let job = move || ctx.name.len();
        job()
    }
}

/// Each clone goes to a call that keeps it in a stored task or a queued job: a new owner,
/// not a count bounced on every pass.
pub async fn maintain(shared: &Arc<Context>, keeper: &mut Housekeeper, rounds: usize) -> usize {
    let mut total = 0;
    for _ in 0..rounds {
        total += keeper.run(Arc::clone(shared)).await;
        keeper.queue(shared.clone());
    }
    total
}

/// The same calls with callees that drop the clone before they return: churn.
pub async fn maintain_now(shared: &Arc<Context>, keeper: &Housekeeper, rounds: usize) -> usize {
    let mut total = 0;
    for _ in 0..rounds {
        total += keeper.run_now(Arc::clone(shared)).await; //~ arc_clone_in_hot_loop
        total += keeper.call_now(shared.clone()); //~ arc_clone_in_hot_loop
    }
    total
}

/// The caller's own clone moved into a job it queues: kept; into one it runs at once: churn.
pub fn queue_jobs(shared: &Arc<Context>, jobs: &mut Vec<Box<dyn FnOnce() -> usize + Send>>, n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        let ctx = Arc::clone(shared);
        let job = move || ctx.name.len();
        jobs.push(Box::new(job));
        let now = Arc::clone(shared); //~ arc_clone_in_hot_loop
        let run = move || now.name.len();
        total += run();
    }
    total
}

/// A pool whose owned handles keep it alive (`self: Arc<Self>`, as an owned guard or entry).
pub struct Pool {
    slots: Vec<u64>,
}

pub struct Lease {
    pool: Arc<Pool>,
    at: usize,
}

impl Pool {
    pub fn lease(self: Arc<Self>, at: usize) -> Lease {
        Lease { pool: self, at }
    }
}

impl Lease {
    pub fn value(&self) -> u64 {
        self.pool.slots[self.at]
    }
}

/// Each lease is kept beyond its pass: the clone it holds is a new owner.
pub fn lease_all(pool: &Arc<Pool>, n: usize) -> Vec<Lease> {
    let mut leases = Vec::new();
    for at in 0..n {
        leases.push(Arc::clone(pool).lease(at));
        let lease = pool.clone().lease(at);
        leases.push(lease);
    }
    leases
}

/// Each lease is dropped in its own pass: a clone and a drop per item, where `&self` would do.
pub fn sum_leased(pool: &Arc<Pool>, n: usize) -> u64 {
    let mut total = 0;
    for at in 0..n {
        total += pool.clone().lease(at).value(); //~ arc_clone_in_hot_loop
        let lease = Arc::clone(pool).lease(at); //~ arc_clone_in_hot_loop
        total += lease.value();
    }
    total
}

/// Assertion macros of test crates check what the API under test gives, as `assert_eq!`
/// does: their operands are what the test is about, not work to make cheaper.
macro_rules! prop_assert_eq {
    ($left:expr, $right:expr) => {
        assert_eq!($left, $right)
    };
}

pub fn check_leases(pool: &Arc<Pool>, n: usize) {
    for at in 0..n {
        prop_assert_eq!(pool.clone().lease(at).value(), pool.slots[at]);
        assert_eq!(Arc::clone(pool).lease(at).value(), pool.slots[at]);
    }
}
