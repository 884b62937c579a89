//! Paired benchmarks for cargo-contention: for every lint whose fix is about speed, the code
//! shape the lint flags (`before`) and the fix its `help:` suggests (`after`), doing the same
//! work with the same result, measured side by side at 1, 2, 4, … threads up to the machine's
//! cores and at twice the cores.
//!
//! [`run`] is what `cargo contention bench` calls: it measures the selected pairs, prints a
//! table on stdout (with a progress bar on stderr when that is a terminal) and writes the JSON
//! report and SVG charts asked for. [`pairs`] gives the pairs themselves, for the `cargo bench`
//! target and for tests that run the checker over each side's source.
//!
//! [`calibrate`] is what `cargo contention calibrate` calls: it measures this machine's
//! primitive costs (atomics, locks, copies, allocation, threads) with the same harness and
//! keeps them in a [`Costs`] file that the findings' cost notes read.
//!
//! Modules: `pairs` holds the code under test, `harness` times threads behind a barrier,
//! `runner` sizes the work and repeats the runs, `report` and `chart` render the results,
//! `machine` records what they were measured on, and `load` tells whether the threads got
//! their cores while they were measured.

pub mod calibrate;
mod chart;
pub mod generated;
mod harness;
mod load;
mod machine;
mod pairs;
mod report;
mod runner;

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

pub use calibrate::{CostTable, Costs, Figure, Stale, Unit, Unusable};
pub use load::{BUSY_BELOW, LoadReport, LoadSample};
pub use machine::Machine;
pub use pairs::{Flagged, Pair, Run, Side};
pub use report::{Report, SettingsReport};
pub use runner::{Measurement, PairReport, Settings, default_threads, measure, size_work};

/// How long the load is sampled before a run, while this process sleeps: long enough for
/// `/proc/stat`'s hundredths of a second to say something on a few cores.
const LOAD_SAMPLE: Duration = Duration::from_millis(250);

/// The arguments of `cargo contention bench`.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct BenchArgs {
    /// Lints whose pairs to run (all when none are named)
    #[arg(value_name = "LINT")]
    pub lints: Vec<String>,
    /// Thread counts to measure at [default: 1, 2, 4, ... up to the logical cores, and twice the
    /// cores]
    #[arg(long, value_name = "N,...", value_delimiter = ',', value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Vec<u16>,
    /// Fewer and shorter repetitions: every pair in well under a minute
    #[arg(long)]
    pub quick: bool,
    /// Timed repetitions of each side at each thread count [default: 11, or 5 with --quick]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub reps: Option<u16>,
    /// Write the figures as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Draw one SVG chart per lint, throughput against threads, into DIR
    #[arg(long, value_name = "DIR")]
    pub svg: Option<PathBuf>,
    /// List the pairs and their workloads, and run nothing
    #[arg(long)]
    pub list: bool,
}

/// Every pair, in the order of the lint catalogue.
pub fn pairs() -> &'static [Pair] {
    pairs::PAIRS
}

/// The names of the lints that have a pair, in the order of the lint catalogue.
pub fn pair_names() -> Vec<&'static str> {
    pairs().iter().map(Pair::lint).collect()
}

/// The pair of the lint `name`, if it has one.
pub fn pair(name: &str) -> Option<&'static Pair> {
    pairs().iter().find(|pair| pair.lint() == name)
}

