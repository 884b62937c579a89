//! Work handed to other threads, by how it is written: thread and task spawns, the closure
//! or future they start, whether code loops (a worker) and whether a count names threads.

use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

use super::exprs::*;
use super::tables::*;

/// What a spawn starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum SpawnKind {
    /// An operating-system thread running a closure (`thread::spawn`, `Builder::spawn`,
    /// `scope.spawn`).
    Thread,
    /// A task: a future on an executor, or a closure handed to a pool (`tokio::spawn`,
    /// `spawn_blocking`, `rayon::spawn`, `pool.execute`).
    Task,
}

/// If `expr` hands work to another thread, what it starts and the closure it hands over.
///
/// An OS thread: `std::thread::spawn(|| ..)`, `Builder::new().spawn(|| ..)`, `scope.spawn(|| ..)`.
/// A task: `tokio::spawn(fut)`, `set.spawn(fut)`, `spawn_blocking(|| ..)`, `rayon::spawn(|| ..)`,
/// `threadpool::spawn(|| ..)`, `pool.execute(|| ..)`. `Command::spawn()` takes no argument and
/// starts a process, not work of ours.
pub(crate) fn spawn_of(expr: &Expr) -> Option<(SpawnKind, Option<&syn::ExprClosure>)> {
    let (name, prev, args, method) = match expr {
        Expr::Call(c) => {
            let (prev, last) = path_tail(&c.func)?;
            (last, prev, &c.args, false)
        }
        Expr::MethodCall(m) => (m.method.to_string(), None, &m.args, true),
        _ => return None,
    };
    if args.is_empty() {
        return None;
    }
    let closure = args.iter().find_map(|a| match a {
        Expr::Closure(c) if c.asyncness.is_none() => Some(c),
        _ => None,
    });
    // `thread::spawn(f)`, `Builder::spawn(f)`, `scope.spawn(f)` take the closure alone (and
    // `spawn_scoped(scope, f)` a scope first); a closure that takes an argument is a rayon
    // scope's task (`s.spawn(|_| ..)`), and other arities are other libraries' spawns.
    let thread_path = matches!(prev.as_deref(), None | Some("thread"));
    let thread_arity = args.len() == usize::from(name == "spawn_scoped") + 1;
    let no_params = closure.is_some_and(|c| c.inputs.is_empty());
    match name.as_str() {
        "spawn" | "spawn_scoped" | "spawn_unchecked"
            if no_params && thread_arity && (method || thread_path) =>
        {
            Some((SpawnKind::Thread, closure))
        }
        "spawn"
        | "spawn_local"
        | "spawn_blocking"
        | "spawn_ok"
        | "spawn_on"
        | "spawn_detached"
        | "spawn_fifo"
        | "spawn_detach"
        | "spawn_local_detach"
        | "spawn_blocking_detach" => Some((SpawnKind::Task, closure)),
        "execute" if closure.is_some() => Some((SpawnKind::Task, closure)),
        _ => None,
    }
}

/// Whether a closure's body loops: a long-running worker, or one with a share of a loop's work.
pub(crate) fn closure_loops(closure: &syn::ExprClosure) -> bool {
    expr_loops(&closure.body)
}

/// Whether code loops: a `for`/`while`/`loop`, or a consumed iterator chain. Nested items are
/// functions of their own.
pub(crate) fn expr_loops(body: &Expr) -> bool {
    let mut finder = FindLoop {
        open_ended_only: false,
        found: false,
    };
    finder.visit_expr(body);
    finder.found
}

/// Whether a function body runs a `loop` or `while` (not a `for` over its data).
pub(crate) fn runs_open_ended(block: &syn::Block) -> bool {
    let mut finder = FindLoop {
        open_ended_only: true,
        found: false,
    };
    finder.visit_block(block);
    finder.found
}

