//! Where code sits in a function body: the statements and expressions from the body down to an
//! expression, and every use of a variable with the expressions around it. Expressions are
//! found by address (the tree does not move while its function is walked), variables by their
//! binding (`Var`), so a shadowing `let` of the same name is another variable.

use syn::visit::{self, Visit};
use syn::{Expr, Stmt};

use crate::diagnostic::Span;
use crate::semantic::bindings::Var;
use crate::semantic::walker::Cx;

/// One step from a function body down to an expression.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'a> {
    /// Statement `.1` of a block's statements `.0`.
    Stmt(&'a [Stmt], usize),
    /// An expression on the way; the last step is the expression itself.
    Expr(&'a Expr),
}

impl<'a> Step<'a> {
    pub(crate) fn expr(self) -> Option<&'a Expr> {
        match self {
            Step::Expr(e) => Some(e),
            Step::Stmt(..) => None,
        }
    }
}

/// The address an expression is known by while its function is walked.
pub(crate) fn addr(expr: &Expr) -> usize {
    std::ptr::from_ref(expr) as usize
}

/// Visits a body keeping the steps down to where it is.
struct Walk<'a, F> {
    steps: Vec<Step<'a>>,
    on_expr: F,
    /// A variable named in a macro's unparsed tokens, where its uses cannot be seen.
    opaque: Option<String>,
    opaque_seen: bool,
    done: bool,
}

impl<'a, F: FnMut(&[Step<'a>]) -> bool> Visit<'a> for Walk<'a, F> {
    fn visit_block(&mut self, block: &'a syn::Block) {
        for (i, stmt) in block.stmts.iter().enumerate() {
            if self.done {
                return;
            }
            self.steps.push(Step::Stmt(&block.stmts, i));
            self.visit_stmt(stmt);
            self.steps.pop();
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.done {
            return;
        }
        self.steps.push(Step::Expr(expr));
        if (self.on_expr)(&self.steps) {
            self.done = true;
        } else if let Some(args) = expanded_args(expr) {
            // A macro the parse expanded: its arguments are expressions, and a format string
            // names variables inside its text.
            if let Some(name) = &self.opaque {
                if captures(args, name) {
                    self.opaque_seen = true;
                }
            }
            for arg in args {
                self.visit_expr(arg);
            }
        } else {
            visit::visit_expr(self, expr);
        }
        self.steps.pop();
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        if let Some(name) = &self.opaque {
            if tokens_name(&mac.tokens, name) {
                self.opaque_seen = true;
            }
        }
    }

    // Items in a body are functions of their own.
    fn visit_item(&mut self, _: &'a syn::Item) {}
}

/// The arguments of a macro call the parse expanded (`format!(..)`, `vec![..]`): they are
/// expressions, and the macro's own tokens repeat them.
pub(crate) fn expanded_args(
    expr: &Expr,
) -> Option<&syn::punctuated::Punctuated<Expr, syn::Token![,]>> {
    match expr {
        Expr::Call(c) if crate::pipeline::parse::expanded_macro_name(c).is_some() => Some(&c.args),
        _ => None,
    }
}

/// Whether a format string among `args` (the first, a string literal) captures `name`:
/// `format!("{name}")`.
pub(crate) fn captures(
    args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
    name: &str,
) -> bool {
    match args.first() {
        Some(Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(template),
            ..
        })) => captured_names(&template.value()).iter().any(|n| n == name),
        _ => false,
    }
}

/// The variables a format string captures by name: `n` and `width` in `"{n:>width$}"`.
pub(crate) fn captured_names(template: &str) -> Vec<String> {
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

/// Whether an identifier `name` is among `tokens`.
fn tokens_name(tokens: &proc_macro2::TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => tokens_name(&g.stream(), name),
        _ => false,
    })
}

/// The steps from `block` down to the expression at `target`, outermost first; `None` when the
/// block does not hold it.
pub(crate) fn path_to<'a>(block: &'a syn::Block, target: usize) -> Option<Vec<Step<'a>>> {
    let mut found = None;
    let mut walk = Walk {
        steps: Vec::new(),
        on_expr: |steps: &[Step<'a>]| -> bool {
            let hit = matches!(steps.last(), Some(Step::Expr(e)) if addr(e) == target);
            if hit {
                found = Some(steps.to_vec());
            }
            hit
        },
        opaque: None,
        opaque_seen: false,
        done: false,
    };
    walk.visit_block(block);
    drop(walk);
    found
}

