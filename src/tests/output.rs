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

/// The showcase's findings as JSON lines in the order `check` prints them with `args`, priced
/// with the reference figures (the costs file named is never there).
fn showcase_json(args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec![
        "check",
        "test-fixtures/showcase",
        "--message-format",
        "json",
        "--costs",
        "uncalibrated/costs.json",
    ];
    all.extend_from_slice(args);
    let (_, out) = run(&all);
    let mut lines: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    lines.pop().expect("build-finished");
    lines
}

#[test]
fn sort_by_cost_puts_the_dearest_call_first_and_the_unpriced_last() {
    let by_position = showcase_json(&[]);
    let by_cost = showcase_json(&["--sort", "cost"]);
    assert_eq!(by_cost.len(), by_position.len());
    let cost = |line: &serde_json::Value| line["message"]["estimate"]["cost_ns"].as_f64();
    let costs: Vec<Option<f64>> = by_cost.iter().map(cost).collect();
    let priced = costs.iter().take_while(|cost| cost.is_some()).count();
    assert!(priced >= 10, "{costs:?}");
    assert!(costs[priced..].iter().all(Option::is_none), "{costs:?}");
    assert!(
        costs[..priced].windows(2).all(|pair| pair[0] >= pair[1]),
        "{costs:?}"
    );
    // A thousand thread starts a call come before one.
    let spawns: Vec<&str> = by_cost
        .iter()
        .take(2)
        .map(|line| line["message"]["code"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(spawns, ["contention::thread_spawn_per_task"; 2]);
    assert_eq!(by_cost[0]["message"]["estimate"]["iterations"], 1000);
    // The unpriced keep their order of position, as do findings of equal cost.
    let unpriced = |lines: &[serde_json::Value]| -> Vec<serde_json::Value> {
        lines
            .iter()
            .filter(|line| cost(line).is_none())
            .map(|line| line["message"]["spans"][0].clone())
            .collect()
    };
    assert_eq!(unpriced(&by_cost), unpriced(&by_position));
}

#[test]
fn statistics_add_up_the_estimates_per_lint() {
    let (_, out) = run(&[
        "check",
        "test-fixtures/showcase",
        "--statistics",
        "--costs",
        "uncalibrated/costs.json",
    ]);
    let reference = contention_bench::Costs::reference();
    let duration = |name: &str, times: f64| {
        cargo_contention::estimate::duration(reference.figure(name).unwrap().value * times)
    };
    let row = |lint: &str| {
        out.lines()
            .find(|line| line.split_whitespace().nth(2) == Some(lint))
            .unwrap_or_else(|| panic!("no row for {lint} in\n{out}"))
            .to_owned()
    };
    // One finding, a lock every core takes.
    assert!(
        row("mutex_scalar").ends_with(&format!(
            "  about {} a call",
            duration("mutex_contended", 1.0)
        )),
        "{out}"
    );
    // Two findings, each a clone and a drop on a counter both cores share.
    assert!(
        row("arc_clone_in_hot_loop").ends_with(&format!(
            "  about {} a call",
            duration("atomic_rmw_shared_line_2_threads", 4.0)
        )),
        "{out}"
    );
    // Nothing to price.
    assert!(row("single_lock_map").ends_with("single_lock_map"), "{out}");
    let total = out.lines().find(|line| line.contains(" total ")).unwrap();
    assert!(total.ends_with(" findings)"), "{total}");
    assert!(
        out.contains(&format!(
            "summed; reference figures from {}",
            contention_bench::calibrate::REFERENCE_MACHINE
        )),
        "{out}"
    );
}
