//! Async code: guards of async locks (`tokio::sync`) and of std's held across `.await`s that
//! wait on something else, and the look-alikes that must stay silent.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, Mutex, RwLock};
use tokio::task::JoinHandle;
use tokio::time::sleep;

pub struct Session {
    state: Mutex<HashMap<u64, String>>,
    peers: RwLock<Vec<u64>>,
    seen: Mutex<Vec<u64>>,
    outbox: Mutex<mpsc::Sender<u64>>,
    inbox: Mutex<mpsc::Receiver<u64>>,
}

impl Session {
    /// A timer awaited with the state locked: every other task waits out the sleep too.
    pub async fn throttle(&self, id: u64) {
        let mut state = self.state.lock().await;
        state.insert(id, String::new());
        sleep(Duration::from_millis(10)).await; //~ guard_across_blocking
    }

    /// A channel read with the peers locked.
    pub async fn forward(&self, rx: &mut mpsc::Receiver<u64>) -> usize {
        let peers = self.peers.read().await;
        let mut sent = 0;
        while let Some(id) = rx.recv().await { //~ guard_across_blocking
            sent += peers.len() + id as usize;
        }
        sent
    }

    /// A bounded channel's `send` waits for room.
    pub async fn publish(&self, tx: &mpsc::Sender<u64>) {
        let peers = self.peers.write().await;
        for peer in peers.iter() {
            tx.send(*peer).await.unwrap(); //~ guard_across_blocking
        }
    }

    /// A request sent and its body read with the state locked: one finding, at the first wait
    /// of the chain (the later `.await` runs only after it).
    pub async fn refresh(&self, client: &reqwest::Client) -> usize {
        let mut state = self.state.lock().await;
        let body = client.get("/token").send().await.unwrap().text().await.unwrap(); //~ guard_across_blocking
        state.insert(0, body);
        state.len()
    }

    /// Another lock awaited with the first one held.
    pub async fn both(&self) -> usize {
        let state = self.state.lock().await;
        let seen = self.seen.lock().await.len(); //~ guard_across_blocking
        state.len() + seen
    }

    /// A spawned task joined with the state locked.
    pub async fn join(&self, task: JoinHandle<u64>) -> u64 {
        let mut state = self.state.lock().await;
        let id = task.await.unwrap(); //~ guard_across_blocking
        state.insert(id, String::new());
        id
    }

    /// Some other future: the name is looked up with the map locked.
    pub async fn resolve(&self, id: u64) {
        let mut state = self.state.lock().await;
        let name = lookup(id).await; //~ guard_across_blocking
        state.insert(id, name);
    }

    /// An owned guard is a guard too.
    pub async fn owned(shared: Arc<Mutex<Vec<u64>>>) {
        let mut held = shared.lock_owned().await;
        held.push(1);
        sleep(Duration::from_millis(1)).await; //~ guard_across_blocking
    }

    // ---- look-alikes that must stay silent ----

    /// The guard is dropped, or its block or statement ends, before the await.
    pub async fn released(&self, id: u64) {
        let mut state = self.state.lock().await;
        state.insert(id, String::new());
        drop(state);
        sleep(Duration::from_millis(1)).await;
        {
            let mut state = self.state.lock().await;
            state.remove(&id);
        }
        sleep(Duration::from_millis(1)).await;
        self.state.lock().await.insert(id, String::new());
        sleep(Duration::from_millis(1)).await;
    }

    /// The awaits are the locks' own acquisitions, one after the other.
    pub async fn in_turn(&self) -> usize {
        let n = self.state.lock().await.len();
        let peers = self.peers.read().await;
        n + peers.len()
    }

    /// Two locks taken for one critical section, as with std's locks: the second guard is
    /// bound and held with the first.
    pub async fn both_held(&self) -> usize {
        let state = self.state.lock().await;
        let mut seen = self.seen.lock().await;
        seen.push(state.len() as u64);
        seen.len()
    }

    /// Futures made under the lock and run after it is released: an `async` block is not run
    /// where it is written.
    pub async fn later(&self) {
        let state = self.state.lock().await;
        let pending: Vec<_> = state
            .keys()
            .map(|&id| async move {
                sleep(Duration::from_millis(id)).await;
            })
            .collect();
        let first = async {
            sleep(Duration::from_millis(1)).await;
        };
        drop(state);
        first.await;
        for task in pending {
            task.await;
        }
    }

    /// What is awaited is the guarded value's own work: the channel behind the lock.
    pub async fn relay(&self, id: u64) -> Option<u64> {
        let tx = self.outbox.lock().await;
        tx.send(id).await.ok()?;
        drop(tx);
        let mut rx = self.inbox.lock().await;
        rx.recv().await
    }
}

/// A future made by the guarded value's own method borrows it: awaiting it is the lock's work.
pub async fn export(exporter: &RwLock<Exporter>, batch: Vec<u64>) -> usize {
    let guard = exporter.read().await;
    let pending = guard.export(batch);
    pending.await
}