/// One use of a variable: the steps down to it (the last is the path naming it).
#[derive(Debug, Clone)]
pub(crate) struct Use<'a> {
    pub(crate) steps: Vec<Step<'a>>,
}

impl<'a> Use<'a> {
    /// The path expression naming the variable.
    pub(crate) fn expr(&self) -> &'a Expr {
        self.steps
            .last()
            .and_then(|s| s.expr())
            .expect("a use ends at its path")
    }

    /// The expression around the use, and the one around that, ..: innermost first, up to the
    /// statement.
    pub(crate) fn parents(&self) -> impl Iterator<Item = &'a Expr> + '_ {
        self.steps
            .iter()
            .rev()
            .skip(1)
            .map_while(|step| step.expr())
    }

    /// The expression right around the use, parentheses looked through.
    pub(crate) fn parent(&self) -> Option<&'a Expr> {
        self.parents().find(|e| !matches!(e, Expr::Paren(_)))
    }
}

/// Every use of `var` in `stmts` (closures included), and whether a macro left as tokens names
/// it (then its uses there cannot be seen).
pub(crate) fn uses_in<'a>(stmts: &'a [Stmt], var: Var<'_>) -> (Vec<Use<'a>>, bool) {
    let mut uses = Vec::new();
    let mut walk = Walk {
        steps: Vec::new(),
        on_expr: |steps: &[Step<'a>]| {
            if let Some(Step::Expr(Expr::Path(p))) = steps.last() {
                if p.qself.is_none() && var.path(&p.path) {
                    uses.push(Use {
                        steps: steps.to_vec(),
                    });
                }
            }
            false
        },
        opaque: Some(var.name.to_owned()),
        opaque_seen: false,
        done: false,
    };
    for (i, stmt) in stmts.iter().enumerate() {
        walk.steps.push(Step::Stmt(stmts, i));
        walk.visit_stmt(stmt);
        walk.steps.pop();
    }
    let opaque = walk.opaque_seen;
    drop(walk);
    (uses, opaque)
}

/// The statement of `stmts` (a block's) that `steps` passes through, by index.
pub(crate) fn stmt_in(steps: &[Step<'_>], stmts: &[Stmt]) -> Option<usize> {
    steps.iter().find_map(|step| match step {
        Step::Stmt(s, i) if std::ptr::eq(*s, stmts) => Some(*i),
        _ => None,
    })
}

/// The innermost block of `steps` with a statement whose span holds `span`: that block's
/// statements and the index of the statement.
pub(crate) fn block_holding<'a>(
    cx: &Cx<'_, '_>,
    steps: &[Step<'a>],
    span: Span,
) -> Option<(&'a [Stmt], usize)> {
    steps.iter().rev().find_map(|step| match step {
        Step::Stmt(stmts, _) => stmts
            .iter()
            .position(|s| {
                let s = cx.span_of(s);
                s.start <= span.start && span.end <= s.end
            })
            .map(|i| (*stmts, i)),
        Step::Expr(_) => None,
    })
}

/// The steps between statement `index` of `stmts` and the end of `steps`: what lies between the
/// statement and the expression the steps lead to.
pub(crate) fn below<'s, 'a>(steps: &'s [Step<'a>], stmts: &[Stmt], index: usize) -> &'s [Step<'a>] {
    let at = steps.iter().position(
        |step| matches!(step, Step::Stmt(s, i) if std::ptr::eq(*s, stmts) && *i == index),
    );
    match at {
        Some(at) => &steps[at + 1..],
        None => &[],
    }
}

