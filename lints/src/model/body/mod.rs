//! Phase two, per file: one walk over every function body that keeps track of
//! - the types of locals (annotations, parameters, obvious initialisers, the crate's type table),
//! - where each value comes from (which field, static or `let` declared the lock it is),
//! - hot regions (loop bodies, closures handed to iterator adapters) and whether a region only
//!   starts long-running workers,
//! - live lock guards: `let`-bound until `drop` or the end of their block, temporaries until the
//!   end of their statement (`match` scrutinees for the whole `match`, `if let` per edition),
//! - the calls each function makes, for the crate's call graph,
//!
//! and hands every expression, with that context, to the expression lints. What depends on the
//! whole crate (is this function hot through its callers?) is recorded as a pending finding and
//! settled once every file has been walked.

use std::cell::RefCell;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use proc_macro2::Span as PmSpan;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Token};

mod arcs;
mod locks;
mod slots;

pub(crate) use arcs::{ArcField, ArcInit, ArcShare};
pub(crate) use locks::{
    Access, GuardedOps, LockDecl, LockUse, ScalarOp, ThreadCx, UseShape,
    alias_keys as locks_alias_keys,
};
pub(crate) use slots::{SlotDecl, SlotWrite};

use super::parse::{expanded_macro_name, to_span};
use super::ty::{LockKind, Renames, Ty};
use super::types::{FnId, TypeTable};
use crate::diagnostic::{Diagnostic, Span};
use crate::{Edition, rules};

/// Where a value was declared: the key under which lock uses are gathered across the crate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(crate) enum DeclKey {
    Field(String, String),
    Static(String),
    /// A `let` in a function body: the file and the start of the declaration's span.
    Local(usize, usize),
}

/// The parameter number that stands for `self` in [`ArgRoot::Param`] and
/// [`Condition::Hot`]: the last bit of the 64 followed.
pub(crate) const SELF_PARAM: usize = 63;

/// Index into [`BodyOutput::regions`] of the file it was produced in; made crate-unique by the
/// caller.
pub(crate) type RegionId = usize;

/// A hot region: a loop body or a closure handed to an iterator adapter.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Region {
    pub(crate) parent: Option<RegionId>,
    /// How many times the loop runs, as far as its iterator shows.
    pub(crate) count: LoopCount,
    /// Calls made directly in the region, as candidate lists: a region whose callee starts
    /// workers is start-up code too.
    pub(crate) callees: Vec<Vec<FnId>>,
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

/// What a spawn starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum SpawnKind {
    /// An operating-system thread running a closure (`thread::spawn`, `Builder::spawn`,
    /// `scope.spawn`).
    Thread,
    /// A task: a future on an executor, or a closure handed to a pool (`tokio::spawn`,
    /// `spawn_blocking`, `rayon::spawn`, `pool.execute`).
    Task,
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
    },
    /// Reported when every candidate callee only slices parameter `param`.
    OnlySliced { callees: Vec<FnId>, param: usize },
    /// Reported when every candidate callee blocks (see [`Sink::note_blocking`]), directly or
    /// through a function it calls; the note says how.
    CallsBlocking { callees: Vec<FnId> },
    /// Reported when the atomic of this name is only ever counted with (added to, subtracted
    /// from, loaded, stored), never compared-and-swapped, swapped or used as bit flags anywhere
    /// in the crate: then it is a counter, not a lock or state word.
    Counter { atomic: String },
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
    /// For each parameter (excluding `self`): whether the body only slices it or takes its
    /// length, never using it whole.
    pub(crate) only_sliced: Vec<bool>,
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
    pub(crate) regions: Vec<Region>,
    pub(crate) calls: Vec<CallEdge>,
    pub(crate) spawns: Vec<SpawnSite>,
    pub(crate) lock_uses: Vec<LockUse>,
    pub(crate) lock_decls: Vec<LockDecl>,
    pub(crate) slot_decls: Vec<SlotDecl>,
    pub(crate) slot_writes: Vec<SlotWrite>,
    pub(crate) arc_fields: Vec<ArcField>,
    pub(crate) arc_inits: Vec<ArcInit>,
    pub(crate) arc_shares: HashSet<ArcShare>,
    pub(crate) fn_facts: Vec<(FnId, FnBodyFacts)>,
    /// Items, fields and statements, attributes included: a `contention:allow` comment on the
    /// line above one covers all of it.
    pub(crate) items: Vec<Span>,
    /// Test code: `#[cfg(test)]` items and test functions (see `model::test_code`).
    pub(crate) test_code: Vec<Span>,
    /// Findings of the function being walked that stand unless it writes the same atomic again
    /// or then waits on the local pointed to (see [`Sink::report_unless_overwritten`]): the
    /// atomic, the local and the finding.
    #[serde(skip)]
    until_overwritten: Vec<(String, String, Diagnostic)>,
    /// Writes to atomics in the function being walked: the atomic and where.
    #[serde(skip)]
    atomic_writes: Vec<(String, usize)>,
    /// Counter findings of the function being walked that stand unless a `SeqCst` load of
    /// another atomic follows them (see [`Sink::report_counter`]).
    #[serde(skip)]
    counters: Vec<(String, Pending)>,
    /// `SeqCst` loads in the function being walked: the atomic's name and where.
    #[serde(skip)]
    seqcst_loads: Vec<(String, usize)>,
    /// What blocks in the `let`-bound closure being walked, first found first.
    #[serde(skip)]
    closure_blocking: Option<String>,
    /// Atomics (by field, static or variable name) updated other than by counting: compared and
    /// swapped, swapped, or used as bit flags.
    pub(crate) state_words: Vec<String>,
    /// Functions that block, with what blocks in them (`thread::sleep`).
    pub(crate) blocking: Vec<(FnId, String)>,
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
            slot_decls,
            slot_writes,
            arc_fields,
            arc_inits,
            arc_shares,
            state_words,
            blocking,
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
            if let Condition::Hot { region: r, .. } = &mut pending.condition {
                region(r);
            }
        }
        for use_ in &mut other.lock_uses {
            region(&mut use_.region);
            thread(&mut use_.thread);
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
        self.slot_decls.append(&mut other.slot_decls);
        self.slot_writes.append(&mut other.slot_writes);
        self.arc_fields.append(&mut other.arc_fields);
        self.arc_inits.append(&mut other.arc_inits);
        self.arc_shares.extend(other.arc_shares);
        self.state_words.append(&mut other.state_words);
        self.blocking.append(&mut other.blocking);
        self.fn_facts.append(&mut other.fn_facts);
    }
}

/// A local variable.
#[derive(Debug, Clone, Default)]
struct Local {
    ty: Ty,
    origin: Option<DeclKey>,
    /// The variable is this guard.
    guard: Option<usize>,
    /// The variable borrows from this guard's data.
    borrows: Option<usize>,
    /// An `Arc` made by `Arc::new` in this function: no other thread has it yet.
    fresh_arc: bool,
    /// The variable is named once after its `let`: wherever it goes, it is not also cloned,
    /// lent or kept elsewhere.
    sole_use: bool,
    /// The variable is the function's parameter of this index (`self` not counted).
    param: Option<usize>,
    /// The variable holds a pointer into this function's stack frame (`&mut x as *mut _`): the
    /// local it points to.
    points_to_local: Option<String>,
    /// When the variable was last bound, assigned or changed, on the walker's clock.
    bound_at: u64,
    /// Bound by a `let` from a call or a struct literal: a new object.
    made: bool,
    /// A lock that the rest of its block only ever locks: nothing shares it.
    private_lock: bool,
    /// The hot region the variable was bound in: a new value each iteration.
    region: Option<RegionId>,
    /// A `let` without `mut` bound to a small integer the source spells out (`let n = 5;`):
    /// a loop up to it runs that many times.
    count: Option<u128>,
    /// Bound by a `let` to a closure that blocks when called: what it calls that blocks.
    blocks: Option<String>,
}

#[derive(Debug, Clone)]
struct Guard {
    id: usize,
    lock_span: Span,
    inner: Ty,
    /// An async lock's guard (`m.lock().await`): made to be held across `.await`.
    is_async: bool,
    /// The lock guards a section of code rather than data: a `Mutex<()>`, or a guard bound to
    /// a `_`-prefixed name that is never read (`let _g = LOCK.lock();`).
    section: bool,
    /// Taken with `try_lock`/`try_read`/`try_write`: in the `else` of an `if let` on it there
    /// is no guard.
    tried: bool,
    /// Part of a `Condvar` protocol: the guard is handed to a wait, and what is done with it
    /// afterwards is ordered by that protocol.
    condvar: bool,
    /// The lock is a variable of this function that nothing else can reach (it is only ever
    /// locked here): no other thread waits for it.
    private: bool,
    /// Taken with `try_lock().unwrap()` (or `expect`, `try_read`, `try_write`): the code
    /// asserts that no other thread holds the lock at this point.
    asserted: bool,
    /// When the lock was taken, on the walker's clock.
    taken_at: u64,
    /// Temporaries die with their statement.
    statement: Option<usize>,
    /// `let`-bound guards die with their scope.
    scope: Option<usize>,
}

/// A local variable as lints see it.
pub(crate) struct LocalView<'a> {
    pub(crate) ty: &'a Ty,
    pub(crate) is_param: bool,
}

/// A live guard as lints see it.
pub(crate) struct GuardView<'a> {
    pub(crate) id: usize,
    pub(crate) lock_span: Span,
    pub(crate) inner: &'a Ty,
    /// An async lock's guard, made to be held across `.await`.
    pub(crate) is_async: bool,
    /// The lock guards a section of code, not data (`Mutex<()>`, `let _g = LOCK.lock()`).
    pub(crate) section: bool,
    /// Part of a `Condvar` protocol.
    pub(crate) condvar: bool,
    /// The lock is this function's own, reachable by no other thread.
    pub(crate) private: bool,
    /// Taken with `try_lock().unwrap()`: the code asserts that nobody else holds the lock.
    pub(crate) asserted: bool,
    /// When the lock was taken, on the clock of [`Cx::bound_at`].
    pub(crate) taken_at: u64,
}

/// The context lints see with each expression.
pub(crate) struct Cx<'w, 'a> {
    walker: &'w Walker<'a>,
}

impl<'a> Cx<'_, 'a> {
    pub(crate) fn file(&self) -> usize {
        self.walker.file
    }

    pub(crate) fn table(&self) -> &'a TypeTable {
        self.walker.table
    }

    pub(crate) fn span(&self, span: PmSpan) -> Span {
        to_span(span, self.walker.base)
    }

    pub(crate) fn span_of(&self, node: &impl Spanned) -> Span {
        self.span(node.span())
    }

    /// The type of an expression of the tree being walked, as far as the source shows.
    pub(crate) fn type_of(&self, expr: &Expr) -> Ty {
        self.walker.type_of(expr)
    }

    /// The type of a method call's result.
    pub(crate) fn type_of_method_call(&self, call: &syn::ExprMethodCall) -> Ty {
        self.walker.method_type(call)
    }

    /// The live guard whose data `expr` borrows (or that `expr` is).
    pub(crate) fn guard_of(&self, expr: &Expr) -> Option<GuardView<'_>> {
        let id = self.walker.borrowed_guard(expr)?;
        self.live_guards().into_iter().find(|g| g.id == id)
    }

    /// Every lock guard live here, oldest first.
    pub(crate) fn live_guards(&self) -> Vec<GuardView<'_>> {
        self.walker
            .guards
            .iter()
            .map(|g| GuardView {
                id: g.id,
                lock_span: g.lock_span,
                inner: &g.inner,
                is_async: g.is_async,
                section: g.section,
                condvar: g.condvar,
                private: g.private,
                asserted: g.asserted,
                taken_at: g.taken_at,
            })
            .collect()
    }

    /// When the variable `name` was last bound or changed (0 for parameters bound before the
    /// body, statics and unknown names); comparable with [`GuardView::taken_at`].
    pub(crate) fn bound_at(&self, name: &str) -> u64 {
        self.walker.lookup(name).map_or(0, |l| l.bound_at)
    }

    /// Whether `expr` is the operand of an `.await`.
    pub(crate) fn is_awaited(&self, expr: &Expr) -> bool {
        self.walker.awaited.is_some_and(|e| std::ptr::eq(e, expr))
    }

    /// Whether code here is on an error or diagnostic path (`Err(..)`, `panic!`, a log macro,
    /// `.expect(..)`, `.map_err(..)`).
    pub(crate) fn in_cold_path(&self) -> bool {
        self.walker.cold > 0
    }

    /// Whether `expr` names an `Arc` made by `Arc::new` in this function.
    pub(crate) fn is_fresh_arc(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Reference(r) => self.is_fresh_arc(&r.expr),
            Expr::Path(p) if p.path.segments.len() == 1 => self
                .walker
                .lookup(&p.path.segments[0].ident.to_string())
                .is_some_and(|l| l.fresh_arc),
            _ => false,
        }
    }

    /// Whether `expr` names a variable bound inside a hot region (an enclosing one included):
    /// a new value each time that region's loop goes round.
    pub(crate) fn is_made_per_iteration(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Reference(r) => self.is_made_per_iteration(&r.expr),
            Expr::Path(p) if p.path.segments.len() == 1 => self
                .walker
                .lookup(&p.path.segments[0].ident.to_string())
                .is_some_and(|l| l.region.is_some()),
            _ => false,
        }
    }

    /// Whether the value `expr` starts from is bound anew in the innermost hot region (a loop
    /// variable, a `let` in the loop body): then it is a different value each iteration.
    pub(crate) fn varies_per_iteration(&self, expr: &Expr) -> bool {
        let root = match expr {
            Expr::Path(p) if p.path.segments.len() == 1 => p.path.segments[0].ident.to_string(),
            Expr::Field(f) => return self.varies_per_iteration(&f.base),
            Expr::MethodCall(m) => return self.varies_per_iteration(&m.receiver),
            Expr::Reference(r) => return self.varies_per_iteration(&r.expr),
            Expr::Unary(u) => return self.varies_per_iteration(&u.expr),
            Expr::Paren(p) => return self.varies_per_iteration(&p.expr),
            Expr::Index(i) => return self.varies_per_iteration(&i.expr),
            _ => return false,
        };
        let w = self.walker;
        w.region.is_some() && w.lookup(&root).is_some_and(|l| l.region == w.region)
    }

    /// Whether the value of the expression being linted is stored beyond its statement: an
    /// argument of `push`/`insert`/`send`/`set`/`into_raw`, the right side of an assignment to a
    /// field or an outer variable, or a part of a value that is (`v.push(Some(x.clone()))`),
    /// or bound to a variable that later is. A new owner, not a copy dropped in the iteration.
    pub(crate) fn is_stored(&self) -> bool {
        self.walker.storing
    }

    /// Whether code here is in a loop over data borrowed from a live guard.
    pub(crate) fn in_loop_over_guard(&self) -> bool {
        let w = self.walker;
        w.region
            .and_then(|r| w.out_regions_guard(r))
            .is_some_and(|id| w.guards.iter().any(|g| g.id == id))
    }

    /// Whether the value of the expression being linted is dropped unused: it is a statement
    /// (`x.f();`) or bound to `_`.
    pub(crate) fn is_discarded(&self) -> bool {
        self.walker.discarding
    }

    /// A declared type as written, with the file's `use .. as ..` renames and `Self` applied
    /// but type aliases not expanded.
    pub(crate) fn declared_ty(&self, ty: &syn::Type) -> Ty {
        let ty = self.walker.renames.ty(ty);
        match (&ty, &self.walker.self_ty) {
            (Ty::Named(name, _), Some(self_ty)) if name == "Self" => Ty::named(self_ty, vec![]),
            _ => ty,
        }
    }

    /// The type of a local variable, parameter or static by name.
    pub(crate) fn local(&self, name: &str) -> Option<LocalView<'_>> {
        self.walker.lookup(name).map(|l| LocalView {
            ty: &l.ty,
            is_param: l.param.is_some(),
        })
    }

    /// If `expr` is a pointer into this function's stack frame, the variable it points to:
    /// `&mut x as *mut T`, `&x as *const T as *mut T`, `ptr::addr_of_mut!(x)`, `&raw mut x`, a
    /// variable holding one, or (`coerced`) a plain `&mut x` where a raw pointer is expected.
    pub(crate) fn local_pointee(&self, expr: &Expr, coerced: bool) -> Option<String> {
        self.walker.local_pointee(expr, coerced)
    }

    /// The function being walked, when the crate's table knows it.
    pub(crate) fn function(&self) -> Option<FnId> {
        self.walker.function
    }

    /// Whether code here is the body of a closure bound by `let` (not a closure nested in it):
    /// it runs when the closure is called by name, in its caller.
    pub(crate) fn in_let_closure(&self) -> bool {
        self.walker.let_closure == Some(self.walker.deferred_depth)
    }

    /// If `func` names a closure bound by `let` that blocks, what blocks in it.
    pub(crate) fn closure_blocks<'e>(&self, func: &'e Expr) -> Option<(&'e syn::Ident, &str)> {
        let Expr::Path(p) = func else { return None };
        let ident = p.path.get_ident()?;
        let what = self.walker.lookup(&ident.to_string())?.blocks.as_deref()?;
        Some((ident, what))
    }

    /// The spawn site whose work code here is part of, innermost first.
    pub(crate) fn spawn_site(&self) -> Option<usize> {
        self.walker.spawn_stack.last().copied()
    }

    /// The spawn site whose work handed the closure being walked to a call (see
    /// [`Walker::visit_deferred_argument`]), when there is no nearer one.
    pub(crate) fn deferring_spawn_site(&self) -> Option<usize> {
        self.walker.deferred_spawn
    }

    /// Whether code here is in a loop or adapter closure of its own function.
    pub(crate) fn in_local_region(&self) -> bool {
        self.walker.region.is_some()
    }

    /// The condition under which code here is hot; `None` when it cannot be. `about` is the
    /// value the finding is about: when it comes from a parameter, the finding holds only if a
    /// hot caller passes the same value each time.
    pub(crate) fn hot(&self, about: &Expr) -> Option<Condition> {
        let w = self.walker;
        if w.region.is_none() && w.function.is_none() {
            return None;
        }
        Some(Condition::Hot {
            function: w.function,
            region: w.region,
            param: w.param_root(about),
            handed: w.handed.clone(),
        })
    }

    /// Crate functions a call may resolve to.
    pub(crate) fn callees(&self, expr: &Expr) -> Vec<FnId> {
        self.walker.resolve_call(expr)
    }
}

/// Where lints put what they find.
pub(crate) struct Sink<'o> {
    out: &'o mut BodyOutput,
}

impl Sink<'_> {
    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.out.diagnostics.push(diagnostic);
    }

    pub(crate) fn report_if(&mut self, condition: Condition, diagnostic: Diagnostic) {
        self.out.pending.push(Pending {
            condition,
            diagnostic,
        });
    }

    /// Reports a finding about the counter `atomic`, once the crate shows it is one (see
    /// [`Condition::Counter`]) and unless the same function then loads another atomic with
    /// `SeqCst`: a store-then-load handshake (Dekker's), where the ordering is the point.
    pub(crate) fn report_counter(&mut self, atomic: String, diagnostic: Diagnostic) {
        let pending = Pending {
            condition: Condition::Counter {
                atomic: atomic.clone(),
            },
            diagnostic,
        };
        self.out.counters.push((atomic, pending));
    }

    /// Records that `function` blocks itself (not in a thread it spawns), with what blocks.
    pub(crate) fn note_blocking(&mut self, function: FnId, what: String) {
        self.out.blocking.push((function, what));
    }

    /// Records that the `let`-bound closure being walked blocks, with what blocks (see
    /// [`Cx::in_let_closure`]).
    pub(crate) fn note_closure_blocking(&mut self, what: &str) {
        if self.out.closure_blocking.is_none() {
            self.out.closure_blocking = Some(what.to_owned());
        }
    }

    /// Records that the work spawned at `site` blocks.
    pub(crate) fn note_spawn_blocking(&mut self, site: usize) {
        if let Some(spawn) = self.out.spawns.get_mut(site) {
            spawn.blocks = true;
        }
    }

    /// Reports a finding about a pointer to the local `target` written into the atomic
    /// `atomic` unless the same function writes that atomic again later (putting back what it
    /// replaced before it returns) or waits in a `while` on `target`.
    pub(crate) fn report_unless_overwritten(
        &mut self,
        atomic: &Expr,
        target: String,
        diagnostic: Diagnostic,
    ) {
        self.out
            .until_overwritten
            .push((atomic_key(atomic), target, diagnostic));
    }
}

