#![doc = include_str!("over_copy.md")]

use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use rustc_hash::FxHashMap as HashMap;

use super::{CrateCx, Merge, Rule};
use crate::fixes::callee::Lending;
use crate::fixes::deferred::{Deferred, Held};
use crate::registry::declare_lint;
use crate::semantic::bindings::Var;
use crate::semantic::types::FnId;
use crate::semantic::walker::{Cx, Later, Sink, root_var, strip_parens};
use crate::{Applicability, Cost, Diagnostic, Edit, Per, Span, Suggestion, Work};

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
    let per = if cx.in_local_region() {
        Per::Iteration
    } else {
        Per::Call
    };
    let copy = Work::Copy {
        ty: copied.clone(),
        under_lock: false,
    };
    Diagnostic::new(
        &OVER_COPY,
        cx.file(),
        cx.method_span(call),
        format!("the whole `{copied}` is copied, but only {use_} is used"),
    )
    .with_label("copies every element")
    .with_cost(Cost::new(copy, per).with_iterations(cx.iterations()))
}

/// The findings that wait for the crate: a copy handed to a crate function, reported if
/// every function the call may reach only slices that parameter; and, for each function
/// walked, which of its parameters it only slices.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct OverCopyFacts {
    handed: Vec<(Vec<FnId>, usize, Diagnostic)>,
    only_sliced: Vec<(FnId, Vec<bool>)>,
    /// Slices of copies (`v.clone()[a..b]`) held until their function's body is known: what is
    /// done with the slice decides whether slicing the original is certainly the same.
    #[serde(skip)]
    deferred: Deferred<()>,
    /// The parameters that could take a slice instead, and the calls that could lend one.
    lending: Lending,
}

impl Merge for OverCopyFacts {
    fn merge(&mut self, other: Self) {
        self.handed.merge(other.handed);
        self.only_sliced.merge(other.only_sliced);
        self.lending.merge(other.lending);
    }
}

pub(crate) struct OverCopy;

/// Methods that only read the slice they are called on and return nothing borrowed from it
/// that outlives the statement's temporaries: on the original, they see what they saw on the
/// copy.
const READ_ONLY: &[&str] = &[
    "to_vec",
    "to_owned",
    "to_string",
    "len",
    "is_empty",
    "contains",
    "starts_with",
    "ends_with",
    "iter",
    "first",
    "last",
    "get",
    "chunks",
    "windows",
    "concat",
    "join",
    "to_ascii_lowercase",
    "to_ascii_uppercase",
    "to_lowercase",
    "to_uppercase",
    "trim",
    "split",
    "lines",
    "bytes",
    "chars",
    "parse",
    "eq",
];

impl Rule for OverCopy {
    type Facts = OverCopyFacts;

    fn enter_fn(&self, facts: &mut OverCopyFacts) {
        facts.deferred.enter();
    }

    fn exit_fn(&self, facts: &mut OverCopyFacts, sink: &mut Sink<'_>) {
        for held in facts.deferred.exit() {
            held.report(sink);
        }
    }

