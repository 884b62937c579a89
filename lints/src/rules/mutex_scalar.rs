#![doc = include_str!("mutex_scalar.md")]

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{CrateCx, Rule};
use crate::fixes::atomic::ScalarSites;
use crate::registry::declare_lint;
use crate::semantic::sharing::{Handed, param_decls};
use crate::semantic::ty::{LockKind, Ty};
use crate::semantic::types::FnId;
use crate::semantic::walker::{
    Cx, Decl, DeclKey, DeclKind, Later, LockDecl, LockHandoff, LockUse, ScalarOp, Sink, UseShape,
    locks_alias_keys,
};
use crate::{Applicability, Cost, Diagnostic, LockOp, Per, Suggestion, Work};

declare_lint!(
    pub(crate) MUTEX_SCALAR,
    "mutex_scalar",
    Warn,
    "a `Mutex`/`RwLock` around an integer, `bool`, `char` or pointer, where an atomic does the same without blocking",
    "mutex_scalar.md"
);

pub(crate) struct MutexScalar;

impl Rule for MutexScalar {
    /// Every place that declares, makes or names a lock around a scalar, with its rewrite.
    type Facts = ScalarSites;

    fn check_expr(
        &self,
        cx: &Cx<'_, '_>,
        expr: &syn::Expr,
        facts: &mut ScalarSites,
        _: &mut Sink<'_>,
    ) {
        facts.expr(cx, expr);
    }

    fn check_let(
        &self,
        cx: &Cx<'_, '_>,
        local: &syn::Local,
        later: Later<'_>,
        facts: &mut ScalarSites,
        _: &mut Sink<'_>,
    ) {
        facts.local(cx, local, later);
    }

    fn check_decl(
        &self,
        cx: &Cx<'_, '_>,
        decl: &Decl<'_>,
        facts: &mut ScalarSites,
        _: &mut Sink<'_>,
    ) {
        if matches!(
            decl.kind,
            DeclKind::Field | DeclKind::Static | DeclKind::Let | DeclKind::Alias
        ) {
            facts.decl(cx, decl.ty, decl.public, decl.init);
        }
    }

    fn check_fn(
        &self,
        cx: &Cx<'_, '_>,
        sig: &syn::Signature,
        _: &syn::Block,
        facts: &mut ScalarSites,
    ) {
        facts.params(cx, sig);
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sites: &ScalarSites, out: &mut Vec<Diagnostic>) {
        out.extend(findings(
            &cx.facts.lock_decls,
            &cx.facts.lock_uses,
            &cx.facts.lock_handoffs,
            sites,
        ));
    }
}

/// The atomic type for a scalar; `None` for an integer whose width inference decides.
fn atomic_for(scalar: &Ty) -> Option<String> {
    let name = match scalar {
        Ty::Ptr(inner) => return Some(format!("AtomicPtr<{}>", inner.display())),
        Ty::Named(n, _) => n.as_str(),
        _ => return None,
    };
    Some(match name {
        "bool" => "AtomicBool".to_owned(),
        "char" => "AtomicU32".to_owned(),
        int => {
            let mut chars = int.chars();
            let first = chars.next()?.to_ascii_uppercase();
            format!("Atomic{first}{}", chars.as_str())
        }
    })
}

/// What each operation the uses do becomes, for the help: the atomic call, with the ordering the
/// lock gave (a counter that publishes nothing can relax it).
fn operation(op: ScalarOp) -> &'static str {
    match op {
        ScalarOp::Add => "`fetch_add(n, Ordering::AcqRel)` for `*guard += n`",
        ScalarOp::Sub => "`fetch_sub(n, Ordering::AcqRel)` for `*guard -= n`",
        ScalarOp::Store => "`store(v, Ordering::Release)` for `*guard = v`",
        ScalarOp::Load => "`load(Ordering::Acquire)` to read it",
        ScalarOp::Other => {
            "`fetch_or`/`fetch_and` for flags, `fetch_max`/`fetch_min` for running extremes or \
             `fetch_update` for other read-modify-write updates"
        }
    }
}

