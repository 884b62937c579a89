//! `cargo contention`: finds the code shapes that make multi-threaded Rust slow.
//!
//! This crate is the command around the analysis in `contention-lints`: it parses the command
//! line ([`cli`]), finds the crates to check ([`discover`]) and their settings ([`config`]), runs
//! the analysis ([`check`]), prices each finding's cost with the machine's measured costs
//! ([`estimate`]) and prints the findings ([`output`]). Around that: applying fixes ([`fix`]),
//! baselines ([`baseline`]), clippy's messages for editors ([`clippy`]), the lint documentation
//! ([`explain`]) and measuring the machine's costs ([`calibrate`]), with the estimates held to
//! the paired benchmarks' measurements ([`proof`]). `main.rs` only turns the result of [`run`]
//! into an exit code.

pub mod baseline;
mod cache;
pub mod calibrate;
pub mod check;
pub mod cli;
mod clippy;
pub mod config;
pub mod discover;
mod error;
pub mod estimate;
pub mod explain;
pub mod fix;
pub mod output;
pub mod proof;
pub mod source;
pub mod targets;

use std::io::{self, Write};

use baseline::Baseline;

pub use error::Error;

/// How a successful run ended, which decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No finding at `deny` level: exit status 0.
    Clean,
    /// At least one finding at `deny` level: exit status 1.
    Denied,
}

impl Status {
    /// The process exit status for this outcome.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Clean => 0,
            Status::Denied => 1,
        }
    }
}

/// The exit status of a usage or I/O error.
pub const ERROR_EXIT_CODE: u8 = 2;

/// Runs a parsed command, writing its report to `out`. `out_is_terminal` decides whether
/// `--color auto` colours the output. What `--fix` changed goes to stderr, as `cargo fix`
/// reports it, so that it never mixes with a machine-readable report.
pub fn run(
    command: cli::Command,
    out: &mut dyn Write,
    out_is_terminal: bool,
) -> Result<Status, Error> {
    match command {
        cli::Command::Check(args) => check(&args, out, out_is_terminal),
        cli::Command::Bench(args) => {
            contention_bench::run(&args).map_err(Error::Bench)?;
            Ok(Status::Clean)
        }
        cli::Command::Calibrate(args) => calibrate::run(&args, out).map(|()| Status::Clean),
        cli::Command::Explain(args) => explain::explain(&args, out).map(|()| Status::Clean),
        cli::Command::Lints(args) => explain::list(&args, out).map(|()| Status::Clean),
    }
}

fn check(
    args: &cli::CheckArgs,
    out: &mut dyn Write,
    out_is_terminal: bool,
) -> Result<Status, Error> {
    validate_modes(args)?;
    output::validate(args)?;
    if let Some(path) = &args.write_baseline {
        return write_baseline(args, path, out);
    }
    let baseline = args.baseline.as_deref().map(Baseline::read).transpose()?;
    let fixed = if args.fix {
        let outcome = fix::run(args, baseline.as_ref())?;
        outcome
            .report(&mut io::stderr().lock())
            .map_err(Error::Output)?;
        outcome.remaining
    } else {
        None
    };
    let clippy_success = if args.with_clippy {
        Some(clippy::run(args, out)?)
    } else {
        None
    };
    let report = match fixed {
        Some(report) => report,
        None => {
            let mut report = check::run(args)?;
            if let Some(baseline) = &baseline {
                baseline.remove_known(&mut report);
            }
            report
        }
    };
    let color = args.color.enabled(out_is_terminal);
    output::print(&report, args, color, clippy_success, out)?;
    Ok(if report.has_denied() {
        Status::Denied
    } else {
        Status::Clean
    })
}

/// `--write-baseline`: records every finding and says how many. The findings are accepted, so
/// the run is clean.
fn write_baseline(
    args: &cli::CheckArgs,
    path: &std::path::Path,
    out: &mut dyn Write,
) -> Result<Status, Error> {
    let baseline = Baseline::of(&check::run(args)?);
    baseline.write(path)?;
    let findings = if baseline.len() == 1 {
        "finding"
    } else {
        "findings"
    };
    writeln!(
        out,
        "recorded {} {findings} in `{}`",
        baseline.len(),
        path.display()
    )
    .map_err(Error::Output)?;
    Ok(Status::Clean)
}

/// Rejects the combinations of `check`'s modes that do not make sense together.
fn validate_modes(args: &cli::CheckArgs) -> Result<(), Error> {
    let usage = |message: &str| Err(Error::Usage(message.to_owned()));
    if args.write_baseline.is_some() {
        for (given, flag) in [
            (args.baseline.is_some(), "--baseline"),
            (args.fix, "--fix"),
            (args.statistics, "--statistics"),
            (args.with_clippy, "--with-clippy"),
        ] {
            if given {
                return usage(&format!(
                    "`--write-baseline` records the findings instead of reporting them and \
                     cannot be combined with `{flag}`"
                ));
            }
        }
    }
    if args.with_clippy && args.fix {
        return usage(
            "`--with-clippy` is for editors reading JSON and cannot be combined with `--fix`",
        );
    }
    if args.with_clippy && !args.paths.is_empty() {
        return usage(
            "`--with-clippy` runs clippy on packages: select them with `--manifest-path`, \
             `--workspace` or `-p` instead of PATH",
        );
    }
    Ok(())
}
