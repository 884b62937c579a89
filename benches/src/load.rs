//! Busy detection: whether a figure's threads got the cores they asked for, and how much of the
//! machine other processes used around a run.
//!
//! A benchmark measures whatever CPU time the scheduler hands it. On this project's shared 2-core
//! machine, `bench --quick` run while another job used the CPU reported one fix at 0.62x that is
//! 4.6x on the idle machine: nothing in the figures said so. Now every timed thread reads its
//! own CPU accounting when it starts and ends ([`ThreadClock`]), a run adds its threads up
//! ([`Usage`]), and a figure whose threads got clearly less CPU than they asked for is marked
//! busy ([`figure_share`], [`is_busy`]) and not presented as a result. Around a run and around
//! each figure, `/proc/stat` and `/proc/loadavg` say how much other processes used
//! ([`LoadWindow`]).
//!
//! What a thread asked for is the time it was running or runnable: its CPU time
//! (`CLOCK_THREAD_CPUTIME_ID`) plus the time it sat in the run queue waiting for a core (the
//! second field of Linux's `/proc/thread-self/schedstat`). CPU time against wall time alone
//! would call a thread that sleeps on a contended `Mutex` starved, and contended locks are
//! what several figures measure: sleeping is the workload, waiting for a core is the machine.
//!
//! That holds while the threads fit on the cores. With more threads than cores they wait for
//! each other, and how much depends on how often they sleep, so their accounting cannot tell
//! a sibling from a stranger; nor is there any for a side that starts its own threads instead
//! of the harness's. Those figures are judged by what the other processes took instead: the
//! machine's CPU time over the figure's runs (`/proc/stat`) less this process's own.

use std::fs;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A figure is busy when its threads got less than this share of the CPU time they asked for
/// (judged by the other processes instead: when those used more than a fifth of the CPUs).
///
/// On this project's idle 2-core virtual machine, threads that never sleep get 0.97 to 1.00
/// of what they ask for. Threads that sleep and wake often get less even there, 0.90 to 0.93
/// on a contended `Mutex` or spawning and joining thread after thread: each wake-up waits a
/// few microseconds for its virtual CPU, which the run queue counts as waiting for a core.
/// Judged by the other processes, idle runs give 0.85 to 0.99, the lowest for the side that
/// spawns a thread per task. With one CPU-bound process running beside them, two threads got
/// 0.37 to 0.57. 0.8 sits between the two with a margin on each side: below it, a fifth of
/// the time the threads wanted to run went to other work, enough to move a ratio well past
/// its usual spread.
pub const BUSY_BELOW: f64 = 0.8;

/// Whether a figure whose threads got `cpu_share` of the CPU time they asked for was taken on a
/// busy machine. An unknown share is not judged.
pub fn is_busy(cpu_share: Option<f64>) -> bool {
    cpu_share.is_some_and(|share| share < BUSY_BELOW)
}

/// The share a figure stands for, from the shares of its repetitions: their median, since the
/// figure is the median repetition. If fewer than half of them were starved, the median
/// figure comes from a repetition that got its cores.
pub fn typical_share(shares: &[Option<f64>]) -> Option<f64> {
    let known: Vec<f64> = shares.iter().flatten().copied().collect();
    (!known.is_empty()).then(|| crate::runner::median(&known))
}

/// The share of the CPU a figure's threads got, 0 to 1, which [`is_busy`] judges: from the
/// threads' own accounting (`thread_shares`, one per repetition: see [`typical_share`]) when
/// `threads` fit on the `cores` and their accounting was read; otherwise one minus the share of
/// the CPUs other processes used over the figure's runs (`others_share`). `None` when neither
/// is known.
pub fn figure_share(
    threads: usize,
    cores: usize,
    thread_shares: &[Option<f64>],
    others_share: Option<f64>,
) -> Option<f64> {
    let own = if threads <= cores {
        typical_share(thread_shares)
    } else {
        None
    };
    own.or_else(|| others_share.map(|others| 1.0 - others))
}

/// A reading of the calling thread's CPU accounting, to subtract from a later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadClock {
    cpu: Option<Duration>,
    waited: Option<Duration>,
}

