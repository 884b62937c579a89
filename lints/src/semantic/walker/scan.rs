//! Searches of the statements after a `let` (or of a body) for what happens to a variable,
//! by name: its first move, how often it is named, whether it is only locked, stored,
//! sliced, or decides a branch.

use super::*;
use crate::semantic::bindings::Var;

/// Whether the variable `name` is used, in `rest`, in an index (`slots[name % 2]`) or in the
/// condition of an `if`, `while` or `match`.
pub(super) fn decides_or_indexes<'s>(
    var: Var<'_>,
    rest: impl IntoIterator<Item = &'s syn::Stmt>,
) -> bool {
    struct Find<'n> {
        var: Var<'n>,
        found: bool,
    }
    impl Find<'_> {
        fn mentions(&self, expr: &Expr) -> bool {
            mentions_var(expr, self.var)
        }
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            let deciding = match expr {
                Expr::Index(i) => Some(&*i.index),
                Expr::If(i) => Some(&*i.cond),
                Expr::While(w) => Some(&*w.cond),
                Expr::Match(m) => Some(&*m.expr),
                _ => None,
            };
            if deciding.is_some_and(|e| self.mentions(e)) {
                self.found = true;
                return;
            }
            visit::visit_expr(self, expr);
        }
    }
    let mut find = Find { var, found: false };
    for stmt in rest {
        find.visit_stmt(stmt);
    }
    find.found
}

/// Whether a statement is `drop(var)`.
pub(super) fn is_drop_of(stmt: &syn::Stmt, var: Var<'_>) -> bool {
    match stmt {
        syn::Stmt::Expr(Expr::Call(c), _) => {
            path_tail(&c.func).is_some_and(|(_, f)| f == "drop")
                && c.args.len() == 1
                && var.expr(&c.args[0])
        }
        _ => false,
    }
}

/// Whether the variable occurs in `expr` (its closures included).
pub(super) fn mentions_var(expr: &Expr, var: Var<'_>) -> bool {
    struct Find<'n>(Var<'n>, bool);
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_path(&mut self, p: &'ast syn::Path) {
            if self.0.path(p) {
                self.1 = true;
            }
            visit::visit_path(self, p);
        }
    }
    let mut find = Find(var, false);
    find.visit_expr(expr);
    find.1
}

/// Whether a statement of `later` that names the guard `var` hands it to a `Condvar` wait.
pub(super) fn later_passes_to_condvar(later: Later<'_>, var: Var<'_>) -> bool {
    later.naming(var.name).any(|stmt| match stmt {
        syn::Stmt::Expr(e, _) => passes_to_condvar(e, var),
        syn::Stmt::Local(l) => l
            .init
            .as_ref()
            .is_some_and(|i| passes_to_condvar(&i.expr, var)),
        _ => false,
    })
}

/// Whether a statement hands guard `name` to a `Condvar` wait.
pub(super) fn passes_to_condvar(expr: &Expr, var: Var<'_>) -> bool {
    struct Find<'n>(Var<'n>, bool);
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            if passes_guard_to_condvar(m)
                && m.args.first().is_some_and(|a| self.0.expr(strip_ref(a)))
            {
                self.1 = true;
            }
            visit::visit_expr_method_call(self, m);
        }
    }
    let mut find = Find(var, false);
    find.visit_expr(expr);
    find.1
}

/// Whether the value of `expr` is, or holds, the variable `name`: `name`, `Some(name)`,
/// `Worker { ctx: name }`, `(name, 1)`, or a closure that captures it.
pub(super) fn holds(expr: &Expr, var: Var<'_>) -> bool {
    holds_moved(expr, var) || matches!(expr, Expr::Closure(c) if mentions_var(&c.body, var))
}

/// Whether `expr` moves the variable `name` into its value: `name`, `Some(name)`,
/// `Worker { ctx: name }`, `(name, 1)` (not a closure capture).
pub(super) fn holds_moved(expr: &Expr, var: Var<'_>) -> bool {
    match expr {
        Expr::Path(p) => var.path(&p.path),
        Expr::Struct(s) => s.fields.iter().any(|f| holds_moved(&f.expr, var)),
        Expr::Tuple(t) => t.elems.iter().any(|e| holds_moved(e, var)),
        Expr::Array(a) => a.elems.iter().any(|e| holds_moved(e, var)),
        Expr::Paren(p) => holds_moved(&p.expr, var),
        Expr::Group(g) => holds_moved(&g.expr, var),
        Expr::Call(c) => is_constructor(c) && c.args.iter().any(|a| holds_moved(a, var)),
        _ => false,
    }
}

