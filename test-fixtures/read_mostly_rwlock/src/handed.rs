//! A local `RwLock` handed as an argument to the `async fn` a task per connection runs: every
//! task reads it through its own clone of the `Arc`, as if its future had captured it.

use std::sync::{Arc, RwLock};

use super::services::{Limits, Listener};

/// Read by a task per connection, replaced whole on reload.
pub async fn serve(listener: Listener, reloads: Vec<Limits>) {
    let limits = Arc::new(RwLock::new(Limits { max_body: 0 })); //~ read_mostly_rwlock
    for reload in reloads {
        *limits.write().unwrap() = reload;
        let conn = listener.accept().await;
        tokio::spawn(admit(Arc::clone(&limits), conn));
    }
}

async fn admit(limits: Arc<RwLock<Limits>>, conn: usize) -> bool {
    conn <= limits.read().unwrap().max_body
}

// ---- look-alikes that must stay silent ----

/// The same reads awaited in place, on the one task that also replaces the value.
pub async fn serve_inline(listener: Listener, reloads: Vec<Limits>) -> usize {
    let limits = Arc::new(RwLock::new(Limits { max_body: 0 }));
    let mut admitted = 0;
    for reload in reloads {
        *limits.write().unwrap() = reload;
        let conn = listener.accept().await;
        admitted += usize::from(admit(Arc::clone(&limits), conn).await); //~ arc_clone_in_hot_loop
    }
    admitted
}

macro_rules! stand_ins {
    () => {
        mod tokio {
            pub fn spawn<F: std::future::Future + Send + 'static>(task: F) {
                drop(task);
            }
        }
    };
}

stand_ins!();
