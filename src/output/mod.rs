//! The printers: sibling renderings of the same findings. Each implements [`Printer`], is
//! handed every finding in order (by file, line, column) and then the run's [`Summary`].

mod human;
mod json;
mod short;
mod statistics;

use std::collections::BTreeMap;
use std::io::{self, Write};

use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use contention_lints::{Diagnostic, Level};

use crate::Error;
use crate::check::{Report, UnitReport};
use crate::cli::{CheckArgs, MessageFormat};
use crate::source::{Position, SourceFile};

/// One finding with the unit it belongs to (its files, package and target).
#[derive(Debug, Clone, Copy)]
pub struct Finding<'r> {
    pub unit: &'r UnitReport,
    pub diagnostic: &'r Diagnostic,
}

impl Finding<'_> {
    /// The file of the primary span.
    pub fn file(&self) -> &SourceFile {
        self.unit.files.get(self.diagnostic.file)
    }

    /// Where the primary span starts.
    pub fn start(&self) -> Position {
        self.file().position(self.diagnostic.span.start)
    }
}

/// Counts over every reported finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Findings per lint name and level (one lint may be at different levels in different
    /// packages).
    pub counts: BTreeMap<(&'static str, Level), usize>,
    /// How many files were analysed.
    pub files: usize,
}

impl Summary {
    fn of(report: &Report) -> Summary {
        let mut counts = BTreeMap::new();
        for diagnostic in report.units.iter().flat_map(|unit| &unit.diagnostics) {
            *counts.entry((diagnostic.lint.name, diagnostic.level)).or_default() += 1;
        }
        Summary {
            counts,
            files: report.file_count(),
        }
    }

    /// The number of findings.
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    /// The number of findings at `deny` level.
    pub fn denied(&self) -> usize {
        self.counts
            .iter()
            .filter(|((_, level), _)| *level == Level::Deny)
            .map(|(_, count)| count)
            .sum()
    }

    /// Findings per lint name, whatever their level.
    pub fn per_lint(&self) -> BTreeMap<&'static str, usize> {
        let mut per_lint = BTreeMap::new();
        for ((lint, _), count) in &self.counts {
            *per_lint.entry(*lint).or_default() += count;
        }
        per_lint
    }
}

/// A way of printing findings.
pub trait Printer {
    /// Prints one finding; findings arrive sorted by file, line and column.
    fn finding(&mut self, finding: &Finding<'_>) -> io::Result<()>;

    /// Prints whatever closes the output, after the last finding.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// Checks, before any work is done, that the output options of `args` go together.
pub fn validate(args: &CheckArgs) -> Result<(), Error> {
    if args.statistics && args.message_format == MessageFormat::Json {
        return Err(Error::Usage(
            "`--statistics` prints a table and cannot be combined with `--message-format json`"
                .into(),
        ));
    }
    Ok(())
}

/// Prints `report` as `args` asks, to `out`, with colour if `color`.
pub fn print(report: &Report, args: &CheckArgs, color: bool, out: &mut dyn Write) -> Result<(), Error> {
    let writer: Box<dyn WriteColor + '_> = if color {
        Box::new(Ansi::new(out))
    } else {
        Box::new(NoColor::new(out))
    };
    let mut printer: Box<dyn Printer + '_> = if args.statistics {
        Box::new(statistics::Statistics::new(writer))
    } else {
        match args.message_format {
            MessageFormat::Human => Box::new(human::Human::new(writer)),
            MessageFormat::Short => Box::new(short::Short::new(writer)),
            MessageFormat::Json => Box::new(json::Json::new(writer)),
        }
    };
    for finding in sorted_findings(report) {
        printer.finding(&finding).map_err(Error::Output)?;
    }
    printer.finish(&Summary::of(report)).map_err(Error::Output)
}

/// Every finding of `report`, by file path, then position, then lint name.
fn sorted_findings(report: &Report) -> Vec<Finding<'_>> {
    let mut findings: Vec<Finding<'_>> = report
        .units
        .iter()
        .flat_map(|unit| {
            unit.diagnostics
                .iter()
                .map(move |diagnostic| Finding { unit, diagnostic })
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.file().display, a.diagnostic.span, a.diagnostic.lint.name).cmp(&(
            &b.file().display,
            b.diagnostic.span,
            b.diagnostic.lint.name,
        ))
    });
    findings
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// What the human and statistics outputs say when there is nothing to report.
fn no_findings(summary: &Summary) -> String {
    format!("no findings ({} checked)", plural(summary.files, "file", "files"))
}
