//! A guard bound only to update its scalar once (`let mut g = m.lock().unwrap(); *g -= n;`):
//! which atomic operation the two statements are, for `mutex_scalar`'s fix.

use syn::{BinOp, Expr, Stmt, UnOp};

use super::tree;
use crate::diagnostic::Span;
use crate::semantic::names::NameBinding;
use crate::semantic::ty::Ty;
use crate::semantic::walker::{Cx, path_tail, strip_parens};

/// The one update a bound guard makes.
pub(crate) struct Update<'a> {
    /// The `let` and the update's statement together: what the atomic operation replaces.
    pub(crate) span: Span,
    /// `fetch_add`, `fetch_max`, `store`, ..
    pub(crate) method: &'static str,
    /// The ordering the lock gave the operation: `AcqRel` for a read-modify-write, `Release`
    /// for a store.
    pub(crate) order: &'static str,
    /// The operand.
    pub(crate) value: &'a Expr,
    /// For `fetch_update`: the name the old value is read into, which the new value is made
    /// from (`let slot = *g; *g = (slot + 1) % n;`).
    pub(crate) old: Option<String>,
}

/// The update when the statement right after the `let` of guard `ident` is its only use, and
/// is one of `*g op= v`, `*g = v`, `*g = *g op v` (`v op *g` for `+ | & ^`), `*g = max(*g, v)`
/// (`cmp::max`, `(*g).max(v)`, `min` likewise) or `if v > *g { *g = v; }` (`fetch_max`; the
/// other comparisons likewise), with `v` not reading the guard. Arithmetic and `max`/`min` only
/// on integers, bit operations on integers and `bool`, a pointer only stored.
pub(crate) fn updated_guard<'a>(
    cx: &Cx<'_, '_>,
    ident: &syn::Ident,
    local: &syn::Local,
    later: &'a [Stmt],
    scalar: &Ty,
) -> Option<Update<'a>> {
    let name = ident.to_string();
    let var = cx.var_bound(ident, &name);
    let (uses, opaque) = tree::uses_in(later, var);
    if let Some(update) = read_then_write(cx, &name, local, later, &uses) {
        let integer = scalar.scalar().is_some() && !scalar.is_named("bool");
        return (!opaque && integer).then_some(update);
    }
    let first = later.first()?;
    let statement = cx.span_of(first);
    let inside = |inner: Span, outer: Span| outer.start <= inner.start && inner.end <= outer.end;
    if opaque
        || uses.is_empty()
        || uses
            .iter()
            .any(|u| !inside(cx.span_of(u.expr()), statement))
    {
        return None;
    }
    let Stmt::Expr(expr, _) = first else {
        return None;
    };
    let (method, value) = operation(cx, &name, expr)?;
    if uses
        .iter()
        .any(|u| inside(cx.span_of(u.expr()), cx.span_of(value)))
    {
        return None;
    }
    let pointer = matches!(scalar, Ty::Ptr(_));
    let boolean = scalar.is_named("bool");
    let allowed = match method {
        "store" => true,
        "fetch_or" | "fetch_and" | "fetch_xor" => !pointer,
        _ => !pointer && !boolean,
    };
    allowed.then(|| Update {
        span: Span {
            start: cx.span_of(local).start,
            end: statement.end,
        },
        method,
        order: if method == "store" {
            "Release"
        } else {
            "AcqRel"
        },
        value,
        old: None,
    })
}

/// `let old = *g; *g = <made from old>;` right after the guard's `let`, and no other use of
/// the guard: one `fetch_update` that reads the old value and stores the new one.
fn read_then_write<'a>(
    cx: &Cx<'_, '_>,
    name: &str,
    local: &syn::Local,
    later: &'a [Stmt],
    uses: &[tree::Use<'_>],
) -> Option<Update<'a>> {
    let [
        Stmt::Local(read),
        Stmt::Expr(Expr::Assign(write), Some(_)),
        ..,
    ] = later
    else {
        return None;
    };
    let guard = |e: &Expr| {
        matches!(strip_parens(e), Expr::Unary(u) if matches!(u.op, UnOp::Deref(_))
            && matches!(strip_parens(&u.expr), Expr::Path(p) if p.path.is_ident(name)))
    };
    let syn::Pat::Ident(old) = &read.pat else {
        return None;
    };
    let init = read.init.as_ref().filter(|i| i.diverge.is_none())?;
    if old.by_ref.is_some() || old.mutability.is_some() || !guard(&init.expr) || !guard(&write.left)
    {
        return None;
    }
    // The guard is read once and written once, nowhere else.
    let end = cx.span_of(&later[1]).end;
    if uses.len() != 2 || uses.iter().any(|u| cx.span_of(u.expr()).end > end) {
        return None;
    }
    Some(Update {
        span: Span {
            start: cx.span_of(local).start,
            end,
        },
        method: "fetch_update",
        order: "AcqRel",
        value: &write.right,
        old: Some(old.ident.to_string()),
    })
}

