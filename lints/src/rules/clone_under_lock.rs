#![doc = include_str!("clone_under_lock.md")]

use syn::Expr;

use super::Rule;
use crate::registry::declare_lint;
use crate::semantic::ty::Ty;
use crate::semantic::walker::{Cx, Sink, path_tail};
use crate::{Cost, Diagnostic, Per, Work};

declare_lint!(
    pub(crate) CLONE_UNDER_LOCK,
    "clone_under_lock",
    Warn,
    "a deep copy of data borrowed from a live lock guard: the critical section grows with the size of the data",
    "clone_under_lock.md"
);

pub(crate) struct CloneUnderLock;

impl Rule for CloneUnderLock {
    type Facts = ();

    /// Flags the copying call; the lock is shown as a secondary label.
    fn check_expr(&self, cx: &Cx<'_, '_>, expr: &Expr, _: &mut (), sink: &mut Sink<'_>) {
        let Some((source, copied, span)) = copy_of(cx, expr) else {
            return;
        };
        // `try_lock().unwrap()` asserts that nobody holds the lock: there is no one to wait.
        let Some(guard) = cx.guard_of(source).filter(|g| !g.asserted) else {
            return;
        };
        // A copy of a `Copy` value or a reference count is cheap; one whose type the source
        // does not show says nothing. A lone string (a name, a host) is one small copy; made
        // for each entry of the guarded data, the copies grow with the data.
        let table = cx.table();
        if !(table.is_bulk(&copied) || table.is_deep(&copied) && cx.in_loop_over_guard()) {
            return;
        }
        let shown = copied.display();
        let locked = guard.inner.display();
        let per = if cx.in_local_region() {
            Per::Iteration
        } else {
            Per::Call
        };
        let copy = Work::Copy {
            ty: shown.clone(),
            under_lock: true,
        };
        let shared = if copied.is_named("String") {
            "Arc<str>".to_owned()
        } else {
            format!("Arc<{shown}>")
        };
        let diagnostic = Diagnostic::new(
        &CLONE_UNDER_LOCK,
        cx.file(),
        span,
        format!("`{shown}` copied while a lock is held: the critical section grows with the size of the data"),
    )
    .with_label("deep copy inside the critical section")
    .with_secondary(cx.file(), guard.lock_span, format!("the lock on `{locked}` is held from here"))
    .with_note("every other thread that needs this lock waits for the whole copy")
    .with_help(format!(
        "store `{shared}` values so that a clone is a reference-count increment, or copy only the part you need after the guard is dropped"
    ))
    .with_cost(Cost::new(copy, per).with_iterations(cx.iterations()));
        sink.report(diagnostic);
    }
}

/// If `expr` copies a value (`clone`, `cloned`, `to_vec`, `to_owned`, `to_string` of a
/// string, `String::from(..)`, `Vec::from(..)`): what it copies from, the type of the copy,
/// and where to point.
fn copy_of<'e>(cx: &Cx<'_, '_>, expr: &'e Expr) -> Option<(&'e Expr, Ty, crate::Span)> {
    match expr {
        Expr::MethodCall(m) if m.args.is_empty() => {
            let result = cx.type_of(expr);
            let copied = match m.method.to_string().as_str() {
                "clone" | "to_vec" | "to_owned" => result,
                // `Option<&T>::cloned()` / `Iterator<Item = &T>::cloned()`: the items are what
                // is copied.
                "cloned" => result.arg(0),
                // Of a string, a copy; of a number or other `Display`, formatting (a new
                // string, not a copy of the guarded data).
                "to_string" if is_string(&cx.type_of(&m.receiver)) => result,
                _ => return None,
            };
            Some((&m.receiver, copied, cx.method_span(m)))
        }
        // `String::from(&*guard)`, `Vec::from(guard.as_slice())`.
        Expr::Call(c) if c.args.len() == 1 => {
            let (owner, func) = path_tail(&c.func)?;
            let owner = owner?;
            if func != "from" || !matches!(owner.as_str(), "String" | "Vec" | "PathBuf") {
                return None;
            }
            let arg = &c.args[0];
            // A string made from a number, a char or a literal is no copy of guarded data.
            let from = cx.type_of(arg);
            if !(is_string(&from) || matches!(from.peel_refs(), Ty::Slice(_))) {
                return None;
            }
            let made = cx.type_of(expr);
            let made = if made.is_known() {
                made
            } else {
                Ty::named(&owner, Vec::new())
            };
            Some((arg, made, cx.call_span(c)))
        }
        _ => None,
    }
}

/// Whether `ty` is a string (owned or borrowed).
fn is_string(ty: &Ty) -> bool {
    matches!(
        ty.peel_refs().name(),
        Some("String" | "str" | "PathBuf" | "Path" | "OsString" | "OsStr" | "Cow")
    )
}
