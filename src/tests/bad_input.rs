//! Input that must not crash the command or lose a file: files that cannot be read, are not
//! UTF-8, do not parse, are huge or nest absurdly deep, module paths that name devices, symbolic
//! link loops, empty crates, and a reader that stops after one line. Each case says what the
//! user sees and which exit status they get; the crates are made in temporary directories.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::binary_in;

const SCALAR_MUTEX: &str = "pub struct Counter {\n    pub n: std::sync::Mutex<u64>,\n}\n\nimpl Counter {\n    pub fn bump(&self) {\n        *self.n.lock().unwrap() += 1;\n    }\n}\n";

/// A use of struct `S{i}`'s scalar lock, so that `mutex_scalar` reports its declaration.
fn bump(i: usize) -> String {
    format!("impl S{i} {{ pub fn bump(&self) {{ *self.n.lock().unwrap() += 1; }} }}")
}

/// Writes `files` (path, contents) under `dir`, creating directories as needed.
fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (path, contents) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
}

/// A package named `bad` in `dir` whose library root is `lib`.
fn package(dir: &Path, lib: &str) {
    let manifest =
        "[package]\nname = \"bad\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n";
    write_files(
        dir,
        &[
            ("Cargo.toml", manifest.as_bytes()),
            ("src/lib.rs", lib.as_bytes()),
        ],
    );
}

