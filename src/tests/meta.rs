//! Meta-tests, as clippy has them: every lint has its README row (matching the registry), its
//! fixture crate with markers, and every section of its documentation page.

use std::fs;
use std::path::Path;

use contention_lints::registry;

const SECTIONS: &[&str] = &[
    "What it does",
    "Why is this bad?",
    "Known problems",
    "Example",
    "Use instead",
    "Fix safety",
    "References",
];

/// Every lint with a paired benchmark quotes its figures.
const MEASURED: &str = "Measured";

#[test]
fn every_lint_has_a_readme_row_matching_the_registry() {
    let readme = fs::read_to_string("README.md").expect("README.md");
    for lint in registry::all() {
        let row = format!(
            "| `{}` | {} | {} |",
            lint.name, lint.default_level, lint.summary
        );
        assert!(readme.contains(&row), "README.md lacks the row: {row}");
    }
}

#[test]
fn every_lint_page_has_every_section() {
    for lint in registry::all() {
        assert!(
            lint.docs.starts_with(&format!("# {}\n", lint.name)),
            "{}: page title",
            lint.name
        );
        for section in SECTIONS {
            assert!(
                !lint.doc_section(section).is_empty(),
                "{}: no `## {section}`",
                lint.name
            );
        }
        if contention_bench::pair(lint.name).is_some() {
            assert!(
                !lint.doc_section(MEASURED).is_empty(),
                "{}: no `## {MEASURED}`",
                lint.name
            );
        }
    }
}

#[test]
fn every_lint_has_a_fixture_with_markers_and_is_in_the_showcase() {
    let showcase = fs::read_dir("test-fixtures/showcase/src")
        .expect("showcase")
        .map(|e| fs::read_to_string(e.expect("entry").path()).expect("showcase file"))
        .collect::<String>();
    for lint in registry::all() {
        assert!(
            showcase.contains(&format!("//~ {}", lint.name))
                || showcase.contains(&format!(", {}", lint.name)),
            "the showcase does not trigger {}",
            lint.name
        );
        if lint.name == "parse_error" {
            continue;
        }
        let dir = Path::new("test-fixtures").join(lint.name);
        let marked = fs::read_dir(dir.join("src"))
            .unwrap_or_else(|_| panic!("no fixture crate {}", dir.display()))
            .any(|e| {
                fs::read_to_string(e.expect("entry").path())
                    .is_ok_and(|t| t.contains(&format!("//~ {}", lint.name)))
            });
        assert!(
            marked,
            "fixture {} has no `//~ {}` marker",
            dir.display(),
            lint.name
        );
    }
}
