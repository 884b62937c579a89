//! The analysis behind `cargo contention`: a source model of a crate built from `syn` ASTs
//! (types, hot code, lock guards) and the lints that run over it.
//!
//! Pure: the caller reads files and hands their text in; nothing here touches the file system,
//! runs the crate or expands its macros.

pub mod cache;
pub mod diagnostic;
mod fixes;
mod pipeline;
pub mod registry;
mod rules;
mod semantic;
mod suppress;
mod syntax;

pub use cache::{CacheStore, MemoryStore};
pub use diagnostic::{
    Applicability, Cost, Diagnostic, Edit, Label, LockOp, Per, SharedLine, Span, Suggestion, Work,
};
pub use pipeline::driver::normalise;
pub use pipeline::{CrateReport, RunStats};

pub use registry::{Level, Lint};
use std::io;
use std::path::{Path, PathBuf};

/// A Rust edition, which decides some temporaries' lifetimes (`if let` scrutinees in 2024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Edition {
    E2015,
    E2018,
    #[default]
    E2021,
    E2024,
}

impl Edition {
    /// Parses `2015`, `2018`, `2021`, `2024`; later editions behave as 2024.
    pub fn parse(text: &str) -> Option<Edition> {
        match text {
            "2015" => Some(Edition::E2015),
            "2018" => Some(Edition::E2018),
            "2021" => Some(Edition::E2021),
            other if other.parse::<u32>().is_ok_and(|year| year >= 2024) => Some(Edition::E2024),
            _ => None,
        }
    }
}

/// One file of a crate: its path (as the caller gave it) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// Crate-level settings that change what the analysis sees.
#[derive(Debug, Clone, Default)]
pub struct AnalysisConfig {
    /// Functions to treat as hot whatever calls them, by name (`run`) or path (`Worker::run`).
    pub hot_functions: Vec<String>,
}

/// What the analysis needs to know of a crate besides its files.
#[derive(Debug, Clone, Default)]
pub struct CrateInfo {
    pub name: String,
    /// The library target's root file, when the crate has one: its module tree is `crate`, and
    /// the other roots' files reach it by the crate's name. Without it, the first root is.
    pub library: Option<PathBuf>,
    pub edition: Edition,
    pub config: AnalysisConfig,
}

/// Reads a file for the analysis. The analysis itself does no I/O: the caller decides where text
/// comes from (the file system, a cache, memory in tests). A missing file must be reported as
/// [`std::io::ErrorKind::NotFound`], which is how module files are looked for.
pub trait SourceLoader: Sync {
    fn load(&self, path: &Path) -> io::Result<String>;
}

impl<F: Fn(&Path) -> io::Result<String> + Sync> SourceLoader for F {
    fn load(&self, path: &Path) -> io::Result<String> {
        self(path)
    }
}

/// How a file is reached from one of a crate's roots (see [`CrateFiles`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// The root's position in the list of [`CrateFiles::ModuleTree`], or the file's own
    /// position in a [`CrateFiles::List`].
    pub root: usize,
    /// Every way from that root passes a module compiled only for tests
    /// (`#[cfg(test)] mod tests;`): the file is test code.
    pub test_only: bool,
}

/// Which files make up a crate.
#[derive(Debug, Clone)]
pub enum CrateFiles {
    /// Target root files (`src/lib.rs`, `src/main.rs`, `tests/it.rs`, ..): the module tree is
    /// followed from each through `mod` items; a file reached twice is analysed once.
    ModuleTree(Vec<PathBuf>),
    /// Exactly these files, each analysed once; `mod` items are not followed.
    List(Vec<PathBuf>),
}

/// Analyses a crate: reads its files through `loader`, parses them in parallel, builds the
/// crate-wide model and runs every lint. Diagnostics carry their lint's default level, have
/// `contention:allow` comments applied, and are sorted by file (files in path order), then
/// position. Files that cannot be read or parsed become `parse_error` findings.
pub fn check_files(info: &CrateInfo, files: CrateFiles, loader: &dyn SourceLoader) -> CrateReport {
    pipeline::analyse(info, files, loader, None)
}

/// [`check_files`] with a cache: what `cache` holds of a file from an earlier run is used
/// instead of parsing it again while the file's text, this crate's version and `info` are the
/// same (see [`cache`]), and what this run learns is stored in it. The findings are the same
/// as without the cache.
pub fn check_files_cached(
    info: &CrateInfo,
    files: CrateFiles,
    loader: &dyn SourceLoader,
    cache: &dyn CacheStore,
) -> CrateReport {
    pipeline::analyse(info, files, loader, Some(cache))
}

/// Parses a file as the analysis does, and nothing more: syn's parser, then the bodies of
/// macros that parse as Rust (`format!(..)`, `cfg_if! { .. }`), with the same nesting guard.
/// Whether it parsed. The scale benchmark's second baseline: the share of the checker's time
/// that is parsing the code inside macros, which `syn::parse_file` alone leaves as tokens.
pub fn parse_with_macro_bodies(text: &str) -> bool {
    matches!(
        pipeline::parse::parse(text).0,
        pipeline::parse::Parsed::Ast(_)
    )
}

/// Analyses one file's text as a crate of its own (edition 2021); the entry point tests use.
pub fn check_source(text: &str) -> Vec<Diagnostic> {
    let path = PathBuf::from("source.rs");
    let text = text.to_owned();
    let loader = move |p: &Path| {
        if p == Path::new("source.rs") {
            Ok(text.clone())
        } else {
            Err(io::Error::from(io::ErrorKind::NotFound))
        }
    };
    let info = CrateInfo {
        name: "source".into(),
        ..CrateInfo::default()
    };
    check_files(&info, CrateFiles::List(vec![path]), &loader).diagnostics
}
