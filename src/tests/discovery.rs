//! Which files `check` analyses: module trees of every target, workspace member selection and
//! plain paths.

use std::fs;

use cargo_contention::Error;

use crate::common::{analysed_files, binary_in, check, fixture, repo};

const ALPHA: [&str; 2] = ["alpha/src/counter.rs", "alpha/src/lib.rs"];
const BETA: [&str; 1] = ["beta/src/main.rs"];

fn both_members() -> Vec<&'static str> {
    let mut files: Vec<&str> = ALPHA.iter().chain(&BETA).copied().collect();
    files.sort();
    files
}

#[test]
fn module_tree_reaches_every_module_of_every_target_once() {
    let dir = fixture("module-tree");
    let report = check(&["check", dir.to_str().unwrap()]).unwrap();
    assert_eq!(report.units.len(), 1);
    assert_eq!(
        analysed_files(&report, &dir),
        [
            "benches/speed.rs",
            "build.rs",
            "examples/demo.rs",
            "src/a/b.rs",
            "src/a/b/c.rs",
            "src/async.rs",
            "src/bin/tool.rs",
            "src/common.rs",
            "src/custom/renamed.rs",
            "src/dir_style/child.rs",
            "src/dir_style/mod.rs",
            "src/fallback.rs",
            "src/file_style.rs",
            "src/file_style/child.rs",
            "src/gated.rs",
            "src/lib.rs",
            "src/main.rs",
            "src/nested_path/moved.rs",
            "src/platform/linux.rs",
            "tests/it.rs",
        ]
    );
}

