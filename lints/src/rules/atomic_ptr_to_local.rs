#![doc = include_str!("atomic_ptr_to_local.md")]

use syn::Expr;

use super::{Merge, Rule};
use crate::fixes::{self, tree};
use crate::registry::declare_lint;
use crate::semantic::ty::Ty;
use crate::semantic::walker::{Cx, Sink};
use crate::syntax::atomics::atomic_key;
use crate::syntax::exprs::mentions;
use crate::syntax::tables::ATOMIC_WRITES;
use crate::{Applicability, Diagnostic, Suggestion};

declare_lint!(
    pub(crate) ATOMIC_PTR_TO_LOCAL,
    "atomic_ptr_to_local",
    Deny,
    "a pointer to a local variable stored in an `AtomicPtr`: it dangles when the function returns",
    "atomic_ptr_to_local.md"
);

/// The functions being walked, innermost last: a finding waits for the end of its function,
/// where a later write to the same atomic (putting back what it replaced) clears it.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct AtomicPtrFacts {
    #[serde(skip)]
    frames: Vec<Frame>,
}

#[derive(Debug, Default)]
struct Frame {
    /// Findings: the atomic as written, the local pointed to, and the finding, with the address
    /// of the pointer stored (for the fix).
    waiting: Vec<(String, String, Diagnostic, usize)>,
    /// Writes to atomics: the atomic as written and where.
    writes: Vec<(String, usize)>,
}

impl Merge for AtomicPtrFacts {
    fn merge(&mut self, _: Self) {}
}

pub(crate) struct AtomicPtrToLocal;

impl Rule for AtomicPtrToLocal {
    type Facts = AtomicPtrFacts;

    /// Flags the pointer argument: that is the value that outlives its target.
    fn check_expr(
        &self,
        cx: &Cx<'_, '_>,
        expr: &Expr,
        facts: &mut AtomicPtrFacts,
        _: &mut Sink<'_>,
    ) {
        let Some(frame) = facts.frames.last_mut() else {
            return;
        };
        // `while !node.signaled.load(..) { park() }` after publishing `&node`: the frame waits
        // until another thread is done with the node.
        if let Expr::While(w) = expr {
            let start = cx.span(w.while_token.span).start;
            frame
                .waiting
                .retain(|(_, target, d, _)| d.span.start >= start || !mentions(&w.cond, target));
            return;
        }
        let Expr::MethodCall(m) = expr else { return };
        if ATOMIC_WRITES.contains(&m.method.to_string().as_str()) {
            let at = cx.span(m.method.span()).start;
            frame.writes.push((atomic_key(&m.receiver), at));
        }
        // The argument that becomes the atomic's new value.
        let new_value = match (m.method.to_string().as_str(), m.args.len()) {
            ("store" | "swap", 2) => &m.args[0],
            ("compare_exchange" | "compare_exchange_weak", 4) | ("compare_and_swap", 3) => {
                &m.args[1]
            }
            _ => return,
        };
        let receiver = cx.type_of(&m.receiver);
        let atomic_ptr = receiver.auto_deref().is_named("AtomicPtr");
        // Another atomic (an `AtomicUsize` holding an address) is not what this lint is about.
        if receiver.auto_deref().is_known() && !atomic_ptr {
            return;
        }
        // `&mut x` becomes a raw pointer only where the receiver is known to want one.
        let Some(target) = cx.local_pointee(new_value, atomic_ptr) else {
            return;
        };
        // An `AtomicPtr` that lives in this frame too dies with its target.
        if in_this_frame(cx, &m.receiver) {
            return;
        }
        let diagnostic = Diagnostic::new(
        &ATOMIC_PTR_TO_LOCAL,
        cx.file(),
        cx.span_of(new_value),
        format!("a pointer to the local `{target}` is stored in an `AtomicPtr`: it dangles when this function returns"),
    )
    .with_label(format!("points into this function's stack frame, at `{target}`"))
    .with_note("any thread can load the pointer after the function has returned; dereferencing it then is undefined behaviour")
    .with_help("store a heap allocation that outlives the function: `Box::into_raw(Box::new(value))`, freed with `Box::from_raw` once no thread can reach it");
        // A function that puts the old value back before it returns, or that waits in a loop on
        // the node it published until another thread is done with it, keeps the pointer valid for
        // as long as it is there.
        frame.waiting.push((
            atomic_key(&m.receiver),
            target,
            diagnostic,
            tree::addr(new_value),
        ));
    }

    /// The fixes of the findings of the function, now that its body is known.
    fn check_fn(
        &self,
        cx: &Cx<'_, '_>,
        _: &syn::Signature,
        block: &syn::Block,
        facts: &mut AtomicPtrFacts,
    ) {
        let Some(frame) = facts.frames.last_mut() else {
            return;
        };
        for (_, target, diagnostic, at) in &mut frame.waiting {
            diagnostic.suggestion = fix(cx, block, *at, target);
        }
    }

    fn enter_fn(&self, facts: &mut AtomicPtrFacts) {
        facts.frames.push(Frame::default());
    }

