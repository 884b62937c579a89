//! `--message-format sarif`: valid against the official SARIF 2.1.0 schema, one rule per lint
//! with its documentation, results located relative to the workspace root.

use std::fs;

use contention_lints::registry;
use serde_json::Value;

use crate::common::{binary, marked, repo, stdout_of};

/// The SARIF log of a run of the binary (exit status `status`).
fn sarif(args: &[&str], status: i32) -> Value {
    let mut all = vec!["check", "--message-format", "sarif"];
    all.extend_from_slice(args);
    let out = stdout_of(&binary(&all), status);
    serde_json::from_str(&out).expect("one JSON document")
}

/// The official SARIF 2.1.0 schema, as copied verbatim into `src/tests/data`, made acceptable
/// to a strict ECMA-262 regex parser: the pattern of `language` (of a run and of a tool
/// component) has a lone `]`, which only
/// the legacy (non-Unicode) regex syntax reads as a literal, and the validator checks every
/// pattern as a Unicode regex before it compiles the schema. The `]` is escaped, which keeps
/// the pattern's legacy meaning; this tool never writes a `language` anyway.
fn schema() -> Value {
    let text = fs::read_to_string(repo().join("src/tests/data/sarif-schema-2.1.0.json")).unwrap();
    let lone_bracket = "[a-zA-Z]{2}]?$";
    assert_eq!(text.matches(lone_bracket).count(), 2, "the schema changed");
    let text = text.replace(lone_bracket, "[a-zA-Z]{2}\\\\]?$");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// Validates `log` against the official schema, with `format` keywords (URIs) checked too.
fn assert_valid(log: &Value) {
    let schema = schema();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
}

#[test]
fn showcase_log_is_valid_sarif() {
    let log = sarif(&["test-fixtures/showcase"], 1);
    assert_valid(&log);
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= registry::all().len());
}

#[test]
fn a_clean_run_is_valid_with_no_results() {
    let log = sarif(&["test-fixtures/workspace"], 0);
    assert_valid(&log);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn the_schema_check_can_fail() {
    let mut log = sarif(&["test-fixtures/over_copy"], 0);
    log["runs"][0]["results"][0]["level"] = "severe".into();
    assert!(!jsonschema::is_valid(&schema(), &log));
}

#[test]
fn every_lint_is_a_rule_with_its_documentation() {
    let log = sarif(&["test-fixtures/over_copy"], 0);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "cargo-contention");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), registry::all().len());
    for (rule, lint) in rules.iter().zip(registry::all()) {
        assert_eq!(rule["id"], lint.code());
        assert_eq!(rule["name"], lint.name);
        assert_eq!(rule["shortDescription"]["text"], lint.summary);
        assert_eq!(
            rule["fullDescription"]["text"],
            lint.doc_section("What it does")
        );
        assert_eq!(rule["help"]["markdown"], lint.docs);
        let uri = rule["helpUri"].as_str().unwrap();
        assert!(
            uri.ends_with(&format!("/lints/src/rules/{}.md", lint.name)),
            "{uri}"
        );
        assert_eq!(
            rule["defaultConfiguration"]["enabled"],
            lint.default_level != contention_lints::Level::Allow
        );
    }
}

#[test]
fn results_point_at_the_primary_span_relative_to_the_workspace_root() {
    let log = sarif(&["test-fixtures/over_copy"], 0);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    let expected_root = format!(
        "file://{}/",
        repo().join("test-fixtures/over_copy").display()
    );
    assert_eq!(root, expected_root);
    let text = fs::read_to_string(repo().join("test-fixtures/over_copy/src/lib.rs")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), marked("over_copy", "over_copy"));
    for result in results {
        assert_eq!(result["ruleId"], "contention::over_copy");
        let rules = &run["tool"]["driver"]["rules"];
        assert_eq!(
            rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
            result["ruleId"]
        );
        assert_eq!(result["level"], "warning");
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "src/lib.rs");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &location["region"];
        let line = region["startLine"].as_u64().unwrap() as usize;
        assert_eq!(region["endLine"], region["startLine"]);
        // Every flagged line in the fixture carries a `//~ over_copy` marker.
        assert!(
            lines[line - 1].contains("//~ over_copy"),
            "{}",
            lines[line - 1]
        );
        let (start, end) = (
            region["startColumn"].as_u64().unwrap() as usize,
            region["endColumn"].as_u64().unwrap() as usize,
        );
        let flagged: String = lines[line - 1]
            .chars()
            .skip(start - 1)
            .take(end - start)
            .collect();
        assert!(
            flagged.contains("clone") || flagged.contains("to_vec"),
            "{flagged}"
        );
        let fingerprint = result["partialFingerprints"]["contentionFingerprint/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fingerprint.len(), 64);
    }
    let fingerprints: std::collections::HashSet<&Value> =
        results.iter().map(|r| &r["partialFingerprints"]).collect();
    assert_eq!(fingerprints.len(), results.len(), "fingerprints are unique");
}

#[test]
fn machine_applicable_suggestions_become_fixes() {
    let log = sarif(&["test-fixtures/over_copy"], 0);
    let with_fix: Vec<&Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("fixes").is_some())
        .collect();
    assert!(!with_fix.is_empty());
    let change = &with_fix[0]["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "src/lib.rs");
    assert!(change["replacements"][0]["deletedRegion"]["startLine"].is_u64());
}

#[test]
fn results_carry_their_estimate_in_properties() {
    let log = sarif(
        &[
            "test-fixtures/showcase",
            "--costs",
            "uncalibrated/costs.json",
        ],
        1,
    );
    assert_valid(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let rule = |result: &Value| result["ruleId"].as_str().unwrap().to_owned();
    let estimated: Vec<String> = results
        .iter()
        .filter(|result| !result["properties"]["estimate"].is_null())
        .map(rule)
        .collect();
    // Every finding whose cost has a model, and no other.
    for result in results {
        let estimate = &result["properties"]["estimate"];
        let lint = rule(result);
        let unpriced = [
            "single_lock_map",
            "guard_across_blocking",
            "atomic_ptr_to_local",
            "parse_error",
            "alloc_under_lock",
        ]
        .map(|name| format!("contention::{name}"));
        assert_eq!(estimate.is_null(), unpriced.contains(&lint), "{lint}");
        if estimate.is_null() {
            continue;
        }
        assert!(estimate["alone_ns"].as_f64().is_some_and(|ns| ns > 0.0));
        assert_eq!(estimate["source"], "reference");
        // The message shows the note, as the other formats do.
        let note = estimate["note"].as_str().unwrap();
        assert!(
            result["message"]["text"]
                .as_str()
                .unwrap()
                .contains(&format!("note: {note}")),
            "{lint}"
        );
        assert_eq!(result["properties"]["targetKind"], "lib");
    }
    assert!(estimated.len() >= 10, "{estimated:?}");
}
