//! Which spawns start an operating-system thread and which hand work to a pool or executor
//! that is already running, decided by what the spawn is called on or imported from, not by
//! the method's name alone.

use super::*;

/// The calls that register a request handler with a web framework, by name: axum's and warp's
/// method routers (`get(handler)`, `.route("/", post(handler))`, `.fallback(handler)`),
/// actix-web's (`web::get().to(handler)`), hyper's `service_fn(handler)`.
const HANDLER_REGISTRATIONS: &[&str] = &[
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "options",
    "to",
    "fallback",
    "service_fn",
];

impl Walker<'_> {
    /// A crate function handed by name to a handler registration (`get(list_users)`) is run by
    /// the framework once per request, on the runtime's threads: recorded as a task spawned
    /// per request, so that what it uses is shared like what spawned tasks use.
    /// A function the framework calls per request by its declaration: an `async fn` under a
    /// route attribute (`#[get("/users")]` of actix-web and rocket) or an `async fn(&self, ..)`
    /// of a gRPC service's trait impl (`#[tonic::async_trait] impl Greeter for MyGreeter`).
    /// Recorded like a handler registered by name.
    pub(super) fn note_declared_handler(&mut self, sig: &syn::Signature, attrs: &[syn::Attribute]) {
        if sig.asyncness.is_none() {
            return;
        }
        let routed = attrs.iter().any(|a| {
            matches!(a.meta, syn::Meta::List(_))
                && a.path().segments.last().is_some_and(|s| {
                    matches!(
                        s.ident.to_string().as_str(),
                        "get" | "post" | "put" | "delete" | "patch" | "route"
                    )
                })
        });
        let served = self.service_impl
            && matches!(sig.receiver(), Some(r) if r.reference.is_some() && r.mutability.is_none());
        if !(routed || served) {
            return;
        }
        let Some(id) = self
            .table
            .fn_at(self.file, self.span(sig.ident.span()).start)
        else {
            return;
        };
        self.out.spawns.push(SpawnSite {
            kind: SpawnKind::Task,
            file: self.file,
            span: self.span(sig.ident.span()),
            function: None,
            region: None,
            loops: false,
            callees: vec![vec![id]],
            runs_callback: false,
            blocks: false,
            per_request: true,
        });
    }

    pub(super) fn note_handlers(&mut self, name: &str, args: &Punctuated<Expr, Token![,]>) {
        if !HANDLER_REGISTRATIONS.contains(&name) {
            return;
        }
        for arg in args {
            let Expr::Path(p) = arg else { continue };
            if p.qself.is_some() {
                continue;
            }
            let Res::Crate(path) = self.names.resolve_path(&p.path, Ns::Value) else {
                continue;
            };
            let ids = self.table.fns_at_path(&path).to_vec();
            if ids.is_empty() {
                continue;
            }
            self.out.spawns.push(SpawnSite {
                kind: SpawnKind::Task,
                file: self.file,
                span: self.span(p.span()),
                function: self.function,
                region: self.region,
                loops: false,
                callees: vec![ids],
                runs_callback: false,
                blocks: false,
                per_request: true,
            });
        }
    }

    /// [`spawn_of`], with a method spawn's receiver and a bare `spawn(..)`'s import deciding
    /// between a thread started and a task on an existing pool: `pool.spawn(move || ..)` on a
    /// rayon `ThreadPool` is a task, `thread::Builder::new().spawn(..)` and a thread scope's
    /// `s.spawn(|| ..)` are threads.
    pub(super) fn spawn_here<'e>(
        &self,
        expr: &'e Expr,
    ) -> Option<(SpawnKind, Option<&'e syn::ExprClosure>)> {
        let (kind, closure) = spawn_of(expr)?;
        if kind == SpawnKind::Thread && !self.starts_thread(expr) {
            return Some((SpawnKind::Task, closure));
        }
        Some((kind, closure))
    }

    /// If the variable a `let` binds is later handed as it is to a spawn as its work (`let task
    /// = handle(conn, Arc::clone(&state)); tokio::spawn(task);`), that spawn's kind and where
    /// it is: the bound future or closure is that spawn's work.
    pub(super) fn spawned_later(
        &self,
        var: crate::semantic::bindings::Var<'_>,
        later: Later<'_>,
    ) -> Option<(SpawnKind, Span)> {
        struct Find<'w, 'a, 'n> {
            walker: &'w Walker<'a>,
            var: crate::semantic::bindings::Var<'n>,
            found: Option<(SpawnKind, Span)>,
        }
        impl<'ast> Visit<'ast> for Find<'_, '_, '_> {
            fn visit_expr(&mut self, expr: &'ast Expr) {
                if self.found.is_some() {
                    return;
                }
                let (args, at) = match expr {
                    Expr::Call(c) => (&c.args, c.func.span()),
                    Expr::MethodCall(m) => (&m.args, m.method.span()),
                    _ => return visit::visit_expr(self, expr),
                };
                if let Some((kind, None)) = self.walker.spawn_here(expr) {
                    if args.iter().any(|a| self.var.expr(a)) {
                        self.found = Some((kind, self.walker.span(at)));
                        return;
                    }
                }
                visit::visit_expr(self, expr);
            }
            fn visit_item(&mut self, _: &'ast syn::Item) {}
        }
        let mut find = Find {
            walker: self,
            var,
            found: None,
        };
        for stmt in later.naming(var.name) {
            find.visit_stmt(stmt);
            if find.found.is_some() {
                break;
            }
        }
        find.found
    }

    /// Whether a spawn that reads as a thread's (`x.spawn(|| ..)`, `spawn(|| ..)`) is one.
    fn starts_thread(&self, spawn: &Expr) -> bool {
        match spawn {
            Expr::MethodCall(m) => self.spawns_threads(&m.receiver),
            // `spawn(..)` imported from another crate than the standard library (`use
            // rayon::spawn;`) is that crate's.
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                    let name = p.path.segments[0].ident.to_string();
                    self.names.import_root(&name).is_none_or(|root| {
                        matches!(root, "std" | "core" | "crate" | "self" | "super" | "thread")
                    })
                }
                _ => true,
            },
            _ => true,
        }
    }

    /// Whether a method spawn's receiver starts threads: std's `thread::Builder`, a thread
    /// scope. A receiver of another known type is a pool, an executor or a runtime; one of
    /// unknown type is taken for a thread spawner unless it is named or built as a pool.
    fn spawns_threads(&self, receiver: &Expr) -> bool {
        let ty = self.table.resolve(&self.type_of(receiver));
        match ty.auto_deref().name() {
            Some(name) => matches!(short_name(name), "Builder" | "Scope"),
            None => !names_a_pool(receiver),
        }
    }
}

/// Whether an expression of unknown type is, by its name or the path it is built from, a pool
/// or an executor: `pool`, `self.thread_pool`, `self.pool()`,
/// `ThreadPoolBuilder::new().build().unwrap()`.
fn names_a_pool(expr: &Expr) -> bool {
    let pool = |name: &str| {
        let name = name.to_ascii_lowercase();
        name.contains("pool") || name.contains("executor")
    };
    match expr {
        Expr::Path(p) => p.path.segments.iter().any(|s| pool(&s.ident.to_string())),
        Expr::Field(f) => matches!(&f.member, syn::Member::Named(i) if pool(&i.to_string())),
        Expr::MethodCall(m) => pool(&m.method.to_string()) || names_a_pool(&m.receiver),
        Expr::Call(c) => names_a_pool(&c.func),
        Expr::Reference(r) => names_a_pool(&r.expr),
        Expr::Paren(p) => names_a_pool(&p.expr),
        Expr::Unary(u) => names_a_pool(&u.expr),
        _ => false,
    }
}
