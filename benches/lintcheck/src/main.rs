//! lintcheck: cargo-contention over a pinned corpus of real crates, as clippy's lintcheck does
//! for clippy. It vendors the corpus (`corpus/Cargo.toml` and its lock) into a cache folder,
//! checks every vendored package as `check --workspace --all-targets -W all --no-cache` would
//! check a member, writes the findings (one per line, sorted) and a markdown summary, and
//! compares the findings with `expected.txt`, the corpus's triage log: the run fails when they
//! differ, and `--bless` rewrites the file, keeping the verdicts of the findings still there.
//!
//! ```sh
//! cargo run --release -p contention-lintcheck            # the whole corpus
//! cargo run --release -p contention-lintcheck -- --quick # the named crates only
//! cargo run --release -p contention-lintcheck -- --crates tokio,sled --bless
//! ```

mod record;
mod summary;
mod vendor;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Parser;

use record::{Finding, Judged};
use summary::RunFacts;
use vendor::Package;

/// Runs cargo-contention over the pinned real-code corpus and compares with the expected
/// findings.
#[derive(Debug, Parser)]
#[command(name = "lintcheck")]
struct Args {
    /// Where to vendor the corpus (reused while its lock file is unchanged) [default:
    /// $CONTENTION_LINTCHECK_DIR, else the user's cache directory/contention-lintcheck]
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Check only these crates (by name, any version)
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    crates: Vec<String>,
    /// Check only the corpus's named crates, not their dependencies
    #[arg(long)]
    quick: bool,
    /// Rewrite the expected findings with this run's, keeping every verdict that still applies
    #[arg(long)]
    bless: bool,
    /// Where to write the findings and the summary [default: target/lintcheck]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the per-lint table of the expected findings (what the README quotes) and stop
    #[arg(long)]
    table: bool,
}