#[test]
fn virtual_workspace_root_checks_every_member() {
    let dir = fixture("workspace");
    let report = check(&[
        "check",
        "--manifest-path",
        "test-fixtures/workspace/Cargo.toml",
    ])
    .unwrap();
    assert_eq!(analysed_files(&report, &dir), both_members());
    let names: Vec<&str> = report.units.iter().map(|u| u.unit.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn workspace_flag_checks_every_member() {
    let dir = fixture("workspace");
    let report = check(&["check", dir.to_str().unwrap(), "--workspace"]).unwrap();
    assert_eq!(analysed_files(&report, &dir), both_members());
}

#[test]
fn package_flag_selects_members() {
    let dir = fixture("workspace");
    let path = dir.to_str().unwrap();
    let alpha = check(&["check", path, "-p", "alpha"]).unwrap();
    assert_eq!(analysed_files(&alpha, &dir), ALPHA);
    let beta = check(&["check", path, "--package", "beta"]).unwrap();
    assert_eq!(analysed_files(&beta, &dir), BETA);
    let both = check(&["check", path, "-p", "beta", "-p", "alpha"]).unwrap();
    assert_eq!(analysed_files(&both, &dir), both_members());
}

#[test]
fn unknown_package_is_an_error() {
    let error = check(&["check", "test-fixtures/workspace", "-p", "gamma"]).unwrap_err();
    assert!(matches!(&error, Error::PackageNotFound { name, .. } if name == "gamma"));
    assert!(
        error.to_string().starts_with("package `gamma` not found"),
        "{error}"
    );
}

#[test]
fn default_is_the_package_of_the_current_directory() {
    let member = repo().join(fixture("workspace")).join("beta");
    let output = binary_in(&member.join("src"), &["check"]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "no findings (1 file checked)\n"
    );
    assert_eq!(output.status.code(), Some(0));
    let root = repo().join(fixture("workspace"));
    let output = binary_in(&root, &["check"]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "no findings (3 files checked)\n"
    );
}

#[test]
fn the_same_package_named_twice_is_checked_once() {
    let dir = fixture("workspace");
    let report = check(&[
        "check",
        "test-fixtures/workspace",
        "--manifest-path",
        "test-fixtures/workspace/alpha/Cargo.toml",
        "--workspace",
    ])
    .unwrap();
    assert_eq!(analysed_files(&report, &dir), both_members());
}

#[test]
fn plain_directories_are_walked_without_following_modules() {
    let dir = fixture("module-tree").join("src");
    let report = check(&["check", dir.to_str().unwrap()]).unwrap();
    let files = analysed_files(&report, &dir);
    // Every `.rs` file under it, `orphan.rs` included, since no module tree is followed.
    assert!(files.contains(&"orphan.rs".to_owned()), "{files:?}");
    assert_eq!(files.len(), 17, "{files:?}");
}

#[test]
fn walking_skips_hidden_and_target_directories_and_other_files() {
    let temp = tempfile::tempdir().unwrap();
    for file in [
        "src/lib.rs",
        ".hidden/a.rs",
        "target/debug/b.rs",
        "notes.txt",
        "src/.x/c.rs",
    ] {
        let path = temp.path().join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "pub fn f() {}\n").unwrap();
    }
    let report = check(&["check", temp.path().to_str().unwrap()]).unwrap();
    assert_eq!(analysed_files(&report, temp.path()), ["src/lib.rs"]);
}

#[test]
fn files_named_explicitly_are_checked_together() {
    let report = check(&[
        "check",
        "test-fixtures/module-tree/src/common.rs",
        "test-fixtures/module-tree/src/a/b.rs",
    ])
    .unwrap();
    assert_eq!(report.units.len(), 1);
    assert_eq!(
        analysed_files(&report, &fixture("module-tree")),
        ["src/a/b.rs", "src/common.rs"]
    );
}

#[test]
fn packages_and_plain_paths_mix() {
    let report = check(&[
        "check",
        "test-fixtures/workspace/beta",
        "test-fixtures/module-tree/src/common.rs",
    ])
    .unwrap();
    assert_eq!(
        analysed_files(&report, &repo().join("test-fixtures")),
        ["module-tree/src/common.rs", "workspace/beta/src/main.rs"]
    );
}

#[test]
fn a_directory_of_packages_is_checked_package_by_package() {
    // A `cargo vendor` folder: packages side by side, one inside another, and a loose file.
    let temp = tempfile::tempdir().unwrap();
    let files = [
        (
            "one-1.0.0/Cargo.toml",
            "[package]\nname = \"one\"\nversion = \"1.0.0\"\nedition = \"2024\"\n",
        ),
        ("one-1.0.0/src/lib.rs", "pub fn one() {}\n"),
        ("one-1.0.0/tests/it.rs", "fn it() {}\n"),
        (
            "two/Cargo.toml",
            "[package]\nname = \"two-thing\"\nversion = \"0.1.0\"\nedition.workspace = true\n",
        ),
        ("two/src/main.rs", "fn main() {}\n"),
        (
            "two/inner/Cargo.toml",
            "[package]\nname = \"inner\"\nversion = \"0.1.0\"\nedition = \"2018\"\n",
        ),
        ("two/inner/src/lib.rs", "pub fn inner() {}\n"),
        ("loose.rs", "pub fn loose() {}\n"),
    ];
    for (file, text) in files {
        let path = temp.path().join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let report = check(&["check", temp.path().to_str().unwrap()]).unwrap();
    let units: Vec<(String, &str, Vec<String>)> = report
        .units
        .iter()
        .map(|u| {
            let files = u
                .files
                .iter()
                .map(|f| crate::common::relative(&f.path, temp.path()))
                .collect();
            (
                u.unit.name.clone(),
                u.unit.targets[0].edition.as_str(),
                files,
            )
        })
        .collect();
    let dir_name = temp.path().file_name().unwrap().to_string_lossy();
    let loose_name = dir_name.replace(['-', '.'], "_");
    assert_eq!(
        units,
        [
            (loose_name, "2021", vec!["loose.rs".to_owned()]),
            (
                "one".to_owned(),
                "2024",
                vec![
                    "one-1.0.0/src/lib.rs".into(),
                    "one-1.0.0/tests/it.rs".into()
                ]
            ),
            (
                "two_thing".to_owned(),
                "2021",
                vec!["two/src/main.rs".to_owned()]
            ),
            (
                "inner".to_owned(),
                "2018",
                vec!["two/inner/src/lib.rs".to_owned()]
            ),
        ]
    );
}
