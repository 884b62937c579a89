//! The pairs: for each lint, the shape it flags (`before.rs`) and the fix its `help:` suggests
//! (`after.rs`), doing the same work with the same result.
//!
//! Each pair lives in `pairs/<lint>/`: `before.rs` and `after.rs` hold only the workload code,
//! self-contained so that the checker can be run over each file alone; `mod.rs` is the glue that
//! builds the shared state, times both sides through [`crate::harness`] and reduces what they
//! computed to one checksum that must agree.

use std::fmt;
use std::time::Duration;

/// Which side of a pair to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The shape the lint flags.
    Before,
    /// The fix the lint suggests.
    After,
}

impl Side {
    /// Both sides, flagged shape first.
    pub const BOTH: [Side; 2] = [Side::Before, Side::After];

    /// `before` or `after`, as the files are named.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Before => "before",
            Side::After => "after",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One timed run of one side of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// Wall time of the measured part: from the moment all threads were released to the end of
    /// the last one. Set-up and the result check are outside it.
    pub elapsed: Duration,
    /// A checksum of what the side computed; both sides of a pair must produce the same one.
    pub result: u64,
}

/// How often a pair's work item runs the line its `before` side's finding flags, and what
/// the source does not show about it: what the finding's cost estimate needs to be set
/// against the pair's measured cost per work item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flagged {
    /// How many times one work item runs the flagged code.
    pub per_item: f64,
    /// The bytes the flagged code copies, where it copies: the finding prices a nominal size.
    pub copy_bytes: Option<u64>,
}

impl Flagged {
    /// Once per work item, copying nothing.
    pub const ONCE: Flagged = Flagged {
        per_item: 1.0,
        copy_bytes: None,
    };
}

/// A lint's paired benchmark.
#[derive(Debug)]
pub struct Pair {
    lint: &'static str,
    workload: &'static str,
    granule: u64,
    flagged: Flagged,
    run: fn(Side, usize, u64) -> Run,
    expected: fn(u64) -> u64,
    before_code: &'static str,
    after_code: &'static str,
}

impl Pair {
    /// The lint whose fix this pair proves, e.g. `mutex_scalar`.
    pub fn lint(&self) -> &'static str {
        self.lint
    }

    /// One line saying what both sides do.
    pub fn workload(&self) -> &'static str {
        self.workload
    }

    /// How often a work item runs the flagged line of the `before` side.
    pub fn flagged(&self) -> Flagged {
        self.flagged
    }

    /// The work is counted in items that come in whole multiples of this (a pass over a fixed
    /// array, for example); [`Pair::ops`] rounds a request up to one.
    pub fn granule(&self) -> u64 {
        self.granule
    }

    /// The number of work items actually run when `requested` are asked for: rounded up to a
    /// whole multiple of [`Pair::granule`], and at least one multiple.
    pub fn ops(&self, requested: u64) -> u64 {
        requested.max(1).div_ceil(self.granule) * self.granule
    }

    /// Runs one side on `threads` threads over `ops` work items in total (rounded by
    /// [`Pair::ops`]) and times it.
    pub fn run(&self, side: Side, threads: usize, ops: u64) -> Run {
        (self.run)(side, threads.max(1), self.ops(ops))
    }

    /// The checksum both sides must produce for `ops` work items, computed on one thread
    /// without the code under test.
    pub fn expected(&self, ops: u64) -> u64 {
        (self.expected)(self.ops(ops))
    }

    /// The source text of one side: the file the checker is run over.
    pub fn source(&self, side: Side) -> &'static str {
        match side {
            Side::Before => self.before_code,
            Side::After => self.after_code,
        }
    }

    /// Where that source lives, relative to the root of the `contention-bench` crate:
    /// `src/pairs/<lint>/before.rs` or `.../after.rs`.
    pub fn source_path(&self, side: Side) -> String {
        format!("src/pairs/{}/{}.rs", self.lint, side.as_str())
    }
}

/// Declares the pair modules and the table of pairs, in catalogue order. Each module provides
/// `WORKLOAD`, `GRANULE`, `FLAGGED`, `run` and `expected`; the lint's name and sources come
/// from the module's name.
macro_rules! pairs {
    ($($lint:ident),* $(,)?) => {
        $(mod $lint;)*

        /// Every pair, in the order of the lint catalogue.
        pub static PAIRS: &[Pair] = &[$(
            Pair {
                lint: stringify!($lint),
                workload: $lint::WORKLOAD,
                granule: $lint::GRANULE,
                flagged: $lint::FLAGGED,
                run: $lint::run,
                expected: $lint::expected,
                before_code: include_str!(concat!(stringify!($lint), "/before.rs")),
                after_code: include_str!(concat!(stringify!($lint), "/after.rs")),
            },
        )*];
    };
}

pairs! {
    arc_clone_in_hot_loop,
    thread_spawn_per_task,
    mutex_scalar,
    clone_under_lock,
    over_copy,
    single_lock_map,
    read_mostly_rwlock,
    guard_across_blocking,
    alloc_under_lock,
    false_sharing,
    seqcst_counter,
    unshared_arc,
    lock_per_element,
}
