//! Hot regions: loop bodies and closures run per item, and how many times a loop runs.

use super::*;

impl Walker<'_> {
    /// Runs `f` in a hot region, a loop that runs `count` times (exactly `bound`, when the
    /// source spells it).
    pub(super) fn with_region<R>(
        &mut self,
        (count, bound): (LoopCount, Option<u64>),
        f: impl FnOnce(&mut Self) -> R,
    ) -> R {
        let id = self.out.regions.push(Region {
            parent: self.region,
            count,
            bound,
            callees: Vec::new(),
            takes_requests: false,
        });
        self.region_guards.push(self.loop_guard.take());
        let outer = self.region.replace(id);
        let result = f(self);
        self.region = outer;
        result
    }

    /// Marks the region just entered as a loop that takes a request per iteration, if
    /// `looping` is one.
    pub(super) fn note_request_loop(&mut self, looping: &Expr) {
        if let Some(r) = self.region {
            self.out.regions[r].takes_requests = loop_takes_requests(looping);
        }
    }

    /// Runs `f` in the hot region of a loop's body, which a `break` (with the loop's label, or
    /// none) leaves.
    pub(super) fn with_loop<R>(
        &mut self,
        label: Option<&syn::Label>,
        count: (LoopCount, Option<u64>),
        f: impl FnOnce(&mut Self) -> R,
    ) -> R {
        let label = label.map(|l| l.name.ident.to_string());
        self.with_region(count, |w| {
            let id = w.region.expect("a loop's region");
            w.loops.push((label, id));
            let result = f(w);
            w.loops.pop();
            result
        })
    }

    /// Runs `f` on the body of a closure that runs during the call it is handed to: a
    /// `return` in it ends the closure, in the region the closure runs in.
    pub(super) fn with_closure_body<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let outer = std::mem::replace(&mut self.return_region, self.region);
        let result = f(self);
        self.return_region = outer;
        result
    }

    /// Where code runs when it is on the way out of a loop: the region that a block of these
    /// statements hands control to when one of them leaves (`return`, `break`). `None` when
    /// none leaves, when the code is in no loop, or when the block may go round again
    /// (a `continue` in it).
    pub(super) fn exit_region(&self, stmts: &[syn::Stmt]) -> Option<Option<RegionId>> {
        self.region?;
        let target = stmts.iter().find_map(|s| match s {
            syn::Stmt::Expr(e, _) => self.leaves_to(e),
            _ => None,
        })?;
        if stmts.iter().any(continues) {
            return None;
        }
        Some(target)
    }

    /// The region that `expr` hands control to when it is a `return` or `break`: the one
    /// around the function or closure, or around the loop broken out of.
    pub(super) fn leaves_to(&self, expr: &Expr) -> Option<Option<RegionId>> {
        self.region?;
        match expr {
            Expr::Return(_) => Some(self.return_region),
            Expr::Break(b) => {
                let (_, broken) = match &b.label {
                    Some(l) => {
                        let name = l.ident.to_string();
                        self.loops
                            .iter()
                            .rev()
                            .find(|(label, _)| label.as_deref() == Some(name.as_str()))?
                    }
                    None => self.loops.last()?,
                };
                // Out of a closure's loop the code stays in the closure's region.
                let parent = self.out.regions[*broken].parent;
                Some(parent)
            }
            _ => None,
        }
    }

    /// How many times a loop over `iter` runs: a few for `0..4`, `0..WORKERS` with a small
    /// constant, `0..num_threads`, `(0..n_cpus).map(..)`; once per chunk for `data.chunks(n)`.
    pub(super) fn loop_count(&self, iter: &Expr) -> LoopCount {
        let few = |n: usize| {
            if n as u128 <= MAX_FEW {
                LoopCount::Few
            } else {
                LoopCount::Many
            }
        };
        match iter {
            Expr::Range(r) => {
                let few = r.end.as_deref().is_some_and(|end| {
                    names_thread_count(end)
                        || self.small_count(end).is_some_and(|n| n <= MAX_FEW)
                        || self.bounded_by_few_loop(end)
                });
                if few { LoopCount::Few } else { LoopCount::Many }
            }
            // A literal list, or a constant one: `for host in HOSTS`, `[a, b].iter()`.
            Expr::Array(a) => few(a.elems.len()),
            Expr::Call(c) if expanded_macro_name(c).is_some_and(|m| m == "vec") => {
                match c.args.first() {
                    Some(Expr::Repeat(r)) => self
                        .small_count(&r.len)
                        .map_or(LoopCount::Many, |n| few(n as usize)),
                    _ => few(c.args.len()),
                }
            }
            Expr::Path(p) => match self.names.resolve_path(&p.path, Ns::Value) {
                Res::Crate(path) => self.table.literal_len(&path).map_or(LoopCount::Many, few),
                _ => LoopCount::Many,
            },
            Expr::Reference(r) => self.loop_count(&r.expr),
            Expr::Paren(p) => self.loop_count(&p.expr),
            Expr::MethodCall(m) => match m.method.to_string().as_str() {
                "into_iter" | "map" | "enumerate" | "iter" | "copied" | "cloned" => {
                    self.loop_count(&m.receiver)
                }
                "chunks" | "chunks_mut" | "chunks_exact" | "chunks_exact_mut" | "rchunks"
                | "par_chunks" | "par_chunks_mut" => LoopCount::PerChunk,
                _ => LoopCount::Many,
            },
            _ => LoopCount::Many,
        }
    }

    /// Exactly how many times a loop over `iter` runs, when the source spells it: `0..1000`,
    /// `1..=N` with `N` a constant, a literal or constant list, `vec![x; 8]`, and adapters
    /// that keep the count (`iter`, `map`, `rev`, ..) or cut it (`step_by`, `take`).
    pub(super) fn loop_bound(&self, iter: &Expr) -> Option<u64> {
        let count = match strip_parens(iter) {
            Expr::Range(r) => {
                let start = match r.start.as_deref() {
                    Some(start) => self.exact_count(start)?,
                    None => 0,
                };
                let end = self.exact_count(r.end.as_deref()?)?;
                let inclusive = matches!(r.limits, syn::RangeLimits::Closed(_));
                (end + u128::from(inclusive)).saturating_sub(start)
            }
            Expr::Array(a) => a.elems.len() as u128,
            Expr::Call(c) if expanded_macro_name(c).is_some_and(|m| m == "vec") => {
                match c.args.first() {
                    Some(Expr::Repeat(r)) => self.exact_count(&r.len)?,
                    _ => c.args.len() as u128,
                }
            }
            Expr::Path(p) => match self.names.resolve_path(&p.path, Ns::Value) {
                Res::Crate(path) => self.table.literal_len(&path)? as u128,
                _ => return None,
            },
            Expr::Reference(r) => return self.loop_bound(&r.expr),
            Expr::MethodCall(m) => {
                let inner = self.loop_bound(&m.receiver);
                match (m.method.to_string().as_str(), m.args.first()) {
                    (
                        "iter" | "into_iter" | "iter_mut" | "map" | "enumerate" | "copied"
                        | "cloned" | "rev" | "inspect",
                        _,
                    ) => return inner,
                    ("step_by", Some(step)) => {
                        let step = self.exact_count(step).filter(|&s| s > 0)?;
                        u128::from(inner?).div_ceil(step)
                    }
                    ("take", Some(n)) => u128::from(inner?).min(self.exact_count(n)?),
                    _ => return None,
                }
            }
            _ => return None,
        };
        u64::try_from(count).ok()
    }

    /// The value of a count the source spells: a literal, a crate constant, a `let` of one (as
    /// `spelled_count` reads it), or sums, differences and products of them.
    fn exact_count(&self, expr: &Expr) -> Option<u128> {
        if let Some(n) = crate::semantic::items::int_literal(expr) {
            return Some(n);
        }
        match strip_parens(expr) {
            Expr::Path(p) => match p.path.get_ident().and_then(|i| self.lookup(&i.to_string())) {
                Some(local) => local.count,
                None => match self.names.resolve_path(&p.path, Ns::Value) {
                    Res::Crate(path) => self.table.int_const(&path),
                    _ => None,
                },
            },
            Expr::Binary(b) => {
                let (left, right) = (self.exact_count(&b.left)?, self.exact_count(&b.right)?);
                match b.op {
                    syn::BinOp::Add(_) => left.checked_add(right),
                    syn::BinOp::Sub(_) => left.checked_sub(right),
                    syn::BinOp::Mul(_) => left.checked_mul(right),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Whether a loop bound is the variable of an enclosing loop that runs a few times
    /// (`for i in 1..=3 { for _ in 1..=i { .. } }`).
    pub(super) fn bounded_by_few_loop(&self, end: &Expr) -> bool {
        let Expr::Path(p) = end else { return false };
        let Some(local) = p.path.get_ident().and_then(|i| self.lookup(&i.to_string())) else {
            return false;
        };
        local
            .region
            .is_some_and(|r| self.out.regions[r].count == LoopCount::Few)
    }

    /// The value of a constant count: a literal, a crate constant, or one of them minus a
    /// literal.
    pub(super) fn small_count(&self, expr: &Expr) -> Option<u128> {
        if let Some(n) = crate::semantic::items::int_literal(expr) {
            return Some(n);
        }
        match expr {
            Expr::Path(p) => {
                let name = p.path.segments.last()?.ident.to_string();
                match p.path.get_ident().and_then(|_| self.lookup(&name)) {
                    Some(local) => local.count,
                    None => match self.names.resolve_path(&p.path, Ns::Value) {
                        Res::Crate(path) => self.table.int_const(&path),
                        _ => None,
                    },
                }
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::Sub(_)) => self.small_count(&b.left),
            Expr::Paren(p) => self.small_count(&p.expr),
            _ => None,
        }
    }

    /// The count a `let` binds: what `small_count` reads, or the larger of two counts chosen
    /// by an `if` (`if cfg!(miri) { 2 } else { 5 }`).
    pub(super) fn spelled_count(&self, expr: &Expr) -> Option<u128> {
        match strip_parens(expr) {
            Expr::If(i) => {
                let then = match i.then_branch.stmts.as_slice() {
                    [syn::Stmt::Expr(e, None)] => self.spelled_count(e)?,
                    _ => return None,
                };
                let other = match &i.else_branch {
                    Some((_, e)) => match &**e {
                        Expr::Block(b) => match b.block.stmts.as_slice() {
                            [syn::Stmt::Expr(e, None)] => self.spelled_count(e)?,
                            _ => return None,
                        },
                        _ => return None,
                    },
                    None => return None,
                };
                Some(then.max(other))
            }
            e => self.small_count(e),
        }
    }

    /// Whether `expr` names a collection made in the current pass of a hot region that dies
    /// with it (see `Local::scratch`).
    pub(super) fn is_scratch(&self, expr: &Expr) -> bool {
        let Expr::Path(p) = strip_parens(expr) else {
            return false;
        };
        p.path.get_ident().is_some_and(|i| {
            self.lookup(&i.to_string())
                .is_some_and(|l| l.scratch && l.region.is_some() && l.region == self.region)
        })
    }

    /// The guard whose data region `r`'s loop walks.
    pub(super) fn out_regions_guard(&self, r: RegionId) -> Option<GuardId> {
        self.region_guards.get(r).copied().flatten()
    }
}

/// Whether a statement may go round its loop again: a `continue` outside the loops and
/// closures nested in it, or one with a label anywhere.
fn continues(stmt: &syn::Stmt) -> bool {
    struct Find {
        found: bool,
        nested: usize,
    }
    impl<'ast> Visit<'ast> for Find {
        fn visit_expr_continue(&mut self, c: &'ast syn::ExprContinue) {
            self.found |= self.nested == 0 || c.label.is_some();
        }
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            self.nested += 1;
            visit::visit_expr_for_loop(self, f);
            self.nested -= 1;
        }
        fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
            self.nested += 1;
            visit::visit_expr_while(self, w);
            self.nested -= 1;
        }
        fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
            self.nested += 1;
            visit::visit_expr_loop(self, l);
            self.nested -= 1;
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut find = Find {
        found: false,
        nested: 0,
    };
    find.visit_stmt(stmt);
    find.found
}
