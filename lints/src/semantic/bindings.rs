//! Bindings: which variable each name in a function body refers to. A function's parameters,
//! `let`s, closure parameters and the patterns of `match`, `if let`, `while let` and `for` each
//! bind variables; a later name refers to the innermost binding in scope, so
//! `let x = a.clone(); let x = x.len();` has two variables called `x`, and a search of what
//! happens to the first after its `let` ends where the second begins.
//!
//! One pass over a body, before the walk, finds every binding and every use. Bindings and uses
//! are keyed by the address of their identifier in the syntax tree, which does not move while
//! the body is walked.

use rustc_hash::FxHashMap as HashMap;
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

/// A variable of a function body (or of a closure in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct BindingId(u32);

/// What a use does with a variable, as its place in the expression around it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UseKind {
    /// The receiver of a lock call (`m.lock()`, `.read()`, `.write()`, `try_*`).
    Locked,
    /// The receiver of another method call.
    Receiver,
    /// Borrowed: `&x`, `&mut x`.
    Borrowed,
    /// Indexed: `x[i]`.
    Indexed,
    /// A field read through it: `x.f`.
    Field,
    /// An argument of a call, by value.
    Passed,
    /// Assigned somewhere: the right side of `=`.
    Stored,
    /// Returned: `return x`, or a block's value.
    Returned,
    /// Anything else: moved, compared, captured by a closure.
    Other,
}

/// The bindings of one function body and what each name refers to.
#[derive(Debug, Default)]
pub(crate) struct Bindings {
    /// The binding each pattern identifier introduces.
    sites: HashMap<*const syn::Ident, BindingId>,
    /// The binding each name used as a variable refers to.
    uses: HashMap<*const syn::Ident, BindingId>,
    /// Each binding's uses, in the order of the source, with what each does.
    uses_of: Vec<Vec<UseKind>>,
}

impl Bindings {
    /// Finds the bindings of a function: its parameters, then its body.
    pub(crate) fn of_fn(sig: &syn::Signature, block: &syn::Block) -> Bindings {
        let mut finder = Finder::default();
        finder.scopes.push(Vec::new());
        for input in &sig.inputs {
            if let syn::FnArg::Typed(t) = input {
                finder.bind_pat(&t.pat);
            }
        }
        finder.visit_block(block);
        finder.bindings
    }

    /// Finds the bindings of an expression outside any function (a `static`'s initialiser).
    pub(crate) fn of_expr(expr: &Expr) -> Bindings {
        let mut finder = Finder::default();
        finder.scopes.push(Vec::new());
        finder.visit_expr(expr);
        finder.bindings
    }

    /// The binding a pattern identifier introduces.
    pub(crate) fn site(&self, ident: &syn::Ident) -> Option<BindingId> {
        self.sites.get(&std::ptr::from_ref(ident)).copied()
    }

    /// The binding a name used as a variable refers to; `None` for a name that is not a
    /// variable of the body (a static, a function, a name in a macro the parse left as tokens).
    pub(crate) fn use_of(&self, ident: &syn::Ident) -> Option<BindingId> {
        self.uses.get(&std::ptr::from_ref(ident)).copied()
    }

    /// What each use of a binding does with it, in the order of the source.
    pub(crate) fn uses(&self, binding: BindingId) -> &[UseKind] {
        self.uses_of
            .get(binding.0 as usize)
            .map_or(&[], Vec::as_slice)
    }
}

/// A variable by name and binding, for the searches that ask what happens to it: a name refers
/// to it when it is its binding's, or when the name is one the bindings did not record (so a
/// search never misses what it found by name before bindings existed).
#[derive(Clone, Copy)]
pub(crate) struct Var<'b> {
    pub(crate) name: &'b str,
    binding: Option<BindingId>,
    bindings: Option<&'b Bindings>,
}

impl<'b> Var<'b> {
    /// The variable `name` bound at `binding`, as `bindings` resolve names.
    pub(crate) fn new(name: &'b str, binding: Option<BindingId>, bindings: &'b Bindings) -> Self {
        Var {
            name,
            binding,
            bindings: Some(bindings),
        }
    }

