//! Stateless questions about expressions, patterns and signatures as written: paths, calls,
//! the shapes of patterns, parentheses and references stripped.

use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Token};

use crate::pipeline::parse::expanded_macro_name;

use super::tables::*;

/// The last segment of a path expression's path, and the one before it.
pub(crate) fn path_tail(expr: &Expr) -> Option<(Option<String>, String)> {
    let Expr::Path(p) = expr else { return None };
    let segments = &p.path.segments;
    let last = segments.last()?.ident.to_string();
    let prev = segments
        .len()
        .checked_sub(2)
        .map(|i| segments[i].ident.to_string());
    Some((prev, last))
}

/// `+=`, `-=`, `|=` and the like.
pub(crate) fn is_compound_assignment(op: syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// Whether a function sets a value up rather than uses a shared one: it takes `&mut self`
/// (exclusive access), returns `Self` (a constructor or builder step), or is named like one.
pub(crate) fn sets_up(sig: &syn::Signature, self_ty: Option<&str>) -> bool {
    let mut_self = sig.inputs.first().is_some_and(
        |i| matches!(i, syn::FnArg::Receiver(r) if r.reference.is_some() && r.mutability.is_some()),
    );
    let returns_self = match &sig.output {
        syn::ReturnType::Type(_, ty) => {
            let text = quote::ToTokens::to_token_stream(ty).to_string();
            text.split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| word == "Self" || self_ty.is_some_and(|t| word == t))
        }
        syn::ReturnType::Default => false,
    };
    let name = sig.ident.to_string();
    let named = [
        "new", "with_", "from", "default", "build", "init", "create", "setup", "load",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix));
    mut_self || returns_self || named
}

/// The type parameters of `generics` bounded by `Fn`, `FnMut` or `FnOnce`, inline or in the
/// `where` clause.
pub(crate) fn callable_generics(generics: &syn::Generics) -> Vec<String> {
    let fn_bound =
        |bounds: &Punctuated<syn::TypeParamBound, Token![+]>| {
            bounds.iter().any(|b| match b {
                syn::TypeParamBound::Trait(t) => t.path.segments.last().is_some_and(|s| {
                    matches!(s.ident.to_string().as_str(), "Fn" | "FnMut" | "FnOnce")
                }),
                _ => false,
            })
        };
    let mut names: Vec<String> = generics
        .type_params()
        .filter(|p| fn_bound(&p.bounds))
        .map(|p| p.ident.to_string())
        .collect();
    for predicate in generics.where_clause.iter().flat_map(|w| &w.predicates) {
        if let syn::WherePredicate::Type(t) = predicate {
            if let syn::Type::Path(p) = &t.bounded_ty {
                if let (Some(ident), true) = (p.path.get_ident(), fn_bound(&t.bounds)) {
                    names.push(ident.to_string());
                }
            }
        }
    }
    names
}

/// Whether a lock chain goes through `.await` (`m.lock().await`, `m.write().await?`): an async
/// lock.
pub(crate) fn awaits_lock(expr: &Expr) -> bool {
    match expr {
        Expr::Await(_) => true,
        Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "unwrap" | "expect") => {
            awaits_lock(&m.receiver)
        }
        Expr::Try(t) => awaits_lock(&t.expr),
        Expr::Paren(p) => awaits_lock(&p.expr),
        _ => false,
    }
}

/// Whether `pat` binds `name`.
pub(crate) fn binds(pat: &Pat, name: &syn::Ident) -> bool {
    struct Find<'n> {
        name: &'n syn::Ident,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_pat_ident(&mut self, i: &'ast syn::PatIdent) {
            self.found |= i.ident == *self.name;
            visit::visit_pat_ident(self, i);
        }
        fn visit_expr(&mut self, _: &'ast Expr) {}
    }
    let mut find = Find { name, found: false };
    find.visit_pat(pat);
    find.found
}

/// The variable a value is reached from: `x`, `&x`, `x.field`, `*x`, `x.method()`, `x[i]`.
pub(crate) fn root_var(expr: &Expr) -> Option<&syn::Ident> {
    match expr {
        Expr::Path(p) if p.path.segments.len() == 1 => Some(&p.path.segments[0].ident),
        Expr::Field(f) => root_var(&f.base),
        Expr::MethodCall(m) => root_var(&m.receiver),
        Expr::Reference(r) => root_var(&r.expr),
        Expr::Unary(u) => root_var(&u.expr),
        Expr::Paren(p) => root_var(&p.expr),
        Expr::Index(i) => root_var(&i.expr),
        _ => None,
    }
}

/// Strips parentheses.
pub(crate) fn strip_parens(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => strip_parens(&p.expr),
        other => other,
    }
}

/// Strips `&` and `&mut`.
pub(crate) fn strip_ref(expr: &Expr) -> &Expr {
    match expr {
        Expr::Reference(r) => strip_ref(&r.expr),
        Expr::Paren(p) => strip_ref(&p.expr),
        other => other,
    }
}

pub(crate) fn is_std_stream(expr: &Expr) -> bool {
    match expr {
        Expr::Call(c) => path_tail(&c.func)
            .is_some_and(|(_, f)| matches!(f.as_str(), "stdout" | "stderr" | "stdin")),
        Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
            let n = s.ident.to_string();
            n.contains("stdout") || n.contains("stderr") || n.contains("stdin")
        }),
        _ => false,
    }
}

pub(crate) fn contains_let(expr: &Expr) -> bool {
    match expr {
        Expr::Let(_) => true,
        Expr::Binary(b) => contains_let(&b.left) || contains_let(&b.right),
        Expr::Paren(p) => contains_let(&p.expr),
        _ => false,
    }
}

