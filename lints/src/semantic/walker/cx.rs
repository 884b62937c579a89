//! What the lints see: the context of the expression being walked ([`Cx`]) and where they
//! put what they find ([`Sink`]).

use super::*;

/// A local variable as lints see it.
pub(crate) struct LocalView<'a> {
    pub(crate) ty: &'a Ty,
    pub(crate) is_param: bool,
}

/// A live guard as lints see it.
pub(crate) struct GuardView<'a> {
    pub(crate) id: GuardId,
    pub(crate) lock_span: Span,
    pub(crate) inner: &'a Ty,
    /// An async lock's guard, made to be held across `.await`.
    pub(crate) is_async: bool,
    /// The lock guards a section of code, not data (`Mutex<()>`, `let _g = LOCK.lock()`).
    pub(crate) section: bool,
    /// Part of a `Condvar` protocol.
    pub(crate) condvar: bool,
    /// The lock is this function's own, reachable by no other thread.
    pub(crate) private: bool,
    /// Taken with `try_lock().unwrap()`: the code asserts that nobody else holds the lock.
    pub(crate) asserted: bool,
    /// When the lock was taken, on the clock of [`Cx::bound_at`].
    pub(crate) taken_at: u64,
}

/// The context lints see with each expression.
pub(crate) struct Cx<'w, 'a> {
    pub(super) walker: &'w Walker<'a>,
    /// See [`Cx::iterations`]; worked out by the walker, which holds the regions.
    pub(super) iterations: Option<u64>,
}

