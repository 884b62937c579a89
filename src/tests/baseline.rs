//! `--write-baseline` and `--baseline`: recorded findings stay quiet after unrelated edits
//! move them, and new ones are still reported.

use std::fs;

use crate::common::{binary_in, fixture_copy, marked, stdout_of};

const LIB: &str = "src/lib.rs";
const BASELINE: &str = "contention-baseline.json";

#[test]
fn a_baseline_survives_inserted_lines_and_lets_new_findings_through() {
    let crate_dir = fixture_copy("over_copy");
    let dir = crate_dir.path();
    let recorded = binary_in(dir, &["check", "--write-baseline", BASELINE]);
    assert_eq!(
        stdout_of(&recorded, 0),
        format!(
            "recorded {} findings in `{BASELINE}`\n",
            marked("over_copy", "over_copy")
        )
    );
    let baseline: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join(BASELINE)).unwrap()).unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(
        baseline["findings"].as_array().unwrap().len(),
        marked("over_copy", "over_copy")
    );
    assert_eq!(baseline["findings"][0]["file"], "src/lib.rs");

    let with_baseline = ["check", "--baseline", BASELINE, "--message-format", "short"];
    assert_eq!(stdout_of(&binary_in(dir, &with_baseline), 0), "");

    // Unrelated edits above and between the findings shift every line number and indentation.
    let text = fs::read_to_string(dir.join(LIB)).unwrap();
    let (module_docs, items) = text.split_once('\n').unwrap();
    let edited = format!(
        "{module_docs}\n\n/// New docs.\npub const ANSWER: u32 = 42;\n{}",
        items
            .replace(
                "pub fn header",
                "\n\npub fn new_neighbour() {}\n\npub fn header"
            )
            .replace("    buf.clone().len()", "        buf.clone().len()")
    );
    fs::write(dir.join(LIB), &edited).unwrap();
    assert_eq!(stdout_of(&binary_in(dir, &with_baseline), 0), "");
    let without = stdout_of(&binary_in(dir, &["check", "--message-format", "short"]), 0);
    assert_eq!(
        without.lines().count(),
        marked("over_copy", "over_copy"),
        "the findings are still there"
    );

    // A second copy of a recorded line is a new finding: occurrences are counted.
    let added = format!(
        "{edited}\npub fn again(buf: &Vec<u8>) -> usize {{\n    buf.clone().len() //~ over_copy\n}}\n"
    );
    fs::write(dir.join(LIB), &added).unwrap();
    let new = stdout_of(&binary_in(dir, &with_baseline), 0);
    let new: Vec<&str> = new.lines().collect();
    let last_line = added.lines().count() - 1;
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(
        new[0].starts_with(&format!("src/lib.rs:{last_line}:")),
        "{new:?}"
    );
}

#[test]
fn a_missing_or_invalid_baseline_is_a_one_line_error() {
    let crate_dir = fixture_copy("over_copy");
    let dir = crate_dir.path();
    let missing = binary_in(dir, &["check", "--baseline", "nope.json"]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.starts_with("error: could not read baseline `nope.json`"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);

    fs::write(dir.join("bad.json"), "{\"version\": 7, \"findings\": []}").unwrap();
    let bad = binary_in(dir, &["check", "--baseline", "bad.json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("version 7 is not supported"));
}

#[test]
fn write_baseline_does_not_combine_with_reporting_modes() {
    let crate_dir = fixture_copy("over_copy");
    for flag in [&["--baseline", "b.json"][..], &["--fix"], &["--statistics"]] {
        let args = [&["check", "--write-baseline", BASELINE][..], flag].concat();
        let output = binary_in(crate_dir.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1);
        assert!(stderr.contains(flag[0]), "{stderr}");
    }
    assert!(!crate_dir.path().join(BASELINE).exists());
}
