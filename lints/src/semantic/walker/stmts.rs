//! Statements and function bodies: `let` bindings (what is bound, and where the value goes
//! next), patterns, parameters, and the per-function facts of a body.

use super::*;

impl Walker<'_> {
    pub(super) fn visit_local_stmt(&mut self, local: &syn::Local, later: Later<'_>) {
        let rest = later.all();
        self.lint_let(local, later);
        if let Pat::Type(t) = &local.pat {
            self.lint_decl(DeclKind::Let, &t.ty, None, None);
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
        let guard_call = self.bound_lock_call(&init.expr);
        // A guard a crate function takes and returns (`fn state(&self) -> MutexGuard<'_, S>`).
        let helper_guard = match guard_call {
            None => self.helper_guard(&init.expr),
            Some(_) => None,
        };
        self.note_state_word_binding(local, &init.expr, later);
        // `let Ok(g) = m.lock() else { .. }` binds the guard too.
        let binding = binding_ident(&local.pat).or_else(|| {
            (guard_call.is_some() || helper_guard.is_some())
                .then(|| wrapped_binding(&local.pat))
                .flatten()
        });
        let bound_ident = binding.map(|i| i.to_string());
        // Where the bound value goes next: kept, handed to a crate function, or nowhere.
        let moved = binding
            .zip(bound_ident.as_deref())
            .and_then(|(ident, n)| first_move(self.var(ident, n), later));
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
                        let ident = binding_ident(pat)?;
                        let name = ident.to_string();
                        Some(matches!(
                            first_move(self.var(ident, &name), later),
                            Some(Move::Kept)
                        ))
                    })
                    .collect()
            }
            _ => None,
        };
        // A future or closure bound here and spawned later is that spawn's work.
        let spawned = match (binding, bound_ident.as_deref(), strip_parens(&init.expr)) {
            (
                Some(ident),
                Some(n),
                Expr::Call(_) | Expr::MethodCall(_) | Expr::Async(_) | Expr::Closure(_),
            ) if guard_call.is_none() => self.spawned_later(self.var(ident, n), later),
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
            // Bound to a variable that is only read: the value dies with it.
            let only_read = binding.is_some_and(|ident| {
                w.bindings.site(ident).is_some_and(|b| {
                    w.bindings.uses(b).iter().all(|u| {
                        matches!(
                            u,
                            UseKind::Receiver
                                | UseKind::Borrowed
                                | UseKind::Field
                                | UseKind::Indexed
                        )
                    })
                })
            });
            // A closure called by name runs in its caller: what blocks in it blocks there.
            let let_closure = bound_ident.is_some()
                && matches!(strip_parens(&init.expr), Expr::Closure(c) if c.asyncness.is_none());
            if let Some((kind, at)) = spawned {
                w.visit_spawn(kind, at, Some(&init.expr));
            } else if let_closure {
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
                w.temporary = only_read;
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
            (None, Some(name)) if helper_guard.is_some() => {
                let (span, ty, is_async) = helper_guard.expect("matched");
                let section = name.starts_with('_');
                let inner = ty.arg(0);
                let id = self.new_guard_at(span, inner, true, is_async);
                let bindings = self.bindings.clone();
                let ident = binding.expect("a guard is bound to a name");
                let var = Var::new(&name, bindings.site(ident), &bindings);
                let condvar = later_passes_to_condvar(later, var);
                if let Some(guard) = self.guards.iter_mut().find(|g| g.id == id) {
                    guard.section |= section;
                    guard.condvar = condvar;
                }
                self.bind_guard(name, ty, origin, id);
            }
            (Some(call), Some(name)) => {
                // A guard bound through a `match` on the lock call has the lock call's type.
                let ty = if ty.is_known() {
                    ty
                } else {
                    self.method_type(call)
                };
                let id = self.new_guard(call, true, awaits_lock(&init.expr));
                if name.starts_with('_') {
                    if let Some(guard) = self.guards.iter_mut().find(|g| g.id == id) {
                        guard.section = true;
                    }
                }
                let bindings = self.bindings.clone();
                let ident = binding.expect("a guard is bound to a name");
                let var = Var::new(&name, bindings.site(ident), &bindings);
                let shape = self.bound_guard_shape(var, rest);
                let ops = self.bound_guard_ops(var, later.naming(&name));
                self.record_lock_use(call, shape, ops);
                if later_passes_to_condvar(later, var) {
                    if let Some(guard) = self.guards.iter_mut().find(|g| g.id == id) {
                        guard.condvar = true;
                    }
                }
                self.bind_guard(name, ty, origin, id);
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
                if let Some(ident) = binding_ident(&local.pat) {
                    let name = ident.to_string();
                    // A lock no use of which does anything but lock it: nothing shares it.
                    let private_lock = is_lock
                        && self.bindings.site(ident).is_some_and(|b| {
                            self.bindings.uses(b).iter().all(|u| *u == UseKind::Locked)
                        });
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
                    let field_origins = self.field_origins(&init.expr);
                    let derived = self.derived_guard(&init.expr);
                    let scratch = self.region.is_some()
                        && makes_empty_collection(&init.expr)
                        && self.bindings.site(ident).is_some_and(|b| {
                            self.bindings.uses(b).iter().all(|u| {
                                matches!(
                                    u,
                                    UseKind::Receiver
                                        | UseKind::Borrowed
                                        | UseKind::Field
                                        | UseKind::Indexed
                                )
                            })
                        })
                        && !later
                            .naming(&name)
                            .any(|stmt| empties(stmt, self.var(ident, &name)));
                    if let Some(l) = self.scopes.last_mut().and_then(|s| s.get_mut(&name)) {
                        l.field_origins = field_origins;
                        l.derived = derived;
                        l.made = made;
                        l.scratch = scratch;
                        l.stripe = slots::is_stripe_index(&init.expr);
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
                    let sole_use = self
                        .bindings
                        .site(&i.ident)
                        .is_some_and(|b| self.bindings.uses(b).len() == 1);
                    if let Some(local) = self.scopes.last_mut().and_then(|s| s.get_mut(&name)) {
                        local.fresh_arc = true;
                        local.sole_use = sole_use;
                    }
                }
            }
        }
    }

    pub(super) fn visit_stmts(&mut self, stmts: &[syn::Stmt]) {
        // Made at the block's first `let`: only a `let` searches the statements after it.
        let mut names = None;
        let tail_discarded = std::mem::take(&mut self.tail_discarded);
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
                        w.discarding = semi.is_some() || (tail_discarded && i + 1 == stmts.len());
                        w.visit_expr(expr)
                    });
                }
                syn::Stmt::Item(item) => self.visit_item(item),
                syn::Stmt::Macro(m) => self.visit_stmt_macro(m),
            }
        }
    }

    /// Visits a function body with its parameters bound.
    pub(super) fn visit_fn(&mut self, sig: &syn::Signature, block: &syn::Block) {
        let id = self
            .table
            .fn_at(self.file, self.span(sig.ident.span()).start);
        self.note_accessor_loads(sig, block);
        // The body is a scope of its own: the items it declares are its.
        let segment = crate::semantic::items::fn_scope_segment(
            self.self_ty.as_deref(),
            &sig.ident.to_string(),
        );
        let outer_scope = self.names.enter(&segment);
        let outer_bindings = std::mem::replace(
            &mut self.bindings,
            std::rc::Rc::new(Bindings::of_fn(sig, block)),
        );
        let outer_generics = self.generics.clone();
        self.generics
            .extend(sig.generics.type_params().map(|p| p.ident.to_string()));
        let returned = owners::returned_parts(block, &self.bindings);
        let outer_returned = std::mem::replace(&mut self.returned, returned);
        self.with_function(id, |w| {
            w.fn_facts = Some(FnBodyFacts::default());
            w.callable_generics = callable_generics(&sig.generics);
            w.setup = sets_up(sig, w.self_ty.as_deref().map(short_name));
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
            w.check(|checker, cx, _| checker.function(cx, sig, block));
            // An `async fn` moves its parameters into the future it returns.
            let least = if sig.asyncness.is_some() {
                ParamFate::Returned
            } else {
                ParamFate::Dropped
            };
            facts.params = params
                .iter()
                .map(|(t, _)| match &*t.pat {
                    Pat::Ident(i) => {
                        let name = i.ident.to_string();
                        param_fate(w.var(&i.ident, &name), block).max(least)
                    }
                    // A destructured parameter: its parts may go anywhere.
                    _ => ParamFate::Kept,
                })
                .collect();
            if let Some(id) = id {
                w.out.fn_facts.push((id, facts));
            }
        });
        self.returned = outer_returned;
        self.generics = outer_generics;
        self.bindings = outer_bindings;
        self.names.leave(outer_scope);
    }

    /// Binds the names of a pattern matched against a value of type `ty`.
    pub(super) fn bind_pat(
        &mut self,
        pat: &Pat,
        ty: Ty,
        origin: Option<DeclKey>,
        borrows: Option<GuardId>,
    ) {
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
                // `let (lock, cvar) = &*pair;`: the lock beside a `Condvar` is its protocol's.
                if let Ty::Tuple(items) = &inner {
                    if items.iter().any(|t| t.is_named("Condvar")) {
                        for p in &t.elems {
                            let Pat::Ident(i) = p else { continue };
                            if let Some(local) = self
                                .scopes
                                .last_mut()
                                .and_then(|s| s.get_mut(&i.ident.to_string()))
                            {
                                local.condvar_lock = true;
                            }
                        }
                    }
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
                    // Another crate's newtype of one type argument, destructured by its own
                    // name: a web framework's extractor (`State(state): State<Arc<App>>`,
                    // `Extension(db)`, `Json(body)`), a wrapper (`Wrapping(n)`).
                    (_, Ty::Named(name, args))
                        if ts.elems.len() == 1 && args.len() == 1 && *name == variant =>
                    {
                        args[0].clone()
                    }
                    _ => Ty::Unknown,
                };
                for (i, p) in ts.elems.iter().enumerate() {
                    // A tuple struct of the crate's own: its fields' declared types.
                    let inner = match inner {
                        Ty::Unknown => self.table.field(&self.names.path(&ts.path), &i.to_string()),
                        _ => inner.clone(),
                    };
                    self.bind_pat(p, inner, origin.clone(), borrows);
                }
            }
            Pat::Struct(s) => {
                self.record_pattern_fields(s);
                for field in &s.fields {
                    let member = match &field.member {
                        syn::Member::Named(i) => i.to_string(),
                        syn::Member::Unnamed(i) => i.index.to_string(),
                    };
                    let field_ty = self.table.field(&self.names.path(&s.path), &member);
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

    /// Binds a closure's parameters: annotated types, or the item type of the iterator it is
    /// handed to.
    pub(super) fn bind_closure_params(
        &mut self,
        closure: &syn::ExprClosure,
        item: Ty,
        borrows: Option<GuardId>,
    ) {
        self.note_predicate_loads(closure);
        for (i, input) in closure.inputs.iter().enumerate() {
            let ty = if i == 0 { item.clone() } else { Ty::Unknown };
            self.bind_pat(input, ty, None, borrows);
        }
    }

    pub(super) fn lint_expr(&mut self, expr: &Expr) {
        self.check(|checker, cx, sink| checker.expr(cx, expr, sink));
    }

    pub(super) fn lint_let(&mut self, local: &syn::Local, later: Later<'_>) {
        self.check(|checker, cx, sink| checker.local(cx, local, later, sink));
    }

    pub(super) fn lint_decl(
        &mut self,
        kind: DeclKind,
        ty: &syn::Type,
        vis: Option<&syn::Visibility>,
        init: Option<&Expr>,
    ) {
        let public = matches!(vis, Some(syn::Visibility::Public(_)));
        let decl = Decl {
            kind,
            ty,
            public,
            init,
        };
        self.check(|checker, cx, sink| checker.decl(cx, &decl, sink));
    }

    /// Hands the checker the context of the code being walked and a sink for its findings.
    pub(super) fn check(&mut self, f: impl FnOnce(&mut dyn Checker, &Cx<'_, '_>, &mut Sink<'_>)) {
        let mut out = std::mem::take(&mut self.out);
        let iterations = iterations(&out.regions, self.region);
        let checker = self
            .checker
            .take()
            .expect("the checker is handed back after each call");
        f(
            &mut *checker,
            &Cx {
                walker: self,
                iterations,
            },
            &mut Sink { out: &mut out },
        );
        self.checker = Some(checker);
        self.out = out;
    }
}

/// Whether `expr` makes a new, empty collection: `Vec::new()`, `HashMap::with_capacity(n)`,
/// `vec![]`.
fn makes_empty_collection(expr: &Expr) -> bool {
    const COLLECTIONS: &[&str] = &[
        "Vec",
        "VecDeque",
        "HashMap",
        "HashSet",
        "BTreeMap",
        "BTreeSet",
        "BinaryHeap",
        "SmallVec",
        "IndexMap",
        "IndexSet",
        "FxHashMap",
        "FxHashSet",
    ];
    match strip_parens(expr) {
        Expr::Call(c) if expanded_macro_name(c).is_some_and(|m| m == "vec") => c.args.is_empty(),
        Expr::Call(c) => path_tail(&c.func).is_some_and(|(owner, f)| {
            owner.is_some_and(|o| COLLECTIONS.contains(&o.as_str()))
                && matches!(f.as_str(), "new" | "with_capacity" | "default")
        }),
        _ => false,
    }
}

/// Whether a statement empties the collection `var` into something that may outlive it:
/// `v.into_iter()`, `v.drain(..)`, `mem::take(&mut v)`.
fn empties(stmt: &syn::Stmt, var: Var<'_>) -> bool {
    struct Find<'n>(Var<'n>, bool);
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            let method = m.method.to_string();
            if (method.starts_with("into") || method.starts_with("drain") || method == "split_off")
                && self.0.expr(strip_parens(&m.receiver))
            {
                self.1 = true;
            }
            visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if path_tail(&c.func)
                .is_some_and(|(_, f)| matches!(f.as_str(), "take" | "replace" | "swap"))
                && c.args.iter().any(|a| mentions_var(a, self.0))
            {
                self.1 = true;
            }
            visit::visit_expr_call(self, c);
        }
    }
    let mut find = Find(var, false);
    find.visit_stmt(stmt);
    find.1
}

/// The name `Ok(name)` or `Some(name)` binds.
fn wrapped_binding(pat: &Pat) -> Option<&syn::Ident> {
    match pat {
        Pat::TupleStruct(ts) if ts.elems.len() == 1 => {
            let variant = ts.path.segments.last()?.ident.to_string();
            matches!(variant.as_str(), "Ok" | "Some")
                .then(|| binding_ident(&ts.elems[0]))
                .flatten()
        }
        _ => None,
    }
}
