//! Napkin math for findings: a finding's [`Cost`] (what its code does each time it runs, and
//! how often the source shows it running) priced with the machine's measured costs
//! ([`CostTable`], from `cargo contention calibrate` or the built-in reference figures) into an
//! [`Estimate`]. The estimate is the `note:` line every printer shows, the `estimate` object of
//! the JSON and SARIF output, and the figure `--sort cost` and `--statistics` use.
//!
//! Each figure is one thread's time per occurrence, as the calibration measures it. With
//! several threads running the code, what changes it is priced three ways: an atomic or a lock
//! every thread uses is read from the figure measured with that many threads on it; work made
//! one at a time (a copy or an allocation under a lock, threads started by one spawning thread)
//! costs each thread as many times its length as there are threads; the rest costs the same.
//!
//! What an estimate leaves out it says nothing about: the work around the flagged code, and,
//! for a copy, the size, which the source does not show (the note prices 64 KiB).

use std::fmt::Write as _;

use contention_bench::calibrate::{ALLOC_SIZES, COPY_SIZES, Source, size_label};
use contention_bench::{CostTable, Unit};
use contention_lints::{Cost, LockOp, Per, SharedLine, Work};
use serde::Serialize;

/// The size a copy is priced at: the source does not show how large the copied value is.
pub const NOMINAL_COPY_BYTES: u64 = 64 << 10;

/// A finding's cost on this machine (or the reference machine), per occurrence and per call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// What is counted, in words: `2 atomic read-modify-writes per iteration`.
    pub what: String,
    /// What one occurrence is per: `iteration`, `call`, `access`, `read`, `write`, `element`
    /// or `value made`.
    pub per: &'static str,
    /// Nanoseconds of one thread's time per occurrence, with no other thread running the code.
    pub alone_ns: f64,
    /// The same with every core running the code; `None` where other threads do not change it.
    pub contended: Option<Contended>,
    /// The bytes a copy is priced at: 64 KiB, since the source does not show the size.
    pub bytes: Option<u64>,
    /// Occurrences a call, when every loop around the code has a bound the source spells.
    pub iterations: Option<u64>,
    /// The figures times `iterations`, when it is known.
    pub per_call: Option<PerCall>,
    /// What `--sort cost` orders by and `--statistics` adds up: nanoseconds per call (per
    /// occurrence when the iterations are not known), with every core running the code where
    /// that changes the cost.
    pub cost_ns: f64,
    /// The measured figures the estimate is made of, by name (see `cargo contention
    /// calibrate`).
    pub figures: Vec<String>,
    /// `calibrated` (this machine's costs file) or `reference` (the built-in figures).
    pub source: &'static str,
    /// Where the figures come from, in words: `calibrated on this machine`, or the reference
    /// machine and why its figures were used.
    pub basis: String,
    /// The `note:` line.
    pub note: String,
    /// How other threads change the cost, for [`Estimate::per_thread_ns`].
    #[serde(skip)]
    scaling: Scaling,
}

/// A cost with every core running the code.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Contended {
    /// How many threads: the cores of the machine the figures were measured on.
    pub threads: usize,
    /// Nanoseconds of each thread's time per occurrence.
    pub ns: f64,
}

/// An estimate per call of the enclosing function.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PerCall {
    /// Nanoseconds per call with no other thread running the code.
    pub alone_ns: f64,
    /// Nanoseconds of each thread's time per call with every core running it.
    pub contended_ns: Option<f64>,
}

/// How other threads running the same code change its cost.
#[derive(Debug, Clone, PartialEq)]
enum Scaling {
    /// They do not: each thread pays for its own.
    Same,
    /// It is done one at a time: with N threads, each waits for N of them.
    OneAtATime,
    /// Measured with so many threads on it: `(threads, ns)`, one thread included.
    Measured(Vec<(usize, f64)>),
}

