//! Threads spawned for one short task in code that runs many times, and look-alikes that must
//! stay silent.

use std::process::Command;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;
use std::thread;

pub mod connections;
pub mod pools;

#[derive(Clone, Copy)]
pub struct Job {
    pub seed: u64,
    pub len: u32,
}

impl Job {
    /// A few microseconds of work: its loop is over its own data, not a stream of jobs.
    pub fn run(self) -> u64 {
        let mut sum = self.seed;
        for i in 0..self.len {
            sum = sum.rotate_left(5) ^ u64::from(i);
        }
        sum
    }
}

/// A thread per job.
pub fn per_job(jobs: &[Job]) -> u64 {
    let mut handles = Vec::new();
    for &job in jobs {
        handles.push(thread::spawn(move || job.run())); //~ thread_spawn_per_task
    }
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

/// A thread per item through an iterator adapter and a thread builder.
pub fn per_item(items: &[u64]) -> Vec<thread::JoinHandle<u64>> {
    items
        .iter()
        .map(|&x| {
            thread::Builder::new()
                .spawn(move || x * 2) //~ thread_spawn_per_task
                .unwrap()
        })
        .collect()
}

/// A scoped thread per request.
pub fn per_request(requests: &[String]) -> usize {
    thread::scope(|s| {
        let mut handles = Vec::new();
        for request in requests {
            handles.push(s.spawn(move || request.len())); //~ thread_spawn_per_task
        }
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

/// Spawns per call, and is called once per event: hot through its caller.
pub struct Recorder {
    events: Arc<Mutex<Vec<u32>>>,
}

impl Recorder {
    pub fn record(&self, event: u32) {
        let events = Arc::clone(&self.events);
        thread::spawn(move || { //~ thread_spawn_per_task
            events.lock().unwrap().push(event);
        });
    }
}

pub fn record_all(recorder: &Recorder, events: &[u32]) {
    for &event in events {
        recorder.record(event);
    }
}

// ---- look-alikes that must stay silent ----

/// Long-running workers started once each.
pub fn start_workers(rx: Arc<Mutex<Receiver<Job>>>, workers: usize) {
    for _ in 0..workers {
        let rx = Arc::clone(&rx);
        thread::spawn(move || loop {
            let job = match rx.lock().unwrap().recv() {
                Ok(job) => job,
                Err(_) => break,
            };
            job.run();
        });
    }
}

/// A worker whose loop is in the function it calls.
fn serve(rx: Receiver<Job>) {
    while let Ok(job) = rx.recv() {
        job.run();
    }
}

/// A worker that takes jobs from a channel until it closes.
fn drain(jobs_rx: Receiver<Job>) -> u64 {
    let mut total = 0;
    for job in jobs_rx {
        total += job.run();
    }
    total
}

pub fn start_servers(queues: Vec<Receiver<Job>>, more: Vec<Receiver<Job>>) {
    for rx in queues {
        thread::spawn(move || serve(rx));
    }
    for rx in more {
        thread::spawn(move || drain(rx));
    }
}

/// A known few threads, or one per core: fan-out.
pub fn fan_out(job: Job, num_threads: usize) {
    for _ in 0..4 {
        thread::spawn(move || job.run());
    }
    for _ in 0..num_threads {
        thread::spawn(move || job.run());
    }
    // A count bound to a name first is as small as the literal.
    let total = if cfg!(miri) { 2 } else { 5 };
    for _ in 0..total {
        thread::spawn(move || job.run());
    }
}

/// One scoped thread per chunk of the data, each looping over its share.
pub fn chunked(data: &[u64], threads: usize) -> u64 {
    thread::scope(|s| {
        let mut handles = Vec::new();
        for chunk in data.chunks(data.len().div_ceil(threads.max(1)).max(1)) {
            handles.push(s.spawn(move || chunk.iter().sum::<u64>()));
        }
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

/// A thread outside any loop.
pub fn once(job: Job) -> u64 {
    thread::spawn(move || job.run()).join().unwrap()
}

/// Processes, not threads.
pub fn processes(names: &[&str]) {
    for name in names {
        let _ = Command::new(name).spawn();
    }
}

/// Threads that block: a child process, a sleep, a barrier all of them must reach together.
fn run_job(name: &str) -> bool {
    Command::new("make").arg(name).status().is_ok_and(|s| s.success())
}

pub fn builds(names: Vec<String>) -> usize {
    let handles: Vec<_> = names
        .into_iter()
        .map(|name| thread::spawn(move || run_job(&name)))
        .collect();
    handles.into_iter().filter(|h| h.is_finished()).count()
}

/// The blocking call is in a closure the thread's function binds and calls.
fn run_checked(name: &str) -> bool {
    let build = |opt: &str| Command::new("cc").arg(opt).arg(name).status().is_ok();
    build("-O2") || build("-O0")
}

pub fn checked_builds(names: Vec<String>) -> usize {
    let handles: Vec<_> = names
        .into_iter()
        .map(|name| thread::spawn(move || run_checked(&name)))
        .collect();
    handles.into_iter().filter(|h| h.is_finished()).count()
}

/// The same through a closure handed to `catch_unwind`: it runs in the thread.
pub fn checked_unwinding(names: Vec<String>) -> usize {
    let handles: Vec<_> = names
        .into_iter()
        .map(|name| {
            thread::spawn(move || {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_checked(&name)))
            })
        })
        .collect();
    handles.into_iter().filter(|h| h.is_finished()).count()
}

/// A closure the function only hands on does not run in it: this thread's work is short.
fn make_job(name: String) -> Box<dyn Fn() -> bool + Send> {
    let job = move || Command::new("cc").arg(&name).status().is_ok();
    Box::new(job)
}

pub fn hand_on(names: Vec<String>) -> Vec<Box<dyn Fn() -> bool + Send>> {
    let mut jobs = Vec::new();
    for name in names {
        let handle = thread::spawn(move || make_job(name)); //~ thread_spawn_per_task
        jobs.push(handle.join().unwrap());
    }
    jobs
}

pub fn waits(delays: &[u64]) {
    for &ms in delays {
        thread::spawn(move || thread::sleep(Duration::from_millis(ms)));
    }
}

pub fn together(barrier: Arc<Barrier>, racers: &[u32]) {
    for _ in racers {
        let barrier = Arc::clone(&barrier);
        thread::spawn(move || {
            barrier.wait();
        });
    }
}

/// A thread running work its caller supplies: what it does is not in sight.
pub fn on_thread<F: FnOnce() + Send + 'static>(work: F) {
    thread::spawn(move || work());
}

pub fn each(items: Vec<Box<dyn FnOnce() + Send>>) {
    for item in items {
        on_thread(item);
    }
}

/// Rounds of a group of threads meeting at a barrier made in the round: they must all be
/// alive at once, which a pool of fewer threads cannot give.
pub fn rounds(rounds: usize) {
    for round in 0..rounds {
        let group = round % 10 + 1;
        let barrier = Arc::new(Barrier::new(group + 1));
        for _ in 0..group {
            let barrier = barrier.clone();
            thread::spawn(move || {
                barrier.wait();
            });
        }
        barrier.wait();
    }
}

/// Threads racing to initialise a cell, each waiting at a barrier inside the closure it hands
/// to the cell: the wait is the thread's, and they must all be alive at once.
pub fn race_to_init(racers: usize, cell: Arc<std::sync::OnceLock<u64>>) {
    let barrier = Arc::new(Barrier::new(racers));
    let mut handles = Vec::new();
    for _ in 0..racers {
        let barrier = barrier.clone();
        let cell = cell.clone();
        handles.push(thread::spawn(move || {
            *cell.get_or_init(|| {
                barrier.wait();
                7
            })
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }
}
