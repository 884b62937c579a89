//! Every fix proved by compiling it: each lint's fixture crate is copied, fixed with `--fix`
//! (the `MachineApplicable` tier) and then with `--fix --unsafe-fixes` (`MaybeIncorrect` too),
//! and `cargo check` must pass after each; a second check must not report the findings whose
//! suggestions were applied. Over all the lint fixtures, the fixes must remove at least 60% of
//! the findings (the share is printed).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use contention_lints::registry;

use crate::common::{binary_in, fixture_copy, stdout_of};

/// A finding as the JSON output gives it: its lint and message, and the applicability of its
/// suggestion, if it has one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    lint: String,
    message: String,
    fix: Option<String>,
}

/// Every finding of the crate at `dir`, every lint on, every target.
fn findings(dir: &Path) -> Vec<Finding> {
    let args = ["check", "-W", "all", "--all-targets", "--no-cache"];
    let args: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--message-format", "json"])
        .collect();
    let out = stdout_of(&binary_in(dir, &args), 0);
    cargo_metadata::Message::parse_stream(out.as_bytes())
        .filter_map(|m| match m.expect("the JSON parses") {
            cargo_metadata::Message::CompilerMessage(m) => Some(m.message),
            _ => None,
        })
        .map(|d| Finding {
            lint: d.code.map(|c| c.code).unwrap_or_default(),
            message: d.message,
            fix: d
                .children
                .iter()
                .flat_map(|child| &child.spans)
                .find_map(|span| span.suggestion_applicability.clone())
                .map(|a| format!("{a:?}")),
        })
        .collect()
}

/// Applies a fix tier to the crate at `dir`; what `--fix` said on stderr.
fn fix(dir: &Path, unsafe_fixes: bool) -> String {
    let mut args = vec!["check", "-W", "all", "--all-targets", "--no-cache", "--fix"];
    if unsafe_fixes {
        args.push("--unsafe-fixes");
    }
    args.extend(["--allow-dirty", "--message-format", "short"]);
    let output = binary_in(dir, &args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("not fixing"),
        "a fix was refused: {stderr}"
    );
    stderr
}

/// `cargo check --all-targets` of the crate at `dir`: its errors, if it does not compile.
fn compile_errors(dir: &Path) -> Option<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let output = Command::new(cargo)
        .args(["check", "--all-targets", "--offline", "--quiet"])
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures"),
        )
        .output()
        .expect("cargo runs");
    (!output.status.success()).then(|| String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Counts of findings by lint and message.
fn counted(findings: &[Finding]) -> BTreeMap<(String, String), usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts
            .entry((f.lint.clone(), f.message.clone()))
            .or_default() += 1;
    }
    counts
}

#[test]
fn every_lint_fixture_fixed_compiles_and_loses_the_fixed_findings() {
    let lints: Vec<&str> = registry::all()
        .iter()
        .map(|lint| lint.name)
        .filter(|name| *name != "parse_error")
        .collect();
    assert_eq!(lints.len(), 14);
    let (mut total, mut removed) = (0, 0);
    let mut failures = String::new();
    let mut per_lint = Vec::new();
    for lint in lints {
        let copy = fixture_copy(lint);
        let dir = copy.path();
        let before = findings(dir);
        fix(dir, false);
        if let Some(errors) = compile_errors(dir) {
            failures.push_str(&format!("{lint} after --fix does not compile:\n{errors}\n"));
            continue;
        }
        fix(dir, true);
        if let Some(errors) = compile_errors(dir) {
            failures.push_str(&format!(
                "{lint} after --fix --unsafe-fixes does not compile:\n{errors}\n"
            ));
            continue;
        }
        let after = findings(dir);
        // A finding whose suggestion was applied is gone: fewer findings of its lint and
        // message remain than there were, by at least the number fixed.
        let (before_counts, after_counts) = (counted(&before), counted(&after));
        let mut fixed: BTreeMap<(String, String), usize> = BTreeMap::new();
        for f in before.iter().filter(|f| f.fix.is_some()) {
            *fixed
                .entry((f.lint.clone(), f.message.clone()))
                .or_default() += 1;
        }
        for (key, count) in &fixed {
            let left = after_counts.get(key).copied().unwrap_or(0);
            if left + count > before_counts[key] {
                failures.push_str(&format!(
                    "{lint}: `{}: {}` is still reported after its fix ({left} left of {})\n",
                    key.0, key.1, before_counts[key]
                ));
            }
        }
        total += before.len();
        removed += before.len().saturating_sub(after.len());
        per_lint.push(format!("{lint}: {} -> {}", before.len(), after.len()));
    }
    assert!(failures.is_empty(), "{failures}");
    let share = removed as f64 / total as f64;
    println!(
        "the fixes remove {removed} of {total} findings ({:.1}%): {}",
        share * 100.0,
        per_lint.join(", ")
    );
    assert!(
        share >= 0.6,
        "the fixes remove {removed} of {total} findings ({:.1}%), less than 60%: {}",
        share * 100.0,
        per_lint.join(", ")
    );
}