impl Estimate {
    /// `cost` priced with `table`'s figures; `None` when the table lacks a figure it needs.
    pub fn of(cost: &Cost, table: &CostTable) -> Option<Estimate> {
        Estimate::sized(cost, table, NOMINAL_COPY_BYTES)
    }

    /// The same, with a copy priced at `bytes` rather than 64 KiB: for a workload whose size
    /// is known, such as a paired benchmark's.
    pub fn sized(cost: &Cost, table: &CostTable, bytes: u64) -> Option<Estimate> {
        let cores = table.costs.machine.logical_cores;
        let ns = |name: &str| {
            table
                .figure(name)
                .filter(|figure| figure.unit == Unit::NanosPerOp)
                .map(|figure| figure.value)
        };
        let per = cost.per.noun();
        let mut figures: Vec<String> = Vec::new();
        let mut used = |name: &str| figures.push(name.to_owned());
        let (what, alone, scaling, text) = match &cost.work {
            Work::AtomicRmw { count, on, seqcst } => {
                let alone = ns("atomic_rmw_uncontended")?;
                used("atomic_rmw_uncontended");
                let mut measured = vec![(1, alone)];
                for threads in 2..=cores.max(2) {
                    let name = format!("atomic_rmw_shared_line_{threads}_threads");
                    if let Some(value) = ns(&name) {
                        used(&name);
                        measured.push((threads, value));
                    }
                }
                let count = f64::from(*count);
                let times = |value: f64| {
                    if count == 1.0 {
                        duration(value)
                    } else {
                        format!("{count} × {}", duration(value))
                    }
                };
                let what = if count == 1.0 {
                    format!("an atomic read-modify-write per {per}")
                } else {
                    format!("{count} atomic read-modify-writes per {per}")
                };
                let shared = match on {
                    SharedLine::Counter => "one counter",
                    SharedLine::CacheLine => "one cache line",
                };
                let mut text = format!("about {} alone", times(alone));
                if let Some(&(threads, value)) = measured.last().filter(|(t, _)| *t > 1) {
                    let _ = write!(
                        text,
                        ", {} with {threads} threads on {shared}",
                        times(value)
                    );
                }
                if *seqcst {
                    let arch = &table.costs.machine.arch;
                    if arch == "x86_64" {
                        text.push_str(
                            "; on x86_64 `Relaxed` is the same instruction and costs as much",
                        );
                    } else {
                        let _ = write!(text, "; what `SeqCst` adds on {arch} is not measured");
                    }
                }
                let measured = measured.into_iter().map(|(t, v)| (t, v * count)).collect();
                (what, alone * count, Scaling::Measured(measured), text)
            }
            Work::Lock { kind, shared } => {
                let (uncontended, all_cores, lock, together) = match kind {
                    LockOp::Mutex => (
                        "mutex_uncontended",
                        "mutex_contended",
                        "a lock taken and released",
                        "on it",
                    ),
                    LockOp::RwLockRead => (
                        "rwlock_read_uncontended",
                        "rwlock_read_all_cores",
                        "a read lock taken and released",
                        "reading",
                    ),
                };
                let alone = ns(uncontended)?;
                used(uncontended);
                let what = format!("{lock} per {per}");
                if *shared {
                    let figure = table.figure(all_cores)?;
                    used(all_cores);
                    let text = format!(
                        "about {} alone, {} with {} threads {together}",
                        duration(alone),
                        duration(figure.value),
                        figure.threads
                    );
                    let scaling =
                        Scaling::Measured(vec![(1, alone), (figure.threads, figure.value)]);
                    (what, alone, scaling, text)
                } else {
                    let text = format!("about {}, each {per}'s own lock", duration(alone));
                    (what, alone, Scaling::Same, text)
                }
            }
            Work::Copy { ty, under_lock } => {
                let (bandwidth, bandwidth_figures) = interpolated(table, bytes, BySize::Copying)?;
                let (allocating, alloc_figures) = interpolated(table, bytes, BySize::Allocating)?;
                bandwidth_figures
                    .iter()
                    .chain(&alloc_figures)
                    .for_each(|name| used(name));
                let copying = bytes as f64 / bandwidth * 1e9;
                let alone = copying + allocating;
                let mut text = format!(
                    "about {} per {} at {} and {} to allocate and free it",
                    duration(copying),
                    size(bytes),
                    rate(bandwidth),
                    duration(allocating)
                );
                let (what, scaling) = if *under_lock {
                    if cores > 1 {
                        let _ = write!(
                            text,
                            "; with {cores} threads on the lock, {} each, as they copy in turn",
                            duration(alone * cores as f64)
                        );
                    }
                    (format!("copies `{ty}` under the lock"), Scaling::OneAtATime)
                } else {
                    (format!("copies all of `{ty}`"), Scaling::Same)
                };
                (what, alone, scaling, text)
            }
            Work::AllocUnderLock => {
                let alone = ns("alloc_free_64b")?;
                used("alloc_free_64b");
                let mut text = format!("about {} to allocate and free it", duration(alone));
                if cores > 1 {
                    let _ = write!(
                        text,
                        "; with {cores} threads on the lock, {} each, as they allocate in turn",
                        duration(alone * cores as f64)
                    );
                }
                let what = format!("a small heap allocation under the lock per {per}");
                (what, alone, Scaling::OneAtATime, text)
            }
            Work::ThreadSpawn => {
                let alone = ns("thread_spawn_join")?;
                used("thread_spawn_join");
                let text = format!("about {} per spawn and join", duration(alone));
                // One thread starts them, one after another.
                (
                    format!("a thread started per {per}"),
                    alone,
                    Scaling::OneAtATime,
                    text,
                )
            }
            Work::ArcNew => {
                let allocating = ns("alloc_free_64b")?;
                let decrement = ns("atomic_rmw_uncontended")?;
                used("alloc_free_64b");
                used("atomic_rmw_uncontended");
                let text = format!(
                    "about {}: {} to allocate and free, {} to decrement",
                    duration(allocating + decrement),
                    duration(allocating),
                    duration(decrement)
                );
                let what = format!("an allocation, an atomic decrement and a free per {per}");
                (what, allocating + decrement, Scaling::Same, text)
            }
        };
        let contended = match &scaling {
            Scaling::Measured(measured) => measured
                .last()
                .filter(|(threads, _)| *threads > 1)
                .map(|&(threads, ns)| Contended { threads, ns }),
            // Shown only where it is said: threads started by one thread are its cost.
            Scaling::OneAtATime if !matches!(cost.work, Work::ThreadSpawn) && cores > 1 => {
                Some(Contended {
                    threads: cores,
                    ns: alone * cores as f64,
                })
            }
            _ => None,
        };
        let per_call = cost.iterations.map(|n| PerCall {
            alone_ns: alone * n as f64,
            contended_ns: contended.map(|c| c.ns * n as f64),
        });
        let mut note = format!("estimate: {what}: {text}");
        if let (Some(n), Some(call)) = (cost.iterations, per_call) {
            let _ = write!(
                note,
                "; {n} {} a call: about {} a call",
                plural(n, cost.per),
                duration(call.alone_ns)
            );
            if let (Some(c), Some(contended)) = (contended, call.contended_ns) {
                let _ = write!(note, ", {} with {} threads", duration(contended), c.threads);
            }
        }
        let basis = table.note();
        let _ = write!(note, " ({basis})");
        let occurrence = contended.map_or(alone, |c| c.ns);
        Some(Estimate {
            cost_ns: occurrence * cost.iterations.unwrap_or(1) as f64,
            what,
            per,
            alone_ns: alone,
            contended,
            bytes: matches!(cost.work, Work::Copy { .. }).then_some(bytes),
            iterations: cost.iterations,
            per_call,
            figures,
            source: match table.source {
                Source::Calibrated { .. } => "calibrated",
                Source::Reference { .. } => "reference",
            },
            basis,
            note,
            scaling,
        })
    }

