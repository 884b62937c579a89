#![doc = include_str!("single_lock_map.md")]

use super::{CrateCx, Rule};
use crate::Diagnostic;
use crate::fixes::shard::{self, ShardSites};
use crate::registry::declare_lint;
use crate::semantic::sharing::{Sharing, distinct};
use crate::semantic::ty::{LockKind, Ty};
use crate::semantic::walker::{Access, Cx, Decl, DeclKind, GuardedOps, Later, LockDecl, Sink};

declare_lint!(
    pub(crate) SINGLE_LOCK_MAP,
    "single_lock_map",
    Warn,
    "one lock in front of a whole map that several threads write per key: writers of different keys wait for each other",
    "single_lock_map.md"
);

pub(crate) struct SingleLockMap;

impl Rule for SingleLockMap {
    /// Every place that declares, makes or names a map behind one lock, with its rewrite to a
    /// `DashMap`.
    type Facts = ShardSites;

    fn check_expr(
        &self,
        cx: &Cx<'_, '_>,
        expr: &syn::Expr,
        facts: &mut ShardSites,
        _: &mut Sink<'_>,
    ) {
        facts.expr(cx, expr);
    }

    fn check_let(
        &self,
        cx: &Cx<'_, '_>,
        local: &syn::Local,
        later: Later<'_>,
        facts: &mut ShardSites,
        _: &mut Sink<'_>,
    ) {
        facts.local(cx, local, later);
    }

    fn check_decl(
        &self,
        cx: &Cx<'_, '_>,
        decl: &Decl<'_>,
        facts: &mut ShardSites,
        _: &mut Sink<'_>,
    ) {
        if matches!(
            decl.kind,
            DeclKind::Field | DeclKind::Static | DeclKind::Let
        ) {
            facts.decl(cx, decl.ty, decl.public, decl.init);
        }
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sites: &ShardSites, out: &mut Vec<Diagnostic>) {
        out.extend(findings(&cx.facts.lock_decls, cx.sharing(), sites));
    }
}

/// Maps whose writers touch one key at a time.
const MAPS: &[&str] = &["HashMap", "BTreeMap", "IndexMap"];

/// Decides each declaration once, from every use of it in the crate: we lint the declaration,
/// the one place to change, not each writer.
fn findings(decls: &[LockDecl], sharing: &Sharing<'_>, sites: &ShardSites) -> Vec<Diagnostic> {
    let candidates = decls
        .iter()
        .filter(|d| !d.nested && d.inner.name().is_some_and(|n| MAPS.contains(&n)));
    let mut out = Vec::new();
    for decl in distinct(candidates) {
        let uses = sharing.uses(&decl.key);
        // A map used for the order of its keys (the smallest one first) cannot be sharded by
        // hash.
        if decl.inner.is_named("BTreeMap") && uses.iter().any(|u| u.ops.has(GuardedOps::ORDERED)) {
            continue;
        }
        // Writes made while the value is set up (a constructor, a `&mut self` method) do not
        // contend; nor do the rare writes of a create-once registry, made only after a read
        // lock found the key missing (a read of the same lock earlier in the same function).
        let writes: Vec<_> = uses
            .iter()
            .copied()
            .filter(|u| u.ops.has(GuardedOps::PER_KEY) && !u.setup)
            .filter(|w| {
                !uses.iter().any(|r| {
                    r.access == Access::Shared
                        && r.function.is_some()
                        && r.function == w.function
                        && r.file == w.file
                        && r.span.start < w.span.start
                })
            })
            .collect();
        if writes.is_empty() || !sharing.several_threads(&decl.key, &writes) {
            continue;
        }
        let lock = match decl.kind {
            LockKind::Mutex => "Mutex",
            LockKind::RwLock => "RwLock",
        };
        let map = decl.inner.display();
        let mut d = Diagnostic::new(
            &SINGLE_LOCK_MAP,
            decl.file,
            decl.span,
            format!("one `{lock}` in front of the whole `{map}`, written per key from several threads: writers of different keys wait for each other"),
        )
        .with_label("every insert, entry and remove takes this one lock")
        .with_note("the writers serialise on one lock and its cache line whichever keys they touch, so adding threads adds waiting, not throughput")
        .with_help(format!(
            "shard the map: a concurrent map such as `dashmap::DashMap<{}>`, or N maps behind N locks chosen by the key's hash",
            key_value(&decl.inner)
        ));
        if let Some(write) = writes.first() {
            d = d.with_secondary(write.file, write.span, "written per key here");
        }
        if let Some(suggestion) = shard::rewrite(decl, sites, uses) {
            d = d.with_suggestion(suggestion);
        }
        out.push(d);
    }
    out
}

/// `K, V` of a map type, for the suggested replacement.
fn key_value(map: &Ty) -> String {
    format!("{}, {}", map.arg(0).display(), map.arg(1).display())
}
