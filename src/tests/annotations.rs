//! `--message-format github`: one workflow command per finding, with properties and message
//! escaped so that the runner reads back exactly the path, title and text.

use std::fs;

use crate::common::{binary, binary_in, marked, stdout_of};

/// A parsed `::level key=value,...::message` line, unescaped as the runner does.
#[derive(Debug)]
struct Annotation {
    level: String,
    properties: Vec<(String, String)>,
    message: String,
}

impl Annotation {
    fn get(&self, key: &str) -> &str {
        self.properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no `{key}` in {self:?}"))
    }
}

/// The runner's unescaping: the reverse of escaping `%` first.
fn unescape(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn parse(line: &str) -> Annotation {
    let rest = line.strip_prefix("::").expect("a workflow command");
    let (command, message) = rest.split_once("::").expect("a message");
    // Raw `,`, `:`, CR and LF would break the command; escaped ones are fine.
    assert!(!message.contains(['\r', '\n']), "{line}");
    let (level, properties) = command.split_once(' ').expect("properties");
    assert!(!properties.contains(':'), "unescaped `:` in {properties}");
    let properties = properties
        .split(',')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("key=value");
            (k.to_owned(), unescape(v))
        })
        .collect();
    Annotation {
        level: level.to_owned(),
        properties,
        message: unescape(message),
    }
}

#[test]
fn one_annotation_per_finding_with_its_range() {
    let out = stdout_of(
        &binary(&[
            "check",
            "test-fixtures/over_copy",
            "--message-format",
            "github",
        ]),
        0,
    );
    let annotations: Vec<Annotation> = out.lines().map(parse).collect();
    assert_eq!(annotations.len(), marked("over_copy", "over_copy"));
    let first = &annotations[0];
    assert_eq!(first.level, "warning");
    assert_eq!(first.get("file"), "test-fixtures/over_copy/src/lib.rs");
    assert_eq!(first.get("title"), "contention::over_copy");
    assert_eq!((first.get("line"), first.get("endLine")), ("10", "10"));
    assert_eq!((first.get("col"), first.get("endColumn")), ("15", "22"));
    assert!(first.message.contains("\nhelp: "), "{:?}", first.message);
}

#[test]
fn deny_level_findings_are_errors() {
    let output = binary(&[
        "check",
        "test-fixtures/over_copy",
        "--message-format",
        "github",
        "-D",
        "over_copy",
    ]);
    let out = stdout_of(&output, 1);
    assert!(out.lines().all(|line| parse(line).level == "error"));
}

#[test]
fn awkward_paths_and_messages_survive_escaping() {
    let temp = tempfile::tempdir().unwrap();
    // A file name with every character that needs escaping in a property, and a finding
    // whose message carries the file's (broken) text with a `%`.
    let name = "50%, a:b.rs";
    fs::write(temp.path().join(name), "fn f() { let x = 100%; }\n").unwrap();
    let output = binary_in(temp.path(), &["check", name, "--message-format", "github"]);
    let out = stdout_of(&output, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(lines[0].contains("file=50%25%2C a%3Ab.rs,"), "{}", lines[0]);
    let annotation = parse(lines[0]);
    assert_eq!(annotation.level, "error");
    assert_eq!(annotation.get("file"), name);
    assert_eq!(annotation.get("title"), "contention::parse_error");
}
