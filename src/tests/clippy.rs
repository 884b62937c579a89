//! `--with-clippy`: clippy's JSON messages and this tool's in one cargo message stream ending
//! with one `build-finished`, as rust-analyzer's `check.overrideCommand` reads it.

use std::fs;
use std::io::BufReader;
use std::process::Command;

use cargo_metadata::Message;

use crate::common::{binary_in, fixture_copy, marked, stdout_of};

/// A copy of the `over_copy` fixture with `code` appended to its `src/lib.rs`.
fn over_copy_with(code: &str) -> tempfile::TempDir {
    let crate_dir = fixture_copy("over_copy");
    let lib = crate_dir.path().join("src/lib.rs");
    let text = fs::read_to_string(&lib).unwrap();
    fs::write(&lib, format!("{text}\n{code}")).unwrap();
    crate_dir
}

fn clippy_available() -> bool {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .args(["clippy", "--version"])
        .output()
        .is_ok_and(|output| output.status.success())
}

#[test]
fn clippy_messages_are_merged_into_one_stream() {
    if !clippy_available() {
        println!("skipped: `cargo clippy` is not installed (rustup component add clippy)");
        return;
    }
    // Something clippy warns about (a deny-by-default lint would fail the build) and this
    // tool does not.
    let crate_dir = over_copy_with("pub fn answer() -> u32 {\n    return 42;\n}\n");
    let dir = crate_dir.path();
    let output = binary_in(dir, &["check", "--message-format", "json", "--with-clippy"]);
    let out = stdout_of(&output, 0);
    let messages: Vec<Message> = Message::parse_stream(BufReader::new(out.as_bytes()))
        .collect::<Result<_, _>>()
        .expect("every line is a cargo message");
    let codes: Vec<String> = messages
        .iter()
        .filter_map(|m| match m {
            Message::CompilerMessage(m) => m.message.code.as_ref().map(|c| c.code.clone()),
            _ => None,
        })
        .collect();
    assert!(
        codes.iter().any(|c| c == "clippy::needless_return"),
        "clippy's diagnostic passes through: {codes:?}"
    );
    assert_eq!(
        codes
            .iter()
            .filter(|c| *c == "contention::over_copy")
            .count(),
        marked("over_copy", "over_copy"),
        "{codes:?}"
    );
    let finished: Vec<&Message> = messages
        .iter()
        .filter(|m| matches!(m, Message::BuildFinished(_)))
        .collect();
    assert_eq!(finished.len(), 1, "exactly one build-finished");
    match messages.last() {
        Some(Message::BuildFinished(f)) => assert!(f.success),
        other => panic!("the stream does not end with build-finished: {other:?}"),
    }
}

#[test]
fn a_crate_clippy_cannot_build_makes_the_build_fail() {
    if !clippy_available() {
        println!("skipped: `cargo clippy` is not installed (rustup component add clippy)");
        return;
    }
    let crate_dir = over_copy_with("pub fn broken() -> u32 { \"no\" }\n");
    let dir = crate_dir.path();
    let output = binary_in(dir, &["check", "--message-format", "json", "--with-clippy"]);
    let out = stdout_of(&output, 0);
    let last = out.lines().last().unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(last).unwrap(),
        serde_json::json!({"reason": "build-finished", "success": false})
    );
    assert!(
        out.contains("\"level\":\"error\""),
        "rustc's error passes through"
    );
}

#[test]
fn with_clippy_needs_json_and_packages() {
    let crate_dir = fixture_copy("over_copy");
    for (args, expected) in [
        (&["check", "--with-clippy"][..], "--message-format json"),
        (
            &["check", "src", "--with-clippy", "--message-format", "json"],
            "instead of PATH",
        ),
        (
            &[
                "check",
                "--with-clippy",
                "--message-format",
                "json",
                "--fix",
            ],
            "--fix",
        ),
    ] {
        let output = binary_in(crate_dir.path(), args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{stderr}");
        assert_eq!(stderr.lines().count(), 1);
    }
}
