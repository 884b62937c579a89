//! The checker at scale: runs `contention-lints` over a large corpus of real crates and, in the
//! same run, a parse-only baseline (read and `syn::parse_file` the same files, on as many threads
//! with the same 256 MiB stacks), and prints files, lines, MB/s, wall time and peak memory of
//! both and their ratio; a second baseline parses as the analysis does, the bodies of macros
//! included (`contention_lints::parse_with_macro_bodies`), to show how much of the difference
//! is parsing; then the checker with its cache, cold (an empty cache, which the run
//! fills and saves) and warm (nothing changed since); then the same for one crate alone
//! (tokio-sized: the "feels instant" case); then one generated function of 20,000 statements
//! (the shape where a search per statement over the statements after it was quadratic).
//!
//! ```text
//! cargo run --release -p contention-bench --example scale -- /path/to/vendor
//! CONTENTION_CORPUS=/path/to/vendor cargo run --release -p contention-bench --example scale
//! cargo run --release -p contention-bench --example scale -- /path/to/vendor --as-one-crate
//! ```
//!
//! The corpus is a directory of crate directories (`cargo vendor` makes one); each crate's `.rs`
//! files are checked as one crate, crate after crate, as `cargo contention check --workspace`
//! checks a workspace's members. Each side runs in a child process of this binary, so that each
//! peak resident set (the kernel's `VmHWM`) is that side's alone. The cached sides keep one
//! cache file per crate in a temporary directory, loaded and saved as `cargo contention` does
//! in `target/contention/`, and must find exactly what the uncached checker finds.

use std::ffi::OsString;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use contention_lints::{
    CrateFiles, CrateInfo, CrateReport, MemoryStore, check_files, check_files_cached,
};
use rayon::prelude::*;

/// The analysis threads' stack size, as `contention-lints` sets it: syn recurses once per nesting
/// level, so both sides need the same room.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// The environment variable that names the corpus when no argument does.
const CORPUS_VAR: &str = "CONTENTION_CORPUS";

/// Check a corpus of crates and parse it, and compare the two.
#[derive(Debug, Parser)]
#[command(name = "scale")]
struct Cli {
    /// A directory of crate directories [default: $CONTENTION_CORPUS]
    corpus: Option<PathBuf>,
    /// The crate to time alone [default: CORPUS/tokio]
    #[arg(long = "crate", value_name = "DIR")]
    one_crate: Option<PathBuf>,
    /// Rounds of both sides; the figures are medians, each round's ratio pairs the two sides
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    rounds: u16,
    /// Also check the whole corpus as one crate and compare its ratios to +macros with the
    /// crate-by-crate run's: the crate-wide step should grow no faster than the files
    #[arg(long)]
    as_one_crate: bool,
    #[command(subcommand)]
    side: Option<ChildSide>,
}

/// What a child process runs (the parent runs itself with one of these).
#[derive(Debug, Subcommand)]
enum ChildSide {
    #[command(hide = true)]
    Side {
        side: Side,
        /// Treat DIR as one crate rather than a directory of crates
        #[arg(long)]
        single: bool,
        /// Where the cached sides keep their cache files
        #[arg(long)]
        cache: Option<PathBuf>,
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Side {
    /// Read and parse every file, dropping each AST at once.
    Parse,
    /// Read and parse every file as the analysis does, macro bodies included.
    Macros,
    /// `contention_lints::check_files` on each crate.
    Check,
    /// `check_files_cached` on each crate with an empty cache, saved after each crate.
    Cold,
    /// `check_files_cached` on each crate with the cache the cold side saved.
    Warm,
}

impl Side {
    fn label(self) -> &'static str {
        match self {
            Side::Parse => "parse-only",
            Side::Macros => "+macros",
            Side::Check => "checker",
            Side::Cold => "cache cold",
            Side::Warm => "cache warm",
        }
    }

    /// The side's name on a child's command line.
    fn label_arg(self) -> &'static str {
        match self {
            Side::Parse => "parse",
            Side::Macros => "macros",
            Side::Check => "check",
            Side::Cold => "cold",
            Side::Warm => "warm",
        }
    }
}

