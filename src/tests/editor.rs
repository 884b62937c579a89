//! The editor integration for real: rust-analyzer, driven over LSP (JSON-RPC on stdin and
//! stdout), runs `cargo-contention check --message-format json` as its
//! `check.overrideCommand` on a fixture crate and must publish the findings as diagnostics
//! for the code `contention::<lint>` at the right ranges, with a quick fix for a
//! machine-applicable suggestion. rust-analyzer splits a `tool::lint` code as it does
//! clippy's: the LSP diagnostic has `source: "contention"` and `code: "<lint>"`, and the editor
//! shows `contention(<lint>)`.
//!
//! Runs when a rust-analyzer binary is found: `CONTENTION_RUST_ANALYZER`, else
//! `rust-analyzer` on `PATH` (rustup's proxy without the component does not count); otherwise
//! it says it was skipped. `cargo install ra_ap_rust-analyzer --locked` builds one.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{fixture_copy, stdout_of};

/// How long rust-analyzer gets to load the crate, run the check and answer.
const PATIENCE: Duration = Duration::from_secs(180);

/// The rust-analyzer to drive, if there is one that runs.
fn rust_analyzer() -> Option<String> {
    let candidate = std::env::var("CONTENTION_RUST_ANALYZER")
        .ok()
        .filter(|path| !path.is_empty())
        .unwrap_or_else(|| "rust-analyzer".to_owned());
    let runs = Command::new(&candidate)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    runs.then_some(candidate)
}

/// A language-server client over a child's stdin and stdout.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
    /// Where the server's log goes, to show when something does not arrive.
    log: tempfile::NamedTempFile,
    /// The methods of the notifications seen, in order, for the same purpose.
    seen: Vec<String>,
}

