//! `cargo contention calibrate`: this machine's primitive costs, measured in about ten seconds
//! and kept for the findings' cost notes.
//!
//! A finding's note can say what its shape costs ("a lock on a line every core writes costs
//! 40 ns here") only with figures for the machine it runs on. [`measure`] takes them with the
//! paired benchmarks' care: threads released together on a spinning start line
//! ([`harness::timed`]), each run sized to a fixed length ([`runner::size`]), a warm-up, then
//! several repetitions reduced to their median, lowest and highest, and every repetition's
//! threads observed, so that a figure taken while they did not get their cores is marked busy
//! rather than trusted. The figures go to `target/contention/costs.json` as [`Costs`];
//! [`CostTable::for_file`] reads them back, or falls back to [`Costs::reference`], figures
//! measured once on this project's machine and built in, saying which it used.
//!
//! Each figure is a cost per operation in nanoseconds, as one thread sees it (with several
//! threads working at once, the wall time times the threads over the operations), except the
//! copy bandwidths, in bytes per second.

use std::fmt;
use std::fs;
use std::hint;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use crossbeam_utils::CachePadded;
use serde::{Deserialize, Serialize};

use crate::harness;
use crate::load::{self, BUSY_BELOW, LoadReport, LoadSample, LoadWindow};
use crate::machine::Machine;
use crate::runner::{self, default_threads};

/// The version of the costs file's layout. A file of another version is stale: its fields may
/// mean something else.
pub const SCHEMA_VERSION: u32 = 1;

/// How long a calibration stays good. The machine description catches another CPU model or
/// core count, but not what moves the figures on the same one: kernel updates (a new
/// mitigation makes system calls, and so thread creation, dearer), microcode and firmware
/// settings, a virtual machine moved to another host of the same model, another allocator.
/// Those come every few weeks on a maintained machine, so a month-old calibration is measured
/// again rather than trusted.
pub const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The file's name in the cache folder: `target/contention/costs.json`.
pub const FILE_NAME: &str = "costs.json";

/// How the costs are measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Timed repetitions of each figure, after one warm-up run.
    pub reps: usize,
    /// How long one run of each figure should take; the work is sized to it once.
    pub target: Duration,
    /// How long the load is sampled before the first figure, while this process sleeps.
    pub load_sample: Duration,
    /// Whether this is the `--quick` measurement (recorded with the figures).
    pub quick: bool,
}

impl Settings {
    /// The full calibration: 11 repetitions of 55 ms runs, about ten seconds in all on a
    /// 2-core machine (the shared-line figures add a few runs per doubling of the cores).
    pub fn full() -> Settings {
        Settings {
            reps: 11,
            target: Duration::from_millis(55),
            load_sample: Duration::from_millis(250),
            quick: false,
        }
    }

    /// A quick look: 5 repetitions of 10 ms runs, a second or two in all.
    pub fn quick() -> Settings {
        Settings {
            reps: 5,
            target: Duration::from_millis(10),
            load_sample: Duration::from_millis(100),
            quick: true,
        }
    }
}

/// The unit of a figure's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// Nanoseconds per operation, as one thread sees it.
    #[serde(rename = "ns/op")]
    NanosPerOp,
    /// Bytes per second.
    #[serde(rename = "bytes/s")]
    BytesPerSec,
}

impl Unit {
    /// `ns/op` or `bytes/s`, as the file spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::NanosPerOp => "ns/op",
            Unit::BytesPerSec => "bytes/s",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One measured cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// A stable identifier, such as `mutex_contended` or `copy_bandwidth_64kib`.
    pub name: String,
    /// The unit of `value`, `median`, `min` and `max`.
    pub unit: Unit,
    /// The figure to use: the median over the repetitions.
    pub value: f64,
    /// The median over the repetitions (the same as `value`).
    pub median: f64,
    /// The lowest value of one repetition.
    pub min: f64,
    /// The highest value of one repetition.
    pub max: f64,
    /// Threads working at once.
    pub threads: usize,
    /// Timed repetitions the figure is the median of.
    pub reps: usize,
    /// The share of the CPU time they asked for that the threads got, 0 to 1 (the median over
    /// the repetitions); with more threads than cores, one minus `others_share` (see
    /// [`load::figure_share`]). `None` where it cannot be measured.
    pub cpu_share: Option<f64>,
    /// The share of the CPUs other processes used while the figure was measured, 0 to 1;
    /// `None` where `/proc/stat` cannot be read.
    pub others_share: Option<f64>,
    /// Whether the threads clearly did not get their cores (`cpu_share` below
    /// [`BUSY_BELOW`]): the figure was taken on a busy machine and says more about the other
    /// processes than about the machine.
    pub busy: bool,
}

