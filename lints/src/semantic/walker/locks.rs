//! Locks as the crate declares and takes them: every declaration of a `Mutex` or `RwLock` (a
//! field, a static, a type alias, a `let`), and every acquisition with what its critical section
//! does to the guarded value and on which thread it runs. The crate-level lock lints
//! (`mutex_scalar`, `single_lock_map`, `read_mostly_rwlock`) decide from all of them at once.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use super::scan::{is_drop_of, is_plain, mentions_var, passes_to_condvar, simple_op};
use super::{DeclKey, LockFrom, LockHandoff, RegionId, SpawnId, Walker};
use crate::diagnostic::Span;
use crate::semantic::bindings::Var;
use crate::semantic::ty::{LockKind, Ty};
use crate::semantic::types::FnId;
use crate::syntax::exprs::{
    is_clone_call, is_compound_assignment, is_deref_of, path_tail, strip_parens,
};

/// How a lock is used at one place, for `mutex_scalar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum UseShape {
    /// Only reads or updates the value: `*m.lock().unwrap() += 1`.
    Simple(ScalarOp),
    /// The guard is held across other work.
    Complex,
    /// The guard is handed to a `Condvar`.
    Condvar,
}

/// The operation a simple use does on the scalar, for the suggested atomic call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum ScalarOp {
    Add,
    Sub,
    Store,
    Load,
    Other,
}

/// Whether an acquisition shares the lock with other readers (`read`) or not (`lock`,
/// `write`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Access {
    Shared,
    Exclusive,
}

/// What a critical section does to the guarded value: a set of these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct GuardedOps(u8);

impl GuardedOps {
    /// Reads it.
    pub(crate) const READ: GuardedOps = GuardedOps(1);
    /// Writes one entry of a map: `insert`, `entry`, `get_mut`, `remove`.
    pub(crate) const PER_KEY: GuardedOps = GuardedOps(2);
    /// Changes it in place otherwise: `push`, `clear`, `retain`, a field assigned.
    pub(crate) const IN_PLACE: GuardedOps = GuardedOps(4);
    /// Replaces it whole: `*guard = new`, `mem::replace(&mut *guard, new)`.
    pub(crate) const REPLACE: GuardedOps = GuardedOps(8);
    /// Hands it to code we do not follow (`f(&mut guard)`), which may do anything.
    pub(crate) const UNKNOWN: GuardedOps = GuardedOps(16);
    /// Relies on the order of its keys: `first_key_value`, `range`, `pop_first`,
    /// `iter().next()`; a map sharded by hash has no such order.
    pub(crate) const ORDERED: GuardedOps = GuardedOps(32);

    pub(crate) fn has(self, ops: GuardedOps) -> bool {
        self.0 & ops.0 != 0
    }

    fn add(&mut self, ops: GuardedOps) {
        self.0 |= ops.0;
    }

    /// Whether every write replaces the value whole (and there is at least one).
    pub(crate) fn only_replaces(self) -> bool {
        self.has(GuardedOps::REPLACE)
            && !self.has(GuardedOps::PER_KEY | GuardedOps::IN_PLACE | GuardedOps::UNKNOWN)
    }
}

impl std::ops::BitOr for GuardedOps {
    type Output = GuardedOps;
    fn bitor(self, other: GuardedOps) -> GuardedOps {
        GuardedOps(self.0 | other.0)
    }
}

/// The thread code runs on, where the source shows it is not the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(crate) enum ThreadCx {
    /// In the closure of this spawn site (an index into the crate's spawn sites).
    Spawned(SpawnId),
    /// In a closure run on a pool's threads at once: a rayon parallel iterator's adapter,
    /// either side of `rayon::join`.
    Parallel,
}