/// The methods that write a new value into an atomic.
const ATOMIC_WRITES: &[&str] = &[
    "store",
    "swap",
    "compare_exchange",
    "compare_exchange_weak",
    "compare_and_swap",
];

/// Atomic updates that treat the value as a state word rather than a count.
const STATE_WORD_UPDATES: &[&str] = &[
    "compare_exchange",
    "compare_exchange_weak",
    "compare_and_swap",
    "swap",
    "fetch_and",
    "fetch_or",
    "fetch_xor",
    "fetch_nand",
    "fetch_update",
    "fetch_max",
    "fetch_min",
];

/// The name an atomic goes by: its field's, static's or variable's (`requests` in
/// `self.stats.requests`).
pub(crate) fn atomic_name(atomic: &Expr) -> Option<String> {
    match atomic {
        Expr::Field(f) => match &f.member {
            syn::Member::Named(i) => Some(i.to_string()),
            syn::Member::Unnamed(_) => atomic_name(&f.base),
        },
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Expr::Paren(p) => atomic_name(&p.expr),
        Expr::Reference(r) => atomic_name(&r.expr),
        Expr::Unary(u) => atomic_name(&u.expr),
        Expr::MethodCall(m) if m.method == "deref" || m.method == "as_ref" => {
            atomic_name(&m.receiver)
        }
        _ => None,
    }
}

/// Whether the variable `name` is used, in `rest`, in an index (`slots[name % 2]`) or in the
/// condition of an `if`, `while` or `match`.
fn decides_or_indexes<'s>(name: &str, rest: impl IntoIterator<Item = &'s syn::Stmt>) -> bool {
    struct Find<'n> {
        name: &'n str,
        found: bool,
    }
    impl Find<'_> {
        fn mentions(&self, expr: &Expr) -> bool {
            struct Mention<'n>(&'n str, bool);
            impl<'ast> Visit<'ast> for Mention<'_> {
                fn visit_path(&mut self, p: &'ast syn::Path) {
                    self.1 |= p.is_ident(self.0);
                }
            }
            let mut mention = Mention(self.name, false);
            mention.visit_expr(expr);
            mention.1
        }
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            let deciding = match expr {
                Expr::Index(i) => Some(&*i.index),
                Expr::If(i) => Some(&*i.cond),
                Expr::While(w) => Some(&*w.cond),
                Expr::Match(m) => Some(&*m.expr),
                _ => None,
            };
            if deciding.is_some_and(|e| self.mentions(e)) {
                self.found = true;
                return;
            }
            visit::visit_expr(self, expr);
        }
    }
    let mut find = Find { name, found: false };
    for stmt in rest {
        find.visit_stmt(stmt);
    }
    find.found
}

/// `*(p as *const T)`, `*p.cast::<T>()`: a place reached through a raw pointer cast.
fn casts_raw_pointer(expr: &Expr) -> bool {
    match strip_parens(expr) {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => match strip_parens(&u.expr) {
            Expr::Cast(c) => matches!(&*c.ty, syn::Type::Ptr(_)),
            Expr::MethodCall(m) => m.method == "cast",
            _ => false,
        },
        _ => false,
    }
}

/// `Ordering::SeqCst`, `SeqCst`.
pub(crate) fn is_seqcst(order: &Expr) -> bool {
    matches!(order, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "SeqCst"))
}

/// How an atomic is named in the source, to match writes to the same one.
fn atomic_key(atomic: &Expr) -> String {
    quote::ToTokens::to_token_stream(atomic).to_string()
}

/// Method names of iterator adapters that only exist on iterators: their closures run once per
/// item.
const ITERATOR_ONLY_ADAPTERS: &[&str] = &[
    "for_each",
    "try_for_each",
    "fold",
    "try_fold",
    "filter_map",
    "flat_map",
    "any",
    "all",
    "position",
    "rposition",
    "find_map",
    "map_while",
    "scan",
    "take_while",
    "skip_while",
    "max_by_key",
    "min_by_key",
    "max_by",
    "min_by",
    "partition",
    "reduce",
    "sum_by",
    "par_bridge",
    // rayon's parallel adapters.
    "flat_map_iter",
    "map_with",
    "for_each_with",
    "try_for_each_with",
    "try_for_each_init",
    "fold_with",
];

/// Adapters that also exist on `Option`/`Result` (where the closure runs once): hot only when the
/// receiver is visibly an iterator.
const SHARED_ADAPTERS: &[&str] = &[
    "map",
    "filter",
    "inspect",
    "find",
    "for_each_init",
    "map_init",
];

/// Methods that call their closure before they return, at most a few times: `Option` and
/// `Result` combinators, the entry API, `with` accessors, once-cells. The closure runs where the
/// call is, under the same guards and as often. A closure handed to any other method (a
/// callback it registers, a factory it stores) runs at a time the source does not show.
const IMMEDIATE_METHODS: &[&str] = &[
    "map",
    "map_err",
    "map_or",
    "map_or_else",
    "and_then",
    "or_else",
    "unwrap_or_else",
    "ok_or_else",
    "filter",
    "is_some_and",
    "is_none_or",
    "is_ok_and",
    "is_err_and",
    "inspect",
    "inspect_err",
    "take_if",
    "get_or_insert_with",
    "or_insert_with",
    "or_insert_with_key",
    "and_modify",
    "with",
    "with_borrow",
    "with_borrow_mut",
    "try_with",
    "get_or_init",
    "get_or_try_init",
    "call_once",
    "call_once_force",
    "then",
    "then_with",
    "fetch_update",
    "binary_search_by",
    "binary_search_by_key",
    "partition_point",
    "scope",
    "in_place_scope",
    "install",
];

/// Path calls that run their closure before they return (`thread::scope(|s| ..)`,
/// `rayon::join(|| a, || b)`, `catch_unwind(|| ..)`).
const IMMEDIATE_PATH_CALLS: &[&str] = &[
    "scope",
    "in_place_scope",
    "join",
    "catch_unwind",
    "block_in_place",
    "scope_fifo",
];

/// Methods that make an iterator, so a chain holding one is an iterator chain.
const ITERATOR_SOURCES: &[&str] = &[
    "iter",
    "iter_mut",
    "into_iter",
    "par_iter",
    "par_iter_mut",
    "into_par_iter",
    "par_chunks",
    "par_chunks_mut",
    "chars",
    "bytes",
    "lines",
    "split",
    "split_whitespace",
    "keys",
    "values",
    "values_mut",
    "drain",
    "chunks",
    "chunks_mut",
    "windows",
    "enumerate",
    "zip",
    "rev",
    "skip",
    "take",
    "step_by",
    "chain",
    "cloned",
    "copied",
    "filter",
    "filter_map",
    "flat_map",
    "flatten",
    "peekable",
    "char_indices",
];

/// Sort and retain closures run once per element too.
const ELEMENT_CLOSURES: &[&str] = &[
    "retain",
    "retain_mut",
    "sort_by",
    "sort_by_key",
    "sort_unstable_by",
    "sort_unstable_by_key",
    "dedup_by",
    "dedup_by_key",
];

/// Methods whose result borrows from the receiver (so a borrow of guarded data stays one).
const BORROWING_METHODS: &[&str] = &[
    "get",
    "get_mut",
    "get_key_value",
    "raw_entry",
    "raw_entry_mut",
    "from_key",
    "from_key_hashed_nocheck",
    "from_hash",
    "find",
    "iter",
    "iter_mut",
    "values",
    "values_mut",
    "keys",
    "first",
    "last",
    "first_mut",
    "last_mut",
    "as_ref",
    "as_mut",
    "as_slice",
    "as_str",
    "as_bytes",
    "as_deref",
    "unwrap",
    "expect",
    "unwrap_unchecked",
    "deref",
    "deref_mut",
    "borrow",
    "chunks",
    "windows",
    "split_at",
    "range",
    "lines",
    "split",
    "trim",
    "entry",
    "or_insert",
    "or_insert_with",
    "or_default",
    "and_modify",
    "unwrap_or_default",
    "filter",
    "skip",
    "take",
    "rev",
    "enumerate",
    "peekable",
    "into_iter",
];

/// Method names so common on standard types that an unresolved receiver says nothing about which
/// crate function is meant.
const COMMON_STD_METHODS: &[&str] = &[
    "new",
    "clone",
    "len",
    "is_empty",
    "get",
    "get_mut",
    "insert",
    "remove",
    "push",
    "pop",
    "contains",
    "contains_key",
    "iter",
    "iter_mut",
    "into_iter",
    "next",
    "map",
    "unwrap",
    "expect",
    "as_ref",
    "as_mut",
    "to_string",
    "to_owned",
    "from",
    "into",
    "default",
    "eq",
    "cmp",
    "partial_cmp",
    "hash",
    "fmt",
    "write",
    "read",
    "lock",
    "send",
    "recv",
    "take",
    "replace",
    "clear",
    "extend",
    "drain",
    "load",
    "store",
    "fetch_add",
    "fetch_sub",
    "swap",
    "join",
    "spawn",
    "run",
    "call",
    "poll",
    "with",
    "entry",
    "set",
    "add",
    "sub",
    "update",
    "flush",
    "close",
    "start",
    "stop",
    "reset",
    "build",
    "finish",
    "apply",
    "handle",
    "process",
    "parse",
    "try_from",
    "try_into",
    "drop",
    "deref",
    "deref_mut",
    "index",
    "borrow",
    "borrow_mut",
    "wait",
    "notify_one",
    "notify_all",
    "filter",
    "find",
    "position",
    "sum",
    "count",
    "min",
    "max",
    "first",
    "last",
    "split",
    "trim",
    "keys",
    "values",
    "as_str",
    "as_slice",
    "to_vec",
    "copied",
    "cloned",
    "collect",
    "for_each",
    "fold",
    "any",
    "all",
    "resize",
    "truncate",
    "reserve",
    "sort",
    "append",
    "retain",
    "dedup",
    "chunks",
    "windows",
    "with_capacity",
    "capacity",
    "is_some",
    "is_none",
    "is_ok",
    "is_err",
    "ok",
    "err",
    "and_then",
    "or_else",
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "map_err",
    "as_bytes",
];

/// Scalar methods that compute a value without side effects.
const PURE_SCALAR_METHODS: &[&str] = &[
    "checked_add",
    "checked_sub",
    "wrapping_add",
    "wrapping_sub",
    "saturating_add",
    "saturating_sub",
    "max",
    "min",
    "clone",
    "abs",
    "pow",
    "unwrap_or",
    "count_ones",
];

/// The last segment of a path expression's path, and the one before it.
pub(crate) fn path_tail(expr: &Expr) -> Option<(Option<String>, String)> {
    let Expr::Path(p) = expr else { return None };
    let segments = &p.path.segments;
    let last = segments.last()?.ident.to_string();
    let prev = segments
        .len()
        .checked_sub(2)
        .map(|i| segments[i].ident.to_string());
    Some((prev, last))
}

/// If `expr` hands work to another thread, what it starts and the closure it hands over.
///
/// An OS thread: `std::thread::spawn(|| ..)`, `Builder::new().spawn(|| ..)`, `scope.spawn(|| ..)`.
/// A task: `tokio::spawn(fut)`, `set.spawn(fut)`, `spawn_blocking(|| ..)`, `rayon::spawn(|| ..)`,
/// `threadpool::spawn(|| ..)`, `pool.execute(|| ..)`. `Command::spawn()` takes no argument and
/// starts a process, not work of ours.
pub(crate) fn spawn_of(expr: &Expr) -> Option<(SpawnKind, Option<&syn::ExprClosure>)> {
    let (name, prev, args, method) = match expr {
        Expr::Call(c) => {
            let (prev, last) = path_tail(&c.func)?;
            (last, prev, &c.args, false)
        }
        Expr::MethodCall(m) => (m.method.to_string(), None, &m.args, true),
        _ => return None,
    };
    if args.is_empty() {
        return None;
    }
    let closure = args.iter().find_map(|a| match a {
        Expr::Closure(c) if c.asyncness.is_none() => Some(c),
        _ => None,
    });
    // `thread::spawn(f)`, `Builder::spawn(f)`, `scope.spawn(f)` take the closure alone (and
    // `spawn_scoped(scope, f)` a scope first); a closure that takes an argument is a rayon
    // scope's task (`s.spawn(|_| ..)`), and other arities are other libraries' spawns.
    let thread_path = matches!(prev.as_deref(), None | Some("thread"));
    let thread_arity = args.len() == usize::from(name == "spawn_scoped") + 1;
    let no_params = closure.is_some_and(|c| c.inputs.is_empty());
    match name.as_str() {
        "spawn" | "spawn_scoped" | "spawn_unchecked"
            if no_params && thread_arity && (method || thread_path) =>
        {
            Some((SpawnKind::Thread, closure))
        }
        "spawn"
        | "spawn_local"
        | "spawn_blocking"
        | "spawn_ok"
        | "spawn_on"
        | "spawn_detached"
        | "spawn_fifo"
        | "spawn_detach"
        | "spawn_local_detach"
        | "spawn_blocking_detach" => Some((SpawnKind::Task, closure)),
        "execute" if closure.is_some() => Some((SpawnKind::Task, closure)),
        _ => None,
    }
}

/// Iterator adapters whose closures run only when the iterator is consumed.
const LAZY_ADAPTERS: &[&str] = &[
    "map",
    "filter",
    "filter_map",
    "flat_map",
    "inspect",
    "take_while",
    "skip_while",
    "scan",
    "map_while",
];

/// Consumers that keep the items they are given.
const KEEPING_CONSUMERS: &[&str] = &["collect", "partition", "unzip"];

/// Methods that run an iterator to its end (or until they find what they look for).
const ITERATOR_CONSUMERS: &[&str] = &[
    "sum",
    "product",
    "count",
    "collect",
    "fold",
    "try_fold",
    "reduce",
    "max",
    "min",
    "max_by",
    "min_by",
    "max_by_key",
    "min_by_key",
    "last",
    "any",
    "all",
    "find",
    "position",
    "partition",
    "unzip",
];

/// Whether a closure's body loops: a long-running worker, or one with a share of a loop's work.
pub(crate) fn closure_loops(closure: &syn::ExprClosure) -> bool {
    expr_loops(&closure.body)
}

/// Whether code loops: a `for`/`while`/`loop`, or a consumed iterator chain. Nested items are
/// functions of their own.
pub(crate) fn expr_loops(body: &Expr) -> bool {
    let mut finder = FindLoop {
        open_ended_only: false,
        found: false,
    };
    finder.visit_expr(body);
    finder.found
}

/// Whether a function body runs a `loop` or `while` (not a `for` over its data).
fn runs_open_ended(block: &syn::Block) -> bool {
    let mut finder = FindLoop {
        open_ended_only: true,
        found: false,
    };
    finder.visit_block(block);
    finder.found
}

/// Whether an iterated expression is a stream with no end known in advance: a channel's
/// receiver (`rx`, `receiver.iter()`) or a listener's `incoming()` connections.
fn iterates_a_stream(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => {
            matches!(m.method.to_string().as_str(), "incoming" | "recv_iter")
                || (matches!(
                    m.method.to_string().as_str(),
                    "iter" | "into_iter" | "try_iter"
                ) && iterates_a_stream(&m.receiver))
        }
        Expr::Path(p) => p.path.get_ident().is_some_and(names_a_receiver),
        Expr::Field(f) => matches!(&f.member, syn::Member::Named(i) if names_a_receiver(i)),
        Expr::Reference(r) => iterates_a_stream(&r.expr),
        Expr::Paren(p) => iterates_a_stream(&p.expr),
        _ => false,
    }
}

/// `rx`, `job_rx`, `rx_events`, `receiver`: a channel's receiving end, by name.
fn names_a_receiver(ident: &syn::Ident) -> bool {
    let name = ident.to_string();
    name == "rx" || name.ends_with("_rx") || name.starts_with("rx_") || name.contains("receiver")
}

/// Finds a loop outside nested items.
struct FindLoop {
    /// Only `loop` and `while` count, not a `for` or an iterator over some data.
    open_ended_only: bool,
    found: bool,
}

impl<'ast> Visit<'ast> for FindLoop {
    fn visit_expr_loop(&mut self, _: &'ast syn::ExprLoop) {
        self.found = true;
    }
    fn visit_expr_while(&mut self, _: &'ast syn::ExprWhile) {
        self.found = true;
    }
    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        // A `for` over a channel or a listener's connections runs as long as they come.
        self.found |= !self.open_ended_only || iterates_a_stream(&f.expr);
        visit::visit_expr_for_loop(self, f);
    }
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        // `rx.iter().for_each(..)`, `chunk.iter().sum()`: consuming an iterator loops too.
        let name = m.method.to_string();
        if matches!(name.as_str(), "for_each" | "try_for_each")
            || (ITERATOR_CONSUMERS.contains(&name.as_str()) && chain_has_iterator(&m.receiver))
        {
            self.found |= !self.open_ended_only || iterates_a_stream(&m.receiver);
        }
        visit::visit_expr_method_call(self, m);
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Walks one file.
pub(crate) struct Walker<'a> {
    file: usize,
    base: usize,
    edition: Edition,
    table: &'a TypeTable,
    renames: Renames,
    out: BodyOutput,
    scopes: Vec<HashMap<String, Local>>,
    guards: Vec<Guard>,
    next_guard: usize,
    /// The number of the statement being walked: its temporary guards are tagged with it.
    statement: usize,
    /// Statements numbered so far.
    statements: usize,
    /// The impl's self type, inside an impl.
    self_ty: Option<String>,
    function: Option<FnId>,
    region: Option<RegionId>,
    /// The lock call of a guard being bound by a `let`, so it is not also taken as a temporary.
    binding_lock: Option<Span>,
    /// The `try_*` lock call whose result is unwrapped by the method call being walked.
    asserted_lock: Option<Span>,
    fn_facts: Option<FnBodyFacts>,
    /// The operation of the statement being walked, when it only reads or updates a
    /// temporary guard's value.
    temp_shape: Option<ScalarOp>,
    /// Spawn sites (indices into `out.spawns`) whose closures are being walked, innermost last.
    spawn_stack: Vec<usize>,
    /// The expression being walked is stored beyond the statement: pushed into a collection,
    /// assigned to a field, turned into a raw pointer (see [`Cx::is_stored`]).
    storing: bool,
    /// The expression being walked is a statement whose value is dropped (`x.f();`,
    /// `let _ = x.f();`).
    discarding: bool,
    /// Orders bindings and lock acquisitions: was this value there before that lock was taken?
    clock: u64,
    /// The operand of the `.await` being walked (compared by address: spans of whole
    /// expressions cost a walk over their tokens).
    awaited: Option<*const Expr>,
    /// Depth of error and diagnostic paths being walked (`Err(..)`, `panic!`, `log::warn!`,
    /// `.expect(..)`, `.map_err(..)`): code that runs when something already went wrong.
    cold: usize,
    /// The current function's type parameters bounded by `Fn`, `FnMut` or `FnOnce`.
    callable_generics: Vec<String>,
    /// The thread the code being walked runs on, where it is not the caller's.
    thread: Option<ThreadCx>,
    /// The function being walked sets a value up (a constructor, a builder step, a `&mut self`
    /// method): what it locks is not shared yet.
    setup: bool,
    /// Field expressions used through their `Arc` (`self.f.len()`), not as the `Arc` itself.
    deref_fields: HashSet<Span>,
    /// The guard whose data the loop about to be entered walks.
    loop_guard: Option<usize>,
    /// For each region of the file, the guard whose data its loop walks: how often it runs is
    /// known only under that lock.
    region_guards: Vec<Option<usize>>,
    /// The file has `contention:allow` comments, whose reach depends on item spans.
    allow_comments: bool,
    /// The bodies of closures run by a model checker (`loom::model(|| ..)`): their threads
    /// are simulated, one interleaving at a time, and nothing in them is about speed.
    model_checked: Vec<Span>,
    /// The spawn site whose work hands a closure to a call being walked as deferred.
    deferred_spawn: Option<usize>,
    /// Adapter calls whose iterator is consumed in the expression that holds them, by address
    /// (the tree does not move while it is walked), each with whether the consumer keeps the
    /// items (`collect()`) rather than drops them (`sum()`, a `for` loop).
    consumed: HashMap<*const syn::ExprMethodCall, bool>,
    /// How many closures walked as deferred enclose the code being walked.
    deferred_depth: usize,
    /// The depth (as `deferred_depth` counts) of the body of the `let`-bound closure being
    /// walked, whose blocking calls are its caller's when it calls it.
    let_closure: Option<usize>,
    /// The expression being walked is handed by value to a crate function (see [`Handed`]).
    handed: Option<Handed>,
    /// Types are being worked out for a later statement: not to be remembered.
    looking_ahead: std::cell::Cell<bool>,
    /// The types of the current function's expressions, by address (the tree does not move
    /// while it is walked).
    types: RefCell<HashMap<*const Expr, Ty>>,
}

