//! Fixes: the rewrites findings carry as suggestions, and what builds them.
//!
//! A rule decides its own fix, in its own file; what the fixes share is here. `tree` finds where
//! an expression sits in a function body and every use of a variable with what is around it (the
//! variable by its binding, not its spelling); `deferred` holds a rule's findings until the
//! function's body is known, for fixes that need the statements around the flagged code; `finish`
//! turns the imports and items a suggestion needs into edits once the file's text is at hand.
//!
//! Two tiers, with rustc's names: a `MachineApplicable` suggestion compiles and keeps what the
//! code does (but for the speed the finding is about), and `--fix` applies it; a
//! `MaybeIncorrect` one is what the finding asks for but may change behaviour (the order of
//! work, who owns a value) or, rarely, need a hand to compile, and only `--unsafe-fixes` applies
//! it. A suggestion that may not compile is never `MachineApplicable`.

pub(crate) mod atomic;
pub(crate) mod callee;
pub(crate) mod deferred;
pub(crate) mod finish;
pub(crate) mod guard_update;
pub(crate) mod hoist;
pub(crate) mod shard;
pub(crate) mod swap;
pub(crate) mod tree;

use syn::spanned::Spanned;

use crate::diagnostic::{Edit, Span};
use crate::semantic::names::NameBinding;
use crate::semantic::walker::Cx;

/// The source text of a node, exactly as written (comments inside it included).
pub(crate) fn text(node: &impl Spanned) -> Option<String> {
    node.span().source_text()
}

/// The indentation of the line a node starts on, as spaces up to its first character.
pub(crate) fn indent(node: &impl Spanned) -> String {
    " ".repeat(node.span().start().column)
}

/// An edit that puts `text` at `at`.
pub(crate) fn insert(at: usize, text: impl Into<String>) -> Edit {
    Edit {
        span: Span { start: at, end: at },
        replacement: text.into(),
    }
}

/// An edit that replaces `span` with `text`.
pub(crate) fn replace(span: Span, text: impl Into<String>) -> Edit {
    Edit {
        span,
        replacement: text.into(),
    }
}

/// Whether no two edits overlap (an insertion at the edge of a replacement does not), so that
/// they can be applied together.
pub(crate) fn disjoint(edits: &[Edit]) -> bool {
    let mut spans: Vec<Span> = edits.iter().map(|e| e.span).collect();
    spans.sort();
    spans
        .windows(2)
        .all(|w| w[0].end <= w[1].start && !(w[0] == w[1] && w[0].start == w[0].end))
}

/// How a fix writes `std::sync::atomic::<name>` where the code being walked is: the bare name,
/// with the import to add at the top of the file if it is not there yet, or the whole path
/// where the bare name means something else or an import would not reach.
pub(crate) fn atomic_name(cx: &Cx<'_, '_>, name: &str) -> (String, Option<String>) {
    let full = format!("std::sync::atomic::{name}");
    match cx.binding_of(name) {
        NameBinding::Imported(path) if is_atomic_path(&path, name) => (name.to_owned(), None),
        NameBinding::Free if cx.in_file_module() => (name.to_owned(), Some(full)),
        _ => (full, None),
    }
}

/// Whether a `use` path names `std::sync::atomic::<name>` (or `core::..`).
fn is_atomic_path(path: &[String], name: &str) -> bool {
    let path: Vec<&str> = path
        .iter()
        .map(String::as_str)
        .filter(|s| *s != "::")
        .collect();
    matches!(path.as_slice(), ["std" | "core", "sync", "atomic", last] if *last == name)
}

/// Rust's keywords, which a made-up variable name must not be.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "unsafe", "use", "where", "while", "yield",
];

/// The name of a written type path's last segment and its first type argument (`Arc` and
/// `Mutex<T>` of `std::sync::Arc<Mutex<T>>`): how the rewrites look inside a declared type.
pub(crate) fn last_and_first_arg(path: &syn::TypePath) -> Option<(String, &syn::Type)> {
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let first = args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })?;
    Some((last.ident.to_string(), first))
}

/// Whether an initialiser makes one of `locks` here (`Mutex::new(..)`, `RwLock::default()`),
/// directly or through `Arc::new`/`Box::new`.
pub(crate) fn makes_lock(init: &syn::Expr, locks: &[&str]) -> bool {
    use crate::semantic::walker::{path_tail, strip_parens};
    let syn::Expr::Call(c) = strip_parens(init) else {
        return false;
    };
    match path_tail(&c.func) {
        Some((Some(owner), f)) if locks.contains(&owner.as_str()) => f == "new" || f == "default",
        Some((Some(owner), f)) if (owner == "Arc" || owner == "Box") && f == "new" => {
            c.args.len() == 1 && makes_lock(&c.args[0], locks)
        }
        _ => false,
    }
}

