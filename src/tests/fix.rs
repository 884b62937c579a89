//! `check --fix` on copies of the fixture crates: machine-applicable suggestions are applied,
//! the result parses and no longer has the fixed finding, and a dirty git tree is refused.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::{binary_in, fixture_copy, stdout_of};

const LIB: &str = "src/lib.rs";
/// The fixture's line with a machine-applicable suggestion, and the line after the fix.
const FLAGGED: &str = "    buf.clone().len() //~ over_copy\n";
const FIXED: &str = "    buf.len() //~ over_copy\n";

/// The short-format findings of the crate at `dir`.
fn findings(dir: &Path) -> Vec<String> {
    let out = stdout_of(&binary_in(dir, &["check", "--message-format", "short"]), 0);
    out.lines().map(str::to_owned).collect()
}

/// The short-format findings of the crate at `dir` with `--message-format json`'s applicability
/// of each one's suggestion: how many `--fix` and `--unsafe-fixes` would apply.
fn tiers(dir: &Path) -> (usize, usize) {
    let out = stdout_of(&binary_in(dir, &["check", "--message-format", "json"]), 0);
    let mut tiers = (0, 0);
    for message in cargo_metadata::Message::parse_stream(out.as_bytes()) {
        let cargo_metadata::Message::CompilerMessage(m) = message.unwrap() else {
            continue;
        };
        let applicability = m
            .message
            .children
            .iter()
            .flat_map(|c| &c.spans)
            .find_map(|s| s.suggestion_applicability.clone());
        match applicability {
            Some(cargo_metadata::diagnostic::Applicability::MachineApplicable) => tiers.0 += 1,
            Some(cargo_metadata::diagnostic::Applicability::MaybeIncorrect) => tiers.1 += 1,
            _ => {}
        }
    }
    tiers
}

#[test]
fn fix_applies_machine_applicable_suggestions_and_the_result_parses() {
    let crate_dir = fixture_copy("over_copy");
    let dir = crate_dir.path();
    let before = fs::read_to_string(dir.join(LIB)).unwrap();
    let findings_before = findings(dir);
    let (safe, _) = tiers(dir);
    assert!(before.contains(FLAGGED));
    assert!(safe > 1, "over_copy has several certain fixes");

    let output = binary_in(dir, &["check", "--fix", "--message-format", "short"]);
    let remaining = stdout_of(&output, 0);
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!("       Fixed src/lib.rs ({safe} fixes)\n")
    );

    let after = fs::read_to_string(dir.join(LIB)).unwrap();
    syn::parse_file(&after).expect("the fixed file parses");
    assert!(after.contains(FIXED), "the suggested edit is made");
    assert!(!after.contains(FLAGGED));
    // The fixed findings are gone; the others (whose suggestions are not certain) remain, and
    // what is printed after fixing is the state of the fixed files.
    let findings_after = findings(dir);
    assert_eq!(findings_after.len(), findings_before.len() - safe);
    assert!(
        findings_after
            .iter()
            .all(|f| !f.starts_with("src/lib.rs:18:")),
        "{findings_after:?}"
    );
    assert_eq!(remaining.lines().collect::<Vec<_>>(), findings_after);
    assert_eq!(tiers(dir).0, 0, "nothing certain is left to fix");
    let leftovers: Vec<_> = fs::read_dir(dir.join("src")).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

#[test]
fn unsafe_fixes_apply_the_maybe_incorrect_tier_too() {
    let crate_dir = fixture_copy("guard_across_blocking");
    let dir = crate_dir.path();
    let (safe, unsure) = tiers(dir);
    assert!(safe > 0 && unsure > 0, "both tiers: {safe}, {unsure}");
    let before = findings(dir).len();

    // `--fix` leaves the uncertain tier alone, and the summary says what is left.
    let output = binary_in(dir, &["check", "--fix"]);
    let human = stdout_of(&output, 0);
    assert_eq!(findings(dir).len(), before - safe);
    assert_eq!(tiers(dir), (0, unsure));
    assert_eq!(
        human.lines().last(),
        Some(format!("{unsure} fixable with `--fix --unsafe-fixes`").as_str()),
        "{human}"
    );

    stdout_of(&binary_in(dir, &["check", "--fix", "--unsafe-fixes"]), 0);
    let after = fs::read_to_string(dir.join(LIB)).unwrap();
    syn::parse_file(&after).expect("the fixed file parses");
    assert!(findings(dir).len() <= before - safe - unsure);
}

