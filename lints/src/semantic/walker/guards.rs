//! Lock guards: which calls take a lock, the guard each makes, and which values borrow a
//! guard's data.

use super::*;

/// The methods that take a lock and return its guard: std's and `parking_lot`'s, the async
/// locks' (`tokio::sync`, `async_lock`, `futures::lock`, `async_std::sync`: awaited, owned,
/// `Arc`-held, or taken blocking from synchronous code).
pub(super) const LOCK_METHODS: &[&str] = &[
    "lock",
    "read",
    "write",
    "try_lock",
    "try_read",
    "try_write",
    "upgradable_read",
    "lock_owned",
    "read_owned",
    "write_owned",
    "try_lock_owned",
    "try_read_owned",
    "try_write_owned",
    "blocking_lock",
    "blocking_lock_owned",
    "blocking_read",
    "blocking_write",
    "lock_arc",
    "read_arc",
    "write_arc",
    "upgradable_read_arc",
    "try_lock_arc",
    "lock_blocking",
    "read_blocking",
    "write_blocking",
];

/// The guard types a crate function may return, each dereferencing to its last type
/// argument: std's, `parking_lot`'s (mapped ones too) and `tokio::sync`'s (owned ones too).
const GUARD_TYPES: &[&str] = &[
    "MutexGuard",
    "RwLockReadGuard",
    "RwLockWriteGuard",
    "MappedMutexGuard",
    "MappedRwLockReadGuard",
    "MappedRwLockWriteGuard",
    "OwnedMutexGuard",
    "OwnedRwLockReadGuard",
    "OwnedRwLockWriteGuard",
];

