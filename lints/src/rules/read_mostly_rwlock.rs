#![doc = include_str!("read_mostly_rwlock.md")]

use super::{CrateCx, Rule};
use crate::fixes::swap::{self, SwapSites};
use crate::registry::declare_lint;
use crate::semantic::sharing::{Sharing, distinct};
use crate::semantic::ty::LockKind;
use crate::semantic::walker::{Access, Cx, Decl, DeclKind, Later, LockDecl, Sink};
use crate::{Cost, Diagnostic, LockOp, Per, Work};

declare_lint!(
    pub(crate) READ_MOSTLY_RWLOCK,
    "read_mostly_rwlock",
    Warn,
    "an `RwLock` read by many threads and only ever replaced whole: every read still writes the lock's shared state",
    "read_mostly_rwlock.md"
);

pub(crate) struct ReadMostlyRwlock;

impl Rule for ReadMostlyRwlock {
    /// Every place that declares, makes or names an `RwLock` the fix could swap, with its
    /// rewrite.
    type Facts = SwapSites;

    fn check_expr(
        &self,
        cx: &Cx<'_, '_>,
        expr: &syn::Expr,
        facts: &mut SwapSites,
        _: &mut Sink<'_>,
    ) {
        facts.expr(cx, expr);
    }

    fn check_let(
        &self,
        cx: &Cx<'_, '_>,
        local: &syn::Local,
        later: Later<'_>,
        facts: &mut SwapSites,
        _: &mut Sink<'_>,
    ) {
        facts.local(cx, local, later);
    }

    fn check_decl(
        &self,
        cx: &Cx<'_, '_>,
        decl: &Decl<'_>,
        facts: &mut SwapSites,
        _: &mut Sink<'_>,
    ) {
        if matches!(
            decl.kind,
            DeclKind::Field | DeclKind::Static | DeclKind::Let
        ) {
            facts.decl(cx, decl.ty, decl.public, decl.init);
        }
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sites: &SwapSites, out: &mut Vec<Diagnostic>) {
        out.extend(findings(&cx.facts.lock_decls, cx.sharing(), sites));
    }
}

/// Decides each declaration once, from every use of it in the crate.
fn findings(decls: &[LockDecl], sharing: &Sharing<'_>, sites: &SwapSites) -> Vec<Diagnostic> {
    let candidates = decls.iter().filter(|d| {
        // A scalar is `mutex_scalar`'s; what the lock holds must be known to be worth swapping.
        d.kind == LockKind::RwLock && !d.nested && d.inner.is_known() && d.inner.scalar().is_none()
    });
    let mut out = Vec::new();
    for decl in distinct(candidates) {
        let uses = sharing.uses(&decl.key);
        let writes: Vec<_> = uses
            .iter()
            .copied()
            .filter(|u| u.access == Access::Exclusive && !u.setup)
            .collect();
        let reads: Vec<_> = uses
            .iter()
            .copied()
            .filter(|u| u.access == Access::Shared)
            .collect();
        // Writers that change the value in place (per key, a field) need the lock; a value only
        // ever replaced whole can be swapped instead.
        if writes.is_empty() || reads.is_empty() || !writes.iter().all(|w| w.ops.only_replaces()) {
            continue;
        }
        if !sharing.several_threads(&decl.key, &reads) {
            continue;
        }
        let value = decl.inner.display();
        let mut d = Diagnostic::new(
            &READ_MOSTLY_RWLOCK,
            decl.file,
            decl.span,
            format!("`RwLock<{value}>` is read from many threads and only ever replaced whole: every read still writes the lock's shared state"),
        )
        .with_label("each `read()` is an atomic read-modify-write on this lock's word")
        .with_note("readers do not wait for each other, but each one takes and releases the lock, so the lock word's cache line moves between every reading core")
        .with_help(format!(
            "hold the value in an `arc_swap::ArcSwap<{value}>`: readers `load()` it without writing shared memory, and a writer `store`s a new `Arc`"
        ))
        .with_cost(Cost::new(
            Work::Lock {
                kind: LockOp::RwLockRead,
                shared: true,
            },
            Per::Read,
        ));
        if let Some(write) = writes.first() {
            d = d.with_secondary(write.file, write.span, "replaced whole here");
        }
        if let Some(suggestion) = swap::rewrite(decl, sites, uses) {
            d = d.with_suggestion(suggestion);
        }
        out.push(d);
    }
    out
}