/// Runs phase two over one file.
pub(crate) fn walk_file(
    allow_comments: bool,
    file: usize,
    base: usize,
    ast: &syn::File,
    table: &TypeTable,
    edition: Edition,
) -> BodyOutput {
    let mut walker = Walker {
        file,
        base,
        edition,
        table,
        renames: Renames::of_items(&ast.items),
        out: BodyOutput {
            file,
            ..BodyOutput::default()
        },
        scopes: vec![HashMap::default()],
        guards: Vec::new(),
        next_guard: 0,
        statement: 0,
        statements: 0,
        self_ty: None,
        function: None,
        region: None,
        binding_lock: None,
        asserted_lock: None,
        fn_facts: None,
        temp_shape: None,
        spawn_stack: Vec::new(),
        storing: false,
        discarding: false,
        clock: 0,
        awaited: None,
        cold: 0,
        callable_generics: Vec::new(),
        thread: None,
        setup: false,
        deref_fields: HashSet::default(),
        loop_guard: None,
        region_guards: Vec::new(),
        allow_comments,
        model_checked: Vec::new(),
        deferred_spawn: None,
        consumed: HashMap::default(),
        deferred_depth: 0,
        let_closure: None,
        handed: None,
        looking_ahead: std::cell::Cell::new(false),
        types: RefCell::new(HashMap::default()),
    };
    walker.visit_file(ast);
    let checked = std::mem::take(&mut walker.model_checked);
    let mut out = walker.out;
    out.test_code = super::test_code::test_spans(ast, base);
    if !checked.is_empty() {
        let outside = |d: &Diagnostic| {
            !checked
                .iter()
                .any(|m| m.start <= d.span.start && d.span.end <= m.end)
        };
        out.diagnostics.retain(outside);
        out.pending.retain(|p| outside(&p.diagnostic));
        out.counters.retain(|(_, p)| outside(&p.diagnostic));
    }
    out
}

impl<'a> Walker<'a> {
    fn span(&self, span: PmSpan) -> Span {
        to_span(span, self.base)
    }

    // ----- scopes -------------------------------------------------------------------------

    fn lookup(&self, name: &str) -> Option<&Local> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn bind(&mut self, name: String, mut local: Local) {
        local.region = self.region;
        self.clock += 1;
        local.bound_at = self.clock;
        self.scopes.last_mut().expect("a scope").insert(name, local);
    }