/// Whether an iterated expression is a stream with no end known in advance: a channel's
/// receiver (`rx`, `receiver.iter()`) or a listener's `incoming()` connections.
pub(crate) fn iterates_a_stream(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => {
            matches!(
                m.method.to_string().as_str(),
                "incoming" | "recv_iter" | "incoming_requests"
            ) || (matches!(
                m.method.to_string().as_str(),
                "iter" | "into_iter" | "try_iter"
            ) && iterates_a_stream(&m.receiver))
        }
        Expr::Path(p) => p.path.get_ident().is_some_and(names_a_receiver),
        Expr::Field(f) => matches!(&f.member, syn::Member::Named(i) if names_a_receiver(i)),
        Expr::Reference(r) => iterates_a_stream(&r.expr),
        Expr::Paren(p) => iterates_a_stream(&p.expr),
        _ => false,
    }
}

/// Calls that wait for the next request or connection: a listener's `accept`, a channel's
/// `recv`, a server's `incoming` requests.
const TAKES_REQUEST: &[&str] = &[
    "accept",
    "recv",
    "recv_timeout",
    "incoming",
    "incoming_requests",
    "recv_request",
];

/// Whether a loop takes one request or connection per iteration: a `for` over a listener's
/// `incoming()` or a channel's receiver, a `while let` whose scrutinee accepts or receives, or a
/// `loop` whose body does (`let (stream, _) = listener.accept()?;`). A thread spawned in such a
/// loop is one per request, whatever it does.
pub(crate) fn loop_takes_requests(expr: &Expr) -> bool {
    struct Takes(bool);
    impl<'ast> Visit<'ast> for Takes {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            self.0 |= TAKES_REQUEST.contains(&m.method.to_string().as_str());
            visit::visit_expr_method_call(self, m);
        }
        // What nested loops, closures and items do is not this loop's step.
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_loop(&mut self, _: &'ast syn::ExprLoop) {}
        fn visit_expr_while(&mut self, _: &'ast syn::ExprWhile) {}
        fn visit_expr_for_loop(&mut self, _: &'ast syn::ExprForLoop) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut takes = Takes(false);
    match expr {
        Expr::ForLoop(f) => return iterates_a_stream(&f.expr),
        Expr::While(w) => takes.visit_expr(&w.cond),
        Expr::Loop(l) => takes.visit_block(&l.body),
        _ => {}
    }
    takes.0
}

/// `rx`, `job_rx`, `rx_events`, `receiver`: a channel's receiving end, by name.
pub(crate) fn names_a_receiver(ident: &syn::Ident) -> bool {
    let name = ident.to_string();
    name == "rx" || name.ends_with("_rx") || name.starts_with("rx_") || name.contains("receiver")
}

/// Finds a loop outside nested items.
pub(crate) struct FindLoop {
    /// Only `loop` and `while` count, not a `for` or an iterator over some data.
    open_ended_only: bool,
    found: bool,
}

impl<'ast> Visit<'ast> for FindLoop {
    fn visit_expr_loop(&mut self, _: &'ast syn::ExprLoop) {
        self.found = true;
    }
    fn visit_expr_while(&mut self, _: &'ast syn::ExprWhile) {
        self.found = true;
    }
    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        // A `for` over a channel or a listener's connections runs as long as they come.
        self.found |= !self.open_ended_only || iterates_a_stream(&f.expr);
        visit::visit_expr_for_loop(self, f);
    }
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        // `rx.iter().for_each(..)`, `chunk.iter().sum()`: consuming an iterator loops too.
        let name = m.method.to_string();
        if matches!(name.as_str(), "for_each" | "try_for_each")
            || (ITERATOR_CONSUMERS.contains(&name.as_str()) && chain_has_iterator(&m.receiver))
        {
            self.found |= !self.open_ended_only || iterates_a_stream(&m.receiver);
        }
        visit::visit_expr_method_call(self, m);
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Whether `closure`, an argument of `call`, runs at a time the source does not show: neither an
/// iterator adapter's or combinator's closure (run during the call) nor a spawned thread's.
pub(crate) fn runs_later(call: &Expr, closure: &syn::ExprClosure) -> bool {
    if spawned(spawn_of(call), closure) {
        return false;
    }
    match call {
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            let name = name.as_str();
            !(ITERATOR_ONLY_ADAPTERS.contains(&name)
                || ELEMENT_CLOSURES.contains(&name)
                || SHARED_ADAPTERS.contains(&name)
                || IMMEDIATE_METHODS.contains(&name))
        }
        Expr::Call(c) => {
            !path_tail(&c.func).is_some_and(|(_, f)| IMMEDIATE_PATH_CALLS.contains(&f.as_str()))
        }
        _ => true,
    }
}

/// The future a task spawn without a closure hands over: an `async` block
/// (`tokio::spawn(async move {..})`), or the call of an `async fn` that makes it
/// (`tokio::spawn(handle(conn, state))`, `set.spawn(worker.run())`), whose body runs in the task.
pub(crate) fn spawned_future<'e>(
    spawn: Option<(SpawnKind, Option<&syn::ExprClosure>)>,
    args: &'e Punctuated<Expr, Token![,]>,
) -> Option<&'e Expr> {
    match spawn {
        Some((kind, None)) => args
            .iter()
            .find(|a| matches!(a, Expr::Async(_)))
            .or_else(|| match args.first() {
                Some(call @ (Expr::Call(_) | Expr::MethodCall(_))) if kind == SpawnKind::Task => {
                    Some(call)
                }
                _ => None,
            }),
        _ => None,
    }
}

