//! The fixture harness: every crate under `test-fixtures/` is checked with every lint at least
//! at warn (`-W all`) and every target (`--all-targets`), and its findings must be exactly the `//~ lint_name` markers written on
//! the flagged lines (`//~ a, b` or several markers for several findings on one line).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::fs;
use std::path::Path;

use walkdir::WalkDir;

use crate::common::{check, relative, repo};

/// (file relative to the fixture, 1-based line, lint) -> how many findings.
type Findings = BTreeMap<(String, usize, String), usize>;

#[test]
fn every_fixture_reports_exactly_its_markers() {
    let root = repo().join("test-fixtures");
    let mut fixtures: Vec<_> = fs::read_dir(&root)
        .expect("test-fixtures/ exists")
        .map(|entry| entry.expect("readable fixture directory").path())
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .collect();
    fixtures.sort();
    assert!(
        !fixtures.is_empty(),
        "no fixture crate under {}",
        root.display()
    );
    let mut failures = String::new();
    for dir in &fixtures {
        let name = relative(dir, repo());
        let expected = markers(dir);
        match actual(dir) {
            Err(error) => writeln!(failures, "{name}: the check failed: {error}").unwrap(),
            Ok(actual) => failures.push_str(&mismatches(&name, &expected, &actual)),
        }
    }
    assert!(
        failures.is_empty(),
        "fixtures disagree with their markers:\n{failures}"
    );
}

/// The findings of `check --workspace --all-targets -W all` on the fixture at `dir`.
fn actual(dir: &Path) -> Result<Findings, cargo_contention::Error> {
    let manifest = dir.join("Cargo.toml");
    let report = check(&[
        "check",
        "--manifest-path",
        manifest.to_str().expect("UTF-8 fixture path"),
        "--workspace",
        "--all-targets",
        "-W",
        "all",
    ])?;
    let mut findings = Findings::new();
    for unit in &report.units {
        for diagnostic in &unit.diagnostics {
            let file = unit.files.get(diagnostic.file);
            let line = file.position(diagnostic.span.start).line;
            let key = (
                relative(&file.path, dir),
                line,
                diagnostic.lint.name.to_owned(),
            );
            *findings.entry(key).or_default() += 1;
        }
    }
    Ok(findings)
}

/// The `//~` markers of every `.rs` file under `dir` (files that are not UTF-8 included).
fn markers(dir: &Path) -> Findings {
    let mut expected = Findings::new();
    let files = WalkDir::new(dir)
        .into_iter()
        .filter_entry(|entry| entry.file_name() != "target")
        .map(|entry| entry.expect("readable fixture file"))
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "rs"));
    for entry in files {
        let bytes = fs::read(entry.path()).expect("readable fixture file");
        let text = String::from_utf8_lossy(&bytes);
        let file = relative(entry.path(), dir);
        for (index, line) in text.lines().enumerate() {
            for lint in line_markers(line) {
                *expected.entry((file.clone(), index + 1, lint)).or_default() += 1;
            }
        }
    }
    expected
}

/// The lint names of the `//~` markers in one line: `//~ name` or `//~ a, b`, then anything.
fn line_markers(line: &str) -> Vec<String> {
    let mut names = Vec::new();
    for marker in line.split("//~").skip(1) {
        let mut rest = marker;
        loop {
            rest = rest.trim_start();
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end == 0 {
                break;
            }
            names.push(rest[..end].to_owned());
            match rest[end..].trim_start().strip_prefix(',') {
                Some(after_comma) => rest = after_comma,
                None => break,
            }
        }
    }
    names
}

/// The markers without a finding and the findings without a marker, one per line.
fn mismatches(fixture: &str, expected: &Findings, actual: &Findings) -> String {
    let mut out = String::new();
    let keys: std::collections::BTreeSet<_> = expected.keys().chain(actual.keys()).collect();
    for key @ (file, line, lint) in keys {
        let want = expected.get(key).copied().unwrap_or(0);
        let got = actual.get(key).copied().unwrap_or(0);
        let at = format!("{fixture}/{file}:{line}");
        if got < want {
            writeln!(
                out,
                "  missing     {at}: {lint} (marked {want}, found {got})"
            )
            .unwrap();
        } else if got > want {
            writeln!(
                out,
                "  unexpected  {at}: {lint} (marked {want}, found {got})"
            )
            .unwrap();
        }
    }
    out
}

#[test]
fn markers_are_read_from_comments() {
    assert_eq!(line_markers("let x = 1; //~ over_copy"), ["over_copy"]);
    assert_eq!(
        line_markers("f(); //~ a_lint, other_lint //~ third"),
        ["a_lint", "other_lint", "third"]
    );
    assert_eq!(line_markers("//~ parse_error"), ["parse_error"]);
    assert_eq!(line_markers("//~ lint_a because of x, y"), ["lint_a"]);
    assert!(line_markers("let x = 1; // no marker").is_empty());
}

#[test]
fn mismatches_name_file_line_and_lint() {
    let key = |line: usize| ("src/lib.rs".to_owned(), line, "over_copy".to_owned());
    let expected = Findings::from([(key(3), 1)]);
    let actual = Findings::from([(key(4), 1)]);
    let report = mismatches("test-fixtures/x", &expected, &actual);
    assert!(
        report.contains("missing     test-fixtures/x/src/lib.rs:3: over_copy"),
        "{report}"
    );
    assert!(
        report.contains("unexpected  test-fixtures/x/src/lib.rs:4: over_copy"),
        "{report}"
    );
}