    /// Runs `f` in a new variable scope; `let`-bound guards of the scope die with it.
    fn with_scope<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.scopes.push(HashMap::default());
        let depth = self.scopes.len();
        let result = f(self);
        self.guards.retain(|g| g.scope.is_none_or(|s| s < depth));
        self.scopes.pop();
        result
    }

    /// Runs `f` as one statement: temporaries created in it die at its end.
    fn with_statement<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.statements += 1;
        let id = self.statements;
        // A statement nested in this one (a closure's body) takes its own number and gives
        // this one's back: temporaries made after it still die at this statement's end.
        let outer = std::mem::replace(&mut self.statement, id);
        let result = f(self);
        self.statement = outer;
        self.guards.retain(|g| g.statement != Some(id));
        result
    }

    /// Runs `f` in a hot region.
    fn with_region<R>(&mut self, count: LoopCount, f: impl FnOnce(&mut Self) -> R) -> R {
        let id = self.out.regions.len();
        self.out.regions.push(Region {
            parent: self.region,
            count,
            callees: Vec::new(),
        });
        self.region_guards.push(self.loop_guard.take());
        let outer = self.region.replace(id);
        let result = f(self);
        self.region = outer;
        result
    }

    /// Runs `f` for a function body: a fresh set of guards, no enclosing region.
    fn with_function<R>(&mut self, function: Option<FnId>, f: impl FnOnce(&mut Self) -> R) -> R {
        let guards = std::mem::take(&mut self.guards);
        let outer_fn = std::mem::replace(&mut self.function, function);
        let outer_region = self.region.take();
        let outer_facts = self.fn_facts.take();
        let outer_generics = std::mem::take(&mut self.callable_generics);
        let outer_thread = self.thread.take();
        let outer_setup = std::mem::take(&mut self.setup);
        let scopes = std::mem::replace(&mut self.scopes, vec![HashMap::default()]);
        let types = self.types.take();
        let waiting = std::mem::take(&mut self.out.until_overwritten);
        let writes = std::mem::take(&mut self.out.atomic_writes);
        let counters = std::mem::take(&mut self.out.counters);
        let loads = std::mem::take(&mut self.out.seqcst_loads);
        let result = f(self);
        self.settle_overwrites();
        self.out.until_overwritten = waiting;
        self.out.atomic_writes = writes;
        self.out.counters = counters;
        self.out.seqcst_loads = loads;
        self.scopes = scopes;
        self.types.replace(types);
        self.fn_facts = outer_facts;
        self.callable_generics = outer_generics;
        self.thread = outer_thread;
        self.setup = outer_setup;
        self.region = outer_region;
        self.function = outer_fn;
        self.guards = guards;
        result
    }

    // ----- types --------------------------------------------------------------------------

    fn ty(&self, ty: &syn::Type) -> Ty {
        let ty = self.renames.ty(ty);
        let ty = match (&ty, &self.self_ty) {
            (Ty::Named(name, _), Some(self_ty)) if name == "Self" => Ty::named(self_ty, vec![]),
            (Ty::Named(name, args), _)
                if args.is_empty() && self.callable_generics.contains(name) =>
            {
                Ty::Callable
            }
            (Ty::Ref(inner), _)
                if inner
                    .name()
                    .is_some_and(|n| self.callable_generics.iter().any(|g| g == n)) =>
            {
                Ty::Ref(Box::new(Ty::Callable))
            }
            _ => ty,
        };
        self.table.resolve(&ty)
    }

    /// The type of an expression, worked out once per expression: a method chain asks for the
    /// type of each of its prefixes again and again. `expr` must be part of the tree being
    /// walked: it is remembered by address.
    pub(crate) fn type_of(&self, expr: &Expr) -> Ty {
        if self.looking_ahead.get() {
            return self.type_of_uncached(expr);
        }
        let key: *const Expr = expr;
        if let Some(ty) = self.types.borrow().get(&key) {
            return ty.clone();
        }
        let ty = self.type_of_uncached(expr);
        self.types.borrow_mut().insert(key, ty.clone());
        ty
    }

    fn type_of_uncached(&self, expr: &Expr) -> Ty {
        match expr {
            Expr::Path(p) => {
                if p.path.segments.len() == 1 {
                    let name = p.path.segments[0].ident.to_string();
                    if let Some(local) = self.lookup(&name) {
                        return local.ty.clone();
                    }
                    if name == "self" {
                        return self
                            .self_ty
                            .as_ref()
                            .map(|t| Ty::named(t, vec![]))
                            .unwrap_or_default();
                    }
                }
                let name = p
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                self.table.static_ty(&name).unwrap_or_default()
            }
            Expr::Field(f) => {
                let owner = self.type_of(&f.base);
                let member = match &f.member {
                    syn::Member::Named(i) => i.to_string(),
                    syn::Member::Unnamed(i) => i.index.to_string(),
                };
                self.table.field(&owner, &member)
            }
            Expr::Paren(p) => self.type_of(&p.expr),
            Expr::Group(g) => self.type_of(&g.expr),
            Expr::Reference(r) => match self.type_of(&r.expr) {
                Ty::Unknown => Ty::Unknown,
                t => Ty::Ref(Box::new(t)),
            },
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.type_of(&u.expr).deref(),
            Expr::Lit(l) => match &l.lit {
                syn::Lit::Int(i) if i.suffix().is_empty() => Ty::IntLiteral,
                syn::Lit::Int(i) => Ty::named(i.suffix(), vec![]),
                syn::Lit::Bool(_) => Ty::named("bool", vec![]),
                syn::Lit::Char(_) => Ty::named("char", vec![]),
                syn::Lit::Str(_) => Ty::Ref(Box::new(Ty::named("str", vec![]))),
                _ => Ty::Unknown,
            },
            Expr::Cast(c) => self.ty(&c.ty),
            Expr::Struct(s) => self.renames.path(&s.path),
            Expr::Try(t) => unwrap_ty(&self.type_of(&t.expr)),
            Expr::Await(a) => self.type_of(&a.base),
            Expr::Index(i) => {
                let base = self.type_of(&i.expr);
                if matches!(&*i.index, Expr::Range(_)) {
                    match base.auto_deref() {
                        t if t.is_named("String") || t.is_named("str") => Ty::named("str", vec![]),
                        t => Ty::Slice(Box::new(t.element())),
                    }
                } else {
                    match base.auto_deref() {
                        Ty::Named(n, args) if n == "HashMap" || n == "BTreeMap" => {
                            args.get(1).cloned().unwrap_or_default()
                        }
                        t => t.element(),
                    }
                }
            }
            Expr::Call(c) => self.call_type(c),
            Expr::MethodCall(m) => self.method_type(m),
            Expr::Block(b) => match b.block.stmts.last() {
                Some(syn::Stmt::Expr(e, None)) => self.type_of(e),
                _ => Ty::Unknown,
            },
            Expr::Range(r) => {
                let bound = r
                    .start
                    .as_deref()
                    .or(r.end.as_deref())
                    .map(|e| self.type_of(e))
                    .unwrap_or(Ty::IntLiteral);
                Ty::named("Range", vec![bound])
            }
            Expr::Closure(_) => Ty::Callable,
            Expr::Tuple(t) => Ty::Tuple(t.elems.iter().map(|e| self.type_of(e)).collect()),
            Expr::Array(a) => Ty::named(
                "Vec",
                vec![a.elems.first().map(|e| self.type_of(e)).unwrap_or_default()],
            ),
            _ => Ty::Unknown,
        }
    }

    fn call_type(&self, call: &syn::ExprCall) -> Ty {
        if let Some(name) = expanded_macro_name(call) {
            return match name.as_str() {
                "format" => Ty::named("String", vec![]),
                "vec" => Ty::named(
                    "Vec",
                    vec![match call.args.first() {
                        Some(Expr::Repeat(r)) => self.type_of(&r.expr),
                        Some(first) => self.type_of(first),
                        None => Ty::Unknown,
                    }],
                ),
                _ => Ty::Unknown,
            };
        }
        let Expr::Path(p) = &*call.func else {
            return Ty::Unknown;
        };
        let segments = &p.path.segments;
        let Some(last) = segments.last() else {
            return Ty::Unknown;
        };
        let func = last.ident.to_string();
        let owner = segments.len().checked_sub(2).map(|i| &segments[i]);
        let owner_name = owner.map(|s| {
            let n = s.ident.to_string();
            if segments.len() == 2 {
                self.renames
                    .path(&syn::Path::from(s.ident.clone()))
                    .name()
                    .unwrap_or(&n)
                    .to_owned()
            } else {
                n
            }
        });
        let first_arg = || {
            call.args
                .first()
                .map(|e| self.type_of(e))
                .unwrap_or_default()
        };
        match (owner_name.as_deref(), func.as_str()) {
            (
                Some(wrapper @ ("Arc" | "Rc" | "Mutex" | "RwLock" | "Box" | "CachePadded")),
                "new",
            ) => {
                let explicit = owner.and_then(|s| match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                        syn::GenericArgument::Type(t) => Some(self.ty(t)),
                        _ => None,
                    }),
                    _ => None,
                });
                Ty::named(wrapper, vec![explicit.unwrap_or_else(first_arg)])
            }
            (Some("Arc" | "Rc"), "clone") | (Some("Clone"), "clone") => {
                first_arg().peel_refs().clone()
            }
            (Some("Arc"), "from") => Ty::named("Arc", vec![Ty::Unknown]),
            (Some("String"), "new" | "from" | "with_capacity" | "from_utf8_lossy") => {
                Ty::named("String", vec![])
            }
            (Some("Vec"), "new" | "with_capacity") => Ty::named("Vec", vec![Ty::Unknown]),
            (Some(map @ ("HashMap" | "BTreeMap")), "new" | "with_capacity" | "default") => {
                Ty::named(map, vec![Ty::Unknown, Ty::Unknown])
            }
            (Some("fs"), "read") => Ty::named("Vec", vec![Ty::named("u8", vec![])]),
            (Some("fs"), "read_to_string") => Ty::named("String", vec![]),
            (Some(sync @ ("Condvar" | "Barrier")), "new") => Ty::named(sync, vec![]),
            (Some("File"), "open" | "create" | "create_new" | "open_buffered")
            | (Some("TcpStream"), "connect" | "connect_timeout")
            | (Some("TcpListener" | "UdpSocket" | "UnixListener" | "UnixDatagram"), "bind")
            | (Some("UnixStream"), "connect") => Ty::named(
                "Result",
                vec![Ty::named(owner_name.as_deref().unwrap_or_default(), vec![])],
            ),
            (
                Some(wrapper @ ("BufReader" | "BufWriter" | "LineWriter")),
                "new" | "with_capacity",
            ) => Ty::named(
                wrapper,
                vec![
                    call.args
                        .last()
                        .map(|e| self.type_of(e))
                        .unwrap_or_default(),
                ],
            ),
            (Some("Command"), "new") => Ty::named("Command", vec![]),
            (Some("thread") | None, "spawn") if call.args.len() == 1 => {
                Ty::named("JoinHandle", vec![Ty::Unknown])
            }
            (Some("io") | None, io @ ("stdin" | "stdout" | "stderr")) if call.args.is_empty() => {
                let name = match io {
                    "stdin" => "Stdin",
                    "stdout" => "Stdout",
                    _ => "Stderr",
                };
                Ty::named(name, vec![])
            }
            (
                Some("mpsc" | "crossbeam_channel" | "channel" | "flume") | None,
                "channel" | "sync_channel" | "unbounded" | "bounded",
            ) => Ty::Tuple(vec![
                Ty::named("Sender", vec![Ty::Unknown]),
                Ty::named("Receiver", vec![Ty::Unknown]),
            ]),
            (Some(atomic), "new" | "default") if atomic.starts_with("Atomic") => {
                Ty::named(atomic, vec![])
            }
            (Some("Some"), _) | (None, "Some") => Ty::named("Option", vec![first_arg()]),
            _ => self.unique_return(&self.resolve_path_call(call)),
        }
    }

    fn unique_return(&self, ids: &[FnId]) -> Ty {
        match ids {
            [id] => self.table.resolve(&self.table.fns[*id].ret),
            _ => Ty::Unknown,
        }
    }

    fn method_type(&self, m: &syn::ExprMethodCall) -> Ty {
        let recv = self.type_of(&m.receiver);
        let name = m.method.to_string();
        let value = recv.auto_deref().clone();
        // A method of a crate type is that type's, whatever std method shares its name.
        if value
            .name()
            .is_some_and(|t| self.table.type_def(t).is_some())
        {
            let ids = self.resolve_method(&recv, m);
            if !ids.is_empty() {
                return self.unique_return(&ids);
            }
        }
        match name.as_str() {
            "clone" => match recv.peel_refs() {
                t if t.is_refcounted() => t.clone(),
                Ty::Named(n, args)
                    if matches!(
                        n.as_str(),
                        "MutexGuard" | "RwLockReadGuard" | "RwLockWriteGuard"
                    ) =>
                {
                    args.first().cloned().unwrap_or_default()
                }
                t => t.clone(),
            },
            "lock" | "try_lock" | "write" | "try_write" | "read" | "try_read"
                if m.args.is_empty() =>
            {
                match recv.lock() {
                    Some((LockKind::Mutex, inner)) => Ty::named("MutexGuard", vec![inner.clone()]),
                    Some((LockKind::RwLock, inner)) if name.contains("write") => {
                        Ty::named("RwLockWriteGuard", vec![inner.clone()])
                    }
                    Some((LockKind::RwLock, inner)) => {
                        Ty::named("RwLockReadGuard", vec![inner.clone()])
                    }
                    None => Ty::Unknown,
                }
            }
            "unwrap" | "expect" | "unwrap_or_default" | "unwrap_or_else" | "unwrap_or" => {
                unwrap_ty(&recv)
            }
            "get" | "get_mut" | "first" | "last" | "first_mut" | "last_mut" => {
                let item = match &value {
                    Ty::Named(n, args) if n == "HashMap" || n == "BTreeMap" => {
                        args.get(1).cloned().unwrap_or_default()
                    }
                    t => t.element(),
                };
                Ty::named("Option", vec![Ty::Ref(Box::new(item))])
            }
            "iter" | "iter_mut" | "par_iter" | "par_iter_mut" => match &value {
                Ty::Named(n, args) if n == "HashMap" || n == "BTreeMap" => Ty::named(
                    "Iter",
                    vec![Ty::Tuple(vec![
                        Ty::Ref(Box::new(args.first().cloned().unwrap_or_default())),
                        Ty::Ref(Box::new(args.get(1).cloned().unwrap_or_default())),
                    ])],
                ),
                Ty::Named(n, args) if n == "Iter" => Ty::named("Iter", args.clone()),
                t => Ty::named("Iter", vec![Ty::Ref(Box::new(t.element()))]),
            },
            "values" | "values_mut" => Ty::named("Iter", vec![Ty::Ref(Box::new(value.arg(1)))]),
            "keys" => Ty::named("Iter", vec![Ty::Ref(Box::new(value.arg(0)))]),
            "into_iter" | "drain" | "into_par_iter" => match recv.peel_refs() {
                Ty::Named(n, args) if n == "Iter" => Ty::named("Iter", args.clone()),
                _ if matches!(recv, Ty::Ref(_)) => {
                    Ty::named("Iter", vec![Ty::Ref(Box::new(value.element()))])
                }
                _ => Ty::named("Iter", vec![value.element()]),
            },
            "cloned" | "copied" => match &value {
                Ty::Named(n, args) if n == "Iter" || n == "Option" => Ty::named(
                    n,
                    vec![
                        args.first()
                            .map(|t| t.peel_refs().clone())
                            .unwrap_or_default(),
                    ],
                ),
                _ => Ty::Unknown,
            },
            "filter" | "skip" | "take" | "rev" | "step_by" | "peekable" | "chain" | "inspect"
            | "skip_while" | "take_while"
                if value.is_named("Iter") =>
            {
                value.clone()
            }
            "enumerate" if value.is_named("Iter") => Ty::named(
                "Iter",
                vec![Ty::Tuple(vec![Ty::named("usize", vec![]), value.arg(0)])],
            ),
            "to_vec" => Ty::named("Vec", vec![value.element()]),
            "to_string" | "to_uppercase" | "to_lowercase" | "repeat" => Ty::named("String", vec![]),
            "to_owned" => match &value {
                Ty::Named(n, _) if n == "str" => Ty::named("String", vec![]),
                Ty::Slice(inner) => Ty::named("Vec", vec![(**inner).clone()]),
                t => t.clone(),
            },
            "len" | "count" | "capacity" => Ty::named("usize", vec![]),
            "is_empty" | "contains" | "contains_key" | "starts_with" | "ends_with" | "is_some"
            | "is_none" => Ty::named("bool", vec![]),
            "as_str" => Ty::Ref(Box::new(Ty::named("str", vec![]))),
            "as_slice" => Ty::Ref(Box::new(Ty::Slice(Box::new(value.element())))),
            "load" | "fetch_add" | "fetch_sub" | "swap" => match value.name() {
                Some("AtomicU64") => Ty::named("u64", vec![]),
                Some("AtomicUsize") => Ty::named("usize", vec![]),
                Some("AtomicBool") => Ty::named("bool", vec![]),
                _ => Ty::Unknown,
            },
            _ => self.unique_return(&self.resolve_method(&recv, m)),
        }
    }

    /// Crate functions a call may resolve to: by name and arity, and by the receiver's impl
    /// when its type is known. An unresolved receiver resolves only to a unique crate method
    /// whose name is not a common standard one.
    fn resolve_call(&self, expr: &Expr) -> Vec<FnId> {
        match expr {
            Expr::MethodCall(m) => self.resolve_method(&self.type_of(&m.receiver), m),
            Expr::Call(c) => self.resolve_path_call(c),
            _ => Vec::new(),
        }
    }

    fn resolve_method(&self, recv: &Ty, m: &syn::ExprMethodCall) -> Vec<FnId> {
        let name = m.method.to_string();
        let recv = self.table.resolve(recv);
        match recv.auto_deref().name() {
            Some(t)
                if self.table.type_def(t).is_some()
                    || self
                        .table
                        .candidates(&name, m.args.len(), Some(t), true)
                        .len()
                        == 1 =>
            {
                self.table.candidates(&name, m.args.len(), Some(t), true)
            }
            Some(_) => Vec::new(),
            None => {
                if COMMON_STD_METHODS.contains(&name.as_str()) {
                    return Vec::new();
                }
                let ids = self.table.candidates(&name, m.args.len(), None, true);
                if ids.len() == 1 { ids } else { Vec::new() }
            }
        }
    }

    fn resolve_path_call(&self, c: &syn::ExprCall) -> Vec<FnId> {
        let Expr::Path(p) = &*c.func else {
            return Vec::new();
        };
        if p.qself.is_some() {
            return Vec::new();
        }
        let segments = &p.path.segments;
        let Some(last) = segments.last() else {
            return Vec::new();
        };
        let name = last.ident.to_string();
        let arity = c.args.len();
        if segments.len() >= 2 {
            let owner = segments[segments.len() - 2].ident.to_string();
            let owner = if owner == "Self" {
                self.self_ty.clone().unwrap_or(owner)
            } else {
                owner
            };
            let ids: Vec<FnId> = self
                .table
                .candidates(&name, arity, Some(&owner), false)
                .into_iter()
                .filter(|&id| !self.table.fns[id].has_self)
                .collect();
            if !ids.is_empty() {
                return ids;
            }
            // `Type::method(&x, ..)`: the receiver is an argument.
            let with_self: Vec<FnId> = arity
                .checked_sub(1)
                .map(|a| self.table.candidates(&name, a, Some(&owner), true))
                .unwrap_or_default();
            if !with_self.is_empty() {
                return with_self;
            }
            // A module path: `module::function(..)`.
            let std_module = matches!(
                owner.as_str(),
                "std" | "core" | "alloc" | "thread" | "mem" | "ptr" | "fs" | "io"
            );
            if owner.chars().next().is_some_and(char::is_lowercase) && !std_module {
                let ids = self.free_candidates(&name, arity);
                let in_module: Vec<FnId> = match owner.as_str() {
                    // `self::f` and `super::f` name a module relative to this one.
                    "self" | "super" => ids,
                    "crate" => ids
                        .into_iter()
                        .filter(|&id| self.table.module_of(id).is_none())
                        .collect(),
                    // `pool::run(..)` is a `run` of a module named `pool`, not any `run`.
                    module => ids
                        .into_iter()
                        .filter(|&id| self.table.module_of(id) == Some(module))
                        .collect(),
                };
                return few(in_module);
            }
            return Vec::new();
        }
        self.free_functions(&name, arity)
    }

    /// Free functions of this name and arity anywhere in the crate.
    fn free_candidates(&self, name: &str, arity: usize) -> Vec<FnId> {
        self.table
            .candidates(name, arity, None, false)
            .into_iter()
            .filter(|&id| self.table.fns[id].self_ty.is_none())
            .collect()
    }

    fn free_functions(&self, name: &str, arity: usize) -> Vec<FnId> {
        few(self.free_candidates(name, arity))
    }

    /// Where a value comes from: the declaration of the lock (or `Arc` of it) it is.
    fn origin_of(&self, expr: &Expr) -> Option<DeclKey> {
        match expr {
            Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                match self.lookup(&name) {
                    Some(local) => local.origin.clone(),
                    None => self.table.static_ty(&name).map(|_| DeclKey::Static(name)),
                }
            }
            Expr::Path(p) => {
                let name = p.path.segments.last()?.ident.to_string();
                self.table.static_ty(&name).map(|_| DeclKey::Static(name))
            }
            Expr::Field(f) => {
                let owner = self.table.resolve(&self.type_of(&f.base));
                let owner_name = owner.auto_deref().name()?.to_owned();
                match &f.member {
                    syn::Member::Named(i) => Some(DeclKey::Field(owner_name, i.to_string())),
                    syn::Member::Unnamed(_) => self.origin_of(&f.base),
                }
            }
            Expr::Reference(r) => self.origin_of(&r.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.origin_of(&u.expr),
            Expr::Paren(p) => self.origin_of(&p.expr),
            Expr::MethodCall(m)
                if matches!(m.method.to_string().as_str(), "clone" | "as_ref" | "deref") =>
            {
                self.origin_of(&m.receiver)
            }
            Expr::Call(c) => match path_tail(&c.func) {
                Some((Some(owner), f)) if (owner == "Arc" || owner == "Rc") && f == "clone" => {
                    c.args.first().and_then(|a| self.origin_of(a))
                }
                _ => None,
            },
            _ => None,
        }
    }

    // ----- guards -------------------------------------------------------------------------

    /// If `expr` takes a lock (`m.lock()`, `.read()`, `.write()`, `try_*`, possibly followed by
    /// `.unwrap()`, `.expect(..)`, `?` or `.await`), the lock call.
    fn lock_call<'e>(&self, expr: &'e Expr) -> Option<&'e syn::ExprMethodCall> {
        match expr {
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                match name.as_str() {
                    "lock" | "read" | "write" | "try_lock" | "try_read" | "try_write"
                    | "upgradable_read"
                        if m.args.is_empty() =>
                    {
                        let recv = self.table.resolve(&self.type_of(&m.receiver));
                        match recv.lock() {
                            Some(_) => Some(m),
                            // An unknown receiver of `.lock()` is a lock unless it is an I/O handle.
                            None if name == "lock"
                                && !recv.is_known()
                                && !is_std_stream(&m.receiver) =>
                            {
                                Some(m)
                            }
                            None => None,
                        }
                    }
                    "unwrap" | "expect" | "unwrap_or_else" => self.lock_call(&m.receiver),
                    _ => None,
                }
            }
            Expr::Try(t) => self.lock_call(&t.expr),
            Expr::Await(a) => self.lock_call(&a.base),
            Expr::Paren(p) => self.lock_call(&p.expr),
            _ => None,
        }
    }

    fn new_guard(&mut self, call: &syn::ExprMethodCall, bound: bool, is_async: bool) -> usize {
        let lock_span = self.span(call.method.span());
        let recv = self.table.resolve(&self.type_of(&call.receiver));
        let inner = recv.lock().map(|(_, t)| t.clone()).unwrap_or_default();
        let id = self.next_guard;
        self.next_guard += 1;
        self.clock += 1;
        self.guards.push(Guard {
            id,
            lock_span,
            section: matches!(&inner, Ty::Tuple(t) if t.is_empty()),
            tried: call.method.to_string().starts_with("try_"),
            asserted: self.asserted_lock == Some(lock_span),
            condvar: false,
            private: root_var(&call.receiver)
                .and_then(|root| self.lookup(&root.to_string()))
                .is_some_and(|local| local.private_lock),
            inner,
            is_async,
            taken_at: self.clock,
            statement: (!bound).then_some(self.statement),
            scope: bound.then_some(self.scopes.len()),
        });
        id
    }

    /// The live guard whose data `expr` borrows, or that `expr` is.
    fn borrowed_guard(&self, expr: &Expr) -> Option<usize> {
        let live = |id: usize| self.guards.iter().any(|g| g.id == id).then_some(id);
        match expr {
            Expr::Path(p) if p.path.segments.len() == 1 => {
                let local = self.lookup(&p.path.segments[0].ident.to_string())?;
                local.guard.or(local.borrows).and_then(live)
            }
            Expr::MethodCall(m) => {
                if let Some(call) = self.lock_call(expr) {
                    let span = self.span(call.method.span());
                    return self
                        .guards
                        .iter()
                        .find(|g| g.lock_span == span)
                        .map(|g| g.id);
                }
                if BORROWING_METHODS.contains(&m.method.to_string().as_str()) {
                    self.borrowed_guard(&m.receiver)
                } else {
                    None
                }
            }
            Expr::Field(f) => self.borrowed_guard(&f.base),
            Expr::Index(i) => self.borrowed_guard(&i.expr),
            Expr::Reference(r) => self.borrowed_guard(&r.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.borrowed_guard(&u.expr),
            Expr::Paren(p) => self.borrowed_guard(&p.expr),
            Expr::Try(t) => self.borrowed_guard(&t.expr),
            Expr::Await(a) => self.borrowed_guard(&a.base),
            // `if let Some(v) = guarded.get(k) { v } else { .. }`: what the pattern borrowed.
            Expr::If(i) => {
                let Expr::Let(l) = &*i.cond else { return None };
                match i.then_branch.stmts.last() {
                    Some(syn::Stmt::Expr(Expr::Path(p), None))
                        if p.path.get_ident().is_some_and(|name| binds(&l.pat, name)) =>
                    {
                        self.borrowed_guard(&l.expr)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Whether binding `init` keeps a borrow of guarded data (a reference, not a copy).
    fn init_borrows(&self, init: &Expr) -> Option<usize> {
        let id = self.borrowed_guard(init)?;
        let borrows = match init {
            Expr::Reference(_) => true,
            Expr::MethodCall(m) => BORROWING_METHODS.contains(&m.method.to_string().as_str()),
            Expr::Try(_) | Expr::Paren(_) | Expr::If(_) => true,
            _ => false,
        };
        borrows.then_some(id)
    }

    // ----- patterns -----------------------------------------------------------------------

    /// Binds the names of a pattern matched against a value of type `ty`.
    fn bind_pat(&mut self, pat: &Pat, ty: Ty, origin: Option<DeclKey>, borrows: Option<usize>) {
        match pat {
            Pat::Ident(i) => {
                if let Some((_, sub)) = &i.subpat {
                    self.bind_pat(sub, ty.clone(), origin.clone(), borrows);
                }
                self.bind(
                    i.ident.to_string(),
                    Local {
                        ty,
                        origin,
                        borrows,
                        ..Local::default()
                    },
                );
            }
            Pat::Type(t) => {
                let declared = self.ty(&t.ty);
                self.bind_pat(&t.pat, declared, origin, borrows);
            }
            Pat::Reference(r) => self.bind_pat(&r.pat, ty.deref(), origin, borrows),
            Pat::Tuple(t) => {
                let inner = ty.peel_refs().clone();
                let by_ref = matches!(ty, Ty::Ref(_));
                for (i, p) in t.elems.iter().enumerate() {
                    let item = match &inner {
                        Ty::Tuple(items) => items.get(i).cloned().unwrap_or_default(),
                        _ => Ty::Unknown,
                    };
                    let item = if by_ref && item.is_known() {
                        Ty::Ref(Box::new(item))
                    } else {
                        item
                    };
                    self.bind_pat(p, item, origin.clone(), borrows);
                }
            }
            Pat::TupleStruct(ts) => {
                let variant = ts
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                let inner = match (variant.as_str(), ty.peel_refs()) {
                    ("Some" | "Ok", Ty::Named(_, args)) => {
                        args.first().cloned().unwrap_or_default()
                    }
                    _ => Ty::Unknown,
                };
                for p in &ts.elems {
                    self.bind_pat(p, inner.clone(), origin.clone(), borrows);
                }
            }
            Pat::Struct(s) => {
                self.record_pattern_fields(s);
                for field in &s.fields {
                    let member = match &field.member {
                        syn::Member::Named(i) => i.to_string(),
                        syn::Member::Unnamed(i) => i.index.to_string(),
                    };
                    let field_ty = self.table.field(&self.renames.path(&s.path), &member);
                    self.bind_pat(&field.pat, field_ty, origin.clone(), borrows);
                }
            }
            Pat::Or(o) => {
                for case in &o.cases {
                    self.bind_pat(case, ty.clone(), origin.clone(), borrows);
                }
            }
            Pat::Slice(s) => {
                for p in &s.elems {
                    self.bind_pat(p, ty.element(), origin.clone(), borrows);
                }
            }
            Pat::Paren(p) => self.bind_pat(&p.pat, ty, origin, borrows),
            _ => {}
        }
    }

    // ----- lints --------------------------------------------------------------------------

    fn lint_expr(&mut self, expr: &Expr) {
        let mut out = std::mem::take(&mut self.out);
        {
            let cx = Cx { walker: self };
            let mut sink = Sink { out: &mut out };
            for check in rules::EXPR_LINTS {
                check(&cx, expr, &mut sink);
            }
        }
        self.out = out;
    }

    fn lint_let(&mut self, local: &syn::Local, later: Later<'_>) {
        let mut out = std::mem::take(&mut self.out);
        {
            let cx = Cx { walker: self };
            let mut sink = Sink { out: &mut out };
            for check in rules::LET_LINTS {
                check(&cx, local, later, &mut sink);
            }
        }
        self.out = out;
    }

    fn lint_decl(&mut self, kind: rules::DeclKind, ty: &syn::Type) {
        let mut out = std::mem::take(&mut self.out);
        {
            let cx = Cx { walker: self };
            let mut sink = Sink { out: &mut out };
            let decl = rules::Decl { kind, ty };
            for check in rules::DECL_LINTS {
                check(&cx, &decl, &mut sink);
            }
        }
        self.out = out;
    }

    fn record_call(&mut self, expr: &Expr) {
        let ids = self.resolve_call(expr);
        if ids.is_empty() {
            return;
        }
        let span = self.span(match expr {
            Expr::MethodCall(m) => m.method.span(),
            Expr::Call(c) => c.func.span(),
            _ => expr.span(),
        });
        if let Some(region) = self.region {
            self.out.regions[region].callees.push(ids.clone());
        }
        // Spawned work includes closures it hands to calls (`catch_unwind(|| ..)`).
        if let Some(site) = self.spawn_stack.last().copied().or(self.deferred_spawn) {
            self.out.spawns[site].callees.push(ids.clone());
        }
        let (path_call, args): (bool, Vec<&Expr>) = match expr {
            Expr::Call(c) => (true, c.args.iter().collect()),
            Expr::MethodCall(m) => (false, m.args.iter().collect()),
            _ => (false, Vec::new()),
        };
        let args: Vec<ArgRoot> = args.into_iter().map(|a| self.arg_root(a)).collect();
        let receiver = match expr {
            Expr::MethodCall(m) => Some(self.arg_root(&m.receiver)),
            _ => None,
        };
        for callee in ids {
            self.out.calls.push(CallEdge {
                caller: self.function,
                region: self.region,
                callee,
                file: self.file,
                span,
                path_call,
                spawned: !self.spawn_stack.is_empty(),
                args: args.clone(),
                receiver,
            });
        }
    }

    // ----- statements ---------------------------------------------------------------------

    fn visit_local_stmt(&mut self, local: &syn::Local, later: Later<'_>) {
        let rest = later.all();
        self.lint_let(local, later);
        if let Pat::Type(t) = &local.pat {
            self.lint_decl(rules::DeclKind::Let, &t.ty);
        }
        let Some(init) = &local.init else {
            if let Pat::Type(t) = &local.pat {
                let ty = self.ty(&t.ty);
                self.bind_pat(&local.pat, ty, None, None);
            } else {
                self.bind_pat(&local.pat, Ty::Unknown, None, None);
            }
            return;
        };
        let guard_call = self.lock_call(&init.expr);
        self.note_state_word_binding(local, &init.expr, later);
        let bound_ident = match &local.pat {
            Pat::Ident(i) => Some(i.ident.to_string()),
            Pat::Type(t) => match &*t.pat {
                Pat::Ident(i) => Some(i.ident.to_string()),
                _ => None,
            },
            _ => None,
        };
        // Where the bound value goes next: kept, handed to a crate function, or nowhere.
        let moved = bound_ident
            .as_deref()
            .and_then(|n| first_move(n, later.naming(n)));
        let (stored, handed) = match moved {
            None => (false, None),
            Some(Move::Kept) => (true, None),
            Some(Move::Handed(call, arg)) => {
                let callees = self.resolve_ahead(call);
                if callees.is_empty() {
                    (true, None)
                } else {
                    let handed = Handed {
                        callees,
                        arg,
                        path_call: matches!(call, Expr::Call(_)),
                        result_stored: false,
                        result_handed: None,
                    };
                    (false, Some(handed))
                }
            }
        };
        // `let (a, b) = (x.clone(), y.clone());`: each part goes where its name goes.
        let parts_kept: Option<Vec<bool>> = match (&local.pat, strip_parens(&init.expr)) {
            (Pat::Tuple(names), Expr::Tuple(parts)) if names.elems.len() == parts.elems.len() => {
                names
                    .elems
                    .iter()
                    .map(|pat| {
                        let name = single_binding(pat)?;
                        Some(matches!(
                            first_move(&name, later.naming(&name)),
                            Some(Move::Kept)
                        ))
                    })
                    .collect()
            }
            _ => None,
        };
        let mut blocks = None;
        self.with_statement_of(&init.expr, |w| {
            if let (Some(call), Some(_)) = (guard_call, &bound_ident) {
                w.binding_lock = Some(w.span(call.method.span()));
                if let Expr::MethodCall(m) = strip_parens(&init.expr) {
                    if asserts_try(m, call) {
                        w.asserted_lock = w.binding_lock;
                    }
                }
            }
            w.discarding = matches!(local.pat, Pat::Wild(_));
            w.handed = handed;
            // A closure called by name runs in its caller: what blocks in it blocks there.
            let let_closure = bound_ident.is_some()
                && matches!(strip_parens(&init.expr), Expr::Closure(c) if c.asyncness.is_none());
            if let_closure {
                let outer = w.let_closure.replace(w.deferred_depth + 1);
                let outer_blocks = w.out.closure_blocking.take();
                w.visit_stored(&init.expr, stored);
                blocks = std::mem::replace(&mut w.out.closure_blocking, outer_blocks);
                w.let_closure = outer;
            } else if let (Some(kept), Expr::Tuple(parts)) = (&parts_kept, strip_parens(&init.expr))
            {
                for (part, &kept) in parts.elems.iter().zip(kept) {
                    w.visit_stored(part, kept);
                }
            } else {
                w.visit_stored(&init.expr, stored);
            }
            w.binding_lock = None;
            if let Some((_, diverge)) = &init.diverge {
                w.visit_expr(diverge);
            }
        });
        // The declaration: a lock or atomic slots declared by this `let`.
        let mut origin = self
            .declare_local_lock(local, &init.expr)
            .or_else(|| self.origin_of(&init.expr));
        if let Pat::Type(t) = &local.pat {
            let key = self.local_key(local);
            let before = self.out.slot_decls.len();
            self.declare_slots(key.clone(), &t.ty);
            if self.out.slot_decls.len() > before {
                origin = Some(key);
            }
        }
        let ty = match &local.pat {
            Pat::Type(t) => self.ty(&t.ty),
            _ => self.type_of(&init.expr),
        };
        match (guard_call, bound_ident) {
            (Some(call), Some(name)) => {
                let id = self.new_guard(call, true, awaits_lock(&init.expr));
                if name.starts_with('_') {
                    if let Some(guard) = self.guards.iter_mut().find(|g| g.id == id) {
                        guard.section = true;
                    }
                }
                let shape = self.bound_guard_shape(&name, rest);
                let ops = self.bound_guard_ops(&name, later.naming(&name));
                self.record_lock_use(call, shape, ops);
                if later.naming(&name).any(|stmt| match stmt {
                    syn::Stmt::Expr(e, _) => passes_to_condvar(e, &name),
                    syn::Stmt::Local(l) => l
                        .init
                        .as_ref()
                        .is_some_and(|i| passes_to_condvar(&i.expr, &name)),
                    _ => false,
                }) {
                    if let Some(guard) = self.guards.iter_mut().find(|g| g.id == id) {
                        guard.condvar = true;
                    }
                }
                self.bind(
                    name,
                    Local {
                        ty,
                        origin,
                        guard: Some(id),
                        ..Local::default()
                    },
                );
            }
            _ => {
                // A lock by its declared type when there is one: `let e: Epochs =
                // Default::default();`.
                let is_lock = self.table.resolve(&ty).lock().is_some();
                let borrows = self.init_borrows(&init.expr);
                self.bind_pat(&local.pat, ty, origin, borrows);
                let fresh_arc = matches!(&*init.expr, Expr::Call(c)
                    if path_tail(&c.func).is_some_and(|(o, f)| o.as_deref() == Some("Arc") && f == "new"));
                let declared_ptr =
                    matches!(&local.pat, Pat::Type(t) if matches!(&*t.ty, syn::Type::Ptr(_)));
                let made = matches!(
                    strip_parens(&init.expr),
                    Expr::Call(_) | Expr::MethodCall(_) | Expr::Struct(_)
                );
                if let Some(name) = single_binding(&local.pat) {
                    let private_lock = is_lock && only_locked(&name, rest);
                    // `let _m = guard;`: the guard moves on, to a name that says it is only held.
                    let moved_guard = match strip_parens(&init.expr) {
                        Expr::Path(p) => p
                            .path
                            .get_ident()
                            .and_then(|i| self.lookup(&i.to_string()))
                            .and_then(|l| l.guard),
                        _ => None,
                    };
                    if let (Some(id), true) = (moved_guard, name.starts_with('_')) {
                        if let Some(guard) = self.guards.iter_mut().find(|g| g.id == id) {
                            guard.section = true;
                        }
                    }
                    let count = match &local.pat {
                        Pat::Ident(i) if i.mutability.is_none() => self.spelled_count(&init.expr),
                        _ => None,
                    };
                    if let Some(l) = self.scopes.last_mut().and_then(|s| s.get_mut(&name)) {
                        l.made = made;
                        l.private_lock = private_lock;
                        l.guard = l.guard.or(moved_guard);
                        l.count = count;
                        l.blocks = blocks;
                    }
                    if let Some(pointee) = self.local_pointee(&init.expr, declared_ptr) {
                        if let Some(l) = self.scopes.last_mut().and_then(|s| s.get_mut(&name)) {
                            l.points_to_local = Some(pointee);
                        }
                    }
                }
                if let (true, Pat::Ident(i)) = (fresh_arc, &local.pat) {
                    let name = i.ident.to_string();
                    let sole_use = mention_count(&name, later.naming(&name)) == 1;
                    if let Some(local) = self.scopes.last_mut().and_then(|s| s.get_mut(&name)) {
                        local.fresh_arc = true;
                        local.sole_use = sole_use;
                    }
                }
            }
        }
    }

    fn visit_stmts(&mut self, stmts: &[syn::Stmt]) {
        // Made at the block's first `let`: only a `let` searches the statements after it.
        let mut names = None;
        for (i, stmt) in stmts.iter().enumerate() {
            self.cover(stmt);
            match stmt {
                syn::Stmt::Local(local) => {
                    if names.is_none() && stmts.len() > NamedIn::MIN_STATEMENTS {
                        names = Some(NamedIn::index(stmts));
                    }
                    let later = Later {
                        stmts,
                        at: i,
                        names: names.as_ref(),
                    };
                    self.visit_local_stmt(local, later);
                }
                syn::Stmt::Expr(expr, semi) => {
                    if let Some(name) = drop_target(expr) {
                        let depth_guard = self.lookup(&name).and_then(|l| l.guard);
                        if let Some(id) = depth_guard {
                            self.guards.retain(|g| g.id != id);
                        }
                    }
                    self.with_statement_of(expr, |w| {
                        w.discarding = semi.is_some();
                        w.visit_expr(expr)
                    });
                }
                syn::Stmt::Item(item) => self.visit_item(item),
                syn::Stmt::Macro(m) => self.visit_stmt_macro(m),
            }
        }
    }

    /// Visits a function body with its parameters bound.
    fn visit_fn(&mut self, sig: &syn::Signature, block: &syn::Block) {
        let id = self
            .table
            .fn_at(self.file, self.span(sig.ident.span()).start);
        self.note_accessor_loads(sig, block);
        self.with_function(id, |w| {
            w.fn_facts = Some(FnBodyFacts::default());
            w.callable_generics = callable_generics(&sig.generics);
            w.setup = sets_up(sig, w.self_ty.as_deref());
            let mut params = Vec::new();
            for input in &sig.inputs {
                if let syn::FnArg::Typed(t) = input {
                    let ty = w.ty(&t.ty);
                    w.bind_pat(&t.pat, ty.clone(), None, None);
                    if let Pat::Ident(i) = &*t.pat {
                        let name = i.ident.to_string();
                        if let Some(local) = w.scopes.last_mut().and_then(|s| s.get_mut(&name)) {
                            local.param = Some(params.len());
                        }
                    }
                    params.push((t, ty));
                }
            }
            w.visit_block(block);
            let mut facts = w.fn_facts.take().unwrap_or_default();
            facts.long_running = runs_open_ended(block);
            facts.only_sliced = params
                .iter()
                .map(|(t, ty)| match &*t.pat {
                    Pat::Ident(i) if ty.is_std_deep() || ty.is_named("Vec") => {
                        only_sliced(&i.ident.to_string(), block)
                    }
                    _ => false,
                })
                .collect();
            // An `async fn` moves its parameters into the future it returns.
            let least = if sig.asyncness.is_some() {
                ParamFate::Returned
            } else {
                ParamFate::Dropped
            };
            facts.params = params
                .iter()
                .map(|(t, _)| match &*t.pat {
                    Pat::Ident(i) => param_fate(&i.ident.to_string(), block).max(least),
                    // A destructured parameter: its parts may go anywhere.
                    _ => ParamFate::Kept,
                })
                .collect();
            if let Some(id) = id {
                w.out.fn_facts.push((id, facts));
            }
        });
    }

    /// Binds a closure's parameters: annotated types, or the item type of the iterator it is
    /// handed to.
    fn bind_closure_params(
        &mut self,
        closure: &syn::ExprClosure,
        item: Ty,
        borrows: Option<usize>,
    ) {
        self.note_predicate_loads(closure);
        for (i, input) in closure.inputs.iter().enumerate() {
            let ty = if i == 0 { item.clone() } else { Ty::Unknown };
            self.bind_pat(input, ty, None, borrows);
        }
    }

    /// A closure argument of a method call: hot when the method is an iterator adapter.
    fn visit_method_closure(&mut self, m: &syn::ExprMethodCall, closure: &syn::ExprClosure) {
        let method = m.method.to_string();
        let recv_ty = self.type_of(&m.receiver);
        let iterator = recv_ty.is_named("Iter") || chain_has_iterator(&m.receiver);
        let hot = ITERATOR_ONLY_ADAPTERS.contains(&method.as_str())
            || ELEMENT_CLOSURES.contains(&method.as_str())
            || (SHARED_ADAPTERS.contains(&method.as_str()) && iterator)
            || (iterator && method == "for_each");
        let item = match &recv_ty {
            Ty::Named(n, args) if n == "Iter" => args.first().cloned().unwrap_or_default(),
            Ty::Named(n, args) if n == "Option" && method == "map" => {
                args.first().cloned().unwrap_or_default()
            }
            _ if ELEMENT_CLOSURES.contains(&method.as_str()) => {
                Ty::Ref(Box::new(recv_ty.auto_deref().element()))
            }
            _ => Ty::Unknown,
        };
        // A lazy adapter's closure runs when the iterator is consumed: in this expression (a
        // `collect()` or a `for` over it), or maybe after the guard is gone (returned, stored).
        let lazy = LAZY_ADAPTERS.contains(&method.as_str())
            && iterator
            && !self.consumed.contains_key(&std::ptr::from_ref(m));
        let borrows = if lazy {
            None
        } else {
            self.borrowed_guard(&m.receiver)
        };
        // What a mapping closure returns is kept when the iterator is collected.
        let kept = matches!(
            method.as_str(),
            "map" | "filter_map" | "flat_map" | "map_while"
        ) && self.consumed.get(&std::ptr::from_ref(m)) == Some(&true);
        let visit = |w: &mut Self| {
            w.with_scope(|w| {
                w.bind_closure_params(closure, item.clone(), borrows);
                w.with_statement_of(&closure.body, |w| w.visit_stored(&closure.body, kept));
            });
        };
        if hot {
            let count = self.loop_count(&m.receiver);
            self.loop_guard = self.borrowed_guard(&m.receiver);
            // A parallel iterator's closures run on the pool's threads at once.
            let thread = if chain_is_parallel(&m.receiver) {
                self.thread.replace(ThreadCx::Parallel)
            } else {
                self.thread
            };
            self.with_region(count, visit);
            self.thread = thread;
        } else if IMMEDIATE_METHODS.contains(&method.as_str()) {
            visit(self);
        } else {
            self.visit_deferred_argument(closure);
        }
    }

    /// A closure whose body runs at a time the source does not show (a callback registered,
    /// a factory stored, a closure bound to a name): not in this function's loops, not hot
    /// through its callers, and holding none of its guards.
    /// A closure handed to a call as an argument (`cell.get_or_init(|| ..)`,
    /// `catch_unwind(|| ..)`): deferred as far as the source shows, but when it is handed over
    /// inside spawned work, what blocks in it is taken to block that work.
    fn visit_deferred_argument(&mut self, closure: &syn::ExprClosure) {
        let outer = self.deferred_spawn;
        if let Some(&site) = self.spawn_stack.last() {
            self.deferred_spawn = Some(site);
        }
        self.visit_deferred(closure);
        self.deferred_spawn = outer;
    }

    /// Marks the adapter call that `m` consumes (`x.map(f)` in `x.map(f).collect()`), and
    /// through a consumed adapter the one before it.
    fn note_consumed(&mut self, m: &syn::ExprMethodCall, method: &str) {
        let keeps = if LAZY_ADAPTERS.contains(&method) {
            self.consumed.get(&std::ptr::from_ref(m)).copied()
        } else if ITERATOR_CONSUMERS.contains(&method)
            || matches!(method, "for_each" | "try_for_each")
        {
            Some(KEEPING_CONSUMERS.contains(&method))
        } else {
            None
        };
        if let (Some(keeps), Expr::MethodCall(inner)) = (keeps, strip_parens(&m.receiver)) {
            self.consumed.insert(std::ptr::from_ref(inner), keeps);
        }
    }

    fn visit_deferred(&mut self, closure: &syn::ExprClosure) {
        let guards = std::mem::take(&mut self.guards);
        let region = self.region.take();
        let function = self.function.take();
        let spawns = std::mem::take(&mut self.spawn_stack);
        let thread = self.thread.take();
        self.deferred_depth += 1;
        self.with_scope(|w| {
            w.bind_closure_params(closure, Ty::Unknown, None);
            w.with_statement_of(&closure.body, |w| w.visit_expr(&closure.body));
        });
        self.deferred_depth -= 1;
        self.thread = thread;
        self.spawn_stack = spawns;
        self.function = function;
        self.region = region;
        self.guards = guards;
    }

    /// How many times a loop over `iter` runs: a few for `0..4`, `0..WORKERS` with a small
    /// constant, `0..num_threads`, `(0..n_cpus).map(..)`; once per chunk for `data.chunks(n)`.
    fn loop_count(&self, iter: &Expr) -> LoopCount {
        let few = |n: usize| {
            if n as u128 <= MAX_FEW {
                LoopCount::Few
            } else {
                LoopCount::Many
            }
        };
        match iter {
            Expr::Range(r) => {
                let few = r.end.as_deref().is_some_and(|end| {
                    names_thread_count(end)
                        || self.small_count(end).is_some_and(|n| n <= MAX_FEW)
                        || self.bounded_by_few_loop(end)
                });
                if few { LoopCount::Few } else { LoopCount::Many }
            }
            // A literal list, or a constant one: `for host in HOSTS`, `[a, b].iter()`.
            Expr::Array(a) => few(a.elems.len()),
            Expr::Call(c) if expanded_macro_name(c).is_some_and(|m| m == "vec") => {
                match c.args.first() {
                    Some(Expr::Repeat(r)) => self
                        .small_count(&r.len)
                        .map_or(LoopCount::Many, |n| few(n as usize)),
                    _ => few(c.args.len()),
                }
            }
            Expr::Path(p) => p
                .path
                .segments
                .last()
                .and_then(|s| self.table.literal_len(&s.ident.to_string()))
                .map_or(LoopCount::Many, few),
            Expr::Reference(r) => self.loop_count(&r.expr),
            Expr::Paren(p) => self.loop_count(&p.expr),
            Expr::MethodCall(m) => match m.method.to_string().as_str() {
                "into_iter" | "map" | "enumerate" | "iter" | "copied" | "cloned" => {
                    self.loop_count(&m.receiver)
                }
                "chunks" | "chunks_mut" | "chunks_exact" | "chunks_exact_mut" | "rchunks"
                | "par_chunks" | "par_chunks_mut" => LoopCount::PerChunk,
                _ => LoopCount::Many,
            },
            _ => LoopCount::Many,
        }
    }

    /// Whether a loop bound is the variable of an enclosing loop that runs a few times
    /// (`for i in 1..=3 { for _ in 1..=i { .. } }`).
    fn bounded_by_few_loop(&self, end: &Expr) -> bool {
        let Expr::Path(p) = end else { return false };
        let Some(local) = p.path.get_ident().and_then(|i| self.lookup(&i.to_string())) else {
            return false;
        };
        local
            .region
            .is_some_and(|r| self.out.regions[r].count == LoopCount::Few)
    }

    /// The value of a constant count: a literal, a crate constant, or one of them minus a
    /// literal.
    fn small_count(&self, expr: &Expr) -> Option<u128> {
        if let Some(n) = super::items::int_literal(expr) {
            return Some(n);
        }
        match expr {
            Expr::Path(p) => {
                let name = p.path.segments.last()?.ident.to_string();
                match p.path.get_ident().and_then(|_| self.lookup(&name)) {
                    Some(local) => local.count,
                    None => self.table.int_const(&name),
                }
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Sub(_)) => self.small_count(&b.left),
            Expr::Paren(p) => self.small_count(&p.expr),
            _ => None,
        }
    }

    /// The count a `let` binds: what `small_count` reads, or the larger of two counts chosen
    /// by an `if` (`if cfg!(miri) { 2 } else { 5 }`).
    fn spelled_count(&self, expr: &Expr) -> Option<u128> {
        match strip_parens(expr) {
            Expr::If(i) => {
                let then = match i.then_branch.stmts.as_slice() {
                    [syn::Stmt::Expr(e, None)] => self.spelled_count(e)?,
                    _ => return None,
                };
                let other = match &i.else_branch {
                    Some((_, e)) => match &**e {
                        Expr::Block(b) => match b.block.stmts.as_slice() {
                            [syn::Stmt::Expr(e, None)] => self.spelled_count(e)?,
                            _ => return None,
                        },
                        _ => return None,
                    },
                    None => return None,
                };
                Some(then.max(other))
            }
            e => self.small_count(e),
        }
    }

    /// Records a spawn site; its closure (if any) runs on another thread, holding none of our
    /// guards, once per spawn: still in this region.
    fn visit_spawn(&mut self, kind: SpawnKind, span: Span, work: Option<&Expr>) {
        let site = self.out.spawns.len();
        self.out.spawns.push(SpawnSite {
            kind,
            file: self.file,
            span,
            function: self.function,
            region: self.region,
            loops: matches!(work, Some(Expr::Closure(c)) if closure_loops(c)),
            callees: Vec::new(),
            runs_callback: false,
            blocks: false,
        });
        let Some(work) = work else { return };
        // The work runs once per spawn, on its own thread: not in this function's loops, not
        // hot through its callers, holding none of its guards.
        let guards = std::mem::take(&mut self.guards);
        let region = self.region.take();
        let function = self.function.take();
        self.spawn_stack.push(site);
        let thread = self.thread.replace(ThreadCx::Spawned(site));
        self.with_scope(|w| match work {
            Expr::Closure(closure) => {
                w.bind_closure_params(closure, Ty::Unknown, None);
                w.with_statement_of(&closure.body, |w| w.visit_expr(&closure.body));
            }
            future => w.with_statement(|w| w.visit_expr(future)),
        });
        self.thread = thread;
        self.spawn_stack.pop();
        self.function = function;
        self.region = region;
        self.guards = guards;
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_file(&mut self, file: &'ast syn::File) {
        for item in &file.items {
            self.cover(item);
        }
        visit::visit_file(self, file);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if let Some((_, items)) = &m.content {
            for item in items {
                self.cover(item);
            }
        }
        visit::visit_item_mod(self, m);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        self.cover(item);
        visit::visit_impl_item(self, item);
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        self.cover(field);
    }

    fn visit_item_impl(&mut self, imp: &'ast syn::ItemImpl) {
        let outer = std::mem::replace(
            &mut self.self_ty,
            super::items::self_type_name(&imp.self_ty),
        );
        visit::visit_item_impl(self, imp);
        self.self_ty = outer;
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        let outer = self.self_ty.replace(t.ident.to_string());
        visit::visit_item_trait(self, t);
        self.self_ty = outer;
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let outer = self.self_ty.take();
        self.visit_fn(&f.sig, &f.block);
        self.self_ty = outer;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.visit_fn(&f.sig, &f.block);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.visit_fn(&f.sig, block);
        }
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let name = s.ident.to_string();
        let has_condvar = s
            .fields
            .iter()
            .any(|f| self.renames.ty(&f.ty).is_named("Condvar"));
        for (i, field) in s.fields.iter().enumerate() {
            let field_name = field
                .ident
                .as_ref()
                .map(|i| i.to_string())
                .unwrap_or_else(|| i.to_string());
            self.declare_field(&name, &field_name, &field.ty, has_condvar);
            self.declare_slots(DeclKey::Field(name.clone(), field_name.clone()), &field.ty);
            self.lint_decl(rules::DeclKind::Field, &field.ty);
        }
        self.declare_arc_fields(s);
        visit::visit_item_struct(self, s);
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        for field in e.variants.iter().flat_map(|v| v.fields.iter()) {
            self.lint_decl(rules::DeclKind::Field, &field.ty);
        }
        visit::visit_item_enum(self, e);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        self.declare_lock(DeclKey::Static(s.ident.to_string()), &s.ty, false);
        self.declare_slots(DeclKey::Static(s.ident.to_string()), &s.ty);
        self.lint_decl(rules::DeclKind::Static, &s.ty);
        self.with_function(None, |w| w.visit_expr(&s.expr));
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.with_function(None, |w| w.visit_expr(&c.expr));
    }

    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        self.lint_decl(rules::DeclKind::Alias, &t.ty);
        self.declare_lock_alias(t);
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        self.record_macro_names(&m.mac);
        // `macro_rules!` definitions and bodies that did not parse as items are not code we
        // can read.
    }

    fn visit_stmt_macro(&mut self, m: &'ast syn::StmtMacro) {
        self.record_macro_names(&m.mac);
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        // A block that leaves the loop (`return`, `break`) runs once per entry into the loop.
        let exits = block
            .stmts
            .iter()
            .any(|s| matches!(s, syn::Stmt::Expr(Expr::Return(_) | Expr::Break(_), _)));
        let region = if exits {
            self.region.take()
        } else {
            self.region
        };
        self.with_scope(|w| w.visit_stmts(&block.stmts));
        self.region = region;
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        // Items nested in a function body are functions of their own.
        match item {
            syn::Item::Fn(_)
            | syn::Item::Impl(_)
            | syn::Item::Struct(_)
            | syn::Item::Static(_)
            | syn::Item::Const(_)
            | syn::Item::Type(_)
            | syn::Item::Mod(_)
            | syn::Item::Trait(_) => {
                self.with_function(None, |w| visit::visit_item(w, item));
            }
            // A `macro_rules!` definition, or a body that did not parse as items.
            syn::Item::Macro(m) => self.visit_item_macro(m),
            _ => {}
        }
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        // An update whose result is read (`fetch_sub(1, ..) == 1`) makes its atomic a state
        // word, not a counter.
        if let Expr::MethodCall(m) = expr {
            if !self.discarding
                && matches!(m.method.to_string().as_str(), "fetch_add" | "fetch_sub")
            {
                if let Some(name) = atomic_name(&m.receiver) {
                    self.out.state_words.push(name);
                }
            }
        }
        self.note_field_derefs(expr);
        if let Expr::Field(f) = expr {
            self.record_field_use(f);
        }
        let stored = std::mem::take(&mut self.storing);
        let discarded = std::mem::take(&mut self.discarding);
        let handed = self.handed.take();
        self.visit_expr_inner(expr, stored, handed.as_ref());
        // After the operands, as they are evaluated: a temporary guard taken in a receiver
        // chain is live when the outer call runs.
        self.storing = stored;
        self.discarding = discarded;
        self.handed = handed;
        self.lint_expr(expr);
        self.storing = false;
        self.discarding = false;
        self.handed = None;
    }
}

impl<'ast> Walker<'_> {
    /// Walks `expr`'s operands; `stored` says whether `expr`'s value is stored (see
    /// [`Cx::is_stored`]).
    fn visit_expr_inner(&mut self, expr: &'ast Expr, stored: bool, handed: Option<&Handed>) {
        match expr {
            Expr::ForLoop(f) => {
                if let Expr::MethodCall(m) = strip_parens(&f.expr) {
                    self.consumed.insert(std::ptr::from_ref(m), false);
                }
                // The iterator expression runs once; its temporaries live for the whole loop.
                self.visit_expr(&f.expr);
                let iter_ty = self.type_of(&f.expr);
                let item = match iter_ty.peel_refs() {
                    Ty::Named(n, args) if n == "Iter" || n == "Range" => {
                        args.first().cloned().unwrap_or(Ty::IntLiteral)
                    }
                    t if matches!(iter_ty, Ty::Ref(_)) => Ty::Ref(Box::new(t.element())),
                    t => t.element(),
                };
                let borrows = self.borrowed_guard(&f.expr);
                let count = self.loop_count(&f.expr);
                self.loop_guard = borrows;
                self.with_region(count, |w| {
                    w.with_scope(|w| {
                        w.bind_pat(&f.pat, item, None, borrows);
                        w.visit_block(&f.body);
                    })
                });
            }
            Expr::While(wh) => {
                self.note_deciding_loads(&wh.cond);
                // `while !node.signaled.load(..) { park() }` after publishing `&node`: the
                // frame waits until another thread is done with the node.
                self.out
                    .until_overwritten
                    .retain(|(_, target, _)| !mentions(&wh.cond, target));
                self.with_region(LoopCount::Many, |w| {
                    w.with_scope(|w| {
                        if matches!(&*wh.cond, Expr::Let(_)) {
                            w.visit_expr(&wh.cond);
                            w.visit_block(&wh.body);
                        } else {
                            w.with_statement_of(&wh.cond, |w| w.visit_expr(&wh.cond));
                            w.visit_block(&wh.body);
                        }
                    })
                });
            }
            Expr::Loop(l) => self.with_region(LoopCount::Many, |w| w.visit_block(&l.body)),
            Expr::Let(l) => {
                self.visit_expr(&l.expr);
                let ty = self.type_of(&l.expr);
                let borrows = self
                    .init_borrows(&l.expr)
                    .or_else(|| self.borrowed_guard(&l.expr));
                if let Some(call) = self.lock_call(&l.expr) {
                    let id = self
                        .guards
                        .iter()
                        .find(|g| g.lock_span == self.span(call.method.span()))
                        .map(|g| g.id);
                    self.bind_pat(&l.pat, unwrap_ty(&ty), None, id);
                } else {
                    self.bind_pat(&l.pat, ty, None, borrows);
                }
            }
            Expr::If(i) => self.with_scope(|w| {
                w.note_deciding_loads(&i.cond);
                let is_let = contains_let(&i.cond);
                let before = w.guards.len();
                if is_let {
                    w.visit_expr(&i.cond);
                } else {
                    w.with_statement_of(&i.cond, |w| w.visit_expr(&i.cond));
                }
                w.visit_block(&i.then_branch);
                if let Some((_, else_branch)) = &i.else_branch {
                    // A failed `try_lock` holds no guard in the `else`, in any edition.
                    let tried: Vec<usize> = w.guards[before.min(w.guards.len())..]
                        .iter()
                        .filter(|g| g.tried)
                        .map(|g| g.id)
                        .collect();
                    let held_tried: Vec<Guard> = w
                        .guards
                        .iter()
                        .filter(|g| is_let && tried.contains(&g.id))
                        .cloned()
                        .collect();
                    w.guards.retain(|g| !(is_let && tried.contains(&g.id)));
                    // Edition 2024 drops `if let` scrutinee temporaries before `else`.
                    if is_let && w.edition >= Edition::E2024 {
                        let held: Vec<Guard> =
                            w.guards.drain(before.min(w.guards.len())..).collect();
                        w.with_scope(|w| w.visit_expr(else_branch));
                        w.guards.extend(held);
                    } else {
                        w.with_scope(|w| w.visit_expr(else_branch));
                    }
                    w.guards.extend(held_tried);
                }
            }),
            Expr::Match(m) => {
                // Scrutinee temporaries live until the end of the `match`.
                self.visit_expr(&m.expr);
                let ty = self.type_of(&m.expr);
                let borrows = self.borrowed_guard(&m.expr);
                let lock = self.lock_call(&m.expr).map(|c| self.span(c.method.span()));
                let guard =
                    lock.and_then(|s| self.guards.iter().find(|g| g.lock_span == s).map(|g| g.id));
                for arm in &m.arms {
                    self.with_scope(|w| {
                        let arm_ty = if guard.is_some() {
                            unwrap_ty(&ty)
                        } else {
                            ty.clone()
                        };
                        w.bind_pat(&arm.pat, arm_ty, None, guard.or(borrows));
                        if let Some((_, g)) = &arm.guard {
                            w.visit_expr(g);
                        }
                        w.with_statement_of(&arm.body, |w| w.visit_expr(&arm.body));
                    });
                }
            }
            Expr::Closure(c) => self.visit_deferred(c),
            Expr::Await(a) => {
                let outer = self.awaited.replace(&*a.base);
                self.visit_expr(&a.base);
                self.awaited = outer;
            }
            Expr::Block(b) => self.visit_block(&b.block),
            Expr::Async(a) => self.visit_block(&a.block),
            Expr::Unsafe(u) => self.visit_block(&u.block),
            Expr::MethodCall(m) => {
                if let Some(call) = self.lock_call(expr) {
                    let span = self.span(call.method.span());
                    if asserts_try(m, call) {
                        self.asserted_lock = Some(span);
                    }
                    if std::ptr::eq(call, m) && self.binding_lock != Some(span) {
                        let awaited = self.awaited.is_some_and(|e| std::ptr::eq(e, expr));
                        self.new_guard(call, false, awaited);
                        let shape = match self.temp_shape {
                            Some(op) => UseShape::Simple(op),
                            None => UseShape::Complex,
                        };
                        self.record_lock_use(call, shape, GuardedOps::default());
                    }
                }
                self.record_call(expr);
                let method = m.method.to_string();
                self.note_consumed(m, &method);
                if ATOMIC_WRITES.contains(&method.as_str()) {
                    let at = self.span(m.method.span()).start;
                    self.out.atomic_writes.push((atomic_key(&m.receiver), at));
                }
                if STATE_WORD_UPDATES.contains(&method.as_str()) {
                    if let Some(name) = atomic_name(&m.receiver) {
                        self.out.state_words.push(name);
                    }
                }
                if method == "load" && m.args.first().is_some_and(is_seqcst) {
                    if let Some(name) = atomic_name(&m.receiver) {
                        let at = self.span(m.method.span()).start;
                        self.out.seqcst_loads.push((name, at));
                    }
                }
                // `x.clone().into_future()` stored: the method took the clone by value and what
                // it returns owns it.
                self.visit_stored(
                    &m.receiver,
                    stored
                        && is_clone_call(&m.receiver)
                        && (method.starts_with("into_") || method.ends_with("_owned")),
                );
                self.record_slot_write(m);
                // A method called on a temporary guard (not `unwrap`/`expect` of the lock
                // call itself): what the critical section does.
                if let (Some(lock), None) = (self.lock_call(&m.receiver), self.lock_call(expr)) {
                    self.note_guard_ops(lock, locks::method_ops(&method));
                }
                let spawn = spawn_of(expr);
                let future = spawned_future(spawn, &m.args);
                let store = keeps_arguments(expr);
                // A crate method's fate for what it is given is in its body.
                let callees = self.resolve_call(expr);
                let cold = usize::from(COLD_METHODS.contains(&method.as_str()));
                self.cold += cold;
                for (i, arg) in m.args.iter().enumerate() {
                    match arg {
                        _ if spawned_work(spawn, future, arg) => {
                            let kind = spawn.map_or(SpawnKind::Thread, |(k, _)| k);
                            self.visit_spawn(kind, self.span(m.method.span()), Some(arg));
                        }
                        Expr::Closure(c) => self.visit_method_closure(m, c),
                        other if !callees.is_empty() => self.visit_handed(
                            other,
                            Handed {
                                callees: callees.clone(),
                                arg: i,
                                path_call: false,
                                result_stored: stored,
                                result_handed: handed.cloned().map(Box::new),
                            },
                        ),
                        other => self.visit_stored(other, store),
                    }
                }
                self.cold -= cold;
                self.note_guard_argument(expr);
                if let (Some((kind, None)), None) = (spawn, future) {
                    self.visit_spawn(kind, self.span(m.method.span()), None);
                }
                // A variable a method may change is a new value from here on.
                if !READ_ONLY_METHODS.contains(&method.as_str()) {
                    self.touch(&m.receiver);
                }
            }
            Expr::Call(c) => {
                self.record_call(expr);
                if is_model_check(&c.func) {
                    for arg in &c.args {
                        if let Expr::Closure(closure) = arg {
                            self.model_checked.push(self.span(closure.body.span()));
                        }
                    }
                }
                if let Some(&site) = self.spawn_stack.last() {
                    if self.calls_callable(&c.func) {
                        self.out.spawns[site].runs_callback = true;
                    }
                }
                self.visit_expr(&c.func);
                let spawn = spawn_of(expr);
                let future = spawned_future(spawn, &c.args);
                let immediate = path_tail(&c.func)
                    .is_some_and(|(_, f)| IMMEDIATE_PATH_CALLS.contains(&f.as_str()));
                // A constructor's (or `vec!`'s) value is where its parts go; other calls keep
                // what they are given by value.
                let collects =
                    is_constructor(c) || expanded_macro_name(c).is_some_and(|m| m == "vec");
                let store = keeps_arguments(expr) || (stored && collects);
                // A crate function's fate for what it is given is in its body; a value built
                // from parts hands them on wherever it goes.
                let callees = self.resolve_call(expr);
                let cold = usize::from(
                    path_tail(&c.func).is_some_and(|(_, f)| f == "Err")
                        || expanded_macro_name(c)
                            .is_some_and(|m| COLD_MACROS.contains(&m.as_str())),
                );
                self.cold += cold;
                for (i, arg) in c.args.iter().enumerate() {
                    match arg {
                        _ if spawned_work(spawn, future, arg) => {
                            let kind = spawn.map_or(SpawnKind::Thread, |(k, _)| k);
                            self.visit_spawn(kind, self.span(c.func.span()), Some(arg));
                        }
                        Expr::Closure(cl) if immediate => {
                            // Both sides of `rayon::join` may run at once on the pool.
                            let joined = path_tail(&c.func).is_some_and(|(_, f)| f == "join")
                                && c.args.len() == 2;
                            let thread = if joined {
                                self.thread.replace(ThreadCx::Parallel)
                            } else {
                                self.thread
                            };
                            self.with_scope(|w| {
                                w.bind_closure_params(cl, Ty::Unknown, None);
                                w.with_statement(|w| w.visit_expr(&cl.body));
                            });
                            self.thread = thread;
                        }
                        Expr::Closure(cl) => self.visit_deferred_argument(cl),
                        other if !callees.is_empty() => self.visit_handed(
                            other,
                            Handed {
                                callees: callees.clone(),
                                arg: i,
                                path_call: true,
                                result_stored: stored,
                                result_handed: handed.cloned().map(Box::new),
                            },
                        ),
                        other if collects && handed.is_some() => {
                            self.handed = handed.cloned();
                            self.visit_stored(other, store)
                        }
                        other => self.visit_stored(other, store),
                    }
                }
                self.cold -= cold;
                self.note_guard_argument(expr);
                if let (Some((kind, None)), None) = (spawn, future) {
                    self.visit_spawn(kind, self.span(c.func.span()), None);
                }
            }
            Expr::Macro(m) => self.record_macro_names(&m.mac),
            // A value built from parts keeps its parts where it goes.
            Expr::Struct(st) => {
                self.record_arc_inits(st);
                for field in &st.fields {
                    self.visit_stored(&field.expr, stored);
                }
                if let Some(rest) = &st.rest {
                    self.visit_expr(rest);
                }
            }
            Expr::Tuple(t) => {
                for elem in &t.elems {
                    self.visit_stored(elem, stored);
                }
            }
            Expr::Array(a) => {
                for elem in &a.elems {
                    self.visit_stored(elem, stored);
                }
            }
            Expr::Paren(p) => self.visit_stored(&p.expr, stored),
            Expr::Group(g) => self.visit_stored(&g.expr, stored),
            // The right side is evaluated before the place it is assigned to: a lock taken on
            // the left (`*m.lock().unwrap() = f()`) is not held while `f` runs.
            Expr::Assign(a) => {
                let place = !self.is_region_local(&a.left);
                self.visit_stored(&a.right, place);
                self.visit_expr(&a.left);
                self.touch(&a.left);
                // `*m.write().unwrap() = new` replaces the guarded value whole.
                if let Expr::Unary(u) = strip_parens(&a.left) {
                    if let Some(lock) = self.lock_call(&u.expr) {
                        self.note_guard_ops(lock, GuardedOps::REPLACE);
                    }
                }
            }
            Expr::Binary(b) if is_compound_assignment(b.op) => {
                self.visit_expr(&b.left);
                self.visit_expr(&b.right);
                self.touch(&b.left);
                if let Expr::Unary(u) = strip_parens(&b.left) {
                    if let Some(lock) = self.lock_call(&u.expr) {
                        self.note_guard_ops(lock, GuardedOps::IN_PLACE);
                    }
                }
            }
            _ => visit::visit_expr(self, expr),
        }
    }
}

impl Walker<'_> {
    /// The parameter (index, `self` not counted) a value is reached from.
    fn param_root(&self, expr: &Expr) -> Option<usize> {
        let root = root_var(expr)?;
        match self.lookup(&root.to_string()) {
            Some(local) => local.param,
            None => (root == "self").then_some(SELF_PARAM),
        }
    }

    /// Where an argument's value comes from.
    fn arg_root(&self, expr: &Expr) -> ArgRoot {
        // `Arc::clone(x)` is the same `Arc` as `x`.
        let bare = strip_parens(expr);
        if let (Expr::Call(c), true) = (bare, is_clone_call(bare)) {
            return self.arg_root(&c.args[0]);
        }
        let Some(root) = root_var(expr) else {
            return ArgRoot::Other;
        };
        match self.lookup(&root.to_string()) {
            Some(l) if self.region.is_some() && l.region == self.region && l.made => ArgRoot::Made,
            Some(l) if self.region.is_some() && l.region == self.region => ArgRoot::Varies,
            Some(l) => l.param.map_or(ArgRoot::Other, ArgRoot::Param),
            None if root == "self" => ArgRoot::Param(SELF_PARAM),
            None => ArgRoot::Other,
        }
    }

    /// Reports the findings of a function that waited for a later write to their atomic and
    /// found none.
    fn settle_overwrites(&mut self) {
        let loads = std::mem::take(&mut self.out.seqcst_loads);
        for (atomic, pending) in std::mem::take(&mut self.out.counters) {
            let handshake = loads
                .iter()
                .any(|(name, at)| *name != atomic && *at > pending.diagnostic.span.end);
            if !handshake {
                self.out.pending.push(pending);
            }
        }
        let writes = std::mem::take(&mut self.out.atomic_writes);
        for (key, _, diagnostic) in std::mem::take(&mut self.out.until_overwritten) {
            let overwritten = writes
                .iter()
                .any(|(k, at)| *k == key && *at > diagnostic.span.end);
            if !overwritten {
                self.out.diagnostics.push(diagnostic);
            }
        }
    }

    /// The key of what a `let` declares: where its `let` is (not `local.span()`, which turns
    /// the whole statement back into tokens).
    fn local_key(&self, local: &syn::Local) -> DeclKey {
        DeclKey::Local(self.file, self.span(local.let_token.span).start)
    }

    /// See [`Cx::local_pointee`].
    fn local_pointee(&self, expr: &Expr, coerced: bool) -> Option<String> {
        // The place a reference is taken of: a variable of this frame, or a field of one.
        let frame_var = |place: &Expr| -> Option<String> {
            let mut place = place;
            let mut projected = false;
            loop {
                match place {
                    Expr::Field(f) => (place, projected) = (&f.base, true),
                    Expr::Index(i) => (place, projected) = (&i.expr, true),
                    Expr::Paren(p) => place = &p.expr,
                    Expr::Path(p) if p.path.segments.len() == 1 => {
                        let name = p.path.segments[0].ident.to_string();
                        let local = self.lookup(&name)?;
                        // A field or element reached through a reference, a box, an `Arc` or a
                        // `Vec` lives elsewhere; the variable itself is always in the frame.
                        let inline = local.ty.is_known()
                            && !matches!(local.ty, Ty::Ref(_) | Ty::Ptr(_))
                            && !local.ty.is_std_deep()
                            && !local.ty.is_refcounted();
                        return (!projected || inline).then_some(name);
                    }
                    _ => return None,
                }
            }
        };
        match expr {
            Expr::Cast(c) => match &*c.expr {
                Expr::Reference(r) => frame_var(&r.expr),
                inner => self.local_pointee(inner, true),
            },
            Expr::Reference(r) if coerced => frame_var(&r.expr),
            Expr::RawAddr(r) => frame_var(&r.expr),
            Expr::Paren(p) => self.local_pointee(&p.expr, coerced),
            Expr::Call(c)
                if expanded_macro_name(c).is_some_and(|m| m == "addr_of_mut" || m == "addr_of") =>
            {
                c.args.first().and_then(frame_var)
            }
            Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                self.lookup(&name).and_then(|l| l.points_to_local.clone())
            }
            _ => None,
        }
    }

    /// The guard whose data region `r`'s loop walks.
    fn out_regions_guard(&self, r: RegionId) -> Option<usize> {
        self.region_guards.get(r).copied().flatten()
    }

    /// Atomics a `let` shows to be more than counters: one loaded into a variable that later
    /// picks an element or decides a branch (`let gen = generation.load(..);` then
    /// `&slots[gen % 2]`), and one made by casting a raw pointer (`&*(page as *const
    /// AtomicUsize)`), which is memory the code pokes for its own reasons.
    fn note_state_word_binding(&mut self, local: &syn::Local, init: &Expr, later: Later<'_>) {
        let Some(name) = single_binding(&local.pat) else {
            return;
        };
        // `unsafe { &*(p as *const AtomicUsize) }`
        let init = match strip_parens(init) {
            Expr::Unsafe(u) => match u.block.stmts.as_slice() {
                [syn::Stmt::Expr(e, None)] => e,
                _ => init,
            },
            other => other,
        };
        match strip_parens(init) {
            Expr::MethodCall(m) if m.method == "load" => {
                if let Some(atomic) = atomic_name(&m.receiver) {
                    if decides_or_indexes(&name, later.naming(&name)) {
                        self.out.state_words.push(atomic);
                    }
                }
            }
            Expr::Reference(r) if casts_raw_pointer(&r.expr) => self.out.state_words.push(name),
            _ => {}
        }
    }

    /// A closure that answers a question about an atomic (`|s| s.entries.load(..) >= 3`,
    /// handed to a `wait_until`) decides what its caller does: the atomic is a state word.
    fn note_predicate_loads(&mut self, closure: &syn::ExprClosure) {
        self.note_predicate_body(&closure.body);
    }

    /// The same for an accessor that answers it (`fn has_work(&self) -> bool {
    /// self.queued.load(..) > 0 }`): whoever calls it decides by it.
    fn note_accessor_loads(&mut self, sig: &syn::Signature, block: &syn::Block) {
        let syn::ReturnType::Type(_, ty) = &sig.output else {
            return;
        };
        let returns_bool = matches!(&**ty, syn::Type::Path(p) if p.path.is_ident("bool"));
        if let (true, [syn::Stmt::Expr(tail, None)]) = (returns_bool, block.stmts.as_slice()) {
            self.note_predicate_body(tail);
        }
    }

    fn note_predicate_body(&mut self, body: &Expr) {
        let body = match strip_parens(body) {
            Expr::Block(b) => match b.block.stmts.as_slice() {
                [syn::Stmt::Expr(e, None)] => strip_parens(e),
                _ => return,
            },
            other => other,
        };
        let predicate = match body {
            Expr::Binary(b) => matches!(
                b.op,
                syn::BinOp::Eq(_)
                    | syn::BinOp::Ne(_)
                    | syn::BinOp::Lt(_)
                    | syn::BinOp::Le(_)
                    | syn::BinOp::Gt(_)
                    | syn::BinOp::Ge(_)
                    | syn::BinOp::And(_)
                    | syn::BinOp::Or(_)
            ),
            Expr::Unary(u) => matches!(u.op, syn::UnOp::Not(_)),
            _ => false,
        };
        if predicate {
            self.note_deciding_loads(body);
        }
    }

    /// An atomic loaded to decide a branch or a loop (`if pending.load(..) == 0`) is a state
    /// word, whose orderings are part of a protocol, not a counter.
    fn note_deciding_loads(&mut self, condition: &Expr) {
        struct Loads(Vec<String>);
        impl<'ast> Visit<'ast> for Loads {
            fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
                if m.method == "load" {
                    self.0.extend(atomic_name(&m.receiver));
                }
                visit::visit_expr_method_call(self, m);
            }
            fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        }
        let mut loads = Loads(Vec::new());
        loads.visit_expr(condition);
        self.out.state_words.extend(loads.0);
    }

    /// Marks the variable `place` starts from as changed now.
    fn touch(&mut self, place: &Expr) {
        let Some(root) = root_var(place) else {
            return;
        };
        let name = root.to_string();
        self.clock += 1;
        let now = self.clock;
        if let Some(local) = self.scopes.iter_mut().rev().find_map(|s| s.get_mut(&name)) {
            local.bound_at = now;
        }
    }

    /// Records the span of an item, field or statement that a `contention:allow` comment above
    /// it would cover: only in a file that has such comments, since a span of a whole node
    /// costs a walk over its tokens.
    fn cover(&mut self, node: &impl Spanned) {
        if self.allow_comments {
            let span = self.span(node.span());
            self.out.items.push(span);
        }
    }

    /// The crate functions a later statement's call may resolve to, worked out without
    /// remembering the types met on the way: the variables bound in between are not in scope
    /// yet, so those types may be wrong where the call really is.
    fn resolve_ahead(&self, call: &Expr) -> Vec<FnId> {
        self.looking_ahead.set(true);
        let callees = self.resolve_call(call);
        self.looking_ahead.set(false);
        callees
    }

    /// Whether a callee is a closure or function value (`f(..)`, `(self.cb)(..)`) rather than a
    /// named function.
    fn calls_callable(&self, callee: &Expr) -> bool {
        let callee = strip_parens(callee);
        let named_fn = matches!(callee, Expr::Path(p) if p.path.segments.len() > 1
            || p.path.get_ident().is_some_and(|i| self.lookup(&i.to_string()).is_none()));
        !named_fn && matches!(self.type_of(callee).auto_deref(), Ty::Callable)
    }

    /// Walks `expr` as a value handed by value to a crate function.
    fn visit_handed(&mut self, expr: &Expr, handed: Handed) {
        self.handed = Some(handed);
        self.visit_expr(expr);
    }

    /// Walks `expr` as an operand whose value is stored (or not).
    fn visit_stored(&mut self, expr: &Expr, stored: bool) {
        self.storing = stored;
        self.visit_expr(expr);
    }

    /// Whether `expr` names a local variable bound in the current hot region (a new one each
    /// iteration), so assigning to it keeps nothing beyond the iteration.
    fn is_region_local(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Path(p) if p.path.segments.len() == 1 => self
                .lookup(&p.path.segments[0].ident.to_string())
                .is_some_and(|l| l.region == self.region),
            _ => false,
        }
    }

    /// Whether `expr` is `*<lock chain>`: a temporary guard dereferenced.
    fn is_lock_deref(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.lock_call(&u.expr).is_some()
            }
            Expr::Paren(p) => self.is_lock_deref(&p.expr),
            _ => false,
        }
    }

    /// Runs `f` as the statement `expr`: temporary guards created in it are simple uses when
    /// the statement only reads or updates the guarded value.
    fn with_statement_of<R>(&mut self, expr: &Expr, f: impl FnOnce(&mut Self) -> R) -> R {
        let shape = simple_op(expr, &|e| self.is_lock_deref(e));
        let outer = std::mem::replace(&mut self.temp_shape, shape);
        let result = self.with_statement(f);
        self.temp_shape = outer;
        result
    }
}

