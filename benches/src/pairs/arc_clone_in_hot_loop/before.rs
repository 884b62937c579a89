//! `arc_clone_in_hot_loop`, the flagged shape: a worker clones the shared context for every
//! request it serves, so each request costs two atomic read-modify-writes (the clone and its
//! drop) on the one reference count that every worker's clones share.

use std::ops::Range;
use std::sync::Arc;

/// Settings that every request handler reads.
pub struct Context {
    /// One weight per request class.
    pub weights: Vec<u64>,
    /// Mixed into every response.
    pub salt: u64,
}

/// A request-serving worker holding its handle on the shared context.
pub struct Worker {
    ctx: Arc<Context>,
}

impl Worker {
    /// A worker sharing `ctx` with the others.
    pub fn new(ctx: Arc<Context>) -> Worker {
        Worker { ctx }
    }

    /// Serves the requests numbered `requests` and returns the sum of the responses.
    pub fn serve(&self, requests: Range<u64>) -> u64 {
        let mut total = 0u64;
        for request in requests {
            let ctx = Arc::clone(&self.ctx); //~ arc_clone_in_hot_loop
            total = total.wrapping_add(respond(ctx, request));
        }
        total
    }
}

fn respond(ctx: Arc<Context>, request: u64) -> u64 {
    let class = (request % ctx.weights.len() as u64) as usize;
    (request ^ ctx.salt).wrapping_mul(ctx.weights[class])
}
