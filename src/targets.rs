//! Which code `check` reports on: cargo's target selection (`--lib`, `--bins`, `--tests`,
//! `--all-targets`, ...), with cargo's meanings, and where each finding belongs.
//!
//! A package is analysed whole, every target's module tree, since types and callers cross
//! targets; the selection decides which findings are reported. By default that is what
//! `cargo check` builds: the library, the binaries and the build script, without their test
//! code (`#[cfg(test)]` items and test functions, which cargo builds only for `cargo test`).
//! What is left out is counted, so that the summary can say so.

use std::path::PathBuf;

use clap::Args;
use contention_lints::{Reach, Span};

use crate::discover::Target;

/// cargo's target selection flags, as `check` takes them.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Target Selection")]
pub struct TargetArgs {
    /// Check only this package's library.
    #[arg(long)]
    pub lib: bool,
    /// Check all binaries.
    #[arg(long)]
    pub bins: bool,
    /// Check only the named binary (may be repeated).
    #[arg(long = "bin", value_name = "NAME")]
    pub bin: Vec<String>,
    /// Check all examples.
    #[arg(long)]
    pub examples: bool,
    /// Check only the named example (may be repeated).
    #[arg(long = "example", value_name = "NAME")]
    pub example: Vec<String>,
    /// Check all targets that have `test = true` (the library and binaries with their unit
    /// tests, and the integration tests).
    #[arg(long)]
    pub tests: bool,
    /// Check only the named integration test (may be repeated).
    #[arg(long = "test", value_name = "NAME")]
    pub test: Vec<String>,
    /// Check all targets that have `bench = true` (the benchmarks, the library and binaries).
    #[arg(long)]
    pub benches: bool,
    /// Check only the named benchmark (may be repeated).
    #[arg(long = "bench", value_name = "NAME")]
    pub bench: Vec<String>,
    /// Check all targets: library, binaries, examples, tests (unit tests too), benchmarks.
    #[arg(long)]
    pub all_targets: bool,
}

impl TargetArgs {
    /// Whether any target flag was given.
    pub fn any(&self) -> bool {
        let TargetArgs {
            lib,
            bins,
            bin,
            examples,
            example,
            tests,
            test,
            benches,
            bench,
            all_targets,
        } = self;
        *lib || *bins
            || *examples
            || *tests
            || *benches
            || *all_targets
            || !(bin.is_empty() && example.is_empty() && test.is_empty() && bench.is_empty())
    }

    /// Every target named by `--bin`, `--example`, `--test` or `--bench`, with its kind.
    pub fn named(&self) -> impl Iterator<Item = (Kind, &str)> {
        [
            (Kind::Bin, &self.bin),
            (Kind::Example, &self.example),
            (Kind::Test, &self.test),
            (Kind::Bench, &self.bench),
        ]
        .into_iter()
        .flat_map(|(kind, names)| names.iter().map(move |name| (kind, name.as_str())))
    }
}

/// A target's kind, as cargo's metadata names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Lib,
    Bin,
    Example,
    Test,
    Bench,
    BuildScript,
}

impl Kind {
    /// The kind of a target from cargo's list of kinds (`["lib"]`, `["bin"]`,
    /// `["custom-build"]`, ...).
    pub fn of(target: &Target) -> Kind {
        let kind = target.kind.first().map_or("lib", String::as_str);
        match kind {
            "bin" => Kind::Bin,
            "example" => Kind::Example,
            "test" => Kind::Test,
            "bench" => Kind::Bench,
            "custom-build" => Kind::BuildScript,
            _ => Kind::Lib,
        }
    }
}

/// Which names of one kind of target are selected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum Names {
    #[default]
    None,
    All,
    Some(Vec<String>),
}

impl Names {
    fn add(&mut self, name: &str) {
        match self {
            Names::All => {}
            Names::Some(names) => names.push(name.to_owned()),
            Names::None => *self = Names::Some(vec![name.to_owned()]),
        }
    }

    fn contains(&self, name: &str) -> bool {
        match self {
            Names::None => false,
            Names::All => true,
            Names::Some(names) => names.iter().any(|n| n == name),
        }
    }
}

