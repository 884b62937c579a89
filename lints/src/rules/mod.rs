//! One module per lint, each owning all of its logic behind the [`Rule`] trait, with its
//! documentation page beside it. [`declare_rules!`] lists them once; the walker and the
//! crate-wide step call them through what it generates.

pub(crate) mod alloc_under_lock;
pub(crate) mod arc_clone_in_hot_loop;
pub(crate) mod atomic_ptr_to_local;
pub(crate) mod clone_under_lock;
pub(crate) mod false_sharing;
pub(crate) mod guard_across_blocking;
pub(crate) mod lock_per_element;
pub(crate) mod mutex_scalar;
pub(crate) mod over_copy;
pub(crate) mod parse_error;
pub(crate) mod read_mostly_rwlock;
pub(crate) mod seqcst_counter;
pub(crate) mod single_lock_map;
pub(crate) mod thread_spawn_per_task;
pub(crate) mod unshared_arc;

use rustc_hash::FxHashSet as HashSet;
use std::sync::OnceLock;

use crate::diagnostic::Diagnostic;
use crate::registry::Lint;
use crate::semantic::hot::HotCode;
use crate::semantic::sharing::Sharing;
use crate::semantic::types::TypeTable;
use crate::semantic::walker::{BodyOutput, Checker, Cx, Later, Sink};
pub(crate) use crate::semantic::walker::{Decl, DeclKind};

/// What a rule sees of the whole crate, once every file is walked: the type table, hot code,
/// and the facts the walk gathered (spawns, locks and their uses, atomic slots, `Arc` fields).
pub(crate) struct CrateCx<'a> {
    pub(crate) table: &'a TypeTable,
    pub(crate) hot: &'a HotCode<'a>,
    pub(crate) facts: &'a BodyOutput,
    sharing: OnceLock<Sharing<'a>>,
}

impl<'a> CrateCx<'a> {
    pub(crate) fn new(table: &'a TypeTable, hot: &'a HotCode<'a>, facts: &'a BodyOutput) -> Self {
        CrateCx {
            table,
            hot,
            facts,
            sharing: OnceLock::new(),
        }
    }

    /// Which threads use each lock, worked out when a rule first asks.
    pub(crate) fn sharing(&self) -> &Sharing<'a> {
        self.sharing.get_or_init(|| {
            Sharing::new(
                self.hot,
                &self.facts.spawns,
                &self.facts.lock_decls,
                &self.facts.lock_uses,
                &self.facts.lock_handoffs,
                &self.facts.calls,
            )
        })
    }
}

/// Facts a rule keeps of each file, merged across the crate's files.
pub(crate) trait Merge {
    fn merge(&mut self, other: Self);
}

impl Merge for () {
    fn merge(&mut self, (): ()) {}
}

impl<T> Merge for Vec<T> {
    fn merge(&mut self, mut other: Self) {
        self.append(&mut other);
    }
}

impl<T: std::hash::Hash + Eq> Merge for HashSet<T> {
    fn merge(&mut self, other: Self) {
        self.extend(other);
    }
}

/// One lint's logic. The walker hands each rule every expression, `let` and declaration of a
/// file with its context; a rule may keep facts of the file (cached with the file's walk and
/// merged across the crate), keep per-function state (with `enter_fn`/`exit_fn`, which nest
/// as functions do), and decide what needs the whole crate in `check_crate`. Every hook has an
/// empty default: a rule implements the ones it needs.
pub(crate) trait Rule: Sync {
    /// What the rule keeps of each file.
    type Facts: Default + serde::Serialize + serde::de::DeserializeOwned + Send + Merge;

    fn check_expr(
        &self,
        _cx: &Cx<'_, '_>,
        _expr: &syn::Expr,
        _facts: &mut Self::Facts,
        _sink: &mut Sink<'_>,
    ) {
    }

    /// A `let` and the statements that follow it in its block.
    fn check_let(
        &self,
        _cx: &Cx<'_, '_>,
        _local: &syn::Local,
        _later: Later<'_>,
        _facts: &mut Self::Facts,
        _sink: &mut Sink<'_>,
    ) {
    }

    fn check_decl(
        &self,
        _cx: &Cx<'_, '_>,
        _decl: &Decl<'_>,
        _facts: &mut Self::Facts,
        _sink: &mut Sink<'_>,
    ) {
    }

    /// A function's body has been walked (`cx.function()` is the function).
    fn check_fn(
        &self,
        _cx: &Cx<'_, '_>,
        _sig: &syn::Signature,
        _block: &syn::Block,
        _facts: &mut Self::Facts,
    ) {
    }

