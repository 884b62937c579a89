#![doc = include_str!("guard_across_blocking.md")]

use rustc_hash::FxHashSet as HashSet;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

use super::{CrateCx, Merge, Rule};
use crate::fixes::deferred::{Deferred, Held};
use crate::fixes::tree::{self, Step};
use crate::fixes::{self, hoist};
use crate::registry::declare_lint;
use crate::semantic::ty::Ty;
use crate::semantic::types::FnId;
use crate::semantic::walker::{Cx, GuardId, Sink, strip_parens};
use crate::{Applicability, Diagnostic, Span, Suggestion};

declare_lint!(
    pub(crate) GUARD_ACROSS_BLOCKING,
    "guard_across_blocking",
    Warn,
    "a lock guard held across a call that blocks or waits: every thread that needs the lock waits too",
    "guard_across_blocking.md"
);

pub(crate) struct GuardAcrossBlocking;

/// What the rule keeps of a file.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct GuardFacts {
    /// Findings at a call of crate functions, reported if every one of them blocks, or at an
    /// `.await` on their future, reported if every one of them suspends (decided once every
    /// function's body is known).
    pending: Vec<(Vec<FnId>, Wait, Diagnostic)>,
    /// Findings held until their function's body is known, for their fixes.
    #[serde(skip)]
    deferred: Deferred<Extra>,
}

/// What a held finding's fix needs: where the lock was taken, and the crate functions whose
/// blocking decides the finding (none when the call itself blocks).
#[derive(Debug)]
struct Extra {
    lock: Span,
    callees: Vec<FnId>,
    wait: Wait,
    /// The whole awaited expression, for a finding at an `.await`.
    awaited: Option<Span>,
    /// The names the call reads the guard through: the guard's own, or a borrow of its data
    /// (`last` of `if let Some(last) = guard.last_mut()`), which a fix must not outlive.
    through: Vec<String>,
}

impl Merge for GuardFacts {
    fn merge(&mut self, other: Self) {
        self.pending.merge(other.pending);
    }
}

