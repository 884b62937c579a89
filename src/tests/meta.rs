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

/// A throughput as the pages' tables write it: `243M/s`, `1.2G/s`, `7.4k/s`.
fn rate(text: &str) -> f64 {
    let number = text.strip_suffix("/s").expect("a rate");
    let (digits, scale) = match number.char_indices().last() {
        Some((at, 'k')) => (&number[..at], 1e3),
        Some((at, 'M')) => (&number[..at], 1e6),
        Some((at, 'G')) => (&number[..at], 1e9),
        _ => (number, 1.0),
    };
    digits.parse::<f64>().expect("a number") * scale
}

/// The `before` throughput at `threads` threads in a page's table of the full run.
fn before_rate(measured: &str, threads: usize) -> Option<f64> {
    let row = format!("| {threads} | ");
    let line = measured.lines().find(|line| line.starts_with(&row))?;
    Some(rate(line.split('|').nth(2)?.trim()))
}

#[test]
fn every_measured_section_has_its_napkin_math() {
    assert_eq!(rate("243M/s"), 243e6);
    assert_eq!(rate("1.2G/s"), 1.2e9);
    assert_eq!(rate("7.4k/s"), 7400.0);
    for pair in contention_bench::pairs() {
        let lint = registry::find(pair.lint()).expect("a lint");
        let measured = lint.doc_section(MEASURED);
        let rates: Vec<(usize, f64)> = [1, 2]
            .into_iter()
            .map(|threads| {
                let rate = before_rate(measured, threads)
                    .unwrap_or_else(|| panic!("{}: no row for {threads} threads", lint.name));
                (threads, rate)
            })
            .collect();
        let lines: Vec<&str> = measured
            .lines()
            .filter(|line| line.starts_with("Napkin math"))
            .collect();
        assert_eq!(lines.len(), 1, "{}: one napkin-math line", lint.name);
        match cargo_contention::proof::napkin_line(pair, &rates) {
            // The estimate the finding gets with the reference figures, against the table.
            Some(expected) => assert_eq!(lines[0], expected, "{}", lint.name),
            // Its finding carries no cost: the line says why.
            None => assert!(
                lines[0].starts_with("Napkin math: none, "),
                "{}: {}",
                lint.name,
                lines[0]
            ),
        }
    }
}