    /// A variable known by its name alone.
    #[cfg(test)]
    pub(crate) fn named(name: &'b str) -> Self {
        Var {
            name,
            binding: None,
            bindings: None,
        }
    }

    /// The binding, when the bindings know it.
    pub(crate) fn binding(&self) -> Option<BindingId> {
        self.binding
    }

    /// The variable that `ident` binds in the same body, resolved as this one is.
    pub(crate) fn bound_at<'c>(&self, ident: &syn::Ident, name: &'c str) -> Var<'c>
    where
        'b: 'c,
    {
        Var {
            name,
            binding: self.bindings.and_then(|b| b.site(ident)),
            bindings: self.bindings,
        }
    }

    /// Whether `ident`, used as a name, refers to this variable.
    pub(crate) fn is(&self, ident: &syn::Ident) -> bool {
        if ident != self.name {
            return false;
        }
        match (self.binding, self.bindings.and_then(|b| b.use_of(ident))) {
            (Some(mine), Some(used)) => mine == used,
            _ => true,
        }
    }

    /// Whether a path is this variable.
    pub(crate) fn path(&self, path: &syn::Path) -> bool {
        path.get_ident().is_some_and(|i| self.is(i))
    }

    /// Whether an expression is this variable.
    pub(crate) fn expr(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::Path(p) if p.qself.is_none() && self.path(&p.path))
    }
}

#[derive(Default)]
struct Finder {
    bindings: Bindings,
    /// The bindings of each name in scope, innermost last.
    visible: HashMap<String, Vec<BindingId>>,
    /// The names each open scope bound, innermost last, to hide again when it closes.
    scopes: Vec<Vec<String>>,
    /// What the expression about to be visited is to the one around it.
    context: Option<UseKind>,
}

impl Finder {
    fn bind(&mut self, ident: &syn::Ident) {
        let id = BindingId(self.bindings.uses_of.len() as u32);
        self.bindings.uses_of.push(Vec::new());
        self.bindings.sites.insert(std::ptr::from_ref(ident), id);
        let name = syn::ext::IdentExt::unraw(ident).to_string();
        self.visible.entry(name.clone()).or_default().push(id);
        self.scopes.last_mut().expect("a scope is open").push(name);
    }

    fn bind_pat(&mut self, pat: &Pat) {
        struct Idents<'f>(&'f mut Finder);
        impl<'ast> Visit<'ast> for Idents<'_> {
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.0.bind(&p.ident);
                if let Some((_, sub)) = &p.subpat {
                    self.visit_pat(sub);
                }
            }
            // Values in patterns (`Some(CONST)`, ranges) are not bindings.
            fn visit_expr(&mut self, _: &'ast Expr) {}
        }
        Idents(self).visit_pat(pat);
    }

    fn lookup(&self, ident: &syn::Ident) -> Option<BindingId> {
        let name = syn::ext::IdentExt::unraw(ident).to_string();
        self.visible.get(&name)?.last().copied()
    }

    /// Hides what the innermost scope bound.
    fn close_scope(&mut self) {
        for name in self.scopes.pop().into_iter().flatten() {
            if let Some(ids) = self.visible.get_mut(&name) {
                ids.pop();
            }
        }
    }

    fn scoped(&mut self, f: impl FnOnce(&mut Self)) {
        self.scopes.push(Vec::new());
        f(self);
        self.close_scope();
    }
}

