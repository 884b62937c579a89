//! What the walk of one file learns and hands on: findings, pending findings and their
//! conditions, hot regions, calls, spawns, lock and atomic facts. Serialisable, so that the
//! cache can keep it, and mergeable across the crate's files.

use super::*;
use index_vec::IndexVec;

/// Where a value was declared: the key under which lock uses are gathered across the crate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(crate) enum DeclKey {
    Field(String, String),
    Static(String),
    /// A `let` in a function body: the file and the start of the declaration's span.
    Local(usize, usize),
    /// A function's parameter (`self` not counted), as a fix that rewrites what it is handed
    /// sees it; the walk never traces a lock's declaration to one.
    Param(FnId, usize),
}

/// The parameter number that stands for `self` in [`ArgRoot::Param`] and
/// [`Condition::Hot`]: the last bit of the 64 followed.
pub(crate) const SELF_PARAM: usize = 63;

pub(crate) use crate::semantic::ids::{GuardId, RegionId, SpawnId};

/// A hot region: a loop body or a closure handed to an iterator adapter.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Region {
    pub(crate) parent: Option<RegionId>,
    /// How many times the loop runs, as far as its iterator shows.
    pub(crate) count: LoopCount,
    /// The exact number of iterations, when the source spells it (`0..1000`, `[a, b, c]`):
    /// what a cost estimate multiplies by.
    pub(crate) bound: Option<u64>,
    /// Calls made directly in the region, as candidate lists: a region whose callee starts
    /// workers is start-up code too.
    pub(crate) callees: Vec<Vec<FnId>>,
    /// The loop takes a request or a connection per iteration (see
    /// [`crate::syntax::spawn::loop_takes_requests`]).
    pub(crate) takes_requests: bool,
}

/// How many times code in `region` runs per call of its function, when every loop around it
/// has a bound the source spells: the product of their bounds. `None` outside a loop too.
pub(crate) fn iterations(
    regions: &index_vec::IndexSlice<RegionId, [Region]>,
    region: Option<RegionId>,
) -> Option<u64> {
    let mut region = region?;
    let mut product: u64 = 1;
    loop {
        let r = &regions[region];
        product = product.checked_mul(r.bound?)?;
        match r.parent {
            Some(parent) => region = parent,
            None => return Some(product),
        }
    }
}

/// How many times a loop runs, as far as its iterator shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum LoopCount {
    /// Any number of times.
    Many,
    /// A few times, or once per thread: the bound is a small constant or counts threads or
    /// cores (`0..4`, `0..num_threads`). The body is as hot as the code around it, and a thread
    /// spawned in it is fan-out.
    Few,
    /// Once per chunk of some data (`data.chunks(n)`): a thread spawned in it takes a share of
    /// the work, which is fan-out; other code in it still runs many times.
    PerChunk,
}

/// A place where work is handed to another thread.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct SpawnSite {
    pub(crate) kind: SpawnKind,
    pub(crate) file: usize,
    /// The spawning call's callee (`thread::spawn`, `spawn`).
    pub(crate) span: Span,
    pub(crate) function: Option<FnId>,
    pub(crate) region: Option<RegionId>,
    /// The spawned closure loops itself (a loop, or an iterator it consumes).
    pub(crate) loops: bool,
    /// Crate functions the spawned closure calls, as candidate lists: a closure that calls a
    /// function that loops is a worker too.
    pub(crate) callees: Vec<Vec<FnId>>,
    /// The spawned work runs a closure its caller supplied: what it does is not in sight.
    pub(crate) runs_callback: bool,
    /// The spawned work blocks (a sleep, I/O, a child process, a barrier): a thread is the
    /// right tool for it, however short its code.
    pub(crate) blocks: bool,
    /// Spawned in a loop that takes a request or connection per iteration: a thread per
    /// request, short however much it blocks, unless it loops.
    pub(crate) per_request: bool,
}

/// A call from one function to crate functions.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct CallEdge {
    pub(crate) caller: Option<FnId>,
    pub(crate) region: Option<RegionId>,
    pub(crate) callee: FnId,
    pub(crate) file: usize,
    pub(crate) span: Span,
    /// A path call (`Type::f(a, b)`): when the callee takes `self`, the first argument is it.
    pub(crate) path_call: bool,
    /// Made in a closure of a spawned thread or task: it runs there, not in the caller.
    pub(crate) spawned: bool,
    /// Where each argument's value comes from.
    pub(crate) args: Vec<ArgRoot>,
    /// Where the receiver of a method call comes from.
    pub(crate) receiver: Option<ArgRoot>,
    /// Made on an error or diagnostic path (`Err(..)`, `.map_err(..)`, `panic!`): code that
    /// runs when something already went wrong, not on every pass.
    pub(crate) cold: bool,
    /// The call's value dies in the statement or pass that makes it: a temporary whose method
    /// is called (`self.vm().run()`), a statement's dropped value, or a `let` whose variable is
    /// only read.
    pub(crate) result_dropped: bool,
    /// Made in test code, as the file's test spans say (set when the crate's files are merged).
    #[serde(default)]
    pub(crate) in_test: bool,
}

