//! Runs the paired benchmarks from a checkout, with the same arguments as
//! `cargo contention bench`:
//!
//! ```text
//! cargo run --release -p contention-bench --example bench -- --quick --json out.json
//! ```

use std::process::ExitCode;

use clap::Parser;
use contention_bench::BenchArgs;

/// Measure each lint's flagged shape against its fix.
#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Cli {
    #[command(flatten)]
    args: BenchArgs,
}

fn main() -> ExitCode {
    match contention_bench::run(&Cli::parse().args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