impl ThreadClock {
    /// Reads the calling thread's CPU time and run-queue time so far.
    pub fn now() -> ThreadClock {
        ThreadClock {
            cpu: thread_cpu_time(),
            waited: fs::read_to_string("/proc/thread-self/schedstat")
                .ok()
                .and_then(|text| parse_schedstat(&text))
                .map(|(_, waited)| waited),
        }
    }

    /// What the calling thread got and waited for since `self` was read, on the same thread.
    pub fn since(self) -> ThreadTime {
        let now = ThreadClock::now();
        let delta =
            |start: Option<Duration>, end: Option<Duration>| Some(end?.saturating_sub(start?));
        ThreadTime {
            cpu: delta(self.cpu, now.cpu),
            waited: delta(self.waited, now.waited),
        }
    }
}

/// One thread's CPU accounting over a span of its life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThreadTime {
    /// CPU time the thread got; `None` where the clock cannot be read.
    pub cpu: Option<Duration>,
    /// Time it was runnable but waiting for a core; `None` where the kernel does not say.
    pub waited: Option<Duration>,
}

/// The CPU accounting of the threads of one timed run, or of several runs added up.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// Wall time of the run, from the first thread's start to the last one's end.
    pub elapsed: Duration,
    /// CPU time the threads got, summed over the threads.
    pub cpu: Duration,
    /// Time the threads waited in the run queue for a core, summed over the threads.
    pub waited: Duration,
    /// Whether every thread's CPU time and run-queue time were read; the share is unknown
    /// otherwise.
    pub known: bool,
}

impl Usage {
    /// The usage of one run whose threads spent `times` between its start and its end,
    /// `elapsed` apart.
    pub fn of_threads(elapsed: Duration, times: &[ThreadTime]) -> Usage {
        let mut usage = Usage {
            elapsed,
            known: !times.is_empty(),
            ..Usage::default()
        };
        for time in times {
            match (time.cpu, time.waited) {
                (Some(cpu), Some(waited)) => {
                    usage.cpu += cpu;
                    usage.waited += waited;
                }
                _ => usage.known = false,
            }
        }
        usage
    }

    /// The share of the CPU time they asked for (CPU time plus run-queue time) that the
    /// threads got, 0 to 1; `None` when it is not known or nothing ran.
    pub fn cpu_share(&self) -> Option<f64> {
        if !self.known {
            return None;
        }
        let asked = (self.cpu + self.waited).as_secs_f64();
        (asked > 0.0).then(|| self.cpu.as_secs_f64() / asked)
    }
}

impl std::ops::Add for Usage {
    type Output = Usage;

    /// Two runs as one: the times add up, and the share is known if it was for both.
    fn add(self, other: Usage) -> Usage {
        Usage {
            elapsed: self.elapsed + other.elapsed,
            cpu: self.cpu + other.cpu,
            waited: self.waited + other.waited,
            known: self.known && other.known,
        }
    }
}

/// The calling thread's CPU time, where the platform has a per-thread CPU clock.
fn thread_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    return cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID);
    #[cfg(not(unix))]
    None
}

/// This process's CPU time so far, every thread included, those that have ended too.
fn process_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    return cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID);
    #[cfg(not(unix))]
    None
}

#[cfg(unix)]
fn cpu_clock(clock: libc::clockid_t) -> Option<Duration> {
    let mut time = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `time` is a valid, writable timespec for the duration of the call, and
    // clock_gettime writes nothing else.
    let status = unsafe { libc::clock_gettime(clock, &mut time) };
    if status != 0 {
        return None;
    }
    Some(Duration::new(
        u64::try_from(time.tv_sec).ok()?,
        u32::try_from(time.tv_nsec).ok()?,
    ))
}

/// The CPU time and run-queue time in the text of a `schedstat` file: `<cpu ns> <waited ns>
/// <timeslices>`.
fn parse_schedstat(text: &str) -> Option<(Duration, Duration)> {
    let mut fields = text.split_ascii_whitespace();
    let cpu = fields.next()?.parse().ok()?;
    let waited = fields.next()?.parse().ok()?;
    Some((Duration::from_nanos(cpu), Duration::from_nanos(waited)))
}