    fn exit_fn(&self, facts: &mut AtomicPtrFacts, sink: &mut Sink<'_>) {
        let Some(frame) = facts.frames.pop() else {
            return;
        };
        for (key, _, diagnostic, _) in frame.waiting {
            let overwritten = frame
                .writes
                .iter()
                .any(|(k, at)| *k == key && *at > diagnostic.span.end);
            if !overwritten {
                sink.report(diagnostic);
            }
        }
    }
}

/// Whether the atomic is a variable of this function (or a field of one) held by value.
fn in_this_frame(cx: &Cx<'_, '_>, receiver: &Expr) -> bool {
    let mut place = receiver;
    loop {
        match place {
            Expr::Field(f) => place = &f.base,
            Expr::Paren(p) => place = &p.expr,
            Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                return cx.local(&name).is_some_and(|l| {
                    !l.is_param
                        && l.ty.is_known()
                        && !matches!(l.ty, Ty::Ref(_) | Ty::Ptr(_))
                        && !l.ty.is_refcounted()
                        && !l.ty.is_named("Box")
                });
            }
            _ => return false,
        }
    }
}

/// The fix of a pointer to the local `target` stored at `at`: the pointer made from a heap copy
/// of the value, `Box::into_raw(Box::new(target))`, where it is made (here, or in the `let`
/// of the variable that holds it). Only when the pointer is of the variable itself (not a
/// field of it) and nothing uses the variable after the pointer is made, as the value moves
/// into the box. `MaybeIncorrect`: the allocation lives until someone frees it with
/// `Box::from_raw`, which is for the code that takes the pointer out to do.
fn fix(cx: &Cx<'_, '_>, block: &syn::Block, at: usize, target: &str) -> Option<Suggestion> {
    let steps = tree::path_to(block, at)?;
    let mut made = steps.last()?.expr()?;
    // A variable holding the pointer: the pointer is made in its `let`.
    if let Expr::Path(p) = made {
        let ident = p.path.get_ident()?;
        let name = ident.to_string();
        let binding = cx.var_used(ident, &name).binding()?;
        made = let_init(cx, block, binding)?;
    }
    let place = pointee_path(made)?;
    if place.path.get_ident().is_none_or(|i| i != target) {
        return None;
    }
    let ident = place.path.get_ident()?;
    let var = cx.var_used(ident, target);
    let (uses, opaque) = tree::uses_in(&block.stmts, var);
    let end = cx.span_of(made).end;
    if opaque || uses.iter().any(|u| cx.span_of(u.expr()).start >= end) {
        return None;
    }
    Some(Suggestion::new(
        "store a heap allocation instead",
        vec![fixes::replace(
            cx.span_of(made),
            format!("Box::into_raw(Box::new({target}))"),
        )],
        Applicability::MaybeIncorrect,
    ))
}

/// The initialiser of the `let` that binds `binding` in `block` (at any depth).
fn let_init<'b>(
    cx: &Cx<'_, '_>,
    block: &'b syn::Block,
    binding: crate::semantic::bindings::BindingId,
) -> Option<&'b Expr> {
    use syn::visit::Visit;
    struct Find<'c, 'w, 'a, 'b> {
        cx: &'c Cx<'w, 'a>,
        binding: crate::semantic::bindings::BindingId,
        found: Option<&'b Expr>,
    }
    impl<'b> Visit<'b> for Find<'_, '_, '_, 'b> {
        fn visit_local(&mut self, local: &'b syn::Local) {
            if let (syn::Pat::Ident(p), Some(init)) = (&local.pat, &local.init) {
                let name = p.ident.to_string();
                if self.cx.var_bound(&p.ident, &name).binding() == Some(self.binding) {
                    self.found = Some(&init.expr);
                }
            }
            syn::visit::visit_local(self, local);
        }
        fn visit_item(&mut self, _: &'b syn::Item) {}
    }
    let mut find = Find {
        cx,
        binding,
        found: None,
    };
    find.visit_block(block);
    find.found
}

/// The variable a pointer expression points at: `&mut x as *mut T`, `&x as *const T as *mut T`,
/// `&mut x`, `&raw mut x`, `ptr::addr_of_mut!(x)`.
fn pointee_path(expr: &Expr) -> Option<&syn::ExprPath> {
    match expr {
        Expr::Cast(c) => pointee_path(&c.expr),
        Expr::Paren(p) => pointee_path(&p.expr),
        Expr::Reference(r) => match &*r.expr {
            Expr::Path(p) => Some(p),
            _ => None,
        },
        Expr::RawAddr(r) => match &*r.expr {
            Expr::Path(p) => Some(p),
            _ => None,
        },
        Expr::Call(c)
            if crate::pipeline::parse::expanded_macro_name(c)
                .is_some_and(|n| n == "addr_of_mut" || n == "addr_of") =>
        {
            match c.args.first()? {
                Expr::Path(p) => Some(p),
                _ => None,
            }
        }
        _ => None,
    }
}
