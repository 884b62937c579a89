//! Calls resolved to crate functions (by name, arity and, where the receiver's type is
//! known, its impl), where values come from, and the call edges of the crate's call graph.

use super::*;

impl Walker<'_> {
    /// Crate functions a call may resolve to: by name and arity, and by the receiver's impl
    /// when its type is known. An unresolved receiver resolves only to a unique crate method
    /// whose name is not a common standard one.
    pub(super) fn resolve_call(&self, expr: &Expr) -> Vec<FnId> {
        match expr {
            Expr::MethodCall(m) => self.resolve_method(&self.type_of(&m.receiver), m),
            Expr::Call(c) => self.resolve_path_call(c),
            _ => Vec::new(),
        }
    }

    pub(super) fn resolve_method(&self, recv: &Ty, m: &syn::ExprMethodCall) -> Vec<FnId> {
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

    pub(super) fn resolve_path_call(&self, c: &syn::ExprCall) -> Vec<FnId> {
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
            // `Type::f(..)`, `Self::f(..)`: an associated function of the type the owner names.
            let owner = self.call_owner(&p.path);
            if let Some(owner) = owner {
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
            }
        }
        // A function by its path: `f(..)`, `pool::run(..)`, `crate::a::f(..)`.
        match self.names.resolve_path(&p.path, Ns::Value) {
            Res::Crate(path) => self
                .table
                .fns_at_path(&path)
                .iter()
                .copied()
                .filter(|&id| self.table.fns[id].params.len() == arity)
                .collect(),
            Res::External(_) => Vec::new(),
            // A name several modules define and this scope does not show which: as before,
            // the few functions of that name.
            Res::Unknown if segments.len() == 1 => self.free_functions(&name, arity),
            Res::Unknown => Vec::new(),
        }
    }

    /// What the owner of a path call names (`Arc` in `Arc::new(..)`, `State` in
    /// `server::State::new(..)`, the impl's type for `Self::new(..)`): a crate type's canonical
    /// path, else its last segment. `None` for a path of one segment.
    pub(super) fn call_owner(&self, path: &syn::Path) -> Option<String> {
        let n = path.segments.len();
        if n < 2 {
            return None;
        }
        if n == 2 && path.segments[0].ident == "Self" {
            return self.self_ty.clone();
        }
        let owner = syn::Path {
            leading_colon: path.leading_colon,
            segments: path.segments.iter().take(n - 1).cloned().collect(),
        };
        Some(match self.names.resolve_path(&owner, Ns::Type) {
            Res::Crate(path) => path,
            Res::External(name) => name,
            Res::Unknown => path.segments[n - 2].ident.to_string(),
        })
    }

    /// Free functions of this name and arity anywhere in the crate.
    pub(super) fn free_candidates(&self, name: &str, arity: usize) -> Vec<FnId> {
        self.table
            .candidates(name, arity, None, false)
            .into_iter()
            .filter(|&id| self.table.fns[id].self_ty.is_none())
            .collect()
    }

    pub(super) fn free_functions(&self, name: &str, arity: usize) -> Vec<FnId> {
        few(self.free_candidates(name, arity))
    }

    /// The crate functions a later statement's call may resolve to, worked out without
    /// remembering the types met on the way: the variables bound in between are not in scope
    /// yet, so those types may be wrong where the call really is.
    pub(super) fn resolve_ahead(&self, call: &Expr) -> Vec<FnId> {
        self.looking_ahead.set(true);
        let callees = self.resolve_call(call);
        self.looking_ahead.set(false);
        callees
    }

    /// Whether a callee is a closure or function value (`f(..)`, `(self.cb)(..)`) rather than a
    /// named function.
    pub(super) fn calls_callable(&self, callee: &Expr) -> bool {
        let callee = strip_parens(callee);
        let named_fn = matches!(callee, Expr::Path(p) if p.path.segments.len() > 1
            || p.path.get_ident().is_some_and(|i| self.lookup(&i.to_string()).is_none()));
        !named_fn && matches!(self.type_of(callee).auto_deref(), Ty::Callable)
    }

    /// Where a value comes from: the declaration of the lock (or `Arc` of it) it is.
    pub(super) fn origin_of(&self, expr: &Expr) -> Option<DeclKey> {
        match expr {
            Expr::Path(p) => {
                if let Some(ident) = p.path.get_ident() {
                    if let Some(local) = self.lookup(&ident.to_string()) {
                        return local.origin.clone();
                    }
                }
                match self.names.resolve_path(&p.path, Ns::Value) {
                    Res::Crate(path) => self.table.static_ty(&path).map(|_| DeclKey::Static(path)),
                    _ => None,
                }
            }
            Expr::Field(f) => {
                // A field of a struct this function built from a lock it declared.
                if let (Expr::Path(p), syn::Member::Named(member)) =
                    (strip_parens(&f.base), &f.member)
                {
                    let local = p.path.get_ident().and_then(|i| self.lookup(&i.to_string()));
                    if let Some((_, key)) = local
                        .into_iter()
                        .flat_map(|l| &l.field_origins)
                        .find(|(field, _)| member == field)
                    {
                        return Some(key.clone());
                    }
                }
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

    /// For a struct literal, the fields whose values come from a lock declaration this
    /// function can see (`Ctx { map: Arc::clone(&map), .. }`, `Ctx { map }`).
    pub(super) fn field_origins(&self, init: &Expr) -> Vec<(String, DeclKey)> {
        let Expr::Struct(st) = strip_parens(init) else {
            return Vec::new();
        };
        st.fields
            .iter()
            .filter_map(|field| {
                let syn::Member::Named(name) = &field.member else {
                    return None;
                };
                // Only the function's own locks: a field's own declaration is already its key.
                let key = self.origin_of(&field.expr)?;
                matches!(key, DeclKey::Local(..)).then(|| (name.to_string(), key))
            })
            .collect()
    }

    /// The parameter (index, `self` not counted) a value is reached from.
    pub(super) fn param_root(&self, expr: &Expr) -> Option<usize> {
        let root = root_var(expr)?;
        match self.lookup(&root.to_string()) {
            Some(local) => local.param,
            None => (root == "self").then_some(SELF_PARAM),
        }
    }

    /// Where an argument's value comes from.
    pub(super) fn arg_root(&self, expr: &Expr) -> ArgRoot {
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

    pub(super) fn record_call(&mut self, expr: &Expr) {
        let ids = self.resolve_call(expr);
        if ids.is_empty() {
            return;
        }
        let span = self.span(match expr {
            Expr::MethodCall(m) => m.method.span(),
            Expr::Call(c) => c.func.span(),
            _ => expr.span(),
        });
        self.record_lock_handoffs(&ids, expr);
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
                cold: self.cold > 0,
                result_dropped: self.dropped_here,
                in_test: false,
            });
        }
    }
}

/// A call resolved by name alone is a guess among many same-named functions: keep it only when
/// it names one or two.
pub(super) fn few(ids: Vec<FnId>) -> Vec<FnId> {
    if ids.len() <= 2 { ids } else { Vec::new() }
}