/// Decides each declaration once, from every use of it in the crate: we lint the declaration,
/// not every use of the lock, and only when no use holds the guard across other work and no
/// `Condvar` waits on it.
fn findings(
    decls: &[LockDecl],
    uses: &[LockUse],
    handoffs: &[LockHandoff],
    sites: &ScalarSites,
) -> Vec<Diagnostic> {
    // A field typed with an alias is declared by the alias.
    let alias_of = locks_alias_keys(decls);
    let mut blocked: HashSet<DeclKey> = HashSet::default();
    let mut ops: HashMap<DeclKey, Vec<ScalarOp>> = HashMap::default();
    // Uses whose declaration is unknown (a `&Mutex<u64>` parameter) may belong to any
    // declaration of the same lock type: a complex one blocks them all.
    let mut blocked_types: HashSet<(LockKind, Ty)> = HashSet::default();
    let params = param_decls(handoffs);
    let none = Handed::default();
    for use_ in uses.iter().filter(|u| u.locked.scalar().is_some()) {
        // A parameter's uses are uses of the declarations its callers hand it.
        let handed = match (&use_.decl, use_.function, use_.param) {
            (None, Some(f), Some(p)) => params.get(&(f, p)).unwrap_or(&none),
            _ => &none,
        };
        let traced = !handed.decls.is_empty() && !handed.untraced;
        let handed = &handed.decls;
        let keys: Vec<&DeclKey> = use_.decl.iter().chain(handed).collect();
        for key in &keys {
            let key = alias_of
                .get(*key)
                .cloned()
                .unwrap_or_else(|| (*key).clone());
            match use_.shape {
                UseShape::Simple(op) => {
                    let seen = ops.entry(key).or_default();
                    if !seen.contains(&op) {
                        seen.push(op);
                    }
                }
                _ => {
                    blocked.insert(key);
                }
            }
        }
        // A complex use of a lock whose declarations are not all known may be of any of the
        // same type.
        if use_.decl.is_none() && !traced && !matches!(use_.shape, UseShape::Simple(_)) {
            blocked_types.insert((use_.kind, use_.locked.clone()));
        }
    }
    let mut out = Vec::new();
    let mut seen = HashSet::default();
    for decl in decls.iter().filter(|d| d.inner.scalar().is_some()) {
        // A lock never taken (only `into_inner`, `get_mut`) or taken only where the source
        // does not show which declaration it is: nothing says what its uses would be.
        if !ops.contains_key(&decl.key)
            || decl.with_condvar
            || blocked.contains(&decl.key)
            || blocked_types.contains(&(decl.kind, decl.inner.clone()))
            || !seen.insert((decl.file, decl.span))
        {
            continue;
        }
        let lock = match decl.kind {
            LockKind::Mutex => "Mutex",
            LockKind::RwLock => "RwLock",
        };
        let scalar = decl.inner.display();
        let atomic = atomic_for(&decl.inner);
        let mut used = ops.get(&decl.key).cloned().unwrap_or_default();
        // Reads last: the help names what the uses do to the value first.
        used.sort_by_key(|op| *op == ScalarOp::Load);
        let op = used.first().copied().unwrap_or(ScalarOp::Load);
        // An integer whose width the source leaves to inference has no one atomic to name.
        let replacement = atomic.as_ref().map_or_else(
            || "an atomic of the integer's width (`AtomicUsize`, `AtomicU64`, ..)".to_owned(),
            |atomic| format!("`{atomic}`"),
        );
        let calls: Vec<&str> = used.iter().map(|op| operation(*op)).collect();
        let mut d = Diagnostic::new(
            &MUTEX_SCALAR,
            decl.file,
            decl.span,
            format!("`{lock}<{scalar}>` guards a single scalar: {replacement} does the same without blocking"),
        )
        .with_label("every access takes and releases a lock")
        .with_note("a lock costs at least two atomic operations per access, and a waiting thread may sleep; an atomic is one instruction that never blocks")
        .with_help(format!("use {replacement} with {}; where the value publishes no other data, `Ordering::Relaxed` is enough", calls.join(", ")));
        // A mutex, or a read-write lock only read: what each access takes and releases. A
        // write lock's cost is not measured.
        let lock = match (decl.kind, op) {
            (LockKind::Mutex, _) => Some(LockOp::Mutex),
            (LockKind::RwLock, ScalarOp::Load) => Some(LockOp::RwLockRead),
            (LockKind::RwLock, _) => None,
        };
        if let Some(kind) = lock {
            d = d.with_cost(Cost::new(Work::Lock { kind, shared: true }, Per::Access));
        }
        if let Some(suggestion) = rewrite(decl, decls, sites, uses, &params) {
            d = d.with_suggestion(suggestion);
        }
        out.push(d);
    }
    out
}