impl<'a> Cx<'_, 'a> {
    /// The span from a method call's name to the end of the call: `clone()` in `a.b.clone()`.
    /// Made from the name and the closing parenthesis, not from the whole call's tokens, which
    /// would print the receiver chain back out.
    pub(crate) fn method_span(&self, call: &syn::ExprMethodCall) -> crate::Span {
        crate::Span {
            start: self.span(call.method.span()).start,
            end: self.span(call.paren_token.span.close()).end,
        }
    }

    /// The span of a path call, `thread::sleep(d)`, from its callee and its closing parenthesis.
    pub(crate) fn call_span(&self, call: &syn::ExprCall) -> crate::Span {
        crate::Span {
            start: self.span_of(&call.func).start,
            end: self.span(call.paren_token.span.close()).end,
        }
    }

    pub(crate) fn file(&self) -> usize {
        self.walker.file
    }

    pub(crate) fn table(&self) -> &'a TypeTable {
        self.walker.table
    }

    pub(crate) fn span(&self, span: PmSpan) -> Span {
        to_span(span, self.walker.base)
    }

    pub(crate) fn span_of(&self, node: &impl Spanned) -> Span {
        self.span(node.span())
    }

    /// The type of an expression of the tree being walked, as far as the source shows.
    pub(crate) fn type_of(&self, expr: &Expr) -> Ty {
        self.walker.type_of(expr)
    }

    /// The type of an expression the walk has not reached yet (a `let`'s initialiser, seen
    /// before it is walked), worked out without remembering the types met on the way: the
    /// variables its blocks bind are not in scope yet, so those types may be wrong, and
    /// remembered they would stay wrong when the walk gets there.
    pub(crate) fn type_ahead(&self, expr: &Expr) -> Ty {
        self.walker.type_ahead(expr)
    }

    /// The type of a method call's result.
    pub(crate) fn type_of_method_call(&self, call: &syn::ExprMethodCall) -> Ty {
        self.walker.method_type(call)
    }

    /// The guard a value made by a method on guarded data may borrow (`let fut =
    /// guard.export(batch);`).
    pub(crate) fn derived_guard(&self, expr: &Expr) -> Option<GuardId> {
        self.walker.derived_guard(expr)
    }

    /// Whether the lock call at `span` is the one a `let` being walked binds its guard to.
    pub(crate) fn binds_guard(&self, span: Span) -> bool {
        self.walker.binding_lock == Some(span)
    }

    /// If `expr` takes a lock (`m.lock()`, `m.write().await`), where the lock call is.
    pub(crate) fn lock_call_span(&self, expr: &Expr) -> Option<Span> {
        let call = self.walker.lock_call(expr)?;
        Some(self.span(call.method.span()))
    }

    /// The live guard whose data `expr` borrows (or that `expr` is).
    pub(crate) fn guard_of(&self, expr: &Expr) -> Option<GuardView<'_>> {
        let id = self.walker.borrowed_guard(expr)?;
        self.live_guards().into_iter().find(|g| g.id == id)
    }

    /// Every lock guard live here, oldest first.
    pub(crate) fn live_guards(&self) -> Vec<GuardView<'_>> {
        self.walker
            .guards
            .iter()
            .map(|g| GuardView {
                id: g.id,
                lock_span: g.lock_span,
                inner: &g.inner,
                is_async: g.is_async,
                section: g.section,
                condvar: g.condvar,
                private: g.private,
                asserted: g.asserted,
                taken_at: g.taken_at,
            })
            .collect()
    }

    /// When the variable `name` was last bound or changed (0 for parameters bound before the
    /// body, statics and unknown names); comparable with [`GuardView::taken_at`].
    pub(crate) fn bound_at(&self, name: &str) -> u64 {
        self.walker.lookup(name).map_or(0, |l| l.bound_at)
    }

    /// Whether `expr` is the operand of an `.await`.
    pub(crate) fn is_awaited(&self, expr: &Expr) -> bool {
        self.walker.awaited.is_some_and(|e| std::ptr::eq(e, expr))
    }

    /// Whether code here is on an error or diagnostic path (`Err(..)`, `panic!`, a log macro,
    /// `.expect(..)`, `.map_err(..)`).
    pub(crate) fn in_cold_path(&self) -> bool {
        self.walker.cold > 0
    }

    /// Whether `expr` names an `Arc` made by `Arc::new` in this function.
    pub(crate) fn is_fresh_arc(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Reference(r) => self.is_fresh_arc(&r.expr),
            Expr::Path(p) if p.path.segments.len() == 1 => self
                .walker
                .lookup(&p.path.segments[0].ident.to_string())
                .is_some_and(|l| l.fresh_arc),
            _ => false,
        }
    }

    /// Whether `expr` names a variable bound inside a hot region (an enclosing one included):
    /// a new value each time that region's loop goes round.
    pub(crate) fn is_made_per_iteration(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Reference(r) => self.is_made_per_iteration(&r.expr),
            Expr::Path(p) if p.path.segments.len() == 1 => self
                .walker
                .lookup(&p.path.segments[0].ident.to_string())
                .is_some_and(|l| l.region.is_some()),
            _ => false,
        }
    }

    /// Whether the value `expr` starts from is bound anew in the innermost hot region (a loop
    /// variable, a `let` in the loop body): then it is a different value each iteration.
    pub(crate) fn varies_per_iteration(&self, expr: &Expr) -> bool {
        let root = match expr {
            Expr::Path(p) if p.path.segments.len() == 1 => p.path.segments[0].ident.to_string(),
            Expr::Field(f) => return self.varies_per_iteration(&f.base),
            Expr::MethodCall(m) => return self.varies_per_iteration(&m.receiver),
            Expr::Reference(r) => return self.varies_per_iteration(&r.expr),
            Expr::Unary(u) => return self.varies_per_iteration(&u.expr),
            Expr::Paren(p) => return self.varies_per_iteration(&p.expr),
            Expr::Index(i) => return self.varies_per_iteration(&i.expr),
            _ => return false,
        };
        let w = self.walker;
        w.region.is_some() && w.lookup(&root).is_some_and(|l| l.region == w.region)
    }

    /// Whether the value of the expression being linted is stored beyond its statement: an
    /// argument of `push`/`insert`/`send`/`set`/`into_raw`, the right side of an assignment to a
    /// field or an outer variable, or a part of a value that is (`v.push(Some(x.clone()))`),
    /// or bound to a variable that later is. A new owner, not a copy dropped in the iteration.
    pub(crate) fn is_stored(&self) -> bool {
        self.walker.storing
    }

    /// Whether `expr`'s value ends up in an owner that the function being walked builds and
    /// returns (`Some(Conn { ctx: self.ctx.clone() })`): the caller gets a new owner.
    pub(crate) fn is_returned_part(&self, expr: &Expr) -> bool {
        self.walker.returned.contains(&std::ptr::from_ref(expr))
    }

    /// Whether `expr`'s value ends up in what a mapping closure returns into a collection
    /// that is kept: a new owner per item.
    pub(crate) fn is_kept_part(&self, expr: &Expr) -> bool {
        self.walker.kept_parts.contains(&std::ptr::from_ref(expr))
    }

    /// Whether code here is in a loop over data borrowed from a live guard.
    pub(crate) fn in_loop_over_guard(&self) -> bool {
        let w = self.walker;
        w.region
            .and_then(|r| w.out_regions_guard(r))
            .is_some_and(|id| w.guards.iter().any(|g| g.id == id))
    }

    /// Whether the value of the expression being linted is dropped unused: it is a statement
    /// (`x.f();`) or bound to `_`.
    pub(crate) fn is_discarded(&self) -> bool {
        self.walker.discarding
    }

    /// The type a struct literal makes (`Config { .. }`), as its path is declared.
    pub(crate) fn literal_type(&self, literal: &syn::ExprStruct) -> Ty {
        self.declared_ty(&syn::Type::Path(syn::TypePath {
            qself: None,
            path: literal.path.clone(),
        }))
    }

    /// A declared type as written, with the file's `use .. as ..` renames and `Self` applied
    /// but type aliases not expanded.
    pub(crate) fn declared_ty(&self, ty: &syn::Type) -> Ty {
        let ty = self.walker.names.ty(ty);
        match (&ty, &self.walker.self_ty) {
            (Ty::Named(name, _), Some(self_ty)) if name == "Self" => Ty::named(self_ty, vec![]),
            _ => ty,
        }
    }

    /// The type of a local variable, parameter or static by name.
    pub(crate) fn local(&self, name: &str) -> Option<LocalView<'_>> {
        self.walker.lookup(name).map(|l| LocalView {
            ty: &l.ty,
            is_param: l.param.is_some(),
        })
    }

    /// If `expr` is a pointer into this function's stack frame, the variable it points to:
    /// `&mut x as *mut T`, `&x as *const T as *mut T`, `ptr::addr_of_mut!(x)`, `&raw mut x`, a
    /// variable holding one, or (`coerced`) a plain `&mut x` where a raw pointer is expected.
    pub(crate) fn local_pointee(&self, expr: &Expr, coerced: bool) -> Option<String> {
        self.walker.local_pointee(expr, coerced)
    }

    /// The parameter `expr` is, when it is one (`m`, `&m`, `m.clone()`, `Arc::clone(&m)`;
    /// `self` not counted).
    pub(crate) fn lock_param(&self, expr: &Expr) -> Option<usize> {
        self.walker.lock_param(expr)
    }

    /// The function being walked, when the crate's table knows it.
    pub(crate) fn function(&self) -> Option<FnId> {
        self.walker.function
    }

    /// If `func` names a closure bound by `let` that blocks, what blocks in it.
    pub(crate) fn closure_blocks<'e>(&self, func: &'e Expr) -> Option<(&'e syn::Ident, &str)> {
        let Expr::Path(p) = func else { return None };
        let ident = p.path.get_ident()?;
        let what = self.walker.lookup(&ident.to_string())?.blocks.as_deref()?;
        Some((ident, what))
    }

    /// Whether code here is in a loop or adapter closure of its own function.
    pub(crate) fn in_local_region(&self) -> bool {
        self.walker.region.is_some()
    }

    /// How many times code here runs per call of its function, when every loop around it has
    /// a bound the source spells (`for _ in 0..1000`).
    pub(crate) fn iterations(&self) -> Option<u64> {
        self.iterations
    }

    /// The condition under which code here is hot; `None` when it cannot be. `about` is the
    /// value the finding is about: when it comes from a parameter, the finding holds only if a
    /// hot caller passes the same value each time.
    pub(crate) fn hot(&self, about: &Expr) -> Option<Condition> {
        let w = self.walker;
        if w.region.is_none() && w.function.is_none() {
            return None;
        }
        Some(Condition::Hot {
            function: w.function,
            region: w.region,
            param: w.param_root(about),
            handed: w.handed.clone(),
            returned: false,
        })
    }

    /// What blocks in the expression being linted, described for a message, and the span to
    /// point at (see the model's `blocking`).
    pub(crate) fn blocking(&self) -> Option<(String, Span)> {
        self.walker.blocks_here.clone()
    }

    /// A written type resolved as the walk resolves types (renames, `Self`, aliases, closure
    /// generics of the function).
    pub(crate) fn resolved_ty(&self, ty: &syn::Type) -> Ty {
        self.walker.ty(ty)
    }

    /// The variable a pattern binds by `ident`, named `name`.
    pub(crate) fn var_bound<'b>(&'b self, ident: &syn::Ident, name: &'b str) -> Var<'b> {
        Var::new(
            name,
            self.walker.bindings.site(ident),
            &self.walker.bindings,
        )
    }

    /// The variable a name used as one refers to.
    pub(crate) fn var_used<'b>(&'b self, ident: &syn::Ident, name: &'b str) -> Var<'b> {
        Var::new(
            name,
            self.walker.bindings.use_of(ident),
            &self.walker.bindings,
        )
    }

    /// Where a value was declared (the field, static or `let` of a lock), as the walk traces it
    /// through clones, borrows and `let`s.
    pub(crate) fn origin(&self, expr: &Expr) -> Option<DeclKey> {
        self.walker.origin_of(expr)
    }

    /// How the bare name `name` is bound where the code being walked is, for a fix that
    /// writes it.
    pub(crate) fn binding_of(&self, name: &str) -> crate::semantic::names::NameBinding {
        self.walker.names.binding_of(name)
    }

    /// Whether the code being walked is in its file's top module (not an inline `mod`), where
    /// an import added at the top of the file reaches it.
    pub(crate) fn in_file_module(&self) -> bool {
        self.walker.names.in_file_module(self.walker.file)
    }

    /// Crate functions a call may resolve to.
    pub(crate) fn callees(&self, expr: &Expr) -> Vec<FnId> {
        self.walker.resolve_call(expr)
    }
}

