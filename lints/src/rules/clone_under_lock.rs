#![doc = include_str!("clone_under_lock.md")]

use syn::Expr;

use super::Rule;
use crate::registry::declare_lint;
use crate::semantic::walker::{Cx, Sink};
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
        let Expr::MethodCall(m) = expr else { return };
        let method = m.method.to_string();
        if !m.args.is_empty()
            || !matches!(
                method.as_str(),
                "clone" | "cloned" | "to_vec" | "to_owned" | "to_string"
            )
        {
            return;
        }
        // `try_lock().unwrap()` asserts that nobody holds the lock: there is no one to wait.
        let Some(guard) = cx.guard_of(&m.receiver).filter(|g| !g.asserted) else {
            return;
        };
        let table = cx.table();
        let result = cx.type_of(expr);
        let copied = match method.as_str() {
            // `Option<&T>::cloned()` / `Iterator<Item = &T>::cloned()`: the items are what is copied.
            "cloned" => result.arg(0),
            // A string copy is small (`alloc_under_lock` covers allocating under a lock).
            "to_string" => return,
            _ => result,
        };
        // A lone string (a name, a host) is small; collections and buffers grow without bound.
        if !table.is_bulk(&copied) {
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
        let diagnostic = Diagnostic::new(
        &CLONE_UNDER_LOCK,
        cx.file(),
        cx.method_span(m),
        format!("`{shown}` copied while a lock is held: the critical section grows with the size of the data"),
    )
    .with_label("deep copy inside the critical section")
    .with_secondary(cx.file(), guard.lock_span, format!("the lock on `{locked}` is held from here"))
    .with_note("every other thread that needs this lock waits for the whole copy")
    .with_help(format!(
        "store `Arc<{shown}>` values so that a clone is a reference-count increment, or copy only the part you need after the guard is dropped"
    ))
    .with_cost(Cost::new(copy, per).with_iterations(cx.iterations()));
        sink.report(diagnostic);
    }
}