pub struct Exporter;

impl Exporter {
    pub async fn export(&self, batch: Vec<u64>) -> usize {
        batch.len()
    }
}

/// A guard moved into a blocking task is held there: awaiting the lock here waits for that
/// task, not for a guard of this function.
pub async fn hand_over(shared: Arc<Mutex<Vec<u64>>>) -> usize {
    let mut held = shared.clone().lock_owned().await;
    let task = tokio::task::spawn_blocking(move || {
        held.push(5);
    });
    let len = shared.lock().await.len();
    task.await.ok();
    len
}

/// A std guard across a timer is a guard across a timer.
pub async fn std_guard(cache: &std::sync::Mutex<Vec<u64>>) {
    let mut entries = cache.lock().unwrap();
    entries.push(1);
    sleep(Duration::from_millis(1)).await; //~ guard_across_blocking
}

/// A type of the crate's own named `Mutex` is not tokio's: its `lock` is not known to lock.
pub async fn own_mutex(cell: &own::Mutex<Vec<u64>>) {
    let mut held = cell.lock().await;
    held.push(1);
    sleep(Duration::from_millis(1)).await;
}

pub mod own {
    pub struct Mutex<T>(pub std::cell::RefCell<T>);

    impl<T> Mutex<T> {
        pub async fn lock(&self) -> std::cell::RefMut<'_, T> {
            self.0.borrow_mut()
        }
    }
}

async fn lookup(id: u64) -> String {
    sleep(Duration::from_millis(id)).await;
    id.to_string()
}

/// An `async fn` that awaits nothing, or only takes a lock, runs to its end when first polled:
/// awaiting it does not suspend.
pub async fn cached(session: &Session, id: u64) -> usize {
    let mut state = session.state.lock().await;
    state.insert(id, label(id).await);
    count(session).await + state.len()
}

async fn label(id: u64) -> String {
    id.to_string()
}

async fn count(session: &Session) -> usize {
    session.peers.read().await.len()
}

// ---- stand-ins, so that the fixture compiles ----

// `tokio` plays the runtime crate: the analysis knows its locks, timers and channels by their
// paths. It is defined in a `macro_rules!` body, which the analysis does not read.
macro_rules! stand_ins {
    () => {
        mod reqwest {
            pub struct Client;
            impl Client {
                pub fn get(&self, _: &str) -> RequestBuilder {
                    RequestBuilder
                }
            }
            pub struct RequestBuilder;
            impl RequestBuilder {
                pub async fn send(self) -> Result<Response, ()> {
                    Ok(Response)
                }
            }
            pub struct Response;
            impl Response {
                pub async fn text(self) -> Result<String, ()> {
                    Ok(String::new())
                }
            }
        }
        mod tokio {
            pub mod sync {
                pub struct Mutex<T>(std::sync::Mutex<T>);
                impl<T> Mutex<T> {
                    pub async fn lock(&self) -> std::sync::MutexGuard<'_, T> {
                        self.0.lock().unwrap()
                    }
                    pub async fn lock_owned(self: std::sync::Arc<Self>) -> OwnedGuard<T> {
                        OwnedGuard(self)
                    }
                }
                pub struct OwnedGuard<T>(std::sync::Arc<Mutex<T>>);
                impl<T> OwnedGuard<T> {
                    pub fn push(&mut self, _: u64) {}
                }
                pub struct RwLock<T>(std::sync::RwLock<T>);
                impl<T> RwLock<T> {
                    pub async fn read(&self) -> std::sync::RwLockReadGuard<'_, T> {
                        self.0.read().unwrap()
                    }
                    pub async fn write(&self) -> std::sync::RwLockWriteGuard<'_, T> {
                        self.0.write().unwrap()
                    }
                }
                pub mod mpsc {
                    pub struct Sender<T>(std::marker::PhantomData<T>);
                    impl<T> Sender<T> {
                        pub async fn send(&self, _: T) -> Result<(), ()> {
                            Ok(())
                        }
                    }
                    pub struct Receiver<T>(std::marker::PhantomData<T>);
                    impl<T> Receiver<T> {
                        pub async fn recv(&mut self) -> Option<T> {
                            None
                        }
                    }
                }
            }
            pub mod task {
                pub fn spawn_blocking<F: FnOnce()>(work: F) -> JoinHandle<()> {
                    work();
                    JoinHandle(())
                }
                pub struct JoinHandle<T>(pub T);
                impl<T> std::future::Future for JoinHandle<T> {
                    type Output = Result<T, ()>;
                    fn poll(
                        self: std::pin::Pin<&mut Self>,
                        _: &mut std::task::Context<'_>,
                    ) -> std::task::Poll<Self::Output> {
                        std::task::Poll::Pending
                    }
                }
            }
            pub mod time {
                pub async fn sleep(_: std::time::Duration) {}
            }
        }
    };
}

stand_ins!();