/// The atomic operation an update of `*name` is, and its operand.
fn operation<'a>(cx: &Cx<'_, '_>, name: &str, expr: &'a Expr) -> Option<(&'static str, &'a Expr)> {
    let guard = |e: &Expr| {
        matches!(strip_parens(e), Expr::Unary(u) if matches!(u.op, UnOp::Deref(_))
            && matches!(strip_parens(&u.expr), Expr::Path(p) if p.path.is_ident(name)))
    };
    match strip_parens(expr) {
        Expr::Binary(b) if guard(&b.left) => Some((compound(b.op)?, &b.right)),
        Expr::Assign(a) if guard(&a.left) => match strip_parens(&a.right) {
            Expr::Binary(b) if guard(&b.left) => Some((binary(b.op)?, &b.right)),
            Expr::Binary(b) if guard(&b.right) && !matches!(b.op, BinOp::Sub(_)) => {
                Some((binary(b.op)?, &b.left))
            }
            Expr::Call(c) if c.args.len() == 2 => {
                let extreme = std_extreme(cx, &c.func)?;
                match (guard(&c.args[0]), guard(&c.args[1])) {
                    (true, false) => Some((extreme, &c.args[1])),
                    (false, true) => Some((extreme, &c.args[0])),
                    _ => None,
                }
            }
            Expr::MethodCall(m) if m.args.len() == 1 => {
                let extreme = match m.method.to_string().as_str() {
                    "max" => "fetch_max",
                    "min" => "fetch_min",
                    _ => return None,
                };
                match (guard(&m.receiver), guard(&m.args[0])) {
                    (true, false) => Some((extreme, &m.args[0])),
                    (false, true) => Some((extreme, &*m.receiver)),
                    _ => None,
                }
            }
            _ => Some(("store", &*a.right)),
        },
        // `if v > *g { *g = v; }`: the running extreme.
        Expr::If(i) if i.else_branch.is_none() && i.then_branch.stmts.len() == 1 => {
            let Expr::Binary(cond) = strip_parens(&i.cond) else {
                return None;
            };
            let (bigger_wins, value) = match (guard(&cond.left), guard(&cond.right)) {
                (false, true) => (matches!(cond.op, BinOp::Gt(_) | BinOp::Ge(_)), &*cond.left),
                (true, false) => (matches!(cond.op, BinOp::Lt(_) | BinOp::Le(_)), &*cond.right),
                _ => return None,
            };
            if !matches!(
                cond.op,
                BinOp::Gt(_) | BinOp::Ge(_) | BinOp::Lt(_) | BinOp::Le(_)
            ) {
                return None;
            }
            let Stmt::Expr(Expr::Assign(a), _) = &i.then_branch.stmts[0] else {
                return None;
            };
            let same = super::text(&*a.right).zip(super::text(value));
            if !guard(&a.left) || same.is_none_or(|(x, y)| x != y) {
                return None;
            }
            Some((
                if bigger_wins {
                    "fetch_max"
                } else {
                    "fetch_min"
                },
                value,
            ))
        }
        _ => None,
    }
}

/// `+=` and the others: the read-modify-write they are.
fn compound(op: BinOp) -> Option<&'static str> {
    Some(match op {
        BinOp::AddAssign(_) => "fetch_add",
        BinOp::SubAssign(_) => "fetch_sub",
        BinOp::BitOrAssign(_) => "fetch_or",
        BinOp::BitAndAssign(_) => "fetch_and",
        BinOp::BitXorAssign(_) => "fetch_xor",
        _ => return None,
    })
}

/// `*g = *g + v` and the others.
fn binary(op: BinOp) -> Option<&'static str> {
    Some(match op {
        BinOp::Add(_) => "fetch_add",
        BinOp::Sub(_) => "fetch_sub",
        BinOp::BitOr(_) => "fetch_or",
        BinOp::BitAnd(_) => "fetch_and",
        BinOp::BitXor(_) => "fetch_xor",
        _ => return None,
    })
}

/// `std::cmp::max` / `min`, as `cmp::max`, or imported from `std::cmp`: the atomic's own.
fn std_extreme(cx: &Cx<'_, '_>, func: &Expr) -> Option<&'static str> {
    let (owner, f) = path_tail(func)?;
    let method = match f.as_str() {
        "max" => "fetch_max",
        "min" => "fetch_min",
        _ => return None,
    };
    let std = match owner.as_deref() {
        Some("cmp") => true,
        None => matches!(cx.binding_of(&f), NameBinding::Imported(path)
            if path.len() >= 2 && path[path.len() - 2] == "cmp"),
        _ => false,
    };
    std.then_some(method)
}