/// Whether the expression the steps lead to runs exactly once each time the statement they
/// start from runs: no closure, loop, branch, short-circuit or `let`-`else` on the way.
pub(crate) fn runs_once(steps: &[Step<'_>]) -> bool {
    let mut inner: Option<&Expr> = None;
    for step in steps.iter().rev() {
        let Step::Expr(e) = step else {
            // A statement inside a nested block: the block is an expression further up.
            inner = None;
            continue;
        };
        let conditional = match e {
            Expr::Closure(_)
            | Expr::Loop(_)
            | Expr::While(_)
            | Expr::ForLoop(_)
            | Expr::Async(_)
            | Expr::TryBlock(_) => true,
            // The condition runs once; the branches may not.
            Expr::If(i) => !inner.is_some_and(|c| std::ptr::eq(c, &*i.cond)),
            Expr::Match(m) => !inner.is_some_and(|c| std::ptr::eq(c, &*m.expr)),
            // The right side of `&&` and `||` runs only sometimes.
            Expr::Binary(b) => {
                matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_))
                    && inner.is_some_and(|c| std::ptr::eq(c, &*b.right))
            }
            _ => false,
        };
        if conditional {
            return false;
        }
        inner = Some(e);
    }
    true
}

/// The text to remove to take statement `index` out of `stmts`: the statement, and, when it
/// starts a line of its own, that line's indentation and the line break before it, so that no
/// empty line is left. A comment after it on its line stays (at the end of the line before).
pub(crate) fn removal(cx: &Cx<'_, '_>, stmts: &[Stmt], index: usize) -> Span {
    use syn::spanned::Spanned;
    let stmt = &stmts[index];
    let own = cx.span_of(stmt);
    let start = stmt.span().start();
    let previous_line = match index.checked_sub(1) {
        Some(before) => stmts[before].span().end().line,
        None => 0,
    };
    // The first line of a walked unit counts its columns from the unit's start, not the line's.
    if start.line > previous_line && start.line > 1 && start.column < own.start {
        return Span {
            start: own.start - start.column - 1,
            end: own.end,
        };
    }
    match index.checked_sub(1) {
        Some(before) => Span {
            start: cx.span_of(&stmts[before]).end,
            end: own.end,
        },
        None => own,
    }
}

/// The names a new variable must not take in a function: every name its signature and body
/// bind or use as a one-segment path (a new `let` would shadow it), and every identifier in its
/// macros' tokens. Longer paths (`std::fs::read`) and method names are not variables' names.
pub(crate) fn idents(sig: &syn::Signature, block: &syn::Block) -> rustc_hash::FxHashSet<String> {
    struct All(rustc_hash::FxHashSet<String>);
    impl<'ast> Visit<'ast> for All {
        fn visit_path(&mut self, p: &'ast syn::Path) {
            if let Some(first) = p.segments.first() {
                self.0
                    .insert(syn::ext::IdentExt::unraw(&first.ident).to_string());
            }
            visit::visit_path(self, p);
        }
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.0
                .insert(syn::ext::IdentExt::unraw(&p.ident).to_string());
            visit::visit_pat_ident(self, p);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            collect_idents(&mac.tokens, &mut self.0);
            visit::visit_macro(self, mac);
        }
    }
    let mut all = All(rustc_hash::FxHashSet::default());
    all.visit_signature(sig);
    all.visit_block(block);
    all.0
}

fn collect_idents(tokens: &proc_macro2::TokenStream, out: &mut rustc_hash::FxHashSet<String>) {
    for tree in tokens.clone() {
        match tree {
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => collect_idents(&g.stream(), out),
            _ => {}
        }
    }
}

/// Whether any path in `node` names one of the variables bound by `stmts[from..to]` (their
/// `let` patterns), by binding.
pub(crate) fn names_bound_in(cx: &Cx<'_, '_>, node: &Stmt, stmts: &[Stmt]) -> bool {
    let mut names = Vec::new();
    for stmt in stmts {
        if let Stmt::Local(local) = stmt {
            pat_idents(&local.pat, &mut names);
        }
    }
    names.iter().any(|ident| {
        let name = ident.to_string();
        let var = cx.var_bound(ident, &name);
        let (uses, opaque) = uses_in(std::slice::from_ref(node), var);
        !uses.is_empty() || opaque
    })
}

/// The identifiers a pattern binds.
pub(crate) fn pat_idents<'p>(pat: &'p syn::Pat, out: &mut Vec<&'p syn::Ident>) {
    struct Idents<'p, 'o>(&'o mut Vec<&'p syn::Ident>);
    impl<'p> Visit<'p> for Idents<'p, '_> {
        fn visit_pat_ident(&mut self, p: &'p syn::PatIdent) {
            self.0.push(&p.ident);
            visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &'p Expr) {}
    }
    Idents(out).visit_pat(pat);
}
