//! `--with-clippy`: runs `cargo clippy --message-format=json` on the same packages and passes
//! its messages through, so that one `check.overrideCommand` gives rust-analyzer both tools'
//! diagnostics (an override replaces `cargo check`, and with it clippy's diagnostics).
//!
//! Every line of clippy's stream is copied as it comes (compiler messages, artifacts, build
//! script output) except its `build-finished`: the stream must end with exactly one, written
//! after this tool's own findings, whose `success` covers both.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use crate::Error;
use crate::cli::CheckArgs;

/// Runs clippy on the packages `args` selects, copying its messages to `out`; returns whether
/// clippy's build succeeded.
pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<bool, Error> {
    // cargo tells the subcommands it runs which cargo it is; a bare `cargo` is the fallback.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(cargo);
    command.args(["clippy", "--all-targets", "--message-format=json"]);
    if let Some(manifest) = &args.manifest_path {
        command.arg("--manifest-path").arg(manifest);
    }
    if args.workspace {
        command.arg("--workspace");
    }
    for package in &args.packages {
        command.args(["--package", package]);
    }
    // Progress and errors of cargo itself stay on stderr, where editors log them.
    command.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let mut child = command.spawn().map_err(|e| Error::Clippy(e.to_string()))?;
    let copied = copy_messages(&mut child, out);
    if copied.is_err() {
        // Nobody reads the rest (a closed pipe, say): do not leave clippy running.
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| Error::Clippy(e.to_string()))?;
    match copied? {
        Some(success) => Ok(success && status.success()),
        // Without `build-finished`, clippy did not run at all (not installed, a bad manifest).
        None => Err(Error::Clippy(format!(
            "it exited with {status} without finishing a build (is clippy installed? \
             `rustup component add clippy`)"
        ))),
    }
}

/// Copies the child's stdout to `out` line by line, holding back `build-finished`, whose
/// `success` is returned.
fn copy_messages(child: &mut Child, out: &mut dyn Write) -> Result<Option<bool>, Error> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut finished = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| Error::Clippy(e.to_string()))?;
        if let Some(success) = build_finished(&line) {
            finished = Some(success);
            continue;
        }
        writeln!(out, "{line}").map_err(Error::Output)?;
    }
    Ok(finished)
}

/// The `success` of a `{"reason":"build-finished",...}` line.
fn build_finished(line: &str) -> Option<bool> {
    let message: serde_json::Value = serde_json::from_str(line).ok()?;
    (message["reason"] == "build-finished").then(|| message["success"].as_bool() == Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_build_finished_is_held_back() {
        assert_eq!(
            build_finished(r#"{"reason":"build-finished","success":true}"#),
            Some(true)
        );
        assert_eq!(
            build_finished(r#"{"reason":"build-finished","success":false}"#),
            Some(false)
        );
        assert_eq!(
            build_finished(r#"{"reason":"compiler-message","message":{}}"#),
            None
        );
        assert_eq!(build_finished("build-finished"), None);
    }
}
