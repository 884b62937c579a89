//! `--message-format json`: cargo's message stream, read back with `cargo_metadata`'s parser,
//! with spans whose byte offsets, lines and character columns agree with the files.

use std::fs;
use std::io::BufReader;
use std::path::Path;

use cargo_metadata::diagnostic::{Diagnostic, DiagnosticLevel, DiagnosticSpan};
use cargo_metadata::{CompilerMessage, Message};
use contention_lints::registry;

use crate::common::{binary, repo};

/// Runs the binary with JSON output.
fn json_output(args: &[&str]) -> Vec<u8> {
    let mut all = vec!["check", "--message-format", "json"];
    all.extend_from_slice(args);
    let output = binary(&all);
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Runs the binary with JSON output and parses every line as cargo's `Message`.
fn messages(args: &[&str]) -> (Vec<CompilerMessage>, bool) {
    let output = json_output(args);
    let parsed: Vec<Message> = Message::parse_stream(BufReader::new(&output[..]))
        .collect::<Result<_, _>>()
        .expect("every line parses as a cargo message");
    let (last, rest) = parsed.split_last().expect("at least build-finished");
    let Message::BuildFinished(finished) = last else {
        panic!("the last message is not build-finished: {last:?}");
    };
    let compiler = rest
        .iter()
        .map(|message| match message {
            Message::CompilerMessage(m) => m.clone(),
            other => panic!("unexpected message {other:?}"),
        })
        .collect();
    (compiler, finished.success)
}

/// 1-based line and character column of byte `offset` in `text`, counted independently of the
/// code under test.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Checks one span against the file it names, relative to `workspace_root`.
fn check_span(span: &DiagnosticSpan, workspace_root: &Path) {
    let path = workspace_root.join(&span.file_name);
    let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (start, end) = (span.byte_start as usize, span.byte_end as usize);
    let Ok(text) = String::from_utf8(bytes) else {
        // An unreadable file is reported at its start.
        assert_eq!(
            (start, end, span.line_start, span.column_start),
            (0, 0, 1, 1)
        );
        return;
    };
    assert!(start <= end && end <= text.len(), "{span:?}");
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{span:?}"
    );
    assert_eq!(
        line_column(&text, start),
        (span.line_start, span.column_start),
        "{span:?}"
    );
    assert_eq!(
        line_column(&text, end),
        (span.line_end, span.column_end),
        "{span:?}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(span.text.len(), span.line_end - span.line_start + 1);
    for (line, shown) in (span.line_start..).zip(&span.text) {
        assert_eq!(shown.text, lines[line - 1]);
    }
    if span.line_start == span.line_end {
        let shown = &span.text[0];
        let highlighted: String = shown
            .text
            .chars()
            .skip(shown.highlight_start - 1)
            .take(shown.highlight_end - shown.highlight_start)
            .collect();
        assert_eq!(highlighted, &text[start..end]);
    }
}

fn all_spans(diagnostic: &Diagnostic) -> Vec<&DiagnosticSpan> {
    let mut spans: Vec<&DiagnosticSpan> = diagnostic.spans.iter().collect();
    for child in &diagnostic.children {
        spans.extend(all_spans(child));
    }
    spans
}

#[test]
fn messages_parse_and_spans_agree_with_the_files() {
    let (messages, success) = messages(&["test-fixtures/bad-input"]);
    assert!(!success, "parse errors are at deny level");
    assert_eq!(messages.len(), 4);
    let root = repo().join("test-fixtures/bad-input");
    for message in &messages {
        assert!(
            message.package_id.repr.contains("bad-input"),
            "{}",
            message.package_id
        );
        assert_eq!(message.target.name, "bad_input");
        assert_eq!(message.target.src_path, root.join("src/lib.rs"));
        let diagnostic = &message.message;
        let code = diagnostic.code.as_ref().expect("a code");
        let lint = code
            .code
            .strip_prefix("contention::")
            .and_then(registry::find)
            .unwrap_or_else(|| panic!("unknown code {}", code.code));
        assert_eq!(code.explanation.as_deref(), Some(lint.docs));
        assert!(matches!(
            diagnostic.level,
            DiagnosticLevel::Error | DiagnosticLevel::Warning
        ));
        assert_eq!(diagnostic.spans.iter().filter(|s| s.is_primary).count(), 1);
        let rendered = diagnostic.rendered.as_deref().expect("rendered");
        assert!(rendered.contains(&format!("[{}]: {}", lint.name, diagnostic.message)));
        assert!(!rendered.contains('\u{1b}'), "rendered text has no colour");
        for span in all_spans(diagnostic) {
            assert!(
                !span.file_name.starts_with('/'),
                "relative to the workspace root"
            );
            check_span(span, &root);
        }
        for child in &diagnostic.children {
            assert!(matches!(
                child.level,
                DiagnosticLevel::Note | DiagnosticLevel::Help
            ));
        }
    }
}

#[test]
fn messages_name_the_manifest_and_end_with_build_finished() {
    let output = json_output(&["test-fixtures/bad-input"]);
    let lines: Vec<serde_json::Value> = output
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).expect("one JSON object per line"))
        .collect();
    let manifest = repo().join("test-fixtures/bad-input/Cargo.toml");
    let (last, findings) = lines.split_last().unwrap();
    assert_eq!(
        last,
        &serde_json::json!({"reason": "build-finished", "success": false})
    );
    for line in findings {
        assert_eq!(line["reason"], "compiler-message");
        assert_eq!(line["manifest_path"], manifest.to_str().unwrap());
        assert_eq!(line["message"]["$message_type"], "diagnostic");
        assert!(line["message"]["spans"][0]["expansion"].is_null());
    }
}