/// The statements of a long block that name each variable, as a path of one name or a binding
/// (which is how every search of the statements after a `let` sees a variable): the searches
/// then visit only those, not every later statement, which made a generated function of
/// 20,000 statements take minutes.
pub(super) struct NamedIn(HashMap<String, Vec<usize>>);

impl NamedIn {
    /// Blocks longer than this are indexed; a shorter one is searched whole.
    pub(super) const MIN_STATEMENTS: usize = 16;

    pub(super) fn index(stmts: &[syn::Stmt]) -> NamedIn {
        struct Names<'m> {
            at: usize,
            names: &'m mut HashMap<String, Vec<usize>>,
        }
        impl Names<'_> {
            fn note(&mut self, ident: &syn::Ident) {
                let at = self.names.entry(ident.to_string()).or_default();
                if at.last() != Some(&self.at) {
                    at.push(self.at);
                }
            }
        }
        impl<'ast> Visit<'ast> for Names<'_> {
            fn visit_path(&mut self, p: &'ast syn::Path) {
                if let Some(ident) = p.get_ident() {
                    self.note(ident);
                }
                visit::visit_path(self, p);
            }
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.note(&p.ident);
                visit::visit_pat_ident(self, p);
            }
        }
        let mut names = HashMap::default();
        for (at, stmt) in stmts.iter().enumerate() {
            Names {
                at,
                names: &mut names,
            }
            .visit_stmt(stmt);
        }
        NamedIn(names)
    }
}

/// The statements after a `let`, in its block.
#[derive(Clone, Copy)]
pub(crate) struct Later<'s> {
    pub(super) stmts: &'s [syn::Stmt],
    /// The `let`'s place in `stmts`.
    pub(super) at: usize,
    pub(super) names: Option<&'s NamedIn>,
}

impl<'s> Later<'s> {
    /// All the statements after the `let`.
    pub(crate) fn all(self) -> &'s [syn::Stmt] {
        &self.stmts[self.at + 1..]
    }

    /// The later statements that may name the variable `name`, as a path or a binding, in
    /// order; the others cannot change what a search for the variable finds. All of them in
    /// a short block.
    pub(crate) fn naming(self, name: &str) -> impl Iterator<Item = &'s syn::Stmt> + 's {
        self.naming_at(name).map(|(_, stmt)| stmt)
    }

    /// [`Later::naming`], with each statement's place in the block.
    pub(crate) fn naming_at(self, name: &str) -> impl Iterator<Item = (usize, &'s syn::Stmt)> + 's {
        let after = self.at + 1;
        let (indexed, whole): (&[usize], &[syn::Stmt]) = match self.names {
            Some(names) => {
                let at = names.0.get(name).map_or(&[][..], Vec::as_slice);
                (&at[at.partition_point(|&i| i < after)..], &[])
            }
            None => (&[], &self.stmts[after..]),
        };
        let stmts = self.stmts;
        indexed.iter().map(move |&i| (i, &stmts[i])).chain(
            whole
                .iter()
                .enumerate()
                .map(move |(i, stmt)| (after + i, stmt)),
        )
    }
}

/// The first thing a later statement does with a variable that moves it.
pub(super) enum Move<'e> {
    /// Stored, captured by a closure that runs later or on a spawned thread, or given by value
    /// to a call we cannot see into.
    Kept,
    /// Given by value as argument `usize` of this call, whose callee may be the crate's.
    Handed(&'e Expr, usize),
}

