//! `thread_spawn_per_task`, the fix: `threads` scoped workers are started once and each runs
//! its share of the jobs in a loop, so a thread is created per worker, not per job.

use std::thread;

/// A short job: checksum a pseudo-random stream of `len` words from `seed`.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    /// Where the stream starts.
    pub seed: u64,
    /// How many words to generate.
    pub len: u32,
}

impl Job {
    /// Does the job and returns its checksum.
    pub fn run(self) -> u64 {
        let mut state = self.seed | 1;
        let mut sum = 0u64;
        for _ in 0..self.len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            sum = sum.wrapping_add(state);
        }
        sum
    }
}

/// Runs every job on `threads` workers and returns the sum of their checksums.
pub fn run_jobs(jobs: &[Job], threads: usize) -> u64 {
    let share = jobs.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|scope| {
        let mut workers = Vec::with_capacity(threads);
        for chunk in jobs.chunks(share) {
            workers.push(scope.spawn(move || {
                let mut sum = 0u64;
                for &job in chunk {
                    sum = sum.wrapping_add(job.run());
                }
                sum
            }));
        }
        let mut total = 0u64;
        for worker in workers {
            total = total.wrapping_add(worker.join().expect("worker thread panicked"));
        }
        total
    })
}
