#![doc = include_str!("arc_clone_in_hot_loop.md")]

use syn::{Expr, Pat, Stmt};

use super::{CrateCx, Rule};
use crate::fixes::callee::Lending;
use crate::fixes::deferred::{Deferred, Held};
use crate::fixes::tree::{self, Step};
use crate::fixes::{self};
use crate::registry::declare_lint;
use crate::semantic::types::FnId;
use crate::semantic::walker::{Condition, Cx, ParamFate, Sink, root_var, strip_parens};
use crate::{Applicability, Cost, Diagnostic, Per, SharedLine, Suggestion, Work};

declare_lint!(
    pub(crate) ARC_CLONE_IN_HOT_LOOP,
    "arc_clone_in_hot_loop",
    Warn,
    "`Arc::clone` in code that runs many times: every clone and drop is an atomic read-modify-write on one shared counter",
    "arc_clone_in_hot_loop.md"
);

pub(crate) struct ArcCloneInHotLoop;

/// Findings held until their function's body is known, for their fixes; and what the fix of
/// a clone handed to a crate function needs of the whole crate.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct ArcCloneFacts {
    #[serde(skip)]
    deferred: Deferred<Extra>,
    /// The parameters that could be borrows, and the calls that could lend one.
    lending: Lending,
    /// Findings whose clone is handed to one crate function: file, span, the function, and
    /// the parameter (`self` not counted).
    handed: Vec<(usize, crate::Span, FnId, usize)>,
}

impl super::Merge for ArcCloneFacts {
    fn merge(&mut self, other: Self) {
        self.lending.merge(other.lending);
        self.handed.extend(other.handed);
    }
}

/// What a held finding's fix needs.
#[derive(Debug)]
struct Extra {
    /// The address of the `Arc` being cloned (`shared` in `Arc::clone(&shared)`).
    original: usize,
    /// That expression is a reference already (`&Arc<T>`).
    original_is_ref: bool,
}

impl Rule for ArcCloneInHotLoop {
    type Facts = ArcCloneFacts;

    fn enter_fn(&self, facts: &mut ArcCloneFacts) {
        facts.deferred.enter();
    }

    fn exit_fn(&self, facts: &mut ArcCloneFacts, sink: &mut Sink<'_>) {
        for held in facts.deferred.exit() {
            held.report(sink);
        }
    }

    /// A clone handed to a private function that only reads it: the function takes `&T`, and
    /// every call lends (`respond(Arc::clone(shared))` becomes `respond(shared)`).
    fn complete(&self, cx: &CrateCx<'_>, facts: &ArcCloneFacts, findings: &mut [Diagnostic]) {
        for d in findings
            .iter_mut()
            .filter(|d| d.lint.name == ARC_CLONE_IN_HOT_LOOP.name && d.suggestion.is_none())
        {
            let Some((_, _, callee, param)) = facts
                .handed
                .iter()
                .find(|(file, span, _, _)| *file == d.file && *span == d.span)
            else {
                continue;
            };
            // Only a function that drops what it is handed can borrow it instead: one that keeps
            // it, or returns it in its result, needs the `Arc`.
            let dropped =
                cx.facts.fn_facts.iter().any(|(id, f)| {
                    *id == *callee && f.params.get(*param) == Some(&ParamFate::Dropped)
                });
            let Some(edits) = facts.lending.edits(cx, *callee, *param).filter(|_| dropped) else {
                continue;
            };
            let name = &cx.table.fns[*callee].name;
            d.help = Some(format!(
                "`{name}` only reads what it is handed: let it borrow (`&T`) and lend it the `Arc`'s contents instead of a clone"
            ));
            d.suggestion = Some(Suggestion::new(
                format!("let `{name}` borrow"),
                edits,
                Applicability::MaybeIncorrect,
            ));
        }
    }

    /// Which parameters of the function are `Arc`s it could borrow instead.
    fn check_fn(
        &self,
        cx: &Cx<'_, '_>,
        sig: &syn::Signature,
        block: &syn::Block,
        facts: &mut ArcCloneFacts,
    ) {
        // An `async fn`'s future would keep the borrow, which its callers may not lend.
        if sig.asyncness.is_none() {
            let typed = sig.inputs.iter().filter_map(|input| match input {
                syn::FnArg::Typed(t) => Some(t),
                syn::FnArg::Receiver(_) => None,
            });
            for (index, t) in typed.enumerate() {
                if let Some(inner) = arc_argument(&t.ty).and_then(fixes::text) {
                    facts.lending.param(cx, index, &t.ty, format!("&{inner}"));
                }
            }
        }
        for held in facts.deferred.held() {
            if let Some((help, suggestion)) = fix(cx, sig, block, held.at, &held.extra) {
                held.diagnostic.help = Some(help);
                held.diagnostic.suggestion = Some(suggestion);
            }
        }
    }

