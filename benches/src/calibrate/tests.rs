//! Tests of the calibration: its file, its table and its reference figures.

use super::*;

#[test]
fn sizes_are_named_in_binary_units() {
    assert_eq!(size_label(64), "64b");
    assert_eq!(size_label(4096), "4kib");
    assert_eq!(size_label(1 << 20), "1mib");
    assert_eq!(size_label(16 << 20), "16mib");
    assert_eq!(size_label(1500), "1500b");
}

#[test]
fn the_plan_covers_every_primitive_up_to_all_cores() {
    let names = figure_names(2);
    assert_eq!(
        names,
        [
            "atomic_rmw_uncontended",
            "atomic_rmw_shared_line_2_threads",
            "mutex_uncontended",
            "mutex_contended",
            "rwlock_read_uncontended",
            "rwlock_read_all_cores",
            "copy_bandwidth_4kib",
            "copy_bandwidth_64kib",
            "copy_bandwidth_1mib",
            "copy_bandwidth_16mib",
            "alloc_free_64b",
            "alloc_free_4kib",
            "alloc_free_1mib",
            "thread_spawn_join",
            "cache_line_ping_pong",
        ]
    );
    let shared = |cores| -> Vec<String> {
        figure_names(cores)
            .into_iter()
            .filter(|name| name.starts_with("atomic_rmw_shared_line"))
            .collect()
    };
    assert_eq!(shared(1), ["atomic_rmw_shared_line_2_threads"]);
    assert_eq!(
        shared(6),
        [
            "atomic_rmw_shared_line_2_threads",
            "atomic_rmw_shared_line_4_threads",
            "atomic_rmw_shared_line_6_threads",
        ]
    );
    let contended = plan(8)
        .into_iter()
        .find(|(name, _)| name == "mutex_contended")
        .map(|(_, probe)| probe.threads());
    assert_eq!(contended, Some(8));
}

#[test]
fn values_are_per_thread_nanoseconds_or_bytes_per_second() {
    let second = Duration::from_secs(1);
    // One thread, a million operations a second: 1000 ns each.
    assert_eq!(Probe::Mutex { threads: 1 }.value(1_000_000, second), 1000.0);
    // Four threads sharing a million operations: each thread spent 4000 ns on each of its.
    assert_eq!(Probe::Mutex { threads: 4 }.value(1_000_000, second), 4000.0);
    // Turns follow one another: a million hand-offs a second are 1000 ns each.
    assert_eq!(Probe::PingPong.value(1_000_000, second), 1000.0);
    assert_eq!(Probe::Copy { bytes: 4096 }.value(1000, second), 4_096_000.0);
    assert_eq!(Probe::Copy { bytes: 4096 }.unit(), Unit::BytesPerSec);
    assert_eq!(Probe::SpawnJoin.unit(), Unit::NanosPerOp);
    assert_eq!(Probe::PingPong.round(3), 4);
    assert_eq!(Probe::SpawnJoin.round(0), 1);
}

#[test]
fn a_figure_is_the_median_with_the_extremes_and_its_cpu_share() {
    let figure = Figure::of_repetitions(
        "mutex_contended".into(),
        Unit::NanosPerOp,
        (2, 2),
        &[40.0, 38.0, 90.0, 41.0, 39.0],
        &[Some(0.99), Some(0.98), Some(0.5), Some(1.0), Some(0.97)],
        Some(0.1),
    );
    assert_eq!(figure.value, 40.0);
    assert_eq!(figure.median, 40.0);
    assert_eq!((figure.min, figure.max), (38.0, 90.0));
    assert_eq!((figure.threads, figure.reps), (2, 5));
    assert_eq!(figure.cpu_share, Some(0.98));
    assert_eq!(figure.others_share, Some(0.1));
    assert!(!figure.busy);
    let starved = Figure::of_repetitions(
        "mutex_contended".into(),
        Unit::NanosPerOp,
        (2, 2),
        &[80.0, 90.0, 85.0],
        &[Some(0.6), Some(0.7), Some(0.95)],
        Some(0.3),
    );
    assert!(starved.busy);
    // Two threads on one core are judged by what the other processes took.
    let oversubscribed = Figure::of_repetitions(
        "mutex_contended".into(),
        Unit::NanosPerOp,
        (2, 1),
        &[80.0],
        &[Some(0.5)],
        Some(0.02),
    );
    assert_eq!(oversubscribed.cpu_share, Some(0.98));
    assert!(!oversubscribed.busy);
}