/// Methods that run on error and diagnostic paths: their arguments are built when something
/// already went wrong.
const COLD_METHODS: &[&str] = &[
    "expect",
    "expect_err",
    "map_err",
    "ok_or",
    "ok_or_else",
    "unwrap_or_else",
    "or_else",
    "context",
    "with_context",
];

/// Macros that report, fail or log.
const COLD_MACROS: &[&str] = &[
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "error",
    "warn",
    "info",
    "debug",
    "trace",
    "log",
    "event",
    "eprintln",
    "eprint",
    "bail",
    "anyhow",
    "ensure",
];

/// Methods that only read their receiver.
const READ_ONLY_METHODS: &[&str] = &[
    "len",
    "is_empty",
    "clone",
    "to_string",
    "to_owned",
    "to_vec",
    "as_str",
    "as_ref",
    "as_slice",
    "as_bytes",
    "iter",
    "get",
    "contains",
    "contains_key",
    "starts_with",
    "ends_with",
    "first",
    "last",
    "chars",
    "bytes",
    "lines",
    "split",
    "trim",
    "parse",
    "eq",
    "cmp",
    "fmt",
    "hash",
    "display",
    "keys",
    "values",
    "lock",
    "read",
    "write",
    "load",
    "unwrap",
    "expect",
];

