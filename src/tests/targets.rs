//! Target selection (`--lib`, `--tests`, `--all-targets`, ...) on the `targets` fixture, which
//! has one `over_copy` finding in every kind of target and of test code: which findings each
//! selection reports, what the summary says of the rest, what JSON and SARIF say of each
//! finding's target, the `all-targets` setting, and the cache across selections.

use std::fs;

use serde_json::Value;

use crate::common::{binary_in, check, fixture, fixture_copy, relative, repo, stdout_of};

/// The findings of `check` on the `targets` fixture with `flags`, as `file:line`.
fn reported(flags: &[&str]) -> Vec<String> {
    let manifest = fixture("targets").join("Cargo.toml");
    let mut args = vec!["check", "--manifest-path", manifest.to_str().unwrap()];
    args.extend_from_slice(flags);
    let report = check(&args).expect("the check runs");
    let base = repo().join(fixture("targets"));
    let mut found: Vec<String> = report
        .units
        .iter()
        .flat_map(|unit| {
            unit.diagnostics.iter().map(|d| {
                let file = unit.files.get(d.file);
                format!(
                    "{}:{}",
                    relative(&file.path, &base),
                    file.position(d.span.start).line
                )
            })
        })
        .collect();
    found.sort();
    found
}

const LIB: &str = "src/lib.rs:4";
const LIB_NOT_TEST: &str = "src/lib.rs:27";
const LIB_INLINE_TEST: &str = "src/lib.rs:15";
const LIB_LONE_TEST: &str = "src/lib.rs:22";
const UNIT_FILE: &str = "src/unit.rs:6";
const MAIN: &str = "src/main.rs:3";
const TOOL: &str = "src/bin/tool.rs:3";
const BUILD: &str = "build.rs:3";
const IT: &str = "tests/it.rs:4";
const BENCH: &str = "benches/speed.rs:3";
const EXAMPLE: &str = "examples/demo.rs:3";

fn sorted(items: &[&str]) -> Vec<String> {
    let mut items: Vec<String> = items.iter().map(|s| (*s).to_owned()).collect();
    items.sort();
    items
}

#[test]
fn by_default_the_library_binaries_and_build_script_without_their_tests() {
    assert_eq!(
        reported(&[]),
        sorted(&[LIB, LIB_NOT_TEST, MAIN, TOOL, BUILD])
    );
}

#[test]
fn each_target_flag_reports_its_targets() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["--lib"], &[LIB, LIB_NOT_TEST, BUILD]),
        (&["--bins"], &[MAIN, TOOL, BUILD]),
        (&["--bin", "tool"], &[TOOL, BUILD]),
        (&["--examples"], &[EXAMPLE, BUILD]),
        (&["--example", "demo"], &[EXAMPLE, BUILD]),
        (
            &["--tests"],
            &[
                LIB,
                LIB_NOT_TEST,
                LIB_INLINE_TEST,
                LIB_LONE_TEST,
                UNIT_FILE,
                MAIN,
                TOOL,
                IT,
                BUILD,
            ],
        ),
        (&["--test", "it"], &[IT, BUILD]),
        (
            &["--benches"],
            &[LIB, LIB_NOT_TEST, MAIN, TOOL, BENCH, BUILD],
        ),
        (&["--bench", "speed"], &[BENCH, BUILD]),
        (&["--lib", "--test", "it"], &[LIB, LIB_NOT_TEST, IT, BUILD]),
        (
            &["--all-targets"],
            &[
                LIB,
                LIB_NOT_TEST,
                LIB_INLINE_TEST,
                LIB_LONE_TEST,
                UNIT_FILE,
                MAIN,
                TOOL,
                IT,
                BENCH,
                EXAMPLE,
                BUILD,
            ],
        ),
    ];
    for (flags, expected) in cases {
        assert_eq!(reported(flags), sorted(expected), "with {flags:?}");
    }
}