fn figure(name: &str, unit: Unit, value: f64, busy: bool) -> Figure {
    Figure {
        name: name.into(),
        unit,
        value,
        median: value,
        min: value * 0.9,
        max: value * 1.2,
        threads: 2,
        reps: 11,
        cpu_share: Some(if busy { 0.62 } else { 0.99 }),
        others_share: Some(if busy { 0.4 } else { 0.0 }),
        busy,
    }
}

#[test]
fn rows_line_up_with_the_heading_and_mark_busy_figures() {
    let quiet = table_row(&figure("mutex_contended", Unit::NanosPerOp, 41.3, false));
    assert_eq!(
        quiet,
        "mutex_contended                          2      41.3  ns/op  37.2-49.6          99%"
    );
    let busy = table_row(&figure("mutex_contended", Unit::NanosPerOp, 41.3, true));
    assert_eq!(
        busy,
        "mutex_contended                          2      41.3* ns/op  37.2-49.6          62%"
    );
    let bandwidth = table_row(&figure(
        "copy_bandwidth_16mib",
        Unit::BytesPerSec,
        9.81e9,
        false,
    ));
    assert!(
        bandwidth.contains(" 9.81  GB/s   8.83-11.8 "),
        "{bandwidth}"
    );

    let load = LoadSample {
        load_average: Some(0.5),
        others_share: Some(0.02),
        seconds: 0.25,
    };
    let heading = heading(&reference_machine(), &load, 11);
    let columns = heading.lines().last().unwrap();
    let start = |text: &str, word: &str| text.find(word);
    let end = |text: &str, word: &str| text.find(word).map(|at| at + word.len());
    // Right-aligned columns end together, left-aligned ones start together.
    assert_eq!(end(columns, "threads"), end(&busy, " 2"));
    assert_eq!(end(columns, "value"), end(&busy, "41.3"));
    assert_eq!(start(columns, "unit"), start(&busy, "ns/op"));
    assert_eq!(start(columns, "min-max"), start(&busy, "37.2"));
    assert_eq!(end(columns, "cpu"), end(&busy, "62%"));
    assert!(heading.starts_with("machine: 2 logical cores, AMD EPYC, linux x86_64\n"));
    assert!(heading.contains("load before: load average 0.50; other processes used 2%"));
}

fn costs_with(figures: Vec<Figure>) -> Costs {
    Costs {
        schema_version: SCHEMA_VERSION,
        tool_version: "0.1.0".into(),
        machine: reference_machine(),
        measured_at: 1_700_000_000,
        seconds: 9.6,
        quick: false,
        debug_build: false,
        load: Some(LoadReport {
            before: LoadSample {
                load_average: Some(0.1),
                others_share: Some(0.01),
                seconds: 0.25,
            },
            during: LoadSample {
                load_average: Some(0.1),
                others_share: Some(0.3),
                seconds: 9.6,
            },
        }),
        figures,
    }
}

#[test]
fn the_footing_explains_busy_figures_and_says_how_long() {
    let quiet = costs_with(vec![figure(
        "mutex_uncontended",
        Unit::NanosPerOp,
        20.0,
        false,
    )]);
    let text = footing(&quiet);
    assert!(!text.contains("busy"), "{text}");
    assert!(text.contains("during the run: load average 0.10; other processes used 30%"));
    assert!(text.ends_with("1 figure in 9.6 s\n"), "{text}");
    let busy = costs_with(vec![
        figure("mutex_uncontended", Unit::NanosPerOp, 20.0, false),
        figure("mutex_contended", Unit::NanosPerOp, 40.0, true),
    ]);
    let text = footing(&busy);
    assert!(
        text.contains(
            "* busy (1 figure): other processes held the cores, and the threads got less than 80%"
        ),
        "{text}"
    );
}

fn here() -> Here {
    Here {
        machine: reference_machine(),
        now: 1_700_000_000 + 24 * 60 * 60,
        optimised: true,
    }
}

