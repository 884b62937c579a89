#![doc = include_str!("alloc_under_lock.md")]

use rustc_hash::FxHashSet as HashSet;
use syn::Expr;
use syn::visit::{self, Visit};

use super::Rule;
use crate::fixes::deferred::{Deferred, Held};
use crate::fixes::{self, hoist, tree};
use crate::pipeline::parse::expanded_macro_name;
use crate::registry::declare_lint;
use crate::semantic::walker::{Cx, Sink, path_tail};
use crate::{Applicability, Cost, Diagnostic, Per, Span, Suggestion, Work};

declare_lint!(
    pub(crate) ALLOC_UNDER_LOCK,
    "alloc_under_lock",
    Warn,
    "a heap allocation inside a critical section that could be made before the lock is taken",
    "alloc_under_lock.md"
);

pub(crate) struct AllocUnderLock;

/// Findings held until their function's body is known, for their fixes.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct AllocFacts {
    #[serde(skip)]
    deferred: Deferred<Extra>,
}

impl super::Merge for AllocFacts {
    fn merge(&mut self, _: Self) {}
}

/// What a held finding's fix needs.
#[derive(Debug)]
struct Extra {
    /// Where the lock was taken.
    lock: Span,
    /// The allocation makes a `Box`, which may be meant to coerce to `Box<dyn Trait>` where
    /// it goes, and would not in a `let` of its own.
    boxed: bool,
    /// The variables the allocation reads, as spelled (those a format string captures too).
    reads: Vec<String>,
}

impl Rule for AllocUnderLock {
    type Facts = AllocFacts;

    fn enter_fn(&self, facts: &mut AllocFacts) {
        facts.deferred.enter();
    }

    /// Builds the fixes of the findings in the function, now that its body is known.
    fn check_fn(
        &self,
        cx: &Cx<'_, '_>,
        sig: &syn::Signature,
        block: &syn::Block,
        facts: &mut AllocFacts,
    ) {
        let held = facts.deferred.held();
        if held.is_empty() {
            return;
        }
        let taken = tree::idents(sig, block);
        for held in held {
            if let Some((help, suggestion)) = fix(cx, block, &taken, held.at, &held.extra) {
                held.diagnostic.help = Some(help);
                held.diagnostic.suggestion = Some(suggestion);
            }
        }
    }

    fn exit_fn(&self, facts: &mut AllocFacts, sink: &mut Sink<'_>) {
        for held in facts.deferred.exit() {
            held.report(sink);
        }
    }

    /// Flags the allocating call; the lock is shown as a secondary label.
    fn check_expr(
        &self,
        cx: &Cx<'_, '_>,
        expr: &Expr,
        facts: &mut AllocFacts,
        sink: &mut Sink<'_>,
    ) {
        // A section lock (`Mutex<()>`, `let _g = LOCK.lock()`) serialises work on purpose.
        // A lock of this function's own has no other user to wait.
        let Some(newest) = cx
            .live_guards()
            .into_iter()
            .filter(|g| !g.section && !g.private)
            .max_by_key(|g| g.taken_at)
        else {
            return;
        };
        // Building an error or a log line is not the critical section's usual work, and in a loop
        // over the guarded data how many values are made is known only under the lock.
        if cx.in_cold_path() || cx.in_loop_over_guard() {
            return;
        }
        let Some(Allocation {
            what,
            inputs,
            span,
            small,
        }) = allocation(cx, expr)
        else {
            return;
        };
        // Copies of the guarded data are `clone_under_lock`'s; values read or changed under the
        // lock cannot move before it.
        if inputs.iter().any(|input| cx.guard_of(input).is_some()) {
            return;
        }
        let mut names = Variables::default();
        for input in &inputs {
            names.visit_expr(input);
        }
        // `format!("{n} lines")` reads `n` from inside its string.
        if let Some(Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(template),
            ..
        })) = inputs.first().map(|e| &**e)
        {
            names.0.extend(tree::captured_names(&template.value()));
        }
        if names
            .0
            .iter()
            .any(|name| cx.bound_at(name) > newest.taken_at)
        {
            return;
        }
        let locked = newest.inner.display();
        let made = fixes::text(expr)
            .and_then(|text| short(&text))
            .unwrap_or_else(|| what.clone());
        let mut diagnostic = Diagnostic::new(
        &ALLOC_UNDER_LOCK,
        cx.file(),
        span,
        format!("{what} allocates while a lock is held, though nothing it uses needs the lock"),
    )
    .with_label("a heap allocation inside the critical section")
    .with_secondary(cx.file(), newest.lock_span, format!("the lock on `{locked}` is held from here"))
    .with_note("the allocator's work, and a system call when it needs more memory, now happens while every other thread that needs the lock waits")
    .with_help(format!("make the value of {made} before taking the lock and move it in, or make it after releasing the lock"));
        if small {
            let per = if cx.in_local_region() {
                Per::Iteration
            } else {
                Per::Call
            };
            diagnostic = diagnostic
                .with_cost(Cost::new(Work::AllocUnderLock, per).with_iterations(cx.iterations()));
        }
        let boxed = matches!(expr, Expr::Call(c)
            if path_tail(&c.func).is_some_and(|(o, f)| o.as_deref() == Some("Box") && f == "new"));
        let held = Held {
            diagnostic,
            condition: None,
            at: tree::addr(expr),
            extra: Extra {
                lock: newest.lock_span,
                boxed,
                reads: names.0,
            },
        };
        if let Some(held) = facts.deferred.hold(held) {
            held.report(sink);
        }
    }
}