/// How much of the machine other processes used over a stretch of time, as recorded with the
/// figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LoadSample {
    /// The 1-minute load average when the stretch began (`/proc/loadavg`): the average number
    /// of threads running or waiting for a core, ours included. `None` where there is none.
    pub load_average: Option<f64>,
    /// The share of all cores' time, 0 to 1, that went to other processes (and, in a virtual
    /// machine, to the host's other guests: stolen time) over the stretch. `None` where
    /// `/proc/stat` cannot be read.
    pub others_share: Option<f64>,
    /// How long the stretch was, in seconds.
    pub seconds: f64,
}

impl LoadSample {
    /// One line for a table's heading or footing: `load average 0.72; other processes used
    /// 3% of the CPUs over 0.25 s`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(load) = self.load_average {
            parts.push(format!("load average {load:.2}"));
        }
        match self.others_share {
            Some(share) => parts.push(format!(
                "other processes used {:.0}% of the CPUs over {:.2} s",
                share * 100.0,
                self.seconds
            )),
            None => parts.push("other processes' share unknown".to_owned()),
        }
        parts.join("; ")
    }
}

/// The load on the machine before and during a run, as recorded with the figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// A short stretch before the first measurement, while this process slept.
    pub before: LoadSample,
    /// The whole run, this process's own CPU time taken out.
    pub during: LoadSample,
}

/// A stretch of time over which the other processes' share of the CPUs is measured: the
/// machine-wide CPU time of `/proc/stat` minus this process's own.
#[derive(Debug, Clone, Copy)]
pub struct LoadWindow {
    load_average: Option<f64>,
    ticks: Option<CpuTicks>,
    ours: Option<Duration>,
    started: std::time::Instant,
}

impl LoadWindow {
    /// Starts measuring now.
    pub fn start() -> LoadWindow {
        LoadWindow {
            load_average: fs::read_to_string("/proc/loadavg")
                .ok()
                .and_then(|text| parse_loadavg(&text)),
            ticks: CpuTicks::read(),
            ours: process_cpu_time(),
            started: std::time::Instant::now(),
        }
    }

    /// What the other processes used since [`LoadWindow::start`].
    pub fn finish(self) -> LoadSample {
        let seconds = self.started.elapsed().as_secs_f64();
        let others_share = (|| {
            let ours = process_cpu_time()?.checked_sub(self.ours?)?;
            others_share(self.ticks?, CpuTicks::read()?, ours, ticks_per_second()?)
        })();
        LoadSample {
            load_average: self.load_average,
            others_share,
            seconds,
        }
    }

    /// Sleeps for `length` and returns what the other processes used meanwhile: the load
    /// before a run, when this process asks for nothing.
    pub fn sample(length: Duration) -> LoadSample {
        let window = LoadWindow::start();
        std::thread::sleep(length);
        window.finish()
    }
}

/// The machine-wide CPU time of `/proc/stat`'s first line, in clock ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CpuTicks {
    /// Time the CPUs spent on any work, stolen time included.
    busy: u64,
    /// All the time of all the CPUs: busy, idle and waiting for I/O.
    total: u64,
}

impl CpuTicks {
    fn read() -> Option<CpuTicks> {
        parse_stat(&fs::read_to_string("/proc/stat").ok()?)
    }
}