    fn check_expr(
        &self,
        cx: &Cx<'_, '_>,
        expr: &Expr,
        facts: &mut OverCopyFacts,
        sink: &mut Sink<'_>,
    ) {
        match expr {
            // `v.clone()[a..b]`
            Expr::Index(i) if is_partial_range(&i.index) => {
                let Some(call) = copy_call(cx, &i.expr) else {
                    return;
                };
                let original = crate::fixes::text(&*call.receiver).unwrap_or_else(|| "v".into());
                let range = crate::fixes::text(&*i.index).unwrap_or_else(|| "a..b".into());
                let d = diagnostic(cx, call, "a slice of it")
                .with_note("the copy costs time and memory in proportion to the whole buffer, not the slice")
                .with_help(format!("slice the original instead, and copy only the slice if you need to own it: `{original}[{range}]`"))
                .with_suggestion(Suggestion::new("slice the original", vec![remove_copy(cx, call)], Applicability::MaybeIncorrect));
                let held = Held {
                    diagnostic: d,
                    condition: None,
                    at: crate::fixes::tree::addr(expr),
                    extra: (),
                };
                if let Some(held) = facts.deferred.hold(held) {
                    held.report(sink);
                }
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
                // `String::as_str`), which the original has only when it is one (`[u8]` and
                // `BytesMut` have no `as_slice`).
                let original = cx.type_of(&call.receiver);
                let owned_type = matches!(original.peel_refs().name(), Some("Vec" | "String"));
                let applicability = if method.starts_with("as_") && !owned_type {
                    Applicability::MaybeIncorrect
                } else {
                    Applicability::MachineApplicable
                };
                let d = diagnostic(cx, call, &format!("{view} of the copy"))
                    .with_note(
                        "the copy is dropped right after; the original answers the same call",
                    )
                    .with_help(format!("call `{}` on the original", m.method))
                    .with_suggestion(Suggestion::new(
                        "use the original",
                        vec![remove_copy(cx, call)],
                        applicability,
                    ));
                sink.report(d);
            }
            // `cut(chunk.clone(), off, len)` where `cut` only slices that parameter.
            Expr::Call(_) | Expr::MethodCall(_) => {
                let args: Vec<&Expr> = match expr {
                    Expr::Call(c) => c.args.iter().collect(),
                    Expr::MethodCall(m) => m.args.iter().collect(),
                    _ => return,
                };
                // A call that hands over a buffer may be one a fix lends to instead.
                facts.lending.call(cx, expr, |arg| {
                    crate::fixes::callee::lendable(arg)
                        && (copy_call(cx, arg).is_some() || cx.type_of(arg).is_std_deep())
                });
                // Most calls pass no copy: resolving the callee can wait until one does.
                if !args.iter().any(|arg| copy_call(cx, arg).is_some()) {
                    return;
                }
                let callees = cx.callees(expr);
                if callees.is_empty() {
                    return;
                }
                let shift = usize::from(
                    matches!(expr, Expr::Call(_)) && cx.table().fns[callees[0]].has_self,
                );
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
                    facts.handed.push((callees.clone(), param, d));
                }
            }
            _ => {}
        }
    }

    /// `let c = v.clone();` whose later uses only slice `c` or take its length.
    fn check_let(
        &self,
        cx: &Cx<'_, '_>,
        local: &syn::Local,
        later: Later<'_>,
        _: &mut OverCopyFacts,
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
        let uses = Uses::count(cx.var_bound(&ident.ident, &name), later.naming(&name));
        if uses.sliced == 0 || uses.whole > 0 {
            return;
        }
        // The original used again later may change in between: the copy is then a snapshot.
        if let Some(root) = root_var(&call.receiver) {
            let original = root.to_string();
            let again = Uses::count(cx.var_used(root, &original), later.naming(&original));
            if again.sliced + again.whole > 0 {
                return;
            }
        }
        // A borrow of the original serves: `c[a..b]` and `c.len()` read through it alike.
        let borrow = match cx.type_of(&call.receiver) {
            crate::semantic::ty::Ty::Ref(_) if matches!(&*call.receiver, Expr::Path(_)) => {
                crate::fixes::text(&*call.receiver)
            }
            _ => crate::fixes::text(&*call.receiver).map(|t| format!("&{t}")),
        };
        let mut d = diagnostic(cx, call, "part of it (slices, and its length)")
            .with_note(format!(
                "`{name}` is only sliced after this; the copy of the rest is wasted"
            ))
            .with_help(match &borrow {
                Some(borrow) => format!(
                    "borrow the original (`let {name} = {borrow};`), and copy only the part you keep"
                ),
                None => "borrow the original, and copy only the part you keep".to_owned(),
            });
        // A binding that is not `mut` cannot change the copy, so a borrow reads the same; a type
        // written on the `let` would not match a borrow.
        if let (Some(borrow), None, None) = (borrow, &ident.mutability, &ident.by_ref) {
            d = d.with_suggestion(Suggestion::new(
                "borrow the original",
                vec![crate::Edit {
                    span: cx.span_of(&*init.expr),
                    replacement: borrow,
                }],
                Applicability::MachineApplicable,
            ));
        }
        sink.report(d);
    }

    /// Which parameters of the function the body only slices (or takes the length of): a copy
    /// handed to one of them is wasted. And the fixes of the slices of copies held: slicing
    /// the original is certainly the same when the slice is only read (a read-only method, a
    /// shared borrow), else it may be a copy changed on purpose.
    fn check_fn(
        &self,
        cx: &Cx<'_, '_>,
        sig: &syn::Signature,
        block: &syn::Block,
        facts: &mut OverCopyFacts,
    ) {
        for held in facts.deferred.held() {
            if slice_only_read(block, held.at) {
                if let Some(s) = &mut held.diagnostic.suggestion {
                    s.applicability = Applicability::MachineApplicable;
                }
            }
        }
        let Some(function) = cx.function() else {
            return;
        };
        let sliced = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(t) => Some(t),
                syn::FnArg::Receiver(_) => None,
            })
            .map(|t| {
                let ty = cx.resolved_ty(&t.ty);
                match &*t.pat {
                    Pat::Ident(i) if ty.is_std_deep() || ty.is_named("Vec") => {
                        let name = i.ident.to_string();
                        only_sliced(cx.var_bound(&i.ident, &name), block)
                    }
                    _ => false,
                }
            })
            .collect::<Vec<bool>>();
        // A parameter only sliced could take a slice; an `async fn`'s future would keep the
        // borrow, which its callers may not be able to lend.
        if sig.asyncness.is_none() {
            let typed = sig.inputs.iter().filter_map(|input| match input {
                syn::FnArg::Typed(t) => Some(t),
                syn::FnArg::Receiver(_) => None,
            });
            for (index, (t, only)) in typed.zip(&sliced).enumerate() {
                if let (true, Some(borrowed)) = (*only, slice_type(&t.ty)) {
                    facts.lending.param(cx, index, &t.ty, borrowed);
                }
            }
        }
        facts.only_sliced.push((function, sliced));
    }

    fn check_crate(&self, cx: &CrateCx<'_>, facts: &OverCopyFacts, out: &mut Vec<Diagnostic>) {
        let sliced: HashMap<FnId, &[bool]> = facts
            .only_sliced
            .iter()
            .map(|(f, params)| (*f, params.as_slice()))
            .collect();
        for (callees, param, diagnostic) in &facts.handed {
            let all = callees.iter().all(|id| {
                sliced
                    .get(id)
                    .is_some_and(|p| p.get(*param).copied().unwrap_or(false))
            });
            if all {
                let mut diagnostic = diagnostic.clone();
                // The callee takes a slice, and every call lends one.
                if let [callee] = callees[..] {
                    if let Some(edits) = facts.lending.edits(cx, callee, *param) {
                        diagnostic = diagnostic.with_suggestion(Suggestion::new(
                            "take a slice, and lend one at every call",
                            edits,
                            Applicability::MaybeIncorrect,
                        ));
                    }
                }
                out.push(diagnostic);
            }
        }
    }
}

