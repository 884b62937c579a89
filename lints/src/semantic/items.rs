//! Phase one of the analysis, per file: the items the crate-wide model needs (struct fields,
//! aliases, statics, function signatures, which types are `Clone`/`Copy`), with types already
//! renamed through the file's `use .. as ..` items. Plain data, so it can leave the AST's thread.

use crate::diagnostic::Span;
use crate::pipeline::parse::to_span;
use crate::semantic::ty::{Renames, Ty};

/// A struct (or enum, whose variants' fields are merged) and its fields.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, Hash)]
pub(crate) struct TypeDef {
    pub(crate) name: String,
    pub(crate) fields: Vec<FieldDef>,
    pub(crate) is_enum: bool,
    pub(crate) generics: Vec<String>,
    /// `#[repr(align(N))]`: the alignment asked for.
    pub(crate) align: Option<u64>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, Hash)]
pub(crate) struct FieldDef {
    /// The field's name, or its index for tuple structs.
    pub(crate) name: String,
    pub(crate) ty: Ty,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, Hash)]
pub(crate) struct AliasDef {
    pub(crate) name: String,
    pub(crate) params: Vec<String>,
    pub(crate) ty: Ty,
}

/// A function or method signature.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct FnSig {
    pub(crate) name: String,
    /// The impl's self type for methods and associated functions.
    pub(crate) self_ty: Option<String>,
    pub(crate) has_self: bool,
    /// Parameter types, `self` excluded.
    pub(crate) params: Vec<Ty>,
    pub(crate) ret: Ty,
    /// A test function, or a function in a `#[cfg(test)]` module or under `tests/`.
    pub(crate) is_test: bool,
    pub(crate) file: usize,
    /// The function's name, where the chain note points.
    pub(crate) span: Span,
    /// The innermost inline module around the function (`mod sys { fn run() }`); `None` when
    /// it is at the top level of its file, whose module the crate-wide table names.
    pub(crate) inline_module: Option<String>,
    /// A builder step: takes `self` by value and returns `Self` (or a `Result`/`Option` of it).
    /// Configuration code, run while a value is being put together.
    pub(crate) builder: bool,
    /// Callable from outside the crate: `pub`, or part of a trait (whose users are anyone's).
    pub(crate) public: bool,
}

/// Hashes what the signature says, not where it is or in which file: the fingerprint of the
/// type table (see `memo`) must not change when an edit elsewhere in a file moves its functions.
impl std::hash::Hash for FnSig {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let FnSig {
            name,
            self_ty,
            has_self,
            params,
            ret,
            is_test,
            file: _,
            span: _,
            inline_module,
            builder,
            public,
        } = self;
        (name, self_ty, has_self, params, ret, is_test).hash(state);
        (inline_module, builder, public).hash(state);
    }
}

impl ItemFacts {
    /// Gives the facts' functions the file number `file`.
    pub(crate) fn set_file(&mut self, file: usize) {
        for sig in &mut self.fns {
            sig.file = file;
        }
    }
}

/// Everything phase one learns from one file.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, Hash)]
pub(crate) struct ItemFacts {
    pub(crate) types: Vec<TypeDef>,
    pub(crate) aliases: Vec<AliasDef>,
    pub(crate) statics: Vec<(String, Ty)>,
    /// Integer constants with a literal value (`const WORKERS: usize = 4;`).
    pub(crate) int_consts: Vec<(String, u128)>,
    /// Constants and statics that are array or slice literals, with their length
    /// (`const HOSTS: &[&str] = &["a", "b"];`).
    pub(crate) literal_lens: Vec<(String, usize)>,
    pub(crate) fns: Vec<FnSig>,
    /// Types that derive or implement `Copy`.
    pub(crate) copy_types: Vec<String>,
    /// Types that derive or implement `Clone`.
    pub(crate) clone_types: Vec<String>,
}

/// The traits named in `#[derive(..)]` attributes.
pub(crate) fn derives(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                out.push(last.ident.to_string());
            }
            Ok(())
        });
    }
    out
}

/// The `N` of `#[repr(align(N))]` (also inside `#[repr(C, align(N))]`).
fn repr_align(attrs: &[syn::Attribute]) -> Option<u64> {
    let mut align = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("repr")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("align") {
                let content;
                syn::parenthesized!(content in meta.input);
                let n: syn::LitInt = content.parse()?;
                align = n.base10_parse().ok();
            }
            Ok(())
        });
    }
    align
}

/// The name of an impl's self type (`impl<T> Foo<T>` -> `Foo`).
pub(crate) fn self_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn generic_names(generics: &syn::Generics) -> Vec<String> {
    generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect()
}

