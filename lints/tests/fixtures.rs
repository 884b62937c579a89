//! The fixture crates under `test-fixtures/`, checked by the analysis itself: every package's
//! findings must be exactly the `//~ lint_name` markers written on the flagged lines, and the
//! whole of what each finding says (message, labels, notes, help, suggestion, the input of its
//! cost note) is pinned by an insta snapshot per package, so that a change of wording or of a
//! span shows in review.
//!
//! A package's targets are found as cargo finds them when the manifest names none:
//! `src/lib.rs`, `src/main.rs`, `src/bin/*.rs`, `src/bin/*/main.rs`, `tests/*.rs`,
//! `examples/*.rs`, `benches/*.rs` and `build.rs`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use contention_lints::{CrateFiles, CrateInfo, CrateReport, Diagnostic, Edition, check_files};

/// (file relative to the package, 1-based line, lint) -> how many findings.
type Findings = BTreeMap<(String, usize, String), usize>;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-fixtures")
}

/// Every package directory under `test-fixtures/` (workspace members included), sorted.
fn packages() -> Vec<PathBuf> {
    let mut packages = Vec::new();
    let mut pending = vec![fixtures_dir()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if !path.is_dir() || name == "target" || name.to_string_lossy().starts_with('.') {
                continue;
            }
            // `config/` is about levels and exclusions, which the command applies.
            if name == "config" {
                continue;
            }
            if path.join("Cargo.toml").is_file() && path.join("src").is_dir() {
                packages.push(path.clone());
            }
            pending.push(path);
        }
    }
    packages.sort();
    packages
}

/// The `.rs` files directly in `dir`, sorted.
fn rust_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// The package's target roots, by cargo's conventions.
fn roots(package: &Path) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    for file in ["src/lib.rs", "src/main.rs", "build.rs"] {
        if package.join(file).is_file() {
            roots.push(package.join(file));
        }
    }
    for dir in ["src/bin", "tests", "examples", "benches"] {
        roots.extend(rust_files_in(&package.join(dir)));
        // `src/bin/tool/main.rs`, `tests/it/main.rs`
        if let Ok(entries) = fs::read_dir(package.join(dir)) {
            let mut nested: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path().join("main.rs"))
                .filter(|p| p.is_file())
                .collect();
            nested.sort();
            roots.extend(nested);
        }
    }
    roots
}

fn edition(package: &Path) -> Edition {
    let manifest = fs::read_to_string(package.join("Cargo.toml")).unwrap_or_default();
    manifest
        .lines()
        .find_map(|line| {
            let value = line
                .trim()
                .strip_prefix("edition")?
                .trim()
                .strip_prefix('=')?;
            Edition::parse(value.trim().trim_matches('"'))
        })
        .unwrap_or_default()
}

fn check(package: &Path) -> CrateReport {
    let loader = |path: &Path| -> io::Result<String> {
        if path.is_dir() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "a directory"));
        }
        fs::read_to_string(path)
    };
    let info = CrateInfo {
        name: package.file_name().unwrap().to_string_lossy().into_owned(),
        edition: edition(package),
        ..CrateInfo::default()
    };
    check_files(&info, CrateFiles::ModuleTree(roots(package)), &loader)
}

