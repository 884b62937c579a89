//! The cache: a run that recalls files from it finds exactly what a run without it finds, and
//! parses only what changed in a way that matters.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use contention_lints::{
    AnalysisConfig, CacheStore, CrateFiles, CrateInfo, CrateReport, Edition, MemoryStore, RunStats,
    check_files, check_files_cached,
};

/// A crate in memory: `src/lib.rs` and its modules.
#[derive(Clone)]
struct Crate(HashMap<PathBuf, String>);

impl Crate {
    fn new(files: &[(&str, &str)]) -> Crate {
        Crate(
            files
                .iter()
                .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
                .collect(),
        )
    }

    fn with(&self, path: &str, text: &str) -> Crate {
        let mut changed = self.clone();
        changed.0.insert(PathBuf::from(path), text.to_owned());
        changed
    }

    fn without(&self, path: &str) -> Crate {
        let mut changed = self.clone();
        changed.0.remove(Path::new(path));
        changed
    }

    fn check(&self, info: &CrateInfo, cache: Option<&dyn CacheStore>) -> CrateReport {
        let loader = |path: &Path| {
            self.0
                .get(path)
                .cloned()
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
        };
        let roots = CrateFiles::ModuleTree(vec![PathBuf::from("src/lib.rs")]);
        match cache {
            Some(cache) => check_files_cached(info, roots, &loader, cache),
            None => check_files(info, roots, &loader),
        }
    }
}

/// Each finding as `file:start-end lint: message [labels] [notes] help`, which covers every
/// part a printer shows.
fn rendered(report: &CrateReport) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            let labels: Vec<String> = d
                .labels
                .iter()
                .map(|l| {
                    let path = report.files[l.file].path.display();
                    format!("{path}:{}-{} {}", l.span.start, l.span.end, l.text)
                })
                .collect();
            format!(
                "{}:{}-{} {}: {} ({}) {labels:?} {:?} {:?} {:?}",
                report.files[d.file].path.display(),
                d.span.start,
                d.span.end,
                d.lint.name,
                d.message,
                d.label,
                d.notes,
                d.help,
                d.suggestion,
            )
        })
        .collect()
}

/// A run through a store saved and loaded again, as between two invocations; returns the
/// report and the store saved after the run.
fn run_saved(krate: &Crate, info: &CrateInfo, saved: &[u8]) -> (CrateReport, Vec<u8>) {
    let store = MemoryStore::from_bytes(saved).unwrap_or_default();
    let report = krate.check(info, Some(&store));
    (report, store.to_bytes())
}

fn info() -> CrateInfo {
    CrateInfo {
        name: "demo".into(),
        library: None,
        edition: Edition::E2021,
        config: AnalysisConfig::default(),
    }
}

const LIB: &str = "mod state;\nmod worker;\nmod broken;\npub use state::Shared;\n";

/// The lock and what it guards: `worker.rs` clones the guarded `Vec` under the lock because
/// this file says it is a `Vec`.
const STATE: &str = "use std::sync::{Arc, RwLock};
pub struct Shared {
    pub chunk: RwLock<Vec<u8>>,
    pub hits: Arc<std::sync::Mutex<u64>>,
}
";

const WORKER: &str = "use crate::state::Shared;
impl Shared {
    pub fn slice(&self) -> Vec<u8> {
        let whole = self.chunk.read().unwrap().clone();
        whole[..16].to_vec()
    }
    pub fn count(&self) {
        *self.hits.lock().unwrap() += 1;
    }
}
";

const BROKEN: &str = "fn oops( {\n";

fn demo() -> Crate {
    Crate::new(&[
        ("src/lib.rs", LIB),
        ("src/state.rs", STATE),
        ("src/worker.rs", WORKER),
        ("src/broken.rs", BROKEN),
    ])
}

#[test]
fn a_warm_run_parses_nothing_and_finds_the_same() {
    let krate = demo();
    let cold = krate.check(&info(), None);
    let lints: Vec<&str> = cold.diagnostics.iter().map(|d| d.lint.name).collect();
    assert!(lints.contains(&"clone_under_lock"), "{lints:?}");
    assert!(lints.contains(&"mutex_scalar"), "{lints:?}");
    assert!(lints.contains(&"parse_error"), "{lints:?}");

    let (first, saved) = run_saved(&krate, &info(), &[]);
    assert_eq!(rendered(&first), rendered(&cold));
    assert_eq!(
        first.stats,
        RunStats {
            files: 4,
            parsed: 4,
            recalled: 0,
            lints_recalled: 0
        }
    );
    let (second, _) = run_saved(&krate, &info(), &saved);
    assert_eq!(rendered(&second), rendered(&cold));
    assert_eq!(
        second.stats,
        RunStats {
            files: 4,
            parsed: 0,
            recalled: 4,
            // broken.rs does not parse: it has no lint results, only its parse finding.
            lints_recalled: 3,
        }
    );
    assert_eq!(second.files.len(), cold.files.len());
    for (a, b) in second.files.iter().zip(&cold.files) {
        assert_eq!((&a.path, &a.text), (&b.path, &b.text));
    }
}