/// Where lints put what they find.
pub(crate) struct Sink<'o> {
    pub(super) out: &'o mut BodyOutput,
}

impl Sink<'_> {
    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.out.diagnostics.push(diagnostic);
    }

    pub(crate) fn report_if(&mut self, condition: Condition, diagnostic: Diagnostic) {
        self.out.pending.push(Pending {
            condition,
            diagnostic,
        });
    }
}

/// What declares a value's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeclKind {
    /// A struct, enum or union field.
    Field,
    /// A `static` or `const`.
    Static,
    /// A type alias.
    Alias,
    /// A `let` with a type annotation.
    Let,
}

/// A declaration with its written type: where type-level lints report.
pub(crate) struct Decl<'a> {
    pub(crate) kind: DeclKind,
    pub(crate) ty: &'a syn::Type,
    /// Declared `pub`: code outside the crate may use it.
    pub(crate) public: bool,
    /// A `static`'s initialiser.
    pub(crate) init: Option<&'a Expr>,
}

/// Whoever checks what the walk sees (the rules): handed every expression, `let` and
/// declaration with its context, told when function bodies begin and end. The walker knows
/// no lint; it calls this.
pub(crate) trait Checker {
    fn expr(&mut self, cx: &Cx<'_, '_>, expr: &Expr, sink: &mut Sink<'_>);
    /// A `let` and the statements that follow it in its block.
    fn local(&mut self, cx: &Cx<'_, '_>, local: &syn::Local, later: Later<'_>, sink: &mut Sink<'_>);
    fn decl(&mut self, cx: &Cx<'_, '_>, decl: &Decl<'_>, sink: &mut Sink<'_>);
    /// A function's body has been walked (`cx.function()` is the function).
    fn function(&mut self, cx: &Cx<'_, '_>, sig: &syn::Signature, block: &syn::Block);
    /// The walk enters a function body (or a `static`'s initialiser); nested ones nest.
    fn enter_fn(&mut self);
    /// The walk leaves the body `enter_fn` entered.
    fn exit_fn(&mut self, sink: &mut Sink<'_>);
}