#[test]
fn costs_are_stale_on_another_machine_build_or_time() {
    let costs = costs_with(vec![]);
    assert_eq!(costs.staleness(&here()), None);

    let mut other = here();
    other.machine.logical_cores = 8;
    assert_eq!(
        costs.staleness(&other),
        Some(Stale::Machine {
            measured_on: reference_machine()
        })
    );
    let changes: [fn(&mut Machine); 3] = [
        |m| m.cpu = "Apple M2".into(),
        |m| m.arch = "aarch64".into(),
        |m| m.os = "macos".into(),
    ];
    for change in changes {
        let mut other = here();
        change(&mut other.machine);
        assert!(matches!(
            costs.staleness(&other),
            Some(Stale::Machine { .. })
        ));
    }

    let mut old = here();
    old.now = costs.measured_at + MAX_AGE.as_secs() + 1;
    assert_eq!(costs.staleness(&old), Some(Stale::TooOld { days: 30 }));
    old.now = costs.measured_at + MAX_AGE.as_secs();
    assert_eq!(costs.staleness(&old), None);

    let mut before = here();
    before.now = costs.measured_at - 2 * 60 * 60;
    assert_eq!(costs.staleness(&before), Some(Stale::FromTheFuture));

    let debug = Costs {
        debug_build: true,
        ..costs.clone()
    };
    assert_eq!(debug.staleness(&here()), Some(Stale::DebugBuild));
    let unoptimised_reader = Here {
        optimised: false,
        ..here()
    };
    assert_eq!(debug.staleness(&unoptimised_reader), None);

    let newer = Costs {
        schema_version: SCHEMA_VERSION + 1,
        ..costs
    };
    assert_eq!(
        newer.staleness(&here()),
        Some(Stale::Schema {
            found: SCHEMA_VERSION + 1
        })
    );
}

#[test]
fn stale_reasons_read_as_sentences() {
    let machine = Stale::Machine {
        measured_on: reference_machine(),
    };
    assert_eq!(
        machine.to_string(),
        "measured on another machine (2 logical cores, AMD EPYC, linux x86_64)"
    );
    assert_eq!(
        Stale::TooOld { days: 45 }.to_string(),
        "measured 45 days ago (a calibration is kept for 30 days)"
    );
}

#[test]
fn the_reference_has_every_figure_of_its_machine() {
    let reference = Costs::reference();
    assert_eq!(reference.machine.to_string(), REFERENCE_MACHINE);
    assert_eq!(reference.schema_version, SCHEMA_VERSION);
    let planned = plan(reference.machine.logical_cores);
    let names: Vec<&str> = reference.figures.iter().map(|f| f.name.as_str()).collect();
    let planned_names: Vec<&str> = planned.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, planned_names);
    for (name, probe) in planned {
        let figure = reference.figure(&name).unwrap();
        assert_eq!(figure.unit, probe.unit(), "{name}");
        assert_eq!(figure.threads, probe.threads(), "{name}");
        assert!(
            figure.min <= figure.median && figure.median <= figure.max,
            "{name}"
        );
        assert!(figure.value > 0.0 && !figure.busy, "{name}");
    }
    assert!(reference.figure("no_such_figure").is_none());
}

#[test]
fn notes_say_whose_figures_they_are() {
    let path = Path::new("target/contention/costs.json");
    let calibrated = CostTable::choose(path, Ok(costs_with(vec![])));
    assert_eq!(calibrated.note(), "calibrated on this machine");

    let missing = CostTable::choose(path, Err(Unusable::Missing));
    assert_eq!(missing.costs, Costs::reference());
    assert_eq!(
        missing.note(),
        "reference figures from 2 logical cores, AMD EPYC, linux x86_64: no calibration at \
         target/contention/costs.json; `cargo contention calibrate` measures this machine"
    );
    let stale = CostTable::choose(path, Err(Unusable::Stale(Stale::TooOld { days: 45 })));
    assert!(
        stale
            .note()
            .contains("target/contention/costs.json is stale: measured 45 days ago"),
        "{}",
        stale.note()
    );
    let invalid = CostTable::choose(path, Err(Unusable::Invalid("expected value".into())));
    assert!(
        invalid
            .note()
            .contains("is not a calibration: expected value")
    );
}

#[test]
fn a_tiny_calibration_measures_every_planned_figure() {
    let settings = Settings {
        reps: 1,
        target: Duration::from_micros(200),
        load_sample: Duration::ZERO,
        quick: true,
    };
    let mut out = Vec::new();
    let costs = measure(&settings, &mut out).unwrap();
    let names: Vec<&str> = costs.figures.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, figure_names(costs.machine.logical_cores));
    for figure in &costs.figures {
        assert!(figure.value.is_finite() && figure.value > 0.0, "{figure:?}");
        assert!(figure.min <= figure.value && figure.value <= figure.max);
        assert_eq!(figure.reps, 1);
    }
    assert_eq!(costs.machine, Machine::detect());
    assert!(costs.quick && costs.load.is_some());
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text.lines()
            .filter(|line| line.starts_with("atomic_rmw_uncontended "))
            .count(),
        1,
        "{text}"
    );
    assert!(text.contains(&format!("{} figures in ", costs.figures.len())));
}
