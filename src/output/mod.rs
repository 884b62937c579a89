//! The printers: sibling renderings of the same findings. Each implements [`Printer`], is
//! handed every finding in order (by file, line, column, or by estimated cost with `--sort
//! cost`) and then the run's [`Summary`].

mod github;
mod human;
mod json;
mod sarif;
mod short;
mod statistics;

use std::collections::BTreeMap;
use std::io::{self, Write};

use clap::ValueEnum;
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use contention_lints::{Applicability, Diagnostic, Level};

use crate::Error;
use crate::baseline::Fingerprint;
use crate::check::{Report, UnitReport};
use crate::cli::{CheckArgs, MessageFormat, SortKey};
use crate::estimate::Estimate;
use crate::source::SourceFile;
use crate::targets::{Kind, Placement};

/// One finding with the unit it belongs to (its files, package and target).
#[derive(Debug, Clone, Copy)]
pub struct Finding<'r> {
    pub unit: &'r UnitReport,
    pub diagnostic: &'r Diagnostic,
    /// Its identity across runs (see [`crate::baseline`]).
    pub fingerprint: &'r Fingerprint,
    /// Its target and kind of code.
    pub placement: &'r Placement,
    /// Its estimated cost, where its cost has a model.
    pub estimate: Option<&'r Estimate>,
}

impl Finding<'_> {
    /// The file of the primary span.
    pub fn file(&self) -> &SourceFile {
        self.unit.files.get(self.diagnostic.file)
    }
}

/// Counts over every reported finding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Findings per lint name and level (one lint may be at different levels in different
    /// packages).
    pub counts: BTreeMap<(&'static str, Level), usize>,
    /// How many files were analysed.
    pub files: usize,
    /// With `--with-clippy`: whether clippy's own build finished successfully.
    pub clippy_success: Option<bool>,
    /// The kind of code of each finding the target selection left out.
    pub left_out: Vec<Kind>,
    /// Findings whose suggestion `--fix` applies (`MachineApplicable`).
    pub fixable: usize,
    /// Findings whose suggestion only `--fix --unsafe-fixes` applies (`MaybeIncorrect`).
    pub unsafe_fixable: usize,
    /// Per lint name, the estimated cost per call of its findings that have an estimate,
    /// summed (see [`Estimate::per_call_ns`]), and how many have one.
    pub estimated: BTreeMap<&'static str, Estimated>,
    /// Where the estimates' figures come from: each distinct [`Estimate::basis`].
    pub bases: Vec<String>,
}

/// The estimates of one lint's findings, added up.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Estimated {
    /// Nanoseconds per call, summed over the findings.
    pub per_call_ns: f64,
    /// How many findings have an estimate.
    pub findings: usize,
}

impl Summary {
    fn of(report: &Report, clippy_success: Option<bool>) -> Summary {
        let mut counts = BTreeMap::new();
        let (mut fixable, mut unsafe_fixable) = (0, 0);
        for diagnostic in report.units.iter().flat_map(|unit| &unit.diagnostics) {
            *counts
                .entry((diagnostic.lint.name, diagnostic.level))
                .or_default() += 1;
            match diagnostic.suggestion.as_ref().map(|s| s.applicability) {
                Some(Applicability::MachineApplicable) => fixable += 1,
                Some(Applicability::MaybeIncorrect) => unsafe_fixable += 1,
                Some(Applicability::HasPlaceholders) | None => {}
            }
        }
        let mut estimated: BTreeMap<&'static str, Estimated> = BTreeMap::new();
        let mut bases: Vec<String> = Vec::new();
        for finding in findings(report) {
            let Some(estimate) = finding.estimate else {
                continue;
            };
            let sum = estimated.entry(finding.diagnostic.lint.name).or_default();
            sum.per_call_ns += estimate.per_call_ns();
            sum.findings += 1;
            if !bases.contains(&estimate.basis) {
                bases.push(estimate.basis.clone());
            }
        }
        Summary {
            counts,
            estimated,
            bases,
            files: report.file_count(),
            clippy_success,
            left_out: report
                .units
                .iter()
                .flat_map(|unit| unit.left_out.iter().copied())
                .collect(),
            fixable,
            unsafe_fixable,
        }
    }