fn fields_of(fields: &syn::Fields, renames: &Renames, out: &mut Vec<FieldDef>) {
    for (i, field) in fields.iter().enumerate() {
        out.push(FieldDef {
            name: field
                .ident
                .as_ref()
                .map(|i| i.to_string())
                .unwrap_or_else(|| i.to_string()),
            ty: renames.ty(&field.ty),
        });
    }
}

/// A signature's parameter types (without `self`) and whether it takes `self`.
pub(crate) fn signature_params(sig: &syn::Signature, renames: &Renames) -> (bool, Vec<Ty>) {
    let mut has_self = false;
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(_) => has_self = true,
            syn::FnArg::Typed(t) => params.push(renames.ty(&t.ty)),
        }
    }
    (has_self, params)
}

fn return_ty(sig: &syn::Signature, renames: &Renames) -> Ty {
    match &sig.output {
        syn::ReturnType::Default => Ty::Tuple(Vec::new()),
        syn::ReturnType::Type(_, ty) => renames.ty(ty),
    }
}

/// Whether a return type is `Self` or the impl's type, possibly in a `Result` or `Option`.
fn returns_self(output: &syn::ReturnType, self_ty: Option<&str>) -> bool {
    fn is_self(ty: &syn::Type, self_ty: Option<&str>) -> bool {
        let syn::Type::Path(p) = ty else { return false };
        let Some(last) = p.path.segments.last() else {
            return false;
        };
        if last.ident == "Self" || self_ty.is_some_and(|t| last.ident == t) {
            return true;
        }
        if !matches!(last.ident.to_string().as_str(), "Result" | "Option") {
            return false;
        }
        match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => match a.args.first() {
                Some(syn::GenericArgument::Type(inner)) => is_self(inner, self_ty),
                _ => false,
            },
            _ => false,
        }
    }
    match output {
        syn::ReturnType::Type(_, ty) => is_self(ty, self_ty),
        syn::ReturnType::Default => false,
    }
}

/// The value of an unsuffixed or suffixed integer literal expression.
pub(crate) fn int_literal(expr: &syn::Expr) -> Option<u128> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        syn::Expr::Paren(p) => int_literal(&p.expr),
        syn::Expr::Group(g) => int_literal(&g.expr),
        _ => None,
    }
}

/// The length of an array literal, possibly borrowed: `[a, b]`, `&[a, b]`.
pub(crate) fn literal_len(expr: &syn::Expr) -> Option<usize> {
    match expr {
        syn::Expr::Array(a) => Some(a.elems.len()),
        syn::Expr::Reference(r) => literal_len(&r.expr),
        syn::Expr::Paren(p) => literal_len(&p.expr),
        _ => None,
    }
}

/// Extracts the item facts of a file.
pub(crate) fn extract(file: usize, ast: &syn::File, base: usize) -> ItemFacts {
    let renames = Renames::of_items(&ast.items);
    let mut facts = ItemFacts::default();
    let mut cx = Extract {
        file,
        in_test: crate::semantic::test_code::is_cfg_test(&ast.attrs),
        module: None,
        base,
        renames: &renames,
        facts: &mut facts,
    };
    cx.items(&ast.items);
    facts
}

struct Extract<'a> {
    file: usize,
    in_test: bool,
    /// The innermost inline module being walked.
    module: Option<String>,
    base: usize,
    renames: &'a Renames,
    facts: &'a mut ItemFacts,
}

