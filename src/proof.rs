//! The findings' estimates held to measurements: for every paired benchmark, the estimate of
//! the finding on its `before` side, priced with this machine's figures measured in the same
//! run, against that side's measured cost per work item at 1 and 2 threads
//! (`cargo contention calibrate --check-estimates`, and a test that requires agreement within
//! a factor of 3).
//!
//! Both figures are each thread's time per work item, as the calibration counts its own: with
//! N threads sharing the work, N times the wall time over the items. The estimate is the
//! finding's cost per occurrence at that many threads times how often a work item runs the
//! flagged line (the pair's [`Flagged`]), a copy priced at the size the pair copies; the
//! measurement is the whole work item, so the work around the flagged line is in it and not
//! in the estimate.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use contention_bench::calibrate::{self as costs, Settings as CalibrationSettings};
use contention_bench::{CostTable, Costs, Flagged, Pair, Side};
use contention_lints::{CrateFiles, CrateInfo, check_files};

use crate::estimate::{Estimate, duration};

/// How far an estimate may be from the measurement, either way, and still agree.
pub const AGREEMENT: f64 = 3.0;

/// The thread counts compared.
pub const THREADS: [usize; 2] = [1, 2];

/// How the comparison measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The calibration whose figures price the estimates.
    pub calibration: CalibrationSettings,
    /// Timed repetitions of each pair at each thread count, after one warm-up run.
    pub reps: usize,
    /// How long one run of a pair's slower side should take on one thread.
    pub target: Duration,
}

impl Settings {
    /// The full calibration, and each pair measured as `bench` measures it.
    pub fn full() -> Settings {
        let bench = contention_bench::Settings::full(THREADS.to_vec());
        Settings {
            calibration: CalibrationSettings::full(),
            reps: bench.reps,
            target: bench.target,
        }
    }

    /// The quick calibration, and each pair measured as `bench --quick` measures it.
    pub fn quick() -> Settings {
        let bench = contention_bench::Settings::quick(THREADS.to_vec());
        Settings {
            calibration: CalibrationSettings::quick(),
            reps: bench.reps,
            target: bench.target,
        }
    }
}

/// One pair's estimate against its measurement.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The pair's lint.
    pub lint: &'static str,
    /// How often a work item runs the flagged line.
    pub flagged: Flagged,
    /// The estimate of the `before` side's finding; `None` where its cost has no model.
    pub estimate: Option<Estimate>,
    /// One entry per thread count of [`THREADS`].
    pub at: Vec<At>,
}

/// A pair at one thread count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct At {
    /// Threads sharing the work.
    pub threads: usize,
    /// The estimate per work item, in nanoseconds of each thread's time; `None` without an
    /// estimate, or where the calibration has no figure for this many threads.
    pub estimated_ns: Option<f64>,
    /// The `before` side's measured cost per work item, in nanoseconds of each thread's time.
    pub before_ns: f64,
    /// The `after` side's, for scale: what is left of a work item without the flagged shape.
    pub after_ns: f64,
    /// Whether the threads did not get their cores while this was measured.
    pub busy: bool,
    /// Whether a figure the estimate reads was measured while its threads did not get their
    /// cores.
    pub estimate_busy: bool,
}

impl At {
    /// Measured over estimated: 1 when they agree, 2 when the code costs twice the estimate.
    pub fn ratio(&self) -> Option<f64> {
        self.estimated_ns
            .map(|estimated| self.before_ns / estimated)
    }

    /// Whether both figures were measured while the threads had their cores.
    pub fn quiet(&self) -> bool {
        !self.busy && !self.estimate_busy
    }

    /// Whether the estimate is within [`AGREEMENT`] of the measurement either way; `None`
    /// without an estimate.
    pub fn agrees(&self) -> Option<bool> {
        self.ratio()
            .map(|ratio| (1.0 / AGREEMENT..=AGREEMENT).contains(&ratio))
    }
}

/// The whole comparison: the figures measured, and each pair's.
#[derive(Debug, Clone)]
pub struct Proof {
    /// This run's calibration.
    pub costs: Costs,
    /// One per pair, in catalogue order.
    pub pairs: Vec<Comparison>,
}

/// The cost the analysis gives the finding of `pair`'s lint on its `before` side, read as a
/// file of its own: `None` if that finding carries none (or, which a test rules out, if there
/// is no such finding).
pub fn finding_cost(pair: &Pair) -> Option<contention_lints::Cost> {
    let path = PathBuf::from(pair.source_path(Side::Before));
    let source = pair.source(Side::Before);
    let loader = move |_: &Path| Ok(source.to_owned());
    let report = check_files(&CrateInfo::default(), CrateFiles::List(vec![path]), &loader);
    report
        .diagnostics
        .into_iter()
        .find(|diagnostic| diagnostic.lint.name == pair.lint())
        .and_then(|diagnostic| diagnostic.cost)
}

