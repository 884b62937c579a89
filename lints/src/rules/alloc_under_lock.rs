#![doc = include_str!("alloc_under_lock.md")]

use syn::Expr;
use syn::visit::{self, Visit};

use super::Rule;
use crate::pipeline::parse::expanded_macro_name;
use crate::registry::declare_lint;
use crate::semantic::walker::{Cx, Sink, path_tail};
use crate::{Cost, Diagnostic, Per, Work};

declare_lint!(
    pub(crate) ALLOC_UNDER_LOCK,
    "alloc_under_lock",
    Warn,
    "a heap allocation inside a critical section that could be made before the lock is taken",
    "alloc_under_lock.md"
);

pub(crate) struct AllocUnderLock;

impl Rule for AllocUnderLock {
    type Facts = ();

    /// Flags the allocating call; the lock is shown as a secondary label.
    fn check_expr(&self, cx: &Cx<'_, '_>, expr: &Expr, _: &mut (), sink: &mut Sink<'_>) {
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
            names.0.extend(captured_names(&template.value()));
        }
        if names
            .0
            .iter()
            .any(|name| cx.bound_at(name) > newest.taken_at)
        {
            return;
        }
        let locked = newest.inner.display();
        let mut diagnostic = Diagnostic::new(
        &ALLOC_UNDER_LOCK,
        cx.file(),
        span,
        format!("{what} allocates while a lock is held, though nothing it uses needs the lock"),
    )
    .with_label("a heap allocation inside the critical section")
    .with_secondary(cx.file(), newest.lock_span, format!("the lock on `{locked}` is held from here"))
    .with_note("the allocator's work, and a system call when it needs more memory, now happens while every other thread that needs the lock waits")
    .with_help("make the value before taking the lock and move it in (`let key = name.to_string();` first, then lock and insert), or after releasing it");
        if small {
            let per = if cx.in_local_region() {
                Per::Iteration
            } else {
                Per::Call
            };
            diagnostic = diagnostic
                .with_cost(Cost::new(Work::AllocUnderLock, per).with_iterations(cx.iterations()));
        }
        sink.report(diagnostic);
    }
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

/// The variables a format string captures by name: `n` and `width` in `"{n:>width$}"`.
fn captured_names(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(escaped) = rest.strip_prefix('{') {
            rest = escaped;
            continue;
        }
        let end = rest.find('}').unwrap_or(rest.len());
        let spec = &rest[..end];
        let (argument, format) = spec.split_once(':').unwrap_or((spec, ""));
        names.push(argument.trim().to_owned());
        // A width or precision taken from a variable: `{:>width$}`, `{:.prec$}`.
        for part in format.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')) {
            if let Some(name) = part.strip_suffix('$') {
                names.push(name.to_owned());
            }
        }
        rest = &rest[end..];
    }
    names.retain(|n| {
        n.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
    });
    names
}

#[cfg(test)]
mod tests {
    use super::captured_names;

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