/// Where the variable `name` goes in `stmts` (see [`Move`]); `None` when nothing moves it.
pub(super) fn first_move<'e>(var: Var<'_>, later: Later<'e>) -> Option<Move<'e>> {
    struct Find<'n, 'e> {
        var: Var<'n>,
        found: Option<Move<'e>>,
    }
    impl Find<'_, '_> {
        /// Moved into a value that a `let` binds (a closure, an `async` block, a struct): kept
        /// if `rest`, the statements after it, store that value.
        fn after_let(&mut self, stmt: &syn::Stmt, rest: &[syn::Stmt]) {
            if self.found.is_none() && holder_stored(self.var, stmt, rest, 0) {
                self.found = Some(Move::Kept);
            }
        }
    }
    impl<'e> Visit<'e> for Find<'_, 'e> {
        fn visit_block(&mut self, block: &'e syn::Block) {
            for (i, stmt) in block.stmts.iter().enumerate() {
                if self.found.is_some() {
                    return;
                }
                self.visit_stmt(stmt);
                self.after_let(stmt, &block.stmts[i + 1..]);
            }
        }
        fn visit_expr(&mut self, expr: &'e Expr) {
            if self.found.is_some() {
                return;
            }
            let args = match expr {
                Expr::MethodCall(m) => Some(&m.args),
                Expr::Call(c) => Some(&c.args),
                _ => None,
            };
            if let Some(args) = args {
                if captured(expr, args, self.var) {
                    self.found = Some(Move::Kept);
                    return;
                }
                if keeps_arguments(expr) {
                    if let Some(i) = args.iter().position(|a| holds_moved(a, self.var)) {
                        // Wrapped in a constructor first, it is kept by what it is wrapped in.
                        let direct = self.var.expr(&args[i]);
                        self.found = Some(if direct {
                            Move::Handed(expr, i)
                        } else {
                            Move::Kept
                        });
                        return;
                    }
                }
            }
            if let Expr::Assign(a) = expr {
                if holds(&a.right, self.var) {
                    self.found = Some(Move::Kept);
                    return;
                }
            }
            visit::visit_expr(self, expr);
        }
        fn visit_item(&mut self, _: &'e syn::Item) {}
    }
    let mut find = Find { var, found: None };
    for (i, stmt) in later.naming_at(var.name) {
        if find.found.is_some() {
            break;
        }
        find.visit_stmt(stmt);
        find.after_let(stmt, &later.stmts[i + 1..]);
    }
    find.found
}

/// Whether a call's closure that runs later, or its spawned thread's or task's work, captures
/// the variable `name`.
pub(super) fn captured(call: &Expr, args: &Punctuated<Expr, Token![,]>, var: Var<'_>) -> bool {
    let spawn = spawn_of(call);
    let future = spawned_future(spawn, args);
    args.iter().any(|a| match a {
        Expr::Closure(c) => {
            (runs_later(call, c) || spawned(spawn, c)) && mentions_var(&c.body, var)
        }
        Expr::Async(block) => {
            future.is_some_and(|f| std::ptr::eq(f, a)) && block_mentions(&block.block, var)
        }
        _ => false,
    })
}

/// What a function does with its parameter `name`: keeps it (see [`is_stored_later`]), returns
/// it in its result, or only reads it.
pub(super) fn param_fate(var: Var<'_>, block: &syn::Block) -> ParamFate {
    if is_stored_later(var, &block.stmts) {
        return ParamFate::Kept;
    }
    struct Returns<'n>(Var<'n>, bool);
    impl<'ast> Visit<'ast> for Returns<'_> {
        fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
            self.1 |= r.expr.as_deref().is_some_and(|e| holds_moved(e, self.0));
            visit::visit_expr_return(self, r);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut returns = Returns(var, false);
    returns.visit_block(block);
    let tail = match block.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => tails_hold(e, var),
        _ => false,
    };
    if returns.1 || tail {
        ParamFate::Returned
    } else {
        ParamFate::Dropped
    }
}

/// Whether a block's value, through `if`/`match`/block tails, holds `name`.
pub(super) fn tails_hold(expr: &Expr, var: Var<'_>) -> bool {
    let block_tail = |block: &syn::Block| match block.stmts.last() {
        Some(syn::Stmt::Expr(e, None)) => tails_hold(e, var),
        _ => false,
    };
    match expr {
        Expr::Block(b) => block_tail(&b.block),
        Expr::If(i) => {
            block_tail(&i.then_branch)
                || i.else_branch
                    .as_ref()
                    .is_some_and(|(_, e)| tails_hold(e, var))
        }
        Expr::Match(m) => m.arms.iter().any(|arm| tails_hold(&arm.body, var)),
        other => holds_moved(other, var),
    }
}