/// One acquisition of a lock.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct LockUse {
    /// The declaration the lock comes from, when the source shows it.
    pub(crate) decl: Option<DeclKey>,
    /// The locked type, for uses whose declaration is not known.
    pub(crate) locked: Ty,
    pub(crate) kind: LockKind,
    pub(crate) shape: UseShape,
    pub(crate) access: Access,
    pub(crate) ops: GuardedOps,
    pub(crate) file: usize,
    /// The lock call (`lock`, `read`, `write`).
    pub(crate) span: Span,
    pub(crate) function: Option<FnId>,
    pub(crate) region: Option<RegionId>,
    pub(crate) thread: Option<ThreadCx>,
    /// In a constructor or a `&mut self` method: the value is not shared (yet).
    pub(crate) setup: bool,
    /// The lock is the function's parameter of this index (`self` not counted), whose
    /// declaration is where its callers' arguments come from (see [`LockHandoff`]).
    pub(crate) param: Option<usize>,
    /// The function whose parameter it is: `function`, or the one around the closure or the
    /// spawned work the use is in.
    #[serde(default)]
    pub(crate) param_fn: Option<FnId>,
}

/// A declaration of a lock.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct LockDecl {
    pub(crate) key: DeclKey,
    pub(crate) file: usize,
    /// The declared lock type (or the `Mutex::new(..)` initialiser).
    pub(crate) span: Span,
    pub(crate) kind: LockKind,
    /// What the lock guards; unknown for a field typed with an alias (see `via_alias`).
    pub(crate) inner: Ty,
    /// The lock type written out, which a suggestion may replace.
    pub(crate) type_edit: Option<Span>,
    /// Paired with a `Condvar` in the same struct or tuple.
    pub(crate) with_condvar: bool,
    /// Declared through a type alias: the alias is the declaration to edit.
    pub(crate) via_alias: Option<String>,
    /// One lock of many: an element of a collection (`Vec<Mutex<T>>`, `[RwLock<T>; N]`).
    pub(crate) nested: bool,
}

/// A lock found in a declared type.
struct Found {
    kind: LockKind,
    inner: Ty,
    span: Span,
    condvar: bool,
    nested: bool,
}

/// Methods of maps that write one entry.
const PER_KEY_WRITES: &[&str] = &[
    "insert",
    "entry",
    "get_mut",
    "remove",
    "remove_entry",
    "try_insert",
    "get_or_insert_with",
    "swap_remove",
    "shift_remove",
];

/// Methods of ordered maps that read by key order.
const ORDERED_READS: &[&str] = &["range", "range_mut", "first_key_value", "last_key_value"];

/// Methods that only read the value they are called on.
const READS: &[&str] = &[
    "get",
    "get_key_value",
    "contains_key",
    "contains",
    "len",
    "is_empty",
    "iter",
    "keys",
    "values",
    "first",
    "last",
    "clone",
    "cloned",
    "copied",
    "to_vec",
    "to_owned",
    "to_string",
    "as_ref",
    "as_deref",
    "as_slice",
    "as_str",
    "is_some",
    "is_none",
    "map",
    "and_then",
    "unwrap_or",
    "binary_search",
    "starts_with",
    "capacity",
];

/// What calling `method` on the guarded value does to it.
pub(super) fn method_ops(method: &str) -> GuardedOps {
    if ORDERED_READS.contains(&method) {
        GuardedOps::ORDERED | GuardedOps::READ
    } else if matches!(
        method,
        "pop_first" | "pop_last" | "first_entry" | "last_entry"
    ) {
        GuardedOps::ORDERED | GuardedOps::PER_KEY
    } else if PER_KEY_WRITES.contains(&method) {
        GuardedOps::PER_KEY
    } else if READS.contains(&method) {
        GuardedOps::READ
    } else if method == "clone_from" {
        GuardedOps::REPLACE
    } else {
        GuardedOps::IN_PLACE
    }
}