/// The estimate of `pair`'s `before` finding priced with `table`, a copy at the pair's size.
pub fn estimate(pair: &Pair, table: &CostTable) -> Option<Estimate> {
    let cost = finding_cost(pair)?;
    let bytes = pair
        .flagged()
        .copy_bytes
        .unwrap_or(crate::estimate::NOMINAL_COPY_BYTES);
    Estimate::sized(&cost, table, bytes)
}

/// Measures this machine's costs (printing their table to `calibration_out`), then each of
/// `pairs` at [`THREADS`], and sets each pair's estimate against its measurement.
pub fn run(
    pairs: &[&'static Pair],
    settings: &Settings,
    calibration_out: &mut dyn Write,
) -> anyhow::Result<Proof> {
    let costs = costs::measure(&settings.calibration, calibration_out)?;
    let table = CostTable::choose(Path::new("(this run)"), Ok(costs.clone()));
    let mut compared = Vec::with_capacity(pairs.len());
    for &pair in pairs {
        compared.push(compare(pair, &table, settings)?);
    }
    Ok(Proof {
        costs,
        pairs: compared,
    })
}

/// Measures `pair` and sets it against its estimate priced with `table`.
pub fn compare(
    pair: &'static Pair,
    table: &CostTable,
    settings: &Settings,
) -> anyhow::Result<Comparison> {
    let estimate = estimate(pair, table);
    let bench = contention_bench::Settings {
        threads: THREADS.to_vec(),
        reps: settings.reps,
        target: settings.target,
    };
    let ops = contention_bench::size_work(pair, settings.target)?;
    let report = contention_bench::measure(pair, ops, &bench, |_| {})?;
    let per_item = |threads: usize, ops_per_sec: f64| threads as f64 * 1e9 / ops_per_sec;
    let flagged = pair.flagged();
    let estimate_busy = estimate.as_ref().is_some_and(|estimate| {
        estimate
            .figures
            .iter()
            .filter_map(|name| table.figure(name))
            .any(|figure| figure.busy)
    });
    let at = report
        .results
        .iter()
        .map(|measured| At {
            threads: measured.threads,
            estimated_ns: estimate
                .as_ref()
                .and_then(|estimate| estimate.per_thread_ns(measured.threads))
                .map(|ns| ns * flagged.per_item),
            before_ns: per_item(measured.threads, measured.before_ops_per_sec),
            after_ns: per_item(measured.threads, measured.after_ops_per_sec),
            busy: measured.busy,
            estimate_busy,
        })
        .collect();
    Ok(Comparison {
        lint: pair.lint(),
        flagged,
        estimate,
        at,
    })
}

/// What the estimate counts for `pair`, in words: `2 atomic read-modify-writes per
/// iteration`, with how often a work item runs it where that is not once, and the size of a
/// copy.
fn what(estimate: &Estimate, flagged: Flagged) -> String {
    let mut what = estimate.what.clone();
    if flagged.per_item != 1.0 {
        let _ = write!(what, ", {} per work item", flagged.per_item);
    }
    if let Some(bytes) = estimate.bytes {
        let _ = write!(what, ", {} KiB", bytes >> 10);
    }
    what
}

/// The napkin-math line of `pair`'s lint page: its finding's estimate per work item, priced
/// with the reference figures, against the `before` side's throughput in the page's full run
/// at each thread count of `measured` (`(threads, work items per second)`); `None` where the
/// finding has no estimate.
pub fn napkin_line(pair: &Pair, measured: &[(usize, f64)]) -> Option<String> {
    let reference = CostTable::choose(
        Path::new(costs::FILE_NAME),
        Err(contention_bench::Unusable::Missing),
    );
    let estimate = estimate(pair, &reference)?;
    let flagged = pair.flagged();
    let mut estimated = Vec::new();
    let mut taken = Vec::new();
    let mut ratios = Vec::new();
    for &(threads, ops_per_sec) in measured {
        let ns = estimate.per_thread_ns(threads)? * flagged.per_item;
        let measured_ns = threads as f64 * 1e9 / ops_per_sec;
        estimated.push(if threads == 1 {
            format!("{} a work item on one thread", duration(ns))
        } else {
            format!("{} at {threads} threads", duration(ns))
        });
        taken.push(duration(measured_ns));
        ratios.push(format!("{:.2}×", measured_ns / ns));
    }
    Some(format!(
        "Napkin math, with the reference figures of `cargo contention calibrate` (this \
         machine's): the finding's estimate, {}, comes to {}; the full run above \
         measured {} (each thread's time per work item: threads / throughput), {} the \
         estimate.",
        what(&estimate, flagged),
        estimated.join(" and "),
        taken.join(" and "),
        ratios.join(" and "),
    ))
}

/// The comparison as a Markdown table, one row per pair, with a note on busy figures.
pub fn table(proof: &Proof) -> String {
    let mut text = String::from(
        "| lint | estimate of `before`'s finding, per work item | 1 thread: estimate | measured | \
         ratio | 2 threads: estimate | measured | ratio |\n\
         |---|---|--:|--:|--:|--:|--:|--:|\n",
    );
    let mut busy = false;
    for pair in &proof.pairs {
        let what = match &pair.estimate {
            Some(estimate) => what(estimate, pair.flagged),
            None => "no model: the finding carries no cost".to_owned(),
        };
        let _ = write!(text, "| {} | {what} |", pair.lint);
        for at in &pair.at {
            let marker = |busy: bool| if busy { "*" } else { "" };
            busy |= !at.quiet();
            let estimated = at.estimated_ns.map_or_else(
                || "-".to_owned(),
                |ns| format!("{}{}", duration(ns), marker(at.estimate_busy)),
            );
            let ratio = at.ratio().map_or_else(
                || "-".to_owned(),
                |ratio| {
                    let mark = if at.agrees() == Some(true) {
                        ""
                    } else {
                        " ✗"
                    };
                    format!("{ratio:.2}{mark}")
                },
            );
            let _ = write!(
                text,
                " {estimated} | {}{} | {ratio} |",
                duration(at.before_ns),
                marker(at.busy)
            );
        }
        text.push('\n');
    }
    let _ = write!(
        text,
        "\nEach figure is one thread's time per work item; ratio = measured / estimate, ✗ beyond \
         {AGREEMENT}x either way. Measured on {}.\n",
        proof.costs.machine
    );
    if busy {
        text.push_str(
            "* busy: the threads did not get their cores while this was measured (another \
             process ran), or, on an estimate, while a figure it reads was; the figure measures \
             that process as much as the code.\n",
        );
    }
    text
}

/// `calibrate --check-estimates`: the calibration's table, then the comparison's, to `out`.
pub fn print(proof: &Proof, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "\nestimates against the paired benchmarks' `before` sides, priced with the figures \
         above:\n"
    )?;
    write!(out, "{}", table(proof))
}

