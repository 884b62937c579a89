#![doc = include_str!("over_copy.md")]

use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use super::method_span;
use crate::model::body::{Condition, Cx, Later, Sink, root_var, strip_parens};
use crate::registry::declare_lint;
use crate::{Applicability, Diagnostic, Edit, Span, Suggestion};

declare_lint!(
    pub(crate) OVER_COPY,
    "over_copy",
    Warn,
    "a whole buffer copied when only part of it, or only its length, is used",
    "over_copy.md"
);

/// Read-only views: calling one of these on a fresh copy needs no copy at all.
const VIEW_METHODS: &[&str] = &[
    "len",
    "is_empty",
    "iter",
    "contains",
    "first",
    "last",
    "get",
    "starts_with",
    "ends_with",
    "as_slice",
    "as_str",
    "as_bytes",
    "chunks",
    "windows",
];

/// If `expr` is a deep copy of a buffer (`x.clone()`, `x.to_vec()`, `x.to_owned()`), the call.
fn copy_call<'e>(cx: &Cx<'_, '_>, expr: &'e Expr) -> Option<&'e syn::ExprMethodCall> {
    let Expr::MethodCall(m) = strip_parens(expr) else {
        return None;
    };
    // A literal is as long as the source shows: a few bytes, copied once.
    if !m.args.is_empty() || matches!(strip_parens(&m.receiver), Expr::Lit(_)) {
        return None;
    }
    let recv = cx.type_of(&m.receiver);
    match m.method.to_string().as_str() {
        // `to_vec` always copies a slice, even through an `Arc<[T]>`.
        "to_vec" => Some(m),
        "clone" | "to_owned" if !recv.is_refcounted() && cx.table().is_deep(&cx.type_of(expr)) => {
            Some(m)
        }
        _ => None,
    }
}

/// `a..b`, `a..`, `..b`: part of the buffer (`..` is all of it).
pub(crate) fn is_partial_range(index: &Expr) -> bool {
    matches!(index, Expr::Range(r) if r.start.is_some() || r.end.is_some())
}

/// The edit that removes the copying call, leaving its receiver.
fn remove_copy(cx: &Cx<'_, '_>, call: &syn::ExprMethodCall) -> Edit {
    let recv_end = cx.span_of(&call.receiver).end;
    Edit {
        span: Span {
            start: recv_end,
            end: cx.span_of(call).end,
        },
        replacement: String::new(),
    }
}

fn diagnostic(cx: &Cx<'_, '_>, call: &syn::ExprMethodCall, use_: &str) -> Diagnostic {
    let copied = cx.type_of_method_call(call).display();
    Diagnostic::new(
        &OVER_COPY,
        cx.file(),
        method_span(cx, call),
        format!("the whole `{copied}` is copied, but only {use_} is used"),
    )
    .with_label("copies every element")
}

