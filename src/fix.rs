//! `check --fix`: applies the suggestions that are certainly right (`MachineApplicable`) the way
//! `cargo fix` applies rustc's, with the `rustfix` crate reading the findings' rustc JSON; with
//! `--unsafe-fixes`, the probable ones (`MaybeIncorrect`) too, as ruff's two tiers.
//!
//! Safety comes first, as with `cargo fix`: files in a git working tree with uncommitted changes
//! are not touched unless `--allow-dirty` (so `git diff` shows exactly what the fix did, and
//! `git checkout` undoes it); a fixed file is checked to still parse before it replaces the
//! original, and it replaces it atomically (a temporary file beside it, then a rename), so a
//! file is never left half-written or unparseable. Fixing repeats until nothing more applies,
//! because applying one suggestion can make another one possible.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use contention_lints::Applicability;

use crate::Error;
use crate::baseline::Baseline;
use crate::check::{self, Report};
use crate::cli::{CheckArgs, SortKey};
use crate::output::{self, Finding};

/// How many times to re-check and fix again before stopping, in case fixes keep enabling fixes.
const MAX_PASSES: usize = 10;

/// What `--fix` did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Each changed file (as shown to people) with the number of suggestions applied to it.
    pub fixed: Vec<(String, usize)>,
    /// Each file that had fixes but was left as it was, with the reason.
    pub skipped: Vec<(String, String)>,
    /// The last check, when no file changed after it: the findings that are left, so they
    /// need not be checked again.
    pub remaining: Option<Report>,
}

impl Outcome {
    /// Reports the outcome as `cargo fix` does: a `Fixed` line per file, then the files left
    /// alone.
    pub fn report(&self, out: &mut dyn Write) -> io::Result<()> {
        for (file, count) in &self.fixed {
            let fixes = if *count == 1 { "fix" } else { "fixes" };
            writeln!(out, "{:>12} {file} ({count} {fixes})", "Fixed")?;
        }
        for (file, reason) in &self.skipped {
            writeln!(out, "warning: not fixing {file}: {reason}")?;
        }
        Ok(())
    }
}

/// The suggestions to apply to one file.
struct Plan {
    path: PathBuf,
    display: String,
    /// The text the findings were made on.
    text: String,
    suggestions: Vec<rustfix::Suggestion>,
}

/// Checks what `args` names, applies every suggestion of the reported findings (those not in
/// `baseline`) that the fix tier allows, and repeats until nothing more applies.
pub fn run(args: &CheckArgs, baseline: Option<&Baseline>) -> Result<Outcome, Error> {
    let mut fixed: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped: BTreeMap<String, String> = BTreeMap::new();
    let mut tree_checked = args.allow_dirty;
    let mut remaining = None;
    for _ in 0..MAX_PASSES {
        let mut report = check::run(args)?;
        if let Some(baseline) = baseline {
            baseline.remove_known(&mut report);
        }
        let plans: Vec<Plan> = plans(&report, args.unsafe_fixes)?
            .into_iter()
            .filter(|plan| !skipped.contains_key(&plan.display))
            .collect();
        if plans.is_empty() {
            remaining = Some(report);
            break;
        }
        if !tree_checked {
            ensure_committed(plans.iter().map(|plan| plan.path.as_path()))?;
            tree_checked = true;
        }
        let mut progress = false;
        for plan in plans {
            match apply(&plan) {
                Ok(0) => {}
                Ok(count) => {
                    *fixed.entry(plan.display).or_default() += count;
                    progress = true;
                }
                Err(reason) => {
                    skipped.insert(plan.display, reason);
                }
            }
        }
        if !progress {
            remaining = Some(report);
            break;
        }
    }
    Ok(Outcome {
        fixed: fixed.into_iter().collect(),
        skipped: skipped.into_iter().collect(),
        remaining,
    })
}

/// Whether `--fix` applies a suggestion of this applicability: `MachineApplicable` always,
/// `MaybeIncorrect` with `--unsafe-fixes`, one with placeholders never.
pub fn applies(applicability: Applicability, unsafe_fixes: bool) -> bool {
    match applicability {
        Applicability::MachineApplicable => true,
        Applicability::MaybeIncorrect => unsafe_fixes,
        Applicability::HasPlaceholders => false,
    }
}