/// What one side measured, as a child prints it on one line.
#[derive(Debug, Clone, Copy, Default)]
struct Measured {
    files: u64,
    lines: u64,
    bytes: u64,
    wall: Duration,
    /// User and system CPU time of the whole process: on a shared machine, less noisy than
    /// the wall time.
    cpu: Duration,
    /// Peak resident set in KiB; `None` where the kernel does not say.
    peak_kib: Option<u64>,
    /// Findings (checker) or files that failed to read or parse (parse-only): printed so the
    /// work cannot be optimised away, and as a sanity check against the other side.
    outcome: u64,
    /// A hash of every finding, whole (checker sides): the cached sides must match the checker.
    digest: u64,
}

impl Measured {
    fn to_line(self) -> String {
        format!(
            "{} {} {} {} {} {} {} {}",
            self.files,
            self.lines,
            self.bytes,
            self.wall.as_nanos(),
            self.cpu.as_nanos(),
            self.peak_kib.map_or("-".to_owned(), |kib| kib.to_string()),
            self.outcome,
            self.digest
        )
    }

    fn from_line(line: &str) -> Result<Measured> {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [files, lines, bytes, wall, cpu, peak, outcome, digest] = fields[..] else {
            bail!("a child printed {line:?}, not eight fields");
        };
        Ok(Measured {
            files: files.parse()?,
            lines: lines.parse()?,
            bytes: bytes.parse()?,
            wall: Duration::from_nanos(wall.parse()?),
            cpu: Duration::from_nanos(cpu.parse()?),
            peak_kib: peak.parse().ok(),
            outcome: outcome.parse()?,
            digest: digest.parse()?,
        })
    }

    fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.wall.as_secs_f64()
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    if let Some(ChildSide::Side {
        side,
        single,
        cache,
        dir,
    }) = cli.side
    {
        let crates = if single {
            vec![rust_files(&dir)]
        } else {
            crates_of(&dir)?
        };
        let measured = match (side, cache) {
            (Side::Parse, _) => parse_only(&crates, |text| syn::parse_file(text).is_ok())?,
            (Side::Macros, _) => parse_only(&crates, contention_lints::parse_with_macro_bodies)?,
            (Side::Check, _) => check(&crates, None)?,
            (Side::Cold | Side::Warm, Some(cache)) => check(&crates, Some(&cache))?,
            (Side::Cold | Side::Warm, None) => bail!("a cached side needs --cache"),
        };
        println!("{}", measured.to_line());
        return Ok(());
    }
    let corpus = match cli
        .corpus
        .or_else(|| std::env::var_os(CORPUS_VAR).map(PathBuf::from))
    {
        Some(corpus) => corpus,
        None => bail!(
            "no corpus given: pass a directory of crates (for example one made by `cargo vendor`) \
             as the argument, or set {CORPUS_VAR}"
        ),
    };
    if !corpus.is_dir() {
        bail!("the corpus `{}` is not a directory", corpus.display());
    }
    let one_crate = cli.one_crate.unwrap_or_else(|| corpus.join("tokio"));
    if !one_crate.is_dir() {
        bail!(
            "the crate to time alone, `{}`, is not a directory (choose one with --crate)",
            one_crate.display()
        );
    }
    let threads = rayon::current_num_threads();
    println!(
        "corpus {}: {} crates, {threads} threads with {} MiB stacks, {} round(s)",
        corpus.display(),
        crates_of(&corpus)?.len(),
        STACK_SIZE >> 20,
        cli.rounds
    );
    compare("whole corpus", &corpus, false, cli.rounds)?;
    if cli.as_one_crate {
        one_crate_scaling(&corpus)?;
    }
    compare(
        &format!("{} alone", one_crate.display()),
        &one_crate,
        true,
        cli.rounds,
    )?;
    let generated = tempfile::tempdir().context("a temporary directory for generated code")?;
    std::fs::write(
        generated.path().join("lib.rs"),
        contention_bench::generated::long_function(GENERATED_STATEMENTS, "    t\n"),
    )
    .context("writing the generated function")?;
    compare(
        &format!("one generated function of {GENERATED_STATEMENTS} statements"),
        generated.path(),
        true,
        cli.rounds,
    )?;
    Ok(())
}

