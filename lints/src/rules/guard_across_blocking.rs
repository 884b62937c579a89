#![doc = include_str!("guard_across_blocking.md")]

use syn::Expr;

use super::{call_span, method_span};
use crate::Diagnostic;
use syn::visit::{self, Visit};

use crate::model::body::{Condition, Cx, Sink, path_tail};
use crate::model::ty::Ty;
use crate::registry::declare_lint;

declare_lint!(
    pub(crate) GUARD_ACROSS_BLOCKING,
    "guard_across_blocking",
    Warn,
    "a lock guard held across a call that blocks or waits: every thread that needs the lock waits too",
    "guard_across_blocking.md"
);

/// Types whose reads and writes go to a file, a socket or a terminal.
const IO_TYPES: &[&str] = &[
    "File",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "UnixStream",
    "UnixListener",
    "UnixDatagram",
    "Stdin",
    "Stdout",
    "Stderr",
    "StdinLock",
    "StdoutLock",
    "BufReader",
    "BufWriter",
    "LineWriter",
    "ChildStdin",
    "ChildStdout",
    "ChildStderr",
];

/// `Read`, `Write` and socket methods that wait for the device.
const IO_METHODS: &[&str] = &[
    "read",
    "read_exact",
    "read_to_end",
    "read_to_string",
    "read_line",
    "read_vectored",
    "write",
    "write_all",
    "write_fmt",
    "write_vectored",
    "flush",
    "sync_all",
    "sync_data",
    "set_len",
    "accept",
    "connect",
    "send",
    "send_to",
    "recv",
    "recv_from",
    "peek",
    "peek_from",
];

