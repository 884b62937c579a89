//! The paired benchmarks measure exactly what the lints flag: for every lint with a pair, its
//! pair's `before.rs` is flagged by that lint and its `after.rs` is not. Also `bench` from the
//! binary.

use std::path::{Path, PathBuf};

use contention_lints::{CrateFiles, CrateInfo, check_files, registry};

fn lints_in(path: &Path) -> Vec<&'static str> {
    let loader = |p: &Path| std::fs::read_to_string(p);
    let report = check_files(
        &CrateInfo::default(),
        CrateFiles::List(vec![path.to_path_buf()]),
        &loader,
    );
    report.diagnostics.iter().map(|d| d.lint.name).collect()
}

#[test]
fn before_is_flagged_and_after_is_clean() {
    let mut checked = 0;
    for name in contention_bench::pair_names() {
        assert!(
            registry::find(name).is_some(),
            "the pair `{name}` has no lint"
        );
        let dir = PathBuf::from("benches/src/pairs").join(name);
        let before = lints_in(&dir.join("before.rs"));
        let after = lints_in(&dir.join("after.rs"));
        assert!(
            before.contains(&name),
            "{name}: before.rs is not flagged (found {before:?})"
        );
        assert!(
            !after.contains(&name),
            "{name}: after.rs is flagged (found {after:?})"
        );
        assert!(
            !after.contains(&"parse_error") && !before.contains(&"parse_error"),
            "{name}: a pair file does not parse"
        );
        checked += 1;
    }
    // Every lint has a pair but the correctness lint and `parse_error`.
    let unpaired: Vec<&str> = registry::all()
        .iter()
        .map(|lint| lint.name)
        .filter(|name| contention_bench::pair(name).is_none())
        .collect();
    assert_eq!(unpaired, ["atomic_ptr_to_local", "parse_error"]);
    assert_eq!(checked, contention_bench::pair_names().len());
}

#[test]
fn bench_lists_its_pairs_and_rejects_unknown_lints() {
    let listed = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-contention"))
        .args(["contention", "bench", "--list"])
        .output()
        .expect("runs");
    assert!(listed.status.success());
    let text = String::from_utf8(listed.stdout).expect("utf-8");
    for name in contention_bench::pair_names() {
        assert!(
            text.lines().any(|l| l.starts_with(name)),
            "{name} not listed"
        );
    }
    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-contention"))
        .args(["bench", "no_such_lint"])
        .output()
        .expect("runs");
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8(unknown.stderr).expect("utf-8");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