    /// How many findings each fix tier would fix, as ruff says it:
    /// `3 fixable with --fix, 2 more with --unsafe-fixes`; `None` when no finding has a fix.
    pub fn fixable_line(&self) -> Option<String> {
        match (self.fixable, self.unsafe_fixable) {
            (0, 0) => None,
            (0, more) => Some(format!("{more} fixable with `--fix --unsafe-fixes`")),
            (safe, 0) => Some(format!("{safe} fixable with `--fix`")),
            (safe, more) => Some(format!(
                "{safe} fixable with `--fix`, {more} more with `--unsafe-fixes`"
            )),
        }
    }

    /// What the target selection left out, for the end of a summary line:
    /// `; 41 more in tests and examples (--all-targets to see them)`, or nothing.
    pub fn left_out_clause(&self) -> String {
        if self.left_out.is_empty() {
            return String::new();
        }
        format!(
            "; {} more in {} (--all-targets to see {})",
            self.left_out.len(),
            crate::targets::describe_left_out(&self.left_out),
            if self.left_out.len() == 1 {
                "it"
            } else {
                "them"
            }
        )
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
    /// Prints one finding; findings arrive sorted by file, line and column, or by estimated
    /// cost with `--sort cost`.
    fn finding(&mut self, finding: &Finding<'_>) -> io::Result<()>;

    /// Prints whatever closes the output, after the last finding.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// Checks, before any work is done, that the output options of `args` go together.
pub fn validate(args: &CheckArgs) -> Result<(), Error> {
    let format = args
        .message_format
        .to_possible_value()
        .expect("every format has a name");
    let format = format.get_name();
    let machine_readable = matches!(
        args.message_format,
        MessageFormat::Json | MessageFormat::Sarif | MessageFormat::Github
    );
    if args.statistics && machine_readable {
        return Err(Error::Usage(format!(
            "`--statistics` prints a table and cannot be combined with `--message-format {format}`"
        )));
    }
    if args.with_clippy && args.message_format != MessageFormat::Json {
        return Err(Error::Usage(format!(
            "`--with-clippy` merges cargo's JSON messages and needs `--message-format json`, \
             not `{format}`"
        )));
    }
    Ok(())
}

/// Prints `report` as `args` asks, to `out`, with colour if `color`. `clippy_success` is the
/// outcome of clippy's run when `--with-clippy` has already passed its messages through.
pub fn print(
    report: &Report,
    args: &CheckArgs,
    color: bool,
    clippy_success: Option<bool>,
    out: &mut dyn Write,
) -> Result<(), Error> {
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
            MessageFormat::Sarif => Box::new(sarif::Sarif::new(writer)),
            MessageFormat::Github => Box::new(github::Github::new(writer)),
        }
    };
    for finding in sorted_findings(report, args.sort) {
        printer.finding(&finding).map_err(Error::Output)?;
    }
    printer
        .finish(&Summary::of(report, clippy_success))
        .map_err(Error::Output)
}

/// The rustc JSON diagnostic of one finding, as the `json` format prints it inside its
/// `compiler-message` (what `--fix` hands to rustfix).
pub fn rustc_json(finding: &Finding<'_>) -> io::Result<String> {
    let diagnostic = json::diagnostic(finding)?;
    Ok(serde_json::to_string(&diagnostic).expect("a diagnostic serialises"))
}

/// Every finding of `report`, unit by unit.
pub fn findings(report: &Report) -> impl Iterator<Item = Finding<'_>> {
    report.units.iter().flat_map(|unit| {
        unit.diagnostics
            .iter()
            .zip(&unit.fingerprints)
            .zip(&unit.placements)
            .zip(&unit.estimates)
            .map(
                move |(((diagnostic, fingerprint), placement), estimate)| Finding {
                    unit,
                    diagnostic,
                    fingerprint,
                    placement,
                    estimate: estimate.as_ref(),
                },
            )
    })
}