    /// Flags the clone call itself: that is where the atomic increment happens and what a person
    /// replaces with a borrow.
    fn check_expr(
        &self,
        cx: &Cx<'_, '_>,
        expr: &Expr,
        facts: &mut ArcCloneFacts,
        sink: &mut Sink<'_>,
    ) {
        if matches!(expr, Expr::Call(_) | Expr::MethodCall(_)) {
            facts.lending.call(cx, expr, |arg| {
                crate::fixes::callee::lendable(arg) && cx.type_of(arg).is_arc()
            });
        }
        let cloned = match expr {
            Expr::MethodCall(m) if m.method == "clone" && m.args.is_empty() => &*m.receiver,
            // `Arc::clone(&x)`, `Clone::clone(&x)`, a renamed `Arc`: the argument's type decides.
            Expr::Call(c)
                if c.args.len() == 1
                    && crate::semantic::walker::path_tail(&c.func)
                        .is_some_and(|(_, f)| f == "clone") =>
            {
                &c.args[0]
            }
            _ => return,
        };
        let ty = cx.type_of(cloned);
        if !ty.is_arc() {
            return;
        }
        // An error being built (`Err(Error::new(self.ctx.clone()))`, `.map_err(|_| ..)`) is
        // made when something already went wrong, and leaves the loop with the error.
        if cx.in_cold_path() {
            return;
        }
        // An `Arc` this function just made is split into its owners, not shared yet: hot callers
        // make the `Arc::new` the cost, not the clone. One made anew in each iteration of an outer
        // loop is a different counter each time.
        if (!cx.in_local_region() || cx.is_made_per_iteration(cloned)) && cx.is_fresh_arc(cloned) {
            return;
        }
        // A clone that is stored (pushed, inserted, assigned to a field, turned into a raw pointer)
        // is a new owner that outlives the iteration: ownership being handed out, not a count
        // bounced and dropped on every pass.
        if cx.is_stored() || cx.is_kept_part(expr) {
            return;
        }
        // The cost is one counter bounced between cores: a different `Arc` each iteration (the
        // loop's item, a value made in the body) is not one counter.
        if cx.varies_per_iteration(cloned) {
            return;
        }
        let Some(mut condition) = cx.hot(cloned) else {
            return;
        };
        // Built into an owner the function returns (`Some(Conn { ctx: self.ctx.clone() })`,
        // `Self { inner: Arc::clone(&self.inner) }`): the caller gets a new owner, which is
        // churn only where a hot caller drops it in the same pass.
        let Condition::Hot { returned, .. } = &mut condition;
        *returned = cx.is_returned_part(expr);
        let shown = ty.peel_refs().display();
        // The clone's increment and its drop's decrement, each time the code runs.
        let per = if cx.in_local_region() {
            Per::Iteration
        } else {
            Per::Call
        };
        let rmws = Work::AtomicRmw {
            count: 2,
            on: SharedLine::Counter,
            seqcst: false,
        };
        let diagnostic = Diagnostic::new(
        &ARC_CLONE_IN_HOT_LOOP,
        cx.file(),
        cx.span_of(expr),
        format!("`{shown}` cloned in hot code: every clone and drop is an atomic read-modify-write on its shared reference count"),
    )
    .with_label("an atomic increment now, and a decrement when the clone drops")
    .with_note("when several threads do this, the counter's cache line bounces between their cores and the loop stops scaling")
    .with_help("borrow the `Arc`'s contents instead (`&*x`, or pass `&T`), or clone once per thread before the loop")
    .with_cost(Cost::new(rmws, per).with_iterations(cx.iterations()));
        if let Condition::Hot {
            handed: Some(handed),
            ..
        } = &condition
        {
            if let [callee] = handed.callees[..] {
                let shift = usize::from(handed.path_call && cx.table().fns[callee].has_self);
                if let Some(param) = handed.arg.checked_sub(shift) {
                    facts
                        .handed
                        .push((cx.file(), diagnostic.span, callee, param));
                }
            }
        }
        let held = Held {
            diagnostic,
            condition: Some(condition),
            at: tree::addr(expr),
            extra: Extra {
                original: tree::addr(cloned),
                original_is_ref: matches!(strip_parens(cloned), Expr::Reference(_))
                    || matches!(ty, crate::semantic::ty::Ty::Ref(_)),
            },
        };
        if let Some(held) = facts.deferred.hold(held) {
            held.report(sink);
        }
    }
}

