//! The timing harness every pair uses: fixed total work split across threads that a barrier
//! releases together, timed from the first thread's start to the last thread's end. Each
//! thread's CPU accounting is read over the same span, so that a caller can tell whether the
//! threads got their cores ([`observed`]).

use std::cell::RefCell;
use std::hint;
use std::ops::Range;
use std::panic;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::load::{ThreadClock, ThreadTime, Usage};

/// Splits the work items `0..total` into `parts` contiguous ranges whose lengths differ by at
/// most one, in order.
pub fn split(total: u64, parts: usize) -> Vec<Range<u64>> {
    let parts = parts.max(1) as u64;
    let base = total / parts;
    let extra = total % parts;
    let mut start = 0;
    (0..parts)
        .map(|part| {
            let len = base + u64::from(part < extra);
            let range = start..start + len;
            start += len;
            range
        })
        .collect()
}

/// Runs `work` once per input, each on a thread of its own, all starting together. Returns
/// the wall time from the first thread's start to the last thread's end, and each thread's
/// result in input order.
///
/// The threads meet at a spinning barrier ([`StartLine`]) before they start; each reads the
/// clock itself, because with more threads than cores the caller might not run again until the
/// workers are done. A panic in a worker is resumed on the calling thread once all have ended.
///
/// Each thread also reads its CPU accounting just outside its timed span; inside
/// [`observed`], the run's [`Usage`] goes to the observer.
pub fn timed<I, R, F>(inputs: Vec<I>, work: F) -> (Duration, Vec<R>)
where
    I: Send,
    R: Send,
    F: Fn(I) -> R + Sync,
{
    let start_line = StartLine::new(inputs.len());
    let spans: Vec<(Instant, Instant, ThreadTime, R)> = thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .into_iter()
            .map(|input| {
                let (start_line, work) = (&start_line, &work);
                scope.spawn(move || {
                    start_line.wait();
                    let clock = ThreadClock::now();
                    let start = Instant::now();
                    let result = work(input);
                    let end = Instant::now();
                    (start, end, clock.since(), result)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|payload| panic::resume_unwind(payload))
            })
            .collect()
    });
    let first_start = spans.iter().map(|&(start, ..)| start).min();
    let last_end = spans.iter().map(|&(_, end, ..)| end).max();
    let elapsed = match (first_start, last_end) {
        (Some(start), Some(end)) => end.saturating_duration_since(start),
        _ => Duration::ZERO,
    };
    let times: Vec<ThreadTime> = spans.iter().map(|&(_, _, time, _)| time).collect();
    report(Usage::of_threads(elapsed, &times));
    (
        elapsed,
        spans.into_iter().map(|(.., result)| result).collect(),
    )
}

thread_local! {
    /// The usage of each [`timed`] run made inside the innermost [`observed`] call on this
    /// thread, or `None` outside one.
    static OBSERVER: RefCell<Option<Vec<Usage>>> = const { RefCell::new(None) };
}

/// Runs `measured` and returns what its threads got of the CPU: the [`Usage`] of every
/// [`timed`] run it made, added up; `None` if it made none (a side that starts its own threads
/// and times them itself).
///
/// The pairs' code hands the harness its work and gets timings back; it has no part in
/// judging the machine. So the runner observes a pair's run from outside, and the harness
/// reports to the observer of the thread that called [`timed`], which is the thread that
/// called `observed`.
pub fn observed<T>(measured: impl FnOnce() -> T) -> (T, Option<Usage>) {
    let outer = OBSERVER.with(|observer| observer.borrow_mut().replace(Vec::new()));
    let value = measured();
    let runs = OBSERVER
        .with(|observer| std::mem::replace(&mut *observer.borrow_mut(), outer))
        .unwrap_or_default();
    (value, runs.into_iter().reduce(|all, run| all + run))
}

/// Hands a timed run's usage to the current observer, if there is one.
fn report(usage: Usage) {
    OBSERVER.with(|observer| {
        if let Some(runs) = observer.borrow_mut().as_mut() {
            runs.push(usage);
        }
    });
}

