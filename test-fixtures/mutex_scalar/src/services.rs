//! Scalars behind async locks (`tokio::sync`), counted from tasks; a guard that is held across
//! other work is not a scalar update and stays silent.

use std::sync::Arc;

pub struct Metrics {
    served: tokio::sync::Mutex<u64>, //~ mutex_scalar
    busy: tokio::sync::Mutex<bool>,
}

pub async fn serve(listener: Listener, metrics: Arc<Metrics>) {
    loop {
        let conn = listener.accept().await;
        let metrics = Arc::clone(&metrics);
        tokio::spawn(async move {
            *metrics.served.lock().await += 1;
            mark_busy(&metrics, conn).await;
        });
    }
}

/// The flag is held while the connection is checked: it orders the work, not one value.
async fn mark_busy(metrics: &Metrics, conn: u64) {
    let mut busy = metrics.busy.lock().await;
    *busy = true;
    let ok = check(conn);
    *busy = !ok;
}

fn check(conn: u64) -> bool {
    conn % 2 == 0
}

pub struct Listener;

impl Listener {
    pub async fn accept(&self) -> u64 {
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
                pub struct Mutex<T>(std::sync::Mutex<T>);
                impl<T> Mutex<T> {
                    pub async fn lock(&self) -> std::sync::MutexGuard<'_, T> {
                        self.0.lock().unwrap()
                    }
                }
            }
        }
    };
}

stand_ins!();