impl Figure {
    /// The figure of the repetitions' `values`, from what their threads got of the CPU
    /// (`shares`, one per repetition) and what other processes used meanwhile, on a machine of
    /// `cores` logical cores.
    fn of_repetitions(
        name: String,
        unit: Unit,
        (threads, cores): (usize, usize),
        values: &[f64],
        shares: &[Option<f64>],
        others_share: Option<f64>,
    ) -> Figure {
        let median = runner::median(values);
        let cpu_share = load::figure_share(threads, cores, shares, others_share);
        Figure {
            name,
            unit,
            value: median,
            median,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            threads,
            reps: values.len(),
            cpu_share,
            others_share,
            busy: load::is_busy(cpu_share),
        }
    }
}

/// A machine's primitive costs, as `costs.json` holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Costs {
    /// [`SCHEMA_VERSION`] when written.
    pub schema_version: u32,
    /// The version of the tool that measured them.
    pub tool_version: String,
    /// The machine they were measured on.
    pub machine: Machine,
    /// When they were measured, in seconds since the Unix epoch.
    pub measured_at: u64,
    /// How long the measurement took, in seconds.
    pub seconds: f64,
    /// Whether it was the `--quick` measurement.
    pub quick: bool,
    /// Whether the tool was built without optimisations: such figures measure the loop
    /// around the operation more than the operation.
    pub debug_build: bool,
    /// The load on the machine before and during the measurement; `None` for the built-in
    /// reference figures.
    pub load: Option<LoadReport>,
    /// The figures, in the order measured.
    pub figures: Vec<Figure>,
}

impl Costs {
    /// The figure named `name`, if these costs have one.
    pub fn figure(&self, name: &str) -> Option<&Figure> {
        self.figures.iter().find(|figure| figure.name == name)
    }

    /// The costs as the file holds them: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("costs serialise") + "\n"
    }

    /// Reads the costs file at `path` as this machine, now, with this build: the costs if
    /// they are current, or why they cannot be used.
    pub fn load(path: &Path) -> Result<Costs, Unusable> {
        Costs::load_as(path, &Here::detect())
    }

    /// Reads the costs file at `path` as `here` would, telling a missing file from an
    /// unreadable or invalid one, and a stale one from a current one.
    pub fn load_as(path: &Path, here: &Here) -> Result<Costs, Unusable> {
        let text = fs::read_to_string(path).map_err(|error| match error.kind() {
            // A file where a folder of the path should be: no calibration was written there.
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Unusable::Missing,
            _ => Unusable::Invalid(error.to_string()),
        })?;
        // The version first, so that a file of another layout is stale rather than invalid.
        #[derive(Deserialize)]
        struct Version {
            schema_version: u32,
        }
        let version: Version =
            serde_json::from_str(&text).map_err(|error| Unusable::Invalid(error.to_string()))?;
        if version.schema_version != SCHEMA_VERSION {
            return Err(Unusable::Stale(Stale::Schema {
                found: version.schema_version,
            }));
        }
        let costs: Costs =
            serde_json::from_str(&text).map_err(|error| Unusable::Invalid(error.to_string()))?;
        match costs.staleness(here) {
            Some(stale) => Err(Unusable::Stale(stale)),
            None => Ok(costs),
        }
    }

    /// Why these costs should not be used `here`, or `None` if they can be.
    pub fn staleness(&self, here: &Here) -> Option<Stale> {
        /// Clocks of one machine disagree a little (a file written just after an NTP step).
        const CLOCK_SLACK: u64 = 60 * 60;
        if self.schema_version != SCHEMA_VERSION {
            return Some(Stale::Schema {
                found: self.schema_version,
            });
        }
        if self.machine != here.machine {
            return Some(Stale::Machine {
                measured_on: self.machine.clone(),
            });
        }
        if self.debug_build && here.optimised {
            return Some(Stale::DebugBuild);
        }
        if self.measured_at > here.now.saturating_add(CLOCK_SLACK) {
            return Some(Stale::FromTheFuture);
        }
        let age = here.now.saturating_sub(self.measured_at);
        if age > MAX_AGE.as_secs() {
            return Some(Stale::TooOld {
                days: age / (24 * 60 * 60),
            });
        }
        None
    }

    /// Figures measured once on this project's machine ([`REFERENCE_MACHINE`]), for machines
    /// without a calibration. They are the medians of a full `cargo contention calibrate`
    /// run on a quiet machine (no figure busy).
    pub fn reference() -> Costs {
        Costs {
            schema_version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            machine: reference_machine(),
            measured_at: REFERENCE_MEASURED_AT,
            seconds: REFERENCE_SECONDS,
            quick: false,
            debug_build: false,
            load: None,
            figures: REFERENCE_FIGURES
                .iter()
                .map(|baked| Figure {
                    name: baked.name.to_owned(),
                    unit: baked.unit,
                    value: baked.median,
                    median: baked.median,
                    min: baked.min,
                    max: baked.max,
                    threads: baked.threads,
                    reps: Settings::full().reps,
                    cpu_share: Some(baked.cpu_share),
                    others_share: Some(baked.others_share),
                    busy: false,
                })
                .collect(),
        }
    }
}

