//! `Arc` fields and what the crate does with them: where they are declared, what every struct
//! literal puts in them, and every place a field's `Arc` itself (not the value behind it) is
//! used, for `unshared_arc`, which decides once it has seen the whole crate.

use rustc_hash::FxHashSet as HashSet;

use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::Expr;
use syn::spanned::Spanned;

use super::Walker;
use crate::diagnostic::Span;
use crate::semantic::ty::Ty;
use crate::syntax::exprs::path_tail;

/// A struct field declared `Arc<T>`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct ArcField {
    pub(crate) owner: String,
    pub(crate) field: String,
    pub(crate) file: usize,
    /// The field's type.
    pub(crate) span: Span,
    /// A `pub` field of a `pub` struct: callers outside the crate may share it.
    pub(crate) public: bool,
    /// What the `Arc` holds is unsized (`dyn Fn(..)`, `[T]`, `str`): owned directly, it
    /// needs a `Box`.
    #[serde(default)]
    pub(crate) unsized_inner: bool,
}

/// What one struct literal puts in an `Arc` field.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct ArcInit {
    pub(crate) owner: String,
    pub(crate) field: String,
    /// A new `Arc` (`Arc::new(..)`, `Arc::from(..)`, `Default::default()`), rather than one
    /// handed in, which its giver may share.
    pub(crate) fresh: bool,
}

/// A place where a field's `Arc` may gain another owner: cloned, downgraded, moved, borrowed as
/// an `Arc`, or named inside a macro we cannot read. `owner` is `None` when the type of the
/// value the field is read from is unknown: then every `Arc` field of that name is suspect.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(crate) struct ArcShare {
    pub(crate) owner: Option<String>,
    pub(crate) field: String,
}

/// Whether an expression makes a new `Arc`.
fn makes_arc(walker: &Walker<'_>, expr: &Expr) -> bool {
    match expr {
        Expr::Call(c) => path_tail(&c.func).is_some_and(|(owner, f)| {
            matches!(
                (owner.as_deref(), f.as_str()),
                (Some("Arc"), "new" | "from" | "default") | (Some("Default"), "default")
            )
        }),
        Expr::Path(p) => p
            .path
            .get_ident()
            .and_then(|i| walker.lookup(&i.to_string()))
            .is_some_and(|l| l.fresh_arc && l.sole_use),
        Expr::Paren(p) => makes_arc(walker, &p.expr),
        // `Arc::new(f) as Arc<dyn Fn()>`: the cast only unsizes it.
        Expr::Cast(c) => makes_arc(walker, &c.expr),
        _ => false,
    }
}

/// The identifiers in a macro's tokens; with `fields_only`, only those right after a `.` that
/// is not part of `..` (`self.name`).
fn idents(tokens: &TokenStream, fields_only: bool, out: &mut Vec<String>) {
    let mut after_dot = false;
    let mut after_joint_dot = false;
    for token in tokens.clone() {
        match &token {
            TokenTree::Ident(i) if after_dot || !fields_only => out.push(i.to_string()),
            TokenTree::Group(g) => idents(&g.stream(), fields_only, out),
            _ => {}
        }
        let dot = match &token {
            TokenTree::Punct(p) if p.as_char() == '.' => Some(p.spacing()),
            _ => None,
        };
        after_dot = dot == Some(Spacing::Alone) && !after_joint_dot;
        after_joint_dot = dot == Some(Spacing::Joint);
    }
}