/// A lock handed to a crate function's parameter (`bump(&self.hits)`, `bump(counter)`): the
/// callee's uses of the parameter are uses of the lock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct LockHandoff {
    pub(crate) from: LockFrom,
    pub(crate) callee: FnId,
    /// The callee's parameter (`self` not counted).
    pub(crate) param: usize,
    /// The function making the call (none in spawned work, which is not its function's body).
    pub(crate) caller: Option<FnId>,
    /// The thread the call runs on when the walk shows it: the call that makes a spawned task's
    /// future (`tokio::spawn(handle(conn, Arc::clone(&sessions)))`), a call in spawned work.
    pub(crate) thread: Option<ThreadCx>,
}

/// Where a lock handed to a function comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum LockFrom {
    /// A declaration the caller shows.
    Decl(DeclKey),
    /// The caller's own parameter of this index.
    Param(FnId, usize),
    /// Somewhere the source does not show.
    Untraced,
}

/// Where an argument's value comes from, as far as the caller shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum ArgRoot {
    /// A variable bound anew in the innermost loop around the call: a different value each
    /// iteration.
    Varies,
    /// A variable made anew in the innermost loop by a call or a struct literal
    /// (`let b = Bench::new();`): a new object each iteration, whose fields are new too.
    Made,
    /// The caller's own parameter of this index (`self` not counted).
    Param(usize),
    /// Anything else: taken to be the same value each time.
    Other,
}

/// What a finding waits for before it is reported.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) enum Condition {
    /// Reported when the code is hot: its region (or an enclosing one) is hot, or its function
    /// is hot through its callers.
    Hot {
        function: Option<FnId>,
        region: Option<RegionId>,
        /// The finding is about a value taken from this parameter (`self` not counted): hot
        /// through callers only when some caller passes the same value on every iteration.
        param: Option<usize>,
        /// The value is handed by value to a crate function: it holds only if that function
        /// drops it (or returns it into a value that is dropped).
        handed: Option<Handed>,
        /// The value goes into an owner the function returns: hot through callers only when a
        /// hot caller drops that owner in the same pass (`self.vm().run()`).
        #[serde(default)]
        returned: bool,
    },
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Pending {
    pub(crate) condition: Condition,
    pub(crate) diagnostic: Diagnostic,
}

/// What a function does with a parameter it takes by value.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub(crate) enum ParamFate {
    /// Only reads it: it is dropped when the function returns.
    Dropped,
    /// Puts it in what it returns (`Self { ctx }`): it lives as long as the result.
    Returned,
    /// Keeps it beyond the call: stores it, hands it on by value, lets a closure or thread
    /// capture it.
    Kept,
}

/// A value handed by value to a crate function: what happens to it is what that function does
/// with the parameter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Handed {
    pub(crate) callees: Vec<FnId>,
    /// The argument's position in the call.
    pub(crate) arg: usize,
    /// A path call (`Type::f(x, ..)`), whose first argument is `self` for a method.
    pub(crate) path_call: bool,
    /// The call's own value is stored, so a parameter it returns is kept.
    pub(crate) result_stored: bool,
    /// The call's own value is handed on in turn (`map.insert(k, Entry::new(arc.clone()))`):
    /// a parameter it returns is kept if that call keeps it.
    pub(crate) result_handed: Option<Box<Handed>>,
}

/// What phase two learns about a function's body.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct FnBodyFacts {
    /// The body runs a `loop` or `while`: it may keep running (a worker's receive loop).
    pub(crate) long_running: bool,
    /// For each parameter (excluding `self`): what the body does with it.
    pub(crate) params: Vec<ParamFate>,
}