/// The targets whose code is reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    lib: bool,
    bins: Names,
    examples: Names,
    tests: Names,
    benches: Names,
    /// The test code of the selected library and binaries (`#[cfg(test)]`, test functions).
    unit_tests: bool,
}

impl Selection {
    /// What `cargo check` builds by default: the library and the binaries (and the build
    /// script, which every selection has).
    pub fn default_targets() -> Selection {
        Selection {
            lib: true,
            bins: Names::All,
            examples: Names::None,
            tests: Names::None,
            benches: Names::None,
            unit_tests: false,
        }
    }

    /// Every target, test code included.
    pub fn all() -> Selection {
        Selection {
            lib: true,
            bins: Names::All,
            examples: Names::All,
            tests: Names::All,
            benches: Names::All,
            unit_tests: true,
        }
    }

    /// The selection the flags make; without flags, the default targets, or every target when
    /// the package's configuration asks for them all.
    pub fn from_args(args: &TargetArgs, all_by_default: bool) -> Selection {
        if args.all_targets || (!args.any() && all_by_default) {
            return Selection::all();
        }
        if !args.any() {
            return Selection::default_targets();
        }
        let mut selection = Selection {
            lib: args.lib,
            bins: if args.bins { Names::All } else { Names::None },
            examples: if args.examples {
                Names::All
            } else {
                Names::None
            },
            tests: if args.tests { Names::All } else { Names::None },
            benches: if args.benches {
                Names::All
            } else {
                Names::None
            },
            unit_tests: false,
        };
        // cargo: `--tests` builds the library and binaries as unit tests too, `--benches` as
        // benchmarks.
        if args.tests || args.benches {
            selection.lib = true;
            selection.bins = Names::All;
            selection.unit_tests |= args.tests;
        }
        for (kind, name) in args.named() {
            match kind {
                Kind::Bin => selection.bins.add(name),
                Kind::Example => selection.examples.add(name),
                Kind::Test => selection.tests.add(name),
                Kind::Bench => selection.benches.add(name),
                Kind::Lib | Kind::BuildScript => {}
            }
        }
        selection
    }

    /// Whether code of `target` is reported; `test_code` says whether it is the target's test
    /// code.
    fn selects(&self, target: &Target, test_code: bool) -> bool {
        let own = match Kind::of(target) {
            Kind::Lib => self.lib,
            Kind::Bin => self.bins.contains(&target.name),
            Kind::Example => self.examples.contains(&target.name),
            // The whole of a test or benchmark target is test code.
            Kind::Test => return self.tests.contains(&target.name),
            Kind::Bench => return self.benches.contains(&target.name),
            Kind::BuildScript => true,
        };
        own && (!test_code || self.unit_tests)
    }
}

/// Where a finding's code belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The target, by index into the unit's targets.
    pub target: usize,
    /// What kind of code it is: the target's kind, or [`Kind::Test`] for the test code of a
    /// library, binary or example.
    pub kind: Kind,
    /// Whether the selection reports it.
    pub selected: bool,
}

impl Placement {
    /// Code of the first target, reported whatever the selection: a file named on the command
    /// line (paths mode), or one no root reaches.
    pub fn everywhere() -> Placement {
        Placement {
            target: 0,
            kind: Kind::Lib,
            selected: true,
        }
    }

    /// The kind's name in JSON and SARIF: cargo's names (`lib`, `bin`, `example`, `test`,
    /// `bench`, `custom-build`).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Lib => "lib",
            Kind::Bin => "bin",
            Kind::Example => "example",
            Kind::Test => "test",
            Kind::Bench => "bench",
            Kind::BuildScript => "custom-build",
        }
    }
}

/// The targets of a package with the module-tree roots the analysis followed, to place each
/// finding in one.
pub struct Placer<'a> {
    targets: &'a [Target],
    /// The targets (by index) whose root is each analysed root, by the root's position.
    by_root: Vec<Vec<usize>>,
    selection: &'a Selection,
}

