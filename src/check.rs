//! The run over the discovered units: each is analysed by `contention-lints`, then its findings
//! get their configured levels (`allow` ones are dropped), findings in excluded files go, and
//! each finding whose cost has a model is priced with the machine's costs, its estimate added
//! as a note.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use contention_bench::CostTable;
use contention_bench::calibrate::FILE_NAME;
use contention_lints::{CrateFiles, CrateInfo, Diagnostic, Level, check_files, check_files_cached};

use crate::Error;
use crate::baseline::{self, Fingerprint};
use crate::cache::UnitCache;
use crate::cli::{CalibrateArgs, CheckArgs};
use crate::discover::{self, Unit};
use crate::estimate::Estimate;
use crate::source::{FileTable, SourceFile};
use crate::targets::{Kind, Placement, Placer};

/// The outcome of `check`: every unit with its files and reported findings.
#[derive(Debug)]
pub struct Report {
    pub units: Vec<UnitReport>,
}

impl Report {
    /// Whether any reported finding is at `deny` level.
    pub fn has_denied(&self) -> bool {
        self.units
            .iter()
            .flat_map(|unit| &unit.diagnostics)
            .any(|d| d.level == Level::Deny)
    }

    /// How many files were analysed.
    pub fn file_count(&self) -> usize {
        self.units.iter().map(|unit| unit.files.len()).sum()
    }
}

/// One analysed unit.
#[derive(Debug)]
pub struct UnitReport {
    pub unit: Unit,
    /// The analysed files; `Diagnostic::file` and `Label::file` index this.
    pub files: FileTable,
    /// Findings at their configured level, `allow` and excluded ones removed.
    pub diagnostics: Vec<Diagnostic>,
    /// The fingerprint of each finding, in the same order (for baselines and SARIF).
    pub fingerprints: Vec<Fingerprint>,
    /// Where each finding's code belongs (its target and kind of code), in the same order.
    pub placements: Vec<Placement>,
    /// Each finding's estimated cost, in the same order; `None` where its cost has no model.
    pub estimates: Vec<Option<Estimate>>,
    /// The kind of code of each finding the target selection left out.
    pub left_out: Vec<Kind>,
}

impl UnitReport {
    /// Keeps the findings for which `keep` (given each finding's position) says so.
    pub fn retain(&mut self, keep: impl Fn(usize) -> bool) {
        let keep: Vec<bool> = (0..self.diagnostics.len()).map(keep).collect();
        let mut flags = keep.iter();
        self.diagnostics
            .retain(|_| *flags.next().expect("one flag each"));
        let mut flags = keep.iter();
        self.fingerprints
            .retain(|_| *flags.next().expect("one flag each"));
        let mut flags = keep.iter();
        self.placements
            .retain(|_| *flags.next().expect("one flag each"));
        let mut flags = keep.iter();
        self.estimates
            .retain(|_| *flags.next().expect("one flag each"));
    }
}

/// Discovers and analyses what `args` names, from the current directory.
pub fn run(args: &CheckArgs) -> Result<Report, Error> {
    let cwd = std::env::current_dir().map_err(|error| Error::ReadPath {
        path: ".".into(),
        error,
    })?;
    let units = discover::units(args, &cwd)?;
    let mut costs = CostTables::new(args.costs.as_deref(), &cwd);
    Ok(Report {
        units: units
            .into_iter()
            .map(|unit| check_unit(unit, &cwd, !args.no_cache, &mut costs))
            .collect(),
    })
}

/// The machine's costs the findings are priced with, each costs file read once.
struct CostTables<'a> {
    /// `--costs`, relative to the current directory.
    chosen: Option<PathBuf>,
    cwd: &'a Path,
    /// Where `calibrate` run from `cwd` writes, once asked for (it asks cargo).
    here: Option<PathBuf>,
    read: HashMap<PathBuf, CostTable>,
}

impl<'a> CostTables<'a> {
    fn new(chosen: Option<&Path>, cwd: &'a Path) -> Self {
        CostTables {
            chosen: chosen.map(|file| cwd.join(file)),
            cwd,
            here: None,
            read: HashMap::new(),
        }
    }

    /// The costs for `unit`: `--costs`, or the file `calibrate` writes for it, in the
    /// package's target directory (outside a package, where `calibrate` run here would write
    /// it); when it is missing or stale, the reference figures, saying so.
    fn for_unit(&mut self, unit: &Unit) -> &CostTable {
        let file = match (&self.chosen, &unit.cache_dir) {
            (Some(file), _) => file.clone(),
            (None, Some(dir)) => dir.join(FILE_NAME),
            (None, None) => {
                let cwd = self.cwd;
                let here = self.here.get_or_insert_with(|| {
                    crate::calibrate::output_file(&CalibrateArgs::default(), cwd)
                        .unwrap_or_else(|_| cwd.join("target").join("contention").join(FILE_NAME))
                });
                here.clone()
            }
        };
        // The notes name the file as a person in this directory would.
        let shown = file
            .strip_prefix(self.cwd)
            .map_or_else(|_| file.clone(), Path::to_path_buf);
        self.read
            .entry(shown)
            .or_insert_with_key(|shown| CostTable::for_file(shown))
    }
}