/// The fix of the clone at `at`: a borrow of the `Arc` where a reference serves.
/// - The clone is read through at once (`Arc::clone(&ctx).name`): the original is read instead,
///   `MachineApplicable` for a field, `MaybeIncorrect` for a method (an unknown one that takes
///   the `Arc` by value would move the original; a crate method known to, `self: Arc<Self>`,
///   has no fix).
/// - The clone is bound by `let` and only read through (`ctx.name`), lent (`&ctx`) or dropped:
///   the `let` binds a borrow instead and the drops go, `MachineApplicable` when every use reads
///   a field and the original cannot change meanwhile (it is reached from `&self` or from a
///   parameter that is a shared reference or is not `mut`), else `MaybeIncorrect`. A clone
///   that is only dropped goes, with its `let`.
fn fix(
    cx: &Cx<'_, '_>,
    sig: &syn::Signature,
    block: &syn::Block,
    at: usize,
    extra: &Extra,
) -> Option<(String, Suggestion)> {
    let steps = tree::path_to(block, at)?;
    let clone = steps.last()?.expr()?;
    let original = original_of(clone).filter(|o| tree::addr(o) == extra.original)?;
    let place = match strip_parens(original) {
        Expr::Reference(r) if r.mutability.is_none() => &*r.expr,
        other => other,
    };
    let place_text = fixes::text(place)?;
    let place_text = match strip_parens(place) {
        Expr::Path(_) | Expr::Field(_) | Expr::MethodCall(_) | Expr::Call(_) | Expr::Index(_) => {
            place_text
        }
        _ => format!("({place_text})"),
    };
    let shown = fixes::text(original)?;
    let parent = steps
        .iter()
        .rev()
        .skip(1)
        .map_while(|s| s.expr())
        .find(|e| !matches!(e, Expr::Paren(_)));
    match parent {
        Some(Expr::Field(f)) if tree::addr(strip_parens(&f.base)) == at => {
            let help =
                format!("read through `{shown}` itself: the clone is only read and then dropped");
            let suggestion = Suggestion::new(
                "read through the original",
                vec![fixes::replace(cx.span_of(clone), place_text)],
                Applicability::MachineApplicable,
            );
            return Some((help, suggestion));
        }
        Some(call @ Expr::MethodCall(m)) if tree::addr(strip_parens(&m.receiver)) == at => {
            // A crate method that takes the `Arc` itself (`self: Arc<Self>`) needs the clone.
            if cx
                .callees(call)
                .iter()
                .any(|&f| cx.table().fns[f].owned_self)
            {
                return None;
            }
            let help = format!(
                "call the method on `{shown}` itself: the clone is only read and then dropped"
            );
            let suggestion = Suggestion::new(
                "call it on the original",
                vec![fixes::replace(cx.span_of(clone), place_text)],
                Applicability::MaybeIncorrect,
            );
            return Some((help, suggestion));
        }
        _ => {}
    }
    // `let x = <clone>;` or `let (a, b) = (<clone>, <clone>);`
    let (stmts, index) = steps.iter().rev().find_map(|s| match s {
        Step::Stmt(stmts, i) => Some((*stmts, *i)),
        Step::Expr(_) => None,
    })?;
    let Stmt::Local(local) = &stmts[index] else {
        return None;
    };
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    let pat = match (strip_parens(&init.expr), &local.pat) {
        (e, pat) if tree::addr(e) == at => pat,
        (Expr::Tuple(parts), Pat::Tuple(pats)) if parts.elems.len() == pats.elems.len() => {
            let k = parts
                .elems
                .iter()
                .position(|p| tree::addr(strip_parens(p)) == at)?;
            &pats.elems[k]
        }
        _ => return None,
    };
    let Pat::Ident(binding) = pat else {
        return None;
    };
    if binding.mutability.is_some() || binding.by_ref.is_some() || binding.subpat.is_some() {
        return None;
    }
    let name = binding.ident.to_string();
    let var = cx.var_bound(&binding.ident, &name);
    let (uses, opaque) = tree::uses_in(&stmts[index + 1..], var);
    if opaque {
        return None;
    }
    let mut drops = Vec::new();
    let mut only_fields = true;
    for use_ in &uses {
        if let Some(j) = drop_statement(use_, &stmts[index + 1..]) {
            drops.push(index + 1 + j);
            continue;
        }
        let path = use_.expr();
        match use_.parent() {
            Some(Expr::Field(f)) if std::ptr::eq(strip_parens(&f.base), path) => {}
            Some(Expr::MethodCall(m)) if std::ptr::eq(strip_parens(&m.receiver), path) => {
                only_fields = false;
            }
            Some(Expr::Reference(r)) if r.mutability.is_none() => only_fields = false,
            _ => return None,
        }
    }
    let mut edits: Vec<_> = drops
        .iter()
        .map(|&j| fixes::replace(tree::removal(cx, stmts, j), ""))
        .collect();
    let single = matches!(&local.pat, Pat::Ident(_));
    if drops.len() == uses.len() && single {
        // Made only to be dropped: neither the clone nor its `let` is needed.
        edits.push(fixes::replace(tree::removal(cx, stmts, index), ""));
        let help = format!("`{name}` is only dropped: the clone and its `let` can go");
        let suggestion =
            Suggestion::new("remove the clone", edits, Applicability::MachineApplicable);
        return fixes::disjoint(&suggestion.edits).then_some((help, suggestion));
    }
    let borrow = if extra.original_is_ref {
        shown.clone()
    } else {
        format!("&{place_text}")
    };
    edits.push(fixes::replace(cx.span_of(clone), borrow.clone()));
    let steady = only_fields && unchanging(sig, place);
    let applicability = if steady {
        Applicability::MachineApplicable
    } else {
        Applicability::MaybeIncorrect
    };
    let help = format!(
        "bind a borrow instead of a clone (`let {name} = {borrow};`): `{name}` is only read through"
    );
    let suggestion = Suggestion::new("borrow instead of cloning", edits, applicability);
    fixes::disjoint(&suggestion.edits).then_some((help, suggestion))
}