/// `+=`, `-=`, `|=` and the like.
fn is_compound_assignment(op: syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// Whether a function sets a value up rather than uses a shared one: it takes `&mut self`
/// (exclusive access), returns `Self` (a constructor or builder step), or is named like one.
fn sets_up(sig: &syn::Signature, self_ty: Option<&str>) -> bool {
    let mut_self = sig.inputs.first().is_some_and(
        |i| matches!(i, syn::FnArg::Receiver(r) if r.reference.is_some() && r.mutability.is_some()),
    );
    let returns_self = match &sig.output {
        syn::ReturnType::Type(_, ty) => {
            let text = quote::ToTokens::to_token_stream(ty).to_string();
            text.split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| word == "Self" || self_ty.is_some_and(|t| word == t))
        }
        syn::ReturnType::Default => false,
    };
    let name = sig.ident.to_string();
    let named = [
        "new", "with_", "from", "default", "build", "init", "create", "setup", "load",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix));
    mut_self || returns_self || named
}

/// The type parameters of `generics` bounded by `Fn`, `FnMut` or `FnOnce`, inline or in the
/// `where` clause.
fn callable_generics(generics: &syn::Generics) -> Vec<String> {
    let fn_bound =
        |bounds: &Punctuated<syn::TypeParamBound, Token![+]>| {
            bounds.iter().any(|b| match b {
                syn::TypeParamBound::Trait(t) => t.path.segments.last().is_some_and(|s| {
                    matches!(s.ident.to_string().as_str(), "Fn" | "FnMut" | "FnOnce")
                }),
                _ => false,
            })
        };
    let mut names: Vec<String> = generics
        .type_params()
        .filter(|p| fn_bound(&p.bounds))
        .map(|p| p.ident.to_string())
        .collect();
    for predicate in generics.where_clause.iter().flat_map(|w| &w.predicates) {
        if let syn::WherePredicate::Type(t) = predicate {
            if let syn::Type::Path(p) = &t.bounded_ty {
                if let (Some(ident), true) = (p.path.get_ident(), fn_bound(&t.bounds)) {
                    names.push(ident.to_string());
                }
            }
        }
    }
    names
}