#[test]
fn a_named_target_that_does_not_exist_is_a_usage_error() {
    let manifest = fixture("targets").join("Cargo.toml");
    let output = binary_in(
        repo(),
        &[
            "check",
            "--manifest-path",
            manifest.to_str().unwrap(),
            "--bin",
            "nope",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no bin target named `nope`"), "{stderr}");
}

#[test]
fn explicit_paths_are_checked_as_given() {
    let dir = fixture("targets");
    let tests = dir.join("tests");
    let unit = dir.join("src/unit.rs");
    let out = stdout_of(
        &binary_in(
            repo(),
            &[
                "check",
                tests.to_str().unwrap(),
                unit.to_str().unwrap(),
                "--message-format",
                "short",
            ],
        ),
        0,
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    // Target flags choose among a package's targets; plain paths have none.
    let output = binary_in(repo(), &["check", tests.to_str().unwrap(), "--tests"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_summary_counts_what_was_left_out() {
    let dir = fixture("targets");
    let human = stdout_of(&binary_in(repo(), &["check", dir.to_str().unwrap()]), 0);
    let lines: Vec<&str> = human.lines().collect();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "warning: 5 findings (over_copy: 5); 6 more in tests, benches and examples \
             (--all-targets to see them)",
            // What is left out is not counted among what `--fix` would fix either.
            "5 fixable with `--fix`"
        ],
        "{human}"
    );
    let stats = stdout_of(
        &binary_in(repo(), &["check", dir.to_str().unwrap(), "--statistics"]),
        0,
    );
    // The total row, the estimates' footnote, then what was left out.
    assert!(
        stats
            .lines()
            .any(|line| line.starts_with("5         total      about ")),
        "{stats}"
    );
    assert!(
        stats.ends_with(
            "measures this machine\n6 more in tests, benches and examples (--all-targets to see \
             them)\n"
        ),
        "{stats}"
    );
    // Nothing left out, nothing said.
    let all = stdout_of(
        &binary_in(repo(), &["check", dir.to_str().unwrap(), "--all-targets"]),
        0,
    );
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "warning: 11 findings (over_copy: 11)",
            "11 fixable with `--fix`"
        ]
    );
    // Allowed findings are neither reported nor counted as left out.
    let tests_only = stdout_of(
        &binary_in(
            repo(),
            &["check", dir.to_str().unwrap(), "--test", "it", "-A", "all"],
        ),
        0,
    );
    assert_eq!(tests_only.trim_end(), "no findings (8 files checked)");
    let examples = stdout_of(
        &binary_in(repo(), &["check", dir.to_str().unwrap(), "--lib", "--bins"]),
        0,
    );
    let summary = examples.lines().rev().nth(1).unwrap_or_default();
    assert!(
        summary.ends_with("; 6 more in tests, benches and examples (--all-targets to see them)"),
        "{examples}"
    );
}

#[test]
fn json_and_sarif_carry_each_findings_target_and_kind() {
    let dir = fixture("targets");
    let json = stdout_of(
        &binary_in(
            repo(),
            &[
                "check",
                dir.to_str().unwrap(),
                "--all-targets",
                "--message-format",
                "json",
            ],
        ),
        0,
    );
    let mut kinds: Vec<(String, String, String)> = json
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|m| m["reason"] == "compiler-message")
        .map(|m| {
            let file = m["message"]["spans"][0]["file_name"]
                .as_str()
                .unwrap()
                .rsplit("targets/")
                .next()
                .unwrap()
                .to_owned();
            (
                file,
                m["target"]["name"].as_str().unwrap().to_owned(),
                m["target_kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    let expected = [
        ("benches/speed.rs", "speed", "bench"),
        ("build.rs", "build-script-build", "custom-build"),
        ("examples/demo.rs", "demo", "example"),
        ("src/bin/tool.rs", "tool", "bin"),
        ("src/lib.rs", "targets", "lib"),
        ("src/lib.rs", "targets", "test"),
        ("src/main.rs", "targets", "bin"),
        ("src/unit.rs", "targets", "test"),
        ("tests/it.rs", "it", "test"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(f, n, k)| ((*f).into(), (*n).into(), (*k).into()))
        .collect();
    assert_eq!(kinds, expected);
    // The extra field does not stop cargo_metadata reading the messages.
    for message in cargo_metadata::Message::parse_stream(json.as_bytes()) {
        message.expect("cargo_metadata reads every line");
    }

    let sarif = stdout_of(
        &binary_in(
            repo(),
            &[
                "check",
                dir.to_str().unwrap(),
                "--tests",
                "--message-format",
                "sarif",
            ],
        ),
        0,
    );
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let mut sarif_kinds: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["targetKind"].as_str().unwrap())
        .collect();
    sarif_kinds.sort();
    sarif_kinds.dedup();
    assert_eq!(sarif_kinds, ["bin", "custom-build", "lib", "test"]);
}

#[test]
fn a_package_can_ask_for_all_targets_by_default() {
    let copy = fixture_copy("targets");
    let manifest = copy.path().join("Cargo.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        format!("{text}\n[package.metadata.contention]\nall-targets = true\n"),
    )
    .unwrap();
    let count = |args: &[&str]| {
        let mut all = vec!["check", "--message-format", "short", "--no-cache"];
        all.extend_from_slice(args);
        stdout_of(&binary_in(copy.path(), &all), 0).lines().count()
    };
    assert_eq!(count(&[]), 11);
    // A flag on the command line still chooses.
    assert_eq!(count(&["--lib"]), 3);
}

#[test]
fn the_cache_serves_every_selection() {
    let copy = fixture_copy("targets");
    let dir = copy.path();
    let run = |args: &[&str]| {
        let mut all = vec!["check", "--message-format", "short"];
        all.extend_from_slice(args);
        stdout_of(&binary_in(dir, &all), 0)
    };
    let uncached_default = run(&["--no-cache"]);
    let uncached_all = run(&["--all-targets", "--no-cache"]);
    assert_eq!(uncached_default.lines().count(), 5);
    assert_eq!(uncached_all.lines().count(), 11);
    // A default run fills the cache; runs with other targets read it and report their own.
    assert_eq!(run(&[]), uncached_default);
    assert!(dir.join("target/contention").is_dir());
    assert_eq!(run(&["--all-targets"]), uncached_all);
    assert_eq!(run(&[]), uncached_default);
    assert_eq!(run(&["--test", "it"]).lines().count(), 2);
}