pub(crate) fn check_expr(cx: &Cx<'_, '_>, expr: &Expr, sink: &mut Sink<'_>) {
    match expr {
        // `v.clone()[a..b]`
        Expr::Index(i) if is_partial_range(&i.index) => {
            let Some(call) = copy_call(cx, &i.expr) else {
                return;
            };
            let d = diagnostic(cx, call, "a slice of it")
                .with_note("the copy costs time and memory in proportion to the whole buffer, not the slice")
                .with_help("slice the original instead, and copy only the slice if you need to own it: `v[a..b].to_vec()`")
                .with_suggestion(Suggestion {
                    message: "slice the original".into(),
                    edits: vec![remove_copy(cx, call)],
                    applicability: Applicability::MaybeIncorrect,
                });
            sink.report(d);
        }
        // `v.clone().len()`, `v.to_vec().iter()`
        Expr::MethodCall(m) if VIEW_METHODS.contains(&m.method.to_string().as_str()) => {
            let Some(call) = copy_call(cx, &m.receiver) else {
                return;
            };
            let method = m.method.to_string();
            let view = format!("`{method}`");
            // Slice and `str` methods reach the original through `Deref` whatever its type;
            // the `as_*` views are methods of the owned type (`Vec::as_slice`,
            // `String::as_str`), which the original may not have (`[u8]`, `BytesMut`).
            let applicability = if method.starts_with("as_") {
                Applicability::MaybeIncorrect
            } else {
                Applicability::MachineApplicable
            };
            let d = diagnostic(cx, call, &format!("{view} of the copy"))
                .with_note("the copy is dropped right after; the original answers the same call")
                .with_help(format!("call `{}` on the original", m.method))
                .with_suggestion(Suggestion {
                    message: "use the original".into(),
                    edits: vec![remove_copy(cx, call)],
                    applicability,
                });
            sink.report(d);
        }
        // `cut(chunk.clone(), off, len)` where `cut` only slices that parameter.
        Expr::Call(_) | Expr::MethodCall(_) => {
            let args: Vec<&Expr> = match expr {
                Expr::Call(c) => c.args.iter().collect(),
                Expr::MethodCall(m) => m.args.iter().collect(),
                _ => return,
            };
            // Most calls pass no copy: resolving the callee can wait until one does.
            if !args.iter().any(|arg| copy_call(cx, arg).is_some()) {
                return;
            }
            let callees = cx.callees(expr);
            if callees.is_empty() {
                return;
            }
            let shift =
                usize::from(matches!(expr, Expr::Call(_)) && cx.table().fns[callees[0]].has_self);
            for (i, arg) in args.iter().enumerate() {
                let Some(call) = copy_call(cx, arg) else {
                    continue;
                };
                let Some(param) = i.checked_sub(shift) else {
                    continue;
                };
                let callee = &cx.table().fns[callees[0]].name;
                let d = diagnostic(cx, call, &format!("a slice of it inside `{callee}`"))
                    .with_note(format!("`{callee}` only slices this parameter or takes its length; it never needs its own copy"))
                    .with_help(format!("make `{callee}` take a slice (`&[T]` / `&str`) and pass a borrow, or pass only the part it uses"));
                sink.report_if(
                    Condition::OnlySliced {
                        callees: callees.clone(),
                        param,
                    },
                    d,
                );
            }
        }
        _ => {}
    }
}

/// `let c = v.clone();` whose later uses only slice `c` or take its length.
pub(crate) fn check_let(
    cx: &Cx<'_, '_>,
    local: &syn::Local,
    later: Later<'_>,
    sink: &mut Sink<'_>,
) {
    let Some(init) = &local.init else { return };
    if init.diverge.is_some() {
        return;
    }
    let Pat::Ident(ident) = &local.pat else {
        return;
    };
    let Some(call) = copy_call(cx, &init.expr) else {
        return;
    };
    let name = ident.ident.to_string();
    let uses = Uses::count(&name, later.naming(&name));
    if uses.sliced == 0 || uses.whole > 0 {
        return;
    }
    // The original used again later may change in between: the copy is then a snapshot.
    if let Some(original) = root_var(&call.receiver).map(|i| i.to_string()) {
        let again = Uses::count(&original, later.naming(&original));
        if again.sliced + again.whole > 0 {
            return;
        }
    }
    let d = diagnostic(cx, call, "part of it (slices, and its length)")
        .with_note(format!(
            "`{name}` is only sliced after this; the copy of the rest is wasted"
        ))
        .with_help(
            "slice the original and copy only the part you keep (`v[a..b].to_vec()`), or borrow it",
        );
    sink.report(d);
}

/// Counts how a variable is used: slicing and length versus anything else.
struct Uses<'n> {
    name: &'n str,
    sliced: usize,
    whole: usize,
}

impl<'n> Uses<'n> {
    /// How `name` is used in `stmts`.
    fn count<'s>(name: &'n str, stmts: impl IntoIterator<Item = &'s syn::Stmt>) -> Self {
        let mut uses = Uses {
            name,
            sliced: 0,
            whole: 0,
        };
        for stmt in stmts {
            uses.visit_stmt(stmt);
        }
        uses
    }
}

fn is_var(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident(name))
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::Index(i) if is_var(&i.expr, self.name) && is_partial_range(&i.index) => {
                self.sliced += 1;
                self.visit_expr(&i.index);
            }
            Expr::MethodCall(m)
                if is_var(&m.receiver, self.name)
                    && matches!(m.method.to_string().as_str(), "len" | "is_empty") =>
            {
                for arg in &m.args {
                    self.visit_expr(arg);
                }
            }
            Expr::Path(p) if p.path.is_ident(self.name) => self.whole += 1,
            // Inside a closure or macro we cannot tell how it is used.
            _ => visit::visit_expr(self, expr),
        }
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
        }
        // Shadowing ends the variable's uses.
        if matches!(&local.pat, Pat::Ident(i) if i.ident == self.name) {
            self.whole += 1;
        }
    }
}