#[test]
fn unsafe_fixes_need_fix() {
    let crate_dir = fixture_copy("over_copy");
    let output = binary_in(crate_dir.path(), &["check", "--unsafe-fixes"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--fix"), "{stderr}");
}

#[test]
fn fix_with_nothing_to_fix_changes_nothing() {
    let crate_dir = fixture_copy("mutex_scalar");
    let dir = crate_dir.path();
    let before = fs::read_to_string(dir.join(LIB)).unwrap();
    let output = binary_in(dir, &["check", "--fix", "-A", "all"]);
    stdout_of(&output, 0);
    assert!(output.stderr.is_empty());
    assert_eq!(fs::read_to_string(dir.join(LIB)).unwrap(), before);
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .is_ok_and(|output| output.status.success())
}

#[test]
fn fix_refuses_a_dirty_git_tree_unless_allowed() {
    if !git(Path::new("."), &["--version"]) {
        println!("skipped: git is not installed, so no working tree can be made");
        return;
    }
    let crate_dir = fixture_copy("over_copy");
    let dir = crate_dir.path();
    assert!(git(dir, &["init", "-q"]));
    assert!(git(dir, &["add", "."]));
    assert!(git(dir, &["commit", "-q", "-m", "fixture"]));
    let original = fs::read_to_string(dir.join(LIB)).unwrap();
    let edited = format!("// an uncommitted edit\n{original}");
    fs::write(dir.join(LIB), &edited).unwrap();

    let refused = binary_in(dir, &["check", "--fix"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("uncommitted changes (src/lib.rs)"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-dirty"), "{stderr}");
    assert_eq!(fs::read_to_string(dir.join(LIB)).unwrap(), edited);

    let fixed = |dir: &Path| {
        let text = fs::read_to_string(dir.join(LIB)).unwrap();
        !text.contains(FLAGGED) && text.contains(FIXED)
    };
    let allowed = binary_in(dir, &["check", "--fix", "--allow-dirty"]);
    assert_eq!(allowed.status.code(), Some(0));
    assert!(fixed(dir));

    // A clean tree is fixed without `--allow-dirty`.
    assert!(git(dir, &["checkout", "-q", "--", "."]));
    assert!(!fixed(dir));
    let clean = binary_in(dir, &["check", "--fix"]);
    assert_eq!(clean.status.code(), Some(0));
    assert!(fixed(dir));
}

#[test]
fn allow_dirty_needs_fix() {
    let crate_dir = fixture_copy("over_copy");
    let output = binary_in(crate_dir.path(), &["check", "--allow-dirty"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--fix"), "{stderr}");
}

#[test]
fn the_json_carries_the_suggestion_as_editors_read_it() {
    let output = crate::common::binary(&[
        "check",
        "test-fixtures/over_copy",
        "--message-format",
        "json",
    ]);
    let out = stdout_of(&output, 0);
    let text = fs::read_to_string(crate::common::repo().join("test-fixtures/over_copy/src/lib.rs"))
        .unwrap();
    let clone = text.find(FLAGGED).unwrap() + FLAGGED.find(".clone()").unwrap();
    let messages = cargo_metadata::Message::parse_stream(out.as_bytes());
    let edits: Vec<cargo_metadata::diagnostic::DiagnosticSpan> = messages
        .filter_map(|m| match m.unwrap() {
            cargo_metadata::Message::CompilerMessage(m) => Some(m.message),
            _ => None,
        })
        .flat_map(|d| d.children)
        .flat_map(|child| child.spans)
        .filter(|span| span.suggested_replacement.is_some())
        .collect();
    let machine_applicable: Vec<_> = edits
        .iter()
        .filter(|span| {
            span.suggestion_applicability
                == Some(cargo_metadata::diagnostic::Applicability::MachineApplicable)
        })
        .collect();
    let flagged: Vec<_> = machine_applicable
        .iter()
        .filter(|span| span.byte_start as usize == clone)
        .collect();
    let [edit] = &flagged[..] else {
        panic!("one machine-applicable edit at the flagged copy expected: {edits:#?}");
    };
    assert_eq!(edit.suggested_replacement.as_deref(), Some(""));
    assert_eq!(
        (edit.byte_start as usize, edit.byte_end as usize),
        (clone, clone + ".clone()".len())
    );
    assert_eq!(edit.file_name, "src/lib.rs");
    assert!(
        edits.len() > machine_applicable.len(),
        "the others are MaybeIncorrect"
    );
}

#[test]
fn findings_in_the_baseline_are_not_fixed() {
    let crate_dir = fixture_copy("over_copy");
    let dir = crate_dir.path();
    stdout_of(
        &binary_in(dir, &["check", "--write-baseline", "baseline.json"]),
        0,
    );
    let before = fs::read_to_string(dir.join(LIB)).unwrap();
    let output = binary_in(
        dir,
        &[
            "check",
            "--fix",
            "--baseline",
            "baseline.json",
            "--message-format",
            "short",
        ],
    );
    assert_eq!(stdout_of(&output, 0), "");
    assert!(output.stderr.is_empty());
    assert_eq!(fs::read_to_string(dir.join(LIB)).unwrap(), before);
}