/// The `Arc` a clone call clones: the receiver of `x.clone()`, the argument of `Arc::clone(x)`.
fn original_of(clone: &Expr) -> Option<&Expr> {
    match clone {
        Expr::MethodCall(m) => Some(&m.receiver),
        Expr::Call(c) if c.args.len() == 1 => Some(&c.args[0]),
        _ => None,
    }
}

/// `drop(var);` as a statement of `stmts`: its index there.
fn drop_statement(use_: &tree::Use<'_>, stmts: &[Stmt]) -> Option<usize> {
    let [Step::Stmt(s, j), Step::Expr(call), Step::Expr(_)] = use_.steps.as_slice() else {
        return None;
    };
    let is_drop = std::ptr::eq(*s, stmts)
        && matches!(&stmts[*j], Stmt::Expr(e, Some(_)) if std::ptr::eq(e, *call))
        && matches!(call, Expr::Call(c) if c.args.len() == 1
            && crate::semantic::walker::path_tail(&c.func).is_some_and(|(_, f)| f == "drop"));
    is_drop.then_some(*j)
}

/// Whether the place a borrow is taken of cannot change while the borrow lives: it is reached
/// from `&self`, or from a parameter that is a shared reference or is bound without `mut`.
fn unchanging(sig: &syn::Signature, place: &Expr) -> bool {
    let Some(root) = root_var(place) else {
        return false;
    };
    sig.inputs.iter().any(|input| match input {
        syn::FnArg::Receiver(r) => {
            root == "self" && r.reference.is_some() && r.mutability.is_none()
        }
        syn::FnArg::Typed(t) => match &*t.pat {
            Pat::Ident(p) if p.ident == *root => match &*t.ty {
                syn::Type::Reference(r) => r.mutability.is_none(),
                _ => p.mutability.is_none(),
            },
            _ => false,
        },
    })
}

/// `T` in a parameter type written `Arc<T>`.
fn arc_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Arc" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.iter().collect::<Vec<_>>()[..] {
            [syn::GenericArgument::Type(t)] => Some(t),
            _ => None,
        },
        _ => None,
    }
}
