//! Expressions: loops, `if`/`match`/`let` with their guards' lifetimes, closures (run at once,
//! per item, or later), method and function calls, spawns, and values stored or handed on.

use super::*;

impl<'ast> Walker<'_> {
    /// Walks `expr`'s operands; `stored` says whether `expr`'s value is stored (see
    /// [`Cx::is_stored`]).
    pub(super) fn visit_expr_inner(
        &mut self,
        expr: &'ast Expr,
        stored: bool,
        handed: Option<&Handed>,
    ) {
        match expr {
            Expr::ForLoop(f) => {
                if let Expr::MethodCall(m) = strip_parens(&f.expr) {
                    self.consumed.insert(std::ptr::from_ref(m), false);
                }
                // The iterator expression runs once; its temporaries live for the whole loop.
                self.visit_expr(&f.expr);
                let iter_ty = self.type_of(&f.expr);
                let item = match iter_ty.peel_refs() {
                    Ty::Named(n, args) if n == "Iter" || n == "Range" => {
                        args.first().cloned().unwrap_or(Ty::IntLiteral)
                    }
                    t if matches!(iter_ty, Ty::Ref(_)) => Ty::Ref(Box::new(t.element())),
                    t => t.element(),
                };
                let borrows = self.borrowed_guard(&f.expr);
                let count = (self.loop_count(&f.expr), self.loop_bound(&f.expr));
                self.loop_guard = borrows;
                self.with_loop(f.label.as_ref(), count, |w| {
                    w.note_request_loop(expr);
                    w.with_scope(|w| {
                        w.bind_pat(&f.pat, item, None, borrows);
                        w.visit_block(&f.body);
                    })
                });
            }
            Expr::While(wh) => {
                self.note_deciding_loads(&wh.cond);
                self.with_loop(wh.label.as_ref(), (LoopCount::Many, None), |w| {
                    w.note_request_loop(expr);
                    w.with_scope(|w| {
                        if matches!(&*wh.cond, Expr::Let(_)) {
                            w.visit_expr(&wh.cond);
                            w.visit_block(&wh.body);
                        } else {
                            w.with_statement_of(&wh.cond, |w| w.visit_expr(&wh.cond));
                            w.visit_block(&wh.body);
                        }
                    })
                });
            }
            Expr::Loop(l) => {
                self.with_loop(l.label.as_ref(), (LoopCount::Many, None), |w| {
                    w.note_request_loop(expr);
                    w.visit_block(&l.body)
                });
            }
            // What a `return` or `break` hands on is made once, on the way out of the loop.
            Expr::Return(_) | Expr::Break(_) => {
                let region = self.region;
                if let Some(target) = self.leaves_to(expr) {
                    self.region = target;
                }
                visit::visit_expr(self, expr);
                self.region = region;
            }
            Expr::Let(l) => {
                self.visit_expr(&l.expr);
                let ty = self.type_of(&l.expr);
                let borrows = self
                    .init_borrows(&l.expr)
                    .or_else(|| self.borrowed_guard(&l.expr));
                if let Some(call) = self.lock_call(&l.expr) {
                    let id = self
                        .guards
                        .iter()
                        .find(|g| g.lock_span == self.span(call.method.span()))
                        .map(|g| g.id);
                    self.bind_pat(&l.pat, unwrap_ty(&ty), None, id);
                } else {
                    self.bind_pat(&l.pat, ty, None, borrows);
                }
            }
            Expr::If(i) => self.with_scope(|w| {
                let dropped = w.discarded_value;
                w.note_deciding_loads(&i.cond);
                let is_let = contains_let(&i.cond);
                let before = w.guards.len();
                if is_let {
                    w.visit_expr(&i.cond);
                } else {
                    w.with_statement_of(&i.cond, |w| w.visit_expr(&i.cond));
                }
                w.tail_discarded = dropped;
                w.visit_block(&i.then_branch);
                if let Some((_, else_branch)) = &i.else_branch {
                    // A failed `try_lock` holds no guard in the `else`, in any edition.
                    let tried: Vec<GuardId> = w.guards[before.min(w.guards.len())..]
                        .iter()
                        .filter(|g| g.tried)
                        .map(|g| g.id)
                        .collect();
                    let held_tried: Vec<Guard> = w
                        .guards
                        .iter()
                        .filter(|g| is_let && tried.contains(&g.id))
                        .cloned()
                        .collect();
                    w.guards.retain(|g| !(is_let && tried.contains(&g.id)));
                    // Edition 2024 drops `if let` scrutinee temporaries before `else`.
                    if is_let && w.edition >= Edition::E2024 {
                        let held: Vec<Guard> =
                            w.guards.drain(before.min(w.guards.len())..).collect();
                        w.with_scope(|w| {
                            w.discarding = dropped;
                            w.visit_expr(else_branch)
                        });
                        w.guards.extend(held);
                    } else {
                        w.with_scope(|w| {
                            w.discarding = dropped;
                            w.visit_expr(else_branch)
                        });
                    }
                    w.guards.extend(held_tried);
                }
            }),
            Expr::Match(m) => {
                let dropped = self.discarded_value;
                // Scrutinee temporaries live until the end of the `match`.
                self.visit_expr(&m.expr);
                let ty = self.type_of(&m.expr);
                let borrows = self.borrowed_guard(&m.expr);
                let lock = self.lock_call(&m.expr).map(|c| self.span(c.method.span()));
                let guard =
                    lock.and_then(|s| self.guards.iter().find(|g| g.lock_span == s).map(|g| g.id));
                for arm in &m.arms {
                    self.with_scope(|w| {
                        let arm_ty = if guard.is_some() {
                            unwrap_ty(&ty)
                        } else {
                            ty.clone()
                        };
                        w.bind_pat(&arm.pat, arm_ty, None, guard.or(borrows));
                        if let Some((_, g)) = &arm.guard {
                            w.visit_expr(g);
                        }
                        w.with_statement_of(&arm.body, |w| {
                            w.discarding = dropped;
                            w.visit_expr(&arm.body)
                        });
                    });
                }
            }
            Expr::Closure(c) => self.visit_deferred(c),
            Expr::Await(a) => {
                let outer = self.awaited.replace(&*a.base);
                self.visit_expr(&a.base);
                self.awaited = outer;
            }
            Expr::Block(b) => {
                self.tail_discarded = self.discarded_value;
                self.visit_block(&b.block);
            }
            // An `async` block runs when it is polled: awaited here, with the guards alive;
            // handed on (`futures.push(async move {..})`, `join(a, b)`), later, without them.
            Expr::Async(a) if self.awaited.is_some_and(|e| std::ptr::eq(e, expr)) => {
                self.visit_block(&a.block)
            }
            Expr::Async(a) => {
                let guards = std::mem::take(&mut self.guards);
                self.visit_block(&a.block);
                self.guards = guards;
            }
            Expr::Unsafe(u) => self.visit_block(&u.block),
            Expr::MethodCall(m) => {
                if let Some(call) = self.lock_call(expr) {
                    let span = self.span(call.method.span());
                    if asserts_try(m, call) {
                        self.asserted_lock = Some(span);
                    }
                    if std::ptr::eq(call, m) && self.binding_lock != Some(span) {
                        let awaited = self.awaited.is_some_and(|e| std::ptr::eq(e, expr));
                        self.new_guard(call, false, awaited);
                        let shape = match self.temp_shape {
                            Some(op) => UseShape::Simple(op),
                            None => UseShape::Complex,
                        };
                        self.record_lock_use(call, shape, GuardedOps::default());
                    }
                }
                self.record_call(expr);
                let method = m.method.to_string();
                self.note_consumed(m, &method);
                if STATE_WORD_UPDATES.contains(&method.as_str()) {
                    if let Some(name) = atomic_name(&m.receiver) {
                        self.out.state_words.push(name);
                    }
                }
                // `x.clone().into_future()`, `socket.clone().create_io_poller()` stored: a method
                // called on a fresh clone (not one that only reads) took it by value, and what
                // it returns, which is kept, owns it.
                // A receiver whose method gives back its value (`unwrap`, `into_..`, `map`)
                // lives on in what the method returns.
                self.temporary = !passes_value_on(&method);
                self.visit_stored(
                    &m.receiver,
                    stored
                        && is_clone_call(&m.receiver)
                        && !READ_ONLY_METHODS.contains(&method.as_str()),
                );
                self.record_slot_write(m);
                // A method called on a temporary guard (not `unwrap`/`expect` of the lock
                // call itself): what the critical section does.
                if let (Some(lock), None) = (self.lock_call(&m.receiver), self.lock_call(expr)) {
                    self.note_guard_ops(lock, locks::method_ops(&method));
                }
                let spawn = self.spawn_here(expr);
                let future = spawned_future(spawn, &m.args);
                // A collection made in this pass, and dying with it, keeps nothing beyond it.
                let store = keeps_arguments(expr) && !self.is_scratch(&m.receiver);
                // A crate method's fate for what it is given is in its body.
                let callees = self.resolve_call(expr);
                let cold = usize::from(COLD_METHODS.contains(&method.as_str()));
                self.cold += cold;
                for (i, arg) in m.args.iter().enumerate() {
                    match arg {
                        _ if spawned_work(spawn, future, arg) => {
                            let kind = spawn.map_or(SpawnKind::Thread, |(k, _)| k);
                            self.visit_spawn(kind, self.span(m.method.span()), Some(arg));
                        }
                        Expr::Closure(c) => self.visit_method_closure(m, c),
                        other if !callees.is_empty() => self.visit_handed(
                            other,
                            Handed {
                                callees: callees.clone(),
                                arg: i,
                                path_call: false,
                                result_stored: stored,
                                result_handed: handed.cloned().map(Box::new),
                            },
                        ),
                        other => self.visit_stored(other, store),
                    }
                }
                self.cold -= cold;
                self.note_guard_argument(expr);
                if let (Some((kind, None)), None) = (spawn, future) {
                    self.visit_spawn(kind, self.span(m.method.span()), None);
                }
                self.note_handlers(&method, &m.args);
                // A variable a method may change is a new value from here on.
                if !READ_ONLY_METHODS.contains(&method.as_str()) {
                    self.touch(&m.receiver);
                }
            }
            Expr::Call(c) => {
                self.record_call(expr);
                if is_model_check(&c.func) {
                    for arg in &c.args {
                        if let Expr::Closure(closure) = arg {
                            self.model_checked.push(self.span(closure.body.span()));
                        }
                    }
                }
                if let Some(&site) = self.spawn_stack.last() {
                    if self.calls_callable(&c.func) {
                        self.out.spawns[site].runs_callback = true;
                    }
                }
                self.visit_expr(&c.func);
                let spawn = self.spawn_here(expr);
                let future = spawned_future(spawn, &c.args);
                let immediate = path_tail(&c.func)
                    .is_some_and(|(_, f)| IMMEDIATE_PATH_CALLS.contains(&f.as_str()));
                // A constructor's (or `vec!`'s) value is where its parts go; other calls keep
                // what they are given by value.
                let collects =
                    is_constructor(c) || expanded_macro_name(c).is_some_and(|m| m == "vec");
                let store = keeps_arguments(expr) || (stored && collects);
                // A crate function's fate for what it is given is in its body; a value built
                // from parts hands them on wherever it goes.
                let callees = self.resolve_call(expr);
                let cold = usize::from(
                    path_tail(&c.func).is_some_and(|(_, f)| f == "Err")
                        || expanded_macro_name(c).is_some_and(|m| is_cold_macro(&m)),
                );
                self.cold += cold;
                for (i, arg) in c.args.iter().enumerate() {
                    match arg {
                        _ if spawned_work(spawn, future, arg) => {
                            let kind = spawn.map_or(SpawnKind::Thread, |(k, _)| k);
                            self.visit_spawn(kind, self.span(c.func.span()), Some(arg));
                        }
                        Expr::Closure(cl) if immediate => {
                            // Both sides of `rayon::join` may run at once on the pool.
                            let joined = path_tail(&c.func).is_some_and(|(_, f)| f == "join")
                                && c.args.len() == 2;
                            let thread = if joined {
                                self.thread.replace(ThreadCx::Parallel)
                            } else {
                                self.thread
                            };
                            self.with_closure_body(|w| {
                                w.with_scope(|w| {
                                    w.bind_closure_params(cl, Ty::Unknown, None);
                                    w.with_statement(|w| w.visit_expr(&cl.body));
                                })
                            });
                            self.thread = thread;
                        }
                        Expr::Closure(cl) => self.visit_deferred_argument(cl),
                        other if !callees.is_empty() => self.visit_handed(
                            other,
                            Handed {
                                callees: callees.clone(),
                                arg: i,
                                path_call: true,
                                result_stored: stored,
                                result_handed: handed.cloned().map(Box::new),
                            },
                        ),
                        other if collects && handed.is_some() => {
                            self.handed = handed.cloned();
                            self.visit_stored(other, store)
                        }
                        other => self.visit_stored(other, store),
                    }
                }
                self.cold -= cold;
                self.note_guard_argument(expr);
                if let (Some((kind, None)), None) = (spawn, future) {
                    self.visit_spawn(kind, self.span(c.func.span()), None);
                }
                if let Some((_, name)) = path_tail(&c.func) {
                    self.note_handlers(&name, &c.args);
                }
            }
            Expr::Macro(m) => self.record_macro_names(&m.mac),
            // A value built from parts keeps its parts where it goes.
            Expr::Struct(st) => {
                self.record_arc_inits(st);
                for field in &st.fields {
                    self.visit_stored(&field.expr, stored);
                }
                if let Some(rest) = &st.rest {
                    self.visit_expr(rest);
                }
            }
            Expr::Tuple(t) => {
                for elem in &t.elems {
                    self.visit_stored(elem, stored);
                }
            }
            Expr::Array(a) => {
                for elem in &a.elems {
                    self.visit_stored(elem, stored);
                }
            }
            Expr::Paren(p) => self.visit_stored(&p.expr, stored),
            Expr::Group(g) => self.visit_stored(&g.expr, stored),
            // The right side is evaluated before the place it is assigned to: a lock taken on
            // the left (`*m.lock().unwrap() = f()`) is not held while `f` runs.
            Expr::Assign(a) => {
                let place = !self.is_region_local(&a.left);
                self.visit_stored(&a.right, place);
                self.visit_expr(&a.left);
                self.touch(&a.left);
                // `*m.write().unwrap() = new` replaces the guarded value whole.
                if let Expr::Unary(u) = strip_parens(&a.left) {
                    if let Some(lock) = self.lock_call(&u.expr) {
                        self.note_guard_ops(lock, GuardedOps::REPLACE);
                    }
                }
            }
            Expr::Binary(b) if is_compound_assignment(b.op) => {
                self.visit_expr(&b.left);
                self.visit_expr(&b.right);
                self.touch(&b.left);
                if let Expr::Unary(u) = strip_parens(&b.left) {
                    if let Some(lock) = self.lock_call(&u.expr) {
                        self.note_guard_ops(lock, GuardedOps::IN_PLACE);
                    }
                }
            }
            _ => visit::visit_expr(self, expr),
        }
    }