#[test]
fn a_body_edit_parses_only_the_edited_file() {
    let krate = demo();
    let (_, saved) = run_saved(&krate, &info(), &[]);
    // A line added at the top of a body moves every later function of the file.
    let edited = krate.with(
        "src/worker.rs",
        &WORKER.replace(
            "let whole",
            "let _unused = 1;\n        let whole = 2;\n        let whole",
        ),
    );
    let (warm, saved) = run_saved(&edited, &info(), &saved);
    assert_eq!(rendered(&warm), rendered(&edited.check(&info(), None)));
    assert_eq!((warm.stats.parsed, warm.stats.lints_recalled), (1, 2));
    // The edited file's new entry is used next time.
    let (again, _) = run_saved(&edited, &info(), &saved);
    assert_eq!(again.stats.parsed, 0);
}

#[test]
fn a_type_edit_in_one_file_changes_findings_in_another() {
    let krate = demo();
    let (_, saved) = run_saved(&krate, &info(), &[]);
    // Behind an `Arc`, the chunk's clone is a reference count: no finding in worker.rs.
    let edited = krate.with(
        "src/state.rs",
        &STATE.replace("RwLock<Vec<u8>>", "RwLock<Arc<Vec<u8>>>"),
    );
    let cold = edited.check(&info(), None);
    assert!(
        !cold
            .diagnostics
            .iter()
            .any(|d| d.lint.name == "clone_under_lock"),
        "{:?}",
        rendered(&cold)
    );
    let (warm, _) = run_saved(&edited, &info(), &saved);
    assert_eq!(rendered(&warm), rendered(&cold));
    // Every file that parses is linted again; only the edited one is studied anew.
    assert_eq!(warm.stats.recalled, 3);
    assert_eq!(warm.stats.lints_recalled, 0);
    assert_eq!(warm.stats.parsed, 1 + 2);
}

#[test]
fn a_module_file_that_appears_or_goes_is_seen() {
    let krate = demo();
    let (_, saved) = run_saved(&krate, &info(), &[]);
    // lib.rs is unchanged and recalled, but its `mod broken;` now has no file.
    let gone = krate.without("src/broken.rs");
    let (warm, saved) = run_saved(&gone, &info(), &saved);
    assert_eq!(rendered(&warm), rendered(&gone.check(&info(), None)));
    assert!(
        warm.diagnostics
            .iter()
            .any(|d| d.message == "file not found for module `broken`"),
        "{:?}",
        rendered(&warm)
    );
    let fixed = krate.with("src/broken.rs", "pub fn fine() {}\n");
    let (warm, _) = run_saved(&fixed, &info(), &saved);
    assert_eq!(rendered(&warm), rendered(&fixed.check(&info(), None)));
    assert!(
        !warm
            .diagnostics
            .iter()
            .any(|d| d.lint.name == "parse_error")
    );
}

#[test]
fn another_edition_or_configuration_recalls_nothing() {
    let krate = demo();
    let (_, saved) = run_saved(&krate, &info(), &[]);
    let older = CrateInfo {
        edition: Edition::E2018,
        ..info()
    };
    let (warm, _) = run_saved(&krate, &older, &saved);
    assert_eq!(warm.stats.recalled, 0);
    assert_eq!(rendered(&warm), rendered(&krate.check(&older, None)));
    let configured = CrateInfo {
        config: AnalysisConfig {
            hot_functions: vec!["Shared::count".into()],
        },
        ..info()
    };
    let (warm, _) = run_saved(&krate, &configured, &saved);
    assert_eq!(warm.stats.recalled, 0);
    assert_eq!(rendered(&warm), rendered(&krate.check(&configured, None)));
}

/// A store whose every entry is damaged: flipped bytes or cut short.
struct Damaged(HashMap<PathBuf, Vec<u8>>);

impl CacheStore for Damaged {
    fn get(&self, path: &Path) -> Option<&[u8]> {
        self.0.get(path).map(Vec::as_slice)
    }

    fn put(&self, _: &Path, _: Vec<u8>) {}
}

#[test]
fn damaged_entries_are_parsed_again_not_believed() {
    let krate = demo();
    let cold = krate.check(&info(), None);
    let store = MemoryStore::new();
    krate.check(&info(), Some(&store));
    let saved = MemoryStore::from_bytes(&store.to_bytes()).expect("loads");
    for damage in 0..3 {
        let entries = krate
            .0
            .keys()
            .map(|path| {
                let mut entry = saved.get(path).expect("every file has an entry").to_vec();
                match damage {
                    0 => entry.truncate(entry.len() / 2),
                    1 => {
                        let middle = entry.len() / 2;
                        entry[middle] ^= 0x5a;
                    }
                    _ => entry.clear(),
                }
                (path.clone(), entry)
            })
            .collect();
        let report = krate.check(&info(), Some(&Damaged(entries)));
        assert_eq!(rendered(&report), rendered(&cold), "damage {damage}");
    }
}