/// Who reads a costs file: the machine, the time and the build that decide whether it is stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Here {
    /// The machine reading the file.
    pub machine: Machine,
    /// Now, in seconds since the Unix epoch.
    pub now: u64,
    /// Whether the reader is an optimised build, to which an unoptimised build's figures do
    /// not apply.
    pub optimised: bool,
}

impl Here {
    /// This machine, now, this build.
    pub fn detect() -> Here {
        Here {
            machine: Machine::detect(),
            now: unix_now(),
            optimised: !cfg!(debug_assertions),
        }
    }
}

/// Why [`Costs::load`] found no costs to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// There is no file: this machine was never calibrated (or the cache was cleaned).
    Missing,
    /// The file cannot be read, or is not a costs file; the reason.
    Invalid(String),
    /// The file is a costs file, but not for this machine, build or time.
    Stale(Stale),
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::Missing => f.write_str("missing"),
            Unusable::Invalid(reason) => write!(f, "not a calibration: {reason}"),
            Unusable::Stale(stale) => write!(f, "stale: {stale}"),
        }
    }
}

/// Why a costs file is stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// It was written with another layout, by another version of the tool.
    Schema {
        /// The file's schema version.
        found: u32,
    },
    /// It was measured on another machine: other cores, CPU, operating system or
    /// architecture.
    Machine {
        /// The machine it was measured on.
        measured_on: Machine,
    },
    /// It was measured by an unoptimised build, and the reader is optimised.
    DebugBuild,
    /// It is dated after now: the clock was wrong then or is now.
    FromTheFuture,
    /// It is older than [`MAX_AGE`].
    TooOld {
        /// Its age in whole days.
        days: u64,
    },
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stale::Schema { found } => write!(
                f,
                "written with schema version {found}, this tool reads version {SCHEMA_VERSION}"
            ),
            Stale::Machine { measured_on } => {
                write!(f, "measured on another machine ({measured_on})")
            }
            Stale::DebugBuild => f.write_str("measured by an unoptimised build"),
            Stale::FromTheFuture => f.write_str("dated in the future"),
            Stale::TooOld { days } => write!(
                f,
                "measured {days} days ago (a calibration is kept for {} days)",
                MAX_AGE.as_secs() / (24 * 60 * 60)
            ),
        }
    }
}

/// The figures the cost notes quote, and where they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct CostTable {
    /// The figures.
    pub costs: Costs,
    /// Whether they are this machine's or the built-in reference.
    pub source: Source,
}