/// `drop(x)` / `std::mem::drop(x)`: the dropped name.
pub(crate) fn drop_target(expr: &Expr) -> Option<String> {
    let Expr::Call(c) = expr else { return None };
    let (_, func) = path_tail(&c.func)?;
    if func != "drop" || c.args.len() != 1 {
        return None;
    }
    match &c.args[0] {
        Expr::Path(p) if p.path.segments.len() == 1 => Some(p.path.segments[0].ident.to_string()),
        _ => None,
    }
}

pub(crate) fn is_name(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident(name))
}

/// `*g` (or `g` used as a value through auto-deref in arithmetic).
pub(crate) fn is_deref_of(expr: &Expr, name: &str) -> bool {
    match expr {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => is_name(&u.expr, name),
        Expr::Paren(p) => is_deref_of(&p.expr, name),
        _ => false,
    }
}

pub(crate) fn passes_guard_to_condvar(m: &syn::ExprMethodCall) -> bool {
    matches!(
        m.method.to_string().as_str(),
        "wait" | "wait_while" | "wait_timeout" | "wait_timeout_while" | "wait_for" | "wait_until"
    ) && !m.args.is_empty()
}

/// Whether `func` is a model checker's entry point, `loom::model` (or `loom::model::model`),
/// which runs its closure once per interleaving of simulated threads.
pub(crate) fn is_model_check(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    let segments = &p.path.segments;
    segments.len() >= 2
        && segments[0].ident == "loom"
        && segments.last().is_some_and(|s| s.ident == "model")
}

/// Whether `m` is `call.unwrap()` or `call.expect(..)` with `call` a `try_lock`, `try_read` or
/// `try_write`: a lock the code asserts is free.
pub(crate) fn asserts_try(m: &syn::ExprMethodCall, call: &syn::ExprMethodCall) -> bool {
    matches!(m.method.to_string().as_str(), "unwrap" | "expect")
        && call.method.to_string().starts_with("try_")
        && matches!(strip_parens(&m.receiver), Expr::MethodCall(inner) if std::ptr::eq(inner, call))
}

/// Whether a method-call chain holds one of rayon's parallel iterators.
pub(crate) fn chain_is_parallel(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            name.starts_with("par_") || name == "into_par_iter" || chain_is_parallel(&m.receiver)
        }
        Expr::Paren(p) => chain_is_parallel(&p.expr),
        _ => false,
    }
}

/// Whether a method-call chain visibly holds an iterator (`v.iter().map(..)`, `(0..n).map(..)`).
pub(crate) fn chain_has_iterator(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            // `iter().find(..)` is one item (an `Option`), not an iterator: its `map` runs once.
            ITERATOR_SOURCES.contains(&method.as_str())
                || (!SINGLE_ITEM.contains(&method.as_str()) && chain_has_iterator(&m.receiver))
        }
        Expr::Range(_) => true,
        Expr::Paren(p) => chain_has_iterator(&p.expr),
        _ => false,
    }
}

/// Iterator methods that consume it into one item or value.
const SINGLE_ITEM: &[&str] = &[
    "find",
    "find_map",
    "next",
    "next_back",
    "last",
    "nth",
    "position",
    "rposition",
    "max",
    "min",
    "max_by",
    "min_by",
    "max_by_key",
    "min_by_key",
    "reduce",
    "count",
    "sum",
    "product",
    "fold",
    "any",
    "all",
    "peek",
];

/// `x.clone()` or `Arc::clone(&x)`.
pub(crate) fn is_clone_call(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => m.method == "clone" && m.args.is_empty(),
        Expr::Call(c) => c.args.len() == 1 && path_tail(&c.func).is_some_and(|(_, f)| f == "clone"),
        _ => false,
    }
}

/// Whether a call builds a value from its arguments: a tuple struct or enum variant
/// (`Some(x)`, `Data(x)`), or `Type::new(x)` / `Type::from(x)`.
pub(crate) fn is_constructor(call: &syn::ExprCall) -> bool {
    let Some((owner, f)) = path_tail(&call.func) else {
        return false;
    };
    let capitalised = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
    capitalised(&f)
        || (matches!(f.as_str(), "new" | "from") && owner.as_deref().is_some_and(capitalised))
}

/// Whether a call keeps what it is given by value: a method (other than `drop`), or a function
/// that is not a constructor (`Some(..)`, `Type::new(..)`, whose value is where it goes) nor a
/// formatting or assertion macro, which only reads its arguments.
pub(crate) fn keeps_arguments(call: &Expr) -> bool {
    match call {
        Expr::MethodCall(m) => m.method != "drop",
        Expr::Call(c) => match expanded_macro_name(c) {
            Some(_) => false,
            None => !is_constructor(c) && path_tail(&c.func).is_none_or(|(_, f)| f != "drop"),
        },
        _ => false,
    }
}

/// Whether `name` occurs in `expr` as a path.
pub(crate) fn mentions(expr: &Expr, name: &str) -> bool {
    struct Find<'n>(&'n str, bool);
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_path(&mut self, p: &'ast syn::Path) {
            if p.is_ident(self.0) {
                self.1 = true;
            }
            visit::visit_path(self, p);
        }
    }
    let mut find = Find(name, false);
    find.visit_expr(expr);
    find.1
}

/// The identifier a pattern binds when it binds one name: `x`, `mut x`, `x: T`.
pub(crate) fn binding_ident(pat: &Pat) -> Option<&syn::Ident> {
    match pat {
        Pat::Ident(i) if i.subpat.is_none() => Some(&i.ident),
        Pat::Type(t) => binding_ident(&t.pat),
        _ => None,
    }
}
