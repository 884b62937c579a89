//! Work handed to a pool that is already running is a task on its threads, not a thread
//! started: rayon's `ThreadPool::spawn` and `rayon::spawn` look like `thread::spawn` but start
//! nothing. A thread builder's or a thread scope's `spawn` does start one.

use std::sync::mpsc::Sender;
use std::thread;

use super::Job;
use rayon::spawn;

/// A pool built once, handed a task per job.
pub fn on_pool(pool: &rayon::ThreadPool, jobs: &[Job], results: &Sender<u64>) {
    for &job in jobs {
        let results = results.clone();
        pool.spawn(move || results.send(job.run()).unwrap());
    }
}

/// A pool made in the function, whose type the source does not spell.
pub fn on_local_pool(jobs: &[Job], results: &Sender<u64>) {
    let pool = rayon::ThreadPoolBuilder::new().build().unwrap();
    for &job in jobs {
        let results = results.clone();
        pool.spawn(move || results.send(job.run()).unwrap());
    }
}

/// A pool in a field of any name.
pub struct Scheduler {
    workers: rayon::ThreadPool,
}

impl Scheduler {
    pub fn submit(&self, jobs: &[Job], results: &Sender<u64>) {
        for &job in jobs {
            let results = results.clone();
            self.workers.spawn(move || results.send(job.run()).unwrap());
        }
    }
}

/// The global pool, by an import of its `spawn`.
pub fn on_global_pool(jobs: &[Job], results: &Sender<u64>) {
    for &job in jobs {
        let results = results.clone();
        spawn(move || results.send(job.run()).unwrap());
    }
}

/// A thread builder held in a variable starts a thread per job.
pub fn on_builder(jobs: &[Job]) -> Vec<thread::JoinHandle<u64>> {
    let mut handles = Vec::new();
    for &job in jobs {
        let builder: thread::Builder = thread::Builder::new().name("job".into());
        handles.push(builder.spawn(move || job.run()).unwrap()); //~ thread_spawn_per_task
    }
    handles
}

// `rayon` plays the crate of that name, out of the analysis' sight (a `macro_rules!` body is not
// read), so that its pool and `spawn` are another crate's.
macro_rules! stand_ins {
    () => {
        mod rayon {
            pub struct ThreadPool;
            impl ThreadPool {
                pub fn spawn<F: FnOnce() + Send + 'static>(&self, work: F) {
                    work();
                }
            }
            pub struct ThreadPoolBuilder;
            impl ThreadPoolBuilder {
                pub fn new() -> ThreadPoolBuilder {
                    ThreadPoolBuilder
                }
                pub fn build(self) -> Result<ThreadPool, ()> {
                    Ok(ThreadPool)
                }
            }
            pub fn spawn<F: FnOnce() + Send + 'static>(work: F) {
                work();
            }
        }
    };
}

stand_ins!();