/// Where a [`CostTable`]'s figures come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// This machine's calibration, read from `path`.
    Calibrated {
        /// The costs file.
        path: PathBuf,
    },
    /// The built-in reference figures, because this machine's calibration at `path` could not
    /// be used.
    Reference {
        /// Where the calibration was looked for.
        path: PathBuf,
        /// Why it was not used.
        why: Unusable,
    },
}

impl CostTable {
    /// This machine's calibration at `path` if it is current, otherwise the reference figures.
    pub fn for_file(path: &Path) -> CostTable {
        CostTable::choose(path, Costs::load(path))
    }

    /// The table for what was found at `path`.
    pub fn choose(path: &Path, found: Result<Costs, Unusable>) -> CostTable {
        match found {
            Ok(costs) => CostTable {
                costs,
                source: Source::Calibrated {
                    path: path.to_path_buf(),
                },
            },
            Err(why) => CostTable {
                costs: Costs::reference(),
                source: Source::Reference {
                    path: path.to_path_buf(),
                    why,
                },
            },
        }
    }

    /// The figure named `name`, if there is one.
    pub fn figure(&self, name: &str) -> Option<&Figure> {
        self.costs.figure(name)
    }

    /// What a cost note says about its figures: `calibrated on this machine`, or `reference
    /// figures from 2 logical cores, AMD EPYC, linux x86_64: ...` with why and what to do.
    pub fn note(&self) -> String {
        match &self.source {
            Source::Calibrated { .. } => "calibrated on this machine".to_owned(),
            Source::Reference { path, why } => {
                let path = path.display();
                let why = match why {
                    Unusable::Missing => format!("no calibration at {path}"),
                    other => format!("{path} is {other}"),
                };
                format!(
                    "reference figures from {}: {why}; `cargo contention calibrate` measures \
                     this machine",
                    self.costs.machine
                )
            }
        }
    }
}

/// What one figure runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Probe {
    /// `fetch_add(1, Relaxed)` on one counter from `threads` threads.
    AtomicRmw { threads: usize },
    /// `*mutex.lock() += 1` on one `Mutex<u64>` from `threads` threads.
    Mutex { threads: usize },
    /// `*rwlock.read()` on one `RwLock<u64>` from `threads` threads.
    RwLockRead { threads: usize },
    /// `copy_from_slice` of a buffer of `bytes` into another.
    Copy { bytes: usize },
    /// A `Vec::with_capacity(bytes)` dropped at once: malloc and free.
    AllocFree { bytes: usize },
    /// `thread::spawn` of an empty closure and its `join`.
    SpawnJoin,
    /// Two threads taking turns to write one cache line, each waiting for the other's write.
    PingPong,
}

/// The copy sizes: within L1, L2, L3 on most machines, and beyond the caches.
pub const COPY_SIZES: [usize; 4] = [4 << 10, 64 << 10, 1 << 20, 16 << 20];

/// The allocation sizes: a small object, a page-sized buffer, and a large buffer.
pub const ALLOC_SIZES: [usize; 3] = [64, 4 << 10, 1 << 20];

impl Probe {
    fn threads(self) -> usize {
        match self {
            Probe::AtomicRmw { threads }
            | Probe::Mutex { threads }
            | Probe::RwLockRead { threads } => threads,
            Probe::Copy { .. } | Probe::AllocFree { .. } | Probe::SpawnJoin => 1,
            Probe::PingPong => 2,
        }
    }

    fn unit(self) -> Unit {
        match self {
            Probe::Copy { .. } => Unit::BytesPerSec,
            _ => Unit::NanosPerOp,
        }
    }

    /// Operations come in whole turns of both players in the ping-pong.
    fn round(self, ops: u64) -> u64 {
        match self {
            Probe::PingPong => ops.max(1).div_ceil(2) * 2,
            _ => ops.max(1),
        }
    }