/// Whether `name` occurs in `block` as a path.
pub(super) fn block_mentions(block: &syn::Block, var: Var<'_>) -> bool {
    block.stmts.iter().any(|stmt| match stmt {
        syn::Stmt::Local(l) => l.init.as_ref().is_some_and(|i| mentions_var(&i.expr, var)),
        syn::Stmt::Expr(e, _) => mentions_var(e, var),
        _ => false,
    })
}

/// Whether the variable `name` is stored beyond its statement by one of `stmts`: pushed,
/// inserted, sent, assigned to a field or an outer variable, turned into a raw pointer, or
/// captured by a closure that is; or moved into a value bound by `let` (a closure, an
/// `async` block, a boxed or adapted future, a struct) that is stored in turn
/// (`let task = async move { ctx.run().await }.boxed().shared(); *slot = Some(task.clone());`).
pub(super) fn is_stored_later(var: Var<'_>, stmts: &[syn::Stmt]) -> bool {
    stored_in(var, stmts, false, 0)
}

/// How many `let`s deep [`is_stored_later`] follows a value into what holds it.
const MAX_HOLDERS: usize = 3;

/// [`is_stored_later`] of a variable, or (`holder`) of a value that holds it, whose clones
/// (`task.clone()` of a shared future, of a closure) hold it too.
fn stored_in(var: Var<'_>, stmts: &[syn::Stmt], holder: bool, depth: usize) -> bool {
    struct Find<'n> {
        var: Var<'n>,
        holder: bool,
        depth: usize,
        found: bool,
    }
    impl Find<'_> {
        fn holds(&self, expr: &Expr) -> bool {
            holds_moved(expr, self.var) || (self.holder && holds_clone(expr, self.var))
        }
        /// What a call does with the variable: keeps it if it is given it by value, or if a
        /// closure that runs later, or on a spawned thread or task, captures it.
        fn call(&mut self, call: &Expr, args: &Punctuated<Expr, Token![,]>) {
            self.found |= captured(call, args, self.var)
                || (keeps_arguments(call) && args.iter().any(|a| self.holds(a)));
        }
        /// Statements in order; a value a `let` moves the variable into is followed through
        /// the statements after it.
        fn stmts(&mut self, stmts: &[syn::Stmt]) {
            for (i, stmt) in stmts.iter().enumerate() {
                if self.found {
                    return;
                }
                self.visit_stmt(stmt);
                self.found |= holder_stored(self.var, stmt, &stmts[i + 1..], self.depth);
            }
        }
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_block(&mut self, block: &'ast syn::Block) {
            self.stmts(&block.stmts);
        }
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::MethodCall(m) => self.call(expr, &m.args),
                Expr::Call(c) => self.call(expr, &c.args),
                _ => {}
            }
            visit::visit_expr(self, expr);
        }
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            if holds(&a.right, self.var) || (self.holder && holds_clone(&a.right, self.var)) {
                self.found = true;
            }
            visit::visit_expr_assign(self, a);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut find = Find {
        var,
        holder,
        depth,
        found: false,
    };
    find.stmts(stmts);
    find.found
}

/// Whether `stmt` is a `let` that moves the variable into the value it binds, and `rest`, the
/// statements after it, store that value.
fn holder_stored(var: Var<'_>, stmt: &syn::Stmt, rest: &[syn::Stmt], depth: usize) -> bool {
    let syn::Stmt::Local(local) = stmt else {
        return false;
    };
    let ident = binding_ident(&local.pat);
    let init = local.init.as_ref().filter(|i| i.diverge.is_none());
    let (Some(ident), Some(init)) = (ident, init) else {
        return false;
    };
    if depth >= MAX_HOLDERS || !moved_into(&init.expr, var) {
        return false;
    }
    let name = ident.to_string();
    let holder = var.bound_at(ident, &name);
    // A clone of what holds it holds it too; not a clone of a mere rename.
    let clones_hold = !var.expr(strip_parens(&init.expr));
    stored_in(holder, rest, clones_hold, depth + 1)
}

