//! Atomics as written: the name an atomic goes by, its ordering argument.

use syn::Expr;

use super::exprs::*;

/// The name an atomic goes by: its field's, static's or variable's (`requests` in
/// `self.stats.requests`).
pub(crate) fn atomic_name(atomic: &Expr) -> Option<String> {
    match atomic {
        Expr::Field(f) => match &f.member {
            syn::Member::Named(i) => Some(i.to_string()),
            syn::Member::Unnamed(_) => atomic_name(&f.base),
        },
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Expr::Paren(p) => atomic_name(&p.expr),
        Expr::Reference(r) => atomic_name(&r.expr),
        Expr::Unary(u) => atomic_name(&u.expr),
        Expr::MethodCall(m) if m.method == "deref" || m.method == "as_ref" => {
            atomic_name(&m.receiver)
        }
        _ => None,
    }
}

/// `*(p as *const T)`, `*p.cast::<T>()`: a place reached through a raw pointer cast.
pub(crate) fn casts_raw_pointer(expr: &Expr) -> bool {
    match strip_parens(expr) {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => match strip_parens(&u.expr) {
            Expr::Cast(c) => matches!(&*c.ty, syn::Type::Ptr(_)),
            Expr::MethodCall(m) => m.method == "cast",
            _ => false,
        },
        _ => false,
    }
}

/// `Ordering::SeqCst`, `SeqCst`.
pub(crate) fn is_seqcst(order: &Expr) -> bool {
    matches!(order, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "SeqCst"))
}

/// How an atomic is named in the source, to match writes to the same one.
pub(crate) fn atomic_key(atomic: &Expr) -> String {
    quote::ToTokens::to_token_stream(atomic).to_string()
}
