//! The cost notes of `check`: priced with this machine's calibration where `calibrate` wrote
//! it, with the reference figures (saying so, and why) where it is missing or stale, and
//! multiplied out per call where the source spells the loop bounds.

use std::fs;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use cargo_contention::calibrate::output_file;
use cargo_contention::cli::CalibrateArgs;
use contention_bench::calibrate::REFERENCE_MACHINE;
use contention_bench::{Costs, Machine};

use crate::common::{binary_in, fixture_copy, stdout_of};

/// Costs current on this machine: the reference figures, re-dated and re-homed, with the
/// uncontended atomic at 5 ns and every shared-line figure at 50 ns, so that notes priced
/// with them are told from notes priced with the reference.
fn calibration() -> Costs {
    let mut costs = Costs {
        machine: Machine::detect(),
        measured_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
        ..Costs::reference()
    };
    for figure in &mut costs.figures {
        let value = match figure.name.as_str() {
            "atomic_rmw_uncontended" => 5.0,
            name if name.starts_with("atomic_rmw_shared_line_") => 50.0,
            _ => continue,
        };
        (figure.value, figure.median, figure.min, figure.max) = (value, value, value, value);
    }
    costs
}

/// The `note: estimate: ...` lines of `check` run in `dir` with `args`, of
/// `arc_clone_in_hot_loop`'s findings only: one for each of them.
fn notes(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut argv = vec!["check", "--color", "never", "--no-cache"];
    argv.extend_from_slice(&["-A", "all", "-W", "arc_clone_in_hot_loop"]);
    argv.extend_from_slice(args);
    let out = stdout_of(&binary_in(dir, &argv), 0);
    let notes: Vec<String> = out
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("= note: estimate: "))
        .map(str::to_owned)
        .collect();
    let findings = out.matches("warning[arc_clone_in_hot_loop]").count();
    assert!(findings > 1 && notes.len() == findings, "{out}");
    notes
}

/// The note of the fixture's clone in a hundred rounds of ten.
fn bounded(notes: &[String]) -> &str {
    notes
        .iter()
        .find(|note| note.contains("1000 iterations a call"))
        .expect("the bounded loop's note")
}

#[test]
fn without_a_calibration_the_reference_figures_are_used_and_named() {
    let copy = fixture_copy("arc_clone_in_hot_loop");
    let notes = notes(copy.path(), &[]);
    let file = output_file(&CalibrateArgs::default(), copy.path()).unwrap();
    let shown = file.strip_prefix(copy.path()).unwrap_or(&file);
    let reference = format!(
        "(reference figures from {REFERENCE_MACHINE}: no calibration at {}; `cargo contention \
         calibrate` measures this machine)",
        shown.display()
    );
    for note in &notes {
        assert!(note.ends_with(&reference), "{note}");
    }
    // 2 x 3.1 ns alone, 2 x 15 ns with 2 threads: the reference machine's figures.
    assert!(
        notes[0].starts_with(
            "2 atomic read-modify-writes per iteration: about 2 × 3.1 ns alone, 2 × 15 ns with \
             2 threads on one counter"
        ),
        "{}",
        notes[0]
    );
    assert!(
        bounded(&notes).contains("; 1000 iterations a call: about 6.2 µs a call, 30 µs with 2"),
        "{}",
        bounded(&notes)
    );
}

#[test]
fn a_calibration_where_calibrate_writes_it_prices_the_notes() {
    let copy = fixture_copy("arc_clone_in_hot_loop");
    let file = output_file(&CalibrateArgs::default(), copy.path()).unwrap();
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(&file, calibration().to_json()).unwrap();
    let notes = notes(copy.path(), &[]);
    for note in &notes {
        assert!(note.ends_with(" (calibrated on this machine)"), "{note}");
        assert!(
            note.contains("about 2 × 5.0 ns alone, 2 × 50 ns with "),
            "{note}"
        );
    }
    assert!(
        bounded(&notes).contains("; 1000 iterations a call: about 10 µs a call, 100 µs with "),
        "{}",
        bounded(&notes)
    );
}

#[test]
fn a_stale_calibration_is_not_believed_and_the_note_says_why() {
    let copy = fixture_copy("arc_clone_in_hot_loop");
    let elsewhere = copy.path().join("costs-of-another-machine.json");
    let mut costs = calibration();
    costs.machine.logical_cores += 1;
    fs::write(&elsewhere, costs.to_json()).unwrap();
    let notes = notes(copy.path(), &["--costs", "costs-of-another-machine.json"]);
    for note in &notes {
        assert!(
            note.contains(&format!(
                "(reference figures from {REFERENCE_MACHINE}: costs-of-another-machine.json is \
                 stale: measured on another machine ("
            )),
            "{note}"
        );
        assert!(note.contains("about 2 × 3.1 ns alone"), "{note}");
    }
}

#[test]
fn findings_without_a_model_have_no_estimate() {
    // guard_across_blocking's cost is the blocking call's length, which nothing measures.
    let copy = fixture_copy("guard_across_blocking");
    let out = stdout_of(
        &binary_in(
            copy.path(),
            &[
                "check",
                "--color",
                "never",
                "--no-cache",
                "-A",
                "all",
                "-W",
                "guard_across_blocking",
            ],
        ),
        0,
    );
    assert!(out.contains("warning[guard_across_blocking]"), "{out}");
    assert!(!out.contains("estimate:"), "{out}");
}

#[test]
fn what_calibrate_writes_is_what_check_prices_with() {
    let copy = fixture_copy("arc_clone_in_hot_loop");
    let calibrated = binary_in(copy.path(), &["calibrate", "--quick"]);
    let printed = stdout_of(&calibrated, 0);
    let file = output_file(&CalibrateArgs::default(), copy.path()).unwrap();
    assert!(printed.contains("wrote "), "{printed}");
    let costs = Costs::load(&file).expect("a current calibration");
    let notes = notes(copy.path(), &[]);
    let alone = costs.figure("atomic_rmw_uncontended").unwrap().value;
    for note in &notes {
        assert!(note.ends_with(" (calibrated on this machine)"), "{note}");
        let expected = format!(
            "about 2 × {} alone",
            cargo_contention::estimate::duration(alone)
        );
        assert!(note.contains(&expected), "{note}");
    }
}

#[test]
fn a_file_that_is_no_calibration_is_said_so() {
    let copy = fixture_copy("arc_clone_in_hot_loop");
    fs::write(copy.path().join("costs.json"), "{\"figures\": []}").unwrap();
    let notes = notes(copy.path(), &["--costs", "costs.json"]);
    for note in &notes {
        assert!(
            note.contains(&format!(
                "(reference figures from {REFERENCE_MACHINE}: costs.json is not a calibration: \
                 missing field `schema_version`"
            )),
            "{note}"
        );
    }
}
