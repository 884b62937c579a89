//! Values a function builds and hands back: the parts of a struct, a variant or a constructed
//! object that the function returns (`Some(Conn { ctx: self.ctx.clone() })`,
//! `Self { inner: Arc::clone(&self.inner) }`). A part that goes there gets a new owner, which
//! the caller keeps or drops; it is not a count bounced and dropped inside this function.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use crate::semantic::bindings::{BindingId, Bindings};
use crate::syntax::exprs::{binding_ident, path_tail};

/// Calls that wrap a value without making an owner of it: the value itself is what the caller
/// gets (`Some(x)`, `Ok(x)`, `Box::new(x)`).
const WRAPPERS: &[&str] = &[
    "Some", "Ok", "Err", "Box", "Arc", "Rc", "Pin", "Cow", "Poll",
];

/// Methods whose value is their receiver's, converted (`x.into()`, `fut.boxed()`).
const CONVERSIONS: &[&str] = &["into", "boxed", "boxed_local", "from"];

/// Methods of `Option`/`Result` (and futures) whose closure's value becomes theirs.
const MAPPING: &[&str] = &[
    "map",
    "and_then",
    "map_or",
    "map_or_else",
    "unwrap_or_else",
    "or_else",
    "then",
    "then_some",
    "map_ok",
];

/// The expressions whose value ends up inside an owner that `block`, a function body, returns:
/// the fields of a struct literal, the arguments of a variant, tuple struct or `Type::f(..)`
/// constructor, followed through blocks, `if`, `match`, `Some`/`Ok`/`Box::new`, conversions,
/// `Option::map`-like closures, and `let`-bound variables. Keyed by address (the tree does not
/// move while it is walked).
pub(super) fn returned_parts(block: &syn::Block, bindings: &Bindings) -> HashSet<*const Expr> {
    let mut lets = Lets {
        bindings,
        inits: HashMap::default(),
        returns: Vec::new(),
    };
    lets.visit_block(block);
    let mut flow = Flow {
        bindings,
        inits: lets.inits,
        seen: HashSet::default(),
        parts: HashSet::default(),
    };
    if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
        flow.flow(tail, false);
    }
    for ret in lets.returns {
        flow.flow(ret, false);
    }
    flow.parts
}

/// The expressions whose value ends up in what `expr` (a mapping closure's body whose results
/// are collected) evaluates to, followed as [`returned_parts`] follows a function's value.
pub(super) fn kept_parts(expr: &Expr, bindings: &Bindings) -> HashSet<*const Expr> {
    let mut lets = Lets {
        bindings,
        inits: HashMap::default(),
        returns: Vec::new(),
    };
    lets.visit_expr(expr);
    let mut flow = Flow {
        bindings,
        inits: lets.inits,
        seen: HashSet::default(),
        parts: HashSet::default(),
    };
    flow.flow(expr, true);
    flow.parts
}

/// The `let`s of a body with one name and an initialiser, and its `return` operands (not those
/// of closures or nested functions).
struct Lets<'a, 'b> {
    bindings: &'b Bindings,
    inits: HashMap<BindingId, &'a Expr>,
    returns: Vec<&'a Expr>,
}

impl<'a> Visit<'a> for Lets<'a, '_> {
    fn visit_local(&mut self, local: &'a syn::Local) {
        let pat = match &local.pat {
            Pat::Type(t) => &*t.pat,
            p => p,
        };
        if let (Some(ident), Some(init)) = (binding_ident(pat), &local.init) {
            if init.diverge.is_none() {
                if let Some(id) = self.bindings.site(ident) {
                    self.inits.insert(id, &init.expr);
                }
            }
        }
        visit::visit_local(self, local);
    }

    fn visit_expr_return(&mut self, r: &'a syn::ExprReturn) {
        if let Some(e) = &r.expr {
            self.returns.push(e);
        }
        visit::visit_expr_return(self, r);
    }

    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}

    fn visit_item(&mut self, _: &'a syn::Item) {}
}