/// This crate's directory, where the corpus manifest and the expected findings live.
fn home() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<ExitCode> {
    if args.table {
        let expected = std::fs::read_to_string(home().join("expected.txt"))?;
        print!(
            "{}",
            summary::lint_table(&record::parse_expected(&expected)?)
        );
        return Ok(ExitCode::SUCCESS);
    }
    let start = Instant::now();
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => vendor::default_dir()?,
    };
    let manifest = home().join("corpus/Cargo.toml");
    let vendored = vendor::vendor(&manifest, &dir)?;
    let named = vendor::named_crates(&manifest)?;
    let mut packages = vendor::packages(&vendored)?;
    packages.retain(|p| {
        let is_named = named.iter().any(|(n, v)| *n == p.name && *v == p.version);
        (args.crates.is_empty() || args.crates.contains(&p.name)) && (!args.quick || is_named)
    });
    if packages.is_empty() {
        anyhow::bail!("no vendored package matches the selection");
    }
    let scope = Scope {
        crates: packages.iter().map(|p| p.name.clone()).collect(),
        whole: args.crates.is_empty() && !args.quick,
    };
    eprintln!(
        "checking {} packages from {}",
        packages.len(),
        vendored.display()
    );
    let mut facts = RunFacts {
        packages: packages.len(),
        named: packages
            .iter()
            .filter(|p| named.iter().any(|(n, v)| *n == p.name && *v == p.version))
            .count(),
        ..RunFacts::default()
    };
    let findings = check_all(&packages, &mut facts);
    facts.wall = start.elapsed();
    let usage = vendor::usage();
    facts.cpu = usage.cpu;
    facts.children_cpu = usage.children_cpu;
    facts.peak_rss = usage.peak_rss;

    let expected_path = home().join("expected.txt");
    let expected_text = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let all_expected = record::parse_expected(&expected_text)
        .with_context(|| format!("reading {}", expected_path.display()))?;
    let (expected, outside): (Vec<Judged>, Vec<Judged>) = all_expected
        .into_iter()
        .partition(|j| scope.covers(&j.finding.krate));
    let diff = record::diff(&expected, &findings);
    let judged = diff.blessed(&expected, &findings);

    let out = args
        .out
        .clone()
        .unwrap_or_else(|| home().join("../../target/lintcheck"));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    std::fs::write(out.join("findings.txt"), record::write_findings(&findings))?;
    std::fs::write(out.join("summary.md"), summary::render(&facts, &judged))?;
    println!(
        "{} findings ({} in the default view); {} files, {} lines; wall {:.1} s, CPU {:.1} s, peak {} MB",
        findings.len(),
        findings.iter().filter(|f| f.in_default_view()).count(),
        facts.files,
        facts.lines,
        facts.wall.as_secs_f64(),
        facts.cpu.as_secs_f64(),
        facts.peak_rss / 1_000_000
    );
    println!("wrote {}/findings.txt and summary.md", out.display());
    let unjudged = judged
        .iter()
        .filter(|j| j.verdict == record::Verdict::Unjudged)
        .count();

    if args.bless {
        let mut all = outside;
        all.extend(judged);
        std::fs::write(&expected_path, record::write_expected(&all))?;
        println!("blessed {}", expected_path.display());
    } else {
        print_diff(&diff);
    }
    if unjudged > 0 {
        println!(
            "{unjudged} findings have no verdict yet: give each one in {} (see summary.md)",
            expected_path.display()
        );
    }
    for (krate, message) in &facts.panics {
        println!("panic in {krate}: {message}");
    }
    Ok(if !facts.panics.is_empty() {
        ExitCode::from(2)
    } else if !args.bless && !diff.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Which crates' expected findings a run speaks for.
struct Scope {
    crates: Vec<String>,
    whole: bool,
}

impl Scope {
    fn covers(&self, krate: &str) -> bool {
        self.whole || self.crates.iter().any(|c| c == krate)
    }
}

fn print_diff(diff: &record::Diff) {
    if diff.is_empty() {
        println!("no difference from the expected findings");
        return;
    }
    println!(
        "differences from the expected findings: {} added, {} removed, {} moved, {} reworded",
        diff.added.len(),
        diff.removed.len(),
        diff.moved.len(),
        diff.reworded.len()
    );
    for f in &diff.added {
        println!("+ {f}");
    }
    for j in &diff.removed {
        println!("- {} [was {:?}: {}]", j.finding, j.verdict, j.reason);
    }
    for (was, now) in &diff.moved {
        println!(
            "~ {} -> {}@{} {}:{}:{}",
            was.finding, now.krate, now.version, now.path, now.line, now.column
        );
    }
    for (was, now) in &diff.reworded {
        println!("= {}\n    now: {}", was.finding, now.message);
    }
    println!("(run with --bless to accept them, then give the new findings their verdicts)");
}

/// Checks every package on as many threads as there are cores, each as `check` would; a panic
/// is caught and recorded.
fn check_all(packages: &[Package], facts: &mut RunFacts) -> Vec<Finding> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(package) = packages.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let start = Instant::now();
                    let outcome = std::panic::catch_unwind(|| vendor::check_package(package));
                    results
                        .lock()
                        .expect("no worker panics holding the lock")
                        .push((package, outcome, start.elapsed()));
                }
            });
        }
    });
    let mut findings = Vec::new();
    for (package, outcome, took) in results.into_inner().expect("the workers are done") {
        let id = format!("{}@{}", package.name, package.version);
        facts.slowest.push((took, id.clone()));
        match outcome {
            Ok(Ok(checked)) => {
                facts.files += checked.files;
                facts.lines += checked.lines;
                findings.extend(checked.findings);
            }
            Ok(Err(error)) => facts.failures.push((id, format!("{error:#}"))),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "a panic without a message".to_owned());
                facts.panics.push((id, message));
            }
        }
    }
    facts.failures.sort();
    facts.panics.sort();
    facts.slowest.sort_by(|a, b| b.cmp(a));
    facts.slowest.truncate(5);
    findings.sort();
    findings
}

/// How long a duration of CPU time is, from a `timeval`.
fn from_timeval(tv: libc::timeval) -> Duration {
    Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's per-lint table is the one the expected findings give.
    #[test]
    fn the_readme_quotes_the_expected_findings() {
        let expected = std::fs::read_to_string(home().join("expected.txt")).unwrap();
        let judged = record::parse_expected(&expected).unwrap();
        let table = summary::lint_table(&judged);
        let readme = std::fs::read_to_string(home().join("../../README.md")).unwrap();
        assert!(
            readme.contains(&table),
            "the README's corpus table is out of date; it should read:\n{table}"
        );
    }

    #[test]
    fn every_expected_finding_has_a_verdict() {
        let expected = std::fs::read_to_string(home().join("expected.txt")).unwrap();
        let unjudged: Vec<String> = record::parse_expected(&expected)
            .unwrap()
            .iter()
            .filter(|j| j.verdict == record::Verdict::Unjudged)
            .map(|j| j.finding.to_string())
            .collect();
        assert!(
            unjudged.is_empty(),
            "findings without a verdict:\n{}",
            unjudged.join("\n")
        );
    }

    #[test]
    fn a_partial_run_speaks_only_for_its_crates() {
        let scope = Scope {
            crates: vec!["tokio".into()],
            whole: false,
        };
        assert!(scope.covers("tokio") && !scope.covers("sled"));
        let whole = Scope {
            crates: Vec::new(),
            whole: true,
        };
        assert!(whole.covers("sled"));
    }
}
