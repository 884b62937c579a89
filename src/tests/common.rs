//! Helpers shared by the integration tests: fixture paths, running `check` through the library
//! and through the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cargo_contention::check::{self, Report};
use cargo_contention::cli::{self, CheckArgs};

/// The repository root, which is also the tests' current directory.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture crate's directory, relative to the repository root (as a user would type it).
pub fn fixture(name: &str) -> PathBuf {
    Path::new("test-fixtures").join(name)
}

/// Parses `cargo-contention <args>`, which must be a `check` command.
pub fn check_args(args: &[&str]) -> CheckArgs {
    let argv = std::iter::once("cargo-contention").chain(args.iter().copied());
    match cli::parse(argv).expect("test arguments parse") {
        cli::Command::Check(check) => check,
        other => panic!("expected `check`, got {other:?}"),
    }
}

/// Runs `check` through the library.
pub fn check(args: &[&str]) -> Result<Report, cargo_contention::Error> {
    check::run(&check_args(args))
}

/// Runs the whole command through the library, returning its status and output.
pub fn run(args: &[&str]) -> (cargo_contention::Status, String) {
    let argv = std::iter::once("cargo-contention").chain(args.iter().copied());
    let command = cli::parse(argv).expect("test arguments parse");
    let mut out = Vec::new();
    let status = cargo_contention::run(command, &mut out, false).expect("the run succeeds");
    (status, String::from_utf8(out).expect("output is UTF-8"))
}

/// The built binary, run from `dir`.
pub fn binary_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-contention"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

/// The built binary, run from the repository root.
pub fn binary(args: &[&str]) -> Output {
    binary_in(repo(), args)
}

/// Every analysed file of `report`, relative to `base`, with `/` separators.
pub fn analysed_files(report: &Report, base: &Path) -> Vec<String> {
    let base = repo().join(base);
    let mut files: Vec<String> = report
        .units
        .iter()
        .flat_map(|unit| unit.files.iter())
        .map(|file| relative(&file.path, &base))
        .collect();
    files.sort();
    files
}

/// `path` relative to `base`, with `/` separators.
pub fn relative(path: &Path, base: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A copy of the fixture crate `name` in a new temporary directory, for tests that change
/// files; the crate is at the directory's root.
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let source = repo().join(fixture(name));
    // Not the fixture's `target/`, where earlier runs keep their cache.
    let walk = walkdir::WalkDir::new(&source)
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || e.file_name() != "target");
    for entry in walk {
        let entry = entry.expect("the fixture can be listed");
        let to = temp
            .path()
            .join(entry.path().strip_prefix(&source).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("a directory in the copy");
        } else {
            std::fs::copy(entry.path(), &to).expect("a file in the copy");
        }
    }
    temp
}

/// Standard output of a run of the binary that must have succeeded with `status`.
pub fn stdout_of(output: &Output, status: i32) -> String {
    assert_eq!(
        output.status.code(),
        Some(status),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

/// How many findings of `lint` the fixture crate `name` marks with `//~ <lint>` comments in its
/// sources: the tests that count a fixture's findings follow its markers, which the lints' own
/// fixture tests hold to the analysis, rather than a copy of their number.
pub fn marked(name: &str, lint: &str) -> usize {
    let marker = format!("//~ {lint}");
    walkdir::WalkDir::new(repo().join(fixture(name)).join("src"))
        .into_iter()
        .map(|e| e.expect("the fixture can be listed"))
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).expect("a fixture source");
            text.matches(&marker).count()
        })
        .sum()
}