/// Every finding of `report`, by file path, then position, then lint name; with
/// [`SortKey::Cost`], by estimated cost per call first, largest first, findings without an
/// estimate last.
pub fn sorted_findings(report: &Report, key: SortKey) -> Vec<Finding<'_>> {
    let mut findings: Vec<Finding<'_>> = findings(report).collect();
    findings.sort_by(|a, b| {
        (&a.file().display, a.diagnostic.span, a.diagnostic.lint.name).cmp(&(
            &b.file().display,
            b.diagnostic.span,
            b.diagnostic.lint.name,
        ))
    });
    if key == SortKey::Cost {
        // A stable sort: findings of the same cost stay in order of position.
        let cost = |finding: &Finding<'_>| finding.estimate.map(Estimate::per_call_ns);
        findings.sort_by(|a, b| match (cost(a), cost(b)) {
            (Some(a), Some(b)) => b.total_cmp(&a),
            (a, b) => b.is_some().cmp(&a.is_some()),
        });
    }
    findings
}

/// The message with its notes and help on lines of their own, for formats that show one block
/// of text per finding (GitHub annotations, SARIF results).
fn full_message(diagnostic: &Diagnostic) -> String {
    let mut message = diagnostic.message.clone();
    for note in &diagnostic.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    let suggestion = diagnostic.suggestion.iter().map(|s| &s.message);
    for help in diagnostic.help.iter().chain(suggestion) {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    message
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// What the human and statistics outputs say when there is nothing to report.
fn no_findings(summary: &Summary) -> String {
    format!(
        "no findings ({} checked){}",
        plural(summary.files, "file", "files"),
        summary.left_out_clause()
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use contention_lints::{Applicability, CrateFiles, Edit, Edition, Span, Suggestion, registry};
    use serde_json::Value;

    use super::*;
    use crate::check::UnitReport;
    use crate::config::{LintLevels, Settings};
    use crate::discover::{Origin, Target, Unit};
    use crate::source::{FileTable, SourceFile};

    const TEXT: &str = "static HITS: Mutex<u64> = Mutex::new(0);\n\nfn hit() {\n    *HITS.lock().unwrap() += 1;\n}\n";

    fn span_of(needle: &str) -> Span {
        let start = TEXT.find(needle).expect("needle in text");
        Span {
            start,
            end: start + needle.len(),
        }
    }

    /// A report with one finding that has every part a finding can have.
    fn report() -> Report {
        let root = Path::new("/ws");
        let lint = registry::all()[0];
        let mut diagnostic = Diagnostic::new(lint, 0, span_of("Mutex<u64>"), "a synthetic finding")
            .with_label("the primary label")
            .with_secondary(0, span_of("HITS.lock()"), "a secondary label")
            .with_note("a note")
            .with_help("a help")
            .with_suggestion(Suggestion::new(
                "a suggestion",
                vec![
                    Edit {
                        span: span_of("Mutex<u64>"),
                        replacement: "AtomicU64".into(),
                    },
                    Edit {
                        span: span_of("Mutex::new(0)"),
                        replacement: "AtomicU64::new(0)".into(),
                    },
                ],
                Applicability::MachineApplicable,
            ));
        diagnostic.level = Level::Warn;
        let target = Target {
            kind: vec!["lib".into()],
            crate_types: vec!["lib".into()],
            name: "p".into(),
            src_path: root.join("src/lib.rs"),
            edition: "2021".into(),
            doc: true,
            doctest: true,
            test: true,
        };
        let unit = Unit {
            origin: Origin::Package,
            name: "p".into(),
            package_id: "path+file:///ws#p@0.1.0".into(),
            manifest_path: root.join("Cargo.toml"),
            workspace_root: root.to_path_buf(),
            edition: Edition::E2021,
            targets: vec![target],
            files: CrateFiles::ModuleTree(vec![root.join("src/lib.rs")]),
            settings: Settings::command_line_only(&LintLevels::default(), root),
            cache_dir: None,
            selection: None,
        };
        let file = SourceFile::new(&root.join("src/lib.rs"), TEXT.into(), root, root);
        let files = FileTable::new(vec![file]);
        let diagnostics = vec![diagnostic];
        let fingerprints = crate::baseline::fingerprints(&files, &diagnostics);
        Report {
            units: vec![UnitReport {
                unit,
                files,
                diagnostics,
                fingerprints,
                placements: vec![Placement::everywhere()],
                estimates: vec![None],
                left_out: Vec::new(),
            }],
        }
    }

    fn printed(format: &str) -> String {
        let command = crate::cli::parse(["cargo-contention", "check", "--message-format", format])
            .expect("arguments parse");
        let crate::cli::Command::Check(args) = command else {
            panic!("expected `check`");
        };
        let mut out = Vec::new();
        print(&report(), &args, false, None, &mut out).expect("printing to memory succeeds");
        String::from_utf8(out).expect("UTF-8 output")
    }

    #[test]
    fn human_output_shows_every_part_of_a_finding() {
        let lint = registry::all()[0].name;
        insta::assert_snapshot!(printed("human").replace(lint, "LINT"));
    }

    #[test]
    fn json_children_carry_notes_help_and_the_suggestion() {
        let output = printed("json");
        let lines: Vec<Value> = output
            .lines()
            .map(|line| serde_json::from_str(line).expect("JSON line"))
            .collect();
        let message = &lines[0]["message"];
        let spans = message["spans"].as_array().unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0]["is_primary"], true);
        assert_eq!(spans[0]["label"], "the primary label");
        assert_eq!(spans[1]["is_primary"], false);
        assert_eq!(spans[1]["label"], "a secondary label");
        assert_eq!(spans[1]["line_start"], 4);
        assert_eq!(spans[1]["column_start"], 6);
        let children = message["children"].as_array().unwrap();
        let levels: Vec<&str> = children
            .iter()
            .map(|c| c["level"].as_str().unwrap())
            .collect();
        assert_eq!(levels, ["note", "help", "help"]);
        assert_eq!(children[0]["message"], "a note");
        assert!(children[0]["spans"].as_array().unwrap().is_empty());
        let suggestion = &children[2];
        assert_eq!(suggestion["message"], "a suggestion");
        let edits = suggestion["spans"].as_array().unwrap();
        assert_eq!(edits.len(), 2);
        assert_eq!(edits[0]["suggested_replacement"], "AtomicU64");
        assert_eq!(edits[1]["suggested_replacement"], "AtomicU64::new(0)");
        assert!(
            edits
                .iter()
                .all(|e| e["suggestion_applicability"] == "MachineApplicable")
        );
        assert!(children.iter().all(|c| c.get("$message_type").is_none()));
        assert_eq!(
            lines[1],
            serde_json::json!({"reason": "build-finished", "success": true})
        );
        let parsed: Vec<_> = cargo_metadata::Message::parse_stream(output.as_bytes())
            .collect::<Result<_, _>>()
            .expect("cargo_metadata reads the stream");
        assert!(matches!(
            parsed[0],
            cargo_metadata::Message::CompilerMessage(_)
        ));
    }

    #[test]
    fn summaries_count_the_findings_each_fix_tier_fixes() {
        let mut summary = Summary::default();
        assert_eq!(summary.fixable_line(), None);
        summary.fixable = 3;
        assert_eq!(summary.fixable_line().unwrap(), "3 fixable with `--fix`");
        summary.unsafe_fixable = 2;
        assert_eq!(
            summary.fixable_line().unwrap(),
            "3 fixable with `--fix`, 2 more with `--unsafe-fixes`"
        );
        summary.fixable = 0;
        assert_eq!(
            summary.fixable_line().unwrap(),
            "2 fixable with `--fix --unsafe-fixes`"
        );
        let report = report();
        let counted = Summary::of(&report, None);
        assert_eq!((counted.fixable, counted.unsafe_fixable), (1, 0));
    }

    #[test]
    fn summaries_say_what_the_target_selection_left_out() {
        let mut summary = Summary {
            files: 3,
            ..Summary::default()
        };
        assert_eq!(no_findings(&summary), "no findings (3 files checked)");
        summary.left_out = vec![Kind::Test];
        assert_eq!(
            no_findings(&summary),
            "no findings (3 files checked); 1 more in tests (--all-targets to see it)"
        );
        summary.left_out = vec![Kind::Bench, Kind::Test, Kind::Bench];
        assert_eq!(
            summary.left_out_clause(),
            "; 3 more in tests and benches (--all-targets to see them)"
        );
    }

    #[test]
    fn short_output_is_one_line() {
        let lint = registry::all()[0].name;
        assert_eq!(
            printed("short"),
            format!("src/lib.rs:1:14: warning[{lint}]: a synthetic finding\n")
        );
    }
}
