//! Every fixture crate under `test-fixtures/` compiles, as clippy's UI tests do: `cargo check
//! --all-targets` passes on each, so that a fix can be proved by compiling the fixed crate, and
//! a fixture cannot drift into code that no compiler would accept (two items of one name, a
//! borrow that outlives its owner, a crate it does not depend on).
//!
//! Where a fixture borrows a shape from another crate, it defines a small stand-in inside a
//! `macro_rules!` body, which the analysis does not read; code that cannot be built without a
//! dependency (a foreign derive) or that must not parse is left out of the build with
//! `#[cfg(any())]`, as the analysis reads code whatever its `cfg`.
//!
//! All fixtures share one target directory under the workspace's target directory, so that
//! re-runs only check what changed and the fixture directories stay clean (cargo still writes
//! each fixture's `Cargo.lock`, which git ignores). To see one fixture's errors by hand:
//! `cd test-fixtures/<name> && cargo check --all-targets`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::repo;

/// The fixtures that are broken on purpose, with why; they are not compiled.
const BROKEN: &[(&str, &str)] = &[
    (
        "bad-input",
        "files that cannot be read or parsed, each a `parse_error` finding",
    ),
    (
        "config",
        "files that do not parse, to show which configured level or exclusion applies",
    ),
    (
        "module-tree",
        "every way a module finds its file, with modules whose file is missing",
    ),
];

/// The fixture crates to compile: every directory of `test-fixtures/` with a manifest (a
/// workspace's members are checked through it), except the broken ones, sorted.
fn fixture_crates() -> Vec<PathBuf> {
    let dir = repo().join("test-fixtures");
    let mut crates: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("test-fixtures/ can be listed")
        .map(|entry| entry.expect("test-fixtures/ can be listed").path())
        .filter(|path| path.join("Cargo.toml").is_file())
        .filter(|path| !BROKEN.iter().any(|(name, _)| path.ends_with(name)))
        .collect();
    crates.sort();
    crates
}

/// rustc's errors in cargo's output, without its warnings (dead code is common in fixtures).
fn errors(stderr: &str) -> String {
    let mut out = String::new();
    let mut keep = true;
    for line in stderr.lines() {
        if line.starts_with("warning") {
            keep = false;
        } else if line.starts_with("error") {
            keep = true;
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn broken_fixtures_are_listed_by_name() {
    for (name, _) in BROKEN {
        assert!(
            repo()
                .join("test-fixtures")
                .join(name)
                .join("Cargo.toml")
                .is_file(),
            "`{name}` is listed as broken but is not a fixture crate"
        );
    }
}

#[test]
fn errors_keep_rustc_errors_and_drop_warnings() {
    let stderr = "warning: unused variable: `x`\n --> src/lib.rs:1:1\n\n\
                  error[E0428]: the name `A` is defined multiple times\n --> src/lib.rs:3:1\n\n\
                  warning: `f` (lib) generated 1 warning\n\
                  error: could not compile `f` (lib) due to 1 previous error\n";
    assert_eq!(
        errors(stderr),
        "error[E0428]: the name `A` is defined multiple times\n --> src/lib.rs:3:1\n\n\
         error: could not compile `f` (lib) due to 1 previous error\n"
    );
}

#[test]
fn every_fixture_crate_compiles() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures");
    let crates = fixture_crates();
    assert!(crates.len() > 15, "fixture crates found: {crates:?}");
    let mut failures = String::new();
    for dir in &crates {
        let name = dir.file_name().unwrap().to_string_lossy();
        let output = Command::new(&cargo)
            .args(["check", "--all-targets", "--offline", "--quiet"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &target_dir)
            .output()
            .expect("cargo runs");
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let errors = errors(&stderr);
            let shown = if errors.trim().is_empty() {
                &stderr
            } else {
                errors.as_str()
            };
            failures.push_str(&format!(
                "test-fixtures/{name} does not compile:\n{shown}\n"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture crates must compile (`cargo check --all-targets`); the broken ones on \
         purpose are listed in src/tests/compile.rs:\n\n{failures}"
    );
}