/// Everything phase two produces for one file.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct BodyOutput {
    /// The file walked.
    pub(crate) file: usize,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) pending: Vec<Pending>,
    pub(crate) regions: IndexVec<RegionId, Region>,
    pub(crate) calls: Vec<CallEdge>,
    pub(crate) spawns: IndexVec<SpawnId, SpawnSite>,
    pub(crate) lock_uses: Vec<LockUse>,
    pub(crate) lock_decls: Vec<LockDecl>,
    pub(crate) lock_handoffs: Vec<LockHandoff>,
    pub(crate) slot_decls: Vec<SlotDecl>,
    pub(crate) slot_writes: Vec<SlotWrite>,
    pub(crate) arc_fields: Vec<ArcField>,
    pub(crate) arc_inits: Vec<ArcInit>,
    pub(crate) arc_shares: HashSet<ArcShare>,
    pub(crate) fn_facts: Vec<(FnId, FnBodyFacts)>,
    /// Items, fields and statements, attributes included: a `contention:allow` comment on the
    /// line above one covers all of it.
    pub(crate) items: Vec<Span>,
    /// Test code: `#[cfg(test)]` items and test functions (see `semantic::test_code`).
    pub(crate) test_code: Vec<Span>,
    /// The bodies of closures run by a model checker (`loom::model(|| ..)`): their threads are
    /// simulated, one interleaving at a time, and nothing in them is reported.
    pub(crate) model_checked: Vec<Span>,
    /// What blocks in the `let`-bound closure being walked, first found first.
    #[serde(skip)]
    pub(super) closure_blocking: Option<String>,
    /// Atomics (by field, static or variable name) updated other than by counting: compared and
    /// swapped, swapped, or used as bit flags.
    pub(crate) state_words: Vec<String>,
    /// Functions that block, with what blocks in them (`thread::sleep`).
    pub(crate) blocking: Vec<(FnId, String)>,
    /// `.await`s in functions' own bodies (not in work they spawn or defer), other than a
    /// lock's acquisition: the function, and the crate functions whose future is awaited
    /// (empty for a future from elsewhere: a timer, a channel, I/O, another crate's call).
    pub(crate) awaits: Vec<(FnId, Vec<FnId>)>,
}

impl BodyOutput {
    /// The output for a file that does not parse whole: its finding and nothing else.
    pub(crate) fn unparsed(file: usize, finding: Diagnostic) -> BodyOutput {
        BodyOutput {
            file,
            diagnostics: vec![finding],
            ..BodyOutput::default()
        }
    }

    /// Makes room for `others` to be appended, each list in one allocation of the size it will
    /// have rather than grown by doubling (the crate-wide lists are the analysis's peak).
    pub(crate) fn reserve_for<'a>(&mut self, others: impl Iterator<Item = &'a BodyOutput> + Clone) {
        macro_rules! reserve {
            ($($list:ident),*) => {$(
                self.$list.reserve(others.clone().map(|o| o.$list.len()).sum());
            )*};
        }
        reserve!(
            regions,
            calls,
            spawns,
            pending,
            diagnostics,
            lock_uses,
            lock_decls,
            lock_handoffs,
            slot_decls,
            slot_writes,
            arc_fields,
            arc_inits,
            arc_shares,
            state_words,
            blocking,
            awaits,
            fn_facts
        );
    }

    /// Adds another file's output to this crate-wide one, renumbering its regions and spawn
    /// sites after the ones already here.
    pub(crate) fn append(&mut self, mut other: BodyOutput) {
        let regions = self.regions.len();
        let spawns = self.spawns.len();
        let region = |r: &mut Option<RegionId>| *r = r.map(|r| r + regions);
        let thread = |t: &mut Option<ThreadCx>| {
            if let Some(ThreadCx::Spawned(site)) = t {
                *site += spawns;
            }
        };
        for r in &mut other.regions {
            region(&mut r.parent);
        }
        for call in &mut other.calls {
            region(&mut call.region);
        }
        for spawn in &mut other.spawns {
            region(&mut spawn.region);
        }
        for pending in &mut other.pending {
            let Condition::Hot { region: r, .. } = &mut pending.condition;
            region(r);
        }
        for use_ in &mut other.lock_uses {
            region(&mut use_.region);
            thread(&mut use_.thread);
        }
        for handoff in &mut other.lock_handoffs {
            thread(&mut handoff.thread);
        }
        for write in &mut other.slot_writes {
            region(&mut write.region);
            region(&mut write.index_region);
            thread(&mut write.thread);
        }
        self.regions.append(&mut other.regions);
        self.calls.append(&mut other.calls);
        self.spawns.append(&mut other.spawns);
        self.pending.append(&mut other.pending);
        self.diagnostics.append(&mut other.diagnostics);
        self.lock_uses.append(&mut other.lock_uses);
        self.lock_decls.append(&mut other.lock_decls);
        self.lock_handoffs.append(&mut other.lock_handoffs);
        self.slot_decls.append(&mut other.slot_decls);
        self.slot_writes.append(&mut other.slot_writes);
        self.arc_fields.append(&mut other.arc_fields);
        self.arc_inits.append(&mut other.arc_inits);
        self.arc_shares.extend(other.arc_shares);
        self.state_words.append(&mut other.state_words);
        self.blocking.append(&mut other.blocking);
        self.awaits.append(&mut other.awaits);
        self.fn_facts.append(&mut other.fn_facts);
    }
}
