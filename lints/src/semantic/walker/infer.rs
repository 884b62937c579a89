//! Types of expressions as far as the source shows: locals, fields, literals, constructors,
//! calls and methods, with the crate's table for what other files declare.

use super::*;

impl Walker<'_> {
    pub(super) fn ty(&self, ty: &syn::Type) -> Ty {
        let ty = self.names.ty_with(ty, &self.generics);
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

    pub(super) fn type_of_uncached(&self, expr: &Expr) -> Ty {
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
                match self.names.resolve_path(&p.path, Ns::Value) {
                    Res::Crate(path) => self.table.static_ty(&path).unwrap_or_default(),
                    _ => Ty::Unknown,
                }
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
            Expr::Struct(s) => self.names.path(&s.path),
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
            // `match opt { Some(v) => v, None => return }`: the value the pattern unwraps.
            Expr::Match(m) if m.arms.iter().any(unwraps_scrutinee) => {
                unwrap_ty(&self.type_of(&m.expr))
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

    pub(super) fn call_type(&self, call: &syn::ExprCall) -> Ty {
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
        let owner_name = self.call_owner(&p.path);
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
            _ => {
                let ids = self.resolve_path_call(call);
                let args: Vec<&Expr> = call.args.iter().collect();
                self.instantiated_return(&ids, &args)
            }
        }
    }

    pub(super) fn unique_return(&self, ids: &[FnId]) -> Ty {
        match ids {
            [id] => self.table.resolve(&self.table.fns[*id].ret),
            _ => Ty::Unknown,
        }
    }

    /// The return type of the one function a call resolves to, with its generic parameters
    /// replaced by what the arguments show (`RwLock::new(0u32)` of an `impl<T> RwLock<T>` is a
    /// `RwLock<u32>`): a parameter typed by a bare generic takes its argument's type.
    fn instantiated_return(&self, ids: &[FnId], args: &[&Expr]) -> Ty {
        let [id] = ids else { return Ty::Unknown };
        let sig = &self.table.fns[*id];
        // `Type::method(&x, ..)` calls a method with its receiver first.
        let args = if sig.has_self && args.len() == sig.params.len() + 1 {
            &args[1..]
        } else {
            args
        };
        let mut bound: Vec<(String, Ty)> = Vec::new();
        for (param, arg) in sig.params.iter().zip(args) {
            if let Ty::Named(name, inner) = param {
                if inner.is_empty() && sig.generics.contains(name) {
                    let ty = self.type_of(arg);
                    if ty.is_known() && !bound.iter().any(|(n, _)| n == name) {
                        bound.push((name.clone(), ty));
                    }
                }
            }
        }
        let ret = self.table.resolve(&sig.ret);
        if bound.is_empty() {
            return ret;
        }
        let (params, args): (Vec<String>, Vec<Ty>) = bound.into_iter().unzip();
        crate::semantic::types::substitute(&ret, &params, &args)
    }

    pub(super) fn method_type(&self, m: &syn::ExprMethodCall) -> Ty {
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
                    ) || (matches!(n.as_str(), "Ref" | "RefMut") && args.len() == 1) =>
                {
                    args.first().cloned().unwrap_or_default()
                }
                t => t.clone(),
            },
            lock if guards::LOCK_METHODS.contains(&lock) && m.args.is_empty() => {
                // `io::stdin().lock()`: the handle locked for this thread, still a terminal.
                if let (Ty::Named(stream, _), "lock") = (recv.peel_refs(), lock) {
                    if matches!(stream.as_str(), "Stdin" | "Stdout" | "Stderr") {
                        return Ty::named(&format!("{stream}Lock"), vec![]);
                    }
                }
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
            // The value passes on unchanged (a lock call's result is typed as its guard).
            "map_err" | "ok_or" | "ok_or_else" | "context" | "with_context" => value.clone(),
            "ok" => match &value {
                Ty::Named(n, args) if n == "Result" => {
                    Ty::named("Option", vec![args.first().cloned().unwrap_or_default()])
                }
                other => other.clone(),
            },
            // An iterator's items, one at a time.
            "next" | "next_back" | "nth" | "last" | "min" | "max" | "find"
                if value.is_named("Iter") =>
            {
                Ty::named("Option", vec![value.arg(0)])
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
}

/// `Option<T>` / `Result<T, _>` / a guard -> `T` (guards unwrap to themselves).
pub(super) fn unwrap_ty(ty: &Ty) -> Ty {
    match ty {
        Ty::Named(n, args) if n == "Option" || n == "Result" || n == "LockResult" => {
            args.first().cloned().unwrap_or_default()
        }
        Ty::Named(n, _) if n.ends_with("Guard") => ty.clone(),
        _ => Ty::Unknown,
    }
}

/// Whether a `match` arm's value is the payload its `Some(v)`/`Ok(v)` pattern binds.
fn unwraps_scrutinee(arm: &syn::Arm) -> bool {
    let Pat::TupleStruct(ts) = &arm.pat else {
        return false;
    };
    let (Some(variant), [Pat::Ident(v)]) = (
        ts.path.segments.last(),
        ts.elems.iter().collect::<Vec<_>>().as_slice(),
    ) else {
        return false;
    };
    matches!(variant.ident.to_string().as_str(), "Some" | "Ok")
        && v.subpat.is_none()
        && matches!(&*arm.body, Expr::Path(p) if p.path.is_ident(&v.ident))
}
