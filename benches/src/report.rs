//! What a run produces: the table printed on stdout and the JSON document written by `--json`.

use serde::Serialize;

use crate::load::{BUSY_BELOW, LoadReport};
use crate::machine::Machine;
use crate::runner::PairReport;

/// The whole JSON document: the machine, how it was measured, and every pair's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The machine the figures were measured on.
    pub machine: Machine,
    /// How the figures were measured.
    pub settings: SettingsReport,
    /// How much of the machine other processes used before and during the run.
    pub load: LoadReport,
    /// One entry per pair, in the order run.
    pub pairs: Vec<PairReport>,
}

/// The measurement settings, as recorded in the JSON document.
#[derive(Debug, Clone, Serialize)]
pub struct SettingsReport {
    /// Whether `--quick` was given.
    pub quick: bool,
    /// Timed repetitions per side and thread count.
    pub reps: usize,
    /// The thread counts measured.
    pub threads: Vec<usize>,
    /// Whether the benchmark was built without optimisations (figures then mean little).
    pub debug_build: bool,
}

/// The table's column headings.
pub fn table_header() -> String {
    format!(
        "{:<22} {:>7} {:>11} {:>11} {:>8}  {}",
        "lint", "threads", "before", "after", "speedup", "min-max"
    )
}

/// One table line per thread count of `pair`. A busy figure's line keeps its rates but shows
/// no speedup: `busy*` and the CPU share its threads got, which [`busy_footnote`] explains.
pub fn table_rows(pair: &PairReport) -> Vec<String> {
    pair.results
        .iter()
        .map(|result| {
            if result.busy {
                return format!(
                    "{:<22} {:>7} {:>11} {:>11} {:>8}  cpu {:.0}%, not a result",
                    pair.lint,
                    result.threads,
                    format_rate(result.before_ops_per_sec),
                    format_rate(result.after_ops_per_sec),
                    "busy*",
                    result.cpu_share.unwrap_or(0.0) * 100.0
                );
            }
            format!(
                "{:<22} {:>7} {:>11} {:>11} {:>7.2}x  {:.2}-{:.2}",
                pair.lint,
                result.threads,
                format_rate(result.before_ops_per_sec),
                format_rate(result.after_ops_per_sec),
                result.speedup,
                result.speedup_min,
                result.speedup_max
            )
        })
        .collect()
}

/// The footnote of a table with busy figures, or `None` when there are none.
pub fn busy_footnote(pairs: &[PairReport]) -> Option<String> {
    let busy = pairs
        .iter()
        .flat_map(|pair| &pair.results)
        .filter(|result| result.busy)
        .count();
    (busy > 0).then(|| {
        let lines = if busy == 1 { "line" } else { "lines" };
        format!(
            "* busy ({busy} {lines}): other processes held the cores, and the threads got less \
             than {:.0}% of the CPU time they asked for (with more threads than cores: the \
             other processes used more than {:.0}% of the CPUs); those figures are not a \
             result. Run again on a quiet machine.",
            BUSY_BELOW * 100.0,
            (1.0 - BUSY_BELOW) * 100.0
        )
    })
}

/// A throughput in work items per second with an SI prefix: `812k/s`, `95.2M/s`.
pub fn format_rate(per_sec: f64) -> String {
    let (value, unit) = if per_sec >= 1e9 {
        (per_sec / 1e9, "G")
    } else if per_sec >= 1e6 {
        (per_sec / 1e6, "M")
    } else if per_sec >= 1e3 {
        (per_sec / 1e3, "k")
    } else {
        (per_sec, "")
    };
    let digits = if value >= 100.0 || unit.is_empty() {
        0
    } else {
        1
    };
    format!("{value:.digits$}{unit}/s")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Measurement;

    #[test]
    fn rates_get_si_prefixes() {
        assert_eq!(format_rate(0.0), "0/s");
        assert_eq!(format_rate(950.0), "950/s");
        assert_eq!(format_rate(12_345.0), "12.3k/s");
        assert_eq!(format_rate(95_200_000.0), "95.2M/s");
        assert_eq!(format_rate(1_500_000_000.0), "1.5G/s");
    }

    #[test]
    fn rows_line_up_with_the_header() {
        let pair = PairReport {
            lint: "mutex_scalar".into(),
            workload: "counting".into(),
            ops: 1000,
            results: vec![Measurement {
                threads: 2,
                before_ops_per_sec: 20e6,
                after_ops_per_sec: 60e6,
                speedup: 3.0,
                speedup_min: 2.5,
                speedup_max: 3.5,
                cpu_share: Some(0.99),
                others_share: Some(0.0),
                busy: false,
            }],
        };
        let rows = table_rows(&pair);
        assert_eq!(
            rows,
            vec!["mutex_scalar                 2     20.0M/s     60.0M/s    3.00x  2.50-3.50"]
        );
        let header = table_header();
        assert_eq!(
            header.find("speedup").map(|at| at + 7),
            rows[0].find("x  ").map(|at| at + 1)
        );
        assert_eq!(busy_footnote(&[pair]), None);
    }

    #[test]
    fn busy_rows_show_no_speedup_and_get_a_footnote() {
        let measurement = |threads, busy, cpu_share| Measurement {
            threads,
            before_ops_per_sec: 20e6,
            after_ops_per_sec: 12.4e6,
            speedup: 0.62,
            speedup_min: 0.5,
            speedup_max: 0.7,
            cpu_share,
            others_share: None,
            busy,
        };
        let pair = PairReport {
            lint: "mutex_scalar".into(),
            workload: "counting".into(),
            ops: 1000,
            results: vec![
                measurement(1, false, Some(0.98)),
                measurement(2, true, Some(0.62)),
            ],
        };
        let rows = table_rows(&pair);
        assert!(rows[0].contains("0.62x"), "{}", rows[0]);
        assert_eq!(
            rows[1],
            "mutex_scalar                 2     20.0M/s     12.4M/s    busy*  cpu 62%, not a result"
        );
        assert!(!rows[1].contains("0.62x"));
        let header = table_header();
        assert_eq!(
            header.find("speedup").map(|at| at + 7),
            rows[1].find("busy*").map(|at| at + 5)
        );
        let footnote = busy_footnote(&[pair]).unwrap();
        assert!(footnote.starts_with("* busy (1 line): "), "{footnote}");
        assert!(footnote.contains("less than 80%"), "{footnote}");
    }
}
