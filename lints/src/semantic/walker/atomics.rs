//! Atomics: which are state words rather than counters, writes that put back what a pointer
//! to a local replaced, and pointers into the function's frame.

use super::*;

impl Walker<'_> {
    /// The key of what a `let` declares: where its `let` is (not `local.span()`, which turns
    /// the whole statement back into tokens).
    pub(super) fn local_key(&self, local: &syn::Local) -> DeclKey {
        DeclKey::Local(self.file, self.span(local.let_token.span).start)
    }

    /// See [`Cx::local_pointee`].
    pub(super) fn local_pointee(&self, expr: &Expr, coerced: bool) -> Option<String> {
        // The place a reference is taken of: a variable of this frame, or a field of one.
        let frame_var = |place: &Expr| -> Option<String> {
            let mut place = place;
            let mut projected = false;
            loop {
                match place {
                    Expr::Field(f) => (place, projected) = (&f.base, true),
                    Expr::Index(i) => (place, projected) = (&i.expr, true),
                    Expr::Paren(p) => place = &p.expr,
                    Expr::Path(p) if p.path.segments.len() == 1 => {
                        let name = p.path.segments[0].ident.to_string();
                        let local = self.lookup(&name)?;
                        // A field or element reached through a reference, a box, an `Arc` or a
                        // `Vec` lives elsewhere; the variable itself is always in the frame.
                        let inline = local.ty.is_known()
                            && !matches!(local.ty, Ty::Ref(_) | Ty::Ptr(_))
                            && !local.ty.is_std_deep()
                            && !local.ty.is_refcounted();
                        return (!projected || inline).then_some(name);
                    }
                    _ => return None,
                }
            }
        };
        match expr {
            Expr::Cast(c) => match &*c.expr {
                Expr::Reference(r) => frame_var(&r.expr),
                inner => self.local_pointee(inner, true),
            },
            Expr::Reference(r) if coerced => frame_var(&r.expr),
            Expr::RawAddr(r) => frame_var(&r.expr),
            Expr::Paren(p) => self.local_pointee(&p.expr, coerced),
            Expr::Call(c)
                if expanded_macro_name(c).is_some_and(|m| m == "addr_of_mut" || m == "addr_of") =>
            {
                c.args.first().and_then(frame_var)
            }
            Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                self.lookup(&name).and_then(|l| l.points_to_local.clone())
            }
            _ => None,
        }
    }

    /// Atomics a `let` shows to be more than counters: one loaded into a variable that later
    /// picks an element or decides a branch (`let gen = generation.load(..);` then
    /// `&slots[gen % 2]`), and one made by casting a raw pointer (`&*(page as *const
    /// AtomicUsize)`), which is memory the code pokes for its own reasons.
    pub(super) fn note_state_word_binding(
        &mut self,
        local: &syn::Local,
        init: &Expr,
        later: Later<'_>,
    ) {
        let Some(ident) = binding_ident(&local.pat) else {
            return;
        };
        let name = ident.to_string();
        // `unsafe { &*(p as *const AtomicUsize) }`
        let init = match strip_parens(init) {
            Expr::Unsafe(u) => match u.block.stmts.as_slice() {
                [syn::Stmt::Expr(e, None)] => e,
                _ => init,
            },
            other => other,
        };
        match strip_parens(init) {
            Expr::MethodCall(m) if m.method == "load" => {
                if let Some(atomic) = atomic_name(&m.receiver) {
                    if decides_or_indexes(self.var(ident, &name), later.naming(&name)) {
                        self.out.state_words.push(atomic);
                    }
                }
            }
            Expr::Reference(r) if casts_raw_pointer(&r.expr) => self.out.state_words.push(name),
            _ => {}
        }
    }

    /// A closure that answers a question about an atomic (`|s| s.entries.load(..) >= 3`,
    /// handed to a `wait_until`) decides what its caller does: the atomic is a state word.
    pub(super) fn note_predicate_loads(&mut self, closure: &syn::ExprClosure) {
        self.note_predicate_body(&closure.body);
    }

    /// The same for an accessor that answers it (`fn has_work(&self) -> bool {
    /// self.queued.load(..) > 0 }`): whoever calls it decides by it.
    pub(super) fn note_accessor_loads(&mut self, sig: &syn::Signature, block: &syn::Block) {
        let syn::ReturnType::Type(_, ty) = &sig.output else {
            return;
        };
        let returns_bool = matches!(&**ty, syn::Type::Path(p) if p.path.is_ident("bool"));
        if let (true, [syn::Stmt::Expr(tail, None)]) = (returns_bool, block.stmts.as_slice()) {
            self.note_predicate_body(tail);
        }
    }

    pub(super) fn note_predicate_body(&mut self, body: &Expr) {
        let body = match strip_parens(body) {
            Expr::Block(b) => match b.block.stmts.as_slice() {
                [syn::Stmt::Expr(e, None)] => strip_parens(e),
                _ => return,
            },
            other => other,
        };
        let predicate = match body {
            Expr::Binary(b) => matches!(
                b.op,
                syn::BinOp::Eq(_)
                    | syn::BinOp::Ne(_)
                    | syn::BinOp::Lt(_)
                    | syn::BinOp::Le(_)
                    | syn::BinOp::Gt(_)
                    | syn::BinOp::Ge(_)
                    | syn::BinOp::And(_)
                    | syn::BinOp::Or(_)
            ),
            Expr::Unary(u) => matches!(u.op, syn::UnOp::Not(_)),
            _ => false,
        };
        if predicate {
            self.note_deciding_loads(body);
        }
    }

    /// An atomic loaded to decide a branch or a loop (`if pending.load(..) == 0`) is a state
    /// word, whose orderings are part of a protocol, not a counter.
    pub(super) fn note_deciding_loads(&mut self, condition: &Expr) {
        struct Loads(Vec<String>);
        impl<'ast> Visit<'ast> for Loads {
            fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
                if m.method == "load" {
                    self.0.extend(atomic_name(&m.receiver));
                }
                visit::visit_expr_method_call(self, m);
            }
            fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        }
        let mut loads = Loads(Vec::new());
        loads.visit_expr(condition);
        self.out.state_words.extend(loads.0);
    }
}