/// Statements in the generated function of the last table.
const GENERATED_STATEMENTS: usize = 20_000;

/// Runs every side `rounds` times and prints their table. Parse-only and the checker alternate
/// which goes first; the cold cached side starts from an empty cache, and the warm one follows
/// it.
fn compare(title: &str, dir: &Path, single: bool, rounds: u16) -> Result<()> {
    const SIDES: [Side; 5] = [
        Side::Parse,
        Side::Macros,
        Side::Check,
        Side::Cold,
        Side::Warm,
    ];
    let mut runs: [Vec<Measured>; 5] = Default::default();
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [Side::Parse, Side::Macros, Side::Check]
        } else {
            [Side::Check, Side::Macros, Side::Parse]
        };
        for side in order {
            runs[side as usize].push(child(side, dir, single, None)?);
        }
        let cache = tempfile::tempdir().context("could not make a cache directory")?;
        for side in [Side::Cold, Side::Warm] {
            runs[side as usize].push(child(side, dir, single, Some(cache.path()))?);
        }
    }
    let ratios = |of: Side, to: Side, value: fn(&Measured) -> Option<f64>| -> Vec<f64> {
        runs[of as usize]
            .iter()
            .zip(&runs[to as usize])
            .filter_map(|(a, b)| Some(value(a)? / value(b)?))
            .collect()
    };
    let wall = |m: &Measured| Some(m.wall.as_secs_f64());
    let cpu = |m: &Measured| Some(m.cpu.as_secs_f64());
    let memory = |m: &Measured| Some(m.peak_kib? as f64);
    let median: Vec<Measured> = runs.iter().map(|r| median_run(r.clone())).collect();
    println!("\n{title}");
    println!(
        "{:<11} {:>7} {:>10} {:>7} {:>7} {:>7} {:>6} {:>11} {:>8}",
        "side", "files", "lines", "MB", "wall s", "cpu s", "MB/s", "peak RSS MB", "outcome"
    );
    for (side, m) in SIDES.iter().zip(&median) {
        println!(
            "{:<11} {:>7} {:>10} {:>7.1} {:>7.2} {:>7.2} {:>6.1} {:>11} {:>8}",
            side.label(),
            m.files,
            m.lines,
            m.bytes as f64 / 1e6,
            m.wall.as_secs_f64(),
            m.cpu.as_secs_f64(),
            m.mb_per_s(),
            m.peak_kib.map_or("n/a".to_owned(), |kib| format!(
                "{:.0}",
                kib as f64 / 1024.0
            )),
            m.outcome
        );
    }
    println!(
        "checker / parse-only: wall time {} (target <= 1.3), cpu time {}, peak memory {} \
         (target <= 2)",
        spread(&ratios(Side::Check, Side::Parse, wall)),
        spread(&ratios(Side::Check, Side::Parse, cpu)),
        spread(&ratios(Side::Check, Side::Parse, memory))
    );
    println!(
        "checker / parse with macro bodies: wall time {}, cpu time {}",
        spread(&ratios(Side::Check, Side::Macros, wall)),
        spread(&ratios(Side::Check, Side::Macros, cpu)),
    );
    println!(
        "cache warm / checker: wall time {} (target <= 0.10), cpu time {}; cache cold / \
         checker: wall time {}",
        spread(&ratios(Side::Warm, Side::Check, wall)),
        spread(&ratios(Side::Warm, Side::Check, cpu)),
        spread(&ratios(Side::Cold, Side::Check, wall)),
    );
    println!(
        "(outcome: files that did not read or parse for parse-only, findings for the checker)"
    );
    let [parse, _, check, cold, warm] = &median[..] else {
        unreachable!("five sides")
    };
    if parse.files != check.files || parse.bytes != check.bytes {
        bail!("parse-only and the checker did not see the same files");
    }
    for cached in [cold, warm] {
        if (cached.files, cached.bytes, cached.digest) != (check.files, check.bytes, check.digest) {
            bail!("a cached run did not find exactly what the checker found");
        }
    }
    Ok(())
}

