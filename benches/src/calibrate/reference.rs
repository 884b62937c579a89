//! The reference figures: one full calibration of this project's machine, built in for the
//! machines that have none of their own (see [`super::Costs::reference`]).

use super::Unit;
use crate::machine::Machine;

/// The machine [`Costs::reference`] was measured on.
pub const REFERENCE_MACHINE: &str = "2 logical cores, AMD EPYC, linux x86_64";

pub(super) fn reference_machine() -> Machine {
    Machine {
        logical_cores: 2,
        cpu: "AMD EPYC".to_owned(),
        os: "linux".to_owned(),
        arch: "x86_64".to_owned(),
    }
}

/// When the reference figures were measured, in seconds since the Unix epoch.
pub(super) const REFERENCE_MEASURED_AT: u64 = 1796167039;

/// How long the reference run took, in seconds.
pub(super) const REFERENCE_SECONDS: f64 = 9.7;

/// A reference figure as built in.
pub(super) struct Baked {
    pub(super) name: &'static str,
    pub(super) unit: Unit,
    pub(super) threads: usize,
    pub(super) median: f64,
    pub(super) min: f64,
    pub(super) max: f64,
    pub(super) cpu_share: f64,
    pub(super) others_share: f64,
}

/// The reference figures: the medians, lowest and highest runs of a full calibration on
/// [`REFERENCE_MACHINE`] while other processes used 1% of its CPUs, rounded to four
/// significant digits. Between quiet runs there, the figures that move data between the two
/// cores move most (the host places the two virtual CPUs on one physical core or two):
/// `atomic_rmw_shared_line_2_threads` measured 15 to 33 ns, `cache_line_ping_pong` 16 to 57.
pub(super) const REFERENCE_FIGURES: &[Baked] = &[
    Baked {
        name: "atomic_rmw_uncontended",
        unit: Unit::NanosPerOp,
        threads: 1,
        median: 3.094,
        min: 2.692,
        max: 3.958,
        cpu_share: 0.999,
        others_share: 0.0,
    },
    Baked {
        name: "atomic_rmw_shared_line_2_threads",
        unit: Unit::NanosPerOp,
        threads: 2,
        median: 14.94,
        min: 8.278,
        max: 16.8,
        cpu_share: 0.998,
        others_share: 0.016,
    },
    Baked {
        name: "mutex_uncontended",
        unit: Unit::NanosPerOp,
        threads: 1,
        median: 6.428,
        min: 5.594,
        max: 6.912,
        cpu_share: 0.999,
        others_share: 0.006,
    },
    Baked {
        name: "mutex_contended",
        unit: Unit::NanosPerOp,
        threads: 2,
        median: 26.43,
        min: 13.34,
        max: 41.8,
        cpu_share: 0.935,
        others_share: 0.0,
    },
    Baked {
        name: "rwlock_read_uncontended",
        unit: Unit::NanosPerOp,
        threads: 1,
        median: 6.512,
        min: 6.27,
        max: 8.244,
        cpu_share: 0.999,
        others_share: 0.003,
    },
    Baked {
        name: "rwlock_read_all_cores",
        unit: Unit::NanosPerOp,
        threads: 2,
        median: 29.07,
        min: 25.2,
        max: 31.83,
        cpu_share: 0.998,
        others_share: 0.007,
    },
    Baked {
        name: "copy_bandwidth_4kib",
        unit: Unit::BytesPerSec,
        threads: 1,
        median: 49.51e9,
        min: 39.09e9,
        max: 52.23e9,
        cpu_share: 0.999,
        others_share: 0.029,
    },
    Baked {
        name: "copy_bandwidth_64kib",
        unit: Unit::BytesPerSec,
        threads: 1,
        median: 40.23e9,
        min: 36.02e9,
        max: 45.92e9,
        cpu_share: 0.999,
        others_share: 0.006,
    },
    Baked {
        name: "copy_bandwidth_1mib",
        unit: Unit::BytesPerSec,
        threads: 1,
        median: 31.99e9,
        min: 29.72e9,
        max: 36.23e9,
        cpu_share: 0.999,
        others_share: 0.042,
    },
    Baked {
        name: "copy_bandwidth_16mib",
        unit: Unit::BytesPerSec,
        threads: 1,
        median: 4.614e9,
        min: 3.891e9,
        max: 5.154e9,
        cpu_share: 0.999,
        others_share: 0.005,
    },
    Baked {
        name: "alloc_free_64b",
        unit: Unit::NanosPerOp,
        threads: 1,
        median: 24.85,
        min: 22.37,
        max: 28.32,
        cpu_share: 0.999,
        others_share: 0.017,
    },
    Baked {
        name: "alloc_free_4kib",
        unit: Unit::NanosPerOp,
        threads: 1,
        median: 56.08,
        min: 53.14,
        max: 58.45,
        cpu_share: 0.999,
        others_share: 0.006,
    },
    Baked {
        name: "alloc_free_1mib",
        unit: Unit::NanosPerOp,
        threads: 1,
        median: 58.05,
        min: 53.78,
        max: 59.76,
        cpu_share: 0.999,
        others_share: 0.007,
    },
    Baked {
        name: "thread_spawn_join",
        unit: Unit::NanosPerOp,
        threads: 1,
        median: 66050.0,
        min: 55330.0,
        max: 98390.0,
        cpu_share: 0.903,
        others_share: 0.06,
    },
    Baked {
        name: "cache_line_ping_pong",
        unit: Unit::NanosPerOp,
        threads: 2,
        median: 38.13,
        min: 37.12,
        max: 40.11,
        cpu_share: 0.997,
        others_share: 0.01,
    },
];