/// A variable name made from `base` that no identifier of `taken` spells: `base`, else
/// `base_2`, `base_3`, ..
pub(crate) fn fresh_name(base: &str, taken: &rustc_hash::FxHashSet<String>) -> String {
    let base = if base.is_empty() || KEYWORDS.contains(&base) {
        "value"
    } else {
        base
    };
    if !taken.contains(base) && !KEYWORDS.contains(&base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| !taken.contains(name))
        .expect("some suffix is free")
}

/// The name a value is bound to when an expression is moved into a `let` of its own: from what
/// makes it (`std::fs::read(..)` gives `read`, `name.to_string()` gives `name_string`), else
/// `value`.
pub(crate) fn name_for(expr: &syn::Expr) -> String {
    use syn::Expr;
    match expr {
        Expr::Paren(p) => name_for(&p.expr),
        Expr::Try(t) => name_for(&t.expr),
        Expr::Await(a) => name_for(&a.base),
        Expr::MethodCall(m) => match m.method.to_string().as_str() {
            "unwrap" | "expect" | "unwrap_or_default" | "clone" | "to_owned" | "to_vec"
            | "to_string" | "into" => match &*m.receiver {
                Expr::Path(p) if p.path.get_ident().is_some() => {
                    let suffix = match m.method.to_string().as_str() {
                        "to_string" => "string",
                        "to_vec" => "vec",
                        _ => "owned",
                    };
                    format!("{}_{suffix}", p.path.segments[0].ident)
                }
                Expr::Field(f) => match &f.member {
                    syn::Member::Named(n) => format!("{n}_owned"),
                    syn::Member::Unnamed(_) => "value".to_owned(),
                },
                inner if m.method == "unwrap" || m.method == "expect" => name_for(inner),
                _ => "value".to_owned(),
            },
            other => snake(other),
        },
        Expr::Call(c) => {
            if let Some(mac) = crate::pipeline::parse::expanded_macro_name(c) {
                return match mac.as_str() {
                    "format" => "text".to_owned(),
                    "vec" => "buffer".to_owned(),
                    other => snake(other),
                };
            }
            match &*c.func {
                Expr::Path(p) => {
                    let segments: Vec<String> = p
                        .path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect();
                    match segments.as_slice() {
                        [.., owner, f] if f == "new" || f == "from" || f == "with_capacity" => {
                            match owner.as_str() {
                                "Box" => "boxed".to_owned(),
                                "String" => "string".to_owned(),
                                "Vec" => "buffer".to_owned(),
                                other => snake(other),
                            }
                        }
                        [.., f] => snake(f),
                        [] => "value".to_owned(),
                    }
                }
                _ => "value".to_owned(),
            }
        }
        _ => "value".to_owned(),
    }
}

/// `CamelCase` or `snake_case` as a snake_case variable name.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else if c.is_alphanumeric() || c == '_' {
            out.push(c);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        return "value".to_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(text: &str) -> syn::Expr {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn names_come_from_what_makes_the_value() {
        assert_eq!(name_for(&expr("std::fs::read(name).unwrap()")), "read");
        assert_eq!(name_for(&expr("key.to_string()")), "key_string");
        assert_eq!(name_for(&expr("name.clone()")), "name_owned");
        assert_eq!(name_for(&expr("self.buf.clone()")), "buf_owned");
        assert_eq!(name_for(&expr("Box::new(blob)")), "boxed");
        assert_eq!(name_for(&expr("worker.join().unwrap()")), "join");
        assert_eq!(name_for(&expr("fetch(id).await")), "fetch");
        assert_eq!(name_for(&expr("Command::new(\"date\").output()")), "output");
        assert_eq!(name_for(&expr("1 + 2")), "value");
    }

    #[test]
    fn fresh_names_avoid_what_is_taken_and_keywords() {
        let taken: rustc_hash::FxHashSet<String> =
            ["read", "read_2"].iter().map(|s| s.to_string()).collect();
        assert_eq!(fresh_name("read", &taken), "read_3");
        assert_eq!(fresh_name("line", &taken), "line");
        assert_eq!(fresh_name("loop", &taken), "value");
    }

    #[test]
    fn overlapping_edits_are_told_apart_from_touching_ones() {
        let span = |start, end| Span { start, end };
        let at = |s| replace(s, "x");
        assert!(disjoint(&[at(span(0, 2)), at(span(2, 4)), insert(4, "y")]));
        assert!(!disjoint(&[at(span(0, 3)), at(span(2, 4))]));
        assert!(!disjoint(&[insert(4, "a"), insert(4, "b")]));
    }
}
