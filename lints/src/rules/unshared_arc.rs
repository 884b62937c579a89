#![doc = include_str!("unshared_arc.md")]

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use syn::Expr;

use super::{CrateCx, Merge, Rule};
use crate::fixes;
use crate::registry::declare_lint;
use crate::semantic::bindings::BindingId;
use crate::semantic::types::TypeTable;
use crate::semantic::walker::{
    ArcField, ArcInit, ArcShare, Cx, Decl, DeclKind, Later, Sink, path_tail, strip_parens,
};
use crate::{Applicability, Cost, Diagnostic, Edit, Per, Span, Suggestion, Work};

declare_lint!(
    pub(crate) UNSHARED_ARC,
    "unshared_arc",
    Warn,
    "a struct field's `Arc` that is only ever made fresh and never shared: the reference count buys nothing",
    "unshared_arc.md"
);

pub(crate) struct UnsharedArc;

/// What the fix needs of each file: the `Arc` fields' types as written, and how each struct
/// literal fills an `Arc` field.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct ArcSites {
    /// A field declared `Arc<T>`: the span of its type, and the edit to `T`.
    fields: Vec<(usize, Span, Edit)>,
    /// A struct literal's `Arc` field: owner, field, file, and the edit that puts the value in
    /// directly (`None` when the `Arc` is not made right there, or in a `let` just for it).
    inits: Vec<(String, String, usize, Option<Vec<Edit>>)>,
    /// Per function being walked: the `let`s bound to `Arc::new(value)`, with the edit to
    /// `value`.
    #[serde(skip)]
    lets: Vec<Vec<(BindingId, Edit)>>,
}

impl Merge for ArcSites {
    fn merge(&mut self, other: Self) {
        self.fields.extend(other.fields);
        self.inits.extend(other.inits);
    }
}

impl Rule for UnsharedArc {
    type Facts = ArcSites;

    fn enter_fn(&self, facts: &mut ArcSites) {
        facts.lets.push(Vec::new());
    }

    fn exit_fn(&self, facts: &mut ArcSites, _: &mut Sink<'_>) {
        facts.lets.pop();
    }

    fn check_decl(&self, cx: &Cx<'_, '_>, decl: &Decl<'_>, facts: &mut ArcSites, _: &mut Sink<'_>) {
        if decl.kind != DeclKind::Field {
            return;
        }
        if let Some(inner) = arc_argument(decl.ty).and_then(fixes::text) {
            let span = cx.span_of(decl.ty);
            facts
                .fields
                .push((cx.file(), span, fixes::replace(span, inner)));
        }
    }

    fn check_let(
        &self,
        cx: &Cx<'_, '_>,
        local: &syn::Local,
        _: Later<'_>,
        facts: &mut ArcSites,
        _: &mut Sink<'_>,
    ) {
        let (Some(init), syn::Pat::Ident(p)) = (&local.init, &local.pat) else {
            return;
        };
        let Some(edit) = unwrap_new(cx, &init.expr) else {
            return;
        };
        let name = p.ident.to_string();
        if let (Some(binding), Some(lets)) = (
            cx.var_bound(&p.ident, &name).binding(),
            facts.lets.last_mut(),
        ) {
            lets.push((binding, edit));
        }
    }

    fn check_expr(&self, cx: &Cx<'_, '_>, expr: &Expr, facts: &mut ArcSites, _: &mut Sink<'_>) {
        let Expr::Struct(literal) = expr else {
            return;
        };
        let owner = cx.literal_type(literal);
        let Some(owner_name) = owner.name().map(str::to_owned) else {
            return;
        };
        for field in &literal.fields {
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            let name = name.to_string();
            if !cx
                .table()
                .resolve(&cx.table().field(&owner, &name))
                .is_arc()
            {
                continue;
            }
            let edits = match strip_parens(&field.expr) {
                // `Default::default()`: the value's own default.
                Expr::Call(c)
                    if path_tail(&c.func).is_some_and(|(o, f)| {
                        o.as_deref() == Some("Default") && f == "default"
                    }) =>
                {
                    Some(Vec::new())
                }
                // A `let` just above bound to `Arc::new(value)`.
                Expr::Path(p) if p.path.get_ident().is_some() => {
                    let ident = p.path.get_ident().expect("a one-segment path");
                    let spelled = ident.to_string();
                    let var = cx.var_used(ident, &spelled);
                    var.binding().and_then(|b| {
                        facts
                            .lets
                            .last()?
                            .iter()
                            .find(|(bound, _)| *bound == b)
                            .map(|(_, edit)| vec![edit.clone()])
                    })
                }
                other => unwrap_new(cx, other).map(|edit| vec![edit]),
            };
            facts
                .inits
                .push((owner_name.clone(), name, cx.file(), edits));
        }
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sites: &ArcSites, out: &mut Vec<Diagnostic>) {
        out.extend(findings(
            cx.table,
            &cx.facts.arc_fields,
            &cx.facts.arc_inits,
            &cx.facts.arc_shares,
            sites,
        ));
    }
}

/// `T` in a field type written `Arc<T>`.
fn arc_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Arc" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [syn::GenericArgument::Type(t)] => Some(t),
        _ => None,
    }
}

