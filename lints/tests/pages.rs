//! The lint pages' code is checked by the lints it documents: a page's `## Example` must produce
//! its lint and its `## Use instead` must not, so that what `cargo contention explain` shows is
//! what the checker does.
//!
//! Each code block is analysed on its own as a one-file crate (`check_source`), which reports
//! every lint whatever its default level: `allow`-by-default lints (`lock_per_element`,
//! `seqcst_counter`) and the `deny` correctness lint `atomic_ptr_to_local` are checked like the
//! rest. The blocks stay `rust,ignore`, which only tells rustdoc not to compile them: they use
//! crates (dashmap, arc-swap, crossbeam-utils) and types they do not define, and what they are
//! for is what the checker makes of them, which this test checks.

use std::fmt::Write as _;

use contention_lints::{Diagnostic, Lint, check_source, registry};

/// `parse_error` documents a file that does not parse; its Example cannot be checked for a
/// finding of its own the way the others are, and it has no code to write instead.
const UNCHECKED: &[&str] = &["parse_error"];

/// A fenced Rust block of a page.
struct Block {
    /// The section it is in, without the `## `.
    section: String,
    /// The page line of its opening fence, from 1.
    line: usize,
    code: String,
}

/// The Rust code blocks of a page (fences whose info string starts with `rust`), with the
/// section each is in.
fn rust_blocks(page: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut section = "";
    // Inside a fence: the Rust block being read, or `None` in another language's block.
    let mut open: Option<Option<Block>> = None;
    for (index, line) in page.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (Some(block), Some(_)) => {
                blocks.extend(block.take());
                open = None;
            }
            (Some(block), None) => {
                if let Some(block) = block {
                    block.code.push_str(line);
                    block.code.push('\n');
                }
            }
            (None, Some(info)) => {
                open = Some(info.starts_with("rust").then(|| Block {
                    section: section.to_owned(),
                    line: index + 1,
                    code: String::new(),
                }));
            }
            (None, None) => {
                if let Some(title) = line.strip_prefix("## ") {
                    section = title.trim();
                }
            }
        }
    }
    blocks
}

/// The findings as a person reads them: `line:column lint: message`, counted in the block.
fn shown(code: &str, findings: &[Diagnostic]) -> String {
    if findings.is_empty() {
        return "  (no findings)\n".to_owned();
    }
    let mut out = String::new();
    for d in findings {
        let before = &code[..d.span.start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let _ = writeln!(out, "  {line}:{column} {}: {}", d.lint.name, d.message);
    }
    out
}

/// The block with the line numbers the findings use.
fn numbered(code: &str) -> String {
    code.lines()
        .enumerate()
        .map(|(i, l)| format!("  {:>3} | {l}\n", i + 1))
        .collect()
}

/// What is wrong with one lint's page, if anything.
fn page_problems(lint: &Lint) -> Vec<String> {
    let page = format!("lints/src/rules/{}.md", lint.name);
    let blocks = rust_blocks(lint.docs);
    let mut problems = Vec::new();
    for (section, must_flag) in [("Example", true), ("Use instead", false)] {
        let in_section: Vec<&Block> = blocks.iter().filter(|b| b.section == section).collect();
        if in_section.is_empty() {
            problems.push(format!(
                "{page}: `## {section}` has no ```rust block to check"
            ));
        }
        for block in in_section {
            let findings = check_source(&block.code);
            let unparsed = findings.iter().any(|d| d.lint.name == "parse_error");
            let flagged = findings.iter().any(|d| d.lint == lint);
            let wrong = if unparsed {
                Some("does not parse as a file (wrap statements in a function)".to_owned())
            } else if must_flag && !flagged {
                Some(format!("produces no `{}` finding", lint.name))
            } else if !must_flag && flagged {
                Some(format!("still produces `{}`", lint.name))
            } else {
                None
            };
            if let Some(wrong) = wrong {
                problems.push(format!(
                    "{page}:{}: the `## {section}` block {wrong}; its findings:\n{}{}",
                    block.line,
                    shown(&block.code, &findings),
                    numbered(&block.code)
                ));
            }
        }
    }
    problems
}

#[test]
fn every_example_produces_its_lint_and_every_fix_is_silent() {
    let problems: Vec<String> = registry::all()
        .iter()
        .filter(|lint| !UNCHECKED.contains(&lint.name))
        .flat_map(|lint| page_problems(lint))
        .collect();
    assert!(
        problems.is_empty(),
        "{} page block(s) disagree with their lint:\n\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The Examples of `allow`-by-default lints pass only because `check_source` reports every
/// lint whatever its level (the command line is what filters by level): said here, so that a
/// change there fails with its cause rather than as two pages "producing nothing".
#[test]
fn check_source_reports_lints_allowed_by_default() {
    let lint = registry::find("lock_per_element").expect("lock_per_element");
    assert_eq!(lint.default_level, contention_lints::Level::Allow);
    let code = "use std::sync::{Arc, Mutex};\nstruct Ledger { accounts: Vec<Arc<Mutex<u64>>> }\n";
    let findings = check_source(code);
    assert!(
        findings.iter().any(|d| d.lint == lint),
        "check_source left out an allow-by-default lint:\n{}",
        shown(code, &findings)
    );
}