/// A barrier whose waiters spin instead of sleeping.
///
/// `std::sync::Barrier` parks its waiters, and Linux queues a woken thread on the core of the
/// thread that woke it, moving it to an idle core only later: on the 2-core machine these
/// figures come from, two threads released by a `Barrier` ran one after the other in 14 of 30
/// runs of 3 and 10 ms, and in none of 60 when they spun at the line instead. A freshly spawned thread is
/// placed on an idle core, so threads that never sleep before the start run in parallel. With
/// more threads than cores, spinning threads yield now and then so the rest can reach the line.
pub struct StartLine {
    threads: usize,
    arrived: AtomicUsize,
}

impl StartLine {
    /// A start line for `threads` threads.
    pub fn new(threads: usize) -> StartLine {
        StartLine {
            threads,
            arrived: AtomicUsize::new(0),
        }
    }

    /// Returns once all `threads` threads have called `wait`.
    pub fn wait(&self) {
        self.arrived.fetch_add(1, Ordering::AcqRel);
        spin_until(|| self.arrived.load(Ordering::Acquire) >= self.threads);
    }
}

/// Spins until `done` holds, yielding now and then so that, with more threads than cores, the
/// thread that will make it hold gets to run.
pub fn spin_until(done: impl Fn() -> bool) {
    const SPINS_PER_YIELD: u32 = 1 << 12;
    let mut spins = 0u32;
    while !done() {
        spins = spins.wrapping_add(1);
        if spins % SPINS_PER_YIELD == 0 {
            thread::yield_now();
        } else {
            hint::spin_loop();
        }
    }
}

/// [`timed`] over the usual input: `ops` work items split into one contiguous range per
/// thread, handed to `work` with the thread's index.
pub fn timed_ranges<R, F>(threads: usize, ops: u64, work: F) -> (Duration, Vec<R>)
where
    R: Send,
    F: Fn(usize, Range<u64>) -> R + Sync,
{
    let inputs: Vec<(usize, Range<u64>)> = split(ops, threads).into_iter().enumerate().collect();
    timed(inputs, |(index, range)| work(index, range))
}

/// A strong 64-bit mix (the SplitMix64 finaliser), for checksums whose parts are combined by
/// wrapping addition, so that they do not depend on the order the threads finished in.
pub fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_covers_every_item_once_in_balanced_ranges() {
        for total in [0, 1, 7, 64, 1001] {
            for parts in 1..=9 {
                let ranges = split(total, parts);
                assert_eq!(ranges.len(), parts);
                assert_eq!(ranges.first().map(|range| range.start), Some(0));
                assert_eq!(ranges.last().map(|range| range.end), Some(total));
                for pair in ranges.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start);
                }
                let lens: Vec<u64> = ranges.iter().map(|range| range.end - range.start).collect();
                let spread = lens.iter().max().unwrap() - lens.iter().min().unwrap();
                assert!(spread <= 1, "{total} over {parts}: {lens:?}");
            }
        }
    }

    #[test]
    fn timed_returns_results_in_input_order() {
        let (_, results) = timed(vec![3u64, 1, 2], |input| input * 10);
        assert_eq!(results, vec![30, 10, 20]);
    }

    #[test]
    fn observed_adds_up_the_timed_runs_inside_it() {
        let ((first, second), usage) = observed(|| {
            let (first, _) = timed(vec![1u64, 2], |input| input);
            let (second, _) = timed(vec![3u64], |input| input);
            (first, second)
        });
        let usage = usage.expect("two runs were timed");
        assert_eq!(usage.elapsed, first + second);
        if cfg!(target_os = "linux") {
            assert!(usage.known);
        }
    }

    #[test]
    fn observed_says_when_nothing_was_timed_and_nests() {
        let (((value, inner), elapsed), outer) = observed(|| {
            let inner = observed(|| 7);
            // A run after the inner observer ended goes to the outer one again.
            let (elapsed, _) = timed(vec![()], |()| ());
            (inner, elapsed)
        });
        assert_eq!((value, inner), (7, None));
        assert_eq!(outer.map(|usage| usage.elapsed), Some(elapsed));
        // Outside any observer a timed run reports to no one.
        timed(vec![()], |()| ());
        assert!(OBSERVER.with(|observer| observer.borrow().is_none()));
    }

    #[test]
    fn timed_ranges_hands_each_thread_its_index_and_share() {
        let (_, results) = timed_ranges(3, 10, |index, range| (index, range));
        assert_eq!(results, vec![(0, 0..4), (1, 4..7), (2, 7..10)]);
    }
}
