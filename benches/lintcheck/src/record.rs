//! One finding on the corpus as lintcheck writes it, with its verdict, and the comparison of a
//! run's findings with the expected ones (added, removed, moved).
//!
//! A finding is one line of tab-separated fields, sorted so that two runs diff line by line:
//!
//! ```text
//! lint  crate@version  path:line:column  kind  message
//! ```
//!
//! The expected file adds two fields, the verdict (`tp`, `fp`, `debatable`, or `?` while nobody
//! has judged it) and its one-line reason: it is the corpus's triage log.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use anyhow::{Context, Result, bail};

/// Where and what: one finding of one run.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Finding {
    pub lint: String,
    /// The package's name.
    pub krate: String,
    pub version: String,
    /// The file, relative to the package's directory, with `/` separators.
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The kind of code (`lib`, `bin`, `test`, `bench`, `example`, `custom-build`).
    pub kind: String,
    pub message: String,
}

impl Finding {
    /// `crate@version`.
    pub fn crate_id(&self) -> String {
        format!("{}@{}", self.krate, self.version)
    }

    /// Whether a default run (library, binaries, build script) reports it.
    pub fn in_default_view(&self) -> bool {
        matches!(self.kind.as_str(), "lib" | "bin" | "custom-build")
    }

    /// What identifies a finding that moved: everything but its position and the crate's
    /// version, so that a line inserted above it or a newer release keeps its verdict.
    fn identity(&self) -> (&str, &str, &str, &str) {
        (&self.lint, &self.krate, &self.path, &self.message)
    }

    /// Where a finding is, whatever it says: a finding reworded by a change of its message
    /// keeps its verdict.
    fn place(&self) -> (&str, &str, &str, usize, usize) {
        (&self.lint, &self.krate, &self.path, self.line, self.column)
    }

    fn sort_key(&self) -> (&str, &str, &str, usize, usize, &str, &str) {
        (
            &self.krate,
            &self.version,
            &self.path,
            self.line,
            self.column,
            &self.lint,
            &self.message,
        )
    }

    /// Parses the five fields of a finding from `fields`.
    fn parse(fields: &[&str]) -> Result<Finding> {
        let [lint, krate, place, kind, message] = fields else {
            bail!("expected 5 tab-separated fields, found {}", fields.len());
        };
        let (name, version) = krate
            .rsplit_once('@')
            .with_context(|| format!("`{krate}` is not `crate@version`"))?;
        let mut place_parts = place.rsplitn(3, ':');
        let (Some(column), Some(line), Some(path)) =
            (place_parts.next(), place_parts.next(), place_parts.next())
        else {
            bail!("`{place}` is not `path:line:column`");
        };
        Ok(Finding {
            lint: (*lint).to_owned(),
            krate: name.to_owned(),
            version: version.to_owned(),
            path: path.to_owned(),
            line: line.parse().context("the line is not a number")?,
            column: column.parse().context("the column is not a number")?,
            kind: (*kind).to_owned(),
            message: (*message).to_owned(),
        })
    }
}

impl Ord for Finding {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Finding {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\t{}\t{}:{}:{}\t{}\t{}",
            self.lint,
            self.crate_id(),
            self.path,
            self.line,
            self.column,
            self.kind,
            self.message
        )
    }
}

/// What a person decided about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// A true positive: the shape is there and costs what the lint says.
    Tp,
    /// A false positive: a senior reviewer would dismiss it.
    Fp,
    /// Reasonable people disagree, or it is right but cannot matter.
    Debatable,
    /// Not judged yet.
    Unjudged,
}

impl Verdict {
    fn parse(text: &str) -> Result<Verdict> {
        Ok(match text {
            "tp" => Verdict::Tp,
            "fp" => Verdict::Fp,
            "debatable" => Verdict::Debatable,
            "?" => Verdict::Unjudged,
            other => bail!("unknown verdict `{other}` (expected tp, fp, debatable or ?)"),
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Verdict::Tp => "tp",
            Verdict::Fp => "fp",
            Verdict::Debatable => "debatable",
            Verdict::Unjudged => "?",
        }
    }
}

/// A finding of the expected file with its verdict and the reason for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub finding: Finding,
    pub verdict: Verdict,
    pub reason: String,
}

impl fmt::Display for Judged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\t{}\t{}",
            self.finding,
            self.verdict.as_str(),
            self.reason
        )
    }
}

/// The header of the expected file.
const EXPECTED_HEADER: &str = "\
# The findings of cargo-contention on the lintcheck corpus (`--all-targets -W all`), each with
# a verdict: tp, fp, debatable, or ? while nobody has judged it, and a one-line reason.
# Fields, tab-separated: lint, crate@version, path:line:column, kind of code, message,
# verdict, reason. Rewritten by `lintcheck --bless`, which keeps every verdict whose finding
# is still there (or moved); edit only the verdicts and reasons by hand.
";