#[cfg(test)]
mod tests {
    use contention_bench::{Unusable, pair};

    use super::*;

    fn at(threads: usize, estimated_ns: Option<f64>, before_ns: f64, busy: bool) -> At {
        At {
            threads,
            estimated_ns,
            before_ns,
            after_ns: before_ns / 2.0,
            busy,
            estimate_busy: false,
        }
    }

    #[test]
    fn agreement_is_within_a_factor_of_3_either_way() {
        assert_eq!(at(1, Some(10.0), 30.0, false).agrees(), Some(true));
        assert_eq!(at(1, Some(10.0), 3.4, false).agrees(), Some(true));
        assert_eq!(at(1, Some(10.0), 31.0, false).agrees(), Some(false));
        assert_eq!(at(1, Some(10.0), 3.2, false).agrees(), Some(false));
        assert_eq!(at(1, None, 3.2, false).agrees(), None);
        assert_eq!(at(2, Some(10.0), 15.0, false).ratio(), Some(1.5));
        assert!(!at(2, Some(10.0), 15.0, true).quiet());
        let priced_busy = At {
            estimate_busy: true,
            ..at(2, Some(10.0), 15.0, false)
        };
        assert!(!priced_busy.quiet());
    }

    #[test]
    fn the_table_has_a_row_per_pair_and_marks_what_is_busy_or_beyond() {
        let reference = CostTable::choose(Path::new("costs.json"), Err(Unusable::Missing));
        let arc = pair("arc_clone_in_hot_loop").unwrap();
        let proof = Proof {
            costs: reference.costs.clone(),
            pairs: vec![
                Comparison {
                    lint: arc.lint(),
                    flagged: arc.flagged(),
                    estimate: estimate(arc, &reference),
                    at: vec![at(1, Some(6.2), 4.1, false), at(2, Some(30.0), 95.0, true)],
                },
                Comparison {
                    lint: "single_lock_map",
                    flagged: Flagged::ONCE,
                    estimate: None,
                    at: vec![at(1, None, 28.0, false), at(2, None, 174.0, false)],
                },
            ],
        };
        let table = table(&proof);
        let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| ")).collect();
        assert_eq!(
            rows[1],
            "| arc_clone_in_hot_loop | 2 atomic read-modify-writes per iteration | 6.2 ns | \
             4.1 ns | 0.66 | 30 ns | 95 ns* | 3.17 ✗ |"
        );
        assert_eq!(
            rows[2],
            "| single_lock_map | no model: the finding carries no cost | - | 28 ns | - | - | \
             174 ns | - |"
        );
        assert!(table.contains("* busy: "), "{table}");
    }

    #[test]
    fn the_finding_costs_come_from_the_before_sides() {
        let cost = finding_cost(pair("mutex_scalar").unwrap()).unwrap();
        assert_eq!(cost.per, contention_lints::Per::Access);
        assert!(finding_cost(pair("guard_across_blocking").unwrap()).is_none());
        // A copy is priced at the size the pair copies.
        let reference = CostTable::choose(Path::new("costs.json"), Err(Unusable::Missing));
        let over_copy = estimate(pair("over_copy").unwrap(), &reference).unwrap();
        assert_eq!(over_copy.bytes, Some(256 << 10));
    }
}