/// Whether `expr` is a clone of the variable, as is or wrapped in a constructor
/// (`Some(task.clone())`).
fn holds_clone(expr: &Expr, var: Var<'_>) -> bool {
    match expr {
        Expr::MethodCall(m) => m.method == "clone" && m.args.is_empty() && var.expr(&m.receiver),
        Expr::Struct(s) => s.fields.iter().any(|f| holds_clone(&f.expr, var)),
        Expr::Tuple(t) => t.elems.iter().any(|e| holds_clone(e, var)),
        Expr::Paren(p) => holds_clone(&p.expr, var),
        Expr::Call(c) => is_constructor(c) && c.args.iter().any(|a| holds_clone(a, var)),
        _ => false,
    }
}

/// Whether the value of `expr` owns the variable, moved into it: a closure or `async` block
/// that names it, a struct or constructor built from it, or such a value boxed, pinned or
/// adapted by a method (`Box::pin(async move { .. })`, `async move { .. }.boxed().shared()`).
fn moved_into(expr: &Expr, var: Var<'_>) -> bool {
    match expr {
        Expr::Closure(c) => mentions_var(&c.body, var),
        Expr::Async(a) => block_mentions(&a.block, var),
        Expr::Paren(p) => moved_into(&p.expr, var),
        Expr::Group(g) => moved_into(&g.expr, var),
        // A method of the holder, not of the variable itself (`ctx.name.len()` reads it).
        Expr::MethodCall(m) => {
            !matches!(&*m.receiver, Expr::Path(_)) && moved_into(&m.receiver, var)
        }
        Expr::Call(c) => {
            let wraps = is_constructor(c)
                || path_tail(&c.func).is_some_and(|(owner, f)| {
                    f == "pin" && matches!(owner.as_deref(), Some("Box" | "Pin"))
                });
            wraps && c.args.iter().any(|a| moved_into(a, var))
        }
        other => holds_moved(other, var),
    }
}

/// If `expr` only reads or updates the guarded scalar (`*g += 1`, `*g = x`, `*g`, `*g =
/// (*g + 1) % n`, `*g = max(*g, v)`, `if v > *g { *g = v }`), the operation. Its operands may
/// call what does not see the guarded value (`*g += buf.len()`: an atomic takes the same
/// operand); what reads the value may only be arithmetic, and nothing may take a lock, wait
/// or run a closure.
pub(crate) fn simple_op(expr: &Expr, is_guard: &dyn Fn(&Expr) -> bool) -> Option<ScalarOp> {
    let free = |e: &Expr| call_free(e, is_guard).0;
    match expr {
        Expr::Assign(a) if is_guard(&a.left) && free(&a.right) => {
            Some(if call_free(&a.right, is_guard).1 {
                // `*g = *g + 1`, `*g = max(*g, v)`: computed from the value.
                ScalarOp::Other
            } else {
                ScalarOp::Store
            })
        }
        Expr::Binary(b) if is_guard(&b.left) && free(&b.right) => match b.op {
            syn::BinOp::AddAssign(_) => Some(ScalarOp::Add),
            syn::BinOp::SubAssign(_) => Some(ScalarOp::Sub),
            syn::BinOp::BitOrAssign(_)
            | syn::BinOp::BitAndAssign(_)
            | syn::BinOp::BitXorAssign(_)
            | syn::BinOp::MulAssign(_)
            | syn::BinOp::DivAssign(_)
            | syn::BinOp::RemAssign(_)
            | syn::BinOp::ShlAssign(_)
            | syn::BinOp::ShrAssign(_) => Some(ScalarOp::Other),
            _ => call_free(expr, is_guard).0.then_some(ScalarOp::Load),
        },
        Expr::Return(r) => r.expr.as_deref().and_then(|e| simple_op(e, is_guard)),
        Expr::Paren(p) => simple_op(&p.expr, is_guard),
        // `if v > *g { *g = v; }`: a running extreme, one compare-and-update.
        Expr::If(i) if free(&i.cond) && !contains_let(&i.cond) => {
            let mut op = None;
            let mut arms = vec![&i.then_branch];
            match i.else_branch.as_ref().map(|(_, e)| &**e) {
                None => {}
                Some(Expr::Block(b)) => arms.push(&b.block),
                Some(_) => return None,
            }
            for block in arms {
                for stmt in &block.stmts {
                    let syn::Stmt::Expr(e, _) = stmt else {
                        return None;
                    };
                    match simple_op(e, is_guard)? {
                        ScalarOp::Load => {}
                        _ => op = Some(ScalarOp::Other),
                    }
                }
            }
            Some(op.unwrap_or(ScalarOp::Load))
        }
        e => match call_free(e, is_guard) {
            (true, true) => Some(ScalarOp::Load),
            _ => None,
        },
    }
}

