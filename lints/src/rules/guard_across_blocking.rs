#![doc = include_str!("guard_across_blocking.md")]

use syn::Expr;

use crate::Diagnostic;
use rustc_hash::FxHashSet as HashSet;
use syn::visit::{self, Visit};

use super::{CrateCx, Rule};
use crate::registry::declare_lint;
use crate::semantic::ty::Ty;
use crate::semantic::types::FnId;
use crate::semantic::walker::{Cx, GuardId, Sink, strip_parens};

declare_lint!(
    pub(crate) GUARD_ACROSS_BLOCKING,
    "guard_across_blocking",
    Warn,
    "a lock guard held across a call that blocks or waits: every thread that needs the lock waits too",
    "guard_across_blocking.md"
);

pub(crate) struct GuardAcrossBlocking;

impl Rule for GuardAcrossBlocking {
    /// Findings at a call of crate functions, reported if every one of them blocks, or at an
    /// `.await` on their future, reported if every one of them suspends (decided once every
    /// function's body is known).
    type Facts = Vec<(Vec<FnId>, Wait, Diagnostic)>;

    /// Flags the blocking call, with the lock shown where it was taken.
    fn check_expr(
        &self,
        cx: &Cx<'_, '_>,
        expr: &Expr,
        facts: &mut Self::Facts,
        sink: &mut Sink<'_>,
    ) {
        let direct = cx.blocking();
        let guards = cx.live_guards();
        if guards.is_empty() {
            return;
        }
        // An `.await` on crate functions' future waits only if they suspend themselves: an
        // `async fn` that awaits nothing, or only takes locks, runs to its end at once.
        let awaited_callees = match (&direct, expr) {
            (Some(_), Expr::Await(a)) => cx.callees(strip_parens(&a.base)),
            _ => Vec::new(),
        };
        let (what, span, callees) = match direct {
            Some((what, span)) => (what, span, awaited_callees),
            // A crate function that blocks, decided once every function's body is known.
            None => {
                let callees = cx.callees(expr);
                if callees.is_empty() {
                    return;
                }
                let span = match expr {
                    Expr::MethodCall(m) => cx.method_span(m),
                    Expr::Call(c) => cx.call_span(c),
                    _ => cx.span_of(expr),
                };
                ("a call that blocks".to_owned(), span, callees)
            }
        };
        // The lock whose data the call works on (the file behind `Mutex<File>`, the data handed to
        // the callback, the connection whose request is awaited) is held on purpose, async lock
        // or not. An `.await` on a lock's own acquisition is not made with its guard alive.
        let used = used_guards(cx, expr);
        let awaits = matches!(expr, Expr::Await(_));
        let acquired = match expr {
            Expr::Await(a) => cx.lock_call_span(&a.base),
            _ => None,
        };
        // A second guard bound while the first is held (`let a = x.lock().await; let b =
        // y.lock().await;`) makes a critical section over two locks, as with std's locks.
        if acquired.is_some_and(|span| cx.binds_guard(span)) {
            return;
        }
        // A section lock (`Mutex<()>`, `let _g = LOCK.lock()`) guards a section of code, not data:
        // what the section does is its purpose. A guard in a `Condvar` protocol is ordered by it; a
        // lock of this function's own has no other user to wait; joining threads whose handles are
        // the guarded data is what that lock is for.
        let joins = what.starts_with("`join`") || what.contains("spawned task");
        let Some(guard) = guards.iter().rev().find(|g| {
            // A lock of unknown type may guard a section of code (`Mutex<()>`), or not be a lock.
            !(*g.inner == Ty::Unknown
                || used.contains(&g.id)
                || g.section
                || g.condvar
                || g.private
                || acquired == Some(g.lock_span)
                || (joins && g.inner.display().contains("JoinHandle")))
        }) else {
            return;
        };
        let locked = guard.inner.display();
        let diagnostic = Diagnostic::new(
        &GUARD_ACROSS_BLOCKING,
        cx.file(),
        span,
        format!("{what} while a lock is held: every thread that needs the lock waits for it too"),
    )
    .with_label("blocks with the guard alive")
    .with_secondary(cx.file(), guard.lock_span, format!("the lock on `{locked}` is taken here and held until the end of its scope"))
    .with_note(if awaits {
        "the task keeps the lock while it is suspended at the `.await`: every other task or thread that needs the lock waits until the awaited future completes"
    } else {
        "the critical section now lasts as long as the call, which the lock's other users cannot see or bound"
    })
    .with_help(if guard.is_async {
        "drop the guard before the `.await` (end its block or call `drop(guard)`), copying out what the awaited work needs: an async lock is for the awaits that work on its data"
    } else {
        "drop the guard before the call (end its block or call `drop(guard)`), copying out what the call needs"
    });
        if callees.is_empty() {
            sink.report(diagnostic);
        } else if awaits {
            facts.push((callees, Wait::Await, diagnostic));
        } else {
            facts.push((callees, Wait::Call, diagnostic));
        }
    }