/// Parses the expected file: comment lines start with `#`.
pub fn parse_expected(text: &str) -> Result<Vec<Judged>> {
    let mut judged = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let parsed = (|| {
            let [finding @ .., verdict, reason] = fields.as_slice() else {
                bail!("too few fields");
            };
            Ok(Judged {
                finding: Finding::parse(finding)?,
                verdict: Verdict::parse(verdict)?,
                reason: (*reason).to_owned(),
            })
        })();
        judged.push(parsed.with_context(|| format!("line {}", index + 1))?);
    }
    Ok(judged)
}

/// The expected file's text for these findings, sorted.
pub fn write_expected(judged: &[Judged]) -> String {
    let mut judged: Vec<&Judged> = judged.iter().collect();
    judged.sort_by(|a, b| a.finding.cmp(&b.finding));
    let mut out = EXPECTED_HEADER.to_owned();
    for j in judged {
        out.push_str(&j.to_string());
        out.push('\n');
    }
    out
}

/// The findings file of a run: one finding per line, sorted.
pub fn write_findings(findings: &[Finding]) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort();
    sorted.iter().map(|f| format!("{f}\n")).collect()
}

/// How a run's findings differ from the expected ones.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Found now, not expected.
    pub added: Vec<Finding>,
    /// Expected, not found now.
    pub removed: Vec<Judged>,
    /// Expected and found, at another place or in another version of the crate: (was, now).
    pub moved: Vec<(Judged, Finding)>,
    /// Expected and found at the same place, saying something else now: (was, now).
    pub reworded: Vec<(Judged, Finding)>,
    /// The expected finding of each finding of the run that has one, by the run's index.
    pub matched: BTreeMap<usize, usize>,
}

impl Diff {
    /// Whether the run found exactly what was expected.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.moved.is_empty()
            && self.reworded.is_empty()
    }

    /// The expected file for this run: its findings, each with the verdict of the expected
    /// finding it matches (the same, or moved), else unjudged.
    pub fn blessed(&self, expected: &[Judged], actual: &[Finding]) -> Vec<Judged> {
        actual
            .iter()
            .enumerate()
            .map(|(index, finding)| match self.matched.get(&index) {
                Some(&e) => Judged {
                    finding: finding.clone(),
                    verdict: expected[e].verdict,
                    reason: expected[e].reason.clone(),
                },
                None => Judged {
                    finding: finding.clone(),
                    verdict: Verdict::Unjudged,
                    reason: String::new(),
                },
            })
            .collect()
    }
}

