//! `cargo contention`: finds the code shapes that make multi-threaded Rust slow.
//!
//! This crate is the command around the analysis in `contention-lints`: it parses the command
//! line ([`cli`]), finds the crates to check ([`discover`]) and their settings ([`config`]), runs
//! the analysis ([`check`]) and prints the findings ([`output`]). `main.rs` only turns the result
//! of [`run`] into an exit code.

pub mod check;
pub mod cli;
pub mod config;
pub mod discover;
mod error;
pub mod output;
pub mod source;

use std::io::Write;

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
/// `--color auto` colours the output.
pub fn run(
    command: cli::Command,
    out: &mut dyn Write,
    out_is_terminal: bool,
) -> Result<Status, Error> {
    match command {
        cli::Command::Check(args) => {
            output::validate(&args)?;
            let report = check::run(&args)?;
            let color = args.color.enabled(out_is_terminal);
            output::print(&report, &args, color, out)?;
            Ok(if report.has_denied() {
                Status::Denied
            } else {
                Status::Clean
            })
        }
        cli::Command::Bench(args) => {
            contention_bench::run(&args).map_err(Error::Bench)?;
            Ok(Status::Clean)
        }
    }
}