/// `&mut *x`, `&mut x`, `&x`, `*x`, `(x)`: the place under the borrows and derefs.
fn under_borrows(expr: &Expr) -> &Expr {
    match expr {
        Expr::Reference(r) => under_borrows(&r.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => under_borrows(&u.expr),
        Expr::Paren(p) => under_borrows(&p.expr),
        other => other,
    }
}

/// Whether `expr` is the variable `name`, possibly dereferenced (`g`, `*g`, `(*g)`).
fn is_guard_var(expr: &Expr, var: Var<'_>) -> bool {
    match expr {
        Expr::Path(p) => var.path(&p.path),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => is_guard_var(&u.expr, var),
        Expr::Paren(p) => is_guard_var(&p.expr, var),
        _ => false,
    }
}

/// Whether `expr` starts from the variable `name` (`g.items`, `g[0]`, `g`).
fn rooted_at(expr: &Expr, var: Var<'_>) -> bool {
    match expr {
        Expr::Path(p) => var.path(&p.path),
        Expr::Field(f) => rooted_at(&f.base, var),
        Expr::Index(i) => rooted_at(&i.expr, var),
        Expr::MethodCall(m) => rooted_at(&m.receiver, var),
        Expr::Unary(u) => rooted_at(&u.expr, var),
        Expr::Paren(p) => rooted_at(&p.expr, var),
        Expr::Reference(r) => rooted_at(&r.expr, var),
        _ => false,
    }
}

/// `mem::replace(&mut *g, v)`, `mem::take(&mut *g)`, `mem::swap(&mut *g, ..)`: the place whose
/// value is replaced.
fn replaced_place(call: &syn::ExprCall) -> Option<&Expr> {
    let (_, func) = path_tail(&call.func)?;
    if !matches!(func.as_str(), "replace" | "take" | "swap") {
        return None;
    }
    match call.args.first()? {
        Expr::Reference(r) if r.mutability.is_some() => Some(&r.expr),
        _ => None,
    }
}

/// What the statements after `let name = <lock>` do with the guard, up to `drop(name)`.
fn bound_guard_ops<'s>(var: Var<'_>, rest: impl IntoIterator<Item = &'s syn::Stmt>) -> GuardedOps {
    struct Ops<'n> {
        var: Var<'n>,
        ops: GuardedOps,
    }
    impl<'ast> Visit<'ast> for Ops<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::MethodCall(m) if is_guard_var(&m.receiver, self.var) => {
                    self.ops.add(method_ops(&m.method.to_string()));
                }
                // `g.iter_mut().next()`: the first key in order.
                Expr::MethodCall(m)
                    if m.method == "next"
                        && matches!(&*m.receiver, Expr::MethodCall(inner)
                            if is_guard_var(&inner.receiver, self.var)
                                && matches!(inner.method.to_string().as_str(), "iter" | "iter_mut" | "keys" | "values" | "values_mut")) =>
                {
                    self.ops.add(GuardedOps::ORDERED);
                }
                Expr::MethodCall(m) if rooted_at(&m.receiver, self.var) => {
                    let method = m.method.to_string();
                    self.ops.add(if READS.contains(&method.as_str()) {
                        GuardedOps::READ
                    } else {
                        GuardedOps::IN_PLACE
                    });
                }
                Expr::Assign(a) if is_guard_var(&a.left, self.var) => {
                    self.ops.add(GuardedOps::REPLACE);
                }
                Expr::Assign(a) if rooted_at(&a.left, self.var) => {
                    self.ops.add(GuardedOps::IN_PLACE);
                }
                Expr::Binary(b) if is_compound_assignment(b.op) && rooted_at(&b.left, self.var) => {
                    self.ops.add(GuardedOps::IN_PLACE);
                }
                Expr::Call(c) => {
                    if replaced_place(c).is_some_and(|p| is_guard_var(p, self.var)) {
                        self.ops.add(GuardedOps::REPLACE);
                    } else if c.args.iter().any(|a| {
                        matches!(a, Expr::Reference(r) if r.mutability.is_some())
                            && rooted_at(a, self.var)
                            || self.var.expr(a)
                    }) {
                        // Handed to a function by `&mut` or moved: it may do anything.
                        self.ops.add(GuardedOps::UNKNOWN);
                    }
                }
                Expr::Path(p) if self.var.path(&p.path) => self.ops.add(GuardedOps::READ),
                _ => {}
            }
            visit::visit_expr(self, expr);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut ops = Ops {
        var,
        ops: GuardedOps::default(),
    };
    for stmt in rest {
        if is_drop_of(stmt, var) {
            break;
        }
        ops.visit_stmt(stmt);
    }
    ops.ops
}

