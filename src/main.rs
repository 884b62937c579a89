//! The `cargo-contention` binary: parses arguments, runs the library, and turns the outcome into
//! an exit status (0 clean, 1 a finding at deny level, 2 an error, reported in one line).

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use cargo_contention::{ERROR_EXIT_CODE, Status, cli};

fn main() -> ExitCode {
    match run() {
        Ok(status) => ExitCode::from(status.exit_code()),
        // `cargo contention check | head -1`: the reader has all it wanted.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let message = format!("{error:#}");
            let one_line: Vec<&str> = message
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .collect();
            let one_line = one_line.join(" ");
            let _ = writeln!(io::stderr(), "error: {one_line}");
            ExitCode::from(ERROR_EXIT_CODE)
        }
    }
}

fn run() -> anyhow::Result<Status> {
    let command = match cli::parse(std::env::args_os()) {
        Ok(command) => command,
        Err(error) if !error.use_stderr() => {
            // `--help` and `--version`.
            error.print().context("could not print the help")?;
            return Ok(Status::Clean);
        }
        Err(error) => anyhow::bail!(cli::one_line_error(&error)),
    };
    let stdout = io::stdout();
    let is_terminal = stdout.is_terminal();
    let mut out = io::BufWriter::new(stdout.lock());
    let status = cargo_contention::run(command, &mut out, is_terminal)?;
    out.flush().context("could not write the report")?;
    Ok(status)
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<cargo_contention::Error>()
                .is_some_and(cargo_contention::Error::is_broken_pipe)
    })
}