fn relative(path: &Path, base: &Path) -> String {
    let path = path.strip_prefix(base).unwrap_or(path);
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// 1-based line and character column of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Everything one finding says, in a plain layout close to rustc's.
fn render(report: &CrateReport, package: &Path, d: &Diagnostic) -> String {
    let place = |file: usize, offset: usize| {
        let f = &report.files[file];
        let (line, column) = position(&f.text, offset);
        format!("{}:{line}:{column}", relative(&f.path, package))
    };
    let text = &report.files[d.file].text;
    let mut out = String::new();
    writeln!(out, "{}[{}]: {}", d.level, d.lint.name, d.message).unwrap();
    writeln!(out, "  --> {}", place(d.file, d.span.start)).unwrap();
    let flagged = text
        .get(d.span.start..d.span.end.min(text.len()))
        .unwrap_or("");
    let flagged: String = flagged
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(80)
        .collect();
    writeln!(out, "   | `{flagged}`: {}", d.label).unwrap();
    for label in &d.labels {
        writeln!(
            out,
            "   | also {}: {}",
            place(label.file, label.span.start),
            label.text
        )
        .unwrap();
    }
    for note in &d.notes {
        // Notes name paths of this machine's checkout (the call chain): keep them relative.
        let base = format!("{}/", package.display());
        writeln!(out, "   = note: {}", note.replace(&base, "")).unwrap();
    }
    if let Some(help) = &d.help {
        writeln!(out, "   = help: {help}").unwrap();
    }
    if let Some(cost) = &d.cost {
        let times = cost
            .iterations
            .map_or_else(String::new, |n| format!(", {n} a call"));
        writeln!(
            out,
            "   = cost: {:?} per {}{times}",
            cost.work,
            cost.per.noun()
        )
        .unwrap();
    }
    if let Some(s) = &d.suggestion {
        writeln!(
            out,
            "   = suggestion ({}): {}",
            s.applicability.as_str(),
            s.message
        )
        .unwrap();
        for edit in &s.edits {
            writeln!(
                out,
                "     at {}: `{}`",
                place(d.file, edit.span.start),
                edit.replacement
            )
            .unwrap();
        }
    }
    out
}

/// The `//~` markers of every `.rs` file of the package at `package` (not of packages nested
/// in it, which are checked on their own).
fn markers(package: &Path) -> Findings {
    let mut expected = Findings::new();
    let mut pending = vec![package.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" && !path.join("Cargo.toml").is_file() {
                    pending.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let bytes = fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for (index, line) in text.lines().enumerate() {
                for lint in line_markers(line) {
                    *expected
                        .entry((relative(&path, package), index + 1, lint))
                        .or_default() += 1;
                }
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

/// The findings of a report, keyed as the markers are.
fn found(report: &CrateReport, package: &Path) -> Findings {
    let mut found = Findings::new();
    for d in &report.diagnostics {
        let file = &report.files[d.file];
        let (line, _) = position(&file.text, d.span.start);
        *found
            .entry((relative(&file.path, package), line, d.lint.name.to_owned()))
            .or_default() += 1;
    }
    found
}

/// The markers without a finding and the findings without a marker, one per line.
fn mismatches(package: &str, expected: &Findings, actual: &Findings) -> String {
    let mut out = String::new();
    let keys: std::collections::BTreeSet<_> = expected.keys().chain(actual.keys()).collect();
    for key @ (file, line, lint) in keys {
        let want = expected.get(key).copied().unwrap_or(0);
        let got = actual.get(key).copied().unwrap_or(0);
        let at = format!("{package}/{file}:{line}");
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
fn every_fixture_reports_exactly_its_markers_and_says_what_its_snapshot_says() {
    let packages = packages();
    assert!(packages.len() > 15, "fixtures found: {packages:?}");
    let mut failures = String::new();
    for package in &packages {
        let name = relative(package, &fixtures_dir());
        let report = check(package);
        failures.push_str(&mismatches(
            &name,
            &markers(package),
            &found(&report, package),
        ));
        let rendered: String = report
            .diagnostics
            .iter()
            .map(|d| render(&report, package, d) + "\n")
            .collect();
        let snapshot = format!("fixture__{}", name.replace('/', "__"));
        insta::assert_snapshot!(snapshot, rendered);
    }
    assert!(
        failures.is_empty(),
        "fixtures disagree with their markers:\n{failures}"
    );
}

#[test]
fn markers_are_read_from_comments() {
    assert_eq!(line_markers("let x = 1; //~ over_copy"), ["over_copy"]);
    assert_eq!(
        line_markers("f(); //~ a_lint, other_lint //~ third"),
        ["a_lint", "other_lint", "third"]
    );
    assert_eq!(line_markers("//~ lint_a because of x, y"), ["lint_a"]);
    assert!(line_markers("let x = 1; // no marker").is_empty());
}

#[test]
fn mismatches_name_file_line_and_lint() {
    let key = |line: usize| ("src/lib.rs".to_owned(), line, "over_copy".to_owned());
    let expected = Findings::from([(key(3), 1)]);
    let actual = Findings::from([(key(4), 1)]);
    let report = mismatches("x", &expected, &actual);
    assert!(
        report.contains("missing     x/src/lib.rs:3: over_copy"),
        "{report}"
    );
    assert!(
        report.contains("unexpected  x/src/lib.rs:4: over_copy"),
        "{report}"
    );
}