/// Code short enough to quote in a help line, in backticks; `None` for a long or multi-line
/// expression.
fn short(text: &str) -> Option<String> {
    (text.len() <= 60 && !text.contains('\n')).then(|| format!("`{text}`"))
}

/// The fix of a finding at the allocation `at` of `block`: the allocation made in a `let`
/// right before the statement that takes the lock, and used where it was. `MachineApplicable`
/// when the allocation runs exactly once each time that statement runs and nothing between the
/// lock and the allocation touches what it reads; `MaybeIncorrect` when it sits in a branch (it
/// would now be made even when the branch is not taken), when something in between names what
/// it reads, or when it makes a `Box` (which may have been meant to coerce where it goes).
fn fix(
    cx: &Cx<'_, '_>,
    block: &syn::Block,
    taken: &HashSet<String>,
    at: usize,
    extra: &Extra,
) -> Option<(String, Suggestion)> {
    let steps = tree::path_to(block, at)?;
    let alloc = steps.last()?.expr()?;
    let (stmts, l) = tree::block_holding(cx, &steps, extra.lock)?;
    let hoisted = hoist::hoist(cx, taken, stmts, l, &steps, alloc)?;
    // Moving it out of a closure or a loop changes how often it is made (and may move a value
    // twice).
    let below = tree::below(&steps, stmts, tree::stmt_in(&steps, stmts)?);
    if below.iter().any(|s| {
        matches!(
            s,
            tree::Step::Expr(
                Expr::Closure(_)
                    | Expr::Loop(_)
                    | Expr::While(_)
                    | Expr::ForLoop(_)
                    | Expr::Async(_)
            )
        )
    }) {
        return None;
    }
    let alloc_span = cx.span_of(alloc);
    let lock_start = cx.span_of(&stmts[l]).start;
    let touched = extra
        .reads
        .iter()
        .filter(|name| *name != "self")
        .any(|name| spelled_between(cx, stmts, l, name, lock_start, alloc_span));
    let applicability = if hoisted.once && !touched && !extra.boxed {
        Applicability::MachineApplicable
    } else {
        Applicability::MaybeIncorrect
    };
    let help = format!(
        "make the value before the lock is taken: `{}`, then use `{}` under the lock",
        hoisted
            .binding
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end_matches(['{', '(', '[']),
        hoisted.name
    );
    let help = if hoisted.binding.contains('\n') {
        format!(
            "make the value in a `let {}` before the lock is taken, then use `{}` under the lock",
            hoisted.name, hoisted.name
        )
    } else {
        help
    };
    let suggestion = Suggestion::new(
        "make the value before taking the lock",
        hoisted.edits,
        applicability,
    );
    fixes::disjoint(&suggestion.edits).then_some((help, suggestion))
}

/// Whether `name` is spelled as a one-segment path in `stmts[from..]` somewhere from `start`
/// up to the allocation (and not inside it).
fn spelled_between(
    cx: &Cx<'_, '_>,
    stmts: &[syn::Stmt],
    from: usize,
    name: &str,
    start: usize,
    alloc: Span,
) -> bool {
    struct Spelled<'c, 'w, 'a, 'n> {
        cx: &'c Cx<'w, 'a>,
        name: &'n str,
        start: usize,
        alloc: Span,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Spelled<'_, '_, '_, '_> {
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if p.path.get_ident().is_some_and(|i| i == self.name) {
                let at = self.cx.span_of(p).start;
                if self.start <= at && at < self.alloc.start {
                    self.found = true;
                }
            }
        }
        fn visit_expr(&mut self, e: &'ast Expr) {
            let span = self.cx.span_of(e);
            // The allocation itself, and what comes after it, are not in between.
            if span.start >= self.alloc.start {
                return;
            }
            match tree::expanded_args(e) {
                Some(args) => {
                    if self.start <= span.start && tree::captures(args, self.name) {
                        self.found = true;
                    }
                    for arg in args {
                        self.visit_expr(arg);
                    }
                }
                None => visit::visit_expr(self, e),
            }
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            // Tokens we cannot read may name it anywhere.
            let at = self.cx.span_of(mac).start;
            if self.start <= at && at < self.alloc.start {
                self.found = true;
            }
        }
    }
    let mut spelled = Spelled {
        cx,
        name,
        start,
        alloc,
        found: false,
    };
    for stmt in &stmts[from..] {
        if cx.span_of(stmt).start >= alloc.start {
            break;
        }
        spelled.visit_stmt(stmt);
    }
    spelled.found
}