    /// A repetition's value from its `ops` operations and their wall time.
    fn value(self, ops: u64, elapsed: Duration) -> f64 {
        let seconds = elapsed.as_secs_f64().max(1e-9);
        match self {
            Probe::Copy { bytes } => (bytes as f64 * ops as f64) / seconds,
            // The turns follow one another: the wall time is spent on one transfer at a time.
            Probe::PingPong => seconds * 1e9 / ops as f64,
            // Each thread did its share of the operations over the wall time.
            _ => seconds * 1e9 * self.threads() as f64 / ops as f64,
        }
    }

    /// The workload: a function that runs `ops` operations (split across the probe's
    /// threads) and returns their wall time. What outlives one run, such as the copy
    /// buffers, is made once here, outside every timing.
    fn workload(self) -> Box<dyn FnMut(u64) -> Duration> {
        match self {
            Probe::AtomicRmw { threads } => Box::new(move |ops| {
                let counter = CachePadded::new(AtomicU64::new(0));
                let (elapsed, _) = harness::timed_ranges(threads, ops, |_, range| {
                    for _ in range {
                        // Through black_box, so that the increments cannot be merged.
                        hint::black_box(&*counter).fetch_add(1, Ordering::Relaxed);
                    }
                });
                elapsed
            }),
            Probe::Mutex { threads } => Box::new(move |ops| {
                let lock = Mutex::new(0u64);
                let (elapsed, _) = harness::timed_ranges(threads, ops, |_, range| {
                    for _ in range {
                        *hint::black_box(&lock).lock().expect("no holder panics") += 1;
                    }
                });
                elapsed
            }),
            Probe::RwLockRead { threads } => Box::new(move |ops| {
                let lock = RwLock::new(1u64);
                let (elapsed, sums) = harness::timed_ranges(threads, ops, |_, range| {
                    let mut sum = 0u64;
                    for _ in range {
                        sum += *hint::black_box(&lock).read().expect("no holder panics");
                    }
                    sum
                });
                hint::black_box(sums);
                elapsed
            }),
            Probe::Copy { bytes } => {
                // Both buffers start on a page. Where they land relative to each other
                // matters: on this project's AMD EPYC (Zen 3), glibc's memcpy of 4 KiB to
                // 256 KiB runs at 1.5 GB/s instead of 30 to 50 when the target starts 16 bytes
                // past a whole number of pages after the source, which is where malloc puts a
                // buffer allocated right after another of the same size. The figure is the
                // usual case.
                let (mut source, source_at) = page_aligned(bytes);
                let (mut target, target_at) = page_aligned(bytes);
                for (at, byte) in source.iter_mut().enumerate() {
                    *byte = at as u8;
                }
                Box::new(move |ops| {
                    let buffers = vec![(
                        &mut target[target_at..target_at + bytes],
                        &source[source_at..source_at + bytes],
                    )];
                    let (elapsed, _) = harness::timed(buffers, |(target, source)| {
                        for _ in 0..ops {
                            target.copy_from_slice(hint::black_box(source));
                            hint::black_box(&mut *target);
                        }
                    });
                    elapsed
                })
            }
            Probe::AllocFree { bytes } => Box::new(move |ops| {
                let (elapsed, _) = harness::timed(vec![ops], |ops| {
                    for _ in 0..ops {
                        let block: Vec<u8> = Vec::with_capacity(bytes);
                        // The pointer escapes, so the allocation cannot be left out.
                        hint::black_box(block.as_ptr());
                    }
                });
                elapsed
            }),
            Probe::SpawnJoin => Box::new(move |ops| {
                let (elapsed, _) = harness::timed(vec![ops], |ops| {
                    for _ in 0..ops {
                        thread::spawn(|| hint::black_box(0u64))
                            .join()
                            .expect("an empty thread does not panic");
                    }
                });
                elapsed
            }),
            Probe::PingPong => Box::new(move |ops| {
                let turn = CachePadded::new(AtomicU64::new(0));
                let rounds = ops / 2;
                let (elapsed, _) = harness::timed(vec![0u64, 1], |player| {
                    for round in 0..rounds {
                        let mine = 2 * round + player;
                        harness::spin_until(|| turn.load(Ordering::Acquire) == mine);
                        turn.store(mine + 1, Ordering::Release);
                    }
                });
                elapsed
            }),
        }
    }
}

