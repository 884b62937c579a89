#![doc = include_str!("mutex_scalar.md")]

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{CrateCx, Rule};
use crate::registry::declare_lint;
use crate::semantic::sharing::{Handed, param_decls};
use crate::semantic::ty::{LockKind, Ty};
use crate::semantic::walker::{
    DeclKey, LockDecl, LockHandoff, LockUse, ScalarOp, UseShape, locks_alias_keys,
};
use crate::{Applicability, Cost, Diagnostic, Edit, LockOp, Per, Suggestion, Work};

declare_lint!(
    pub(crate) MUTEX_SCALAR,
    "mutex_scalar",
    Warn,
    "a `Mutex`/`RwLock` around an integer, `bool`, `char` or pointer, where an atomic does the same without blocking",
    "mutex_scalar.md"
);

pub(crate) struct MutexScalar;

impl Rule for MutexScalar {
    type Facts = ();

    fn check_crate(&self, cx: &CrateCx<'_>, (): &(), out: &mut Vec<Diagnostic>) {
        out.extend(findings(
            &cx.facts.lock_decls,
            &cx.facts.lock_uses,
            &cx.facts.lock_handoffs,
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

fn operation(op: ScalarOp, scalar: &Ty) -> &'static str {
    match (op, scalar.is_named("bool")) {
        (ScalarOp::Add, _) => "`fetch_add(n, Ordering::Relaxed)` for `*guard += n`",
        (ScalarOp::Sub, _) => "`fetch_sub(n, Ordering::Relaxed)` for `*guard -= n`",
        (ScalarOp::Store, _) => "`store(v, Ordering::Release)` for `*guard = v`",
        (ScalarOp::Load, true) => "`load(Ordering::Acquire)` to read the flag",
        (ScalarOp::Load, false) => "`load(Ordering::Relaxed)` to read it",
        (ScalarOp::Other, _) => {
            "`fetch_max`/`fetch_min` for running extremes, `fetch_or`/`fetch_and` for flags or \
             `fetch_update` for other read-modify-write updates"
        }
    }
}

/// Decides each declaration once, from every use of it in the crate: we lint the declaration,
/// not every use of the lock, and only when no use holds the guard across other work and no
/// `Condvar` waits on it.
fn findings(decls: &[LockDecl], uses: &[LockUse], handoffs: &[LockHandoff]) -> Vec<Diagnostic> {
    // A field typed with an alias is declared by the alias.
    let alias_of = locks_alias_keys(decls);
    let mut blocked: HashSet<DeclKey> = HashSet::default();
    let mut ops: HashMap<DeclKey, ScalarOp> = HashMap::default();
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
                    let entry = ops.entry(key).or_insert(op);
                    if *entry == ScalarOp::Load {
                        *entry = op;
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
        let op = ops.get(&decl.key).copied().unwrap_or(ScalarOp::Load);
        // An integer whose width the source leaves to inference has no one atomic to name.
        let replacement = atomic.as_ref().map_or_else(
            || "an atomic of the integer's width (`AtomicUsize`, `AtomicU64`, ..)".to_owned(),
            |atomic| format!("`{atomic}`"),
        );
        let mut d = Diagnostic::new(
            &MUTEX_SCALAR,
            decl.file,
            decl.span,
            format!("`{lock}<{scalar}>` guards a single scalar: {replacement} does the same without blocking"),
        )
        .with_label("every access takes and releases a lock")
        .with_note("a lock costs at least two atomic operations per access, and a waiting thread may sleep; an atomic is one instruction that never blocks")
        .with_help(format!("use {replacement} with {}", operation(op, &decl.inner)));
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
        if let (Some(atomic), Some(span)) = (atomic, decl.type_edit) {
            d = d.with_suggestion(Suggestion {
                message: format!("declare `{atomic}`"),
                edits: vec![Edit {
                    span,
                    replacement: atomic,
                }],
                // The lock's uses need rewriting too.
                applicability: Applicability::MaybeIncorrect,
            });
        }
        out.push(d);
    }
    out
}