    /// Nanoseconds of each thread's time per occurrence when `threads` threads run the code at
    /// once; `None` for a count whose figure was not measured (a contended lock is measured
    /// with every core only).
    pub fn per_thread_ns(&self, threads: usize) -> Option<f64> {
        match &self.scaling {
            Scaling::Same => Some(self.alone_ns),
            Scaling::OneAtATime => Some(self.alone_ns * threads.max(1) as f64),
            Scaling::Measured(measured) => measured
                .iter()
                .find(|(measured, _)| *measured == threads.max(1))
                .map(|&(_, ns)| ns),
        }
    }

    /// [`Estimate::cost_ns`].
    pub fn per_call_ns(&self) -> f64 {
        self.cost_ns
    }
}

/// Which of the size-dependent figures to read.
#[derive(Clone, Copy)]
enum BySize {
    /// `copy_bandwidth_<size>`, bytes per second.
    Copying,
    /// `alloc_free_<size>`, nanoseconds.
    Allocating,
}

/// A size-dependent figure at `bytes`: interpolated between the two measured sizes around it
/// (linearly in the logarithm of the size), or the nearest measured size beyond them. Also the
/// names of the figures read.
fn interpolated(table: &CostTable, bytes: u64, which: BySize) -> Option<(f64, Vec<String>)> {
    let (sizes, prefix, unit): (&[usize], _, _) = match which {
        BySize::Copying => (&COPY_SIZES, "copy_bandwidth", Unit::BytesPerSec),
        BySize::Allocating => (&ALLOC_SIZES, "alloc_free", Unit::NanosPerOp),
    };
    let points: Vec<(f64, f64, String)> = sizes
        .iter()
        .filter_map(|&size| {
            let name = format!("{prefix}_{}", size_label(size));
            let figure = table.figure(&name).filter(|figure| figure.unit == unit)?;
            Some(((size as f64).ln(), figure.value, name))
        })
        .collect();
    let at = (bytes.max(1) as f64).ln();
    let (first, last) = (points.first()?, points.last()?);
    if at <= first.0 {
        return Some((first.1, vec![first.2.clone()]));
    }
    if at >= last.0 {
        return Some((last.1, vec![last.2.clone()]));
    }
    let above = points.iter().position(|point| point.0 >= at)?;
    let (low, high) = (&points[above - 1], &points[above]);
    if high.0 == at {
        return Some((high.1, vec![high.2.clone()]));
    }
    let share = (at - low.0) / (high.0 - low.0);
    let value = low.1 + (high.1 - low.1) * share;
    Some((value, vec![low.2.clone(), high.2.clone()]))
}