/// The size of a page, the alignment of the copy buffers.
const PAGE: usize = 4096;

/// A buffer of `bytes + PAGE` bytes, all touched (not zeroed: the allocator would hand out
/// untouched pages, faulted in by the first copy), and where in it a page begins.
fn page_aligned(bytes: usize) -> (Vec<u8>, usize) {
    let block = vec![0xa5u8; bytes + PAGE];
    let at = block.as_ptr().align_offset(PAGE);
    (block, at)
}

/// The figures measured on a machine of `cores` logical cores, named, in order.
///
/// The contended figures use every core, and at least two threads: on one core they measure
/// preemption while holding the line or the lock, which is what two threads there get.
fn plan(cores: usize) -> Vec<(String, Probe)> {
    let all = cores.max(2);
    let mut plan = vec![(
        "atomic_rmw_uncontended".to_owned(),
        Probe::AtomicRmw { threads: 1 },
    )];
    for threads in default_threads(cores) {
        if (2..=all).contains(&threads) {
            plan.push((
                format!("atomic_rmw_shared_line_{threads}_threads"),
                Probe::AtomicRmw { threads },
            ));
        }
    }
    plan.extend([
        ("mutex_uncontended".to_owned(), Probe::Mutex { threads: 1 }),
        ("mutex_contended".to_owned(), Probe::Mutex { threads: all }),
        (
            "rwlock_read_uncontended".to_owned(),
            Probe::RwLockRead { threads: 1 },
        ),
        (
            "rwlock_read_all_cores".to_owned(),
            Probe::RwLockRead { threads: all },
        ),
    ]);
    for bytes in COPY_SIZES {
        plan.push((
            format!("copy_bandwidth_{}", size_label(bytes)),
            Probe::Copy { bytes },
        ));
    }
    for bytes in ALLOC_SIZES {
        plan.push((
            format!("alloc_free_{}", size_label(bytes)),
            Probe::AllocFree { bytes },
        ));
    }
    plan.extend([
        ("thread_spawn_join".to_owned(), Probe::SpawnJoin),
        ("cache_line_ping_pong".to_owned(), Probe::PingPong),
    ]);
    plan
}

/// The names of the figures measured on a machine of `cores` logical cores, in order.
pub fn figure_names(cores: usize) -> Vec<String> {
    plan(cores).into_iter().map(|(name, _)| name).collect()
}

/// A size as figure names spell it: `64b`, `4kib`, `16mib`.
pub fn size_label(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 {
        format!("{}mib", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes % (1 << 10) == 0 {
        format!("{}kib", bytes >> 10)
    } else {
        format!("{bytes}b")
    }
}

/// Measures one figure: sizes its work to `settings.target`, runs it once to warm up, then
/// `settings.reps` times observed.
fn measure_figure(name: String, probe: Probe, settings: &Settings, cores: usize) -> Result<Figure> {
    let mut run = probe.workload();
    let ops = runner::size(
        settings.target,
        1,
        |ops| probe.round(ops),
        |ops| Ok(run(ops)),
    )?;
    run(ops);
    let reps = settings.reps.max(1);
    let mut values = Vec::with_capacity(reps);
    let mut shares = Vec::with_capacity(reps);
    let window = LoadWindow::start();
    for _ in 0..reps {
        let (elapsed, usage) = harness::observed(|| run(ops));
        values.push(probe.value(ops, elapsed));
        shares.push(usage.and_then(|usage| usage.cpu_share()));
    }
    Ok(Figure::of_repetitions(
        name,
        probe.unit(),
        (probe.threads(), cores),
        &values,
        &shares,
        window.finish().others_share,
    ))
}

/// Measures this machine's costs, printing the table to `out` as the figures come (with a
/// progress bar on stderr when that is a terminal).
pub fn measure(settings: &Settings, out: &mut dyn Write) -> Result<Costs> {
    let machine = Machine::detect();
    let cores = machine.logical_cores;
    let plan = plan(cores);
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this calibration was built without optimisations; its figures say \
             little about release code"
        );
    }
    let load_before = LoadWindow::sample(settings.load_sample);
    let started = Instant::now();
    let during = LoadWindow::start();
    write!(out, "{}", heading(&machine, &load_before, settings.reps))?;
    out.flush()?;

    let progress = crate::progress_bar(plan.len() as u64);
    let mut figures = Vec::with_capacity(plan.len());
    for (name, probe) in plan {
        progress.set_message(name.clone());
        let figure = measure_figure(name, probe, settings, cores)?;
        progress.inc(1);
        progress.suspend(|| -> io::Result<()> {
            writeln!(out, "{}", table_row(&figure))?;
            out.flush()
        })?;
        figures.push(figure);
    }
    progress.finish_and_clear();

    let costs = Costs {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        machine,
        measured_at: unix_now(),
        seconds: started.elapsed().as_secs_f64(),
        quick: settings.quick,
        debug_build: cfg!(debug_assertions),
        load: Some(LoadReport {
            before: load_before,
            during: during.finish(),
        }),
        figures,
    };
    write!(out, "{}", footing(&costs))?;
    Ok(costs)
}

