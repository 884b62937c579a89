//! Moving an expression into a `let` of its own before a statement: the shape of the fixes that
//! make a value, or make a blocking call, before a lock is taken rather than under it.

use rustc_hash::FxHashSet as HashSet;
use syn::{Expr, Stmt};

use super::tree::{Step, below, runs_once};
use crate::diagnostic::Edit;
use crate::semantic::walker::Cx;

/// Methods and functions whose result type comes from where the value goes (`collect()`,
/// `into()`, `Default::default()`): bound by a `let` of their own, nothing says what to make.
const CONTEXT_TYPED: &[&str] = &[
    "collect",
    "into",
    "try_into",
    "parse",
    "sum",
    "product",
    "default",
    "unwrap_or_default",
    "from_iter",
    "from",
    "try_from",
];

/// Whether `expr`'s type is inferred from where its value goes.
pub(crate) fn context_typed(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(p) => context_typed(&p.expr),
        Expr::Try(t) => context_typed(&t.expr),
        Expr::Await(a) => context_typed(&a.base),
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            match method.as_str() {
                "unwrap" | "expect" => context_typed(&m.receiver),
                other => CONTEXT_TYPED.contains(&other),
            }
        }
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => p.path.segments.last().is_some_and(|last| {
                let name = last.ident.to_string();
                // `String::from(x)` names what it makes; `From::from(x)`, `T::default()` with
                // an inferred `T` do not.
                let owner = p
                    .path
                    .segments
                    .iter()
                    .rev()
                    .nth(1)
                    .map(|s| s.ident.to_string());
                CONTEXT_TYPED.contains(&name.as_str())
                    && !matches!(owner.as_deref(), Some("String" | "Vec" | "Box" | "PathBuf"))
            }),
            _ => false,
        },
        _ => false,
    }
}

/// A `let` made of an expression, and the edits that make it.
pub(crate) struct Hoisted {
    pub(crate) edits: Vec<Edit>,
    /// The variable the value is bound to.
    pub(crate) name: String,
    /// `let name = <expr>;`, as written.
    pub(crate) binding: String,
    /// The expression runs exactly once each time the statement it is moved before runs: no
    /// closure, loop or branch is between them.
    pub(crate) once: bool,
}

/// Moves `target`, which `steps` lead to, into `let <name> = ..;` right before statement
/// `before` of `stmts`; `None` when the expression cannot stand on its own (its type comes
/// from where it goes, or its text is not at hand) or is not below a statement of `stmts` at
/// or after `before`.
pub(crate) fn hoist(
    cx: &Cx<'_, '_>,
    taken: &HashSet<String>,
    stmts: &[Stmt],
    before: usize,
    steps: &[Step<'_>],
    target: &Expr,
) -> Option<Hoisted> {
    if context_typed(target) {
        return None;
    }
    let at = super::tree::stmt_in(steps, stmts)?;
    if at < before {
        return None;
    }
    // Moving an expression out of a closure, a loop or a branch changes how often it runs.
    let once = runs_once(below(steps, stmts, at));
    let text = super::text(target)?;
    let name = super::fresh_name(&super::name_for(target), taken);
    let stmt = &stmts[before];
    let binding = format!("let {name} = {text};");
    let edits = vec![
        super::insert(
            cx.span_of(stmt).start,
            format!("{binding}\n{}", super::indent(stmt)),
        ),
        super::replace(cx.span_of(target), name.clone()),
    ];
    Some(Hoisted {
        edits,
        name,
        binding,
        once,
    })
}

#[cfg(test)]
mod tests {
    use super::context_typed;

    #[test]
    fn values_typed_by_their_destination_are_told_apart() {
        let typed = |text: &str| context_typed(&syn::parse_str(text).unwrap());
        assert!(typed("items.iter().collect()"));
        assert!(typed("x.into()"));
        assert!(typed("Default::default()"));
        assert!(typed("text.parse().unwrap()"));
        assert!(!typed("String::from(name)"));
        assert!(!typed("std::fs::read(name).unwrap()"));
        assert!(!typed("format!(\"{x}\")"));
        assert!(!typed("key.to_string()"));
    }
}