/// Counts how a variable is used: slicing and length versus anything else.
struct Uses<'n> {
    var: Var<'n>,
    sliced: usize,
    whole: usize,
}

impl<'n> Uses<'n> {
    /// How the variable is used in `stmts`.
    fn count<'s>(var: Var<'n>, stmts: impl IntoIterator<Item = &'s syn::Stmt>) -> Self {
        let mut uses = Uses {
            var,
            sliced: 0,
            whole: 0,
        };
        for stmt in stmts {
            uses.visit_stmt(stmt);
        }
        uses
    }
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::Index(i) if self.var.expr(&i.expr) && is_partial_range(&i.index) => {
                self.sliced += 1;
                self.visit_expr(&i.index);
            }
            Expr::MethodCall(m)
                if self.var.expr(&m.receiver)
                    && matches!(m.method.to_string().as_str(), "len" | "is_empty") =>
            {
                for arg in &m.args {
                    self.visit_expr(arg);
                }
            }
            Expr::Path(p) if self.var.path(&p.path) => self.whole += 1,
            // Inside a closure or macro we cannot tell how it is used.
            _ => visit::visit_expr(self, expr),
        }
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
        }
        // A `let` of the same name starts another variable, whose uses the bindings tell
        // apart from this one's.
    }
}

/// Whether the body only slices parameter `name` or takes its length (and uses it at least
/// once to slice), never using it whole.
fn only_sliced(var: Var<'_>, block: &syn::Block) -> bool {
    struct Uses<'n> {
        var: Var<'n>,
        sliced: usize,
        other: usize,
    }
    impl<'ast> Visit<'ast> for Uses<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::Index(i) if self.var.expr(&i.expr) && is_partial_range(&i.index) => {
                    self.sliced += 1;
                    self.visit_expr(&i.index);
                }
                Expr::MethodCall(m)
                    if self.var.expr(&m.receiver)
                        && matches!(
                            m.method.to_string().as_str(),
                            "len"
                                | "is_empty"
                                | "get"
                                | "first"
                                | "last"
                                | "starts_with"
                                | "ends_with"
                        ) =>
                {
                    if m.method == "get" {
                        self.sliced += 1;
                    }
                    for arg in &m.args {
                        self.visit_expr(arg);
                    }
                }
                Expr::Path(p) if self.var.path(&p.path) => self.other += 1,
                _ => visit::visit_expr(self, expr),
            }
        }
        fn visit_local(&mut self, local: &'ast syn::Local) {
            // A shadowing `let` starts another variable, which the bindings tell apart.
            visit::visit_local(self, local);
        }
    }
    let mut uses = Uses {
        var,
        sliced: 0,
        other: 0,
    };
    uses.visit_block(block);
    uses.sliced > 0 && uses.other == 0
}

