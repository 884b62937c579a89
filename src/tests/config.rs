//! Configuration from `[workspace.metadata.contention]` and `[package.metadata.contention]`,
//! and its precedence: lint default < workspace < package < command-line flags in order.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use cargo_contention::discover;
use contention_lints::Level;

use crate::common::{analysed_files, binary_in, check, check_args, fixture};

/// Level of each reported finding, by file relative to the config fixture.
fn levels(extra: &[&str]) -> BTreeMap<String, Level> {
    let dir = fixture("config");
    let mut args = vec!["check", "test-fixtures/config"];
    args.extend_from_slice(extra);
    let report = check(&args).unwrap();
    let mut levels = BTreeMap::new();
    for unit in &report.units {
        for diagnostic in &unit.diagnostics {
            let file = unit.files.get(diagnostic.file);
            let path = crate::common::relative(&file.path, &crate::common::repo().join(&dir));
            assert!(levels.insert(path, diagnostic.level).is_none());
        }
    }
    levels
}

fn expect(pairs: &[(&str, Level)]) -> BTreeMap<String, Level> {
    pairs
        .iter()
        .map(|(file, level)| ((*file).to_owned(), *level))
        .collect()
}

const RELAXED: &str = "relaxed/src/broken.rs";
const STRICT: &str = "strict/src/broken.rs";

#[test]
fn package_overrides_workspace_which_overrides_the_default() {
    assert_eq!(
        levels(&[]),
        expect(&[(RELAXED, Level::Warn), (STRICT, Level::Deny)])
    );
}

#[test]
fn command_line_overrides_configuration_and_later_flags_win() {
    assert_eq!(
        levels(&["-W", "parse_error"]),
        expect(&[(RELAXED, Level::Warn), (STRICT, Level::Warn)])
    );
    assert_eq!(
        levels(&["-D", "parse_error", "-W", "parse_error"]),
        expect(&[(RELAXED, Level::Warn), (STRICT, Level::Warn)])
    );
    assert_eq!(
        levels(&["-W", "parse_error", "-D", "all"]),
        expect(&[(RELAXED, Level::Deny), (STRICT, Level::Deny)])
    );
    assert_eq!(
        levels(&["-W", "parse_error", "-A", "parse_error"]),
        expect(&[])
    );
    assert_eq!(
        levels(&["-A", "all", "--deny", "parse_error"]),
        expect(&[(RELAXED, Level::Deny), (STRICT, Level::Deny)])
    );
}

#[test]
fn excluded_files_are_analysed_but_not_reported() {
    let report = check(&["check", "test-fixtures/config", "-W", "all"]).unwrap();
    let files = analysed_files(&report, &fixture("config"));
    assert!(
        files.contains(&"relaxed/src/generated/mod.rs".to_owned()),
        "{files:?}"
    );
    assert!(
        files.contains(&"strict/src/vendored.rs".to_owned()),
        "{files:?}"
    );
    assert_eq!(
        report
            .units
            .iter()
            .map(|u| u.diagnostics.len())
            .sum::<usize>(),
        2
    );
}

/// A temporary package with `manifest` as its `Cargo.toml` and an empty library.
fn package(manifest: &str) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    fs::create_dir(temp.path().join("src")).unwrap();
    fs::write(temp.path().join("src/lib.rs"), "").unwrap();
    fs::write(temp.path().join("Cargo.toml"), manifest).unwrap();
    temp
}

const PACKAGE: &str =
    "[package]\nname = \"p\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n";

fn one_line_error(dir: &Path) -> String {
    let output = binary_in(dir, &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn invalid_configuration_names_the_key() {
    let cases = [
        (
            "[package.metadata.contention]\nlints = { no_such_lint = \"warn\" }\n",
            "`package.metadata.contention.lints.no_such_lint`: unknown lint `no_such_lint`",
        ),
        (
            "[package.metadata.contention]\nlints = { parse_error = \"loud\" }\n",
            "`package.metadata.contention.lints.parse_error`: expected \"allow\", \"warn\" or \"deny\"",
        ),
        (
            "[workspace.metadata.contention]\nhot_functions = [\"run\"]\n",
            "`workspace.metadata.contention.hot_functions`: unknown key",
        ),
        (
            "[package.metadata.contention]\nexclude = \"src\"\n",
            "`package.metadata.contention.exclude`: expected an array of strings",
        ),
    ];
    for (table, message) in cases {
        let temp = package(&format!("{PACKAGE}{table}"));
        let stderr = one_line_error(temp.path());
        assert!(
            stderr.starts_with("error: invalid configuration in `"),
            "{stderr}"
        );
        assert!(
            stderr.contains(message),
            "expected {message:?} in {stderr:?}"
        );
    }
}

#[test]
fn hot_functions_from_workspace_and_package_reach_the_analysis() {
    let temp = package(&format!(
        "{PACKAGE}[workspace.metadata.contention]\nhot-functions = [\"tick\"]\n\n\
         [package.metadata.contention]\nhot-functions = [\"Worker::step\"]\n"
    ));
    let path = temp.path().to_str().unwrap();
    let units = discover::units(&check_args(&["check", path]), temp.path()).unwrap();
    let [unit] = &units[..] else {
        panic!("one unit expected");
    };
    assert_eq!(
        unit.settings.analysis.hot_functions,
        ["tick", "Worker::step"]
    );
}