    /// A closure argument of a method call: hot when the method is an iterator adapter.
    pub(super) fn visit_method_closure(
        &mut self,
        m: &syn::ExprMethodCall,
        closure: &syn::ExprClosure,
    ) {
        let method = m.method.to_string();
        let recv_ty = self.type_of(&m.receiver);
        let iterator = recv_ty.is_named("Iter") || chain_has_iterator(&m.receiver);
        let hot = ITERATOR_ONLY_ADAPTERS.contains(&method.as_str())
            || ELEMENT_CLOSURES.contains(&method.as_str())
            || (SHARED_ADAPTERS.contains(&method.as_str()) && iterator)
            || (iterator && method == "for_each");
        let item = match &recv_ty {
            Ty::Named(n, args) if n == "Iter" => args.first().cloned().unwrap_or_default(),
            Ty::Named(n, args) if n == "Option" && method == "map" => {
                args.first().cloned().unwrap_or_default()
            }
            _ if ELEMENT_CLOSURES.contains(&method.as_str()) => {
                Ty::Ref(Box::new(recv_ty.auto_deref().element()))
            }
            _ => Ty::Unknown,
        };
        // A lazy adapter's closure runs when the iterator is consumed: in this expression (a
        // `collect()` or a `for` over it), or maybe after the guard is gone (returned, stored).
        let lazy = LAZY_ADAPTERS.contains(&method.as_str())
            && iterator
            && !self.consumed.contains_key(&std::ptr::from_ref(m));
        let borrows = if lazy {
            None
        } else {
            self.borrowed_guard(&m.receiver)
        };
        // What a mapping closure returns is kept when the iterator is collected.
        let kept = matches!(
            method.as_str(),
            "map" | "filter_map" | "flat_map" | "map_while"
        ) && self.consumed.get(&std::ptr::from_ref(m)) == Some(&true);
        if kept {
            let parts = owners::kept_parts(&closure.body, &self.bindings);
            self.kept_parts.extend(parts);
        }
        let visit = |w: &mut Self| {
            w.with_closure_body(|w| {
                w.with_scope(|w| {
                    w.bind_closure_params(closure, item.clone(), borrows);
                    w.with_statement_of(&closure.body, |w| w.visit_stored(&closure.body, kept));
                })
            });
        };
        if hot {
            let count = (self.loop_count(&m.receiver), self.loop_bound(&m.receiver));
            self.loop_guard = self.borrowed_guard(&m.receiver);
            // A parallel iterator's closures run on the pool's threads at once.
            let thread = if chain_is_parallel(&m.receiver) {
                self.thread.replace(ThreadCx::Parallel)
            } else {
                self.thread
            };
            self.with_region(count, visit);
            self.thread = thread;
        } else if IMMEDIATE_METHODS.contains(&method.as_str()) {
            visit(self);
        } else {
            self.visit_deferred_argument(closure);
        }
    }

