//! Guards bound through the control flow real code writes: `let Ok(g) = .. else`, a `match`
//! that recovers a poisoned lock, `map_err(..)?`, and a borrow kept through a getter.

use std::fs::File;
use std::io::{self, BufRead, Write};
use std::sync::mpsc::{Sender, SyncSender};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

pub struct Spool {
    pending: Mutex<Vec<Vec<u8>>>,
    out: Mutex<File>,
}

impl Spool {
    pub fn flush_let_else(&self) -> io::Result<()> {
        let Ok(mut pending) = self.pending.lock() else {
            return Ok(());
        };
        let mut out = File::create("spool.out")?; //~ guard_across_blocking
        for chunk in pending.drain(..) {
            out.write_all(&chunk)?; //~ guard_across_blocking
        }
        Ok(())
    }

    /// The delay is read out of the guarded data, then slept out with the guard alive: the
    /// sleep works on a number, not on the guarded value.
    pub fn backoff_by_size(&self) {
        let mut pending = self.pending.lock().unwrap();
        if let Some(last) = pending.last_mut() {
            last.push(0);
            thread::sleep(Duration::from_millis(last.len() as u64)); //~ guard_across_blocking
        }
    }

    /// The file's contents computed from the guarded data, written with the guard alive.
    pub fn save_joined(&self) -> io::Result<()> {
        let pending = self.pending.lock().unwrap();
        std::fs::write("spool.all", pending.concat())?; //~ guard_across_blocking
        Ok(())
    }

    /// Look-alike: the guarded bytes themselves are written, so the lock is held for the data
    /// the call works on.
    pub fn save_first(&self) -> io::Result<()> {
        let pending = self.pending.lock().unwrap();
        if let Some(first) = pending.first() {
            std::fs::write("spool.first", first)?;
        }
        Ok(())
    }

    /// A bounded channel's `send` waits for room, here with the guard alive.
    pub fn report_bounded(&self, tx: &SyncSender<usize>) {
        let pending = self.pending.lock().unwrap();
        tx.send(pending.len()).unwrap(); //~ guard_across_blocking
    }

    /// Look-alike: an unbounded channel's `send` never waits.
    pub fn report_unbounded(&self, tx: &Sender<usize>) {
        let pending = self.pending.lock().unwrap();
        tx.send(pending.len()).unwrap();
    }

    /// A helper that takes the lock and returns its guard.
    fn pending(&self) -> MutexGuard<'_, Vec<Vec<u8>>> {
        self.pending.lock().unwrap()
    }

    /// The guard the helper returns is held across the sleep like one taken here.
    pub fn clear_slowly(&self) {
        let mut pending = self.pending();
        pending.clear();
        thread::sleep(Duration::from_millis(1)); //~ guard_across_blocking
    }

    /// Look-alike: a lock of the crate's own (its guard type is the crate's, whatever its
    /// name) is not one the analysis knows.
    pub fn spin_slowly(lock: &spin::Mutex<Vec<u8>>) {
        let held = lock.hold();
        held.0.clear();
        thread::sleep(Duration::from_millis(1));
    }

    /// A terminal read with the spool locked.
    pub fn confirm(&self) -> io::Result<bool> {
        let pending = self.pending.lock().unwrap();
        let mut answer = String::new();
        io::stdin().lock().read_line(&mut answer)?; //~ guard_across_blocking
        Ok(answer.trim() == "y" && !pending.is_empty())
    }

    /// Synchronous HTTP clients' requests with the spool locked: reqwest's `blocking` module
    /// and ureq.
    pub fn upload(&self) -> Result<usize, ()> {
        let mut pending = self.pending.lock().unwrap();
        let first = reqwest::blocking::get("https://example.com/a")?; //~ guard_across_blocking
        let second = ureq::get("https://example.com/b").call()?; //~ guard_across_blocking
        pending.push(vec![first.0, second.0]);
        Ok(pending.len())
    }

    /// Look-alike: the request made before the lock is taken.
    pub fn upload_first(&self) -> Result<usize, ()> {
        let response = ureq::get("https://example.com/b").call()?;
        let item = vec![response.0];
        let mut pending = self.pending.lock().unwrap();
        pending.push(item);
        Ok(pending.len())
    }

    pub fn backoff_recovered(&self) {
        let pending = match self.pending.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if pending.len() > 64 {
            thread::sleep(Duration::from_millis(10)); //~ guard_across_blocking
        }
    }

    pub fn load_mapped(&self, path: &str) -> io::Result<()> {
        let mut pending = self.pending.lock().map_err(|_| io::Error::other("poisoned"))?;
        let bytes = std::fs::read(path)?; //~ guard_across_blocking
        pending.push(bytes);
        Ok(())
    }

    // ---- look-alikes that must stay silent ----

    /// The file behind the lock is what the write works on: held on purpose.
    pub fn write_mapped(&self, line: &[u8]) -> io::Result<()> {
        let mut out = self.out.lock().map_err(|_| io::Error::other("poisoned"))?;
        out.write_all(line)
    }

    // ---- look-alikes that must stay silent ----

    /// The guard of the `match` dies with its block before the sleep.
    pub fn backoff_after(&self) {
        let len = {
            let pending = match self.pending.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            pending.len()
        };
        if len > 64 {
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// `let .. else` on a lock, dropped before the write.
    pub fn take_then_write(&self) -> io::Result<()> {
        let Ok(mut pending) = self.pending.lock() else {
            return Ok(());
        };
        let chunks: Vec<Vec<u8>> = pending.drain(..).collect();
        drop(pending);
        let mut out = File::create("spool.out")?;
        for chunk in chunks {
            out.write_all(&chunk)?;
        }
        Ok(())
    }
}

/// A lock of the crate's own, with a guard type of its own named like std's.
pub mod spin {
    pub struct Mutex<T>(std::cell::UnsafeCell<T>, std::sync::atomic::AtomicBool);

    pub struct MutexGuard<'a, T>(pub &'a mut T, &'a std::sync::atomic::AtomicBool);

    impl<T> Mutex<T> {
        pub fn hold(&self) -> MutexGuard<'_, T> {
            use std::sync::atomic::Ordering;
            while self.1.swap(true, Ordering::Acquire) {
                std::hint::spin_loop();
            }
            // SAFETY: the flag is held until the guard is dropped.
            MutexGuard(unsafe { &mut *self.0.get() }, &self.1)
        }
    }

    impl<T> Drop for MutexGuard<'_, T> {
        fn drop(&mut self) {
            self.1.store(false, std::sync::atomic::Ordering::Release);
        }
    }
}

// ---- stand-ins for the HTTP clients, in a `macro_rules!` body the analysis does not read, so
// that their names stay other crates' ----
macro_rules! http_stand_ins {
    () => {
        mod reqwest {
            pub mod blocking {
                pub struct Response(pub u8);
                pub fn get(_url: &str) -> Result<Response, ()> {
                    Ok(Response(0))
                }
            }
        }
        mod ureq {
            pub struct Request;
            pub struct Response(pub u8);
            pub fn get(_url: &str) -> Request {
                Request
            }
            impl Request {
                pub fn call(self) -> Result<Response, ()> {
                    Ok(Response(0))
                }
            }
        }
    };
}

http_stand_ins!();