/// `Arc::new(value)`, or `Arc::new(value) as Arc<dyn Trait>`: the edit that leaves `value`
/// (where the field is filled, the value coerces to the field's type without the cast).
fn unwrap_new(cx: &Cx<'_, '_>, expr: &Expr) -> Option<Edit> {
    let made = match strip_parens(expr) {
        Expr::Cast(cast) if arc_argument(&cast.ty).is_some() => strip_parens(&cast.expr),
        other => other,
    };
    let Expr::Call(c) = made else {
        return None;
    };
    let (owner, f) = path_tail(&c.func)?;
    if owner.as_deref() != Some("Arc") || f != "new" || c.args.len() != 1 {
        return None;
    }
    Some(fixes::replace(cx.span_of(expr), fixes::text(&c.args[0])?))
}

/// The fix of a field's finding: its type without the `Arc`, and every struct literal's value
/// put in directly (in a `Box` when the type inside is unsized, `Arc<dyn Fn(..)>`). Only when every literal that fills the field was seen making the `Arc`
/// right there (or in a `let` just for it), all in the field's file. `MaybeIncorrect`: code
/// that needs the `Arc` itself (`Arc::strong_count`, a `&Arc<T>` parameter) no longer compiles.
fn rewrite(field: &ArcField, inits: &[ArcInit], sites: &ArcSites) -> Option<Suggestion> {
    let (_, _, type_edit) = sites
        .fields
        .iter()
        .find(|(file, span, _)| *file == field.file && *span == field.span)?;
    // `Arc<dyn Fn(..)>`, `Arc<[T]>`: the value cannot stand in the field by itself, so it is
    // owned in a `Box` (made with `Box::new(value)`, which coerces where the field is filled).
    let boxed = field.unsized_inner;
    let mut type_edit = type_edit.clone();
    if boxed {
        type_edit.replacement = format!("Box<{}>", type_edit.replacement);
    }
    let mut edits = vec![type_edit];
    let made = inits
        .iter()
        .filter(|i| i.owner == field.owner && i.field == field.field)
        .count();
    let seen: Vec<_> = sites
        .inits
        .iter()
        .filter(|(owner, name, _, _)| *owner == field.owner && *name == field.field)
        .collect();
    if seen.len() != made {
        return None;
    }
    for (_, _, file, init) in seen {
        if *file != field.file {
            return None;
        }
        let mut init = init.clone()?;
        if boxed {
            // `Default::default()` has no `Box<dyn ..>` to give.
            if init.is_empty() {
                return None;
            }
            for edit in &mut init {
                edit.replacement = format!("Box::new({})", edit.replacement);
            }
        }
        edits.extend(init);
    }
    edits.sort_by_key(|e| e.span);
    edits.dedup();
    fixes::disjoint(&edits).then(|| {
        Suggestion::new(
            if boxed {
                "own the value in a `Box`"
            } else {
                "own the value directly"
            },
            edits,
            Applicability::MaybeIncorrect,
        )
    })
}

/// Decides each field once the whole crate has been seen: a single clone anywhere shares it.
fn findings(
    table: &TypeTable,
    fields: &[ArcField],
    inits: &[ArcInit],
    shares: &HashSet<ArcShare>,
    sites: &ArcSites,
) -> Vec<Diagnostic> {
    let mut made: HashMap<(&str, &str), bool> = HashMap::default();
    for init in inits {
        let all_fresh = made
            .entry((init.owner.as_str(), init.field.as_str()))
            .or_insert(true);
        *all_fresh &= init.fresh;
    }
    let mut seen = HashSet::default();
    let mut out = Vec::new();
    for field in fields {
        if !seen.insert((field.file, field.span)) {
            continue;
        }
        // Callers of a public field, and clones of a `Clone` struct, share the `Arc`.
        if field.public || table.is_clone(&field.owner) {
            continue;
        }
        // Made somewhere, and only ever with a new `Arc`: not one handed in by someone who
        // keeps a copy.
        if made.get(&(field.owner.as_str(), field.field.as_str())) != Some(&true) {
            continue;
        }
        let shared = shares.contains(&ArcShare {
            owner: Some(field.owner.clone()),
            field: field.field.clone(),
        }) || shares.contains(&ArcShare {
            owner: None,
            field: field.field.clone(),
        });
        if shared {
            continue;
        }
        let name = &field.field;
        let inner = sites
            .fields
            .iter()
            .find(|(file, span, _)| *file == field.file && *span == field.span)
            .map(|(_, _, edit)| edit.replacement.clone());
        let help = match &inner {
            // `Arc<dyn Fn(..)>`, `Arc<[T]>`: the value cannot stand in the field by itself.
            _ if field.unsized_inner => "own the value in a `Box`: declare the field as `Box<T>` with the same `T` (a `dyn Fn(..)`, a slice), and write `Box::new(value)` where it is made with `Arc::new(value)`".to_owned(),
            Some(inner) => format!(
                "own the value directly: declare `{name}: {inner}`, and write `value` where it is made with `Arc::new(value)`"
            ),
            None => "own the value directly: declare the field as the `T` inside, and write `value` where it is made with `Arc::new(value)`".to_owned(),
        };
        let mut d = Diagnostic::new(
                &UNSHARED_ARC,
                field.file,
                field.span,
                format!("`{}::{name}` is an `Arc` that is only ever made fresh and never cloned: the reference count buys nothing", crate::semantic::ty::short_name(&field.owner)),
            )
            .with_label("a separate allocation, with an atomic reference count, for one owner")
            .with_note("every value made pays for a heap allocation and, when dropped, an atomic decrement and a free; every read follows a pointer")
            .with_help(help)
            .with_cost(Cost::new(Work::ArcNew, Per::Value));
        if let Some(suggestion) = rewrite(field, inits, sites) {
            d = d.with_suggestion(suggestion);
        }
        out.push(d);
    }
    out
}