impl Rule for GuardAcrossBlocking {
    type Facts = GuardFacts;

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
        let used = used_guards(cx, expr, what.contains("caller-supplied"));
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
        let held = Held {
            diagnostic,
            condition: None,
            at: tree::addr(expr),
            extra: Extra {
                lock: guard.lock_span,
                callees,
                wait: if awaits { Wait::Await } else { Wait::Call },
                awaited: awaits.then(|| cx.span_of(expr)),
                through: names_of_guard(cx, expr, guard.id),
            },
        };
        if let Some(held) = facts.deferred.hold(held) {
            report(held, facts, sink);
        }
    }

    fn enter_fn(&self, facts: &mut Self::Facts) {
        facts.deferred.enter();
    }

    /// Builds the fixes of the findings in the function, now that its body is known.
    fn check_fn(
        &self,
        cx: &Cx<'_, '_>,
        sig: &syn::Signature,
        block: &syn::Block,
        facts: &mut Self::Facts,
    ) {
        let held = facts.deferred.held();
        if held.is_empty() {
            return;
        }
        let taken = tree::idents(sig, block);
        for held in held {
            if let Some((help, suggestion)) = fix(
                cx,
                block,
                &taken,
                held.at,
                held.extra.lock,
                &held.extra.through,
            ) {
                held.diagnostic.help = Some(help);
                held.diagnostic.suggestion = Some(suggestion);
            }
        }
    }

    /// Reports the function's findings. Of a chain of `.await`s with one guard alive
    /// (`client.get(url).send().await?.text().await`), the first wait is the finding: the chain
    /// is one statement to change, and its later `.await`s run only after that one.
    fn exit_fn(&self, facts: &mut Self::Facts, sink: &mut Sink<'_>) {
        let held = facts.deferred.exit();
        let first_waits: Vec<(Span, Span)> = held
            .iter()
            .filter(|h| h.extra.callees.is_empty())
            .filter_map(|h| Some((h.extra.lock, h.extra.awaited?)))
            .collect();
        for held in held {
            let later = held.extra.awaited.is_some_and(|outer| {
                first_waits.iter().any(|&(lock, inner)| {
                    lock == held.extra.lock
                        && inner != outer
                        && outer.start <= inner.start
                        && inner.end <= outer.end
                })
            });
            if !later {
                report(held, facts, sink);
            }
        }
    }

    fn check_crate(&self, cx: &CrateCx<'_>, facts: &Self::Facts, out: &mut Vec<Diagnostic>) {
        let blocking = &cx.hot.graph.blocking;
        let suspending = suspending_functions(cx);
        for (callees, wait, diagnostic) in &facts.pending {
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

/// The guards a call works on: the one its receiver borrows, and those an argument lends, as
/// itself or a borrow into its data (`f(&mut guard)`, `write(g.as_slice())`), through a
/// reference made anywhere in the argument (`f(Pin::new_unchecked(&mut *guard))`), a closure
/// that uses it, or a call on the guarded value (`block_on(exporter.export(batch))`). A value
/// computed from the guarded data by std's value methods or read out of it
/// (`sleep(from_millis(*delay))`, `fs::write(path, lines.join("\n"))`, `tx.send(state.len())`)
/// could have been computed before the guard was dropped: the call does not work on the
/// guarded value. Whatever a caller-supplied callback is handed from the guard, even a copy, is
/// its share of the critical section (`work(*turn)`).
fn used_guards(cx: &Cx<'_, '_>, expr: &Expr, callback: bool) -> Vec<GuardId> {
    struct Mentions<'c, 'w, 'a> {
        cx: &'c Cx<'w, 'a>,
        ids: Vec<GuardId>,
        /// Only references into the guarded data count, not values read from it.
        references_only: bool,
    }
    impl<'ast> Visit<'ast> for Mentions<'_, '_, '_> {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Closure(c) if self.references_only => {
                    self.references_only = false;
                    self.visit_expr(&c.body);
                    self.references_only = true;
                    return;
                }
                Expr::Reference(_) | Expr::RawAddr(_) => {
                    if let Some(g) = self.cx.guard_of(e) {
                        self.ids.push(g.id);
                    }
                }
                _ if !self.references_only => {
                    if let Some(g) = self.cx.guard_of(e) {
                        self.ids.push(g.id);
                    }
                }
                _ => {}
            }
            visit::visit_expr(self, e);
        }
    }
    let mut mentions = Mentions {
        cx,
        ids: Vec::new(),
        references_only: false,
    };
    let args = match expr {
        Expr::MethodCall(m) => {
            mentions.visit_expr(&m.receiver);
            &m.args
        }
        Expr::Call(c) => &c.args,
        Expr::Await(a) => return awaited_guards(cx, strip_parens(&a.base)),
        _ => return mentions.ids,
    };
    for arg in args {
        match strip_parens(arg) {
            _ if callback => mentions.visit_expr(arg),
            // A place read by value is a copy: the guard cannot be moved out of.
            Expr::Unary(_) | Expr::Field(_) | Expr::Index(_) => {}
            arg => {
                // A local is a value of its own unless it borrows the guard.
                let computed = match arg {
                    Expr::MethodCall(m) => VALUE_METHODS.contains(&m.method.to_string().as_str()),
                    _ => true,
                };
                if let Some(g) = cx.guard_of(arg) {
                    mentions.ids.push(g.id);
                } else if let Some(id) = cx.derived_guard(arg).filter(|_| !computed) {
                    mentions.ids.push(id);
                }
                mentions.references_only = true;
                mentions.visit_expr(arg);
                mentions.references_only = false;
            }
        }
    }
    mentions.ids
}

