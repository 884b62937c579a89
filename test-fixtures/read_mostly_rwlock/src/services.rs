//! `RwLock`s read from async tasks and from threads the lock was cloned into, and the same code
//! without the sharing, which must stay silent.

use std::sync::{Arc, RwLock};
use std::thread;

pub struct Limits {
    pub max_body: usize,
}

/// Read by a task per connection, replaced whole on reload.
pub struct App {
    limits: tokio::sync::RwLock<Limits>, //~ read_mostly_rwlock
}

impl App {
    pub async fn reload(&self, limits: Limits) {
        *self.limits.write().await = limits;
    }
}

pub async fn serve(listener: Listener, app: Arc<App>) {
    loop {
        let conn = listener.accept().await;
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            respond(&app, conn).await;
        });
    }
}

async fn respond(app: &App, conn: usize) -> bool {
    let limits = app.limits.read().await;
    conn <= limits.max_body
}

/// A local table cloned into reader threads, one per core; the caller swaps it.
pub fn watch(versions: Vec<Vec<u64>>, keys: Arc<Vec<u64>>, workers: usize) {
    let table = Arc::new(RwLock::new(Vec::new())); //~ read_mostly_rwlock
    for _ in 0..workers {
        let view = Arc::clone(&table);
        let keys = Arc::clone(&keys);
        thread::spawn(move || {
            for key in keys.iter() {
                let found = view.read().unwrap().contains(key);
                drop(found);
            }
        });
    }
    for version in versions {
        *table.write().unwrap() = version;
    }
}

// ---- look-alikes that must stay silent ----

/// The same reads and swaps with no thread.
pub fn watch_alone(versions: Vec<Vec<u64>>, keys: Arc<Vec<u64>>) -> usize {
    let table = Arc::new(RwLock::new(Vec::new()));
    let view = Arc::clone(&table);
    let mut found = 0;
    for version in versions {
        *table.write().unwrap() = version;
        for key in keys.iter() {
            found += usize::from(view.read().unwrap().contains(key));
        }
    }
    found
}

pub struct Listener;

impl Listener {
    pub async fn accept(&self) -> usize {
        0
    }
}

// ---- stand-ins, so that the fixture compiles ----

macro_rules! stand_ins {
    () => {
        mod tokio {
            pub fn spawn<F: std::future::Future + Send + 'static>(task: F) {
                drop(task);
            }
            pub mod sync {
                pub struct RwLock<T>(std::sync::RwLock<T>);
                impl<T> RwLock<T> {
                    pub async fn read(&self) -> std::sync::RwLockReadGuard<'_, T> {
                        self.0.read().unwrap()
                    }
                    pub async fn write(&self) -> std::sync::RwLockWriteGuard<'_, T> {
                        self.0.write().unwrap()
                    }
                }
            }
        }
    };
}

stand_ins!();