/// Whether `arg` is the work a spawn hands over: its closure, or its `async` block.
pub(crate) fn spawned_work(
    spawn: Option<(SpawnKind, Option<&syn::ExprClosure>)>,
    future: Option<&Expr>,
    arg: &Expr,
) -> bool {
    match arg {
        Expr::Closure(c) => spawned(spawn, c),
        _ => future.is_some_and(|f| std::ptr::eq(f, arg)),
    }
}

/// Whether the closure `c` is the one `spawn` hands over.
pub(crate) fn spawned(
    spawn: Option<(SpawnKind, Option<&syn::ExprClosure>)>,
    c: &syn::ExprClosure,
) -> bool {
    spawn.is_some_and(|(_, closure)| closure.is_some_and(|s| std::ptr::eq(s, c)))
}

/// The largest constant loop count that is still "a few times" (one iteration per thread at
/// most) rather than work that runs many times.
pub(crate) const MAX_FEW: u128 = 64;

/// Whether an expression names a count of threads or cores (`num_threads`, `workers`,
/// `available_parallelism()`, `num_cpus::get()`).
pub(crate) fn names_thread_count(expr: &Expr) -> bool {
    struct Names(bool);
    impl Names {
        fn check(&mut self, ident: &syn::Ident) {
            let name = ident.to_string().to_ascii_lowercase();
            if name.split('_').any(|word| {
                matches!(
                    word,
                    "thread"
                        | "threads"
                        | "worker"
                        | "workers"
                        | "cpu"
                        | "cpus"
                        | "core"
                        | "cores"
                        | "parallelism"
                        | "concurrency"
                )
            }) {
                self.0 = true;
            }
        }
    }
    impl<'ast> Visit<'ast> for Names {
        fn visit_ident(&mut self, ident: &'ast syn::Ident) {
            self.check(ident);
        }
    }
    let mut names = Names(false);
    names.visit_expr(expr);
    names.0
}

/// Whether an index names a thread or worker: `worker`, `thread_id`, `tid`, `cpu`,
/// `rayon::current_thread_index()`.
pub(crate) fn names_thread_index(index: &Expr) -> bool {
    let per_thread = |name: &str| {
        let name = name.to_ascii_lowercase();
        name == "tid"
            || name.split('_').any(|word| {
                matches!(
                    word,
                    "thread" | "worker" | "cpu" | "core" | "tid" | "wid" | "me"
                )
            })
    };
    match index {
        Expr::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|i| per_thread(&i.to_string())),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(i) => per_thread(&i.to_string()),
            syn::Member::Unnamed(_) => false,
        },
        Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "unwrap" | "expect") => {
            names_thread_index(&m.receiver)
        }
        Expr::Call(c) => path_tail(&c.func).is_some_and(|(_, f)| f == "current_thread_index"),
        Expr::Paren(p) => names_thread_index(&p.expr),
        Expr::Cast(c) => names_thread_index(&c.expr),
        _ => false,
    }
}