/// The whole rewrite of a declaration as an atomic: its type, where it is made, every place
/// that names it. Only when every one of those places has a rewrite, and all are in the
/// declaration's file; `MachineApplicable` unless the declaration is `pub` (code outside the
/// crate would need the rewrite too). A type alias of the lock is rewritten with the fields
/// declared with it, when no lock of its type is made or taken where no declaration shows.
fn rewrite(
    decl: &LockDecl,
    decls: &[LockDecl],
    sites: &ScalarSites,
    uses: &[LockUse],
    params: &HashMap<(FnId, usize), Handed>,
) -> Option<Suggestion> {
    let atomic = crate::fixes::atomic::atomic_type(&decl.inner)?;
    // The declaration, and for an alias the fields typed with it, whose uses it declares.
    let mut keys = vec![&decl.key];
    if let Some(alias) = &decl.via_alias {
        keys.extend(
            decls
                .iter()
                .filter(|d| d.via_alias.as_ref() == Some(alias) && !d.inner.is_known())
                .map(|d| &d.key),
        );
        // A lock of the alias' type taken through a parameter or made in a function that
        // returns the alias: the rewrite cannot see that it is the alias'.
        if uses
            .iter()
            .any(|u| u.decl.is_none() && u.kind == decl.kind && u.locked == decl.inner)
        {
            return None;
        }
    }
    // The parameters the lock is handed to (`fn bump(c: &Mutex<u64>)`) are rewritten with
    // it, when they are handed no other lock.
    let mut param_keys: Vec<DeclKey> = Vec::new();
    for ((function, param), handed) in params {
        if !handed.decls.iter().any(|k| keys.contains(&k)) {
            continue;
        }
        if handed.untraced || handed.decls.iter().any(|k| !keys.contains(&k)) {
            return None;
        }
        param_keys.push(DeclKey::Param(*function, *param));
    }
    keys.extend(param_keys.iter());
    let keyed = |key: &DeclKey| keys.contains(&key);
    let mut edits = Vec::new();
    let mut imports: Vec<String> = Vec::new();
    let mut public = false;
    for key in &param_keys {
        let site = sites.params.iter().find(|p| p.key == *key)?;
        if site.file != decl.file {
            return None;
        }
        edits.extend(site.edits.clone()?);
        imports.extend(site.imports.iter().cloned());
        public |= site.public;
    }
    if let Some(lock) = decl.type_edit {
        let site = sites
            .decls
            .iter()
            .find(|d| d.file == decl.file && d.lock == lock)?;
        edits.extend(site.edits.clone()?);
        imports.extend(site.imports.iter().cloned());
        public = site.public;
    }
    let ctors: Vec<_> = sites.ctors.iter().filter(|c| keyed(&c.key)).collect();
    if matches!(decl.key, DeclKey::Local(..)) && ctors.is_empty() {
        return None;
    }
    for ctor in ctors {
        if ctor.file != decl.file {
            return None;
        }
        edits.extend(ctor.edits.clone()?);
        imports.extend(ctor.imports.iter().cloned());
    }
    let mut mentioned: Vec<(&DeclKey, usize, crate::Span)> = sites
        .mentions
        .iter()
        .filter(|(key, _, _)| keyed(key))
        .map(|(key, file, span)| (key, *file, *span))
        .collect();
    mentioned.sort_by_key(|(_, file, span)| (*file, *span));
    mentioned.dedup();
    for (key, file, span) in mentioned {
        if file != decl.file {
            return None;
        }
        let cover = sites
            .covers
            .iter()
            .filter(|c| c.key == *key && c.file == file && c.mention == span)
            .max_by_key(|c| c.outer.end - c.outer.start);
        if let Some(cover) = cover {
            edits.extend(cover.edits.clone()?);
            imports.extend(cover.imports.iter().cloned());
            continue;
        }
        // Handed to parameters that are rewritten too: it stays as it is.
        let lent = sites.lends.iter().any(|l| {
            l.key == *key
                && l.file == file
                && l.mention == span
                && !l.params.is_empty()
                && l.params.iter().all(|p| param_keys.contains(p))
        });
        if !lent {
            return None;
        }
    }
    edits.sort_by_key(|e| (e.span, e.replacement.clone()));
    edits.dedup();
    if !crate::fixes::disjoint(&edits) {
        return None;
    }
    // Every acquisition of the lock the walk saw is inside a rewrite: none is left to a lock
    // that is no longer there.
    let rewritten = |span: crate::Span| {
        edits
            .iter()
            .any(|e| e.span.start <= span.start && span.end <= e.span.end)
    };
    let of_param = |u: &LockUse| match (u.decl.is_none(), u.function, u.param) {
        (true, Some(f), Some(p)) => param_keys.contains(&DeclKey::Param(f, p)),
        _ => false,
    };
    if uses
        .iter()
        .filter(|u| u.decl.as_ref().is_some_and(keyed) || of_param(u))
        .any(|u| u.file != decl.file || !rewritten(u.span))
    {
        return None;
    }
    // For an alias, every lock of its type made anywhere is one of the places rewritten.
    if decl.via_alias.is_some()
        && sites.makes.iter().any(|(file, span, scalar)| {
            *scalar == decl.inner && (*file != decl.file || !rewritten(*span))
        })
    {
        return None;
    }
    let applicability = if public {
        Applicability::MaybeIncorrect
    } else {
        Applicability::MachineApplicable
    };
    let mut suggestion = Suggestion::new(format!("use `{atomic}`"), edits, applicability);
    for import in imports {
        suggestion = suggestion.importing(import);
    }
    Some(suggestion)
}
