//! What blocks: calls that wait for the device, the network, another thread, a timer or a
//! child process, or run code the caller supplied; and which functions, spawned work and
//! `let`-bound closures contain such a call (facts the crate-wide step needs: a function that
//! blocks makes its callers block, and spawned work that blocks is a thread's job).

use super::*;

/// Types whose reads and writes go to a file, a socket or a terminal.
pub(super) const IO_TYPES: &[&str] = &[
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
pub(super) const IO_METHODS: &[&str] = &[
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

/// Functions whose future completes when time has passed.
const TIMERS: &[&str] = &[
    "sleep",
    "sleep_until",
    "delay_for",
    "delay_until",
    "timeout",
    "timeout_at",
    "sleep_ms",
];

/// Async I/O methods beyond the blocking ones' names (`tokio::io`, `futures::io`).
const ASYNC_IO_METHODS: &[&str] = &[
    "read_buf",
    "write_buf",
    "read_u8",
    "read_u32",
    "read_u64",
    "write_u8",
    "write_u32",
    "write_u64",
    "readable",
    "writable",
    "shutdown",
    "send_all",
    "close",
];

/// Whether a path names an item of a `blocking` module (`reqwest::blocking::get`,
/// `reqwest::blocking::Client::new`): a synchronous client's.
fn in_blocking_module(path: &syn::Path) -> bool {
    let n = path.segments.len();
    path.segments
        .iter()
        .take(n.saturating_sub(1))
        .any(|s| s.ident == "blocking")
}

/// The path of the call a method chain starts from (`reqwest::blocking::Client::new` in
/// `reqwest::blocking::Client::new().get(url).send()`), or of the variable it starts from.
fn chain_root_path(expr: &Expr) -> Option<&syn::Path> {
    match expr {
        Expr::MethodCall(m) => chain_root_path(&m.receiver),
        Expr::Try(t) => chain_root_path(&t.expr),
        Expr::Paren(p) => chain_root_path(&p.expr),
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => Some(&p.path),
            _ => None,
        },
        _ => None,
    }
}

impl Walker<'_> {
    /// What blocks in `expr`, described for the message, and the span to point at: a sleep,
    /// file or network I/O, a channel's `recv`, a `join`, a child process, a `block_on`, a
    /// closure bound by `let` that does one of these, a closure the caller supplied, an
    /// `.await`.
    pub(super) fn blocking(&self, expr: &Expr) -> Option<(String, Span)> {
        let cx = &Cx {
            walker: self,
            iterations: iterations(&self.out.regions, self.region),
        };
        match expr {
            Expr::Await(a) => Some((
                format!("an `.await` on {}", self.awaited_what(&a.base)),
                cx.span(syn::spanned::Spanned::span(expr)),
            )),
            Expr::Call(c) => {
                // An awaited call is a future: the `.await` is what waits.
                if cx.is_awaited(expr) {
                    return None;
                }
                let whole = || cx.call_span(c);
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
                    ) || (last == "get" && in_blocking_module(&p.path));
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
                // A receiver whose type the source does not show is taken by the method's
                // name, unless the crate has methods of that name and arity it may be: then
                // what those do decides (`signal.recv()` of the crate's own signal).
                let known = || value.is_known() || !self.resolve_call(expr).is_empty();
                let io = value.name().is_some_and(|n| IO_TYPES.contains(&n));
                let what = match name.as_str() {
                    _ if io && IO_METHODS.contains(&name.as_str()) => {
                        format!("`{name}` on a `{}`", value.name().unwrap_or_default())
                    }
                    "recv" | "recv_timeout" | "recv_deadline"
                        if m.args.len() <= 1 && (value.is_named("Receiver") || !known()) =>
                    {
                        format!("`{name}` on a channel")
                    }
                    // A `sync_channel`'s sender waits for room (or, at capacity 0, for the
                    // receiver); `mpsc::Sender` never waits, and is not a `SyncSender`.
                    "send" if m.args.len() == 1 && value.is_named("SyncSender") => {
                        "`send` on a bounded channel (`SyncSender`)".into()
                    }
                    "join" if m.args.is_empty() && (value.is_named("JoinHandle") || !known()) => {
                        "`join` on a thread".into()
                    }
                    "wait" if m.args.is_empty() && value.is_named("Barrier") => {
                        "`Barrier::wait`".into()
                    }
                    "block_on" if m.args.len() == 1 => "`block_on` of a future".into(),
                    // A synchronous HTTP client's request: reqwest's `blocking` client
                    // (`reqwest::blocking::Client::new().get(url).send()`) and ureq's
                    // (`ureq::get(url).call()`).
                    "send" if chain_root_path(&m.receiver).is_some_and(in_blocking_module) => {
                        "`send` of a blocking HTTP request".into()
                    }
                    "call" | "send_string" | "send_json" | "send_bytes" | "send_form"
                        if chain_root_path(&m.receiver).is_some_and(|p| {
                            p.segments.first().is_some_and(|s| s.ident == "ureq")
                        }) =>
                    {
                        format!("`{name}` of a ureq HTTP request")
                    }
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
                Some((what, cx.method_span(m)))
            }
            _ => None,
        }
    }

    /// What an `.await` waits on, for the message: a timer, a channel, another lock, a
    /// spawned task, I/O, or the future named.
    pub(super) fn awaited_what(&self, base: &Expr) -> String {
        let base = strip_parens(base);
        if let Some(lock) = self.lock_call(base) {
            return format!("another lock (`{}`)", lock.method);
        }
        match base {
            Expr::Call(c) => match path_tail(&c.func) {
                Some((_, f)) if TIMERS.contains(&f.as_str()) => format!("a timer (`{f}`)"),
                Some((_, f)) => format!("the future `{f}(..)`"),
                None => "a future".into(),
            },
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                let value = self.type_of(&m.receiver).auto_deref().clone();
                let of = |kind: &str| format!("{kind} (`{name}`)");
                match name.as_str() {
                    "tick" | "reset" => of("a timer"),
                    "recv" | "recv_async" | "recv_many" | "changed" | "next_message" => {
                        of("a channel")
                    }
                    // A channel's sender is a handle (`tx`, `self.tx`); a `send` at the end of a
                    // builder chain (`client.get(url).send()`) is a request, whatever it sends.
                    "send" | "send_async" | "reserve"
                        if value.name().is_some_and(|n| n.ends_with("Sender"))
                            || !matches!(
                                strip_parens(&m.receiver),
                                Expr::MethodCall(_) | Expr::Call(_)
                            ) =>
                    {
                        of("a channel")
                    }
                    "join_next" | "join_all" | "join" | "shutdown_and_join" => of("spawned tasks"),
                    "acquire" | "acquire_owned" | "acquire_many" => of("a semaphore"),
                    "notified" | "wait" | "wait_for" | "cancelled" => of("a notification"),
                    _ if IO_METHODS.contains(&name.as_str())
                        || ASYNC_IO_METHODS.contains(&name.as_str()) =>
                    {
                        of("I/O")
                    }
                    _ if value.is_named("JoinHandle") => of("a spawned task"),
                    _ => format!("the future `.{name}(..)`"),
                }
            }
            Expr::Path(p) => {
                let name = p
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                match self.type_of(base).auto_deref().name() {
                    Some("JoinHandle") => format!("a spawned task (`{name}`)"),
                    Some("Sleep") => format!("a timer (`{name}`)"),
                    _ => format!("the future `{name}`"),
                }
            }
            _ => "a future".into(),
        }
    }

    /// Records what blocks in the expression being walked, where it blocks: in spawned work,
    /// in the function, or in the `let`-bound closure being walked. A callback is whatever its
    /// caller passes, so a function calling one blocks only if its caller's does.
    pub(super) fn note_blocking(&mut self, expr: &Expr, what: &str) {
        if let Expr::Await(a) = expr {
            // What the function awaits, for whether awaiting it suspends (a lock's acquisition
            // is nested locking, not a wait on outside work).
            let spawned = !self.spawn_stack.is_empty() || self.deferred_spawn.is_some();
            if let (Some(function), false, None) = (self.function, spawned, self.lock_call(&a.base))
            {
                let callees = match strip_parens(&a.base) {
                    call @ (Expr::Call(_) | Expr::MethodCall(_)) => self.resolve_call(call),
                    _ => Vec::new(),
                };
                self.out.awaits.push((function, callees));
            }
            return;
        }
        if what.contains("caller-supplied") {
            return;
        }
        match (
            self.spawn_stack.last().copied().or(self.deferred_spawn),
            self.function,
        ) {
            // Spawned work that blocks is a thread's job, not a short task.
            (Some(site), _) => {
                if let Some(spawn) = self.out.spawns.get_mut(site) {
                    spawn.blocks = true;
                }
            }
            (None, Some(function)) => self.out.blocking.push((function, what.to_owned())),
            (None, None) if self.let_closure == Some(self.deferred_depth) => {
                if self.out.closure_blocking.is_none() {
                    self.out.closure_blocking = Some(what.to_owned());
                }
            }
            (None, None) => {}
        }
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