impl Walker<'_> {
    /// Records the `Arc` fields of a struct.
    pub(super) fn declare_arc_fields(&mut self, item: &syn::ItemStruct) {
        let owner = self.names.item_path(&item.ident.to_string());
        let public_struct = matches!(item.vis, syn::Visibility::Public(_));
        let foreign_derive = has_foreign_derive(&item.attrs);
        for (i, field) in item.fields.iter().enumerate() {
            let ty = self.table.resolve(&self.names.ty(&field.ty));
            if !ty.is_named("Arc") {
                continue;
            }
            // A field a derive macro reads through its own attribute (`#[backtrace]`,
            // `#[serde(..)]`): the generated code, which the source does not show, may share it.
            if foreign_derive && field.attrs.iter().any(|a| !is_builtin_attr(a)) {
                continue;
            }
            self.out.arc_fields.push(ArcField {
                owner: owner.clone(),
                field: field
                    .ident
                    .as_ref()
                    .map_or_else(|| i.to_string(), |i| i.to_string()),
                file: self.file,
                span: self.span(field.ty.span()),
                public: public_struct && matches!(field.vis, syn::Visibility::Public(_)),
                unsized_inner: holds_unsized(&field.ty),
            });
        }
    }

    /// Records what a struct literal puts in its `Arc` fields; `..base` fills the others with
    /// values we cannot see made.
    pub(super) fn record_arc_inits(&mut self, literal: &syn::ExprStruct) {
        let Some(owner) = self.names.path(&literal.path).name().map(|n| {
            if n == "Self" {
                self.self_ty.clone().unwrap_or_default()
            } else {
                n.to_owned()
            }
        }) else {
            return;
        };
        let owner_ty = Ty::named(&owner, vec![]);
        let mut listed = HashSet::default();
        for field in &literal.fields {
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            let name = name.to_string();
            if self
                .table
                .resolve(&self.table.field(&owner_ty, &name))
                .is_arc()
            {
                let fresh = makes_arc(self, &field.expr);
                self.out.arc_inits.push(ArcInit {
                    owner: owner.clone(),
                    field: name.clone(),
                    fresh,
                });
            }
            listed.insert(name);
        }
        let from_default = literal.rest.as_deref().is_some_and(|rest| {
            matches!(rest, Expr::Call(c) if path_tail(&c.func).is_some_and(|(_, f)| f == "default"))
        });
        if literal.rest.is_none() || from_default {
            return;
        }
        let others: Vec<String> = self
            .table
            .type_def(&owner)
            .map(|def| {
                def.fields
                    .iter()
                    .filter(|f| f.ty.is_arc() && !listed.contains(&f.name))
                    .map(|f| f.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        for field in others {
            self.out.arc_inits.push(ArcInit {
                owner: owner.clone(),
                field,
                fresh: false,
            });
        }
    }

    /// Marks the fields that `expr` reaches through (`self.f.method()`, `self.f.x`, `*self.f`,
    /// `self.f[i]`): uses of the value behind the `Arc`, which share nothing.
    pub(super) fn note_field_derefs(&mut self, expr: &Expr) {
        let through = match expr {
            Expr::MethodCall(m) if !(m.method == "clone" && m.args.is_empty()) => &*m.receiver,
            Expr::Field(f) => &*f.base,
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => &*u.expr,
            Expr::Index(i) => &*i.expr,
            // `(self.callback)(x)`: a call of what the `Arc` holds.
            Expr::Call(c) => &*c.func,
            _ => return,
        };
        let mut through = through;
        while let Expr::Paren(p) = through {
            through = &p.expr;
        }
        if matches!(through, Expr::Field(_)) {
            let span = self.span(through.span());
            self.deref_fields.insert(span);
        }
    }

    /// Records a field read whose `Arc` may gain an owner: anything but a deref use.
    pub(super) fn record_field_use(&mut self, field: &syn::ExprField) {
        let syn::Member::Named(name) = &field.member else {
            return;
        };
        let name = name.to_string();
        if !self.table.has_arc_field_named(&name)
            || self.deref_fields.contains(&self.span(field.span()))
        {
            return;
        }
        let owner_ty = self.type_of(&field.base);
        let owner = owner_ty.auto_deref().name().map(str::to_owned);
        let owner = match owner {
            Some(owner) if self.table.type_def(&owner).is_some() => {
                if !self
                    .table
                    .resolve(&self.table.field(&owner_ty, &name))
                    .is_arc()
                {
                    return;
                }
                Some(owner)
            }
            _ => None,
        };
        self.out.arc_shares.insert(ArcShare { owner, field: name });
    }

    /// `let S { f, .. } = s;` moves (or borrows) the field's `Arc` out.
    pub(super) fn record_pattern_fields(&mut self, pattern: &syn::PatStruct) {
        let owner_ty = self.names.path(&pattern.path);
        let Some(owner) = owner_ty.name().map(str::to_owned) else {
            return;
        };
        for field in &pattern.fields {
            if let syn::Member::Named(name) = &field.member {
                let name = name.to_string();
                if self
                    .table
                    .resolve(&self.table.field(&owner_ty, &name))
                    .is_arc()
                {
                    self.out.arc_shares.insert(ArcShare {
                        owner: Some(owner.clone()),
                        field: name,
                    });
                }
            }
        }
    }

    /// A macro we cannot read may do anything with the `Arc` fields it names; a `macro_rules!`
    /// definition, with the fields it reaches (`self.name`), its other names being its own
    /// metavariables and parameters.
    pub(super) fn record_macro_names(&mut self, mac: &syn::Macro) {
        let mut names = Vec::new();
        idents(&mac.tokens, mac.path.is_ident("macro_rules"), &mut names);
        for name in names {
            if self.table.has_arc_field_named(&name) {
                self.out.arc_shares.insert(ArcShare {
                    owner: None,
                    field: name,
                });
            }
        }
    }
}

/// Whether `attrs` derive something other than the standard library's derives.
fn has_foreign_derive(attrs: &[syn::Attribute]) -> bool {
    const STD_DERIVES: &[&str] = &[
        "Clone",
        "Copy",
        "Debug",
        "Default",
        "PartialEq",
        "Eq",
        "PartialOrd",
        "Ord",
        "Hash",
    ];
    crate::semantic::items::derives(attrs)
        .iter()
        .any(|d| !STD_DERIVES.contains(&d.as_str()))
}

/// Whether `attr` is one of the compiler's own (documentation, configuration, lint levels),
/// which no derive macro reads.
fn is_builtin_attr(attr: &syn::Attribute) -> bool {
    const BUILTIN: &[&str] = &[
        "doc",
        "cfg",
        "cfg_attr",
        "allow",
        "warn",
        "deny",
        "forbid",
        "expect",
        "deprecated",
    ];
    attr.path()
        .get_ident()
        .is_some_and(|i| BUILTIN.contains(&i.to_string().as_str()))
}

/// Whether `Arc<T>`'s `T`, as written, is unsized: a trait object, a slice or `str`.
fn holds_unsized(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    args.args.iter().any(|a| match a {
        syn::GenericArgument::Type(t) => match t {
            syn::Type::TraitObject(_) | syn::Type::Slice(_) => true,
            syn::Type::Path(p) => p.path.is_ident("str"),
            _ => false,
        },
        _ => false,
    })
}