/// The lines above the table: the machine, the load before, what a figure is, the headings.
pub fn heading(machine: &Machine, load_before: &LoadSample, reps: usize) -> String {
    format!(
        "machine: {machine}\n\
         load before: {}\n\
         each figure: median of {reps} runs after a warm-up, with the lowest and highest run; \
         cpu: the share of the CPU time they asked for that the threads got\n\n\
         {:<34} {:>7} {:>9}  {:<5}  {:<17} {:>4}\n",
        load_before.describe(),
        "figure",
        "threads",
        "value",
        "unit",
        "min-max",
        "cpu"
    )
}

/// One line of the table. Bandwidths are shown in GB/s (the file keeps bytes per second); a
/// busy figure's value is marked `*`, which [`footing`] explains.
pub fn table_row(figure: &Figure) -> String {
    let (scale, unit) = match figure.unit {
        Unit::NanosPerOp => (1.0, "ns/op"),
        Unit::BytesPerSec => (1e-9, "GB/s"),
    };
    let marker = if figure.busy { '*' } else { ' ' };
    let cpu = figure
        .cpu_share
        .map_or_else(|| "-".to_owned(), |share| format!("{:.0}%", share * 100.0));
    format!(
        "{:<34} {:>7} {:>9}{marker} {unit:<5}  {:<17} {cpu:>4}",
        figure.name,
        figure.threads,
        format_value(figure.value * scale),
        format!(
            "{}-{}",
            format_value(figure.min * scale),
            format_value(figure.max * scale)
        ),
    )
    .trim_end()
    .to_owned()
}

/// The lines below the table: the busy footnote if a figure is busy, the load during the run,
/// and how long it took.
pub fn footing(costs: &Costs) -> String {
    let mut text = String::from("\n");
    let busy = costs.figures.iter().filter(|figure| figure.busy).count();
    if busy > 0 {
        let figures = if busy == 1 { "figure" } else { "figures" };
        text += &format!(
            "* busy ({busy} {figures}): other processes held the cores, and the threads got less \
             than {:.0}% of the CPU time they asked for (with more threads than cores: the other \
             processes used more than {:.0}% of the CPUs); such a figure is kept, marked busy, \
             but measures the other processes as much as this machine. Calibrate again on a \
             quiet machine.\n",
            BUSY_BELOW * 100.0,
            (1.0 - BUSY_BELOW) * 100.0
        );
    }
    if let Some(load) = &costs.load {
        text += &format!("during the run: {}\n", load.during.describe());
    }
    let figures = if costs.figures.len() == 1 {
        "figure"
    } else {
        "figures"
    };
    text += &format!(
        "{} {figures} in {:.1} s\n",
        costs.figures.len(),
        costs.seconds
    );
    text
}

/// A value with three significant digits or so: `5.02`, `41.3`, `27400`.
fn format_value(value: f64) -> String {
    let digits = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.digits$}")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

mod reference;
pub use reference::REFERENCE_MACHINE;
use reference::{REFERENCE_FIGURES, REFERENCE_MEASURED_AT, REFERENCE_SECONDS, reference_machine};

#[cfg(test)]
mod tests;
