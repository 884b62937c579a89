//! The runner: sizes each pair's work, then measures both sides at every thread count with a
//! warm-up and several repetitions, checking every run's result, and reduces the timings to
//! median throughputs and the after/before ratio with its spread. Each repetition's threads are
//! observed too, and a figure taken while they did not get their cores is marked busy.

use std::time::Duration;

use anyhow::{Result, ensure};
use serde::Serialize;

use crate::harness;
use crate::load::{self, LoadWindow};
use crate::pairs::{Pair, Run, Side};

/// How a pair is measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The thread counts to measure at, in order.
    pub threads: Vec<usize>,
    /// Timed repetitions of each side at each thread count, after one warm-up run.
    pub reps: usize,
    /// How long the slower side should take on one thread; the total work is sized to it once
    /// per pair and then kept fixed at every thread count.
    pub target: Duration,
}

impl Settings {
    /// The full measurement: 11 repetitions of runs sized to 150 ms.
    pub fn full(threads: Vec<usize>) -> Settings {
        Settings {
            threads,
            reps: 11,
            target: Duration::from_millis(150),
        }
    }

    /// A quick look: 5 repetitions of runs sized to 30 ms, enough to see each fix's effect.
    pub fn quick(threads: Vec<usize>) -> Settings {
        Settings {
            threads,
            reps: 5,
            target: Duration::from_millis(30),
        }
    }
}

/// The default thread counts for a machine with `cores` logical cores: 1, 2, 4, … up to the
/// cores, the core count itself, and twice the cores (oversubscribed).
pub fn default_threads(cores: usize) -> Vec<usize> {
    let cores = cores.max(1);
    let mut threads: Vec<usize> = std::iter::successors(Some(1usize), |&n| n.checked_mul(2))
        .take_while(|&n| n <= cores)
        .collect();
    threads.extend([cores, cores * 2]);
    threads.dedup();
    threads
}

/// The figures for one pair at one thread count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// Threads the work was split across.
    pub threads: usize,
    /// Median throughput of the flagged shape, in work items per second.
    pub before_ops_per_sec: f64,
    /// Median throughput of the fix, in work items per second.
    pub after_ops_per_sec: f64,
    /// `after_ops_per_sec / before_ops_per_sec`: above 1 when the fix is faster.
    pub speedup: f64,
    /// The lowest after/before ratio of one repetition (both sides timed back to back).
    pub speedup_min: f64,
    /// The highest after/before ratio of one repetition.
    pub speedup_max: f64,
    /// The share of the CPU time they asked for that the threads got, 0 to 1: the lower of
    /// the two sides' medians over the repetitions; with more threads than cores, one minus
    /// `others_share` (see [`load::figure_share`]). `None` where it cannot be measured.
    pub cpu_share: Option<f64>,
    /// The share of the CPUs other processes used while this thread count was measured, 0 to
    /// 1; `None` where `/proc/stat` cannot be read.
    pub others_share: Option<f64>,
    /// Whether the threads clearly did not get their cores (`cpu_share` below
    /// [`load::BUSY_BELOW`]): another process was running, and the figures, the speedup
    /// most of all, are not a result.
    pub busy: bool,
}

/// The figures for one pair at every thread count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairReport {
    /// The lint the pair belongs to.
    pub lint: String,
    /// What both sides do.
    pub workload: String,
    /// The total work items of every run, split across the threads.
    pub ops: u64,
    /// One entry per thread count, in the order measured.
    pub results: Vec<Measurement>,
}

/// Sizes a pair's work: the number of work items at which the slower side takes about `target`
/// on one thread. Both sides' results are checked against the expected value on the way.
pub fn size_work(pair: &Pair, target: Duration) -> Result<u64> {
    size(
        target,
        64,
        |ops| pair.ops(ops),
        |ops| {
            let expected = pair.expected(ops);
            let mut slowest = Duration::ZERO;
            for side in Side::BOTH {
                let run = pair.run(side, 1, ops);
                check(pair, side, 1, ops, run, expected)?;
                slowest = slowest.max(run.elapsed);
            }
            Ok(slowest)
        },
    )
}

/// Sizes a measurement: the amount of work at which `time` takes about `target`. Starting
/// from `first` (rounded by `round`, as every amount is), the work grows eightfold until one
/// run takes an eighth of the target, then is scaled to the target from that run's time.
pub(crate) fn size(
    target: Duration,
    first: u64,
    round: impl Fn(u64) -> u64,
    mut time: impl FnMut(u64) -> Result<Duration>,
) -> Result<u64> {
    const MAX_OPS: u64 = 1 << 40;
    let mut ops = round(first);
    loop {
        let elapsed = time(ops)?;
        if elapsed >= target / 8 || ops >= MAX_OPS {
            let scale = target.as_secs_f64() / elapsed.as_secs_f64().max(1e-9);
            return Ok(round((ops as f64 * scale).round() as u64));
        }
        ops = round(ops.saturating_mul(8));
    }
}

