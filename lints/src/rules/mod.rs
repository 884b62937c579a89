//! One module per lint. Each lint's documentation is the Markdown page beside its module.
//!
//! Expression lints are called by the body walker with every expression and its context;
//! `let` lints with each `let` and the statements after it; crate lints run once over the facts
//! of the whole crate.

pub(crate) mod alloc_under_lock;
pub(crate) mod arc_clone_in_hot_loop;
pub(crate) mod atomic_ptr_to_local;
pub(crate) mod clone_under_lock;
pub(crate) mod false_sharing;
pub(crate) mod guard_across_blocking;
pub(crate) mod lock_per_element;
pub(crate) mod mutex_scalar;
pub(crate) mod over_copy;
pub(crate) mod parse_error;
pub(crate) mod read_mostly_rwlock;
pub(crate) mod seqcst_counter;
pub(crate) mod single_lock_map;
pub(crate) mod thread_spawn_per_task;
pub(crate) mod unshared_arc;

use crate::model::body::{Cx, Later, Sink};
use crate::registry::Lint;

/// Every lint, in catalogue order.
pub(crate) static ALL: &[&Lint] = &[
    &arc_clone_in_hot_loop::ARC_CLONE_IN_HOT_LOOP,
    &thread_spawn_per_task::THREAD_SPAWN_PER_TASK,
    &mutex_scalar::MUTEX_SCALAR,
    &clone_under_lock::CLONE_UNDER_LOCK,
    &over_copy::OVER_COPY,
    &single_lock_map::SINGLE_LOCK_MAP,
    &read_mostly_rwlock::READ_MOSTLY_RWLOCK,
    &guard_across_blocking::GUARD_ACROSS_BLOCKING,
    &alloc_under_lock::ALLOC_UNDER_LOCK,
    &false_sharing::FALSE_SHARING,
    &seqcst_counter::SEQCST_COUNTER,
    &atomic_ptr_to_local::ATOMIC_PTR_TO_LOCAL,
    &unshared_arc::UNSHARED_ARC,
    &lock_per_element::LOCK_PER_ELEMENT,
    &parse_error::PARSE_ERROR,
];

/// A lint called with each expression.
pub(crate) type ExprLint = fn(&Cx<'_, '_>, &syn::Expr, &mut Sink<'_>);

/// A lint called with each `let` and the statements that follow it in its block.
pub(crate) type LetLint = fn(&Cx<'_, '_>, &syn::Local, Later<'_>, &mut Sink<'_>);

pub(crate) static EXPR_LINTS: &[ExprLint] = &[
    arc_clone_in_hot_loop::check_expr,
    clone_under_lock::check_expr,
    over_copy::check_expr,
    seqcst_counter::check_expr,
    atomic_ptr_to_local::check_expr,
    guard_across_blocking::check_expr,
    alloc_under_lock::check_expr,
];

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
}

/// A lint called with each declaration.
pub(crate) type DeclLint = fn(&Cx<'_, '_>, &Decl<'_>, &mut Sink<'_>);

pub(crate) static DECL_LINTS: &[DeclLint] = &[lock_per_element::check_decl];

pub(crate) static LET_LINTS: &[LetLint] = &[over_copy::check_let];

/// The span from a method call's name to the end of the call: `clone()` in `a.b.clone()`.
/// Made from the name and the closing parenthesis, not from the whole call's tokens, which
/// would print the receiver chain back out.
pub(crate) fn method_span(cx: &Cx<'_, '_>, call: &syn::ExprMethodCall) -> crate::Span {
    crate::Span {
        start: cx.span(call.method.span()).start,
        end: cx.span(call.paren_token.span.close()).end,
    }
}

/// The span of a path call, `thread::sleep(d)`, from its callee and its closing parenthesis.
pub(crate) fn call_span(cx: &Cx<'_, '_>, call: &syn::ExprCall) -> crate::Span {
    crate::Span {
        start: cx.span_of(&call.func).start,
        end: cx.span(call.paren_token.span.close()).end,
    }
}