#[test]
fn columns_count_characters_not_bytes() {
    let (messages, _) = messages(&["test-fixtures/bad-input"]);
    let span = messages
        .iter()
        .flat_map(|m| &m.message.spans)
        .find(|span| span.file_name == "src/multibyte.rs")
        .expect("a finding in multibyte.rs");
    let line = &span.text[0].text;
    let line_start = fs::read_to_string(repo().join("test-fixtures/bad-input/src/multibyte.rs"))
        .unwrap()
        .find(line.as_str())
        .unwrap();
    let byte_column = span.byte_start as usize - line_start + 1;
    assert!(
        span.column_start < byte_column,
        "{} vs {byte_column}",
        span.column_start
    );
}

#[test]
fn clean_run_is_only_build_finished() {
    let (messages, success) = messages(&["test-fixtures/workspace"]);
    assert!(messages.is_empty());
    assert!(success);
}

#[test]
fn warnings_do_not_fail_the_build() {
    let (messages, success) = messages(&["test-fixtures/config", "-W", "all"]);
    assert_eq!(messages.len(), 2);
    assert!(
        messages
            .iter()
            .all(|m| m.message.level == DiagnosticLevel::Warning)
    );
    assert!(success);
}

#[test]
fn plain_paths_get_a_synthesised_package() {
    let (messages, _) = messages(&["test-fixtures/bad-input/src/broken.rs"]);
    let [message] = &messages[..] else {
        panic!("one finding expected: {messages:?}");
    };
    let file = repo().join("test-fixtures/bad-input/src/broken.rs");
    assert!(
        message.package_id.repr.starts_with("path+file://"),
        "{}",
        message.package_id
    );
    assert_eq!(message.target.src_path, file);
    assert_eq!(
        message.message.spans[0].file_name,
        "test-fixtures/bad-input/src/broken.rs"
    );
    check_span(&message.message.spans[0], repo());
}

/// The showcase with every lint allowed but the one named after these arguments.
const PRICED: [&str; 4] = ["test-fixtures/showcase", "-A", "all", "-W"];

#[test]
fn the_estimate_is_an_extra_field_of_the_message_that_cargo_metadata_reads_past() {
    let mut args = PRICED.to_vec();
    args.extend(["mutex_scalar", "--costs", "uncalibrated/costs.json"]);
    // Priced with the reference figures: the costs file named is never there.
    let output = json_output(&args);
    let first = output.split(|&b| b == b'\n').next().unwrap();
    let line: serde_json::Value = serde_json::from_slice(first).unwrap();
    let estimate = &line["message"]["estimate"];
    let reference = contention_bench::Costs::reference();
    let figure = |name: &str| reference.figure(name).unwrap().value;
    assert_eq!(estimate["what"], "a lock taken and released per access");
    assert_eq!(estimate["per"], "access");
    assert_eq!(estimate["alone_ns"], figure("mutex_uncontended"));
    assert_eq!(estimate["contended"]["threads"], 2);
    assert_eq!(estimate["contended"]["ns"], figure("mutex_contended"));
    assert_eq!(
        estimate["figures"],
        serde_json::json!(["mutex_uncontended", "mutex_contended"])
    );
    assert_eq!(estimate["source"], "reference");
    assert!(
        estimate["basis"]
            .as_str()
            .unwrap()
            .contains("no calibration at uncalibrated/costs.json")
    );
    // Children have none; the note is also a child, for readers that show only rustc's.
    let children = line["message"]["children"].as_array().unwrap();
    assert!(children.iter().all(|child| child.get("estimate").is_none()));
    assert!(
        children
            .iter()
            .any(|child| child["message"] == estimate["note"])
    );

    // cargo_metadata reads the message, the estimate left out, and its note as a child.
    let (messages, _) = messages(&args);
    let diagnostic = &messages[0].message;
    assert_eq!(diagnostic.message, line["message"]["message"]);
    assert!(
        diagnostic
            .children
            .iter()
            .any(|child| child.level == DiagnosticLevel::Note && child.message == estimate["note"])
    );
}

#[test]
fn findings_without_a_model_carry_no_estimate_field() {
    let mut args = PRICED.to_vec();
    args.push("single_lock_map");
    let output = json_output(&args);
    let first = output.split(|&b| b == b'\n').next().unwrap();
    let line: serde_json::Value = serde_json::from_slice(first).unwrap();
    assert_eq!(
        line["message"]["code"]["code"],
        "contention::single_lock_map"
    );
    assert!(line["message"].get("estimate").is_none(), "{line}");
}
