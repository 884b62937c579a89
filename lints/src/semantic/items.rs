//! Phase one of the analysis, per file: the items the crate-wide model needs (struct fields,
//! aliases, statics, function signatures, which types are `Clone`/`Copy`), with types already
//! renamed through the file's `use .. as ..` items. Plain data, so it can leave the AST's thread.

use crate::diagnostic::Span;
use crate::pipeline::parse::to_span;
use crate::semantic::ty::{Renames, Ty};

/// A struct (or enum, whose variants' fields are merged) and its fields.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, Hash)]
pub(crate) struct TypeDef {
    /// The scope of the file it is declared in (see [`ItemFacts::scopes`]).
    pub(crate) scope: u32,
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
    pub(crate) scope: u32,
    pub(crate) name: String,
    pub(crate) params: Vec<String>,
    pub(crate) ty: Ty,
}

/// A function or method signature.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct FnSig {
    /// The scope of the file it is declared in (see [`ItemFacts::scopes`]).
    pub(crate) scope: u32,
    pub(crate) name: String,
    /// The impl's self type for methods and associated functions: as written in phase one, its
    /// canonical path once the crate's table has resolved it.
    pub(crate) self_ty: Option<String>,
    /// The generic type parameters in sight (the impl's and the function's own): names that
    /// are not paths to resolve.
    pub(crate) generics: Vec<String>,
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
    /// A method whose result borrows from its `&self` receiver (see [`borrows_self`]).
    #[serde(default)]
    pub(crate) borrows_self: bool,
    /// The parameters (`self` excluded, as in `params`) whose borrow the result carries (see
    /// [`borrowed_params`]): `w` of `fn get<'a>(&self, w: &'a mut Option<W>) -> &'a mut W`.
    #[serde(default)]
    pub(crate) borrowed_params: Vec<usize>,
    /// A method that takes its receiver by value (`self`, `self: Arc<Self>`, `self: Box<Self>`),
    /// not by reference.
    #[serde(default)]
    pub(crate) owned_self: bool,
}

/// Hashes what the signature says, not where it is or in which file: the fingerprint of the
/// type table (see `memo`) must not change when an edit elsewhere in a file moves its functions.
impl std::hash::Hash for FnSig {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let FnSig {
            scope,
            name,
            self_ty,
            generics,
            has_self,
            params,
            ret,
            is_test,
            file: _,
            span: _,
            inline_module,
            builder,
            public,
            borrows_self,
            borrowed_params,
            owned_self,
        } = self;
        (
            scope, name, self_ty, generics, has_self, params, ret, is_test,
        )
            .hash(state);
        (
            inline_module,
            builder,
            public,
            borrows_self,
            borrowed_params,
            owned_self,
        )
            .hash(state);
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
    /// The scopes that hold the file's items: the file's module first, then its inline modules
    /// and the bodies of functions that declare items; the items' `scope` indexes this.
    pub(crate) scopes: Vec<ScopeFacts>,
    pub(crate) types: Vec<TypeDef>,
    pub(crate) aliases: Vec<AliasDef>,
    /// Statics and constants: scope, name, type.
    pub(crate) statics: Vec<(u32, String, Ty)>,
    /// Integer constants with a literal value (`const WORKERS: usize = 4;`).
    pub(crate) int_consts: Vec<(u32, String, u128)>,
    /// Constants and statics that are array or slice literals, with their length
    /// (`const HOSTS: &[&str] = &["a", "b"];`).
    pub(crate) literal_lens: Vec<(u32, String, usize)>,
    pub(crate) fns: Vec<FnSig>,
    /// Types that derive or implement `Copy`: scope and path as written.
    pub(crate) copy_types: Vec<(u32, String)>,
    /// Types that derive or implement `Clone`: scope and path as written.
    pub(crate) clone_types: Vec<(u32, String)>,
}

/// A scope of a file that holds items: the file's own module, an inline module, or the body of
/// a function that declares items (`fn f() { struct Key; .. }`), with the names it defines and
/// imports. Names and paths are as written; the crate's table resolves them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, Hash)]
pub(crate) struct ScopeFacts {
    /// Where it is, relative to the file's module: inline module names, and `{f}` (or
    /// `{Type::f}` for a method) for a function's body.
    pub(crate) path: Vec<String>,
    /// Names in the type namespace: structs, enums, unions, aliases, traits.
    pub(crate) types: Vec<String>,
    /// Names in the value namespace: functions, statics, constants.
    pub(crate) values: Vec<String>,
    /// Modules declared here, inline or in files of their own.
    pub(crate) modules: Vec<String>,
    /// `use` imports: the name bound and the path it names.
    pub(crate) uses: Vec<(String, Vec<String>)>,
    /// `use path::*` imports.
    pub(crate) globs: Vec<Vec<String>>,
}

