//! `thread_spawn_per_task`, the flagged shape: every job gets an operating-system thread of its
//! own, `threads` at a time, so each few microseconds of work pays for creating, scheduling and
//! joining a thread.

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

/// Runs every job, at most `threads` at once, and returns the sum of their checksums.
pub fn run_jobs(jobs: &[Job], threads: usize) -> u64 {
    let mut total = 0u64;
    for batch in jobs.chunks(threads.max(1)) {
        let mut handles = Vec::with_capacity(batch.len());
        for &job in batch {
            handles.push(thread::spawn(move || job.run())); //~ thread_spawn_per_task
        }
        for handle in handles {
            total = total.wrapping_add(handle.join().expect("job thread panicked"));
        }
    }
    total
}