impl Walker<'_> {
    /// Records an acquisition by `call`; `ops` is what its critical section does so far (more
    /// may be added while the statement is walked, for a temporary guard).
    pub(super) fn record_lock_use(
        &mut self,
        call: &syn::ExprMethodCall,
        shape: UseShape,
        ops: GuardedOps,
    ) {
        let recv = self.table.resolve(&self.type_of(&call.receiver));
        let Some((kind, locked)) = recv.lock() else {
            return;
        };
        let method = call.method.to_string();
        let access = if method.contains("read") {
            Access::Shared
        } else {
            Access::Exclusive
        };
        let decl = self.origin_of(&call.receiver);
        let param = match decl {
            None => self.lock_param(&call.receiver),
            Some(_) => None,
        };
        self.out.lock_uses.push(LockUse {
            param,
            param_fn: param.and(self.body_fn),
            decl,
            locked: locked.clone(),
            kind,
            shape,
            access,
            ops,
            file: self.file,
            span: self.span(call.method.span()),
            function: self.function,
            region: self.region,
            thread: self.thread,
            setup: self.setup,
        });
    }

    /// The parameter `expr` is, when it is one: `m`, `&m`, `*m`, `m.clone()`,
    /// `Arc::clone(&m)` of a parameter `m` (`self` not counted).
    pub(super) fn lock_param(&self, expr: &Expr) -> Option<usize> {
        match strip_parens(expr) {
            Expr::Path(p) => {
                let ident = p.path.get_ident()?;
                self.lookup(&ident.to_string())?.param
            }
            Expr::Reference(r) => self.lock_param(&r.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.lock_param(&u.expr),
            Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "clone" | "as_ref") => {
                self.lock_param(&m.receiver)
            }
            Expr::Call(c) if is_clone_call(expr) => self.lock_param(c.args.first()?),
            _ => None,
        }
    }

    /// Records the locks a call to crate functions `callees` hands to their parameters.
    pub(super) fn record_lock_handoffs(&mut self, callees: &[FnId], expr: &Expr) {
        let (path_call, args): (bool, Vec<&Expr>) = match expr {
            Expr::Call(c) => (true, c.args.iter().collect()),
            Expr::MethodCall(m) => (false, m.args.iter().collect()),
            _ => return,
        };
        for (i, arg) in args.into_iter().enumerate() {
            if self.table.resolve(&self.type_of(arg)).lock().is_none() {
                continue;
            }
            let from = match (self.origin_of(arg), self.lock_param(arg), self.function) {
                (Some(key), _, _) => LockFrom::Decl(key),
                (None, Some(p), Some(f)) => LockFrom::Param(f, p),
                _ => LockFrom::Untraced,
            };
            for &callee in callees {
                // `Type::method(&x, m)`: the first argument is the receiver.
                let param = if path_call && self.table.fns[callee].has_self {
                    match i.checked_sub(1) {
                        Some(p) => p,
                        None => continue,
                    }
                } else {
                    i
                };
                self.out.lock_handoffs.push(LockHandoff {
                    from: from.clone(),
                    callee,
                    param,
                    caller: self.function,
                    thread: self.thread,
                });
            }
        }
    }

    /// Adds `ops` to the use whose lock call is at `span` (a temporary guard).
    pub(super) fn note_guard_ops(&mut self, lock: &syn::ExprMethodCall, ops: GuardedOps) {
        let span = self.span(lock.method.span());
        if let Some(use_) = self
            .out
            .lock_uses
            .iter_mut()
            .rev()
            .find(|u| u.span == span && u.file == self.file)
        {
            use_.ops.add(ops);
        }
    }

    /// What a bound guard's statements do with it (see [`bound_guard_ops`]).
    pub(super) fn bound_guard_ops<'s>(
        &self,
        var: Var<'_>,
        rest: impl IntoIterator<Item = &'s syn::Stmt>,
    ) -> GuardedOps {
        bound_guard_ops(var, rest)
    }

    /// If `expr` hands a temporary guard's value to other code (`f(&mut *m.lock())`,
    /// `mem::replace(&mut *m.write(), v)`), records what that does to it.
    pub(super) fn note_guard_argument(&mut self, call: &Expr) {
        let (args, replaced): (Vec<&Expr>, Option<&Expr>) = match call {
            Expr::Call(c) => (c.args.iter().collect(), replaced_place(c)),
            Expr::MethodCall(m) => (m.args.iter().collect(), None),
            _ => return,
        };
        for arg in args {
            let place = under_borrows(arg);
            let Some(lock) = self.lock_call(place) else {
                continue;
            };
            let replaces = replaced.is_some_and(|r| std::ptr::eq(under_borrows(r), place));
            let ops = if replaces {
                GuardedOps::REPLACE
            } else if matches!(arg, Expr::Reference(r) if r.mutability.is_some()) {
                GuardedOps::UNKNOWN
            } else {
                GuardedOps::READ
            };
            self.note_guard_ops(lock, ops);
        }
    }

    /// How a `let`-bound guard is used over the statements after it, up to `drop(name)`.
    pub(super) fn bound_guard_shape(&self, var: Var<'_>, rest: &[syn::Stmt]) -> UseShape {
        let is_guard = |inner: &Expr| is_deref_of(inner, var.name);
        let mut op: Option<ScalarOp> = None;
        // A value read into a local first: a later store is computed from it (`let r = *g;
        // *g = (r + 1) % n;`), a read-modify-write.
        let mut loaded = false;
        let mut merge = |new: ScalarOp, loaded: bool| {
            let new = if loaded && new == ScalarOp::Store {
                ScalarOp::Other
            } else {
                new
            };
            op = Some(match op {
                None | Some(ScalarOp::Load) => new,
                Some(old) if new == ScalarOp::Load || old == new => old,
                Some(_) => ScalarOp::Other,
            });
        };
        for stmt in rest {
            if is_drop_of(stmt, var) {
                break;
            }
            match stmt {
                syn::Stmt::Expr(e, _) => {
                    if passes_to_condvar(e, var) {
                        return UseShape::Condvar;
                    }
                    match simple_op(e, &is_guard) {
                        Some(o) => merge(o, loaded),
                        // `slot` (the tail that returns a copy read earlier): neither the
                        // value nor other work.
                        None if is_plain(e) && !mentions_var(e, var) => {}
                        None => return UseShape::Complex,
                    }
                }
                syn::Stmt::Local(l) => {
                    let Some(init) = &l.init else {
                        return UseShape::Complex;
                    };
                    // `let r = *g;`, `let next = *g + 1;`: a read of the value.
                    let reads = is_deref_of(&init.expr, var.name)
                        || simple_op(&init.expr, &is_guard) == Some(ScalarOp::Load)
                            && mentions_var(&init.expr, var);
                    if !reads || init.diverge.is_some() {
                        return UseShape::Complex;
                    }
                    merge(ScalarOp::Load, loaded);
                    loaded = true;
                }
                _ => return UseShape::Complex,
            }
        }
        UseShape::Simple(op.unwrap_or(ScalarOp::Other))
    }

    // ----- declarations -------------------------------------------------------------------

    /// Looks for a `Mutex<T>` / `RwLock<T>` in a declared type (aliases in the outer type are
    /// not expanded: the alias itself is the declaration).
    fn lock_in(&self, ty: &syn::Type) -> Option<Found> {
        let syn::Type::Path(p) = ty else {
            if let syn::Type::Tuple(t) = ty {
                let condvar = t.elems.iter().any(|e| self.names.ty(e).is_named("Condvar"));
                return t
                    .elems
                    .iter()
                    .find_map(|e| self.lock_in(e))
                    .map(|found| Found { condvar, ..found });
            }
            if let syn::Type::Array(a) = ty {
                return self.lock_in(&a.elem).map(|found| Found {
                    nested: true,
                    ..found
                });
            }
            return None;
        };
        let last = p.path.segments.last()?;
        let name = self.names.path(&p.path);
        let args: Vec<&syn::Type> = match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => a
                .args
                .iter()
                .filter_map(|g| match g {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        match name.name()? {
            lock @ ("Mutex" | "RwLock") => {
                let inner = self.table.resolve(&self.names.ty(args.first()?));
                let kind = if lock == "Mutex" {
                    LockKind::Mutex
                } else {
                    LockKind::RwLock
                };
                Some(Found {
                    kind,
                    inner,
                    span: self.span(ty.span()),
                    condvar: false,
                    nested: false,
                })
            }
            "Arc" | "Box" | "Option" | "CachePadded" | "LazyLock" | "Lazy" => {
                args.first().and_then(|t| self.lock_in(t))
            }
            "Vec" | "VecDeque" => args
                .first()
                .and_then(|t| self.lock_in(t))
                .map(|found| Found {
                    nested: true,
                    ..found
                }),
            _ => None,
        }
    }

    /// Records the lock a declaration of type `ty` holds, if any.
    pub(super) fn declare_lock(&mut self, key: DeclKey, ty: &syn::Type, with_condvar: bool) {
        if let Some(found) = self.lock_in(ty) {
            self.out.lock_decls.push(LockDecl {
                key,
                file: self.file,
                span: found.span,
                kind: found.kind,
                inner: found.inner,
                type_edit: Some(found.span),
                with_condvar: with_condvar || found.condvar,
                via_alias: None,
                nested: found.nested,
            });
        }
    }

    /// A type alias of a lock: the declaration that fields typed with it share.
    pub(super) fn declare_lock_alias(&mut self, alias: &syn::ItemType) {
        if let Some(found) = self.lock_in(&alias.ty) {
            self.out.lock_decls.push(LockDecl {
                key: DeclKey::Static(format!(
                    "type {}",
                    self.names.item_path(&alias.ident.to_string())
                )),
                file: self.file,
                span: found.span,
                kind: found.kind,
                inner: found.inner,
                type_edit: Some(found.span),
                with_condvar: found.condvar,
                via_alias: Some(self.names.item_path(&alias.ident.to_string())),
                nested: found.nested,
            });
        }
    }

    /// A struct field: the lock its type holds, or a use of a lock alias.
    pub(super) fn declare_field(
        &mut self,
        owner: &str,
        field: &str,
        ty: &syn::Type,
        has_condvar: bool,
    ) {
        let key = DeclKey::Field(owner.to_owned(), field.to_owned());
        self.declare_lock(key.clone(), ty, has_condvar);
        // A field typed with an alias of a lock is a use of the alias' declaration.
        if let syn::Type::Path(p) = ty {
            if p.path.segments.len() == 1 && p.path.segments[0].arguments.is_empty() {
                let alias = self
                    .names
                    .type_name(&p.path.segments[0].ident.to_string(), &[]);
                self.out.lock_decls.push(LockDecl {
                    key,
                    file: self.file,
                    span: self.span(ty.span()),
                    kind: LockKind::Mutex,
                    inner: Ty::Unknown,
                    type_edit: None,
                    with_condvar: has_condvar,
                    via_alias: Some(alias),
                    nested: false,
                });
            }
        }
    }

    /// The lock a `let` declares, from its type annotation or its `Mutex::new(..)` initialiser;
    /// its key if there is one.
    pub(super) fn declare_local_lock(
        &mut self,
        local: &syn::Local,
        init: &Expr,
    ) -> Option<DeclKey> {
        let key = self.local_key(local);
        if let Pat::Type(t) = &local.pat {
            self.lock_in(&t.ty)?;
            self.declare_lock(key.clone(), &t.ty, false);
            return Some(key);
        }
        let (kind, inner, span) = self.lock_init(init)?;
        self.out.lock_decls.push(LockDecl {
            key: key.clone(),
            file: self.file,
            span,
            kind,
            inner,
            type_edit: None,
            with_condvar: false,
            via_alias: None,
            nested: false,
        });
        Some(key)
    }

    /// `Mutex::new(..)` (possibly in `Arc::new(..)`): the lock an unannotated `let` declares.
    fn lock_init(&self, init: &Expr) -> Option<(LockKind, Ty, Span)> {
        let Expr::Call(c) = init else { return None };
        let Expr::Path(p) = &*c.func else { return None };
        let func = p.path.segments.last()?.ident.to_string();
        let owner = self.call_owner(&p.path)?;
        match (owner.as_str(), func.as_str()) {
            ("Arc" | "Box", "new") => self.lock_init(c.args.first()?),
            ("Mutex" | "RwLock", "new") => {
                let ty = self.table.resolve(&self.type_of(init));
                let (kind, inner) = ty.lock()?;
                Some((kind, inner.clone(), self.span(init.span())))
            }
            _ => None,
        }
    }
}

/// Maps the key of a field typed with a lock alias to the alias' declaration: uses of the
/// field are uses of the alias.
pub(crate) fn alias_keys(decls: &[LockDecl]) -> std::collections::HashMap<&DeclKey, DeclKey> {
    decls
        .iter()
        .filter(|d| !d.inner.is_known())
        .filter_map(|d| {
            d.via_alias
                .as_ref()
                .map(|a| (&d.key, DeclKey::Static(format!("type {a}"))))
        })
        .collect()
}