struct Flow<'a, 'b> {
    bindings: &'b Bindings,
    inits: HashMap<BindingId, &'a Expr>,
    seen: HashSet<BindingId>,
    parts: HashSet<*const Expr>,
}

impl<'a> Flow<'a, '_> {
    /// The variables a `move` block or closure names flow into it, as parts of an owner.
    fn captures(&mut self, walk: impl FnOnce(&mut Names<'_>)) {
        let mut names = Names {
            bindings: self.bindings,
            found: Vec::new(),
        };
        walk(&mut names);
        for id in names.found {
            if self.seen.insert(id) {
                if let Some(init) = self.inits.get(&id).copied() {
                    self.flow(init, true);
                }
            }
        }
    }

    fn block(&mut self, block: &'a syn::Block, owned: bool) {
        if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
            self.flow(tail, owned);
        }
    }

    /// `expr`'s value is returned, inside an owner when `owned`.
    fn flow(&mut self, expr: &'a Expr, owned: bool) {
        if owned {
            self.parts.insert(std::ptr::from_ref(expr));
        }
        match expr {
            Expr::Paren(p) => self.flow(&p.expr, owned),
            Expr::Group(g) => self.flow(&g.expr, owned),
            Expr::Cast(c) => self.flow(&c.expr, owned),
            Expr::Block(b) => self.block(&b.block, owned),
            Expr::Unsafe(u) => self.block(&u.block, owned),
            Expr::If(i) => {
                self.block(&i.then_branch, owned);
                if let Some((_, e)) = &i.else_branch {
                    self.flow(e, owned);
                }
            }
            Expr::Match(m) => {
                for arm in &m.arms {
                    self.flow(&arm.body, owned);
                }
            }
            Expr::Struct(s) => {
                for field in &s.fields {
                    self.flow(&field.expr, true);
                }
            }
            Expr::Tuple(t) => {
                for e in &t.elems {
                    self.flow(e, true);
                }
            }
            // A future or closure that moves variables in owns what they hold.
            Expr::Async(a) if a.capture.is_some() => self.captures(|v| v.visit_block(&a.block)),
            Expr::Closure(c) if c.capture.is_some() => self.captures(|v| v.visit_expr(&c.body)),
            Expr::Array(a) => {
                for e in &a.elems {
                    self.flow(e, true);
                }
            }
            Expr::Call(c) => {
                let Some((owner, f)) = path_tail(&c.func) else {
                    return;
                };
                let capitalised = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
                let wraps = WRAPPERS.contains(&f.as_str())
                    || owner.as_deref().is_some_and(|o| WRAPPERS.contains(&o));
                let makes = capitalised(&f) || owner.as_deref().is_some_and(capitalised);
                if wraps || makes {
                    for arg in &c.args {
                        self.flow(arg, owned || !wraps);
                    }
                }
            }
            Expr::MethodCall(m) => {
                let method = m.method.to_string();
                if CONVERSIONS.contains(&method.as_str()) || method.starts_with("into_") {
                    self.flow(&m.receiver, owned);
                } else if MAPPING.contains(&method.as_str()) {
                    for arg in &m.args {
                        match arg {
                            Expr::Closure(c) => self.flow(&c.body, owned),
                            other => self.flow(other, owned),
                        }
                    }
                }
            }
            Expr::Path(p) => {
                let Some(ident) = p.path.get_ident() else {
                    return;
                };
                let Some(id) = self.bindings.use_of(ident) else {
                    return;
                };
                if !self.seen.insert(id) {
                    return;
                }
                if let Some(init) = self.inits.get(&id).copied() {
                    self.flow(init, owned);
                }
            }
            _ => {}
        }
    }
}

/// The variables an expression names.
struct Names<'b> {
    bindings: &'b Bindings,
    found: Vec<BindingId>,
}

impl<'ast> Visit<'ast> for Names<'_> {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        if let Some(id) = p.get_ident().and_then(|i| self.bindings.use_of(i)) {
            self.found.push(id);
        }
        visit::visit_path(self, p);
    }
}