/// Reads a source file, which must be a regular file: a module's `#[path]` may name anything,
/// and reading `/dev/zero` never ends while opening a FIFO blocks until someone writes to it.
/// A missing file stays [`io::ErrorKind::NotFound`], which the analysis looks for.
fn read_source(path: &Path) -> io::Result<String> {
    let metadata = fs::metadata(path)?;
    if metadata.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is a directory",
        ));
    }
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file (a device, a FIFO or a socket)",
        ));
    }
    fs::read_to_string(path)
}

fn check_unit(unit: Unit, cwd: &Path, use_cache: bool, costs: &mut CostTables<'_>) -> UnitReport {
    let info = CrateInfo {
        name: unit.name.clone(),
        library: unit
            .targets
            .iter()
            .find(|t| crate::targets::Kind::of(t) == crate::targets::Kind::Lib)
            .filter(|_| matches!(unit.files, CrateFiles::ModuleTree(_)))
            .map(|t| {
                t.src_path
                    .strip_prefix(cwd)
                    .unwrap_or(&t.src_path)
                    .to_path_buf()
            }),
        edition: unit.edition,
        config: unit.settings.analysis.clone(),
    };
    // The analysis words some messages with the paths it was given ("looked for src/x.rs"), so
    // it is given them relative to the current directory, as a person would type them.
    let relative = |paths: &[PathBuf]| {
        paths
            .iter()
            .map(|path| path.strip_prefix(cwd).unwrap_or(path).to_path_buf())
            .collect()
    };
    let files = match &unit.files {
        CrateFiles::ModuleTree(roots) => CrateFiles::ModuleTree(relative(roots)),
        CrateFiles::List(list) => CrateFiles::List(relative(list)),
    };
    let loader = |path: &Path| read_source(&cwd.join(path));
    let cache = use_cache.then(|| UnitCache::open(&unit, cwd)).flatten();
    let report = match &cache {
        Some(cache) => {
            let report = check_files_cached(&info, files, &loader, cache.store());
            if let Err(error) = cache.save() {
                // The findings stand; only the next run is slower.
                let _ = writeln!(
                    io::stderr(),
                    "warning: could not write the cache `{}`: {error}",
                    cache.path().display()
                );
            }
            report
        }
        None => check_files(&info, files, &loader),
    };
    let files = FileTable::new(
        report
            .files
            .into_iter()
            .map(|file| {
                SourceFile::new(&cwd.join(&file.path), file.text, &unit.workspace_root, cwd)
            })
            .collect(),
    );
    let mut diagnostics = report
        .diagnostics
        .into_iter()
        .filter_map(|mut diagnostic| {
            let level = unit.settings.levels.level_of(diagnostic.lint);
            let excluded = unit.settings.is_excluded(&files.get(diagnostic.file).path);
            (level != Level::Allow && !excluded).then(|| {
                diagnostic.level = level;
                diagnostic
            })
        })
        .collect::<Vec<_>>();
    // The costs file is looked for only when a finding has something to price.
    let estimates = if diagnostics.iter().any(|d| d.cost.is_some()) {
        let table = costs.for_unit(&unit);
        diagnostics
            .iter_mut()
            .map(|diagnostic| {
                let estimate = Estimate::of(diagnostic.cost.as_ref()?, table)?;
                diagnostic.notes.push(estimate.note.clone());
                Some(estimate)
            })
            .collect()
    } else {
        vec![None; diagnostics.len()]
    };
    // Fingerprints count repeated lines over every finding, whichever targets are reported,
    // so that a baseline matches under any selection.
    let fingerprints = baseline::fingerprints(&files, &diagnostics);
    let placements = match (&unit.selection, &unit.files) {
        (Some(selection), CrateFiles::ModuleTree(roots)) => {
            let placer = Placer::new(&unit.targets, roots, selection);
            diagnostics
                .iter()
                .map(|d| {
                    placer
                        .place(&report.reach[d.file], &report.test_code[d.file], d.span)
                        .unwrap_or(Placement::everywhere())
                })
                .collect()
        }
        _ => vec![Placement::everywhere(); diagnostics.len()],
    };
    let mut unit_report = UnitReport {
        unit,
        files,
        diagnostics,
        fingerprints,
        placements,
        estimates,
        left_out: Vec::new(),
    };
    unit_report.left_out = unit_report
        .placements
        .iter()
        .filter(|p| !p.selected)
        .map(|p| p.kind)
        .collect();
    let selected: Vec<bool> = unit_report.placements.iter().map(|p| p.selected).collect();
    unit_report.retain(|i| selected[i]);
    unit_report
}
