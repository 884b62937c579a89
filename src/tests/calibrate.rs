//! `calibrate` through the library: a quick calibration writes a costs file of the documented
//! schema and units and prints its table, and the file goes to cargo's target directory by
//! default. The figures themselves are not checked: they are whatever this machine measured
//! while the other tests ran.

use std::path::{Path, PathBuf};

use cargo_contention::calibrate::output_file;
use cargo_contention::cli::CalibrateArgs;
use contention_bench::calibrate::{Here, SCHEMA_VERSION, figure_names};
use contention_bench::{Costs, Machine};
use serde_json::Value;

use crate::common::{fixture_copy, run};

#[test]
fn a_quick_calibration_writes_its_schema_and_units_and_prints_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("costs.json");
    let (_, printed) = run(&["calibrate", "--quick", "--output", path.to_str().unwrap()]);

    let text = std::fs::read_to_string(&path).expect("calibrate wrote the file");
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(file["schema_version"], SCHEMA_VERSION);
    assert_eq!(file["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(file["quick"], true);
    // The measuring code's build, which is optimised even in a debug build of the command.
    assert_eq!(file["debug_build"], !Here::detect().optimised);
    let machine: Machine = serde_json::from_value(file["machine"].clone()).unwrap();
    assert_eq!(machine, Machine::detect());
    assert!(
        file["measured_at"]
            .as_u64()
            .is_some_and(|at| at > 1_700_000_000)
    );
    assert!(file["seconds"].as_f64().is_some_and(|s| s > 0.0));
    for window in ["before", "during"] {
        let sample = &file["load"][window];
        assert!(sample["seconds"].is_f64(), "{window}: {sample}");
        for share in ["load_average", "others_share"] {
            assert!(sample[share].is_f64() || sample[share].is_null());
        }
    }

    let figures = file["figures"].as_array().unwrap();
    let names: Vec<&str> = figures
        .iter()
        .map(|figure| figure["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, figure_names(machine.logical_cores));
    for figure in figures {
        let name = figure["name"].as_str().unwrap();
        let unit = if name.starts_with("copy_bandwidth_") {
            "bytes/s"
        } else {
            "ns/op"
        };
        assert_eq!(figure["unit"], unit, "{name}");
        let number = |key: &str| {
            figure[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{name}.{key}"))
        };
        assert_eq!(number("value"), number("median"), "{name}");
        assert!(number("min") <= number("median") && number("median") <= number("max"));
        assert!(number("min") > 0.0, "{name}");
        assert!(figure["threads"].as_u64().is_some_and(|n| n >= 1), "{name}");
        assert_eq!(figure["reps"], 5, "{name}");
        assert!(figure["busy"].is_boolean(), "{name}");
        let share = &figure["cpu_share"];
        assert!(
            share.is_null() || share.as_f64().is_some_and(|s| (0.0..=1.0).contains(&s)),
            "{name}: {share}"
        );
        // The table has a line for the figure, marked when it is busy.
        let line = printed
            .lines()
            .find(|line| line.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no line for {name} in\n{printed}"));
        assert_eq!(figure["busy"] == true, line.contains('*'), "{line}");
    }

    // What was written is what the cost notes read, on this machine and this build.
    let loaded = Costs::load(&path).expect("a fresh calibration is current");
    assert_eq!(loaded.figures.len(), figures.len());
    assert!(printed.starts_with("machine: "), "{printed}");
    assert!(printed.contains("load before: "), "{printed}");
    assert!(printed.contains("during the run: "), "{printed}");
    assert!(
        printed
            .trim_end()
            .ends_with(&format!("wrote {}", path.display())),
        "{printed}"
    );
}

fn default_file(cwd: &Path) -> PathBuf {
    output_file(&CalibrateArgs::default(), cwd).expect("the target directory is found")
}

/// Where the costs file of a package or folder at `root` goes without `--output`.
fn expected_under(root: &Path) -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    };
    target.join("contention").join("costs.json")
}

#[test]
fn by_default_the_file_goes_to_the_packages_target_directory() {
    let package = fixture_copy("mutex_scalar");
    // cargo may name the package by its canonical path.
    let expected = [
        expected_under(package.path()),
        expected_under(&std::fs::canonicalize(package.path()).unwrap()),
    ];
    let file = default_file(package.path());
    assert!(expected.contains(&file), "{}", file.display());
    // From a folder inside the package too, as cargo finds the package.
    let file = default_file(&package.path().join("src"));
    assert!(expected.contains(&file), "{}", file.display());

    let args = CalibrateArgs {
        output: Some("elsewhere/costs.json".into()),
        ..CalibrateArgs::default()
    };
    assert_eq!(
        output_file(&args, package.path()).unwrap(),
        package.path().join("elsewhere/costs.json")
    );
}

#[test]
fn outside_a_package_the_file_goes_to_target_in_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    if dir
        .path()
        .ancestors()
        .any(|d| d.join("Cargo.toml").is_file())
    {
        // The temporary directory is inside a package here: nothing to test.
        return;
    }
    assert_eq!(default_file(dir.path()), expected_under(dir.path()));
}