    /// A closure whose body runs at a time the source does not show (a callback registered,
    /// a factory stored, a closure bound to a name): not in this function's loops, not hot
    /// through its callers, and holding none of its guards.
    /// A closure handed to a call as an argument (`cell.get_or_init(|| ..)`,
    /// `catch_unwind(|| ..)`): deferred as far as the source shows, but when it is handed over
    /// inside spawned work, what blocks in it is taken to block that work.
    pub(super) fn visit_deferred_argument(&mut self, closure: &syn::ExprClosure) {
        let outer = self.deferred_spawn;
        if let Some(&site) = self.spawn_stack.last() {
            self.deferred_spawn = Some(site);
        }
        self.visit_deferred(closure);
        self.deferred_spawn = outer;
    }

    /// Marks the adapter call that `m` consumes (`x.map(f)` in `x.map(f).collect()`), and
    /// through a consumed adapter the one before it.
    pub(super) fn note_consumed(&mut self, m: &syn::ExprMethodCall, method: &str) {
        let keeps = if LAZY_ADAPTERS.contains(&method) {
            self.consumed.get(&std::ptr::from_ref(m)).copied()
        } else if ITERATOR_CONSUMERS.contains(&method)
            || matches!(method, "for_each" | "try_for_each")
        {
            Some(KEEPING_CONSUMERS.contains(&method))
        } else {
            None
        };
        if let (Some(keeps), Expr::MethodCall(inner)) = (keeps, strip_parens(&m.receiver)) {
            self.consumed.insert(std::ptr::from_ref(inner), keeps);
        }
    }