/// `per` for `n` of them: `iterations`, `calls`, `values made`.
fn plural(n: u64, per: Per) -> String {
    let noun = per.noun();
    match (n, noun.split_once(' ')) {
        (1, _) => noun.to_owned(),
        (_, Some((first, rest))) => format!("{first}s {rest}"),
        (_, None) if noun.ends_with('s') => format!("{noun}es"),
        _ => format!("{noun}s"),
    }
}

/// A duration in nanoseconds as the notes write it, two significant figures or so: `3.1 ns`,
/// `15 ns`, `1.7 µs`, `66 µs`, `6.6 ms`.
pub fn duration(ns: f64) -> String {
    let (value, unit) = [(1e9, "s"), (1e6, "ms"), (1e3, "µs")]
        .into_iter()
        .find(|&(scale, _)| ns >= scale)
        .map_or((ns, "ns"), |(scale, unit)| (ns / scale, unit));
    if value < 10.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// A bandwidth in bytes per second: `40 GB/s`, `4.6 GB/s`, `850 MB/s`.
fn rate(bytes_per_second: f64) -> String {
    let (value, unit) = if bytes_per_second >= 1e9 {
        (bytes_per_second / 1e9, "GB/s")
    } else {
        (bytes_per_second / 1e6, "MB/s")
    };
    if value < 10.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// A size in binary units: `64 KiB`, `1 MiB`, `100 bytes`.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use contention_bench::{Costs, Unusable};

    use super::*;

    /// The built-in reference figures, as a machine without a calibration gets them.
    fn reference() -> CostTable {
        CostTable::choose(
            Path::new("target/contention/costs.json"),
            Err(Unusable::Missing),
        )
    }

    /// The reference figures as if this machine had measured them, on `arch`.
    fn calibrated_on(arch: &str) -> CostTable {
        let mut costs = Costs::reference();
        costs.machine.arch = arch.to_owned();
        CostTable::choose(Path::new("costs.json"), Ok(costs))
    }

    fn figure(table: &CostTable, name: &str) -> f64 {
        table.figure(name).expect("a reference figure").value
    }

    fn arc_clone() -> Cost {
        Cost::new(
            Work::AtomicRmw {
                count: 2,
                on: SharedLine::Counter,
                seqcst: false,
            },
            Per::Iteration,
        )
    }

    #[test]
    fn an_arc_clone_is_two_read_modify_writes_alone_and_on_a_shared_line() {
        let table = reference();
        let estimate = Estimate::of(&arc_clone(), &table).unwrap();
        assert_eq!(
            estimate.note,
            format!(
                "estimate: 2 atomic read-modify-writes per iteration: about 2 × 3.1 ns alone, \
                 2 × 15 ns with 2 threads on one counter ({})",
                table.note()
            )
        );
        assert_eq!(
            estimate.alone_ns,
            2.0 * figure(&table, "atomic_rmw_uncontended")
        );
        let shared = 2.0 * figure(&table, "atomic_rmw_shared_line_2_threads");
        assert_eq!(
            estimate.contended,
            Some(Contended {
                threads: 2,
                ns: shared
            })
        );
        assert_eq!(estimate.per_thread_ns(2), Some(shared));
        assert_eq!(estimate.per_thread_ns(1), Some(estimate.alone_ns));
        // Not measured with 3 threads on one line.
        assert_eq!(estimate.per_thread_ns(3), None);
        assert_eq!(estimate.per_call_ns(), shared);
        assert_eq!(estimate.source, "reference");
        assert_eq!(
            estimate.figures,
            ["atomic_rmw_uncontended", "atomic_rmw_shared_line_2_threads"]
        );
        assert!(
            estimate
                .note
                .contains("reference figures from 2 logical cores, AMD EPYC")
        );
    }

    #[test]
    fn a_loop_bound_gives_the_total_a_call() {
        let table = calibrated_on("x86_64");
        let cost = arc_clone().with_iterations(Some(1000));
        let estimate = Estimate::of(&cost, &table).unwrap();
        assert!(
            estimate.note.ends_with(
                "; 1000 iterations a call: about 6.2 µs a call, 30 µs with 2 threads \
                 (calibrated on this machine)"
            ),
            "{}",
            estimate.note
        );
        let call = estimate.per_call.unwrap();
        assert_eq!(call.alone_ns, estimate.alone_ns * 1000.0);
        assert_eq!(
            call.contended_ns,
            Some(estimate.contended.unwrap().ns * 1000.0)
        );
        assert_eq!(estimate.per_call_ns(), call.contended_ns.unwrap());
        assert_eq!(estimate.source, "calibrated");
    }

    #[test]
    fn what_seqcst_adds_is_said_for_the_machines_architecture() {
        let update = Cost::new(
            Work::AtomicRmw {
                count: 1,
                on: SharedLine::Counter,
                seqcst: true,
            },
            Per::Call,
        );
        let x86 = Estimate::of(&update, &calibrated_on("x86_64")).unwrap();
        assert_eq!(
            x86.note,
            "estimate: an atomic read-modify-write per call: about 3.1 ns alone, 15 ns with 2 \
             threads on one counter; on x86_64 `Relaxed` is the same instruction and costs as \
             much (calibrated on this machine)"
        );
        let arm = Estimate::of(&update, &calibrated_on("aarch64")).unwrap();
        assert!(
            arm.note
                .contains("; what `SeqCst` adds on aarch64 is not measured")
        );
    }

    #[test]
    fn a_copy_is_priced_per_64_kib_and_made_in_turn_under_a_lock() {
        let table = reference();
        let copy = |under_lock| {
            Cost::new(
                Work::Copy {
                    ty: "Vec<u8>".into(),
                    under_lock,
                },
                Per::Call,
            )
        };
        let locked = Estimate::of(&copy(true), &table).unwrap();
        let bandwidth = figure(&table, "copy_bandwidth_64kib");
        // 64 KiB is halfway from 4 KiB to 1 MiB in the logarithm of the size.
        let allocating =
            (figure(&table, "alloc_free_4kib") + figure(&table, "alloc_free_1mib")) / 2.0;
        assert!((allocating - allocating_at(&table, 64 << 10)).abs() < 1e-9);
        let alone = 65536.0 / bandwidth * 1e9 + allocating;
        assert!((locked.alone_ns - alone).abs() < 1e-6, "{locked:?}");
        assert!(
            locked.note.starts_with(
                "estimate: copies `Vec<u8>` under the lock: about 1.6 µs per 64 KiB at 40 GB/s \
                 and 57 ns to allocate and free it; with 2 threads on the lock, 3.4 µs each, as \
                 they copy in turn ("
            ),
            "{}",
            locked.note
        );
        assert_eq!(locked.bytes, Some(NOMINAL_COPY_BYTES));
        assert_eq!(locked.per_thread_ns(2), Some(2.0 * locked.alone_ns));
        let free = Estimate::of(&copy(false), &table).unwrap();
        assert!(
            free.note
                .starts_with("estimate: copies all of `Vec<u8>`: about 1.6 µs")
        );
        assert_eq!(free.contended, None);
        assert_eq!(free.per_thread_ns(2), Some(free.alone_ns));
        // 256 KiB is halfway from 64 KiB to 1 MiB in the logarithm of the size.
        let sized = Estimate::sized(&copy(false), &table, 256 << 10).unwrap();
        let bandwidth =
            (figure(&table, "copy_bandwidth_64kib") + figure(&table, "copy_bandwidth_1mib")) / 2.0;
        let copying = f64::from(256u32 << 10) / bandwidth * 1e9;
        assert!((sized.alone_ns - copying - allocating_at(&table, 256 << 10)).abs() < 1e-6);
        assert_eq!(
            sized.figures,
            [
                "copy_bandwidth_64kib",
                "copy_bandwidth_1mib",
                "alloc_free_4kib",
                "alloc_free_1mib"
            ]
        );
        // Beyond the measured sizes, the nearest is used.
        let huge = Estimate::sized(&copy(false), &table, 1 << 30).unwrap();
        assert_eq!(huge.figures, ["copy_bandwidth_16mib", "alloc_free_1mib"]);
    }

    fn allocating_at(table: &CostTable, bytes: u64) -> f64 {
        let low = (4096f64).ln();
        let high = ((1u64 << 20) as f64).ln();
        let share = ((bytes as f64).ln() - low) / (high - low);
        figure(table, "alloc_free_4kib")
            + (figure(table, "alloc_free_1mib") - figure(table, "alloc_free_4kib")) * share
    }

    #[test]
    fn locks_are_read_from_their_figures_alone_and_with_every_core() {
        let table = reference();
        let lock = |kind, shared, per| Cost::new(Work::Lock { kind, shared }, per);
        let mutex = Estimate::of(&lock(LockOp::Mutex, true, Per::Access), &table).unwrap();
        assert!(mutex.note.starts_with(
            "estimate: a lock taken and released per access: about 6.4 ns alone, 26 ns with 2 \
             threads on it ("
        ));
        assert_eq!(
            mutex.per_thread_ns(2),
            Some(figure(&table, "mutex_contended"))
        );
        let read = Estimate::of(&lock(LockOp::RwLockRead, true, Per::Read), &table).unwrap();
        assert!(read.note.starts_with(
            "estimate: a read lock taken and released per read: about 6.5 ns alone, 29 ns with \
             2 threads reading ("
        ));
        let own = Estimate::of(&lock(LockOp::Mutex, false, Per::Element), &table).unwrap();
        assert!(own.note.starts_with(
            "estimate: a lock taken and released per element: about 6.4 ns, each element's own \
             lock ("
        ));
        assert_eq!(own.per_thread_ns(2), Some(own.alone_ns));
        assert_eq!(own.contended, None);
    }

    #[test]
    fn allocations_threads_and_fresh_arcs_have_their_own_words() {
        let table = reference();
        let of = |work, per| Estimate::of(&Cost::new(work, per), &table).unwrap();
        let alloc = of(Work::AllocUnderLock, Per::Iteration);
        assert!(alloc.note.starts_with(
            "estimate: a small heap allocation under the lock per iteration: about 25 ns to \
             allocate and free it; with 2 threads on the lock, 50 ns each, as they allocate in \
             turn ("
        ));
        let spawn = of(Work::ThreadSpawn, Per::Iteration);
        assert!(spawn.note.starts_with(
            "estimate: a thread started per iteration: about 66 µs per spawn and join ("
        ));
        // Threads one thread starts are its cost; with N at once, each waits for N starts.
        assert_eq!(spawn.contended, None);
        assert_eq!(spawn.per_thread_ns(2), Some(2.0 * spawn.alone_ns));
        let arc = of(Work::ArcNew, Per::Value);
        assert!(arc.note.starts_with(
            "estimate: an allocation, an atomic decrement and a free per value made: about 28 \
             ns: 25 ns to allocate and free, 3.1 ns to decrement ("
        ));
        let made = arc_clone_values(1000);
        assert!(
            Estimate::of(&made, &table)
                .unwrap()
                .note
                .contains("; 1000 values made a call: about 28 µs a call ("),
        );
    }

    fn arc_clone_values(n: u64) -> Cost {
        Cost::new(Work::ArcNew, Per::Value).with_iterations(Some(n))
    }

    #[test]
    fn a_table_without_the_figure_has_no_estimate() {
        let mut costs = Costs::reference();
        costs
            .figures
            .retain(|figure| figure.name != "thread_spawn_join");
        let table = CostTable::choose(Path::new("costs.json"), Ok(costs));
        assert_eq!(
            Estimate::of(&Cost::new(Work::ThreadSpawn, Per::Call), &table),
            None
        );
        assert!(Estimate::of(&arc_clone(), &table).is_some());
    }

    #[test]
    fn durations_keep_two_figures_or_so() {
        assert_eq!(duration(3.094), "3.1 ns");
        assert_eq!(duration(29.88), "30 ns");
        assert_eq!(duration(145.0), "145 ns");
        assert_eq!(duration(1_630.0), "1.6 µs");
        assert_eq!(duration(66_050.0), "66 µs");
        assert_eq!(duration(6_605_000.0), "6.6 ms");
        assert_eq!(duration(2.5e9), "2.5 s");
        assert_eq!(rate(40.23e9), "40 GB/s");
        assert_eq!(rate(4.614e9), "4.6 GB/s");
        assert_eq!(size(64 << 10), "64 KiB");
        assert_eq!(plural(2, Per::Access), "accesses");
        assert_eq!(plural(5, Per::Value), "values made");
        assert_eq!(plural(1, Per::Call), "call");
    }
}