/// Whether the slice at `at` (`v.clone()[a..b]`) is only read where it is: the receiver of a
/// read-only method, or borrowed shared (not to be bound by a `let`, whose borrow of the
/// original would outlive the statement).
fn slice_only_read(block: &syn::Block, at: usize) -> bool {
    use crate::fixes::tree::{self, Step};
    let Some(steps) = tree::path_to(block, at) else {
        return false;
    };
    let mut around = steps
        .iter()
        .rev()
        .skip(1)
        .filter(|s| !matches!(s, Step::Expr(Expr::Paren(_))));
    match around.next() {
        Some(Step::Expr(Expr::MethodCall(m))) => {
            tree::addr(strip_parens(&m.receiver)) == at
                && READ_ONLY.contains(&m.method.to_string().as_str())
        }
        Some(Step::Expr(Expr::Reference(r))) => {
            r.mutability.is_none() && matches!(around.next(), Some(Step::Expr(_)))
        }
        _ => false,
    }
}

/// The borrowed type a parameter of an owned buffer type can take instead: `&[T]` for `Vec<T>`
/// or `Box<[T]>`, `&str` for `String`.
fn slice_type(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let arg = match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.iter().collect::<Vec<_>>()[..] {
            [syn::GenericArgument::Type(t)] => Some(t),
            _ => None,
        },
        _ => None,
    };
    match (last.ident.to_string().as_str(), arg) {
        ("String", None) => Some("&str".to_owned()),
        ("Vec", Some(t)) => Some(format!("&[{}]", crate::fixes::text(t)?)),
        ("Box", Some(syn::Type::Slice(s))) => Some(format!("&[{}]", crate::fixes::text(&*s.elem)?)),
        _ => None,
    }
}
