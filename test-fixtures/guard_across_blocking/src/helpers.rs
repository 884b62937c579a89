//! Guards followed through helper functions whose signature ties the returned reference to an
//! argument that borrows the guard (`self.writer(&mut guard)?`, `current(&mut files)`): what
//! they return is the guarded value, and working on it is what the lock is for.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

pub struct Appender {
    path: PathBuf,
    writer: Mutex<Option<File>>,
    segments: Mutex<Vec<File>>,
}

/// The newest segment: the result borrows the vector it is given (elided lifetime).
fn current(segments: &mut Vec<File>) -> Option<&mut File> {
    segments.last_mut()
}

impl Appender {
    /// The open writer, opened on first use: the result borrows `writer`, not `self`.
    fn writer<'a>(&self, writer: &'a mut Option<File>) -> io::Result<&'a mut File> {
        if writer.is_none() {
            *writer = Some(File::create(&self.path)?);
        }
        writer
            .as_mut()
            .ok_or_else(|| io::Error::other("no writer"))
    }

    /// Where the writer's file lives: the result borrows `self`, not the guard it is given.
    fn path_of<'a>(&'a self, _writer: &Option<File>) -> &'a Path {
        &self.path
    }

    pub fn append_then_wait(&self, line: &[u8]) -> io::Result<()> {
        let mut guard = self.writer.lock().unwrap();
        let out = self.writer(&mut guard)?;
        out.write_all(line)?;
        thread::sleep(Duration::from_millis(5)); //~ guard_across_blocking
        Ok(())
    }

    pub fn backup(&self) -> io::Result<Vec<u8>> {
        let guard = self.writer.lock().unwrap();
        let path = self.path_of(&guard);
        std::fs::read(path) //~ guard_across_blocking
    }

    // ---- look-alikes that must stay silent ----

    /// Writing the locked file through the helper's reference: held on purpose.
    pub fn append(&self, line: &[u8]) -> io::Result<()> {
        let mut guard = self.writer.lock().unwrap();
        let out = self.writer(&mut guard)?;
        out.write_all(line)?;
        out.flush()
    }

    /// The same through a free function whose result borrows its only argument.
    pub fn append_segment(&self, line: &[u8]) -> io::Result<()> {
        let mut segments = self.segments.lock().unwrap();
        let Some(out) = current(&mut segments) else {
            return Ok(());
        };
        out.write_all(line)?;
        out.sync_data()
    }
}

/// A background roll signals a `Condvar` paired with its lock when it is done: the waiter
/// waits on the flag, so the roller holds the flag's lock across the work on purpose.
pub fn roll_in_background(pair: Arc<(Mutex<bool>, Condvar)>, from: PathBuf, to: PathBuf) {
    thread::spawn(move || {
        let (lock, done) = &*pair;
        let mut ready = lock.lock().unwrap();
        let _ = std::fs::rename(&from, &to);
        *ready = true;
        done.notify_one();
    });
}

/// The same with the pair's fields named.
pub fn roll_by_field(pair: &(Mutex<bool>, Condvar), from: &Path, to: &Path) {
    let mut ready = pair.0.lock().unwrap();
    let _ = std::fs::rename(from, to);
    *ready = true;
    pair.1.notify_all();
}

/// A tuple without a `Condvar`: nothing waits on the flag, and the rename blocks its users.
pub fn rename_flagged(pair: &(Mutex<bool>, u64), from: &Path, to: &Path) {
    let (lock, _) = pair;
    let mut busy = lock.lock().unwrap();
    *busy = true;
    let _ = std::fs::rename(from, to); //~ guard_across_blocking
}
