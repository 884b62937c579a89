//! Lending instead of handing over: a private function's parameter taken by value becomes a
//! borrow (`data: Vec<u8>` becomes `data: &[u8]`, `ctx: Arc<Context>` becomes `ctx: &Context`),
//! and every call of it lends its argument (`cut(chunk.clone(), ..)` becomes `cut(&chunk, ..)`).
//! The shape of `over_copy`'s and `arc_clone_in_hot_loop`'s fixes for a copy or clone handed to
//! a function that only reads it.
//!
//! The walk records the parameters a rule could turn into a borrow and the calls whose
//! arguments it could lend; the crate-wide step offers the fix only when every call of the
//! function the crate makes was recorded (compared with the walk's call graph), and all are in
//! the function's file. Always `MaybeIncorrect`: a function also used as a value (`map(cut)`)
//! or whose callers need it to keep the value would not compile.

use syn::Expr;

use crate::diagnostic::{Edit, Span};
use crate::rules::CrateCx;
use crate::semantic::types::FnId;
use crate::semantic::walker::{Cx, path_tail, strip_parens};

/// What the walk of a file records for the fix.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Lending {
    /// A parameter that could be a borrow: its function, its index (`self` not counted), its
    /// file, and the edit of its type.
    params: Vec<(FnId, usize, usize, Edit)>,
    /// Calls of crate functions that hand values over.
    calls: Vec<Call>,
}

/// A call of a crate function, with the edit that lends each argument (`None`: not one the
/// fix can lend).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Call {
    callee: FnId,
    file: usize,
    /// Where the call graph knows the call: the callee path, or the method's name.
    span: Span,
    args: Vec<Option<Edit>>,
}

impl crate::rules::Merge for Lending {
    fn merge(&mut self, other: Self) {
        self.params.extend(other.params);
        self.calls.extend(other.calls);
    }
}

impl Lending {
    /// A parameter of the function being walked that could be a borrow of type `borrowed`.
    pub(crate) fn param(
        &mut self,
        cx: &Cx<'_, '_>,
        index: usize,
        ty: &syn::Type,
        borrowed: String,
    ) {
        if let Some(function) = cx.function() {
            self.params.push((
                function,
                index,
                cx.file(),
                super::replace(cx.span_of(ty), borrowed),
            ));
        }
    }

    /// Records a call of one crate function, when `handed` says one of its arguments is worth
    /// lending (a copy, a clone, an owned buffer or `Arc`).
    pub(crate) fn call(&mut self, cx: &Cx<'_, '_>, expr: &Expr, handed: impl Fn(&Expr) -> bool) {
        let args = match expr {
            Expr::Call(c) => &c.args,
            Expr::MethodCall(m) => &m.args,
            _ => return,
        };
        if args.is_empty() {
            return;
        }
        let handed: Vec<bool> = args.iter().map(&handed).collect();
        if !handed.contains(&true) {
            return;
        }
        let span = match expr {
            Expr::Call(c) => cx.span_of(&*c.func),
            Expr::MethodCall(m) => cx.span(m.method.span()),
            _ => return,
        };
        let [callee] = cx.callees(expr)[..] else {
            return;
        };
        // A public function's other callers are out of sight: it keeps its signature.
        if cx.table().fns[callee].public {
            return;
        }
        self.calls.push(Call {
            callee,
            file: cx.file(),
            span,
            args: args
                .into_iter()
                .zip(handed)
                .map(|(a, handed)| if handed { lend(cx, a) } else { None })
                .collect(),
        });
    }

    /// The edits that make parameter `param` of `callee` a borrow and lend it at every call,
    /// if the function is private, the parameter was recorded, every call of it was, and all
    /// are in one file.
    pub(crate) fn edits(&self, cx: &CrateCx<'_>, callee: FnId, param: usize) -> Option<Vec<Edit>> {
        let sig = &cx.table.fns[callee];
        if sig.public {
            return None;
        }
        let (_, _, file, param_edit) = self
            .params
            .iter()
            .find(|(f, i, _, _)| *f == callee && *i == param)?;
        let mut edits = vec![param_edit.clone()];
        let edges: Vec<_> = cx
            .facts
            .calls
            .iter()
            .filter(|c| c.callee == callee)
            .collect();
        if edges.is_empty() {
            return None;
        }
        for edge in edges {
            if edge.file != *file {
                return None;
            }
            let call = self
                .calls
                .iter()
                .find(|c| c.callee == callee && c.file == edge.file && c.span == edge.span)?;
            let position = param + usize::from(edge.path_call && sig.has_self);
            edits.push(call.args.get(position)?.clone()?);
        }
        edits.sort_by_key(|e| e.span);
        edits.dedup();
        super::disjoint(&edits).then_some(edits)
    }
}

/// Whether an argument is one a fix can lend as written: a variable, a field, or a copy or
/// clone of one (other values, temporaries made in the call, are not looked at further, which
/// keeps the types of most arguments from being asked for).
pub(crate) fn lendable(arg: &Expr) -> bool {
    match strip_parens(arg) {
        Expr::Path(p) => p.path.get_ident().is_some(),
        Expr::Field(_) => true,
        Expr::MethodCall(m) => {
            m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "clone" | "to_vec" | "to_owned"
                )
        }
        Expr::Call(c) => c.args.len() == 1 && path_tail(&c.func).is_some_and(|(_, f)| f == "clone"),
        _ => false,
    }
}

/// The edit that lends an argument instead of handing it over: a copy or clone of `x`
/// (`x.clone()`, `x.to_vec()`, `Arc::clone(&x)`) becomes `&x` (or `x` when it is a reference
/// already), any other value `&value`.
fn lend(cx: &Cx<'_, '_>, arg: &Expr) -> Option<Edit> {
    let copied = match strip_parens(arg) {
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "clone" | "to_vec" | "to_owned"
                ) =>
        {
            Some(&*m.receiver)
        }
        Expr::Call(c)
            if c.args.len() == 1
                && path_tail(&c.func).is_some_and(|(o, f)| {
                    f == "clone" && matches!(o.as_deref(), Some("Arc" | "Rc" | "Clone"))
                }) =>
        {
            Some(&c.args[0])
        }
        _ => None,
    };
    let replacement = match copied {
        Some(original) => {
            let text = super::text(original)?;
            let reference = matches!(strip_parens(original), Expr::Reference(_))
                || matches!(cx.type_of(original), crate::semantic::ty::Ty::Ref(_));
            if reference {
                text
            } else {
                borrow(original, text)
            }
        }
        None => borrow(arg, super::text(arg)?),
    };
    Some(super::replace(cx.span_of(arg), replacement))
}

/// `&value`, with parentheses where `&` would bind to less than the whole value.
fn borrow(expr: &Expr, text: String) -> String {
    match strip_parens(expr) {
        Expr::Path(_)
        | Expr::Field(_)
        | Expr::MethodCall(_)
        | Expr::Call(_)
        | Expr::Index(_)
        | Expr::Macro(_)
        | Expr::Lit(_)
        | Expr::Struct(_)
        | Expr::Tuple(_)
        | Expr::Array(_)
        | Expr::Paren(_) => format!("&{text}"),
        _ => format!("&({text})"),
    }
}