/// The names through which `expr` reads guard `id`: the guard's binding, or locals that borrow
/// its data.
fn names_of_guard(cx: &Cx<'_, '_>, expr: &Expr, id: GuardId) -> Vec<String> {
    struct Names<'c, 'w, 'a> {
        cx: &'c Cx<'w, 'a>,
        id: GuardId,
        names: Vec<String>,
    }
    impl<'ast> Visit<'ast> for Names<'_, '_, '_> {
        fn visit_expr(&mut self, e: &'ast Expr) {
            if let Expr::Path(p) = e {
                if let Some(ident) = p.path.get_ident() {
                    if self.cx.guard_of(e).is_some_and(|g| g.id == self.id) {
                        self.names.push(ident.to_string());
                    }
                }
            }
            visit::visit_expr(self, e);
        }
    }
    let mut names = Names {
        cx,
        id,
        names: Vec::new(),
    };
    names.visit_expr(expr);
    names.names
}

/// Std's methods whose result is a value of its own, copied or computed from the receiver's
/// data rather than borrowing or driving it.
const VALUE_METHODS: &[&str] = &[
    "len",
    "is_empty",
    "join",
    "concat",
    "clone",
    "to_vec",
    "to_owned",
    "to_string",
    "contains",
    "contains_key",
    "count",
    "sum",
    "copied",
    "cloned",
    "unwrap_or_default",
];

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

/// Reports a finding now, or, when crate functions' blocking decides it, keeps it for the crate.
fn report(held: Held<Extra>, facts: &mut GuardFacts, sink: &mut Sink<'_>) {
    if held.extra.callees.is_empty() {
        held.report(sink);
    } else {
        facts
            .pending
            .push((held.extra.callees, held.extra.wait, held.diagnostic));
    }
}

/// The fix of a finding at the blocking call `at` of `block`, with the guard taken at `lock`,
/// and the help that says what it does:
/// - a guard bound by `let` that nothing after the call uses: `drop(guard);` before the
///   statement of the call (a `drop` further down goes), `MachineApplicable`;
/// - one used after the call, in a statement of its own: that statement moved up before the
///   lock is taken, `MaybeIncorrect` (the guard's data is now read after the call);
/// - one the call's statement uses (a loop whose body uses the guard): the lock taken for each
///   use instead, `MaybeIncorrect` (other threads may now come in between uses);
/// - a temporary guard of the call's own statement: the blocking operand made in a `let`
///   before the statement, `MaybeIncorrect` (the call no longer runs under the lock).
fn fix(
    cx: &Cx<'_, '_>,
    block: &syn::Block,
    taken: &HashSet<String>,
    at: usize,
    lock: Span,
    through: &[String],
) -> Option<(String, Suggestion)> {
    let steps = tree::path_to(block, at)?;
    let (stmts, l) = tree::block_holding(cx, &steps, lock)?;
    let e = tree::stmt_in(&steps, stmts)?;
    if e == l {
        return hoist_call(cx, taken, &steps, stmts, l, lock);
    }
    if e < l {
        return None;
    }
    let Stmt::Local(local) = &stmts[l] else {
        return None;
    };
    let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
    let span = cx.span_of(&*init.expr);
    if !(span.start <= lock.start && lock.end <= span.end) {
        return None;
    }
    let ident = match &local.pat {
        Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => &p.ident,
        _ => return None,
    };
    let name = ident.to_string();
    // A call that reads the guarded data through a borrow of it (`sleep(ms(last.len()))`) needs
    // the guard alive: releasing it first, or moving the call, would not compile.
    if through.iter().any(|n| *n != name) {
        return None;
    }
    let var = cx.var_bound(ident, &name);
    let (in_call, opaque_call) = tree::uses_in(&stmts[e..=e], var);
    let (after, opaque_after) = tree::uses_in(&stmts[e + 1..], var);
    if opaque_call || opaque_after {
        return None;
    }
    let drops: Option<Vec<usize>> = after
        .iter()
        .map(|u| drop_statement(u, &stmts[e + 1..]).map(|j| e + 1 + j))
        .collect();
    if let (true, Some(drops)) = (in_call.is_empty(), &drops) {
        let stmt = &stmts[e];
        let mut edits = vec![fixes::insert(
            cx.span_of(stmt).start,
            format!("drop({name});\n{}", fixes::indent(stmt)),
        )];
        edits.extend(
            drops
                .iter()
                .map(|&j| fixes::replace(tree::removal(cx, stmts, j), "")),
        );
        let help = format!(
            "nothing after the call uses `{name}`: call `drop({name});` before it, so that the lock is released first"
        );
        let suggestion = Suggestion::new(
            "release the lock before the call",
            edits,
            Applicability::MachineApplicable,
        );
        return fixes::disjoint(&suggestion.edits).then_some((help, suggestion));
    }
    if in_call.is_empty() {
        return move_up(cx, stmts, l, e, &name);
    }
    if let Some(drops) = &drops {
        let call = steps.last().and_then(|s| s.expr())?;
        if let Some(fix) = values_first(cx, taken, &steps, stmts, e, call, &in_call, drops, &name) {
            return Some(fix);
        }
    }
    if let Some(fix) = drop_in_branch(cx, &steps, stmts, e, var, &name) {
        return Some(fix);
    }
    if let Some(fix) = copy_out(cx, stmts, l, e, init, var, &name) {
        return Some(fix);
    }
    let call = steps.last().and_then(|s| s.expr()).map(|e| cx.span_of(e))?;
    relock(cx, stmts, l, init, var, &name, call)
}