/// The suggestions of `report` that the tier allows, per file, read back by rustfix from the
/// same rustc JSON the `json` format prints (so `--fix` applies what editors would).
fn plans(report: &Report, unsafe_fixes: bool) -> Result<Vec<Plan>, Error> {
    let mut plans: BTreeMap<PathBuf, Plan> = BTreeMap::new();
    for finding in output::sorted_findings(report, SortKey::Position) {
        let allowed = finding
            .diagnostic
            .suggestion
            .as_ref()
            .is_some_and(|s| applies(s.applicability, unsafe_fixes));
        if !allowed {
            continue;
        }
        let json = output::rustc_json(&finding).map_err(Error::Output)?;
        let filter = if unsafe_fixes {
            rustfix::Filter::Everything
        } else {
            rustfix::Filter::MachineApplicableOnly
        };
        let suggestions = rustfix::get_suggestions_from_json(&json, &HashSet::new(), filter)
            .expect("the JSON printer writes rustc diagnostics");
        let file = finding.file();
        plans
            .entry(file.path.clone())
            .or_insert_with(|| plan_for(&finding))
            .suggestions
            .extend(suggestions);
    }
    Ok(plans.into_values().collect())
}

fn plan_for(finding: &Finding<'_>) -> Plan {
    let file = finding.file();
    Plan {
        path: file.path.clone(),
        display: file.display.clone(),
        text: file.text.clone(),
        suggestions: Vec::new(),
    }
}

/// Applies `plan` and replaces the file; returns how many suggestions were applied, or why the
/// file was left as it was.
fn apply(plan: &Plan) -> Result<usize, String> {
    let current = fs::read_to_string(&plan.path).map_err(|e| e.to_string())?;
    if current != plan.text {
        return Err("it changed while it was being checked".into());
    }
    // A suggestion whose own edits overlap, or fall outside the file, cannot be applied
    // whole: the file is left as it is rather than fixed in part.
    for suggestion in &plan.suggestions {
        if let Err(error) = rustfix::CodeFix::new(&plan.text).apply(suggestion) {
            return Err(format!(
                "a suggestion's edits cannot be applied together ({error}), so the original is kept"
            ));
        }
    }
    let mut fix = rustfix::CodeFix::new(&plan.text);
    // A suggestion that overlaps one already applied is left for the next pass, which sees
    // the file as the first one left it. Each suggestion is applied whole or not at all.
    let applied = plan
        .suggestions
        .iter()
        .filter(|suggestion| fix.apply(suggestion).is_ok())
        .count();
    if applied == 0 {
        return Ok(0);
    }
    let fixed = fix.finish().map_err(|e| e.to_string())?;
    if let Err(error) = syn::parse_file(&fixed) {
        let at = error.span().start();
        return Err(format!(
            "the fixed text would not parse ({error} at {}:{}), so the original is kept",
            at.line,
            at.column + 1
        ));
    }
    write_atomically(&plan.path, &fixed).map_err(|e| format!("could not write it: {e}"))?;
    Ok(applied)
}

/// Replaces `path` with `text` through a temporary file in the same directory and a rename, so
/// that readers see the old file or the new one, never a part of it. The file keeps its
/// permissions.
pub fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".contention-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    if let Ok(metadata) = fs::metadata(path) {
        temp.as_file().set_permissions(metadata.permissions())?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Fails when a file among `paths` lies in a git working tree with uncommitted changes
/// (modified, staged or untracked files, as `cargo fix` counts them). Files outside any working
/// tree, or on a machine without git, are not checked.
fn ensure_committed<'p>(paths: impl Iterator<Item = &'p Path>) -> Result<(), Error> {
    let mut roots = Vec::new();
    for path in paths {
        let Some(root) = work_tree_of(path) else {
            continue;
        };
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    for root in roots {
        let changed = uncommitted(&root);
        if !changed.is_empty() {
            return Err(Error::DirtyTree {
                root,
                files: changed,
            });
        }
    }
    Ok(())
}

/// The top directory of the git working tree holding `path`, if any.
fn work_tree_of(path: &Path) -> Option<PathBuf> {
    let dir = path.parent()?;
    let output = Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(dir)
        .output()
        .ok()?;
    let root = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !root.trim().is_empty()).then(|| PathBuf::from(root.trim()))
}