    pub(super) fn visit_deferred(&mut self, closure: &syn::ExprClosure) {
        let guards = std::mem::take(&mut self.guards);
        let region = self.region.take();
        let returns = self.return_region.take();
        let function = self.function.take();
        let spawns = std::mem::take(&mut self.spawn_stack);
        let thread = self.thread.take();
        self.deferred_depth += 1;
        self.with_scope(|w| {
            w.bind_closure_params(closure, Ty::Unknown, None);
            w.with_statement_of(&closure.body, |w| w.visit_expr(&closure.body));
        });
        self.deferred_depth -= 1;
        self.thread = thread;
        self.spawn_stack = spawns;
        self.function = function;
        self.return_region = returns;
        self.region = region;
        self.guards = guards;
    }

    /// Records a spawn site; its closure (if any) runs on another thread, holding none of our
    /// guards, once per spawn: still in this region.
    pub(super) fn visit_spawn(&mut self, kind: SpawnKind, span: Span, work: Option<&Expr>) {
        let site = self.out.spawns.push(SpawnSite {
            kind,
            file: self.file,
            span,
            function: self.function,
            region: self.region,
            loops: matches!(work, Some(Expr::Closure(c)) if closure_loops(c)),
            callees: Vec::new(),
            runs_callback: false,
            blocks: false,
            per_request: self
                .region
                .is_some_and(|r| self.out.regions[r].takes_requests),
        });
        let Some(work) = work else { return };
        // The work runs once per spawn, on its own thread: not in this function's loops, not
        // hot through its callers, holding none of its guards.
        let guards = std::mem::take(&mut self.guards);
        let region = self.region.take();
        let returns = self.return_region.take();
        let function = self.function.take();
        self.spawn_stack.push(site);
        let thread = self.thread.replace(ThreadCx::Spawned(site));
        self.with_scope(|w| match work {
            Expr::Closure(closure) => {
                w.bind_closure_params(closure, Ty::Unknown, None);
                w.with_statement_of(&closure.body, |w| w.visit_expr(&closure.body));
            }
            future => w.with_statement(|w| w.visit_expr(future)),
        });
        self.thread = thread;
        self.spawn_stack.pop();
        self.function = function;
        self.return_region = returns;
        self.region = region;
        self.guards = guards;
        // A guard moved into the work (`move || { *g = 5 }`) is held there, not here.
        let moved = self.guards_moved_into(work);
        self.guards.retain(|g| !moved.contains(&g.id));
    }
}

/// Whether a method gives back its receiver's value, converted or unwrapped, rather than a
/// value of its own: `unwrap`, `expect`, `into_..`, `map`, `ok_or(..)`.
fn passes_value_on(method: &str) -> bool {
    method.starts_with("into")
        || method.starts_with("unwrap")
        || method.starts_with("expect")
        || method.starts_with("map")
        || method.starts_with("ok")
        || method.starts_with("and")
        || method.starts_with("or")
        || matches!(
            method,
            "err" | "boxed" | "await" | "context" | "with_context" | "inspect"
        )
}
