//! The human, short and statistics outputs.

use cargo_contention::Status;

use crate::common::{binary, run};

#[test]
fn human_output_of_unparseable_files() {
    let (status, out) = run(&["check", "test-fixtures/bad-input", "--color", "never"]);
    assert_eq!(status, Status::Denied);
    insta::assert_snapshot!(out);
}

#[test]
fn human_output_of_the_showcase() {
    // The cost notes are priced with the reference figures whatever this machine has measured:
    // the costs file named is never there.
    let (status, out) = run(&[
        "check",
        "test-fixtures/showcase",
        "--color",
        "never",
        "--costs",
        "test-fixtures/showcase/uncalibrated/costs.json",
    ]);
    assert_eq!(status, Status::Denied);
    insta::assert_snapshot!(out);
}

#[test]
fn human_output_with_configured_levels() {
    let (status, out) = run(&["check", "test-fixtures/config"]);
    assert_eq!(status, Status::Denied);
    insta::assert_snapshot!(out);
}

#[test]
fn human_output_when_clean() {
    let (status, out) = run(&["check", "test-fixtures/module-tree"]);
    assert_eq!(status, Status::Clean);
    assert_eq!(out, "no findings (20 files checked)\n");
}

#[test]
fn summary_counts_findings_per_lint() {
    let (_, out) = run(&["check", "test-fixtures/config", "-W", "all"]);
    assert_eq!(
        out.lines().last(),
        Some("warning: 2 findings (parse_error: 2)")
    );
}

#[test]
fn colour_is_used_only_when_asked_or_on_a_terminal() {
    let coloured = binary(&["check", "test-fixtures/bad-input", "--color", "always"]);
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\u{1b}["));
    for args in [&["--color", "never"][..], &[]] {
        let plain = binary(&[&["check", "test-fixtures/bad-input"][..], args].concat());
        assert!(!String::from_utf8_lossy(&plain.stdout).contains('\u{1b}'));
    }
}

/// `path:line:column: level[lint]: message`, split up.
fn parse_short(line: &str) -> (String, usize, usize, String, String) {
    let mut parts = line.splitn(4, ':');
    let path = parts.next().unwrap().to_owned();
    let line_no = parts.next().unwrap().parse().unwrap();
    let column = parts.next().unwrap().parse().unwrap();
    let rest = parts.next().unwrap().trim_start();
    let (head, _message) = rest.split_once(": ").unwrap();
    let (level, lint) = head.trim_end_matches(']').split_once('[').unwrap();
    (path, line_no, column, level.to_owned(), lint.to_owned())
}

#[test]
fn short_output_is_one_line_per_finding_in_order() {
    let (status, out) = run(&[
        "check",
        "test-fixtures/bad-input",
        "--message-format",
        "short",
    ]);
    assert_eq!(status, Status::Denied);
    let findings: Vec<_> = out.lines().map(parse_short).collect();
    let located: Vec<(&str, usize, usize)> = findings
        .iter()
        .map(|(p, l, c, _, _)| (p.as_str(), *l, *c))
        .collect();
    assert_eq!(
        located,
        [
            ("test-fixtures/bad-input/src/broken.rs", 6, 16),
            ("test-fixtures/bad-input/src/lib.rs", 5, 5),
            ("test-fixtures/bad-input/src/multibyte.rs", 3, 59),
            ("test-fixtures/bad-input/src/not_utf8.rs", 1, 1),
        ]
    );
    assert!(
        findings
            .iter()
            .all(|(_, _, _, level, lint)| level == "error" && lint == "parse_error")
    );
}

#[test]
fn short_output_is_empty_when_clean() {
    let (_, out) = run(&[
        "check",
        "test-fixtures/workspace",
        "--message-format",
        "short",
    ]);
    assert_eq!(out, "");
}

#[test]
fn statistics_count_per_lint_and_level() {
    let (status, out) = run(&["check", "test-fixtures/config", "--statistics"]);
    assert_eq!(status, Status::Denied, "statistics keep the exit status");
    assert_eq!(
        out,
        "1  warn   parse_error\n1  deny   parse_error\n2         total\n"
    );
    let (_, clean) = run(&["check", "test-fixtures/workspace", "--statistics"]);
    assert_eq!(clean, "no findings (3 files checked)\n");
}