/// The first line of `/proc/stat`: `cpu user nice system idle iowait irq softirq steal guest
/// guest_nice`. Guest time is counted in user and nice already, so it is left out.
fn parse_stat(text: &str) -> Option<CpuTicks> {
    let line = text.lines().find(|line| line.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_ascii_whitespace()
        .skip(1)
        .take(8)
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()?;
    let field = |index: usize| fields.get(index).copied().unwrap_or(0);
    if fields.len() < 4 {
        return None;
    }
    let (idle, iowait) = (field(3), field(4));
    let busy = field(0) + field(1) + field(2) + field(5) + field(6) + field(7);
    Some(CpuTicks {
        busy,
        total: busy + idle + iowait,
    })
}

/// The 1-minute load average, the first field of `/proc/loadavg`.
fn parse_loadavg(text: &str) -> Option<f64> {
    text.split_ascii_whitespace().next()?.parse().ok()
}

/// The share of all CPU time between `before` and `after` that was busy with something other
/// than this process, which used `ours` of CPU time meanwhile; clock ticks are `hz` a second.
/// Ticks are coarse (a hundredth of a second), so the result is clamped to 0..1.
fn others_share(before: CpuTicks, after: CpuTicks, ours: Duration, hz: f64) -> Option<f64> {
    let total = after.total.checked_sub(before.total)? as f64 / hz;
    let busy = after.busy.checked_sub(before.busy)? as f64 / hz;
    (total > 0.0).then(|| ((busy - ours.as_secs_f64()) / total).clamp(0.0, 1.0))
}

/// The clock ticks a second `/proc/stat` counts in (`USER_HZ`, 100 on most systems).
fn ticks_per_second() -> Option<f64> {
    #[cfg(unix)]
    {
        // SAFETY: sysconf only reads a configuration value.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        (hz > 0).then_some(hz as f64)
    }
    #[cfg(not(unix))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    fn thread(cpu: u64, waited: u64) -> ThreadTime {
        ThreadTime {
            cpu: Some(ms(cpu)),
            waited: Some(ms(waited)),
        }
    }

    #[test]
    fn threads_that_got_their_cores_are_not_busy() {
        let usage = Usage::of_threads(ms(100), &[thread(99, 1), thread(98, 0)]);
        let share = usage.cpu_share();
        assert!(share.is_some_and(|share| share > 0.98), "{share:?}");
        assert!(!is_busy(share));
    }

    #[test]
    fn threads_sharing_their_cores_with_another_process_are_busy() {
        // Two threads and one other process on two cores: each thread runs two thirds of the
        // time and waits a third.
        let usage = Usage::of_threads(ms(150), &[thread(100, 50), thread(100, 50)]);
        let share = usage.cpu_share().unwrap();
        assert!((share - 2.0 / 3.0).abs() < 1e-9, "{share}");
        assert!(is_busy(Some(share)));
    }

    #[test]
    fn sleeping_on_a_lock_is_not_waiting_for_a_core() {
        // Two threads contending for a mutex: each sleeps half of the run, but never waits for
        // a core.
        let usage = Usage::of_threads(ms(100), &[thread(50, 0), thread(50, 0)]);
        assert_eq!(usage.cpu_share(), Some(1.0));
    }

    #[test]
    fn more_threads_than_cores_are_judged_by_what_others_took() {
        // Four threads on two cores wait for each other whatever else runs: their own shares
        // say nothing, the other processes' share does.
        let starved_by_siblings = [Some(0.5), Some(0.5), Some(0.5)];
        assert_eq!(
            figure_share(4, 2, &starved_by_siblings, Some(0.01)),
            Some(0.99)
        );
        assert!(!is_busy(figure_share(
            4,
            2,
            &starved_by_siblings,
            Some(0.01)
        )));
        assert!(is_busy(figure_share(4, 2, &starved_by_siblings, Some(0.5))));
        assert_eq!(figure_share(4, 2, &starved_by_siblings, None), None);
    }

    #[test]
    fn threads_that_fit_are_judged_by_their_own_accounting() {
        // One thread on two cores beside one other process: the other took half the machine,
        // but this thread had a core of its own.
        assert_eq!(
            figure_share(1, 2, &[Some(0.99), Some(1.0), Some(0.98)], Some(0.5)),
            Some(0.99)
        );
        assert_eq!(
            figure_share(2, 2, &[Some(0.5), Some(0.75)], Some(0.0)),
            Some(0.625)
        );
        // Without the threads' accounting (a side that starts its own threads, or no
        // run-queue figures), the other processes' share decides.
        assert_eq!(figure_share(2, 2, &[None, None], Some(0.25)), Some(0.75));
        assert_eq!(figure_share(2, 2, &[], None), None);
    }

    #[test]
    fn unknown_accounting_is_not_judged() {
        let without_queue = ThreadTime {
            cpu: Some(ms(10)),
            waited: None,
        };
        let usage = Usage::of_threads(ms(100), &[thread(10, 90), without_queue]);
        assert_eq!(usage.cpu_share(), None);
        assert!(!is_busy(usage.cpu_share()));
        assert_eq!(Usage::of_threads(ms(100), &[]).cpu_share(), None);
        assert_eq!(Usage::of_threads(ms(0), &[thread(0, 0)]).cpu_share(), None);
    }

    #[test]
    fn added_runs_weigh_by_their_times() {
        let quiet = Usage::of_threads(ms(100), &[thread(100, 0)]);
        let starved = Usage::of_threads(ms(100), &[thread(50, 50)]);
        let share = (quiet + starved).cpu_share().unwrap();
        assert!((share - 0.75).abs() < 1e-9, "{share}");
        assert!(!(quiet + Usage::default()).known);
    }

    #[test]
    fn the_threshold_is_strict() {
        assert!(!is_busy(Some(BUSY_BELOW)));
        assert!(is_busy(Some(BUSY_BELOW - 0.01)));
        assert!(!is_busy(None));
    }

    #[test]
    fn a_figure_is_as_busy_as_its_median_repetition() {
        // Two starved repetitions of five leave the median among the quiet ones.
        let two_of_five = [Some(0.99), Some(0.5), Some(0.98), Some(0.6), Some(1.0)];
        assert_eq!(typical_share(&two_of_five), Some(0.98));
        let three_of_five = [Some(0.99), Some(0.5), Some(0.7), Some(0.6), Some(1.0)];
        assert_eq!(typical_share(&three_of_five), Some(0.7));
        assert_eq!(typical_share(&[None, Some(0.5), None]), Some(0.5));
        assert_eq!(typical_share(&[None, None]), None);
    }

    #[test]
    fn schedstat_gives_cpu_and_queue_time() {
        assert_eq!(
            parse_schedstat("510035 2000 2\n"),
            Some((Duration::from_nanos(510_035), Duration::from_nanos(2000)))
        );
        assert_eq!(parse_schedstat("510035\n"), None);
        assert_eq!(parse_schedstat(""), None);
    }

    #[test]
    fn proc_stat_counts_steal_as_busy_and_guest_not_twice() {
        let text = "cpu  100 5 20 800 10 1 2 30 40 0\ncpu0 50 2 10 400 5 0 1 15 20 0\nintr 1\n";
        assert_eq!(
            parse_stat(text),
            Some(CpuTicks {
                busy: 158,
                total: 968
            })
        );
        assert_eq!(parse_stat("cpu0 1 2 3 4\n"), None);
        assert_eq!(parse_stat("cpu  1 x 3 4\n"), None);
    }

    #[test]
    fn loadavg_gives_the_one_minute_average() {
        assert_eq!(parse_loadavg("0.72 1.26 1.12 1/79 1683\n"), Some(0.72));
        assert_eq!(parse_loadavg(""), None);
    }

    #[test]
    fn others_share_takes_our_own_time_out() {
        let before = CpuTicks {
            busy: 1000,
            total: 5000,
        };
        // One second on two cores at 100 ticks a second: 200 ticks, 150 of them busy, of which
        // 0.5 s were ours.
        let after = CpuTicks {
            busy: 1150,
            total: 5200,
        };
        let share = others_share(before, after, ms(500), 100.0).unwrap();
        assert!((share - 0.5).abs() < 1e-9, "{share}");
        // Coarse ticks can count less than we used: never below zero.
        assert_eq!(others_share(before, after, ms(3000), 100.0), Some(0.0));
        assert_eq!(others_share(before, before, ms(0), 100.0), None);
        assert_eq!(others_share(after, before, ms(0), 100.0), None);
    }

    #[test]
    fn load_lines_say_what_is_known() {
        let sample = LoadSample {
            load_average: Some(0.72),
            others_share: Some(0.031),
            seconds: 0.25,
        };
        assert_eq!(
            sample.describe(),
            "load average 0.72; other processes used 3% of the CPUs over 0.25 s"
        );
        let unknown = LoadSample {
            load_average: None,
            others_share: None,
            seconds: 1.0,
        };
        assert_eq!(unknown.describe(), "other processes' share unknown");
    }

    #[test]
    fn this_thread_can_read_its_own_clock_on_linux() {
        let start = ThreadClock::now();
        let time = start.since();
        if cfg!(target_os = "linux") {
            assert!(time.cpu.is_some() && time.waited.is_some(), "{time:?}");
        }
    }
}
