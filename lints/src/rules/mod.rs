//! One module per lint. Each lint's documentation is the Markdown page beside its module.
//!
//! Expression lints are called by the body walker with every expression and its context;
//! `let` lints with each `let` and the statements after it; crate lints run once over the facts
//! of the whole crate.

pub(crate) mod arc_clone_in_hot_loop;
pub(crate) mod clone_under_lock;
pub(crate) mod mutex_scalar;
pub(crate) mod over_copy;
pub(crate) mod parse_error;
pub(crate) mod thread_spawn_per_task;

use crate::model::body::{Cx, Sink};
use crate::registry::Lint;

/// Every lint, in catalogue order.
pub(crate) static ALL: &[&Lint] = &[
    &arc_clone_in_hot_loop::ARC_CLONE_IN_HOT_LOOP,
    &thread_spawn_per_task::THREAD_SPAWN_PER_TASK,
    &mutex_scalar::MUTEX_SCALAR,
    &clone_under_lock::CLONE_UNDER_LOCK,
    &over_copy::OVER_COPY,
    &parse_error::PARSE_ERROR,
];

/// A lint called with each expression.
pub(crate) type ExprLint = fn(&Cx<'_, '_>, &syn::Expr, &mut Sink<'_>);

/// A lint called with each `let` and the statements that follow it in its block.
pub(crate) type LetLint = fn(&Cx<'_, '_>, &syn::Local, &[syn::Stmt], &mut Sink<'_>);

pub(crate) static EXPR_LINTS: &[ExprLint] = &[
    arc_clone_in_hot_loop::check_expr,
    clone_under_lock::check_expr,
    over_copy::check_expr,
];

pub(crate) static LET_LINTS: &[LetLint] = &[over_copy::check_let];

/// The span from a method call's name to the end of the call: `clone()` in `a.b.clone()`.
pub(crate) fn method_span(cx: &Cx<'_, '_>, call: &syn::ExprMethodCall) -> crate::Span {
    let method = cx.span(call.method.span());
    let whole = cx.span_of(call);
    crate::Span {
        start: method.start,
        end: whole.end,
    }
}