/// A call whose arguments only compute values from the guarded data (`tx.send(pending.len())`,
/// `fs::write(path, lines.concat())`), in statement `e` of the guard's block, with nothing
/// after it using the guard but the `drops`: those arguments computed into `let`s first, then
/// `drop(guard);`, then the call on the values. `MaybeIncorrect`: the arguments are now
/// evaluated before the call's other operands, and one might still borrow the guarded data.
#[allow(clippy::too_many_arguments)]
fn values_first(
    cx: &Cx<'_, '_>,
    taken: &HashSet<String>,
    steps: &[Step<'_>],
    stmts: &[Stmt],
    e: usize,
    call: &Expr,
    in_call: &[tree::Use<'_>],
    drops: &[usize],
    guard: &str,
) -> Option<(String, Suggestion)> {
    let args = match call {
        Expr::Call(c) => &c.args,
        Expr::MethodCall(m) => &m.args,
        _ => return None,
    };
    // The call runs once per statement: not in a loop, closure or async block within it.
    if crosses_loop(tree::below(steps, stmts, e)) {
        return None;
    }
    // Every use of the guard in the statement is inside an argument of the call.
    let mut hoisted: Vec<&Expr> = Vec::new();
    for use_ in in_call {
        let at = cx.span_of(use_.expr());
        let arg = args.iter().find(|a| {
            let span = cx.span_of(*a);
            span.start <= at.start && at.end <= span.end
        })?;
        if !hoisted.iter().any(|h| std::ptr::eq(*h, arg)) {
            hoisted.push(arg);
        }
    }
    hoisted.sort_by_key(|a| cx.span_of(*a).start);
    let stmt = &stmts[e];
    let indent = fixes::indent(stmt);
    let mut names = taken.clone();
    let mut lets = String::new();
    let mut edits = Vec::new();
    for arg in &hoisted {
        let name = fixes::fresh_name(&fixes::name_for(arg), &names);
        names.insert(name.clone());
        lets.push_str(&format!("let {name} = {};\n{indent}", fixes::text(*arg)?));
        edits.push(fixes::replace(cx.span_of(*arg), name));
    }
    edits.push(fixes::insert(
        cx.span_of(stmt).start,
        format!("{lets}drop({guard});\n{indent}"),
    ));
    edits.extend(
        drops
            .iter()
            .map(|&j| fixes::replace(tree::removal(cx, stmts, j), "")),
    );
    let suggestion = Suggestion::new(
        "compute the arguments, then release the lock before the call",
        edits,
        Applicability::MaybeIncorrect,
    );
    let help = format!(
        "the call only needs values computed from `{guard}`: compute them first, then `drop({guard});` before the call"
    );
    fixes::disjoint(&suggestion.edits).then_some((help, suggestion))
}

/// A call in a branch below the guard's statement `e` (`if g.len() > 64 { sleep(..); }`), when
/// every use of the guard comes before the call's statement and no loop, closure or async
/// block lies between the two: `drop(guard);` before the call's statement in its branch,
/// `MachineApplicable` (the guard is moved on that path only, and nothing after uses it).
fn drop_in_branch(
    cx: &Cx<'_, '_>,
    steps: &[Step<'_>],
    stmts: &[Stmt],
    e: usize,
    var: crate::semantic::bindings::Var<'_>,
    name: &str,
) -> Option<(String, Suggestion)> {
    let below = tree::below(steps, stmts, e);
    let (inner, j) = below.iter().rev().find_map(|step| match step {
        Step::Stmt(s, i) => Some((*s, *i)),
        Step::Expr(_) => None,
    })?;
    if crosses_loop(below) {
        return None;
    }
    let stmt = &inner[j];
    let start = cx.span_of(stmt).start;
    let (uses, opaque) = tree::uses_in(&stmts[e..], var);
    if opaque || uses.iter().any(|u| cx.span_of(u.expr()).end > start) {
        return None;
    }
    let suggestion = Suggestion::new(
        "release the lock before the call",
        vec![fixes::insert(
            start,
            format!("drop({name});\n{}", fixes::indent(stmt)),
        )],
        Applicability::MachineApplicable,
    );
    let help = format!(
        "nothing after the call uses `{name}`: call `drop({name});` before it, in its branch, so that the lock is released first"
    );
    Some((help, suggestion))
}

/// Whether steps down to a call pass through a loop, a closure, an `async` or a `try` block:
/// the call may run more than once, or later, for each run of the statement.
fn crosses_loop(steps: &[Step<'_>]) -> bool {
    steps.iter().any(|step| {
        matches!(
            step,
            Step::Expr(
                Expr::Closure(_)
                    | Expr::Loop(_)
                    | Expr::While(_)
                    | Expr::ForLoop(_)
                    | Expr::Async(_)
                    | Expr::TryBlock(_)
            )
        )
    })
}

/// The call in the body of a `for` loop over the guarded collection of scalars (`for peer in
/// peers.iter() { tx.send(*peer).await; }`), the guard used nowhere else: its items copied
/// out where the lock is taken (`self.peers.read().await.iter().copied().collect::<Vec<_>>()`),
/// so that the lock is released at once and the loop runs over the copy. `MaybeIncorrect`:
/// the loop no longer sees changes other threads make meanwhile.
fn copy_out(
    cx: &Cx<'_, '_>,
    stmts: &[Stmt],
    l: usize,
    e: usize,
    init: &syn::LocalInit,
    var: crate::semantic::bindings::Var<'_>,
    guard: &str,
) -> Option<(String, Suggestion)> {
    let Stmt::Expr(Expr::ForLoop(for_loop), _) = &stmts[e] else {
        return None;
    };
    let over = match strip(&for_loop.expr) {
        Expr::MethodCall(m) if m.method == "iter" && m.args.is_empty() => strip(&m.receiver),
        Expr::Reference(r) if r.mutability.is_none() => match strip(&r.expr) {
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => strip(&u.expr),
            other => other,
        },
        _ => return None,
    };
    if !matches!(over, Expr::Path(p) if p.path.is_ident(guard)) {
        return None;
    }
    // The loop's head is the guard's only use.
    let (uses, opaque) = tree::uses_in(&stmts[l + 1..], var);
    if opaque || uses.len() != 1 || !std::ptr::eq(uses[0].expr(), over) {
        return None;
    }
    let collection = cx.type_of(over);
    let small_items = match collection.auto_deref() {
        Ty::Named(name, args) => {
            matches!(name.as_str(), "Vec" | "VecDeque" | "HashSet" | "BTreeSet")
                && args.first().is_some_and(|item| item.scalar().is_some())
        }
        _ => false,
    };
    if !small_items || !is_place_lock(&init.expr) {
        return None;
    }
    let lock = fixes::text(&*init.expr)?;
    let suggestion = Suggestion::new(
        "copy the items out and release the lock",
        vec![fixes::replace(
            cx.span_of(&*init.expr),
            format!("{lock}.iter().copied().collect::<Vec<_>>()"),
        )],
        Applicability::MaybeIncorrect,
    );
    let help = format!(
        "the loop only reads the items of `{guard}`: copy them out where the lock is taken, so that it is released before the loop waits"
    );
    Some((help, suggestion))
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

/// Moves statement `e` (the blocking call's, which does not use the guard) up before the lock
/// statement `l`: when it needs nothing bound in between, and nothing in between names what it
/// binds.
fn move_up(
    cx: &Cx<'_, '_>,
    stmts: &[Stmt],
    l: usize,
    e: usize,
    guard: &str,
) -> Option<(String, Suggestion)> {
    let moving = &stmts[e];
    let binds: Vec<String> = match moving {
        Stmt::Local(local) => {
            let mut idents = Vec::new();
            tree::pat_idents(&local.pat, &mut idents);
            idents.iter().map(ToString::to_string).collect()
        }
        Stmt::Expr(_, Some(_)) => Vec::new(),
        _ => return None,
    };
    if tree::names_bound_in(cx, moving, &stmts[l..e]) || leaves(moving) {
        return None;
    }
    let between = &stmts[l..e];
    if binds.iter().any(|name| names_spelled(between, name)) {
        return None;
    }
    let text = fixes::text(moving)?;
    let lock_stmt = &stmts[l];
    let edits = vec![
        fixes::insert(
            cx.span_of(lock_stmt).start,
            format!("{text}\n{}", fixes::indent(lock_stmt)),
        ),
        fixes::replace(tree::removal(cx, stmts, e), ""),
    ];
    let help = format!(
        "`{guard}` is used after the call: make the call before the lock is taken, if it does not depend on what the lock guards"
    );
    let suggestion = Suggestion::new(
        "make the call before taking the lock",
        edits,
        Applicability::MaybeIncorrect,
    );
    fixes::disjoint(&suggestion.edits).then_some((help, suggestion))
}

/// Replaces the guard `var` bound by statement `l` with a lock taken at each use: when every
/// use is a method call on it or a field read through it, each in a statement of its own, and
/// the lock is taken from a place (`self.entries.lock().unwrap()`).
fn relock(
    cx: &Cx<'_, '_>,
    stmts: &[Stmt],
    l: usize,
    init: &syn::LocalInit,
    var: crate::semantic::bindings::Var<'_>,
    guard: &str,
    call: Span,
) -> Option<(String, Suggestion)> {
    if !is_place_lock(&init.expr) {
        return None;
    }
    let lock_text = fixes::text(&*init.expr)?;
    let (uses, opaque) = tree::uses_in(&stmts[l + 1..], var);
    if opaque || uses.is_empty() {
        return None;
    }
    let mut edits = vec![fixes::replace(tree::removal(cx, stmts, l), "")];
    let mut statements = Vec::new();
    for use_ in &uses {
        if let Some(j) = drop_statement(use_, &stmts[l + 1..]) {
            edits.push(fixes::replace(tree::removal(cx, stmts, l + 1 + j), ""));
            continue;
        }
        let path = use_.expr();
        let through = match use_.parent() {
            Some(Expr::MethodCall(m)) => std::ptr::eq(strip(&m.receiver), path),
            Some(Expr::Field(f)) => std::ptr::eq(strip(&f.base), path),
            _ => false,
        };
        // Two uses in one statement would take the lock twice at once, and a lock taken in
        // the statement of the blocking call (a loop's head) would be held across it again.
        let statement = use_.steps.iter().rev().find_map(|s| match s {
            Step::Stmt(s, i) => Some((s.as_ptr() as usize, *i, cx.span_of(&s[*i]))),
            Step::Expr(_) => None,
        });
        let around_call =
            statement.is_some_and(|(_, _, s)| s.start <= call.start && call.end <= s.end);
        if !through || around_call || statements.contains(&statement) {
            return None;
        }
        statements.push(statement);
        edits.push(fixes::replace(cx.span_of(path), lock_text.clone()));
    }
    let help = format!(
        "the call's statement uses `{guard}`: take the lock for each use (`{lock_text}`) instead of holding it across the call, if the uses need not see one unchanged value"
    );
    let suggestion = Suggestion::new(
        "take the lock at each use",
        edits,
        Applicability::MaybeIncorrect,
    );
    fixes::disjoint(&suggestion.edits).then_some((help, suggestion))
}

/// `a.b.lock()`, `x.read().unwrap()`, `m.write().expect(..)`, an async lock's
/// `self.peers.read().await`: a lock taken from a place, which can be taken again the same way.
fn is_place_lock(expr: &Expr) -> bool {
    let m = match strip(expr) {
        Expr::MethodCall(m) => m,
        Expr::Await(a) => {
            return matches!(strip(&a.base), Expr::MethodCall(_)) && is_place_lock(&a.base);
        }
        _ => return false,
    };
    match m.method.to_string().as_str() {
        "unwrap" | "expect" => is_place_lock(&m.receiver),
        "lock" | "read" | "write" if m.args.is_empty() => is_place(&m.receiver),
        _ => false,
    }
}

fn is_place(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Path(_) => true,
        Expr::Field(f) => is_place(&f.base),
        _ => false,
    }
}

fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => strip(&p.expr),
        other => other,
    }
}

/// Whether a statement leaves its block (`return`, `break`, `continue`) outside a closure.
fn leaves(stmt: &Stmt) -> bool {
    struct Leaves(bool);
    impl<'ast> Visit<'ast> for Leaves {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => self.0 = true,
                Expr::Closure(_) | Expr::Async(_) => {}
                _ => visit::visit_expr(self, e),
            }
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut leaves = Leaves(false);
    leaves.visit_stmt(stmt);
    leaves.0
}

/// Whether `name` is spelled as a path anywhere in `stmts`.
fn names_spelled(stmts: &[Stmt], name: &str) -> bool {
    struct Named<'n>(&'n str, bool);
    impl<'ast> Visit<'ast> for Named<'_> {
        fn visit_path(&mut self, p: &'ast syn::Path) {
            if p.segments.first().is_some_and(|s| s.ident == self.0) {
                self.1 = true;
            }
            visit::visit_path(self, p);
        }
    }
    let mut named = Named(name, false);
    for stmt in stmts {
        named.visit_stmt(stmt);
    }
    named.1
}

/// A temporary guard in the call's own statement: the outermost operand holding the blocking
/// call but not the lock, made in a `let` before the statement.
fn hoist_call(
    cx: &Cx<'_, '_>,
    taken: &HashSet<String>,
    steps: &[Step<'_>],
    stmts: &[Stmt],
    l: usize,
    lock: Span,
) -> Option<(String, Suggestion)> {
    let mut operand = None;
    for step in tree::below(steps, stmts, l).iter().rev() {
        let Step::Expr(e) = step else { break };
        let span = cx.span_of(*e);
        if span.start <= lock.start && lock.end <= span.end {
            break;
        }
        operand = Some(*e);
    }
    let operand = operand?;
    let hoisted = hoist::hoist(cx, taken, stmts, l, steps, operand)?;
    if !hoisted.once {
        return None;
    }
    let help = format!(
        "make the blocking call before the lock is taken: `{}`, then use `{}` under the lock",
        hoisted.binding, hoisted.name
    );
    let suggestion = Suggestion::new(
        "make the call before taking the lock",
        hoisted.edits,
        Applicability::MaybeIncorrect,
    );
    fixes::disjoint(&suggestion.edits).then_some((help, suggestion))
}
