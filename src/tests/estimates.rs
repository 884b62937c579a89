//! The findings' estimates held to measurements: for every paired benchmark whose finding has
//! a cost model, the estimate for its `before` side, priced with the figures a calibration
//! measures in this same run, against that side's measured cost per work item at 1 and 2
//! threads, within a factor of 3 either way.
//!
//! Nothing here is timed: the test compares two figures it measures, whatever this machine's
//! speed. A figure taken while the threads did not get their cores (another process ran) says
//! as much about that process, so it is measured again, calibration included; one still busy
//! after that is left out, and said so on stderr. This is a test binary of its own, so that no
//! other test of this crate runs beside the measurements.

use contention_bench::calibrate;
use contention_bench::{CostTable, Pair, pairs};

use cargo_contention::proof::{self, AGREEMENT, Comparison, THREADS};

/// The pairs whose finding carries no cost: what they cost is a critical section's length
/// (`single_lock_map`), a blocking call's (`guard_across_blocking`) or formatting's
/// (`alloc_under_lock`'s `format!`), which no measured figure gives.
const UNPRICED: [&str; 3] = [
    "single_lock_map",
    "guard_across_blocking",
    "alloc_under_lock",
];

/// Measurements of a pair, calibration included, before a busy figure is given up on.
const ATTEMPTS: usize = 3;

#[test]
fn every_priced_pairs_estimate_is_within_a_factor_of_3_of_its_measurement() {
    let settings = proof::Settings::quick();
    let mut priced = Vec::new();
    for pair in pairs() {
        let has_cost = proof::finding_cost(pair).is_some();
        assert_eq!(
            has_cost,
            !UNPRICED.contains(&pair.lint()),
            "{}: its finding's cost",
            pair.lint()
        );
        if has_cost {
            priced.push(pair);
        }
    }
    assert_eq!(priced.len(), pairs().len() - UNPRICED.len());

    let mut checked = 0;
    let mut disagreements = Vec::new();
    let mut left_out = Vec::new();
    let mut table = calibration(&settings);
    for pair in priced {
        let comparison = measure_until_quiet(pair, &settings, &mut table);
        let estimate = comparison.estimate.as_ref().expect("a priced pair");
        let one = comparison.at.iter().find(|at| at.threads == 1).unwrap();
        assert!(
            one.estimated_ns.is_some(),
            "{}: no estimate alone ({estimate:?})",
            pair.lint()
        );
        for at in &comparison.at {
            let Some(agrees) = at.agrees() else {
                // No figure for this many threads: a machine of more than 2 cores measures
                // its contended locks with every core.
                continue;
            };
            eprintln!(
                "{} at {} threads: estimate {:.1} ns, measured {:.1} ns{}",
                pair.lint(),
                at.threads,
                at.estimated_ns.unwrap(),
                at.before_ns,
                if at.quiet() { "" } else { " (busy)" }
            );
            if !at.quiet() {
                left_out.push(format!("{} at {} threads", pair.lint(), at.threads));
                continue;
            }
            checked += 1;
            if !agrees {
                disagreements.push(format!(
                    "{} at {} threads: estimate {:.1} ns, measured {:.1} ns a work item \
                     ({}; {:.1} ns without the flagged shape)",
                    pair.lint(),
                    at.threads,
                    at.estimated_ns.unwrap(),
                    at.before_ns,
                    estimate.note,
                    at.after_ns,
                ));
            }
        }
    }
    if !left_out.is_empty() {
        eprintln!(
            "busy after {ATTEMPTS} attempts, not compared: {}",
            left_out.join(", ")
        );
    }
    assert!(
        disagreements.is_empty(),
        "beyond {AGREEMENT}x:\n{}",
        disagreements.join("\n")
    );
    eprintln!("{checked} comparisons within {AGREEMENT}x");
}

/// This machine's figures, measured now.
fn calibration(settings: &proof::Settings) -> CostTable {
    let costs = calibrate::measure(&settings.calibration, &mut std::io::sink())
        .expect("the calibration runs");
    CostTable::choose(std::path::Path::new("(this run)"), Ok(costs))
}

/// Measures `pair` and prices its estimate with `table` until neither the pair's figures at
/// any of [`THREADS`] nor the calibration's its estimate reads are busy, calibrating again
/// before each new attempt, at most [`ATTEMPTS`] times; the last attempt's comparison, `table`
/// left with the figures it was priced with.
fn measure_until_quiet(
    pair: &'static Pair,
    settings: &proof::Settings,
    table: &mut CostTable,
) -> Comparison {
    let mut attempt = 1;
    loop {
        let comparison = proof::compare(pair, table, settings).expect("the pair runs");
        assert_eq!(comparison.at.len(), THREADS.len());
        let all_quiet = comparison.at.iter().all(|at| at.quiet());
        if all_quiet || attempt == ATTEMPTS {
            return comparison;
        }
        attempt += 1;
        *table = calibration(settings);
    }
}