/// Compares a run's findings with the expected ones: first the same findings, then those that
/// moved (the same lint, crate, file and message elsewhere), in order of position.
pub fn diff(expected: &[Judged], actual: &[Finding]) -> Diff {
    let mut matched = BTreeMap::new();
    let mut expected_used = vec![false; expected.len()];
    let mut by_finding: BTreeMap<&Finding, Vec<usize>> = BTreeMap::new();
    for (index, judged) in expected.iter().enumerate() {
        by_finding.entry(&judged.finding).or_default().push(index);
    }
    for list in by_finding.values_mut() {
        list.reverse();
    }
    for (index, finding) in actual.iter().enumerate() {
        if let Some(e) = by_finding.get_mut(finding).and_then(Vec::pop) {
            expected_used[e] = true;
            matched.insert(index, e);
        }
    }
    // The rest, paired by identity in order of position.
    let mut by_identity: BTreeMap<_, Vec<usize>> = BTreeMap::new();
    let mut rest_expected: Vec<usize> =
        (0..expected.len()).filter(|&e| !expected_used[e]).collect();
    rest_expected.sort_by(|&a, &b| expected[a].finding.cmp(&expected[b].finding));
    for &e in rest_expected.iter().rev() {
        by_identity
            .entry(expected[e].finding.identity())
            .or_default()
            .push(e);
    }
    let mut rest_actual: Vec<usize> = (0..actual.len())
        .filter(|i| !matched.contains_key(i))
        .collect();
    rest_actual.sort_by(|&a, &b| actual[a].cmp(&actual[b]));
    let mut diff = Diff::default();
    let mut unmatched = Vec::new();
    for index in rest_actual {
        let finding = &actual[index];
        match by_identity.get_mut(&finding.identity()).and_then(Vec::pop) {
            Some(e) => {
                expected_used[e] = true;
                matched.insert(index, e);
                diff.moved.push((expected[e].clone(), finding.clone()));
            }
            None => unmatched.push(index),
        }
    }
    // Then the same place saying something else.
    let mut by_place: BTreeMap<_, Vec<usize>> = BTreeMap::new();
    for (e, judged) in expected.iter().enumerate().rev() {
        if !expected_used[e] {
            by_place.entry(judged.finding.place()).or_default().push(e);
        }
    }
    for index in unmatched {
        let finding = &actual[index];
        match by_place.get_mut(&finding.place()).and_then(Vec::pop) {
            Some(e) => {
                expected_used[e] = true;
                matched.insert(index, e);
                diff.reworded.push((expected[e].clone(), finding.clone()));
            }
            None => diff.added.push(finding.clone()),
        }
    }
    diff.removed = expected
        .iter()
        .zip(&expected_used)
        .filter(|(_, used)| !**used)
        .map(|(judged, _)| judged.clone())
        .collect();
    diff.removed.sort_by(|a, b| a.finding.cmp(&b.finding));
    diff.matched = matched;
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(lint: &str, path: &str, line: usize, message: &str) -> Finding {
        Finding {
            lint: lint.into(),
            krate: "tokio".into(),
            version: "1.0.0".into(),
            path: path.into(),
            line,
            column: 5,
            kind: "lib".into(),
            message: message.into(),
        }
    }

    fn judged(finding: Finding, verdict: Verdict, reason: &str) -> Judged {
        Judged {
            finding,
            verdict,
            reason: reason.into(),
        }
    }

    #[test]
    fn the_expected_file_reads_back_what_it_wrote() {
        let entries = vec![
            judged(
                finding("over_copy", "src/a.rs", 3, "the whole `Vec<u8>` is copied"),
                Verdict::Tp,
                "copied per request",
            ),
            judged(
                finding(
                    "mutex_scalar",
                    "src/b:c.rs",
                    10,
                    "a `Mutex<u64>`: use an atomic",
                ),
                Verdict::Unjudged,
                "",
            ),
        ];
        let text = write_expected(&entries);
        assert!(text.starts_with("# The findings"));
        let mut sorted = entries.clone();
        sorted.sort_by(|a, b| a.finding.cmp(&b.finding));
        assert_eq!(parse_expected(&text).unwrap(), sorted);
        assert!(text.contains("\tsrc/b:c.rs:10:5\tlib\t"), "{text}");
    }

    #[test]
    fn a_malformed_line_is_an_error_that_names_it() {
        let bad = "# comment\nover_copy\ttokio@1\tsrc/a.rs:1:1\tlib\tmsg\tmaybe\twhy\n";
        let error = format!("{:#}", parse_expected(bad).unwrap_err());
        assert!(
            error.contains("line 2") && error.contains("unknown verdict `maybe`"),
            "{error}"
        );
        let short = "over_copy\ttokio@1\tsrc/a.rs:1\tlib\tmsg\ttp\twhy\n";
        let error = format!("{:#}", parse_expected(short).unwrap_err());
        assert!(error.contains("path:line:column"), "{error}");
    }

    #[test]
    fn diff_tells_added_removed_and_moved_and_bless_keeps_verdicts() {
        let kept = finding("over_copy", "src/a.rs", 3, "copy");
        let moved_from = finding("over_copy", "src/a.rs", 9, "copy twice");
        let removed = finding("mutex_scalar", "src/b.rs", 1, "scalar");
        let expected = vec![
            judged(kept.clone(), Verdict::Tp, "real"),
            judged(moved_from.clone(), Verdict::Fp, "cold path"),
            judged(removed.clone(), Verdict::Debatable, "maybe"),
        ];
        let mut moved_to = moved_from.clone();
        moved_to.line = 12;
        moved_to.version = "1.1.0".into();
        let added = finding("seqcst_counter", "src/c.rs", 4, "seqcst");
        let actual = vec![added.clone(), moved_to.clone(), kept.clone()];
        let diff = diff(&expected, &actual);
        assert_eq!(diff.added, std::slice::from_ref(&added));
        assert_eq!(diff.removed, [expected[2].clone()]);
        assert_eq!(diff.moved, [(expected[1].clone(), moved_to.clone())]);
        assert!(!diff.is_empty());
        let blessed = diff.blessed(&expected, &actual);
        assert_eq!(
            blessed,
            [
                judged(added, Verdict::Unjudged, ""),
                judged(moved_to, Verdict::Fp, "cold path"),
                judged(kept, Verdict::Tp, "real"),
            ]
        );
        // Blessed, the run matches.
        let again = super::diff(&blessed, &actual);
        assert!(again.is_empty(), "{again:?}");
    }

    #[test]
    fn a_finding_reworded_in_place_keeps_its_verdict() {
        let was = finding("over_copy", "src/a.rs", 3, "the whole `Vec<T>` is copied");
        let mut now = was.clone();
        now.message = "the whole `Vec<u8>` is copied".into();
        let expected = vec![judged(was, Verdict::Tp, "real")];
        let diff = diff(&expected, std::slice::from_ref(&now));
        assert_eq!(diff.reworded, [(expected[0].clone(), now.clone())]);
        assert!(diff.added.is_empty() && diff.removed.is_empty());
        assert_eq!(
            diff.blessed(&expected, &[now.clone()]),
            [judged(now, Verdict::Tp, "real")]
        );
    }

    #[test]
    fn repeated_findings_on_one_line_pair_one_to_one() {
        let one = finding("over_copy", "src/a.rs", 3, "copy");
        let expected = vec![judged(one.clone(), Verdict::Tp, "")];
        let diff = diff(&expected, &[one.clone(), one.clone()]);
        assert_eq!(diff.added, [one]);
        assert!(diff.removed.is_empty() && diff.moved.is_empty());
    }
}