/// Measures `pair` with `ops` work items at every thread count of `settings`, calling
/// `progress` with each thread count as its measurement begins. Fails if any run's result
/// differs from the expected one.
pub fn measure(
    pair: &Pair,
    ops: u64,
    settings: &Settings,
    mut progress: impl FnMut(usize),
) -> Result<PairReport> {
    let ops = pair.ops(ops);
    let expected = pair.expected(ops);
    let cores = crate::machine::logical_cores();
    let mut results = Vec::with_capacity(settings.threads.len());
    for &threads in &settings.threads {
        progress(threads);
        for side in Side::BOTH {
            check(
                pair,
                side,
                threads,
                ops,
                pair.run(side, threads, ops),
                expected,
            )?;
        }
        let mut before = Vec::with_capacity(settings.reps);
        let mut after = Vec::with_capacity(settings.reps);
        let mut before_shares = Vec::with_capacity(settings.reps);
        let mut after_shares = Vec::with_capacity(settings.reps);
        let window = LoadWindow::start();
        for rep in 0..settings.reps.max(1) {
            // Alternate which side goes first, so neither always runs on a cooler machine.
            let order = if rep % 2 == 0 {
                [Side::Before, Side::After]
            } else {
                [Side::After, Side::Before]
            };
            for side in order {
                let (run, usage) = harness::observed(|| pair.run(side, threads, ops));
                check(pair, side, threads, ops, run, expected)?;
                let rate = ops as f64 / run.elapsed.as_secs_f64().max(1e-9);
                let (rates, shares) = match side {
                    Side::Before => (&mut before, &mut before_shares),
                    Side::After => (&mut after, &mut after_shares),
                };
                rates.push(rate);
                shares.push(usage.and_then(|usage| usage.cpu_share()));
            }
        }
        let others_share = window.finish().others_share;
        let cpu_share = [&before_shares, &after_shares]
            .into_iter()
            .filter_map(|shares| load::figure_share(threads, cores, shares, others_share))
            .reduce(f64::min);
        results.push(summarise(threads, &before, &after, cpu_share, others_share));
    }
    Ok(PairReport {
        lint: pair.lint().to_owned(),
        workload: pair.workload().to_owned(),
        ops,
        results,
    })
}

fn check(pair: &Pair, side: Side, threads: usize, ops: u64, run: Run, expected: u64) -> Result<()> {
    ensure!(
        run.result == expected,
        "{}: the {side} side computed {:#x} on {threads} threads over {ops} items, expected {expected:#x}",
        pair.lint(),
        run.result
    );
    Ok(())
}

/// Reduces the per-repetition throughputs (paired by index) to medians and the ratio's spread;
/// `cpu_share` is what the threads got of the CPU, which decides whether the figures are busy,
/// and `others_share` what other processes used meanwhile.
fn summarise(
    threads: usize,
    before: &[f64],
    after: &[f64],
    cpu_share: Option<f64>,
    others_share: Option<f64>,
) -> Measurement {
    let ratios: Vec<f64> = before.iter().zip(after).map(|(b, a)| a / b).collect();
    let before_ops_per_sec = median(before);
    let after_ops_per_sec = median(after);
    Measurement {
        threads,
        before_ops_per_sec,
        after_ops_per_sec,
        speedup: after_ops_per_sec / before_ops_per_sec,
        speedup_min: ratios.iter().copied().fold(f64::INFINITY, f64::min),
        speedup_max: ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        cpu_share,
        others_share,
        busy: load::is_busy(cpu_share),
    }
}

/// The median of `values`, which must not be empty: the middle value, or the mean of the two
/// middle ones.
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 0 {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_threads_double_up_to_the_cores_then_oversubscribe() {
        assert_eq!(default_threads(1), vec![1, 2]);
        assert_eq!(default_threads(2), vec![1, 2, 4]);
        assert_eq!(default_threads(6), vec![1, 2, 4, 6, 12]);
        assert_eq!(default_threads(8), vec![1, 2, 4, 8, 16]);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn summary_pairs_repetitions_by_index() {
        let summary = summarise(
            2,
            &[10.0, 20.0, 40.0],
            &[30.0, 20.0, 80.0],
            Some(0.99),
            Some(0.0),
        );
        assert_eq!(summary.before_ops_per_sec, 20.0);
        assert_eq!(summary.after_ops_per_sec, 30.0);
        assert_eq!(summary.speedup, 1.5);
        assert_eq!(summary.speedup_min, 1.0);
        assert_eq!(summary.speedup_max, 3.0);
        assert!(!summary.busy);
    }

    #[test]
    fn a_starved_figure_is_busy_and_an_unmeasured_one_is_not_judged() {
        let starved = summarise(2, &[10.0], &[30.0], Some(0.62), Some(0.4));
        assert_eq!(starved.cpu_share, Some(0.62));
        assert!(starved.busy);
        assert!(!summarise(2, &[10.0], &[30.0], None, None).busy);
    }

    #[test]
    fn sizing_grows_eightfold_then_scales_to_the_target() {
        // A run of n items takes n microseconds: 1, 8, 64, 512 and 4096 items are tried, and
        // 4096 takes more than an eighth of 10 ms.
        let mut tried = Vec::new();
        let ops = size(
            Duration::from_millis(10),
            1,
            |n| n,
            |n| {
                tried.push(n);
                Ok(Duration::from_micros(n))
            },
        )
        .unwrap();
        assert_eq!(tried, [1, 8, 64, 512, 4096]);
        assert_eq!(ops, 10_000);
        // Amounts are rounded as the caller needs, the result too.
        let even = size(
            Duration::from_millis(1),
            3,
            |n| n.div_ceil(2) * 2,
            |n| Ok(Duration::from_micros(n * 100)),
        )
        .unwrap();
        assert_eq!(even, 10);
    }
}