/// The corpus checked crate by crate and as one crate, each against +macros on the same
/// files: how the checker's CPU time and peak memory grow when every file is one crate's.
fn one_crate_scaling(corpus: &Path) -> Result<()> {
    println!("\nthe whole corpus as one crate, against crate by crate");
    let mut ratios = Vec::new();
    for (label, single) in [("crate by crate", false), ("as one crate", true)] {
        let base = child(Side::Macros, corpus, single, None)?;
        let check = child(Side::Check, corpus, single, None)?;
        let cpu = check.cpu.as_secs_f64() / base.cpu.as_secs_f64();
        let memory = match (check.peak_kib, base.peak_kib) {
            (Some(c), Some(b)) => Some(c as f64 / b as f64),
            _ => None,
        };
        println!(
            "{label:<15} +macros {:>8.2} cpu s {:>7} MB, checker {:>8.2} cpu s {:>7} MB: \
             {cpu:.2}x cpu, {} memory",
            base.cpu.as_secs_f64(),
            base.peak_kib
                .map_or("n/a".into(), |k| format!("{:.0}", k as f64 / 1024.0)),
            check.cpu.as_secs_f64(),
            check
                .peak_kib
                .map_or("n/a".into(), |k| format!("{:.0}", k as f64 / 1024.0)),
            memory.map_or("n/a".into(), |m| format!("{m:.2}x")),
        );
        ratios.push((cpu, memory));
    }
    let [(cpu_apart, mem_apart), (cpu_one, mem_one)] = ratios[..] else {
        unreachable!("two runs")
    };
    println!(
        "as one crate / crate by crate: cpu ratio {:.2}x, memory ratio {} (target <= 1.10)",
        cpu_one / cpu_apart,
        match (mem_one, mem_apart) {
            (Some(one), Some(apart)) => format!("{:.2}x", one / apart),
            _ => "n/a".into(),
        }
    );
    Ok(())
}

/// The run with the median wall time.
fn median_run(mut runs: Vec<Measured>) -> Measured {
    runs.sort_by_key(|m| m.wall);
    runs[runs.len() / 2]
}

/// `1.23x`, or `1.23x (1.10-1.40)` over several rounds; `n/a` when there is nothing.
fn spread(ratios: &[f64]) -> String {
    let mut sorted = ratios.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.as_slice() {
        [] => "n/a".to_owned(),
        [one] => format!("{one:.2}x"),
        [low, .., high] => format!("{:.2}x ({low:.2}-{high:.2})", sorted[sorted.len() / 2]),
    }
}

/// Runs one side in a child process of this binary and reads its figures.
fn child(side: Side, dir: &Path, single: bool, cache: Option<&Path>) -> Result<Measured> {
    let exe = std::env::current_exe().context("could not find this benchmark's executable")?;
    let mut args: Vec<OsString> = vec!["side".into(), side.label_arg().into()];
    if single {
        args.push("--single".into());
    }
    if let Some(cache) = cache {
        args.push("--cache".into());
        args.push(cache.into());
    }
    args.push(dir.into());
    let output = Command::new(exe)
        .args(&args)
        .stderr(Stdio::inherit())
        .output()
        .context("could not run a side")?;
    if !output.status.success() {
        bail!("the {} side failed: {}", side.label(), output.status);
    }
    let line = output
        .stdout
        .lines()
        .next()
        .context("a side printed nothing")??;
    Measured::from_line(&line)
}

/// Each directory under `corpus` as one crate of its `.rs` files, in name order.
fn crates_of(corpus: &Path) -> Result<Vec<Vec<PathBuf>>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus)
        .with_context(|| format!("could not list `{}`", corpus.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs.iter().map(|dir| rust_files(dir)).collect())
}