/// `check --message-format short` run in `dir` on `args`.
fn short(dir: &Path, args: &[&str]) -> Output {
    let args: Vec<&str> = ["check", "--message-format", "short"]
        .iter()
        .chain(args)
        .copied()
        .collect();
    binary_in(dir, &args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Asserts that the run ended by itself, without a panic or any message on stderr.
fn assert_no_error(output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code().is_some(),
        "killed by a signal: {stderr}"
    );
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn a_file_that_does_not_parse_or_is_not_utf8_is_reported_and_the_rest_is_checked() {
    let temp = tempfile::tempdir().unwrap();
    package(temp.path(), "mod broken;\nmod latin1;\nmod counter;\n");
    write_files(
        temp.path(),
        &[
            ("src/broken.rs", b"pub fn f( {\n"),
            ("src/latin1.rs", b"// caf\xe9\npub fn g() {}\n"),
            ("src/counter.rs", SCALAR_MUTEX.as_bytes()),
        ],
    );
    let output = short(temp.path(), &[]);
    assert_no_error(&output);
    let out = stdout(&output);
    assert!(
        out.contains("src/broken.rs:1:11: error[parse_error]: this file does not parse"),
        "{out}"
    );
    assert!(
        out.contains(
            "src/latin1.rs:1:1: error[parse_error]: this file could not be read: the file is \
             not valid UTF-8"
        ),
        "{out}"
    );
    assert!(
        out.contains("src/counter.rs:2:12: warning[mutex_scalar]"),
        "{out}"
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "parse_error is at deny level"
    );
}

#[test]
fn a_module_whose_file_is_missing_is_reported() {
    let temp = tempfile::tempdir().unwrap();
    package(temp.path(), "mod gone;\nmod counter;\n");
    write_files(temp.path(), &[("src/counter.rs", SCALAR_MUTEX.as_bytes())]);
    let output = short(temp.path(), &[]);
    assert_no_error(&output);
    let out = stdout(&output);
    assert!(
        out.contains("src/lib.rs:1:5: error[parse_error]: file not found for module `gone`"),
        "{out}"
    );
    assert!(
        out.contains("src/counter.rs:2:12: warning[mutex_scalar]"),
        "{out}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_the_rest_is_checked() {
    use std::os::unix::fs::PermissionsExt;

    let temp = tempfile::tempdir().unwrap();
    package(temp.path(), "mod secret;\nmod counter;\n");
    write_files(
        temp.path(),
        &[
            ("src/secret.rs", b"pub fn f() {}\n"),
            ("src/counter.rs", SCALAR_MUTEX.as_bytes()),
        ],
    );
    let secret = temp.path().join("src/secret.rs");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&secret).is_ok() {
        // root (or CAP_DAC_OVERRIDE) reads whatever the permissions say: nothing to test here.
        // `a_module_path_that_is_not_a_regular_file_is_reported_without_reading_it` makes a
        // read fail another way.
        eprintln!("skipped: this user reads files whatever their permissions (running as root?)");
        return;
    }
    let output = short(temp.path(), &[]);
    assert_no_error(&output);
    let out = stdout(&output);
    assert!(
        out.contains(
            "src/secret.rs:1:1: error[parse_error]: this file could not be read: Permission denied"
        ),
        "{out}"
    );
    assert!(
        out.contains("src/counter.rs:2:12: warning[mutex_scalar]"),
        "{out}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn a_module_path_that_is_not_a_regular_file_is_reported_without_reading_it() {
    // Reading `/dev/zero` never ends; a directory cannot be read as text.
    let temp = tempfile::tempdir().unwrap();
    package(
        temp.path(),
        "#[path = \"/dev/zero\"]\nmod zeros;\nmod folder;\nmod counter;\n",
    );
    write_files(temp.path(), &[("src/counter.rs", SCALAR_MUTEX.as_bytes())]);
    fs::create_dir_all(temp.path().join("src/folder.rs")).unwrap();
    let output = short(temp.path(), &[]);
    assert_no_error(&output);
    let out = stdout(&output);
    assert!(
        out.contains(
            "/dev/zero:1:1: error[parse_error]: this file could not be read: it is not a regular \
             file (a device, a FIFO or a socket)"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "src/folder.rs:1:1: error[parse_error]: this file could not be read: it is a directory"
        ),
        "{out}"
    );
    assert!(
        out.contains("src/counter.rs:2:12: warning[mutex_scalar]"),
        "{out}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_module_that_includes_itself_is_read_once() {
    let temp = tempfile::tempdir().unwrap();
    package(
        temp.path(),
        "#[path = \"lib.rs\"]\nmod again;\nmod counter;\n",
    );
    write_files(temp.path(), &[("src/counter.rs", SCALAR_MUTEX.as_bytes())]);
    let output = binary_in(temp.path(), &["check", "--statistics"]);
    assert_no_error(&output);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("1  warn   mutex_scalar"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_ten_megabyte_file_is_checked_whole() {
    // 10 MB, generated here rather than committed: a thousand structs, each followed by a 10 kB
    // string, so that findings sit at offsets up to the end of the file.
    let temp = tempfile::tempdir().unwrap();
    let blob = "x".repeat(10_000);
    let mut text = String::new();
    for i in 0..1000 {
        text.push_str(&format!(
            "pub struct S{i} {{\n    pub n: std::sync::Mutex<u64>,\n}}\npub const B{i}: &str = \"{blob}\"; {}\n",
            bump(i)
        ));
    }
    assert!(text.len() > 10_000_000);
    write_files(temp.path(), &[("big.rs", text.as_bytes())]);
    let output = short(temp.path(), &["big.rs"]);
    assert_no_error(&output);
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1000, "one finding per struct");
    assert!(
        lines[0].starts_with("big.rs:2:12: warning[mutex_scalar]"),
        "{}",
        lines[0]
    );
    assert!(
        lines[999].starts_with("big.rs:3998:12: warning[mutex_scalar]"),
        "{}",
        lines[999]
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_generated_function_of_thousands_of_statements_is_checked_to_its_end() {
    // Each `let` looks at what the statements after it do with its variable; searched one by
    // one, 20,000 statements took minutes (the search now visits only the statements that
    // name the variable). Guards, atomic loads, copies and fresh `Arc`s each have a search.
    let temp = tempfile::tempdir().unwrap();
    let statements = 6_000;
    // A finding at the very end: the copy is only sliced after it.
    let text = contention_bench::generated::long_function(
        statements,
        "    let last = s.clone();\n    t + last[1..].len()\n",
    );
    write_files(temp.path(), &[("gen.rs", text.as_bytes())]);
    let output = short(temp.path(), &["gen.rs"]);
    assert_no_error(&output);
    let out = stdout(&output);
    let line = statements + 4;
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [format!(
            "gen.rs:{line}:18: warning[over_copy]: the whole `String` is copied, but only part of it (slices, and its length) is used"
        )
        .as_str()],
    );
}

/// Files nested `depth` levels deep in several shapes, each named after its shape.
fn deep_files(depth: usize) -> Vec<(String, String)> {
    let nest = |open: &str, middle: &str, close: &str| {
        format!("{}{middle}{}", open.repeat(depth), close.repeat(depth))
    };
    vec![
        (
            "parens".into(),
            format!("pub fn f() -> i32 {{ {} }}\n", nest("(", "1", ")")),
        ),
        (
            "blocks".into(),
            format!("pub fn f() {{ {} }}\n", nest("{", "", "}")),
        ),
        (
            "arrays".into(),
            format!("pub fn f() {{ let _a = {}; }}\n", nest("[", "1", "]")),
        ),
        (
            "unary".into(),
            format!("pub fn f() -> bool {{ {}true }}\n", "!".repeat(depth)),
        ),
        (
            "closures".into(),
            format!("pub fn f() {{ let _c = {}1; }}\n", "|| ".repeat(depth)),
        ),
        (
            "types".into(),
            format!("pub type T = {};\n", nest("Vec<", "u8", ">")),
        ),
        ("modules".into(), nest("mod m {", "", "}")),
        (
            "macro".into(),
            format!(
                "pub fn f() {{ println!(\"{{}}\", {}); }}\n",
                nest("(", "1", ")")
            ),
        ),
    ]
}

/// A crate of one shallow file with a finding and the deep files, checked as plain paths.
fn check_deep(depth: usize) {
    let temp = tempfile::tempdir().unwrap();
    let shapes = deep_files(depth);
    write_files(temp.path(), &[("counter.rs", SCALAR_MUTEX.as_bytes())]);
    for (shape, text) in &shapes {
        write_files(temp.path(), &[(&format!("{shape}.rs"), text.as_bytes())]);
    }
    let output = short(temp.path(), &["."]);
    assert_no_error(&output);
    let out = stdout(&output);
    for (shape, _) in &shapes {
        let expected = format!("{shape}.rs:1:");
        let line = out
            .lines()
            .find(|line| line.starts_with(&expected))
            .unwrap_or_else(|| panic!("no finding for {shape}: {out}"));
        assert!(
            line.contains(
                "error[parse_error]: this file nests too deeply to analyse: more than 5000 levels"
            ),
            "{line}"
        );
    }
    assert!(
        out.contains("counter.rs:2:12: warning[mutex_scalar]"),
        "{out}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn nesting_ten_thousand_deep_is_a_finding_not_a_crash() {
    check_deep(10_000);
}

#[test]
fn nesting_a_hundred_thousand_deep_is_a_finding_not_a_crash() {
    check_deep(100_000);
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_not_followed_in_paths_mode() {
    use std::os::unix::fs::symlink;

    let temp = tempfile::tempdir().unwrap();
    write_files(temp.path(), &[("src/counter.rs", SCALAR_MUTEX.as_bytes())]);
    symlink(".", temp.path().join("src/around")).unwrap();
    symlink("itself", temp.path().join("src/itself")).unwrap();
    let output = binary_in(temp.path(), &["check", "--statistics", "src"]);
    assert_no_error(&output);
    assert!(
        stdout(&output).contains("1  warn   mutex_scalar"),
        "{}",
        stdout(&output)
    );
    assert_eq!(output.status.code(), Some(0));

    // Named on the command line, a link that points at itself cannot be checked.
    let output = binary_in(temp.path(), &["check", "src/itself"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: could not read `src/itself`: "),
        "{stderr}"
    );
}

#[test]
fn empty_crates_have_no_findings() {
    let temp = tempfile::tempdir().unwrap();
    package(temp.path(), "");
    let output = binary_in(temp.path(), &["check"]);
    assert_no_error(&output);
    assert_eq!(stdout(&output), "no findings (1 file checked)\n");
    assert_eq!(output.status.code(), Some(0));

    let empty = tempfile::tempdir().unwrap();
    let output = binary_in(empty.path(), &["check", "."]);
    assert_no_error(&output);
    assert_eq!(stdout(&output), "no findings (0 files checked)\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_reader_that_stops_after_one_line_ends_the_run_quietly() {
    // Far more output than a pipe holds, so the writer is still writing when the reader goes.
    let temp = tempfile::tempdir().unwrap();
    let text: String = (0..2000)
        .map(|i| {
            format!(
                "pub struct S{i} {{ pub n: std::sync::Mutex<u64> }} {}\n",
                bump(i)
            )
        })
        .collect();
    write_files(temp.path(), &[("many.rs", text.as_bytes())]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-contention"))
        .args(["check", "many.rs"])
        .current_dir(temp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("warning[mutex_scalar]"), "{first}");
    // The reader is dropped here, as `| head -1` exits after its line.
    let output = child.wait_with_output().unwrap();
    assert_no_error(&output);
    assert_eq!(output.status.code(), Some(0));
}