impl Walker<'_> {
    /// If `expr` takes a lock (`m.lock()`, `.read()`, `.write()`, `try_*`, possibly followed by
    /// `.unwrap()`, `.expect(..)`, `?` or `.await`), the lock call.
    pub(super) fn lock_call<'e>(&self, expr: &'e Expr) -> Option<&'e syn::ExprMethodCall> {
        match expr {
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                match name.as_str() {
                    _ if LOCK_METHODS.contains(&name.as_str()) && m.args.is_empty() => {
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
                    // `m.lock().unwrap()`, `.unwrap_or_else(PoisonError::into_inner)`,
                    // `.map_err(..)?`, `.ok()?`: the guard or the error, never a copy.
                    "unwrap" | "expect" | "unwrap_or_else" | "map_err" | "ok" => {
                        self.lock_call(&m.receiver)
                    }
                    _ => None,
                }
            }
            Expr::Try(t) => self.lock_call(&t.expr),
            Expr::Await(a) => self.lock_call(&a.base),
            Expr::Paren(p) => self.lock_call(&p.expr),
            _ => None,
        }
    }

    /// The guard a call of crate functions returns, taken inside them (`let g = self.state();`
    /// with `fn state(&self) -> MutexGuard<'_, State>`, also through `unwrap`, `expect`, `?`
    /// and `.await`): where it is taken (the call), the guard's type with the guarded type as
    /// its one argument, and whether it was awaited. Every function the call may resolve to must return a guard, of std's, a
    /// lock crate's or tokio's guard types, not one the crate defines itself.
    pub(super) fn helper_guard(&self, init: &Expr) -> Option<(Span, Ty, bool)> {
        let mut call = strip_parens(init);
        let mut awaited = false;
        loop {
            call = match call {
                Expr::MethodCall(m)
                    if matches!(m.method.to_string().as_str(), "unwrap" | "expect") =>
                {
                    strip_parens(&m.receiver)
                }
                Expr::Try(t) => strip_parens(&t.expr),
                Expr::Await(a) => {
                    awaited = true;
                    strip_parens(&a.base)
                }
                _ => break,
            };
        }
        let span = match call {
            // A crate type's own `lock()` is not a lock the analysis knows.
            Expr::MethodCall(m) if LOCK_METHODS.contains(&m.method.to_string().as_str()) => {
                return None;
            }
            Expr::MethodCall(m) => self.span(m.method.span()),
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => self.span(p.path.segments.last()?.ident.span()),
                _ => return None,
            },
            _ => return None,
        };
        if self.resolve_call(call).is_empty() {
            return None;
        }
        // A type of the crate's own is named by its canonical path, so a guard type of its own
        // lock is never one of these, whatever its name; an alias of one
        // (`type MutexGuard<'a, T> = lock_api::MutexGuard<'a, RawSpin, T>`) is lock_api's.
        let ty = self.table.resolve(&self.type_of(init));
        match ty.peel_refs() {
            Ty::Named(name, args) if GUARD_TYPES.contains(&name.as_str()) => {
                // `lock_api::MutexGuard<'a, R, T>` names its raw lock first: the data is last.
                Some((span, Ty::named(name, vec![args.last()?.clone()]), awaited))
            }
            _ => None,
        }
    }

    pub(super) fn new_guard(
        &mut self,
        call: &syn::ExprMethodCall,
        bound: bool,
        is_async: bool,
    ) -> GuardId {
        let lock_span = self.span(call.method.span());
        let recv = self.table.resolve(&self.type_of(&call.receiver));
        let inner = recv.lock().map(|(_, t)| t.clone()).unwrap_or_default();
        let id = self.new_guard_at(lock_span, inner, bound, is_async);
        let tried = call.method.to_string().starts_with("try_");
        let asserted = self.asserted_lock == Some(lock_span);
        // A lock paired with a `Condvar`: bound beside it (`let (lock, cvar) = &*pair;`) or a
        // field of the tuple that holds it (`pair.0.lock()`).
        let condvar = root_var(&call.receiver)
            .and_then(|root| self.lookup(&root.to_string()))
            .is_some_and(|local| {
                local.condvar_lock
                    || (matches!(&*call.receiver, Expr::Field(_))
                        && matches!(self.table.resolve(&local.ty).auto_deref(),
                            Ty::Tuple(items) if items.iter().any(|t| t.is_named("Condvar"))))
            });
        let private = root_var(&call.receiver)
            .and_then(|root| self.lookup(&root.to_string()))
            .is_some_and(|local| local.private_lock);
        if let Some(guard) = self.guards.iter_mut().find(|g| g.id == id) {
            guard.tried = tried;
            guard.asserted = asserted;
            guard.condvar = condvar;
            guard.private = private;
        }
        id
    }

    /// Binds `name` to guard `id`, a value of type `ty` declared at `origin`.
    pub(super) fn bind_guard(
        &mut self,
        name: String,
        ty: Ty,
        origin: Option<DeclKey>,
        id: GuardId,
    ) {
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

    /// A new live guard of the lock taken at `lock_span`, guarding a `inner`.
    pub(super) fn new_guard_at(
        &mut self,
        lock_span: Span,
        inner: Ty,
        bound: bool,
        is_async: bool,
    ) -> GuardId {
        let id = self.next_guard;
        self.next_guard += 1;
        self.clock += 1;
        self.guards.push(Guard {
            id,
            lock_span,
            section: matches!(&inner, Ty::Tuple(t) if t.is_empty()),
            tried: false,
            asserted: false,
            condvar: false,
            private: false,
            inner,
            is_async,
            taken_at: self.clock,
            statement: (!bound).then_some(self.statement),
            scope: bound.then_some(self.scopes.len()),
        });
        id
    }

    /// The live guard whose data `expr` borrows, or that `expr` is.
    pub(super) fn borrowed_guard(&self, expr: &Expr) -> Option<GuardId> {
        let live = |id: GuardId| self.guards.iter().any(|g| g.id == id).then_some(id);
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
                if self.keeps_borrow(m) {
                    if let Some(id) = self.borrowed_guard(&m.receiver) {
                        return Some(id);
                    }
                }
                self.argument_borrow(expr)
            }
            Expr::Call(_) => self.argument_borrow(expr),
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
            // `match guarded.get(k) { Some(v) => v, None => return }`: an arm's value is what
            // its pattern borrowed.
            Expr::Match(m) if m.arms.iter().any(arm_yields_binding) => self.borrowed_guard(&m.expr),
            _ => None,
        }
    }

    /// Whether the value of method call `m` still borrows what its receiver borrows: a
    /// borrowing method of std (`get`, `iter`, `as_str`), one that passes an `Option`'s or
    /// `Result`'s value on (`ok_or(..)`, `map_err(..)`, `context(..)`), or a method of the
    /// crate's whose signature returns a reference tied to `&self` (`fn items(&self) -> &[T]`)
    /// or a value that borrows from it (`impl Iterator<Item = &T> + '_`, `Iter<'_, T>`), and an
    /// item taken from an iterator of references.
    pub(super) fn keeps_borrow(&self, m: &syn::ExprMethodCall) -> bool {
        let method = m.method.to_string();
        if BORROWING_METHODS.contains(&method.as_str()) || VALUE_PASSING.contains(&method.as_str())
        {
            return true;
        }
        let recv = self.type_of(&m.receiver);
        // An item of an iterator of references (`rows.next()`) points where the iterator does.
        let items = matches!(
            method.as_str(),
            "next" | "next_back" | "nth" | "last" | "min" | "max" | "find" | "peek"
        );
        if items
            && recv.auto_deref().is_named("Iter")
            && matches!(recv.auto_deref().arg(0), Ty::Ref(_))
        {
            return true;
        }
        let ids = self.resolve_method(&recv, m);
        !ids.is_empty()
            && ids.iter().all(|&id| {
                let sig = &self.table.fns[id];
                sig.has_self && (returns_borrow(&sig.ret) || sig.borrows_self)
            })
    }

    /// The live guard a crate function's result borrows through an argument: the signature
    /// ties the result to a parameter (see `FnSig::borrowed_params`) and the argument there
    /// borrows the guard (`self.get_writer(&mut guard)?`, `first(&guard.items)`). Every
    /// function the call may resolve to must tie its result to such a parameter.
    pub(super) fn argument_borrow(&self, expr: &Expr) -> Option<GuardId> {
        let (ids, args, receiver) = match expr {
            Expr::MethodCall(m) => (
                self.resolve_method(&self.type_of(&m.receiver), m),
                m.args.iter().collect::<Vec<_>>(),
                false,
            ),
            Expr::Call(c) => {
                let ids = self.resolve_path_call(c);
                // `Type::method(&x, ..)`: the first argument is the receiver.
                let receiver = ids.first().is_some_and(|&id| {
                    let sig = &self.table.fns[id];
                    sig.has_self && sig.params.len() + 1 == c.args.len()
                });
                (ids, c.args.iter().collect(), receiver)
            }
            _ => return None,
        };
        let mut found = None;
        for &id in &ids {
            let sig = &self.table.fns[id];
            let (receiver_arg, params) = match args.split_first() {
                Some((first, rest)) if receiver => (Some(*first), rest),
                _ => (None, &args[..]),
            };
            let through_receiver = receiver_arg
                .filter(|_| sig.borrows_self || returns_borrow(&sig.ret))
                .and_then(|arg| self.borrowed_guard(arg));
            let through_params = sig
                .borrowed_params
                .iter()
                .filter_map(|&i| params.get(i))
                .find_map(|arg| self.borrowed_guard(arg));
            let id = through_receiver.or(through_params)?;
            found = Some(id);
        }
        found
    }

    /// The lock call a `let` binds a guard from: the lock chain itself, or a `match`/`if let`
    /// on it whose arms yield the guard or leave (`match m.lock() { Ok(g) => g, Err(p) =>
    /// p.into_inner() }`).
    pub(super) fn bound_lock_call<'e>(&self, init: &'e Expr) -> Option<&'e syn::ExprMethodCall> {
        if let Some(call) = self.lock_call(init) {
            return Some(call);
        }
        match init {
            Expr::Match(m) => {
                let yields = m.arms.iter().all(|arm| {
                    arm_yields_binding(arm) || arm_into_inner(arm) || diverges(&arm.body)
                });
                let any_guard = m.arms.iter().any(arm_yields_binding);
                (yields && any_guard)
                    .then(|| self.lock_call(&m.expr))
                    .flatten()
            }
            Expr::If(i) => {
                let Expr::Let(l) = &*i.cond else { return None };
                let (_, else_branch) = i.else_branch.as_ref()?;
                let then_yields = match i.then_branch.stmts.last() {
                    Some(syn::Stmt::Expr(Expr::Path(p), None)) => {
                        p.path.get_ident().is_some_and(|name| binds(&l.pat, name))
                    }
                    _ => false,
                };
                (then_yields && diverges(else_branch))
                    .then(|| self.lock_call(&l.expr))
                    .flatten()
            }
            Expr::Paren(p) => self.bound_lock_call(&p.expr),
            _ => None,
        }
    }

    /// The guards of this function that a `move` closure or an `async move` block names: moved
    /// into it, they are held where it runs.
    pub(super) fn guards_moved_into(&self, work: &Expr) -> Vec<GuardId> {
        struct Names<'w, 'a> {
            walker: &'w Walker<'a>,
            ids: Vec<GuardId>,
        }
        impl<'ast> Visit<'ast> for Names<'_, '_> {
            fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
                if let Some(local) = p
                    .path
                    .get_ident()
                    .and_then(|i| self.walker.lookup(&i.to_string()))
                {
                    self.ids.extend(local.guard);
                }
            }
            fn visit_item(&mut self, _: &'ast syn::Item) {}
        }
        let moves = match work {
            Expr::Closure(c) => c.capture.is_some(),
            Expr::Async(a) => a.capture.is_some(),
            _ => false,
        };
        let mut names = Names {
            walker: self,
            ids: Vec::new(),
        };
        if moves {
            names.visit_expr(work);
        }
        names.ids
    }

    /// The guard whose data the value of `init` may keep a borrow of: a method's result called
    /// on guarded data (`let fut = exporter.export(batch);`), which may hold `&self`.
    pub(super) fn derived_guard(&self, init: &Expr) -> Option<GuardId> {
        match strip_parens(init) {
            Expr::MethodCall(m) => self
                .borrowed_guard(&m.receiver)
                .or_else(|| self.derived_guard(&m.receiver)),
            Expr::Path(p) => p
                .path
                .get_ident()
                .and_then(|i| self.lookup(&i.to_string()))
                .and_then(|l| l.derived),
            _ => None,
        }
    }

    /// Whether binding `init` keeps a borrow of guarded data (a reference, not a copy).
    pub(super) fn init_borrows(&self, init: &Expr) -> Option<GuardId> {
        let id = self.borrowed_guard(init)?;
        let borrows = match init {
            Expr::Reference(_) => true,
            Expr::MethodCall(m) => self.keeps_borrow(m) || self.argument_borrow(init).is_some(),
            Expr::Call(_) | Expr::Try(_) | Expr::Paren(_) | Expr::If(_) | Expr::Match(_) => true,
            _ => false,
        };
        borrows.then_some(id)
    }

    /// Whether `expr` is `*<lock chain>`: a temporary guard dereferenced.
    pub(super) fn is_lock_deref(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.lock_call(&u.expr).is_some()
            }
            Expr::Paren(p) => self.is_lock_deref(&p.expr),
            _ => false,
        }
    }
}