impl<'a> Placer<'a> {
    /// `roots` are the module-tree roots in the order the analysis was given them, each the
    /// `src_path` of one or more of `targets`.
    pub fn new(targets: &'a [Target], roots: &[PathBuf], selection: &'a Selection) -> Placer<'a> {
        let by_root = roots
            .iter()
            .map(|root| {
                (0..targets.len())
                    .filter(|&t| targets[t].src_path == *root)
                    .collect()
            })
            .collect();
        Placer {
            targets,
            by_root,
            selection,
        }
    }

    /// Places a finding at `span` of a file reached from the roots as `reach` says, whose test
    /// code is `test_code`: in a target that reports it, one that a default run reports
    /// first (so that a file of the library that an integration test also includes counts as
    /// the library's under `--all-targets` too), then a test before a bench or an example,
    /// else the first target it belongs to.
    pub fn place(&self, reach: &[Reach], test_code: &[Span], span: Span) -> Option<Placement> {
        let in_test_item = test_code
            .iter()
            .any(|t| t.start <= span.start && span.end <= t.end);
        let default = Selection::default_targets();
        let mut best: Option<((bool, bool, u8), Placement)> = None;
        for r in reach {
            for &target in &self.by_root[r.root] {
                let test_code = r.test_only || in_test_item;
                let target_ref = &self.targets[target];
                let selected = self.selection.selects(target_ref, test_code);
                let own = Kind::of(target_ref);
                let kind = if test_code && matches!(own, Kind::Lib | Kind::Bin | Kind::Example) {
                    Kind::Test
                } else {
                    own
                };
                // Ties go to the more common home of shared code: a test before an example.
                let home = match kind {
                    Kind::Lib | Kind::Bin | Kind::BuildScript => 3,
                    Kind::Test => 2,
                    Kind::Bench => 1,
                    Kind::Example => 0,
                };
                let rank = (selected, default.selects(target_ref, test_code), home);
                if best.as_ref().is_none_or(|(known, _)| rank > *known) {
                    best = Some((
                        rank,
                        Placement {
                            target,
                            kind,
                            selected,
                        },
                    ));
                }
            }
        }
        best.map(|(_, placement)| placement)
    }
}