/// Whether `expr` calls nothing: plain arithmetic on locals.
pub(super) fn is_plain(expr: &Expr) -> bool {
    struct Plain(bool);
    impl<'ast> Visit<'ast> for Plain {
        fn visit_expr(&mut self, e: &'ast Expr) {
            match e {
                Expr::Call(_)
                | Expr::MethodCall(_)
                | Expr::Macro(_)
                | Expr::Await(_)
                | Expr::Closure(_)
                | Expr::Block(_)
                | Expr::Assign(_) => self.0 = false,
                _ => visit::visit_expr(self, e),
            }
        }
    }
    let mut plain = Plain(true);
    plain.visit_expr(expr);
    plain.0
}

/// Whether `expr` does nothing that `simple_op` rules out (see there), and whether it reads the
/// guarded value.
fn call_free(expr: &Expr, is_guard: &dyn Fn(&Expr) -> bool) -> (bool, bool) {
    struct Calls<'g> {
        calls: bool,
        guard: bool,
        is_guard: &'g dyn Fn(&Expr) -> bool,
    }
    impl Calls<'_> {
        /// A call: pure arithmetic on the value, or anything that does not see the value
        /// and takes no lock.
        fn call<'e>(&mut self, pure: bool, parts: impl Iterator<Item = &'e Expr>) {
            let mut free = true;
            let mut reads = false;
            for part in parts {
                let (f, r) = call_free(part, self.is_guard);
                free &= f;
                reads |= r;
            }
            if !free || (reads && !pure) {
                self.calls = true;
            }
            self.guard |= reads;
        }
    }
    impl<'ast> Visit<'ast> for Calls<'_> {
        fn visit_expr(&mut self, e: &'ast Expr) {
            if (self.is_guard)(e) {
                self.guard = true;
            } else {
                visit::visit_expr(self, e);
            }
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            let pure =
                path_tail(&c.func).is_some_and(|(_, f)| PURE_SCALAR_FNS.contains(&f.as_str()));
            if expanded_macro_name(c).is_some() {
                self.calls = true;
                return;
            }
            self.call(pure, c.args.iter());
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            let method = m.method.to_string();
            if LOCKING_METHODS.contains(&method.as_str()) {
                self.calls = true;
                return;
            }
            let pure = PURE_SCALAR_METHODS.contains(&method.as_str());
            self.call(pure, std::iter::once(&*m.receiver).chain(&m.args));
        }
        fn visit_expr_macro(&mut self, _: &'ast syn::ExprMacro) {
            self.calls = true;
        }
        fn visit_expr_await(&mut self, _: &'ast syn::ExprAwait) {
            self.calls = true;
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {
            self.calls = true;
        }
        fn visit_block(&mut self, _: &'ast syn::Block) {
            self.calls = true;
        }
    }
    let mut calls = Calls {
        calls: false,
        guard: false,
        is_guard,
    };
    calls.visit_expr(expr);
    (!calls.calls, calls.guard)
}

/// Functions that compute a scalar from scalars and do nothing else.
const PURE_SCALAR_FNS: &[&str] = &["max", "min", "from", "try_from"];

/// Methods that take a lock (or may: an I/O `read` is not told apart here).
const LOCKING_METHODS: &[&str] = &[
    "lock",
    "read",
    "write",
    "try_lock",
    "try_read",
    "try_write",
    "upgradable_read",
];