    fn check_crate(&self, cx: &CrateCx<'_>, facts: &Self::Facts, out: &mut Vec<Diagnostic>) {
        let blocking = &cx.hot.graph.blocking;
        let suspending = suspending_functions(cx);
        for (callees, wait, diagnostic) in facts {
            if *wait == Wait::Await {
                if callees.iter().all(|id| suspending.contains(id)) {
                    out.push(diagnostic.clone());
                }
                continue;
            }
            let how: Option<Vec<&String>> = callees.iter().map(|id| blocking.get(id)).collect();
            if let Some(how) = how.filter(|h| !h.is_empty()) {
                let names: Vec<String> = callees
                    .iter()
                    .map(|&id| format!("`{}`", cx.table.fns[id].name))
                    .collect();
                out.push(
                    diagnostic
                        .clone()
                        .with_note(format!("{} {}", names.join(" / "), how[0])),
                );
            }
        }
    }
}

/// What a finding at a call of crate functions waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Wait {
    /// The call blocks if its callees do.
    Call,
    /// The `.await` on their future suspends if they do.
    Await,
}

/// The crate functions whose future may suspend when awaited: they await a future from
/// elsewhere (a timer, a channel, I/O, another crate's call) or one of a crate function that
/// suspends, or block; a function whose body the crate does not show may do anything. An
/// `async fn` that awaits nothing, or only locks' acquisitions, completes when first polled.
fn suspending_functions(cx: &CrateCx<'_>) -> HashSet<FnId> {
    let bodies: HashSet<FnId> = cx.facts.fn_facts.iter().map(|(id, _)| *id).collect();
    let mut suspending: HashSet<FnId> = cx
        .table
        .fns
        .indices()
        .filter(|id| !bodies.contains(id) || cx.hot.graph.blocking.contains_key(id))
        .collect();
    // Each round follows one more level of awaited crate calls.
    for _ in 0..4 {
        let before = suspending.len();
        for (function, callees) in &cx.facts.awaits {
            if callees.is_empty() || callees.iter().all(|c| suspending.contains(c)) {
                suspending.insert(*function);
            }
        }
        if suspending.len() == before {
            break;
        }
    }
    suspending
}

/// The guards a call works on: the one its receiver borrows, and those whose data any argument
/// mentions (`f(Pin::new_unchecked(&mut *guard))`).
fn used_guards(cx: &Cx<'_, '_>, expr: &Expr) -> Vec<GuardId> {
    struct Mentions<'c, 'w, 'a> {
        cx: &'c Cx<'w, 'a>,
        ids: Vec<GuardId>,
    }
    impl<'ast> Visit<'ast> for Mentions<'_, '_, '_> {
        fn visit_expr(&mut self, e: &'ast Expr) {
            if let Some(g) = self.cx.guard_of(e) {
                self.ids.push(g.id);
            }
            visit::visit_expr(self, e);
        }
    }
    let mut mentions = Mentions {
        cx,
        ids: Vec::new(),
    };
    match expr {
        Expr::MethodCall(m) => {
            mentions.visit_expr(&m.receiver);
            m.args.iter().for_each(|a| mentions.visit_expr(a));
        }
        Expr::Call(c) => c.args.iter().for_each(|a| mentions.visit_expr(a)),
        Expr::Await(a) => return awaited_guards(cx, strip_parens(&a.base)),
        _ => {}
    }
    mentions.ids
}

/// The guards an awaited future borrows, which it cannot outlive: the guarded value is the
/// receiver (`conn.send(msg).await` on the guarded connection, `rx.recv().await` on a guarded
/// receiver), or an argument is the guard, a reference into its data or a borrowing local
/// (`flush(&mut *guard).await`, `write(entry).await`). A value copied out of the guard
/// (`tx.send(*peer).await`, `notify(state.id).await`) could have been copied before the guard
/// was dropped: the future does not work on the guarded value.
fn awaited_guards(cx: &Cx<'_, '_>, future: &Expr) -> Vec<GuardId> {
    let works_on = |e: &Expr| cx.guard_of(e).map(|g| g.id).or_else(|| cx.derived_guard(e));
    let borrowed = |arg: &Expr| match strip_parens(arg) {
        Expr::Unary(_) | Expr::Field(_) | Expr::Index(_) => None,
        arg => works_on(arg),
    };
    let mut ids = Vec::new();
    let (receiver, args) = match future {
        Expr::MethodCall(m) => (Some(&*m.receiver), m.args.iter().collect::<Vec<_>>()),
        Expr::Call(c) => (None, c.args.iter().collect()),
        other => (Some(other), Vec::new()),
    };
    ids.extend(receiver.and_then(works_on));
    ids.extend(args.into_iter().filter_map(borrowed));
    ids
}