impl Extract<'_> {
    fn items(&mut self, items: &[syn::Item]) {
        for item in items {
            self.item(item);
        }
    }

    fn fn_sig(
        &mut self,
        sig: &syn::Signature,
        attrs: &[syn::Attribute],
        self_ty: Option<String>,
        public: bool,
    ) {
        let is_test = self.in_test || crate::semantic::test_code::is_test_item(attrs);
        let (has_self, params) = signature_params(sig, self.renames);
        let by_value_self = sig
            .inputs
            .first()
            .is_some_and(|i| matches!(i, syn::FnArg::Receiver(r) if r.reference.is_none()));
        let builder = by_value_self && returns_self(&sig.output, self_ty.as_deref());
        let mut ret = return_ty(sig, self.renames);
        if let (Some(self_name), Ty::Named(name, _)) = (&self_ty, &ret) {
            if name == "Self" {
                ret = Ty::named(self_name, vec![]);
            }
        }
        self.facts.fns.push(FnSig {
            name: sig.ident.to_string(),
            self_ty,
            has_self,
            params,
            ret,
            is_test,
            file: self.file,
            span: to_span(sig.ident.span(), self.base),
            inline_module: self.module.clone(),
            builder,
            public,
        });
    }

    fn item(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Struct(s) => {
                let mut fields = Vec::new();
                fields_of(&s.fields, self.renames, &mut fields);
                self.type_def(&s.ident, &s.attrs, &s.generics, fields, false);
            }
            syn::Item::Enum(e) => {
                let mut fields = Vec::new();
                for variant in &e.variants {
                    fields_of(&variant.fields, self.renames, &mut fields);
                }
                self.type_def(&e.ident, &e.attrs, &e.generics, fields, true);
            }
            syn::Item::Union(u) => {
                let mut fields = Vec::new();
                for field in &u.fields.named {
                    fields.push(FieldDef {
                        name: field
                            .ident
                            .as_ref()
                            .map(|i| i.to_string())
                            .unwrap_or_default(),
                        ty: self.renames.ty(&field.ty),
                    });
                }
                self.type_def(&u.ident, &u.attrs, &u.generics, fields, false);
            }
            syn::Item::Type(t) => self.facts.aliases.push(AliasDef {
                name: t.ident.to_string(),
                params: generic_names(&t.generics),
                ty: self.renames.ty(&t.ty),
            }),
            syn::Item::Static(s) => {
                if let Some(len) = literal_len(&s.expr) {
                    self.facts.literal_lens.push((s.ident.to_string(), len));
                }
                self.facts
                    .statics
                    .push((s.ident.to_string(), self.renames.ty(&s.ty)))
            }
            syn::Item::Const(c) => {
                if let Some(value) = int_literal(&c.expr) {
                    self.facts.int_consts.push((c.ident.to_string(), value));
                }
                if let Some(len) = literal_len(&c.expr) {
                    self.facts.literal_lens.push((c.ident.to_string(), len));
                }
                self.facts
                    .statics
                    .push((c.ident.to_string(), self.renames.ty(&c.ty)))
            }
            syn::Item::Fn(f) => {
                let public = matches!(f.vis, syn::Visibility::Public(_));
                self.fn_sig(&f.sig, &f.attrs, None, public);
                // Helpers declared inside a function (`fn inc(..)` in a test) are functions too, and
                // its statics are statics, at any depth of its blocks.
                for item in nested_items(&f.block) {
                    self.item(item);
                }
            }
            syn::Item::Impl(imp) => {
                let self_name = self_type_name(&imp.self_ty);
                if let (Some((_, trait_path, _)), Some(name)) = (&imp.trait_, &self_name) {
                    match trait_path.segments.last().map(|s| s.ident.to_string()) {
                        Some(t) if t == "Copy" => self.facts.copy_types.push(name.clone()),
                        Some(t) if t == "Clone" => self.facts.clone_types.push(name.clone()),
                        _ => {}
                    }
                }
                for impl_item in &imp.items {
                    if let syn::ImplItem::Fn(f) = impl_item {
                        let public =
                            imp.trait_.is_some() || matches!(f.vis, syn::Visibility::Public(_));
                        self.fn_sig(&f.sig, &f.attrs, self_name.clone(), public);
                    }
                }
            }
            syn::Item::Trait(t) => {
                for trait_item in &t.items {
                    if let syn::TraitItem::Fn(f) = trait_item {
                        if f.default.is_some() {
                            let public = matches!(t.vis, syn::Visibility::Public(_));
                            self.fn_sig(&f.sig, &f.attrs, Some(t.ident.to_string()), public);
                        }
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    let outer = self.in_test;
                    let outer_module = self.module.replace(m.ident.to_string());
                    self.in_test |= crate::semantic::test_code::is_cfg_test(&m.attrs);
                    self.items(inner);
                    self.in_test = outer;
                    self.module = outer_module;
                }
            }
            _ => {}
        }
    }

    fn type_def(
        &mut self,
        ident: &syn::Ident,
        attrs: &[syn::Attribute],
        generics: &syn::Generics,
        fields: Vec<FieldDef>,
        is_enum: bool,
    ) {
        let name = ident.to_string();
        let derived = derives(attrs);
        if derived.iter().any(|d| d == "Copy") {
            self.facts.copy_types.push(name.clone());
        }
        if derived.iter().any(|d| d == "Clone") {
            self.facts.clone_types.push(name.clone());
        }
        self.facts.types.push(TypeDef {
            name,
            fields,
            is_enum,
            generics: generic_names(generics),
            align: repr_align(attrs),
        });
    }
}

/// The functions, impls, constants and statics declared in a function body, in any of its
/// blocks (`{ struct Key; impl Drop for Key { .. } }`), but not inside those items: each item
/// studies its own.
fn nested_items(block: &syn::Block) -> Vec<&syn::Item> {
    struct Collect<'a> {
        items: Vec<&'a syn::Item>,
    }
    impl<'a> syn::visit::Visit<'a> for Collect<'a> {
        fn visit_item(&mut self, item: &'a syn::Item) {
            if matches!(
                item,
                syn::Item::Fn(_) | syn::Item::Impl(_) | syn::Item::Const(_) | syn::Item::Static(_)
            ) {
                self.items.push(item);
            }
        }
    }
    let mut collect = Collect { items: Vec::new() };
    syn::visit::Visit::visit_block(&mut collect, block);
    collect.items
}
