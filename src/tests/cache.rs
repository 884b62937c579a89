//! The analysis cache in `target/contention/`: where it lives, that a cached run reports what an
//! uncached one does, that edits are seen, and that a cache that cannot be read or written
//! never changes a result.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{binary_in, fixture_copy, stdout_of};

/// The cache files (`*.cache`) under `dir/target/contention`.
fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir.join("target/contention")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cache"))
        .collect();
    files.sort();
    files
}

fn json(dir: &Path, extra: &[&str], status: i32) -> String {
    let mut args = vec!["check", "--message-format", "json"];
    args.extend_from_slice(extra);
    stdout_of(&binary_in(dir, &args), status)
}

#[test]
fn a_second_run_recalls_every_file_and_reports_the_same() {
    let copy = fixture_copy("showcase");
    let dir = copy.path();
    let uncached = json(dir, &["--no-cache"], 1);
    assert!(
        !dir.join("target/contention").exists(),
        "--no-cache writes nothing"
    );

    let cold = json(dir, &[], 1);
    assert_eq!(cold, uncached);
    let files = cache_files(dir);
    assert_eq!(files.len(), 1, "one cache file per package: {files:?}");
    let written = fs::read(&files[0]).unwrap();
    assert!(written.starts_with(b"cargo-contention cache "));
    // Marked as a cache for git and backup tools.
    assert_eq!(
        fs::read_to_string(dir.join("target/contention/.gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    assert!(dir.join("target/contention/CACHEDIR.TAG").is_file());

    let warm = json(dir, &[], 1);
    assert_eq!(warm, uncached);
    // Every file was recalled, none analysed anew: the run had nothing to store.
    assert_eq!(fs::read(&files[0]).unwrap(), written);
}

#[test]
fn an_edit_after_a_cached_run_is_seen() {
    let copy = fixture_copy("mutex_scalar");
    let dir = copy.path();
    let lib = dir.join("src/lib.rs");
    let before = json(dir, &[], 0);
    assert!(before.contains("contention::mutex_scalar"), "{before}");

    // A body edit: the local counter becomes an atomic.
    let text = fs::read_to_string(&lib).unwrap();
    let edited = text.replace(
        "let total: Mutex<u32> = Mutex::new(0);",
        "let total = std::sync::atomic::AtomicU32::new(0);",
    );
    assert_ne!(edited, text, "the fixture still has the local counter");
    fs::write(&lib, &edited).unwrap();
    let after = json(dir, &[], 0);
    assert_eq!(after, json(dir, &["--no-cache"], 0));
    assert!(
        after.matches("contention::mutex_scalar").count()
            < before.matches("contention::mutex_scalar").count()
    );

    // A file with nothing to find.
    fs::write(&lib, "pub fn nothing() {}\n").unwrap();
    let clean = json(dir, &[], 0);
    assert!(!clean.contains("contention::"), "{clean}");
}

#[test]
fn a_damaged_cache_is_replaced_not_believed() {
    let copy = fixture_copy("mutex_scalar");
    let dir = copy.path();
    let expected = json(dir, &["--no-cache"], 0);
    json(dir, &[], 0);
    let files = cache_files(dir);
    assert_eq!(files.len(), 1);
    let good = fs::read(&files[0]).unwrap();
    let header = good.iter().position(|&b| b == b'\n').unwrap() + 1;
    let damaged: [Vec<u8>; 3] = [
        b"not a cache".to_vec(),
        good[..good.len() / 2].to_vec(),
        // The same build's header over a mangled body.
        [&good[..header], &vec![0xff; good.len() - header][..]].concat(),
    ];
    for bytes in damaged {
        fs::write(&files[0], &bytes).unwrap();
        assert_eq!(json(dir, &[], 0), expected);
        assert_eq!(fs::read(&files[0]).unwrap(), good, "rewritten whole");
    }
}

#[test]
fn a_cache_that_cannot_be_written_is_only_a_warning() {
    let copy = fixture_copy("mutex_scalar");
    let dir = copy.path();
    let expected = json(dir, &["--no-cache"], 0);
    fs::create_dir_all(dir.join("target")).unwrap();
    // A file where the cache directory would be.
    fs::write(dir.join("target/contention"), "in the way").unwrap();
    let output = binary_in(dir, &["check", "--message-format", "json"]);
    assert_eq!(stdout_of(&output, 0), expected);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("warning: could not write the cache `"),
        "{stderr}"
    );
}

#[test]
fn paths_mode_keeps_no_cache() {
    let copy = fixture_copy("mutex_scalar");
    let dir = copy.path();
    json(dir, &["src/lib.rs"], 0);
    assert!(!dir.join("target").exists());
}