/// The words for code of these kinds left out of a report: `tests, benches and examples`.
pub fn describe_left_out(kinds: &[Kind]) -> String {
    let mut kinds = kinds.to_vec();
    // Most often left out first.
    let rank = |kind: &Kind| match kind {
        Kind::Test => 0,
        Kind::Bench => 1,
        Kind::Example => 2,
        Kind::Lib => 3,
        Kind::Bin => 4,
        Kind::BuildScript => 5,
    };
    kinds.sort_by_key(rank);
    kinds.dedup();
    let words: Vec<&str> = kinds
        .iter()
        .map(|kind| match kind {
            Kind::Lib => "the library",
            Kind::Bin => "binaries",
            Kind::Example => "examples",
            Kind::Test => "tests",
            Kind::Bench => "benches",
            Kind::BuildScript => "build scripts",
        })
        .collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(kind: &str, name: &str, src: &str) -> Target {
        Target {
            kind: vec![kind.into()],
            crate_types: vec![kind.into()],
            name: name.into(),
            src_path: src.into(),
            edition: "2021".into(),
            doc: true,
            doctest: true,
            test: true,
        }
    }

    fn targets() -> Vec<Target> {
        vec![
            target("lib", "p", "/p/src/lib.rs"),
            target("bin", "tool", "/p/src/main.rs"),
            target("bin", "other", "/p/src/bin/other.rs"),
            target("example", "demo", "/p/examples/demo.rs"),
            target("test", "it", "/p/tests/it.rs"),
            target("bench", "speed", "/p/benches/speed.rs"),
            target("custom-build", "build-script-build", "/p/build.rs"),
        ]
    }

    fn selection(flags: &[&str]) -> Selection {
        let mut args = vec!["cargo-contention", "check"];
        args.extend_from_slice(flags);
        let crate::cli::Command::Check(check) = crate::cli::parse(args).unwrap() else {
            panic!("check parses");
        };
        Selection::from_args(&check.targets, false)
    }

    /// Which targets (by name, `+test` for their test code) a selection reports.
    fn reported(selection: &Selection) -> Vec<String> {
        let mut out = Vec::new();
        for t in targets() {
            for test_code in [false, true] {
                if selection.selects(&t, test_code) {
                    out.push(format!(
                        "{}{}",
                        t.name,
                        if test_code { "+test" } else { "" }
                    ));
                }
            }
        }
        out
    }

    #[test]
    fn the_default_is_what_cargo_check_builds() {
        assert_eq!(
            reported(&selection(&[])),
            ["p", "tool", "other", "build-script-build"]
        );
    }

    #[test]
    fn each_flag_selects_what_cargo_says() {
        let build = ["build-script-build"];
        let with_build = |names: &[&str]| {
            let mut all: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
            let at = all
                .iter()
                .position(|n| n.starts_with("build"))
                .unwrap_or(all.len());
            for (i, name) in build.iter().enumerate() {
                all.insert(at + i, (*name).to_owned());
            }
            all
        };
        assert_eq!(reported(&selection(&["--lib"])), with_build(&["p"]));
        assert_eq!(
            reported(&selection(&["--bins"])),
            with_build(&["tool", "other"])
        );
        assert_eq!(
            reported(&selection(&["--bin", "other"])),
            with_build(&["other"])
        );
        assert_eq!(reported(&selection(&["--examples"])), with_build(&["demo"]));
        assert_eq!(
            reported(&selection(&["--example", "demo"])),
            with_build(&["demo"])
        );
        assert_eq!(
            reported(&selection(&["--tests"])),
            with_build(&[
                "p",
                "p+test",
                "tool",
                "tool+test",
                "other",
                "other+test",
                "it",
                "it+test",
                "build-script-build+test"
            ])
        );
        assert_eq!(
            reported(&selection(&["--test", "it"])),
            with_build(&["it", "it+test"])
        );
        assert_eq!(
            reported(&selection(&["--benches"])),
            with_build(&["p", "tool", "other", "speed", "speed+test"])
        );
        assert_eq!(
            reported(&selection(&["--bench", "speed"])),
            with_build(&["speed", "speed+test"])
        );
        assert_eq!(
            reported(&selection(&["--lib", "--example", "demo"])),
            with_build(&["p", "demo"])
        );
        assert_eq!(reported(&selection(&["--all-targets"])).len(), 14);
    }

    #[test]
    fn configuration_can_ask_for_all_targets_unless_flags_choose() {
        let args = TargetArgs::default();
        assert_eq!(Selection::from_args(&args, true), Selection::all());
        let lib_only = TargetArgs {
            lib: true,
            ..TargetArgs::default()
        };
        assert!(!Selection::from_args(&lib_only, true).unit_tests);
    }

    #[test]
    fn findings_are_placed_in_a_target_that_reports_them() {
        let targets = targets();
        let roots: Vec<PathBuf> = vec!["/p/src/lib.rs".into(), "/p/tests/it.rs".into()];
        let default = Selection::default_targets();
        let placer = Placer::new(&targets, &roots, &default);
        let span = Span { start: 10, end: 20 };
        let lib = Reach {
            root: 0,
            test_only: false,
        };
        let it = Reach {
            root: 1,
            test_only: false,
        };
        // A file of the library reached from an integration test too (`#[path]`).
        let placed = placer.place(&[it, lib], &[], span).unwrap();
        assert_eq!(
            (placed.target, placed.kind, placed.selected),
            (0, Kind::Lib, true)
        );
        // Inside a `#[cfg(test)]` item of the library.
        let test_item = [Span { start: 0, end: 30 }];
        let placed = placer.place(&[lib], &test_item, span).unwrap();
        assert_eq!(
            (placed.target, placed.kind, placed.selected),
            (0, Kind::Test, false)
        );
        // A file reached only through `#[cfg(test)] mod tests;`.
        let through_test = Reach {
            root: 0,
            test_only: true,
        };
        let placed = placer.place(&[through_test], &[], span).unwrap();
        assert_eq!((placed.kind, placed.selected), (Kind::Test, false));
        // Only from the integration test.
        let placed = placer.place(&[it], &[], span).unwrap();
        assert_eq!(
            (placed.target, placed.kind, placed.selected),
            (4, Kind::Test, false)
        );
    }

    #[test]
    fn left_out_code_is_named_in_words() {
        assert_eq!(describe_left_out(&[Kind::Test]), "tests");
        assert_eq!(
            describe_left_out(&[Kind::Example, Kind::Test, Kind::Bench, Kind::Test]),
            "tests, benches and examples"
        );
    }
}