impl Client {
    fn start(program: &str, dir: &Path) -> Client {
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut child = Command::new(program)
            .current_dir(dir)
            .env("RA_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log.reopen().unwrap())
            .spawn()
            .expect("rust-analyzer starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
            log,
            seen: Vec::new(),
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The next message from the server before `until`, answering the server's own requests
    /// (progress tokens, capability registration) on the way.
    fn next(&mut self, until: Instant) -> Option<Value> {
        let left = until.saturating_duration_since(Instant::now());
        let message = self.messages.recv_timeout(left).ok()?;
        if let Some(method) = message["method"].as_str() {
            self.seen.push(method.to_owned());
        }
        if message.get("method").is_some() && message.get("id").is_some() {
            let id = message["id"].clone();
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
        Some(message)
    }

    /// The first message from the server for which `wanted` returns something.
    fn wait_for<T>(&mut self, deadline: Instant, mut wanted: impl FnMut(&Value) -> Option<T>) -> T {
        loop {
            let message = self.next(deadline).expect("rust-analyzer answered in time");
            if let Some(found) = wanted(&message) {
                return found;
            }
        }
    }

    fn response(&mut self, id: u64, deadline: Instant) -> Value {
        self.wait_for(deadline, |message| {
            (message.get("method").is_none() && message["id"] == id).then(|| {
                assert!(message.get("error").is_none(), "{message}");
                message["result"].clone()
            })
        })
    }

    /// What the server did, for a failure message: the notifications seen and the end of its
    /// log.
    fn story(&self) -> String {
        let log = std::fs::read_to_string(self.log.path()).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("messages: {:?}\nlog (end):\n{}", self.seen, tail.join("\n"))
    }

    /// Asks the server to shut down and exit, as an editor does; [`Drop`] kills it if it has
    /// not exited within five seconds.
    fn shut_down(mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let id = self.request("shutdown", Value::Null);
        self.response(id, deadline);
        self.notify("exit", Value::Null);
        for _ in 0..50 {
            if self.child.try_wait().unwrap().is_some() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Client {
    /// A failed assertion must not leave rust-analyzer running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// `(line, character)` pairs, 0-based, of the primary spans the JSON output reports: where the
/// diagnostics must appear in the editor (the fixture is ASCII, so UTF-16 and characters agree).
fn expected_ranges(dir: &Path) -> Vec<(u64, u64, u64, u64)> {
    let out = stdout_of(
        &crate::common::binary_in(dir, &["check", "--message-format", "json"]),
        0,
    );
    let mut ranges: Vec<(u64, u64, u64, u64)> = out
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|message| message["reason"] == "compiler-message")
        .map(|message| {
            let span = &message["message"]["spans"][0];
            let at = |key: &str| span[key].as_u64().unwrap() - 1;
            (
                at("line_start"),
                at("column_start"),
                at("line_end"),
                at("column_end"),
            )
        })
        .collect();
    ranges.sort_unstable();
    ranges
}

fn range_of(diagnostic: &Value) -> (u64, u64, u64, u64) {
    let range = &diagnostic["range"];
    let at = |end: &str, key: &str| range[end][key].as_u64().unwrap();
    (
        at("start", "line"),
        at("start", "character"),
        at("end", "line"),
        at("end", "character"),
    )
}

/// The skip message when no rust-analyzer runs here.
const NO_RUST_ANALYZER: &str = "skipped: no rust-analyzer found (set CONTENTION_RUST_ANALYZER \
     or put one on PATH; `cargo install ra_ap_rust-analyzer --locked` builds one)";

/// rust-analyzer started on the crate at `dir` with `override_command` as
/// `check.overrideCommand` (the README's setting), `src/lib.rs` opened and saved until a
/// publication of its diagnostics satisfies `done`; returns the client and that publication.
fn session(
    rust_analyzer: &str,
    dir: &Path,
    override_command: &[&str],
    done: impl Fn(&[Value]) -> bool,
) -> (Client, Vec<Value>) {
    let lib = dir.join("src/lib.rs");
    let lib_uri = file_uri(&lib);
    let text = std::fs::read_to_string(&lib).unwrap();
    let mut client = Client::start(rust_analyzer, dir);
    let deadline = Instant::now() + PATIENCE;
    let init = client.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": file_uri(dir),
            "workspaceFolders": [{"uri": file_uri(dir), "name": "fixture"}],
            "capabilities": {
                "textDocument": {
                    "synchronization": {"didSave": true},
                    "publishDiagnostics": {"relatedInformation": true},
                    "codeAction": {
                        "codeActionLiteralSupport": {
                            "codeActionKind": {"valueSet": ["", "quickfix", "refactor"]}
                        }
                    }
                },
                "window": {"workDoneProgress": true}
            },
            "initializationOptions": {
                "check": {"overrideCommand": override_command},
                "checkOnSave": true,
                // Nothing else to load: no standard library sources, build scripts or macros.
                "cargo": {"sysroot": null, "buildScripts": {"enable": false}},
                "procMacro": {"enable": false},
                "cachePriming": {"enable": false}
            }
        }),
    );
    let capabilities = client.response(init, deadline);
    assert!(capabilities["capabilities"]["codeActionProvider"].is_object());
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": lib_uri, "languageId": "rust", "version": 1, "text": text}}),
    );

    // Saving runs the check; save again now and then until the workspace has loaded and the
    // diagnostics come. They are published as the check's messages stream in, so a
    // publication may hold only some of them.
    let mut next_save = Instant::now();
    let mut last_published = Value::Null;
    loop {
        assert!(
            Instant::now() < deadline,
            "no diagnostics within {PATIENCE:?}; last published: {last_published:#}; {}",
            client.story()
        );
        if Instant::now() >= next_save {
            client.notify(
                "textDocument/didSave",
                json!({"textDocument": {"uri": lib_uri}}),
            );
            next_save = Instant::now() + Duration::from_secs(5);
        }
        let Some(message) = client.next(next_save.min(deadline)) else {
            continue;
        };
        if message["method"] != "textDocument/publishDiagnostics"
            || message["params"]["uri"] != lib_uri.as_str()
        {
            continue;
        }
        last_published = message["params"].clone();
        if let Value::Array(published) = &message["params"]["diagnostics"] {
            if done(published) {
                return (client, published.clone());
            }
        }
    }
}

/// The findings among published diagnostics: this tool's warnings (rust-analyzer also
/// publishes each help that has a span as a hint of its own).
fn findings(published: &[Value]) -> Vec<&Value> {
    published
        .iter()
        .filter(|d| d["source"] == "contention" && d["severity"] == 2)
        .collect()
}

#[test]
fn rust_analyzer_shows_findings_and_offers_the_quick_fix() {
    let Some(rust_analyzer) = rust_analyzer() else {
        println!("{NO_RUST_ANALYZER}");
        return;
    };
    let crate_dir = fixture_copy("over_copy");
    let dir = crate_dir.path().canonicalize().unwrap();
    let expected = expected_ranges(&dir);
    let lib = dir.join("src/lib.rs");
    let lib_uri = file_uri(&lib);
    let text = std::fs::read_to_string(&lib).unwrap();
    let tool = env!("CARGO_BIN_EXE_cargo-contention");
    let (mut client, published) = session(
        &rust_analyzer,
        &dir,
        &[tool, "check", "--message-format", "json"],
        |published| findings(published).len() >= expected.len(),
    );
    let deadline = Instant::now() + PATIENCE;
    let diagnostics: Vec<Value> = published
        .into_iter()
        .filter(|d| d["source"] == "contention")
        .collect();

    assert!(
        diagnostics.iter().all(|d| d["code"] == "over_copy"),
        "{diagnostics:#?}"
    );
    let mut ranges: Vec<_> = findings(&diagnostics).into_iter().map(range_of).collect();
    ranges.sort_unstable();
    ranges.dedup();
    assert_eq!(ranges, expected, "{diagnostics:#?}");

    // `buf.clone().len()` has a machine-applicable suggestion: removing `.clone()`.
    let line = text
        .lines()
        .position(|l| l.contains("buf.clone().len() //~"))
        .unwrap() as u64;
    let finding = diagnostics
        .iter()
        .find(|d| d["severity"] == 2 && range_of(d).0 == line)
        .expect("the finding on the `len` line");
    let id = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": lib_uri},
            "range": finding["range"],
            "context": {"diagnostics": [finding]}
        }),
    );
    let actions = client.response(id, deadline);
    let fixes: Vec<&Value> = actions
        .as_array()
        .expect("code actions")
        .iter()
        .filter(|a| a["kind"] == "quickfix")
        .collect();
    let column = text
        .lines()
        .nth(line as usize)
        .unwrap()
        .find(".clone()")
        .unwrap() as u64;
    let removes_clone = |action: &&Value| {
        action["edit"]["changes"][lib_uri.as_str()]
            .as_array()
            .is_some_and(|edits| {
                edits.iter().any(|edit| {
                    edit["newText"] == ""
                        && range_of(edit) == (line, column, line, column + ".clone()".len() as u64)
                })
            })
    };
    let quick_fix = fixes
        .iter()
        .find(|action| removes_clone(action))
        .unwrap_or_else(|| panic!("no quick fix removing `.clone()`: {actions:#}"));
    assert_eq!(
        quick_fix["isPreferred"], true,
        "machine-applicable is preferred"
    );
    println!(
        "rust-analyzer published {} contention diagnostics; quick fix: {}",
        ranges.len(),
        quick_fix["title"]
    );
    client.shut_down();
}