/// Methods of `Option` and `Result` that pass their value on unchanged: what it borrowed, the
/// result borrows.
const VALUE_PASSING: &[&str] = &[
    "ok_or",
    "ok_or_else",
    "map_err",
    "context",
    "with_context",
    "ok",
];

/// Whether a function returning `ty` returns a borrow: `&T`, `Option<&T>`, `Result<&T, E>`.
fn returns_borrow(ty: &Ty) -> bool {
    match ty {
        Ty::Ref(_) => true,
        Ty::Named(n, args) if n == "Option" || n == "Result" => {
            matches!(args.first(), Some(Ty::Ref(_)))
        }
        _ => false,
    }
}

/// Whether a `match` arm's value is a name its pattern binds: `Some(v) => v`, `Ok(g) => g`.
fn arm_yields_binding(arm: &syn::Arm) -> bool {
    let tail = match &*arm.body {
        Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => e,
            _ => return false,
        },
        e => e,
    };
    matches!(tail, Expr::Path(p) if p.path.get_ident().is_some_and(|name| binds(&arm.pat, name)))
}

/// Whether a `match` arm recovers a poisoned lock's guard: `Err(p) => p.into_inner()`.
fn arm_into_inner(arm: &syn::Arm) -> bool {
    matches!(&*arm.body, Expr::MethodCall(m) if m.method == "into_inner"
        && matches!(&*m.receiver, Expr::Path(p)
            if p.path.get_ident().is_some_and(|name| binds(&arm.pat, name))))
}

/// Whether evaluating `expr` never finishes normally: `return`, `break`, `continue`, a panic,
/// or a block ending in one.
pub(super) fn diverges(expr: &Expr) -> bool {
    match expr {
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => true,
        Expr::Macro(m) => m.mac.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "panic" | "unreachable" | "todo" | "unimplemented" | "bail"
            )
        }),
        Expr::Block(b) => b.block.stmts.last().is_some_and(|stmt| match stmt {
            syn::Stmt::Expr(e, _) => diverges(e),
            syn::Stmt::Macro(m) => diverges(&Expr::Macro(syn::ExprMacro {
                attrs: Vec::new(),
                mac: m.mac.clone(),
            })),
            _ => false,
        }),
        Expr::Paren(p) => diverges(&p.expr),
        _ => false,
    }
}