impl Finder {
    /// Visits `expr` as what it is to the expression around it.
    fn visit_as(&mut self, kind: UseKind, expr: &Expr) {
        self.context = Some(kind);
        self.visit_expr(expr);
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        let context = self.context.take();
        match expr {
            Expr::Path(p) => {
                if let (None, Some(ident)) = (&p.qself, p.path.get_ident()) {
                    if let Some(id) = self.lookup(ident) {
                        self.bindings.uses.insert(std::ptr::from_ref(ident), id);
                        self.bindings.uses_of[id.0 as usize]
                            .push(context.unwrap_or(UseKind::Other));
                    }
                }
            }
            Expr::MethodCall(m) => {
                let locks = m.args.is_empty()
                    && matches!(
                        m.method.to_string().as_str(),
                        "lock" | "read" | "write" | "try_lock" | "try_read" | "try_write"
                    );
                let kind = if locks {
                    UseKind::Locked
                } else {
                    UseKind::Receiver
                };
                self.visit_as(kind, &m.receiver);
                for arg in &m.args {
                    self.visit_as(UseKind::Passed, arg);
                }
            }
            Expr::Call(c) => {
                self.visit_expr(&c.func);
                for arg in &c.args {
                    self.visit_as(UseKind::Passed, arg);
                }
            }
            Expr::Reference(r) => self.visit_as(UseKind::Borrowed, &r.expr),
            Expr::Index(i) => {
                self.visit_as(UseKind::Indexed, &i.expr);
                self.visit_expr(&i.index);
            }
            Expr::Field(f) => self.visit_as(UseKind::Field, &f.base),
            Expr::Assign(a) => {
                self.visit_expr(&a.left);
                self.visit_as(UseKind::Stored, &a.right);
            }
            Expr::Return(r) => {
                if let Some(value) = &r.expr {
                    self.visit_as(UseKind::Returned, value);
                }
            }
            Expr::Paren(p) => {
                self.context = context;
                self.visit_expr(&p.expr);
            }
            _ => visit::visit_expr(self, expr),
        }
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.scoped(|f| {
            for stmt in &block.stmts {
                f.visit_stmt(stmt);
            }
        });
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // The initialiser (and the `else`) see the names before the `let`.
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.bind_pat(&local.pat);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.scoped(|f| {
            for input in &c.inputs {
                f.bind_pat(input);
            }
            f.visit_expr(&c.body);
        });
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.visit_expr(&m.expr);
        for arm in &m.arms {
            self.scoped(|f| {
                f.bind_pat(&arm.pat);
                if let Some((_, guard)) = &arm.guard {
                    f.visit_expr(guard);
                }
                f.visit_expr(&arm.body);
            });
        }
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        // `if let` (and let chains) bind for the `then` block only.
        self.scoped(|f| {
            f.visit_expr(&i.cond);
            f.visit_block(&i.then_branch);
        });
        if let Some((_, other)) = &i.else_branch {
            self.visit_expr(other);
        }
    }

    fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
        self.visit_expr(&l.expr);
        self.bind_pat(&l.pat);
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.scoped(|f| {
            f.visit_expr(&w.cond);
            f.visit_block(&w.body);
        });
    }

    fn visit_expr_for_loop(&mut self, l: &'ast syn::ExprForLoop) {
        self.visit_expr(&l.expr);
        self.scoped(|f| {
            f.bind_pat(&l.pat);
            f.visit_block(&l.body);
        });
    }

    // Items in a body are functions of their own, with bindings of their own.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// For each use of a variable named `x` in `body` (in order): which of the bindings named
    /// `x` it refers to, counting from 0 in the order they are bound.
    fn which_x(body: &str) -> Vec<usize> {
        let f: syn::ItemFn = syn::parse_str(&format!("fn f(x: u32) {body}")).unwrap();
        let bindings = Bindings::of_fn(&f.sig, &f.block);
        struct Collect<'b> {
            bindings: &'b Bindings,
            sites: Vec<BindingId>,
            uses: Vec<usize>,
        }
        impl<'ast> Visit<'ast> for Collect<'_> {
            fn visit_ident(&mut self, i: &'ast syn::Ident) {
                if i != "x" {
                    return;
                }
                if let Some(site) = self.bindings.site(i) {
                    self.sites.push(site);
                } else if let Some(used) = self.bindings.use_of(i) {
                    let index = self.sites.iter().position(|s| *s == used).unwrap();
                    self.uses.push(index);
                }
            }
        }
        let mut collect = Collect {
            bindings: &bindings,
            sites: Vec::new(),
            uses: Vec::new(),
        };
        collect.visit_item_fn(&f);
        collect.uses
    }

    #[test]
    fn a_let_shadows_from_the_next_statement_on() {
        // The initialiser of the second `x` reads the first.
        assert_eq!(which_x("{ let x = x + 1; let y = x; }"), [0, 1]);
        assert_eq!(
            which_x("{ let x = x.clone(); let x = x.len(); g(x); }"),
            [0, 1, 2]
        );
    }

    #[test]
    fn blocks_closures_and_arms_scope_their_bindings() {
        assert_eq!(which_x("{ { let x = 1; g(x); } g(x); }"), [1, 0]);
        assert_eq!(which_x("{ let c = |x| x + 1; g(x); }"), [1, 0]);
        assert_eq!(
            which_x("{ match v { Some(x) => g(x), None => g(x) } }"),
            [1, 0]
        );
        assert_eq!(
            which_x("{ if let Some(x) = v { g(x) } else { g(x) } }"),
            [1, 0]
        );
        assert_eq!(which_x("{ for x in v { g(x); } g(x); }"), [1, 0]);
        assert_eq!(
            which_x("{ while let Some(x) = it.next() { g(x); } g(x); }"),
            [1, 0]
        );
    }

    #[test]
    fn uses_say_what_they_do_with_the_variable() {
        let f: syn::ItemFn = syn::parse_str(
            "fn f(m: Mutex<u8>, v: Vec<u8>, s: S) -> u8 { let g = m.lock(); h(&v, s.f); v[0]; \
             let w = v; out = s; return g; }",
        )
        .unwrap();
        let bindings = Bindings::of_fn(&f.sig, &f.block);
        let param = |i: usize| {
            let syn::FnArg::Typed(t) = &f.sig.inputs[i] else {
                panic!()
            };
            let Pat::Ident(p) = &*t.pat else { panic!() };
            bindings.uses(bindings.site(&p.ident).unwrap()).to_vec()
        };
        assert_eq!(param(0), [UseKind::Locked]);
        assert_eq!(
            param(1),
            [UseKind::Borrowed, UseKind::Indexed, UseKind::Other]
        );
        assert_eq!(param(2), [UseKind::Field, UseKind::Stored]);
        let syn::Stmt::Local(g) = &f.block.stmts[0] else {
            panic!()
        };
        let Pat::Ident(g) = &g.pat else { panic!() };
        assert_eq!(
            bindings.uses(bindings.site(&g.ident).unwrap()),
            [UseKind::Returned]
        );
    }

    #[test]
    fn a_var_matches_its_binding_and_not_its_shadow() {
        let f: syn::ItemFn =
            syn::parse_str("fn f() { let x = a.clone(); let x = x.len(); use_it(x); }").unwrap();
        let bindings = Bindings::of_fn(&f.sig, &f.block);
        let syn::Stmt::Local(first) = &f.block.stmts[0] else {
            panic!()
        };
        let Pat::Ident(p) = &first.pat else { panic!() };
        let var = Var::new("x", bindings.site(&p.ident), &bindings);
        // One use, as a method's receiver.
        assert_eq!(
            bindings.uses(bindings.site(&p.ident).unwrap()),
            [UseKind::Receiver]
        );
        // `x.len()` is the first `x`; `use_it(x)` is the second.
        let syn::Stmt::Local(second) = &f.block.stmts[1] else {
            panic!()
        };
        let Expr::MethodCall(m) = &*second.init.as_ref().unwrap().expr else {
            panic!()
        };
        assert!(var.expr(&m.receiver));
        let syn::Stmt::Expr(Expr::Call(c), _) = &f.block.stmts[2] else {
            panic!()
        };
        assert!(!var.expr(&c.args[0]));
        assert!(Var::named("x").expr(&c.args[0]));
    }
}
