//! `explain` and `lints`: the registry's documentation as people and tools read it.

use contention_lints::registry;

use crate::common::{binary, stdout_of};

#[test]
fn explain_prints_the_lint_page_by_name_or_code() {
    for lint in registry::all() {
        let by_name = stdout_of(&binary(&["explain", lint.name]), 0);
        assert_eq!(by_name.trim_end(), lint.docs.trim_end());
        let by_code = stdout_of(&binary(&["contention", "explain", &lint.code()]), 0);
        assert_eq!(by_code, by_name);
    }
}

#[test]
fn explain_of_an_unknown_lint_is_a_one_line_error() {
    let output = binary(&["explain", "no_such_lint"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: unknown lint `no_such_lint`\n"
    );
}

#[test]
fn lints_lists_name_level_and_summary() {
    let out = stdout_of(&binary(&["lints"]), 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), registry::all().len());
    let summary_column = lines[0].find(registry::all()[0].summary).unwrap();
    for (line, lint) in lines.iter().zip(registry::all()) {
        let fields: Vec<&str> = line.split_whitespace().take(2).collect();
        assert_eq!(fields, [lint.name, lint.default_level.as_str()]);
        assert!(line.ends_with(lint.summary), "{line}");
        assert_eq!(line.find(lint.summary), Some(summary_column), "aligned");
    }
}

#[test]
fn lints_as_json() {
    let out = stdout_of(&binary(&["lints", "--format", "json"]), 0);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(listed.len(), registry::all().len());
    for (entry, lint) in listed.iter().zip(registry::all()) {
        assert_eq!(entry["name"], lint.name);
        assert_eq!(entry["code"], lint.code());
        assert_eq!(entry["default_level"], lint.default_level.as_str());
        assert_eq!(entry["summary"], lint.summary);
        assert_eq!(entry["explanation"], lint.docs);
    }
}