/// Whether a lock chain goes through `.await` (`m.lock().await`, `m.write().await?`): an async
/// lock.
fn awaits_lock(expr: &Expr) -> bool {
    match expr {
        Expr::Await(_) => true,
        Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "unwrap" | "expect") => {
            awaits_lock(&m.receiver)
        }
        Expr::Try(t) => awaits_lock(&t.expr),
        Expr::Paren(p) => awaits_lock(&p.expr),
        _ => false,
    }
}

/// A call resolved by name alone is a guess among many same-named functions: keep it only when
/// it names one or two.
fn few(ids: Vec<FnId>) -> Vec<FnId> {
    if ids.len() <= 2 { ids } else { Vec::new() }
}

/// Whether `pat` binds `name`.
fn binds(pat: &Pat, name: &syn::Ident) -> bool {
    struct Find<'n> {
        name: &'n syn::Ident,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_pat_ident(&mut self, i: &'ast syn::PatIdent) {
            self.found |= i.ident == *self.name;
            visit::visit_pat_ident(self, i);
        }
        fn visit_expr(&mut self, _: &'ast Expr) {}
    }
    let mut find = Find { name, found: false };
    find.visit_pat(pat);
    find.found
}

/// The variable a `let` pattern binds when it binds just one (`x`, `mut x`, `x: T`).
fn single_binding(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(i) if i.subpat.is_none() => Some(i.ident.to_string()),
        Pat::Type(t) => single_binding(&t.pat),
        _ => None,
    }
}

/// The variable a value is reached from: `x`, `&x`, `x.field`, `*x`, `x.method()`, `x[i]`.
pub(crate) fn root_var(expr: &Expr) -> Option<&syn::Ident> {
    match expr {
        Expr::Path(p) if p.path.segments.len() == 1 => Some(&p.path.segments[0].ident),
        Expr::Field(f) => root_var(&f.base),
        Expr::MethodCall(m) => root_var(&m.receiver),
        Expr::Reference(r) => root_var(&r.expr),
        Expr::Unary(u) => root_var(&u.expr),
        Expr::Paren(p) => root_var(&p.expr),
        Expr::Index(i) => root_var(&i.expr),
        _ => None,
    }
}

/// Strips parentheses.
pub(crate) fn strip_parens(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => strip_parens(&p.expr),
        other => other,
    }
}

/// Strips `&` and `&mut`.
fn strip_ref(expr: &Expr) -> &Expr {
    match expr {
        Expr::Reference(r) => strip_ref(&r.expr),
        Expr::Paren(p) => strip_ref(&p.expr),
        other => other,
    }
}

/// `Option<T>` / `Result<T, _>` / a guard -> `T` (guards unwrap to themselves).
fn unwrap_ty(ty: &Ty) -> Ty {
    match ty {
        Ty::Named(n, args) if n == "Option" || n == "Result" || n == "LockResult" => {
            args.first().cloned().unwrap_or_default()
        }
        Ty::Named(n, _) if n.ends_with("Guard") => ty.clone(),
        _ => Ty::Unknown,
    }
}

fn is_std_stream(expr: &Expr) -> bool {
    match expr {
        Expr::Call(c) => path_tail(&c.func)
            .is_some_and(|(_, f)| matches!(f.as_str(), "stdout" | "stderr" | "stdin")),
        Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
            let n = s.ident.to_string();
            n.contains("stdout") || n.contains("stderr") || n.contains("stdin")
        }),
        _ => false,
    }
}

fn contains_let(expr: &Expr) -> bool {
    match expr {
        Expr::Let(_) => true,
        Expr::Binary(b) => contains_let(&b.left) || contains_let(&b.right),
        Expr::Paren(p) => contains_let(&p.expr),
        _ => false,
    }
}

/// `drop(x)` / `std::mem::drop(x)`: the dropped name.
fn drop_target(expr: &Expr) -> Option<String> {
    let Expr::Call(c) = expr else { return None };
    let (_, func) = path_tail(&c.func)?;
    if func != "drop" || c.args.len() != 1 {
        return None;
    }
    match &c.args[0] {
        Expr::Path(p) if p.path.segments.len() == 1 => Some(p.path.segments[0].ident.to_string()),
        _ => None,
    }
}

fn is_drop_of(stmt: &syn::Stmt, name: &str) -> bool {
    matches!(stmt, syn::Stmt::Expr(e, _) if drop_target(e).as_deref() == Some(name))
}

fn is_name(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident(name))
}

/// `*g` (or `g` used as a value through auto-deref in arithmetic).
pub(super) fn is_deref_of(expr: &Expr, name: &str) -> bool {
    match expr {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => is_name(&u.expr, name),
        Expr::Paren(p) => is_deref_of(&p.expr, name),
        _ => false,
    }
}

/// Whether a statement hands guard `name` to a `Condvar` wait.
fn passes_to_condvar(expr: &Expr, name: &str) -> bool {
    struct Find<'n>(&'n str, bool);
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            if passes_guard_to_condvar(m)
                && m.args
                    .first()
                    .is_some_and(|a| is_name(strip_ref(a), self.0))
            {
                self.1 = true;
            }
            visit::visit_expr_method_call(self, m);
        }
    }
    let mut find = Find(name, false);
    find.visit_expr(expr);
    find.1
}

fn passes_guard_to_condvar(m: &syn::ExprMethodCall) -> bool {
    matches!(
        m.method.to_string().as_str(),
        "wait" | "wait_while" | "wait_timeout" | "wait_timeout_while" | "wait_for" | "wait_until"
    ) && !m.args.is_empty()
}

/// Whether `func` is a model checker's entry point, `loom::model` (or `loom::model::model`),
/// which runs its closure once per interleaving of simulated threads.
fn is_model_check(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    let segments = &p.path.segments;
    segments.len() >= 2
        && segments[0].ident == "loom"
        && segments.last().is_some_and(|s| s.ident == "model")
}

/// Whether `m` is `call.unwrap()` or `call.expect(..)` with `call` a `try_lock`, `try_read` or
/// `try_write`: a lock the code asserts is free.
fn asserts_try(m: &syn::ExprMethodCall, call: &syn::ExprMethodCall) -> bool {
    matches!(m.method.to_string().as_str(), "unwrap" | "expect")
        && call.method.to_string().starts_with("try_")
        && matches!(strip_parens(&m.receiver), Expr::MethodCall(inner) if std::ptr::eq(inner, call))
}

/// If `expr` only reads or updates the guarded scalar (`*g += 1`, `*g = x`, `*g`), with no
/// calls besides pure arithmetic, the operation.
pub(crate) fn simple_op(expr: &Expr, is_guard: &dyn Fn(&Expr) -> bool) -> Option<ScalarOp> {
    fn call_free(expr: &Expr, is_guard: &dyn Fn(&Expr) -> bool) -> (bool, bool) {
        struct Calls<'g> {
            calls: bool,
            guard: bool,
            is_guard: &'g dyn Fn(&Expr) -> bool,
        }
        impl<'ast> Visit<'ast> for Calls<'_> {
            fn visit_expr(&mut self, e: &'ast Expr) {
                if (self.is_guard)(e) {
                    self.guard = true;
                } else {
                    visit::visit_expr(self, e);
                }
            }
            fn visit_expr_call(&mut self, _: &'ast syn::ExprCall) {
                self.calls = true;
            }
            fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
                if !PURE_SCALAR_METHODS.contains(&m.method.to_string().as_str()) {
                    self.calls = true;
                }
                visit::visit_expr_method_call(self, m);
            }
            fn visit_expr_macro(&mut self, _: &'ast syn::ExprMacro) {
                self.calls = true;
            }
            fn visit_expr_await(&mut self, _: &'ast syn::ExprAwait) {
                self.calls = true;
            }
            fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
                self.calls = true;
            }
            fn visit_block(&mut self, _: &'ast syn::Block) {
                self.calls = true;
            }
        }
        let mut calls = Calls {
            calls: false,
            guard: false,
            is_guard,
        };
        calls.visit_expr(expr);
        (!calls.calls, calls.guard)
    }
    let free = |e: &Expr| call_free(e, is_guard).0;
    match expr {
        Expr::Assign(a) if is_guard(&a.left) && free(&a.right) => Some(ScalarOp::Store),
        Expr::Binary(b) if is_guard(&b.left) && free(&b.right) => match b.op {
            syn::BinOp::AddAssign(_) => Some(ScalarOp::Add),
            syn::BinOp::SubAssign(_) => Some(ScalarOp::Sub),
            syn::BinOp::BitOrAssign(_)
            | syn::BinOp::BitAndAssign(_)
            | syn::BinOp::BitXorAssign(_) => Some(ScalarOp::Other),
            _ => call_free(expr, is_guard).0.then_some(ScalarOp::Load),
        },
        Expr::Return(r) => r.expr.as_deref().and_then(|e| simple_op(e, is_guard)),
        e => match call_free(e, is_guard) {
            (true, true) => Some(ScalarOp::Load),
            _ => None,
        },
    }
}