    /// The walk enters a function body (or a `static`'s initialiser); nested functions nest.
    fn enter_fn(&self, _facts: &mut Self::Facts) {}

    /// The walk leaves the body `enter_fn` entered.
    fn exit_fn(&self, _facts: &mut Self::Facts, _sink: &mut Sink<'_>) {}

    /// Decides what needs every file: called once, with the facts of all files merged.
    fn check_crate(&self, _cx: &CrateCx<'_>, _facts: &Self::Facts, _out: &mut Vec<Diagnostic>) {}

    /// Completes the crate's findings once every one is decided (those that waited for hot code
    /// included): a fix that needs the whole crate is attached here.
    fn complete(&self, _cx: &CrateCx<'_>, _facts: &Self::Facts, _findings: &mut [Diagnostic]) {}
}

/// Declares the rule list: generates [`ALL`], the per-file [`RuleFacts`] (one field per rule)
/// and the dispatchers the walker and the crate-wide step call. Adding a rule is one line here.
macro_rules! declare_rules {
    ($($module:ident: $rule:ident => $lint:ident),* $(,)?) => {
        /// Every lint, in catalogue order.
        pub(crate) static ALL: &[&Lint] = &[$(&$module::$lint,)* &parse_error::PARSE_ERROR];

        /// What every rule keeps of one file (or, merged, of the crate).
        #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
        pub(crate) struct RuleFacts {
            $(pub(crate) $module: <$module::$rule as Rule>::Facts,)*
        }

        impl Merge for RuleFacts {
            fn merge(&mut self, other: Self) {
                $(self.$module.merge(other.$module);)*
            }
        }

        impl Checker for RuleFacts {
            fn expr(&mut self, cx: &Cx<'_, '_>, expr: &syn::Expr, sink: &mut Sink<'_>) {
                $($module::$rule.check_expr(cx, expr, &mut self.$module, sink);)*
            }

            fn local(&mut self, cx: &Cx<'_, '_>, local: &syn::Local, later: Later<'_>, sink: &mut Sink<'_>) {
                $($module::$rule.check_let(cx, local, later, &mut self.$module, sink);)*
            }

            fn decl(&mut self, cx: &Cx<'_, '_>, decl: &Decl<'_>, sink: &mut Sink<'_>) {
                $($module::$rule.check_decl(cx, decl, &mut self.$module, sink);)*
            }

            fn function(&mut self, cx: &Cx<'_, '_>, sig: &syn::Signature, block: &syn::Block) {
                $($module::$rule.check_fn(cx, sig, block, &mut self.$module);)*
            }

            fn enter_fn(&mut self) {
                $($module::$rule.enter_fn(&mut self.$module);)*
            }

            fn exit_fn(&mut self, sink: &mut Sink<'_>) {
                $($module::$rule.exit_fn(&mut self.$module, sink);)*
            }
        }

        pub(crate) fn check_crate(cx: &CrateCx<'_>, facts: &RuleFacts) -> Vec<Diagnostic> {
            let mut out = Vec::new();
            $($module::$rule.check_crate(cx, &facts.$module, &mut out);)*
            out
        }

        pub(crate) fn complete(cx: &CrateCx<'_>, facts: &RuleFacts, findings: &mut [Diagnostic]) {
            $($module::$rule.complete(cx, &facts.$module, findings);)*
        }
    };
}

declare_rules! {
    arc_clone_in_hot_loop: ArcCloneInHotLoop => ARC_CLONE_IN_HOT_LOOP,
    thread_spawn_per_task: ThreadSpawnPerTask => THREAD_SPAWN_PER_TASK,
    mutex_scalar: MutexScalar => MUTEX_SCALAR,
    clone_under_lock: CloneUnderLock => CLONE_UNDER_LOCK,
    over_copy: OverCopy => OVER_COPY,
    single_lock_map: SingleLockMap => SINGLE_LOCK_MAP,
    read_mostly_rwlock: ReadMostlyRwlock => READ_MOSTLY_RWLOCK,
    guard_across_blocking: GuardAcrossBlocking => GUARD_ACROSS_BLOCKING,
    alloc_under_lock: AllocUnderLock => ALLOC_UNDER_LOCK,
    false_sharing: FalseSharing => FALSE_SHARING,
    seqcst_counter: SeqcstCounter => SEQCST_COUNTER,
    atomic_ptr_to_local: AtomicPtrToLocal => ATOMIC_PTR_TO_LOCAL,
    unshared_arc: UnsharedArc => UNSHARED_ARC,
    lock_per_element: LockPerElement => LOCK_PER_ELEMENT,
}
