//! The markdown summary of a lintcheck run: findings and precision per lint (from the
//! verdicts), findings per crate, parse errors, open false positives, findings nobody has
//! judged yet, and what the run cost.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

use crate::record::{Judged, Verdict};

/// What a run measured of itself.
#[derive(Debug, Clone, Default)]
pub struct RunFacts {
    /// Packages checked, and how many of them are the corpus's named crates.
    pub packages: usize,
    pub named: usize,
    pub files: usize,
    pub lines: usize,
    pub wall: Duration,
    /// CPU time of this process (user and system).
    pub cpu: Duration,
    /// CPU time of the `cargo metadata` processes it ran.
    pub children_cpu: Duration,
    /// Peak resident memory of this process, in bytes.
    pub peak_rss: u64,
    /// Packages whose check panicked, with the panic's message.
    pub panics: Vec<(String, String)>,
    /// Packages that could not be checked (cargo metadata failed), with the error.
    pub failures: Vec<(String, String)>,
    /// The packages that took longest to check (wall time, metadata included), slowest first.
    pub slowest: Vec<(Duration, String)>,
}

/// Counts of one lint's findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    findings: usize,
    default_view: usize,
    tp: usize,
    fp: usize,
    debatable: usize,
    unjudged: usize,
    /// True and false positives in the default view.
    default_tp: usize,
    default_fp: usize,
}

impl Counts {
    fn add(&mut self, judged: &Judged) {
        self.findings += 1;
        let default = judged.finding.in_default_view();
        self.default_view += usize::from(default);
        match judged.verdict {
            Verdict::Tp => {
                self.tp += 1;
                self.default_tp += usize::from(default);
            }
            Verdict::Fp => {
                self.fp += 1;
                self.default_fp += usize::from(default);
            }
            Verdict::Debatable => self.debatable += 1,
            Verdict::Unjudged => self.unjudged += 1,
        }
    }
}

/// True positives over findings judged true or false: debatable ones are left out.
fn precision(tp: usize, fp: usize) -> String {
    match tp + fp {
        0 => "–".to_owned(),
        judged => format!("{:.2}", tp as f64 / judged as f64),
    }
}

/// The per-lint table: findings (every target), those a default run reports, the verdicts and
/// precision. The README quotes it.
pub fn lint_table(judged: &[Judged]) -> String {
    let mut per_lint: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut total = Counts::default();
    for j in judged {
        per_lint.entry(&j.finding.lint).or_default().add(j);
        total.add(j);
    }
    let mut out = String::from(
        "| lint | findings | default view | tp | fp | debatable | unjudged | precision | precision, default view |\n\
         |---|--:|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    let mut row = |name: &str, c: &Counts| {
        writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.findings,
            c.default_view,
            c.tp,
            c.fp,
            c.debatable,
            c.unjudged,
            precision(c.tp, c.fp),
            precision(c.default_tp, c.default_fp)
        )
        .unwrap();
    };
    for (lint, counts) in &per_lint {
        row(&format!("`{lint}`"), counts);
    }
    row("all", &total);
    out
}