/// Every `.rs` file under `dir`, skipping hidden and `target` directories, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') || name == "target" {
                continue;
            }
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => walk(&path, out),
                Ok(kind) if kind.is_file() && path.extension().is_some_and(|e| e == "rs") => {
                    out.push(path)
                }
                _ => {}
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    files
}

fn count_lines(text: &str) -> u64 {
    text.lines().count() as u64
}

/// A baseline: every file of every crate read and parsed with `parse` (syn's parser alone, or
/// the analysis's, which parses macro bodies too) on a pool like the checker's, each AST
/// dropped and its thread's span table cleared at once.
fn parse_only(crates: &[Vec<PathBuf>], parse: fn(&str) -> bool) -> Result<Measured> {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build()
        .context("could not start the thread pool")?;
    let files: Vec<&PathBuf> = crates.iter().flatten().collect();
    let start = Instant::now();
    let per_file: Vec<(u64, u64, u64)> = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let Ok(text) = std::fs::read_to_string(path) else {
                    return (0, 0, 1);
                };
                let failed = !parse(&text);
                proc_macro2::extra::invalidate_current_thread_spans();
                (count_lines(&text), text.len() as u64, u64::from(failed))
            })
            .collect()
    });
    let wall = start.elapsed();
    Ok(Measured {
        files: files.len() as u64,
        lines: per_file.iter().map(|f| f.0).sum(),
        bytes: per_file.iter().map(|f| f.1).sum(),
        wall,
        cpu: cpu_time(),
        peak_kib: peak_kib(),
        outcome: per_file.iter().map(|f| f.2).sum(),
        digest: 0,
    })
}

/// The checker on each crate in turn, as the command runs a workspace's members; with `cache`,
/// each crate's cache is loaded from a file there and saved back when it changed.
fn check(crates: &[Vec<PathBuf>], cache: Option<&Path>) -> Result<Measured> {
    let loader = |path: &Path| std::fs::read_to_string(path);
    let mut measured = Measured::default();
    let mut digest = xxhash_rust::xxh3::Xxh3::new();
    let start = Instant::now();
    for (index, files) in crates.iter().enumerate() {
        let info = CrateInfo {
            name: format!("crate{index}"),
            ..CrateInfo::default()
        };
        let files = CrateFiles::List(files.clone());
        let report = match cache {
            None => check_files(&info, files, &loader),
            Some(dir) => {
                let path = dir.join(format!("crate{index}.cache"));
                let store = std::fs::read(&path)
                    .ok()
                    .and_then(|bytes| MemoryStore::from_bytes(&bytes))
                    .unwrap_or_default();
                let report = check_files_cached(&info, files, &loader, &store);
                if store.changed() {
                    std::fs::write(&path, store.to_bytes())
                        .with_context(|| format!("could not write `{}`", path.display()))?;
                }
                report
            }
        };
        measured.files += report.files.len() as u64;
        for file in &report.files {
            measured.lines += count_lines(&file.text);
            measured.bytes += file.text.len() as u64;
        }
        measured.outcome += report.diagnostics.len() as u64;
        digest.update(render(&report).as_bytes());
    }
    measured.wall = start.elapsed();
    measured.cpu = cpu_time();
    measured.peak_kib = peak_kib();
    measured.digest = digest.digest();
    Ok(measured)
}

/// Every finding of a report, whole.
fn render(report: &CrateReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let path = report.files[d.file].path.display();
        out.push_str(&format!("{path} {:?} {d:?}\n", d.span));
        for label in &d.labels {
            out.push_str(&format!("  {}\n", report.files[label.file].path.display()));
        }
    }
    out
}

/// The CPU time this process has used, user and system.
fn cpu_time() -> Duration {
    // SAFETY: `getrusage` only writes the struct it is given, which is zeroed and ours.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// This process's peak resident set (`VmHWM` in `/proc/self/status`), in KiB.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