/// Flags the blocking call, with the lock shown where it was taken.
pub(crate) fn check_expr(cx: &Cx<'_, '_>, expr: &Expr, sink: &mut Sink<'_>) {
    let direct = blocking(cx, expr);
    // Remember which functions block, for the calls made to them under a lock. A callback is
    // whatever its caller passes, so a function calling one blocks only if its caller's does.
    if let Some((what, _)) = &direct {
        if !matches!(expr, Expr::Await(_)) && !what.contains("caller-supplied") {
            match (cx.spawn_site().or(cx.deferring_spawn_site()), cx.function()) {
                // Spawned work that blocks is a thread's job, not a short task.
                (Some(site), _) => sink.note_spawn_blocking(site),
                (None, Some(function)) => sink.note_blocking(function, what.clone()),
                (None, None) if cx.in_let_closure() => sink.note_closure_blocking(what),
                (None, None) => {}
            }
        }
    }
    let guards = cx.live_guards();
    if guards.is_empty() {
        return;
    }
    let (what, span, callees) = match direct {
        Some((what, span)) => (what, span, Vec::new()),
        // A crate function that blocks, decided once every function's body is known.
        None => {
            let callees = cx.callees(expr);
            if callees.is_empty() {
                return;
            }
            let span = match expr {
                Expr::MethodCall(m) => method_span(cx, m),
                Expr::Call(c) => call_span(cx, c),
                _ => cx.span_of(expr),
            };
            ("a call that blocks".to_owned(), span, callees)
        }
    };
    let awaits = matches!(expr, Expr::Await(_));
    // The lock whose data the call works on (the file behind `Mutex<File>`, the data handed to
    // the callback) is held on purpose; an async lock is made to be held across `.await`.
    let used = used_guards(cx, expr);
    // A section lock (`Mutex<()>`, `let _g = LOCK.lock()`) guards a section of code, not data:
    // what the section does is its purpose. A guard in a `Condvar` protocol is ordered by it; a
    // lock of this function's own has no other user to wait; joining threads whose handles are
    // the guarded data is what that lock is for.
    let joins = what.starts_with("`join`");
    let Some(guard) = guards.iter().rev().find(|g| {
        // A lock of unknown type may guard a section of code (`Mutex<()>`), or not be a lock.
        !(*g.inner == Ty::Unknown
            || used.contains(&g.id)
            || g.section
            || g.condvar
            || g.private
            || (awaits && g.is_async)
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
    .with_note("the critical section now lasts as long as the call, which the lock's other users cannot see or bound")
    .with_help("drop the guard before the call (end its block or call `drop(guard)`), copying out what the call needs");
    if callees.is_empty() {
        sink.report(diagnostic);
    } else {
        sink.report_if(Condition::CallsBlocking { callees }, diagnostic);
    }
}

/// What blocks in `expr`, described for the message, and the span to point at.
fn blocking(cx: &Cx<'_, '_>, expr: &Expr) -> Option<(String, crate::Span)> {
    match expr {
        Expr::Await(a) => Some((
            "an `.await`".into(),
            cx.span(syn::spanned::Spanned::span(&a.await_token)),
        )),
        Expr::Call(c) => {
            // An awaited call is a future: the `.await` is what waits.
            if cx.is_awaited(expr) {
                return None;
            }
            let whole = || call_span(cx, c);
            if let Some((prev, last)) = path_tail(&c.func) {
                let Expr::Path(p) = &*c.func else { return None };
                let asynchronous = p.path.segments.iter().any(|s| {
                    matches!(
                        s.ident.to_string().as_str(),
                        "tokio" | "async_std" | "smol" | "async_fs"
                    )
                });
                if asynchronous {
                    return None;
                }
                let prev = prev.as_deref();
                let blocks = matches!(
                    (prev, last.as_str()),
                    (Some("thread") | None, "sleep")
                        | (Some("thread"), "park" | "park_timeout")
                        | (Some("fs"), _)
                        | (
                            Some("File" | "OpenOptions"),
                            "open" | "create" | "create_new" | "open_buffered"
                        )
                        | (
                            Some("TcpStream" | "UnixStream"),
                            "connect" | "connect_timeout"
                        )
                        | (Some("TcpListener" | "UdpSocket" | "UnixListener"), "bind")
                        | (_, "block_on")
                );
                if blocks {
                    let shown = match prev {
                        Some(prev) => format!("{prev}::{last}"),
                        None => last,
                    };
                    return Some((format!("`{shown}`"), whole()));
                }
            }
            if let Some((name, what)) = cx.closure_blocks(&c.func) {
                let what = format!("the closure `{name}` (it calls {what})");
                return Some((what, whole()));
            }
            // Only a function callable from outside the crate gets closures the crate does not
            // know; its own helpers' callbacks are its own code.
            let public = cx.function().is_some_and(|f| cx.table().fns[f].public);
            if !public {
                return None;
            }
            caller_supplied(cx, &c.func)
                .map(|name| (format!("a call of the caller-supplied `{name}`"), whole()))
        }
        Expr::MethodCall(m) => {
            if cx.is_awaited(expr) {
                return None;
            }
            let name = m.method.to_string();
            let receiver = cx.type_of(&m.receiver);
            let value = receiver.auto_deref();
            let known = value.is_known();
            let io = value.name().is_some_and(|n| IO_TYPES.contains(&n));
            let what = match name.as_str() {
                _ if io && IO_METHODS.contains(&name.as_str()) => {
                    format!("`{name}` on a `{}`", value.name().unwrap_or_default())
                }
                "recv" | "recv_timeout" | "recv_deadline"
                    if m.args.len() <= 1 && (!known || value.is_named("Receiver")) =>
                {
                    format!("`{name}` on a channel")
                }
                "join" if m.args.is_empty() && (!known || value.is_named("JoinHandle")) => {
                    "`join` on a thread".into()
                }
                "wait" if m.args.is_empty() && value.is_named("Barrier") => {
                    "`Barrier::wait`".into()
                }
                "block_on" if m.args.len() == 1 => "`block_on` of a future".into(),
                "output" | "status" | "wait" | "wait_with_output"
                    if m.args.is_empty()
                        && (value.is_named("Command")
                            || value.is_named("Child")
                            || runs_command(&m.receiver)) =>
                {
                    format!("`{name}` of a child process")
                }
                _ => return None,
            };
            Some((what, method_span(cx, m)))
        }
        _ => None,
    }
}

/// `Command::new(..)...` somewhere down a builder chain.
fn runs_command(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => runs_command(&m.receiver),
        Expr::Call(c) => {
            path_tail(&c.func).is_some_and(|(o, f)| o.as_deref() == Some("Command") && f == "new")
        }
        _ => false,
    }
}

/// If `callee` calls a closure the caller supplied (a parameter of closure type, a callback
/// field, a callback stored in the guarded data), its name.
fn caller_supplied(cx: &Cx<'_, '_>, callee: &Expr) -> Option<String> {
    let callee = match callee {
        Expr::Paren(p) => &*p.expr,
        other => other,
    };
    let callable = |ty: &Ty| matches!(ty.auto_deref(), Ty::Callable);
    match callee {
        Expr::Path(p) if p.path.segments.len() == 1 => {
            let name = p.path.segments[0].ident.to_string();
            let local = cx.local(&name)?;
            // A closure the function made itself is its own code, not the caller's.
            let supplied = local.is_param || cx.guard_of(callee).is_some();
            (supplied && callable(local.ty)).then_some(name)
        }
        Expr::Field(f) => {
            let ty = cx.type_of(callee);
            let syn::Member::Named(field) = &f.member else {
                return None;
            };
            callable(&ty).then(|| field.to_string())
        }
        _ => None,
    }
}

/// The guards a call works on: the one its receiver borrows, and those whose data any argument
/// mentions (`f(Pin::new_unchecked(&mut *guard))`).
fn used_guards(cx: &Cx<'_, '_>, expr: &Expr) -> Vec<usize> {
    struct Mentions<'c, 'w, 'a> {
        cx: &'c Cx<'w, 'a>,
        ids: Vec<usize>,
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
        _ => {}
    }
    mentions.ids
}