/// The whole summary of a run whose findings, with their verdicts, are `judged`.
pub fn render(facts: &RunFacts, judged: &[Judged]) -> String {
    let mut out = String::from("# lintcheck\n\n");
    writeln!(
        out,
        "{} packages ({} named crates), {} files, {} lines, checked with `--all-targets -W all`.",
        facts.packages, facts.named, facts.files, facts.lines
    )
    .unwrap();
    writeln!(
        out,
        "Wall {:.1} s, CPU {:.1} s (and {:.1} s in `cargo metadata`), peak memory {} MB.\n",
        facts.wall.as_secs_f64(),
        facts.cpu.as_secs_f64(),
        facts.children_cpu.as_secs_f64(),
        facts.peak_rss / 1_000_000
    )
    .unwrap();
    if !facts.slowest.is_empty() {
        let slowest: Vec<String> = facts
            .slowest
            .iter()
            .map(|(took, id)| format!("{id} {:.1} s", took.as_secs_f64()))
            .collect();
        writeln!(out, "Slowest packages: {}.\n", slowest.join(", ")).unwrap();
    }
    if facts.panics.is_empty() {
        out.push_str("No panic.\n\n");
    } else {
        out.push_str("## Panics (the run fails)\n\n");
        for (krate, message) in &facts.panics {
            writeln!(out, "- {krate}: {message}").unwrap();
        }
        out.push('\n');
    }
    out.push_str("## Per lint\n\n\"default view\": what `check` reports without target flags (library, binaries, build script). Precision is tp / (tp + fp): debatable findings are left out of it; the last column counts the default view only.\n\n");
    out.push_str(&lint_table(judged));
    out.push_str("\n## Per crate\n\n| crate | findings | default view |\n|---|--:|--:|\n");
    let mut per_crate: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for j in judged {
        let entry = per_crate.entry(j.finding.crate_id()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(j.finding.in_default_view());
    }
    for (krate, (all, default)) in &per_crate {
        writeln!(out, "| {krate} | {all} | {default} |").unwrap();
    }
    let list = |out: &mut String, title: &str, entries: Vec<&Judged>| {
        writeln!(out, "\n## {title} ({})\n", entries.len()).unwrap();
        for j in entries {
            let f = &j.finding;
            write!(
                out,
                "- `{}` {} `{}:{}:{}` ({}): {}",
                f.lint,
                f.crate_id(),
                f.path,
                f.line,
                f.column,
                f.kind,
                f.message
            )
            .unwrap();
            if !j.reason.is_empty() {
                write!(out, " — {}", j.reason).unwrap();
            }
            out.push('\n');
        }
    };
    list(
        &mut out,
        "Parse errors",
        judged
            .iter()
            .filter(|j| j.finding.lint == "parse_error")
            .collect(),
    );
    list(
        &mut out,
        "Open false positives",
        judged.iter().filter(|j| j.verdict == Verdict::Fp).collect(),
    );
    list(
        &mut out,
        "Not judged yet",
        judged
            .iter()
            .filter(|j| j.verdict == Verdict::Unjudged)
            .collect(),
    );
    if !facts.failures.is_empty() {
        writeln!(out, "\n## Not checked ({})\n", facts.failures.len()).unwrap();
        for (krate, error) in &facts.failures {
            writeln!(out, "- {krate}: {error}").unwrap();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Finding;

    fn judged(lint: &str, kind: &str, verdict: Verdict) -> Judged {
        Judged {
            finding: Finding {
                lint: lint.into(),
                krate: "sled".into(),
                version: "0.34.7".into(),
                path: "src/lib.rs".into(),
                line: 1,
                column: 1,
                kind: kind.into(),
                message: "m".into(),
            },
            verdict,
            reason: "because".into(),
        }
    }

    #[test]
    fn precision_leaves_out_debatable_and_unjudged_findings() {
        let entries = [
            judged("over_copy", "lib", Verdict::Tp),
            judged("over_copy", "test", Verdict::Tp),
            judged("over_copy", "lib", Verdict::Fp),
            judged("over_copy", "bench", Verdict::Debatable),
            judged("over_copy", "lib", Verdict::Unjudged),
            judged("mutex_scalar", "bin", Verdict::Debatable),
        ];
        let table = lint_table(&entries);
        assert!(
            table.contains("| `over_copy` | 5 | 3 | 2 | 1 | 1 | 1 | 0.67 | 0.50 |"),
            "{table}"
        );
        assert!(
            table.contains("| `mutex_scalar` | 1 | 1 | 0 | 0 | 1 | 0 | – | – |"),
            "{table}"
        );
        assert!(
            table.contains("| all | 6 | 4 | 2 | 1 | 2 | 1 | 0.67 | 0.50 |"),
            "{table}"
        );
    }

    #[test]
    fn the_summary_lists_what_needs_attention() {
        let entries = [
            judged("over_copy", "lib", Verdict::Fp),
            judged("parse_error", "test", Verdict::Tp),
            judged("seqcst_counter", "lib", Verdict::Unjudged),
        ];
        let facts = RunFacts {
            packages: 3,
            named: 1,
            panics: vec![("bad@1.0.0".into(), "index out of bounds".into())],
            ..RunFacts::default()
        };
        let text = render(&facts, &entries);
        assert!(text.contains("## Panics (the run fails)\n\n- bad@1.0.0: index out of bounds"));
        assert!(text.contains("## Parse errors (1)\n\n- `parse_error` sled@0.34.7"));
        assert!(text.contains("## Open false positives (1)\n\n- `over_copy`"));
        assert!(text.contains("## Not judged yet (1)\n\n- `seqcst_counter`"));
        assert!(text.contains("| sled@0.34.7 | 3 | 2 |"));
    }
}
