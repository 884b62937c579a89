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

/// The pairs whose flagged shape the tool has no fix for, with why: `before.rs` stays as it is.
const UNFIXED: &[(&str, &str)] = &[
    (
        "clone_under_lock",
        "storing `Arc`s in the map changes its type and every use of it",
    ),
    (
        "lock_per_element",
        "one lock for the whole collection, or striping, changes who owns the elements",
    ),
    (
        "read_mostly_rwlock",
        "the fix is `arc_swap::ArcSwap`, offered only when the crate depends on arc-swap, which \
         the pair's file alone does not show",
    ),
    (
        "single_lock_map",
        "the fix is `dashmap::DashMap`, offered only when the crate depends on dashmap, which the \
         pair's file alone does not show",
    ),
    (
        "thread_spawn_per_task",
        "moving the work onto long-lived workers changes how results come back",
    ),
];

/// The timing harness's interface, without its CPU accounting: what the pair glue calls. The
/// sides are run and their results compared, not timed.
const HARNESS: &str = r#"use std::ops::Range;
use std::time::{Duration, Instant};

pub fn split(total: u64, parts: usize) -> Vec<Range<u64>> {
    let parts = parts.max(1) as u64;
    let (base, extra) = (total / parts, total % parts);
    let mut start = 0;
    (0..parts)
        .map(|part| {
            let len = base + u64::from(part < extra);
            let range = start..start + len;
            start += len;
            range
        })
        .collect()
}

pub fn timed<I: Send, R: Send, F: Fn(I) -> R + Sync>(inputs: Vec<I>, work: F) -> (Duration, Vec<R>) {
    let start = Instant::now();
    let results = std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = inputs.into_iter().map(|input| scope.spawn(move || work(input))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    (start.elapsed(), results)
}

pub fn timed_ranges<R: Send, F: Fn(usize, Range<u64>) -> R + Sync>(
    threads: usize,
    ops: u64,
    work: F,
) -> (Duration, Vec<R>) {
    let inputs: Vec<(usize, Range<u64>)> = split(ops, threads).into_iter().enumerate().collect();
    timed(inputs, |(index, range)| work(index, range))
}

pub fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
"#;

/// Runs both sides of every pair at 1, 2 and 3 threads and compares each result with the one
/// computed without the code under test, as the benchmark crate's own tests do.
const AGREE: &str = r#"use pairs_fixed::pairs::{PAIRS, Side};

#[test]
fn both_sides_compute_the_expected_result() {
    for pair in PAIRS {
        let ops = pair.ops(200);
        let expected = pair.expected(ops);
        for threads in [1, 2, 3] {
            for side in Side::BOTH {
                let run = pair.run(side, threads, ops);
                assert_eq!(run.result, expected, "{}: {side} on {threads} threads", pair.lint());
            }
        }
    }
}
"#;

/// Every pair's `before.rs`, fixed by the tool (`--fix --unsafe-fixes`), is no longer flagged
/// by its lint, compiles, and computes what `after.rs` computes: the pairs are copied into a
/// crate of their own (their glue, a harness that runs without timing, the workspace's lock
/// file for the same dependency versions), each `before.rs` is fixed where it lies, and the
/// crate's test runs both sides of every pair.
#[test]
fn every_pair_fixed_by_the_tool_compiles_and_computes_what_its_fix_does() {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let root = temp.path();
    let pairs = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/src/pairs");
    for entry in walkdir::WalkDir::new(&pairs) {
        let entry = entry.expect("the pairs can be listed");
        let to = root
            .join("src/pairs")
            .join(entry.path().strip_prefix(&pairs).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"pairs-fixed\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\narc-swap = \"1\"\ncrossbeam-utils = \"0.8\"\ndashmap = \"6\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"),
        root.join("Cargo.lock"),
    )
    .unwrap();
    std::fs::write(
        root.join("src/lib.rs"),
        "pub mod harness;\npub mod pairs;\n",
    )
    .unwrap();
    std::fs::write(root.join("src/harness.rs"), HARNESS).unwrap();
    std::fs::create_dir_all(root.join("tests")).unwrap();
    std::fs::write(root.join("tests/agree.rs"), AGREE).unwrap();

    let mut fixed = Vec::new();
    for name in contention_bench::pair_names() {
        let before = root.join("src/pairs").join(name).join("before.rs");
        let original = std::fs::read_to_string(&before).unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-contention"))
            .arg("check")
            .arg(&before)
            .args([
                "-W",
                "all",
                "--fix",
                "--unsafe-fixes",
                "--allow-dirty",
                "--no-cache",
            ])
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("not fixing"), "{name}: {stderr}");
        let changed = std::fs::read_to_string(&before).unwrap() != original;
        let flagged = lints_in(&before).contains(&name);
        match UNFIXED.iter().find(|(unfixed, _)| *unfixed == name) {
            Some((_, why)) => assert!(
                !changed && flagged,
                "{name} has no fix ({why}), yet its before.rs changed or is no longer flagged"
            ),
            None => {
                assert!(changed, "{name}: the tool did not fix before.rs");
                assert!(!flagged, "{name}: the fixed before.rs is still flagged");
                fixed.push(name);
            }
        }
    }
    assert_eq!(
        fixed.len() + UNFIXED.len(),
        contention_bench::pair_names().len()
    );

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["test", "--offline", "--quiet"])
        .current_dir(root)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("pairs"),
        )
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the fixed pairs ({}) do not compile or disagree:\n{}\n{}",
        fixed.join(", "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
