//! Exit statuses and errors of the binary: 0 clean, 1 a deny-level finding, 2 a usage or I/O
//! error reported in exactly one line on stderr; a closed pipe is not an error.

use std::fs;
use std::process::{Command, Output, Stdio};

use crate::common::{binary, binary_in};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts exit status 2, nothing on stdout and one `error: ` line on stderr containing `what`.
fn assert_fails(output: &Output, what: &str) {
    let stderr = stderr(output);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        output.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr:?}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains(what), "expected {what:?} in {stderr:?}");
}

#[test]
fn clean_crate_exits_zero() {
    let output = binary(&["check", "test-fixtures/workspace"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty());
}

#[test]
fn cargo_style_invocation_works() {
    let output = binary(&["contention", "check", "test-fixtures/workspace"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn deny_level_finding_exits_one() {
    // `parse_error` is at warn in this package (workspace configuration).
    let relaxed = ["check", "test-fixtures/config", "-p", "relaxed"];
    assert_eq!(binary(&relaxed).status.code(), Some(0));
    let denied = binary(&[&relaxed[..], &["-D", "parse_error"]].concat());
    assert_eq!(denied.status.code(), Some(1));
    assert!(denied.stderr.is_empty(), "{}", stderr(&denied));
    let denied_all = binary(&[&relaxed[..], &["-D", "all"]].concat());
    assert_eq!(denied_all.status.code(), Some(1));
}

#[test]
fn missing_manifest_is_one_line() {
    let output = binary(&["check", "--manifest-path", "no/such/Cargo.toml"]);
    assert_fails(&output, "could not read manifest `no/such/Cargo.toml`");
}

#[test]
fn invalid_manifest_is_one_line() {
    let temp = tempfile::tempdir().unwrap();
    fs::write(temp.path().join("Cargo.toml"), "[package]\nname = \n").unwrap();
    let output = binary_in(temp.path(), &["check"]);
    assert_fails(&output, "could not read manifest");
}

#[test]
fn no_manifest_anywhere_is_one_line() {
    let temp = tempfile::tempdir().unwrap();
    let output = binary_in(temp.path(), &["check"]);
    assert_fails(&output, "could not find `Cargo.toml`");
}

#[test]
fn missing_path_is_one_line() {
    let output = binary(&["check", "test-fixtures/no-such-dir"]);
    assert_fails(&output, "path `test-fixtures/no-such-dir` does not exist");
}

#[test]
fn unknown_lint_is_one_line() {
    let output = binary(&["check", "test-fixtures/workspace", "-W", "no_such_lint"]);
    assert_fails(&output, "unknown lint `no_such_lint`");
    assert_eq!(stderr(&output), "error: unknown lint `no_such_lint`\n");
}

#[test]
fn unknown_package_is_one_line() {
    let output = binary(&["check", "test-fixtures/workspace", "-p", "gamma"]);
    assert_fails(&output, "package `gamma` not found");
}

#[test]
fn usage_errors_are_one_line() {
    assert_fails(&binary(&["check", "--frobnicate"]), "--frobnicate");
    assert_fails(
        &binary(&["check", "--workspace", "-p", "alpha"]),
        "--workspace",
    );
    assert_fails(&binary(&["check", "--message-format", "xml"]), "xml");
    assert_fails(&binary(&[]), "subcommand");
    assert_fails(
        &binary(&[
            "check",
            "test-fixtures/workspace",
            "--statistics",
            "--message-format",
            "json",
        ]),
        "--statistics",
    );
    for format in ["sarif", "github"] {
        assert_fails(
            &binary(&[
                "check",
                "test-fixtures/workspace",
                "--statistics",
                "--message-format",
                format,
            ]),
            &format!("`--message-format {format}`"),
        );
    }
    assert_fails(
        &binary(&[
            "check",
            "test-fixtures/module-tree/src/common.rs",
            "--workspace",
        ]),
        "--workspace",
    );
}

#[test]
fn help_and_version_exit_zero() {
    for flag in ["--help", "--version"] {
        let output = binary(&[flag]);
        assert_eq!(output.status.code(), Some(0));
        assert!(!output.stdout.is_empty());
    }
    let help = binary(&["check", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("--message-format"));
}

#[test]
fn closed_pipe_exits_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-contention"))
        .args(["check", "test-fixtures/bad-input"])
        .current_dir(crate::common::repo())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the report is written, as `| head -0` would.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    assert_eq!(output.status.code(), Some(0));
}