#[test]
fn rust_analyzer_keeps_clippy_diagnostics_with_with_clippy() {
    let Some(rust_analyzer) = rust_analyzer() else {
        println!("{NO_RUST_ANALYZER}");
        return;
    };
    let clippy = Command::new("cargo")
        .args(["clippy", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !clippy {
        println!("skipped: `cargo clippy` is not installed (rustup component add clippy)");
        return;
    }
    let crate_dir = fixture_copy("over_copy");
    let dir = crate_dir.path().canonicalize().unwrap();
    let lib = dir.join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(
        &lib,
        format!("{text}\npub fn answer() -> u32 {{\n    return 42;\n}}\n"),
    )
    .unwrap();
    let expected = expected_ranges(&dir).len();
    let tool = env!("CARGO_BIN_EXE_cargo-contention");
    // The README's setting, `cargo contention` spelled as the binary itself.
    let override_command = [
        tool,
        "check",
        "--workspace",
        "--message-format",
        "json",
        "--with-clippy",
    ];
    let (client, published) = session(&rust_analyzer, &dir, &override_command, |published| {
        findings(published).len() >= expected && published.iter().any(|d| d["source"] == "clippy")
    });
    let clippy: Vec<&Value> = published
        .iter()
        .filter(|d| d["source"] == "clippy")
        .collect();
    assert!(
        clippy.iter().any(|d| d["code"] == "needless_return"),
        "{published:#?}"
    );
    assert_eq!(findings(&published).len(), expected);
    println!(
        "rust-analyzer with --with-clippy published {} contention and {} clippy diagnostics",
        expected,
        clippy.len()
    );
    client.shut_down();
}