/// The files `git status` lists as changed, staged or untracked in the tree at `root`, the
/// first few by name and the rest counted.
fn uncommitted(root: &Path) -> Vec<String> {
    const SHOWN: usize = 3;
    let Ok(output) = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(root)
        .output()
    else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let files: Vec<String> = text
        .lines()
        .filter_map(|line| line.get(3..))
        .map(str::to_owned)
        .collect();
    if files.len() <= SHOWN {
        return files;
    }
    let mut shown = files[..SHOWN].to_vec();
    shown.push(format!("and {} more", files.len() - SHOWN));
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.rs");
        fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomically(&path, "new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    /// A suggestion replacing `range` of `text` by `replacement`.
    fn suggestion(
        text: &str,
        range: std::ops::Range<usize>,
        replacement: &str,
    ) -> rustfix::Suggestion {
        let position = rustfix::LinePosition { line: 1, column: 1 };
        let snippet = rustfix::Snippet {
            file_name: "lib.rs".into(),
            line_range: rustfix::LineRange {
                start: position,
                end: position,
            },
            range,
        };
        assert!(text.len() >= snippet.range.end);
        rustfix::Suggestion {
            message: "a suggestion".into(),
            snippets: vec![snippet.clone()],
            solutions: vec![rustfix::Solution {
                message: "a solution".into(),
                replacements: vec![rustfix::Replacement {
                    snippet,
                    replacement: replacement.into(),
                }],
            }],
        }
    }

    fn plan(dir: &Path, text: &str, suggestions: Vec<rustfix::Suggestion>) -> Plan {
        let path = dir.join("lib.rs");
        fs::write(&path, text).unwrap();
        Plan {
            path,
            display: "lib.rs".into(),
            text: text.into(),
            suggestions,
        }
    }

    #[test]
    fn a_fix_that_would_not_parse_keeps_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let text = "fn f() -> usize { v.clone().len() }\n";
        let start = text.find("v.clone()").unwrap();
        let broken = suggestion(text, start..start + 1, "v.(");
        let plan = plan(dir.path(), text, vec![broken]);
        let error = apply(&plan).unwrap_err();
        assert!(error.contains("would not parse"), "{error}");
        assert!(error.contains("at 1:"), "{error}");
        assert_eq!(fs::read_to_string(&plan.path).unwrap(), text);
    }

    #[test]
    fn overlapping_suggestions_wait_for_the_next_pass() {
        let dir = tempfile::tempdir().unwrap();
        let text = "fn f() -> usize { v.clone().len() }\n";
        let start = text.find(".clone()").unwrap();
        let remove = suggestion(text, start..start + ".clone()".len(), "");
        let overlapping = suggestion(text, start + 1..start + 3, "xx");
        let plan = plan(dir.path(), text, vec![remove, overlapping]);
        assert_eq!(apply(&plan).unwrap(), 1);
        assert_eq!(
            fs::read_to_string(&plan.path).unwrap(),
            "fn f() -> usize { v.len() }\n"
        );
    }

    #[test]
    fn a_suggestion_whose_own_edits_overlap_leaves_the_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let text = "fn f() -> usize { v.clone().len() }\n";
        let start = text.find(".clone()").unwrap();
        let fine = suggestion(text, start..start + ".clone()".len(), "");
        let mut broken = suggestion(text, start..start + 3, "xx");
        let overlapping = suggestion(text, start + 1..start + 4, "yy");
        broken.solutions[0]
            .replacements
            .extend(overlapping.solutions[0].replacements.clone());
        let plan = plan(dir.path(), text, vec![fine, broken]);
        let error = apply(&plan).unwrap_err();
        assert!(error.contains("cannot be applied together"), "{error}");
        assert!(error.contains("original is kept"), "{error}");
        assert_eq!(fs::read_to_string(&plan.path).unwrap(), text);
    }

    #[test]
    fn fix_tiers_follow_ruff() {
        assert!(applies(Applicability::MachineApplicable, false));
        assert!(!applies(Applicability::MaybeIncorrect, false));
        assert!(applies(Applicability::MaybeIncorrect, true));
        assert!(!applies(Applicability::HasPlaceholders, true));
    }

    #[test]
    fn a_file_changed_since_it_was_checked_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let text = "fn f() -> usize { v.clone().len() }\n";
        let start = text.find(".clone()").unwrap();
        let remove = suggestion(text, start..start + ".clone()".len(), "");
        let plan = plan(dir.path(), text, vec![remove]);
        fs::write(&plan.path, "fn g() {}\n").unwrap();
        assert!(apply(&plan).unwrap_err().contains("changed"));
        assert_eq!(fs::read_to_string(&plan.path).unwrap(), "fn g() {}\n");
    }

    #[test]
    fn outcome_reads_like_cargo_fix() {
        let outcome = Outcome {
            fixed: vec![("src/a.rs".into(), 1), ("src/b.rs".into(), 2)],
            skipped: vec![("src/c.rs".into(), "a reason".into())],
            remaining: None,
        };
        let mut out = Vec::new();
        outcome.report(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "       Fixed src/a.rs (1 fix)\n       Fixed src/b.rs (2 fixes)\n\
             warning: not fixing src/c.rs: a reason\n"
        );
    }
}