/// Runs `cargo contention bench`: measures the pairs `args` selects, prints the table on
/// stdout and writes the JSON report and charts asked for.
///
/// Fails on an unknown lint name (listing the valid ones), when a side computes a wrong result,
/// or when an output file cannot be written.
pub fn run(args: &BenchArgs) -> Result<()> {
    let selected = select(&args.lints)?;
    let mut stdout = io::stdout().lock();
    if args.list {
        for pair in &selected {
            writeln!(stdout, "{:<22} {}", pair.lint(), pair.workload())?;
        }
        return Ok(());
    }

    let machine = Machine::detect();
    let threads = if args.threads.is_empty() {
        default_threads(machine.logical_cores)
    } else {
        args.threads.iter().map(|&n| usize::from(n)).collect()
    };
    let mut settings = if args.quick {
        Settings::quick(threads)
    } else {
        Settings::full(threads)
    };
    if let Some(reps) = args.reps {
        settings.reps = usize::from(reps);
    }
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this benchmark was built without optimisations; its figures say little about release code"
        );
    }

    let load_before = load::LoadWindow::sample(LOAD_SAMPLE);
    let started = Instant::now();
    let during = load::LoadWindow::start();
    writeln!(stdout, "machine: {machine}")?;
    writeln!(stdout, "load before: {}", load_before.describe())?;
    writeln!(
        stdout,
        "each figure: median of {} runs after a warm-up; speedup = after / before\n",
        settings.reps
    )?;
    writeln!(stdout, "{}", report::table_header())?;
    stdout.flush()?;

    let progress = progress_bar((selected.len() * (settings.threads.len() + 1)) as u64);
    let mut reports = Vec::with_capacity(selected.len());
    for pair in selected {
        progress.set_message(format!("{}: sizing the work", pair.lint()));
        progress.inc(1);
        let ops = size_work(pair, settings.target)?;
        let report = measure(pair, ops, &settings, |threads| {
            let plural = if threads == 1 { "" } else { "s" };
            progress.set_message(format!("{}: {threads} thread{plural}", pair.lint()));
            progress.inc(1);
        })?;
        progress.suspend(|| -> io::Result<()> {
            for row in report::table_rows(&report) {
                writeln!(stdout, "{row}")?;
            }
            stdout.flush()
        })?;
        reports.push(report);
    }
    progress.finish_and_clear();
    let load = LoadReport {
        before: load_before,
        during: during.finish(),
    };
    if let Some(footnote) = report::busy_footnote(&reports) {
        writeln!(stdout, "\n{footnote}")?;
    }
    writeln!(stdout, "\nduring the run: {}", load.during.describe())?;
    writeln!(
        stdout,
        "{} pairs in {:.1} s",
        reports.len(),
        started.elapsed().as_secs_f64()
    )?;

    let report = Report {
        machine,
        settings: SettingsReport {
            quick: args.quick,
            reps: settings.reps,
            threads: settings.threads.clone(),
            debug_build: cfg!(debug_assertions),
        },
        load,
        pairs: reports,
    };
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report)?;
        fs::write(path, json + "\n").with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(stdout, "wrote {}", path.display())?;
    }
    if let Some(dir) = &args.svg {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for pair in &report.pairs {
            chart::write_chart(
                &dir.join(format!("{}.svg", pair.lint)),
                pair,
                &report.machine,
            )?;
        }
        writeln!(
            stdout,
            "wrote {} charts to {}",
            report.pairs.len(),
            dir.display()
        )?;
    }
    Ok(())
}

/// The pairs named in `lints`, in the order given without repeats; all of them when none are.
fn select(lints: &[String]) -> Result<Vec<&'static Pair>> {
    if lints.is_empty() {
        return Ok(pairs().iter().collect());
    }
    let mut selected: Vec<&'static Pair> = Vec::with_capacity(lints.len());
    for name in lints {
        let Some(pair) = pair(name) else {
            bail!(
                "no benchmark pair for `{name}`; the lints with pairs are: {}",
                pair_names().join(", ")
            );
        };
        if !selected.iter().any(|chosen| chosen.lint() == pair.lint()) {
            selected.push(pair);
        }
    }
    Ok(selected)
}

/// A progress bar on stderr, hidden unless stderr is a terminal.
pub(crate) fn progress_bar(steps: u64) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(steps);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .expect("the progress template is valid"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_lints_are_refused_with_the_valid_names() {
        let error = select(&["mutex_scalar".into(), "no_such_lint".into()]).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("`no_such_lint`"), "{message}");
        assert!(message.contains("arc_clone_in_hot_loop") && message.contains("lock_per_element"));
    }

    #[test]
    fn selection_keeps_the_order_given_without_repeats() {
        let chosen = select(&[
            "seqcst_counter".into(),
            "over_copy".into(),
            "seqcst_counter".into(),
        ])
        .unwrap();
        let names: Vec<&str> = chosen.iter().map(|pair| pair.lint()).collect();
        assert_eq!(names, ["seqcst_counter", "over_copy"]);
    }

    #[test]
    fn no_names_selects_every_pair() {
        assert_eq!(select(&[]).unwrap().len(), pairs().len());
    }
}