/// Whether the body only slices parameter `name` or takes its length (and uses it at least
/// once to slice), never using it whole.
fn only_sliced(name: &str, block: &syn::Block) -> bool {
    struct Uses<'n> {
        name: &'n str,
        sliced: usize,
        other: usize,
    }
    impl<'ast> Visit<'ast> for Uses<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::Index(i)
                    if is_name(&i.expr, self.name)
                        && crate::rules::over_copy::is_partial_range(&i.index) =>
                {
                    self.sliced += 1;
                    self.visit_expr(&i.index);
                }
                Expr::MethodCall(m)
                    if is_name(&m.receiver, self.name)
                        && matches!(
                            m.method.to_string().as_str(),
                            "len"
                                | "is_empty"
                                | "get"
                                | "first"
                                | "last"
                                | "starts_with"
                                | "ends_with"
                        ) =>
                {
                    if m.method == "get" {
                        self.sliced += 1;
                    }
                    for arg in &m.args {
                        self.visit_expr(arg);
                    }
                }
                Expr::Path(p) if p.path.is_ident(self.name) => self.other += 1,
                _ => visit::visit_expr(self, expr),
            }
        }
        fn visit_local(&mut self, local: &'ast syn::Local) {
            // A shadowing `let` makes later uses another variable: give up.
            if let Pat::Ident(i) = &local.pat {
                if i.ident == self.name {
                    self.other += 1;
                }
            }
            visit::visit_local(self, local);
        }
    }
    let mut uses = Uses {
        name,
        sliced: 0,
        other: 0,
    };
    uses.visit_block(block);
    uses.sliced > 0 && uses.other == 0
}

/// Whether a method-call chain holds one of rayon's parallel iterators.
fn chain_is_parallel(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            name.starts_with("par_") || name == "into_par_iter" || chain_is_parallel(&m.receiver)
        }
        Expr::Paren(p) => chain_is_parallel(&p.expr),
        _ => false,
    }
}

/// Whether a method-call chain visibly holds an iterator (`v.iter().map(..)`, `(0..n).map(..)`).
fn chain_has_iterator(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => {
            ITERATOR_SOURCES.contains(&m.method.to_string().as_str())
                || chain_has_iterator(&m.receiver)
        }
        Expr::Range(_) => true,
        Expr::Paren(p) => chain_has_iterator(&p.expr),
        _ => false,
    }
}

/// `x.clone()` or `Arc::clone(&x)`.
fn is_clone_call(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => m.method == "clone" && m.args.is_empty(),
        Expr::Call(c) => c.args.len() == 1 && path_tail(&c.func).is_some_and(|(_, f)| f == "clone"),
        _ => false,
    }
}

/// Whether `closure`, an argument of `call`, runs at a time the source does not show: neither an
/// iterator adapter's or combinator's closure (run during the call) nor a spawned thread's.
fn runs_later(call: &Expr, closure: &syn::ExprClosure) -> bool {
    if spawned(spawn_of(call), closure) {
        return false;
    }
    match call {
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            let name = name.as_str();
            !(ITERATOR_ONLY_ADAPTERS.contains(&name)
                || ELEMENT_CLOSURES.contains(&name)
                || SHARED_ADAPTERS.contains(&name)
                || IMMEDIATE_METHODS.contains(&name))
        }
        Expr::Call(c) => {
            !path_tail(&c.func).is_some_and(|(_, f)| IMMEDIATE_PATH_CALLS.contains(&f.as_str()))
        }
        _ => true,
    }
}

/// The `async` block a task spawn without a closure hands over (`tokio::spawn(async move {..})`).
fn spawned_future<'e>(
    spawn: Option<(SpawnKind, Option<&syn::ExprClosure>)>,
    args: &'e Punctuated<Expr, Token![,]>,
) -> Option<&'e Expr> {
    match spawn {
        Some((_, None)) => args.iter().find(|a| matches!(a, Expr::Async(_))),
        _ => None,
    }
}

/// Whether `arg` is the work a spawn hands over: its closure, or its `async` block.
fn spawned_work(
    spawn: Option<(SpawnKind, Option<&syn::ExprClosure>)>,
    future: Option<&Expr>,
    arg: &Expr,
) -> bool {
    match arg {
        Expr::Closure(c) => spawned(spawn, c),
        _ => future.is_some_and(|f| std::ptr::eq(f, arg)),
    }
}

/// Whether the closure `c` is the one `spawn` hands over.
fn spawned(spawn: Option<(SpawnKind, Option<&syn::ExprClosure>)>, c: &syn::ExprClosure) -> bool {
    spawn.is_some_and(|(_, closure)| closure.is_some_and(|s| std::ptr::eq(s, c)))
}

/// The largest constant loop count that is still "a few times" (one iteration per thread at
/// most) rather than work that runs many times.
const MAX_FEW: u128 = 64;

/// Whether an expression names a count of threads or cores (`num_threads`, `workers`,
/// `available_parallelism()`, `num_cpus::get()`).
fn names_thread_count(expr: &Expr) -> bool {
    struct Names(bool);
    impl Names {
        fn check(&mut self, ident: &syn::Ident) {
            let name = ident.to_string().to_ascii_lowercase();
            if name.split('_').any(|word| {
                matches!(
                    word,
                    "thread"
                        | "threads"
                        | "worker"
                        | "workers"
                        | "cpu"
                        | "cpus"
                        | "core"
                        | "cores"
                        | "parallelism"
                        | "concurrency"
                )
            }) {
                self.0 = true;
            }
        }
    }
    impl<'ast> Visit<'ast> for Names {
        fn visit_ident(&mut self, ident: &'ast syn::Ident) {
            self.check(ident);
        }
    }
    let mut names = Names(false);
    names.visit_expr(expr);
    names.0
}

/// Whether an index names a thread or worker: `worker`, `thread_id`, `tid`, `cpu`,
/// `rayon::current_thread_index()`.
fn names_thread_index(index: &Expr) -> bool {
    let per_thread = |name: &str| {
        let name = name.to_ascii_lowercase();
        name == "tid"
            || name.split('_').any(|word| {
                matches!(
                    word,
                    "thread" | "worker" | "cpu" | "core" | "tid" | "wid" | "me"
                )
            })
    };
    match index {
        Expr::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|i| per_thread(&i.to_string())),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(i) => per_thread(&i.to_string()),
            syn::Member::Unnamed(_) => false,
        },
        Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "unwrap" | "expect") => {
            names_thread_index(&m.receiver)
        }
        Expr::Call(c) => path_tail(&c.func).is_some_and(|(_, f)| f == "current_thread_index"),
        Expr::Paren(p) => names_thread_index(&p.expr),
        Expr::Cast(c) => names_thread_index(&c.expr),
        _ => false,
    }
}

/// Whether a call builds a value from its arguments: a tuple struct or enum variant
/// (`Some(x)`, `Data(x)`), or `Type::new(x)` / `Type::from(x)`.
fn is_constructor(call: &syn::ExprCall) -> bool {
    let Some((owner, f)) = path_tail(&call.func) else {
        return false;
    };
    let capitalised = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
    capitalised(&f)
        || (matches!(f.as_str(), "new" | "from") && owner.as_deref().is_some_and(capitalised))
}

/// Whether the value of `expr` is, or holds, the variable `name`: `name`, `Some(name)`,
/// `Worker { ctx: name }`, `(name, 1)`, or a closure that captures it.
fn holds(expr: &Expr, name: &str) -> bool {
    holds_moved(expr, name) || matches!(expr, Expr::Closure(c) if mentions(&c.body, name))
}

/// Whether `expr` moves the variable `name` into its value: `name`, `Some(name)`,
/// `Worker { ctx: name }`, `(name, 1)` (not a closure capture).
fn holds_moved(expr: &Expr, name: &str) -> bool {
    match expr {
        Expr::Path(p) => p.path.is_ident(name),
        Expr::Struct(s) => s.fields.iter().any(|f| holds_moved(&f.expr, name)),
        Expr::Tuple(t) => t.elems.iter().any(|e| holds_moved(e, name)),
        Expr::Array(a) => a.elems.iter().any(|e| holds_moved(e, name)),
        Expr::Paren(p) => holds_moved(&p.expr, name),
        Expr::Group(g) => holds_moved(&g.expr, name),
        Expr::Call(c) => is_constructor(c) && c.args.iter().any(|a| holds_moved(a, name)),
        _ => false,
    }
}

/// Whether a call keeps what it is given by value: a method (other than `drop`), or a function
/// that is not a constructor (`Some(..)`, `Type::new(..)`, whose value is where it goes) nor a
/// formatting or assertion macro, which only reads its arguments.
fn keeps_arguments(call: &Expr) -> bool {
    match call {
        Expr::MethodCall(m) => m.method != "drop",
        Expr::Call(c) => match expanded_macro_name(c) {
            Some(_) => false,
            None => !is_constructor(c) && path_tail(&c.func).is_none_or(|(_, f)| f != "drop"),
        },
        _ => false,
    }
}

/// How many times `name` occurs as a path in `stmts` (nested items aside).
fn mention_count<'s>(name: &str, stmts: impl IntoIterator<Item = &'s syn::Stmt>) -> usize {
    struct Count<'n>(&'n str, usize);
    impl<'ast> Visit<'ast> for Count<'_> {
        fn visit_path(&mut self, p: &'ast syn::Path) {
            if p.is_ident(self.0) {
                self.1 += 1;
            }
            visit::visit_path(self, p);
        }
        fn visit_field_value(&mut self, f: &'ast syn::FieldValue) {
            // `S { name }` names it once, though syn holds it as `name: name`.
            if f.colon_token.is_none() {
                if let syn::Member::Named(m) = &f.member {
                    if m == self.0 {
                        self.1 += 1;
                        return;
                    }
                }
            }
            visit::visit_field_value(self, f);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut count = Count(name, 0);
    for stmt in stmts {
        count.visit_stmt(stmt);
    }
    count.1
}

/// The statements of a long block that name each variable, as a path of one name or a binding
/// (which is how every search of the statements after a `let` sees a variable): the searches
/// then visit only those, not every later statement, which made a generated function of
/// 20,000 statements take minutes.
struct NamedIn(HashMap<String, Vec<usize>>);

impl NamedIn {
    /// Blocks longer than this are indexed; a shorter one is searched whole.
    const MIN_STATEMENTS: usize = 16;

    fn index(stmts: &[syn::Stmt]) -> NamedIn {
        struct Names<'m> {
            at: usize,
            names: &'m mut HashMap<String, Vec<usize>>,
        }
        impl Names<'_> {
            fn note(&mut self, ident: &syn::Ident) {
                let at = self.names.entry(ident.to_string()).or_default();
                if at.last() != Some(&self.at) {
                    at.push(self.at);
                }
            }
        }
        impl<'ast> Visit<'ast> for Names<'_> {
            fn visit_path(&mut self, p: &'ast syn::Path) {
                if let Some(ident) = p.get_ident() {
                    self.note(ident);
                }
                visit::visit_path(self, p);
            }
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.note(&p.ident);
                visit::visit_pat_ident(self, p);
            }
        }
        let mut names = HashMap::default();
        for (at, stmt) in stmts.iter().enumerate() {
            Names {
                at,
                names: &mut names,
            }
            .visit_stmt(stmt);
        }
        NamedIn(names)
    }
}

/// The statements after a `let`, in its block.
#[derive(Clone, Copy)]
pub(crate) struct Later<'s> {
    stmts: &'s [syn::Stmt],
    /// The `let`'s place in `stmts`.
    at: usize,
    names: Option<&'s NamedIn>,
}

impl<'s> Later<'s> {
    /// All the statements after the `let`.
    pub(crate) fn all(self) -> &'s [syn::Stmt] {
        &self.stmts[self.at + 1..]
    }

    /// The later statements that may name the variable `name`, as a path or a binding, in
    /// order; the others cannot change what a search for the variable finds. All of them in
    /// a short block.
    pub(crate) fn naming(self, name: &str) -> impl Iterator<Item = &'s syn::Stmt> + 's {
        let after = self.at + 1;
        let (indexed, whole): (&[usize], &[syn::Stmt]) = match self.names {
            Some(names) => {
                let at = names.0.get(name).map_or(&[][..], Vec::as_slice);
                (&at[at.partition_point(|&i| i < after)..], &[])
            }
            None => (&[], &self.stmts[after..]),
        };
        let stmts = self.stmts;
        indexed.iter().map(move |&i| &stmts[i]).chain(whole)
    }
}

/// The first thing a later statement does with a variable that moves it.
enum Move<'e> {
    /// Stored, captured by a closure that runs later or on a spawned thread, or given by value
    /// to a call we cannot see into.
    Kept,
    /// Given by value as argument `usize` of this call, whose callee may be the crate's.
    Handed(&'e Expr, usize),
}

/// Where the variable `name` goes in `stmts` (see [`Move`]); `None` when nothing moves it.
fn first_move<'e>(name: &str, stmts: impl IntoIterator<Item = &'e syn::Stmt>) -> Option<Move<'e>> {
    struct Find<'n, 'e> {
        name: &'n str,
        found: Option<Move<'e>>,
    }
    impl<'e> Visit<'e> for Find<'_, 'e> {
        fn visit_expr(&mut self, expr: &'e Expr) {
            if self.found.is_some() {
                return;
            }
            let args = match expr {
                Expr::MethodCall(m) => Some(&m.args),
                Expr::Call(c) => Some(&c.args),
                _ => None,
            };
            if let Some(args) = args {
                if captured(expr, args, self.name) {
                    self.found = Some(Move::Kept);
                    return;
                }
                if keeps_arguments(expr) {
                    if let Some(i) = args.iter().position(|a| holds_moved(a, self.name)) {
                        // Wrapped in a constructor first, it is kept by what it is wrapped in.
                        let direct =
                            matches!(&args[i], Expr::Path(p) if p.path.is_ident(self.name));
                        self.found = Some(if direct {
                            Move::Handed(expr, i)
                        } else {
                            Move::Kept
                        });
                        return;
                    }
                }
            }
            if let Expr::Assign(a) = expr {
                if holds(&a.right, self.name) {
                    self.found = Some(Move::Kept);
                    return;
                }
            }
            visit::visit_expr(self, expr);
        }
        fn visit_item(&mut self, _: &'e syn::Item) {}
    }
    let mut find = Find { name, found: None };
    for stmt in stmts {
        find.visit_stmt(stmt);
    }
    find.found
}

/// Whether a call's closure that runs later, or its spawned thread's or task's work, captures
/// the variable `name`.
fn captured(call: &Expr, args: &Punctuated<Expr, Token![,]>, name: &str) -> bool {
    let spawn = spawn_of(call);
    let future = spawned_future(spawn, args);
    args.iter().any(|a| match a {
        Expr::Closure(c) => (runs_later(call, c) || spawned(spawn, c)) && mentions(&c.body, name),
        Expr::Async(block) => {
            future.is_some_and(|f| std::ptr::eq(f, a)) && block_mentions(&block.block, name)
        }
        _ => false,
    })
}

/// What a function does with its parameter `name`: keeps it (see [`is_stored_later`]), returns
/// it in its result, or only reads it.
fn param_fate(name: &str, block: &syn::Block) -> ParamFate {
    if is_stored_later(name, &block.stmts) {
        return ParamFate::Kept;
    }
    struct Returns<'n>(&'n str, bool);
    impl<'ast> Visit<'ast> for Returns<'_> {
        fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
            self.1 |= r.expr.as_deref().is_some_and(|e| holds_moved(e, self.0));
            visit::visit_expr_return(self, r);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut returns = Returns(name, false);
    returns.visit_block(block);
    let tail = match block.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => tails_hold(e, name),
        _ => false,
    };
    if returns.1 || tail {
        ParamFate::Returned
    } else {
        ParamFate::Dropped
    }
}

/// Whether a block's value, through `if`/`match`/block tails, holds `name`.
fn tails_hold(expr: &Expr, name: &str) -> bool {
    let block_tail = |block: &syn::Block| match block.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => tails_hold(e, name),
        _ => false,
    };
    match expr {
        Expr::Block(b) => block_tail(&b.block),
        Expr::If(i) => {
            block_tail(&i.then_branch)
                || i.else_branch
                    .as_ref()
                    .is_some_and(|(_, e)| tails_hold(e, name))
        }
        Expr::Match(m) => m.arms.iter().any(|arm| tails_hold(&arm.body, name)),
        other => holds_moved(other, name),
    }
}

/// Whether every use of the variable `name` in `stmts` takes its lock (`name.lock()`,
/// `name.write()`, ..): it is never cloned, lent, moved or captured, so no other thread can
/// reach it.
fn only_locked(name: &str, stmts: &[syn::Stmt]) -> bool {
    struct Uses<'n> {
        name: &'n str,
        other: bool,
    }
    impl<'ast> Visit<'ast> for Uses<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::MethodCall(m)
                    if matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident(self.name))
                        && matches!(
                            m.method.to_string().as_str(),
                            "lock" | "read" | "write" | "try_lock" | "try_read" | "try_write"
                        ) =>
                {
                    m.args.iter().for_each(|a| self.visit_expr(a));
                }
                Expr::Path(p) if p.path.is_ident(self.name) => self.other = true,
                _ => visit::visit_expr(self, expr),
            }
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut uses = Uses { name, other: false };
    for stmt in stmts {
        uses.visit_stmt(stmt);
        // `let name = name.lock().unwrap();`: past it, `name` is another variable.
        if matches!(stmt, syn::Stmt::Local(l) if single_binding(&l.pat).as_deref() == Some(name)) {
            break;
        }
    }
    !uses.other
}

/// Whether `name` occurs in `block` as a path.
fn block_mentions(block: &syn::Block, name: &str) -> bool {
    block.stmts.iter().any(|stmt| match stmt {
        syn::Stmt::Local(l) => l.init.as_ref().is_some_and(|i| mentions(&i.expr, name)),
        syn::Stmt::Expr(e, _) => mentions(e, name),
        _ => false,
    })
}

/// Whether `name` occurs in `expr` as a path.
fn mentions(expr: &Expr, name: &str) -> bool {
    struct Find<'n>(&'n str, bool);
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_path(&mut self, p: &'ast syn::Path) {
            if p.is_ident(self.0) {
                self.1 = true;
            }
            visit::visit_path(self, p);
        }
    }
    let mut find = Find(name, false);
    find.visit_expr(expr);
    find.1
}

/// Whether the variable `name` is stored beyond its statement by one of `stmts`: pushed,
/// inserted, sent, assigned to a field or an outer variable, turned into a raw pointer, or
/// captured by a closure that is.
fn is_stored_later(name: &str, stmts: &[syn::Stmt]) -> bool {
    struct Find<'n> {
        name: &'n str,
        found: bool,
    }
    impl Find<'_> {
        /// What a call does with the variable: keeps it if it is given it by value, or if a
        /// closure that runs later, or on a spawned thread or task, captures it.
        fn call(&mut self, call: &Expr, args: &Punctuated<Expr, Token![,]>) {
            self.found |= captured(call, args, self.name)
                || (keeps_arguments(call) && args.iter().any(|a| holds_moved(a, self.name)));
        }
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::MethodCall(m) => self.call(expr, &m.args),
                Expr::Call(c) => self.call(expr, &c.args),
                _ => {}
            }
            visit::visit_expr(self, expr);
        }
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            if holds(&a.right, self.name) {
                self.found = true;
            }
            visit::visit_expr_assign(self, a);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut find = Find { name, found: false };
    for stmt in stmts {
        find.visit_stmt(stmt);
    }
    find.found
}
