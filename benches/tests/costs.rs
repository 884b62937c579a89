//! The costs file read back: a round trip, and each way a file can be unusable (missing,
//! unreadable, not a costs file, stale for another machine, layout or age). Files are written
//! with the library's own serialisation and then changed the way time, another machine or a
//! careless edit would change them. Nothing here is timed.

use std::fs;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use contention_bench::calibrate::{MAX_AGE, SCHEMA_VERSION};
use contention_bench::{Costs, Machine, Stale, Unusable};
use serde_json::Value;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Costs that are current on this machine: the reference figures, re-dated and re-homed.
fn current() -> Costs {
    Costs {
        machine: Machine::detect(),
        measured_at: now(),
        ..Costs::reference()
    }
}

fn write_json(path: &Path, value: &Value) {
    fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

/// `costs` as JSON, changed by `edit`.
fn edited(costs: &Costs, edit: impl FnOnce(&mut Value)) -> Value {
    let mut value: Value = serde_json::from_str(&costs.to_json()).unwrap();
    edit(&mut value);
    value
}

#[test]
fn a_current_file_reads_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("costs.json");
    let costs = current();
    fs::write(&path, costs.to_json()).unwrap();
    let loaded = Costs::load(&path).expect("the file is current");
    assert_eq!(loaded, costs);
    assert_eq!(loaded.to_json(), fs::read_to_string(&path).unwrap());
}

#[test]
fn a_missing_file_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        Costs::load(&dir.path().join("costs.json")),
        Err(Unusable::Missing)
    );
    // A file where the folder should be (`target/contention` in the way): none there either.
    fs::write(dir.path().join("contention"), "in the way").unwrap();
    assert_eq!(
        Costs::load(&dir.path().join("contention").join("costs.json")),
        Err(Unusable::Missing)
    );
}

#[test]
fn unreadable_or_foreign_files_are_invalid() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should be cannot be read.
    assert!(matches!(Costs::load(dir.path()), Err(Unusable::Invalid(_))));

    let path = dir.path().join("costs.json");
    let invalid = |text: &str| {
        fs::write(&path, text).unwrap();
        match Costs::load(&path) {
            Err(Unusable::Invalid(reason)) => reason,
            other => panic!("{text:?} read as {other:?}"),
        }
    };
    invalid("");
    invalid("not json");
    assert!(invalid("{}").contains("schema_version"));
    let half = current().to_json();
    invalid(&half[..half.len() / 2]);

    // The right version with a figure whose unit is not one of the two.
    write_json(
        &path,
        &edited(&current(), |value| {
            value["figures"][0]["unit"] = Value::from("furlongs/fortnight");
        }),
    );
    assert!(matches!(Costs::load(&path), Err(Unusable::Invalid(_))));
    // The right version without the figures.
    write_json(
        &path,
        &edited(&current(), |value| {
            value.as_object_mut().unwrap().remove("figures");
        }),
    );
    assert!(matches!(Costs::load(&path), Err(Unusable::Invalid(_))));
}

#[test]
fn another_layout_is_stale_whatever_else_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("costs.json");
    let newer = SCHEMA_VERSION + 1;
    // A later version may have renamed every other field.
    write_json(
        &path,
        &serde_json::json!({ "schema_version": newer, "figures": { "renamed": true } }),
    );
    assert_eq!(
        Costs::load(&path),
        Err(Unusable::Stale(Stale::Schema { found: newer }))
    );
}

#[test]
fn another_machine_is_stale() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("costs.json");
    let here = Machine::detect();
    let others = [
        Machine {
            logical_cores: here.logical_cores + 1,
            ..here.clone()
        },
        Machine {
            cpu: format!("not {}", here.cpu),
            ..here.clone()
        },
        Machine {
            arch: format!("not {}", here.arch),
            ..here.clone()
        },
    ];
    for other in others {
        let costs = Costs {
            machine: other.clone(),
            ..current()
        };
        fs::write(&path, costs.to_json()).unwrap();
        assert_eq!(
            Costs::load(&path),
            Err(Unusable::Stale(Stale::Machine { measured_on: other }))
        );
    }
}

#[test]
fn an_old_calibration_is_stale() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("costs.json");
    let day = 24 * 60 * 60;
    let old = Costs {
        measured_at: now() - MAX_AGE.as_secs() - 2 * day,
        ..current()
    };
    fs::write(&path, old.to_json()).unwrap();
    match Costs::load(&path) {
        Err(Unusable::Stale(Stale::TooOld { days })) => {
            assert!((32..=33).contains(&days), "{days}");
        }
        other => panic!("read as {other:?}"),
    }
    let recent = Costs {
        measured_at: now() - MAX_AGE.as_secs() + day,
        ..current()
    };
    fs::write(&path, recent.to_json()).unwrap();
    assert!(Costs::load(&path).is_ok());
}

#[test]
fn the_reference_round_trips_through_its_file_form() {
    let reference = Costs::reference();
    let back: Costs = serde_json::from_str(&reference.to_json()).unwrap();
    assert_eq!(back, reference);
}