/// An allocating call.
struct Allocation<'e> {
    /// How to name it in the message.
    what: String,
    /// What the value is made from.
    inputs: Vec<&'e Expr>,
    /// Where to point.
    span: crate::Span,
    /// Whether allocating is all it does, and the block is small: a string copied, a box, a
    /// short literal list. Formatting (`format!`, `to_string` of a number) costs more than its
    /// allocation, and a buffer sized at run time is as large as it is: neither has an
    /// estimate.
    small: bool,
}

/// If `expr` allocates, what the finding says about it.
fn allocation<'e>(cx: &Cx<'_, '_>, expr: &'e Expr) -> Option<Allocation<'e>> {
    match expr {
        Expr::MethodCall(m) if m.args.is_empty() => {
            let name = m.method.to_string();
            let receiver = cx.type_of(&m.receiver);
            let string = matches!(receiver.peel_refs().name(), Some("str" | "String"));
            let (allocates, small) = match name.as_str() {
                "to_string" => (true, string),
                "to_owned" | "to_vec" => (cx.type_of(expr).is_std_deep(), string),
                // A clone of a string or buffer; reference counts are `arc_clone_in_hot_loop`'s.
                "clone" => (receiver.peel_refs().is_std_deep(), string),
                _ => (false, false),
            };
            allocates.then(|| Allocation {
                what: format!("`{name}()`"),
                inputs: vec![&*m.receiver],
                span: cx.method_span(m),
                small,
            })
        }
        Expr::Call(c) => {
            let span = cx.call_span(c);
            if let Some(mac) = expanded_macro_name(c) {
                let allocates = mac == "format" || (mac == "vec" && !c.args.is_empty());
                // `vec![a, b]` lists its elements; `vec![x; n]` comes as one `Repeat`.
                let list = mac == "vec" && !matches!(c.args.first(), Some(Expr::Repeat(_)));
                return allocates.then(|| Allocation {
                    what: format!("`{mac}!`"),
                    inputs: c.args.iter().collect(),
                    span,
                    small: list,
                });
            }
            let (owner, func) = path_tail(&c.func)?;
            // `Box::new(|_| {})`: a closure that does nothing is zero-sized, and boxing a
            // zero-sized value allocates nothing.
            if let [Expr::Closure(cl)] = c.args.iter().collect::<Vec<_>>().as_slice() {
                let noop = match &*cl.body {
                    Expr::Block(b) => b.block.stmts.is_empty(),
                    Expr::Tuple(t) => t.elems.is_empty(),
                    Expr::Lit(_) => true,
                    _ => false,
                };
                if noop {
                    return None;
                }
            }
            let (allocates, small) = match (owner.as_deref(), func.as_str()) {
                (Some("String"), "from") | (Some("Box"), "new") => (true, true),
                (Some("Vec" | "String"), "with_capacity") => (true, false),
                _ => (false, false),
            };
            allocates.then(|| Allocation {
                what: format!("`{}::{func}`", owner.unwrap_or_default()),
                inputs: c.args.iter().collect(),
                span,
                small,
            })
        }
        _ => None,
    }
}

/// The single-segment names (variables) an expression reads.
#[derive(Default)]
struct Variables(Vec<String>);

impl<'ast> Visit<'ast> for Variables {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if let Some(ident) = p.path.get_ident() {
            self.0.push(ident.to_string());
        }
        visit::visit_expr_path(self, p);
    }
}

#[cfg(test)]
mod tests {
    use crate::fixes::tree::captured_names;

    #[test]
    fn format_strings_capture_variables_by_name() {
        assert_eq!(captured_names("{n} lines"), ["n"]);
        assert_eq!(captured_names("{{literal}} {} {0} {x:?}"), ["x"]);
        assert_eq!(
            captured_names("{value:>width$.prec$}"),
            ["value", "width", "prec"]
        );
    }
}