/// The scope segment of a function's body: `{f}`, or `{Type::f}` for a method of `Type`.
pub(crate) fn fn_scope_segment(self_ty: Option<&str>, name: &str) -> String {
    match self_ty {
        Some(owner) => format!("{{{}::{name}}}", crate::semantic::ty::short_name(owner)),
        None => format!("{{{name}}}"),
    }
}

/// Collects the `use` imports of one `use` item: each name bound with its path, and the globs.
pub(crate) fn use_imports(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    uses: &mut Vec<(String, Vec<String>)>,
    globs: &mut Vec<Vec<String>>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_imports(&p.tree, prefix, uses, globs);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                // `use a::b::{self}` binds `b`.
                if let Some(last) = prefix.last() {
                    uses.push((last.clone(), prefix.clone()));
                }
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                uses.push((name, path));
            }
        }
        syn::UseTree::Rename(r) => {
            let original = r.ident.to_string();
            let mut path = prefix.clone();
            if original != "self" {
                path.push(original);
            }
            let bound = r.rename.to_string();
            if bound != "_" {
                uses.push((bound, path));
            }
        }
        syn::UseTree::Glob(_) => globs.push(prefix.clone()),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                use_imports(item, prefix, uses, globs);
            }
        }
    }
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

/// The path of an impl's self type as written, without generic arguments (`impl<T>
/// super::Foo<T>` -> `super::Foo`); its last segment alone is the type's name.
pub(crate) fn self_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => Some(
            p.path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .join("::"),
        ),
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
    let mut facts = ItemFacts {
        scopes: vec![ScopeFacts::default()],
        ..ItemFacts::default()
    };
    let mut cx = Extract {
        file,
        in_test: crate::semantic::test_code::is_cfg_test(&ast.attrs),
        module: None,
        scope: 0,
        generics: Vec::new(),
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
    /// The scope being walked (an index into the facts' scopes).
    scope: u32,
    /// The generic type parameters of the enclosing impl or trait.
    generics: Vec<String>,
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

    fn current(&mut self) -> &mut ScopeFacts {
        &mut self.facts.scopes[self.scope as usize]
    }

    /// Walks `f` in a new scope below the current one, named `segment`.
    fn in_scope(&mut self, segment: String, f: impl FnOnce(&mut Self)) {
        let mut path = self.facts.scopes[self.scope as usize].path.clone();
        path.push(segment);
        self.facts.scopes.push(ScopeFacts {
            path,
            ..ScopeFacts::default()
        });
        let outer = self.scope;
        self.scope = (self.facts.scopes.len() - 1) as u32;
        f(self);
        self.scope = outer;
    }

    /// The items declared in a function's body, in a scope of the body's own.
    fn body_items(&mut self, self_ty: Option<&str>, name: &str, block: &syn::Block) {
        let nested = nested_items(block);
        if nested.is_empty() {
            return;
        }
        self.in_scope(fn_scope_segment(self_ty, name), |cx| {
            for item in nested {
                cx.item(item);
            }
        });
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
        let short_self = self_ty.as_deref().map(crate::semantic::ty::short_name);
        let builder = by_value_self && returns_self(&sig.output, short_self);
        let mut ret = return_ty(sig, self.renames);
        if let (Some(self_name), Ty::Named(name, _)) = (&self_ty, &ret) {
            if name == "Self" {
                ret = Ty::named(self_name, vec![]);
            }
        }
        let mut generics = self.generics.clone();
        generics.extend(generic_names(&sig.generics));
        if self_ty.is_none() {
            let name = sig.ident.to_string();
            self.current().values.push(name);
        }
        self.facts.fns.push(FnSig {
            scope: self.scope,
            name: sig.ident.to_string(),
            self_ty,
            generics,
            has_self,
            params,
            ret,
            is_test,
            file: self.file,
            span: to_span(sig.ident.span(), self.base),
            inline_module: self.module.clone(),
            builder,
            public,
            borrows_self: borrows_self(sig),
            borrowed_params: borrowed_params(sig),
            owned_self: sig.receiver().is_some_and(|r| {
                r.reference.is_none() && !matches!(&*r.ty, syn::Type::Reference(_))
            }),
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
            syn::Item::Type(t) => {
                let name = t.ident.to_string();
                self.current().types.push(name.clone());
                self.facts.aliases.push(AliasDef {
                    scope: self.scope,
                    name,
                    params: generic_names(&t.generics),
                    ty: self.renames.ty(&t.ty),
                })
            }
            syn::Item::Static(s) => {
                let name = s.ident.to_string();
                if let Some(len) = literal_len(&s.expr) {
                    self.facts
                        .literal_lens
                        .push((self.scope, name.clone(), len));
                }
                self.current().values.push(name.clone());
                let ty = self.renames.ty(&s.ty);
                self.facts.statics.push((self.scope, name, ty))
            }
            syn::Item::Const(c) => {
                let name = c.ident.to_string();
                if let Some(value) = int_literal(&c.expr) {
                    self.facts
                        .int_consts
                        .push((self.scope, name.clone(), value));
                }
                if let Some(len) = literal_len(&c.expr) {
                    self.facts
                        .literal_lens
                        .push((self.scope, name.clone(), len));
                }
                self.current().values.push(name.clone());
                let ty = self.renames.ty(&c.ty);
                self.facts.statics.push((self.scope, name, ty))
            }
            syn::Item::Fn(f) => {
                let public = matches!(f.vis, syn::Visibility::Public(_));
                self.fn_sig(&f.sig, &f.attrs, None, public);
                // Helpers declared inside a function (`fn inc(..)` in a test) are functions too, and
                // its statics are statics, at any depth of its blocks.
                self.body_items(None, &f.sig.ident.to_string(), &f.block);
            }
            syn::Item::Impl(imp) => {
                let self_name = self_type_name(&imp.self_ty);
                if let (Some((_, trait_path, _)), Some(name)) = (&imp.trait_, &self_name) {
                    match trait_path.segments.last().map(|s| s.ident.to_string()) {
                        Some(t) if t == "Copy" => {
                            self.facts.copy_types.push((self.scope, name.clone()))
                        }
                        Some(t) if t == "Clone" => {
                            self.facts.clone_types.push((self.scope, name.clone()))
                        }
                        _ => {}
                    }
                }
                let outer = std::mem::replace(&mut self.generics, generic_names(&imp.generics));
                for impl_item in &imp.items {
                    if let syn::ImplItem::Fn(f) = impl_item {
                        let public =
                            imp.trait_.is_some() || matches!(f.vis, syn::Visibility::Public(_));
                        self.fn_sig(&f.sig, &f.attrs, self_name.clone(), public);
                        let name = f.sig.ident.to_string();
                        self.body_items(self_name.as_deref(), &name, &f.block);
                    }
                }
                self.generics = outer;
            }
            syn::Item::Trait(t) => {
                let trait_name = t.ident.to_string();
                self.current().types.push(trait_name.clone());
                let outer = std::mem::replace(&mut self.generics, generic_names(&t.generics));
                for trait_item in &t.items {
                    if let syn::TraitItem::Fn(f) = trait_item {
                        if let Some(block) = &f.default {
                            let public = matches!(t.vis, syn::Visibility::Public(_));
                            self.fn_sig(&f.sig, &f.attrs, Some(trait_name.clone()), public);
                            let name = f.sig.ident.to_string();
                            self.body_items(Some(&trait_name), &name, block);
                        }
                    }
                }
                self.generics = outer;
            }
            syn::Item::Mod(m) => {
                let name = syn::ext::IdentExt::unraw(&m.ident).to_string();
                self.current().modules.push(name.clone());
                if let Some((_, inner)) = &m.content {
                    let outer = self.in_test;
                    let outer_module = self.module.replace(m.ident.to_string());
                    self.in_test |= crate::semantic::test_code::is_cfg_test(&m.attrs);
                    self.in_scope(name, |cx| cx.items(inner));
                    self.in_test = outer;
                    self.module = outer_module;
                }
            }
            syn::Item::Use(u) => {
                let scope = &mut self.facts.scopes[self.scope as usize];
                let mut prefix = Vec::new();
                if u.leading_colon.is_some() {
                    prefix.push("::".to_owned());
                }
                use_imports(&u.tree, &mut prefix, &mut scope.uses, &mut scope.globs);
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
        self.current().types.push(name.clone());
        let derived = derives(attrs);
        if derived.iter().any(|d| d == "Copy") {
            self.facts.copy_types.push((self.scope, name.clone()));
        }
        if derived.iter().any(|d| d == "Clone") {
            self.facts.clone_types.push((self.scope, name.clone()));
        }
        self.facts.types.push(TypeDef {
            scope: self.scope,
            name,
            fields,
            is_enum,
            generics: generic_names(generics),
            align: repr_align(attrs),
        });
    }
}

/// The items declared in a function body, in any of its blocks (`{ struct Key; impl Drop for
/// Key { .. } }`), but not inside those items: each item studies its own.
fn nested_items(block: &syn::Block) -> Vec<&syn::Item> {
    struct Collect<'a> {
        items: Vec<&'a syn::Item>,
    }
    impl<'a> syn::visit::Visit<'a> for Collect<'a> {
        fn visit_item(&mut self, item: &'a syn::Item) {
            // What phase one's skimmed parse keeps of a body (see `skim`): a body that holds
            // only a type or a `use` is skipped there, so neither is recorded here either, and
            // the walk resolves what a body imports as it goes.
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

/// Whether a method's result borrows from its `&self` (or `&mut self`, `self: &Self`) receiver:
/// its return type holds a reference or a lifetime that elision, or the receiver's own named
/// lifetime, ties to the receiver. `&[T]`, `Option<&T>`, `impl Iterator<Item = &T> + '_`,
/// `std::slice::Iter<'_, T>`, `Ref<'a, T>` from `&'a self`; not `Vec<T>`, `&'static str`, or a
/// reference in the arguments of a closure type it returns (`Box<dyn Fn(&str)>`).
fn borrows_self(sig: &syn::Signature) -> bool {
    use syn::visit::Visit;
    struct Finds<'l> {
        receiver: Option<&'l syn::Lifetime>,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Finds<'_> {
        fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
            self.found |= r.lifetime.is_none();
            syn::visit::visit_type_reference(self, r);
        }
        fn visit_lifetime(&mut self, lifetime: &'ast syn::Lifetime) {
            self.found |= lifetime.ident == "_" || self.receiver == Some(lifetime);
        }
        fn visit_parenthesized_generic_arguments(
            &mut self,
            _: &'ast syn::ParenthesizedGenericArguments,
        ) {
        }
        fn visit_type_bare_fn(&mut self, _: &'ast syn::TypeBareFn) {}
    }
    let Some(syn::FnArg::Receiver(receiver)) = sig.inputs.first() else {
        return false;
    };
    let lifetime = match (&receiver.reference, &*receiver.ty) {
        (Some((_, lifetime)), _) => lifetime.as_ref(),
        (None, syn::Type::Reference(r)) => r.lifetime.as_ref(),
        _ => return false,
    };
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return false;
    };
    let mut finds = Finds {
        receiver: lifetime,
        found: false,
    };
    finds.visit_type(ty);
    finds.found
}

/// The lifetimes a type holds, outside the arguments of closure and function-pointer types
/// (`Box<dyn Fn(&str)>` borrows nothing): the named ones, and how many are elided (`&T`, `'_`).
/// `'static` is neither.
#[derive(Default)]
struct Lifetimes {
    named: Vec<String>,
    elided: usize,
}

impl<'ast> syn::visit::Visit<'ast> for Lifetimes {
    fn visit_type_reference(&mut self, r: &'ast syn::TypeReference) {
        self.elided += usize::from(r.lifetime.is_none());
        syn::visit::visit_type_reference(self, r);
    }
    fn visit_lifetime(&mut self, lifetime: &'ast syn::Lifetime) {
        match lifetime.ident.to_string().as_str() {
            "static" => {}
            "_" => self.elided += 1,
            name => self.named.push(name.to_string()),
        }
    }
    fn visit_parenthesized_generic_arguments(
        &mut self,
        _: &'ast syn::ParenthesizedGenericArguments,
    ) {
    }
    fn visit_type_bare_fn(&mut self, _: &'ast syn::TypeBareFn) {}
}

impl Lifetimes {
    fn of(ty: &syn::Type) -> Self {
        use syn::visit::Visit;
        let mut found = Lifetimes::default();
        found.visit_type(ty);
        found
    }

    fn is_empty(&self) -> bool {
        self.named.is_empty() && self.elided == 0
    }
}

/// The parameters (`self` excluded) a function's result borrows from: those whose type holds a
/// lifetime the return type names (`fn get_writer<'a>(&self, w: &'a mut Option<W>) ->
/// io::Result<&'a mut W>`), and, for an elided lifetime in the return type, the one parameter
/// that holds the inputs' only lifetime when there is no `&self` to take it (`fn first(v:
/// &Vec<T>) -> &T`, `fn head(rows: &[Row]) -> Option<&Row>`). Not a parameter whose lifetime
/// the result does not name (`fn pick<'k>(&self, key: &'k str) -> &str` borrows `self`), nor
/// any of a result holding only `'static` or owned data.
fn borrowed_params(sig: &syn::Signature) -> Vec<usize> {
    let syn::ReturnType::Type(_, ret) = &sig.output else {
        return Vec::new();
    };
    let ret = Lifetimes::of(ret);
    if ret.is_empty() {
        return Vec::new();
    }
    let mut ref_receiver = false;
    let mut receiver_lifetimes = 0;
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(r) => {
                ref_receiver = r.reference.is_some() || matches!(&*r.ty, syn::Type::Reference(_));
                receiver_lifetimes = usize::from(ref_receiver);
            }
            syn::FnArg::Typed(t) => params.push(Lifetimes::of(&t.ty)),
        }
    }
    let mut borrowed: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.named.iter().any(|l| ret.named.contains(l)))
        .map(|(i, _)| i)
        .collect();
    let input_lifetimes = receiver_lifetimes
        + params
            .iter()
            .map(|p| p.named.len() + p.elided)
            .sum::<usize>();
    if ret.elided > 0 && !ref_receiver && input_lifetimes == 1 {
        borrowed.extend(params.iter().position(|p| !p.is_empty()));
    }
    borrowed.sort_unstable();
    borrowed.dedup();
    borrowed
}

#[cfg(test)]
mod tests {
    use super::{borrowed_params, borrows_self};

    fn params(sig: &str) -> Vec<usize> {
        let sig: syn::Signature = syn::parse_str(sig).expect("a signature");
        borrowed_params(&sig)
    }

    #[test]
    fn results_tied_to_an_argument_borrow_it() {
        assert_eq!(
            params("fn get_writer<'a>(&self, w: &'a mut Option<W>) -> io::Result<&'a mut W>"),
            [0]
        );
        assert_eq!(params("fn first<T>(v: &Vec<T>) -> &T"), [0]);
        assert_eq!(
            params("fn head(n: usize, rows: &[Row]) -> Option<&Row>"),
            [1]
        );
        assert_eq!(
            params("fn rows(t: &mut Table) -> impl Iterator<Item = &Row> + '_"),
            [0]
        );
        assert_eq!(
            params("fn pick<'a, 'b>(a: &'a str, b: &'b str, c: &'a str) -> &'a str"),
            [0, 2]
        );
        assert_eq!(params("fn view<'k>(&self, key: &'k str) -> Entry<'k>"), [0]);
    }

    #[test]
    fn results_not_tied_to_an_argument_do_not() {
        assert!(params("fn get(&self, w: &mut Option<W>) -> &W").is_empty());
        assert!(params("fn pick<'k>(&self, key: &'k str) -> &str").is_empty());
        assert!(params("fn longer(a: &str, b: &str) -> String").is_empty());
        assert!(params("fn name(row: &Row) -> &'static str").is_empty());
        assert!(params("fn len(v: &Vec<u8>) -> usize").is_empty());
        assert!(params("fn filter(v: &[u8]) -> Box<dyn Fn(&str) -> bool>").is_empty());
        assert!(params("fn take(v: Vec<u8>) -> Option<u8>").is_empty());
    }

    fn borrows(sig: &str) -> bool {
        let sig: syn::Signature = syn::parse_str(sig).expect("a signature");
        borrows_self(&sig)
    }

    #[test]
    fn results_tied_to_the_receiver_borrow_it() {
        assert!(borrows("fn rows(&self) -> impl Iterator<Item = &Row> + '_"));
        assert!(borrows("fn ids(&self) -> impl Iterator<Item = u64> + '_"));
        assert!(borrows("fn iter(&self) -> std::slice::Iter<'_, Row>"));
        assert!(borrows("fn notes(&mut self) -> RefMut<'_, Vec<String>>"));
        assert!(borrows(
            "fn get<'a>(&'a self, k: &str) -> Option<Ref<'a, V>>"
        ));
        assert!(borrows("fn all(self: &Self) -> &[u64]"));
    }

    #[test]
    fn owned_results_and_other_lifetimes_do_not() {
        assert!(!borrows("fn ids(&self) -> std::vec::IntoIter<u64>"));
        assert!(!borrows("fn name(&self) -> &'static str"));
        assert!(!borrows("fn pick<'k>(&self, key: &'k str) -> &'k str"));
        assert!(!borrows("fn filter(&self) -> Box<dyn Fn(&str) -> bool>"));
        assert!(!borrows("fn take(self) -> Vec<u64>"));
        assert!(!borrows("fn make() -> &'static Row"));
    }
}
