//! The crate-wide type table: struct fields, aliases, statics and function signatures from every
//! file, and the questions lints ask of them (what is this field, is this type a deep copy).

use index_vec::IndexVec;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::semantic::items::{AliasDef, FnSig, ItemFacts, TypeDef};
use crate::semantic::names::{Memo, Resolver};
use crate::semantic::ty::Ty;

pub(crate) use crate::semantic::ids::FnId;

#[derive(Debug, Default)]
pub(crate) struct TypeTable {
    /// Types by canonical path; a path defined twice with different fields is ambiguous and
    /// absent.
    types: HashMap<String, TypeDef>,
    aliases: HashMap<String, AliasDef>,
    statics: HashMap<String, Ty>,
    pub(crate) fns: IndexVec<FnId, FnSig>,
    fns_by_name: HashMap<String, Vec<FnId>>,
    copy: HashSet<String>,
    clone: HashSet<String>,
    /// Names of struct fields typed `Arc<_>` anywhere in the crate.
    arc_fields: HashSet<String>,
    /// Functions by (file, start of name): how a body finds its own signature.
    fn_at: HashMap<(usize, usize), FnId>,
    /// Integer constants with a literal value.
    int_consts: HashMap<String, u128>,
    /// Lengths of constants and statics that are array literals.
    literal_lens: HashMap<String, usize>,
    /// Free functions by canonical path.
    fns_by_path: HashMap<String, Vec<FnId>>,
    resolver: Resolver,
}

impl TypeTable {
    /// Builds the table from every file's facts (by file number), resolving every path they
    /// wrote: `modules` is each file's module path (see [`Resolver`]), `crate_name` the name
    /// the crate's other targets reach the library by.
    pub(crate) fn build(
        facts: Vec<(usize, ItemFacts)>,
        modules: &[String],
        crate_name: &str,
    ) -> TypeTable {
        let resolver = Resolver::new(
            modules,
            facts.iter().map(|(file, f)| (*file, f.scopes.as_slice())),
            crate_name,
        );
        let mut table = TypeTable::default();
        let mut ambiguous = HashSet::default();
        let mut memo = Memo::default();
        for (file, facts) in facts {
            let scope = |s: u32| resolver.scope_path(file, s).to_owned();
            let mut resolve = |s: u32, ty: &Ty, generics: &[String]| {
                resolver.resolve_ty(resolver.file_scope(file, s), ty, generics, &mut memo)
            };
            for mut def in facts.types {
                let generics = def.generics.clone();
                for field in &mut def.fields {
                    field.ty = resolve(def.scope, &field.ty, &generics);
                }
                def.name = format!("{}::{}", scope(def.scope), def.name);
                // The `#[cfg]` variants of one item (a loom build's and the standard one) are one
                // item: the first is kept. Two different definitions of one path are ambiguous.
                if let Some(existing) = table.types.get(&def.name) {
                    let same = existing.fields.len() == def.fields.len()
                        && existing
                            .fields
                            .iter()
                            .zip(&def.fields)
                            .all(|(a, b)| a.name == b.name);
                    if !same {
                        ambiguous.insert(def.name.clone());
                    }
                    continue;
                }
                table.types.insert(def.name.clone(), def);
            }
            for mut alias in facts.aliases {
                alias.ty = resolve(alias.scope, &alias.ty, &alias.params);
                alias.name = format!("{}::{}", scope(alias.scope), alias.name);
                table.aliases.entry(alias.name.clone()).or_insert(alias);
            }
            for (s, name, ty) in facts.statics {
                let ty = resolve(s, &ty, &[]);
                table.statics.insert(format!("{}::{name}", scope(s)), ty);
            }
            for (s, name, value) in facts.int_consts {
                table
                    .int_consts
                    .insert(format!("{}::{name}", scope(s)), value);
            }
            for (s, name, len) in facts.literal_lens {
                table
                    .literal_lens
                    .insert(format!("{}::{name}", scope(s)), len);
            }
            for mut sig in facts.fns {
                let id = table.fns.next_idx();
                let home = scope(sig.scope);
                let home_id = resolver.file_scope(file, sig.scope);
                sig.self_ty = sig
                    .self_ty
                    .map(|written| resolver.type_name(home_id, &written, &sig.generics, &mut memo));
                sig.params = sig
                    .params
                    .iter()
                    .map(|p| resolver.resolve_ty(home_id, p, &sig.generics, &mut memo))
                    .collect();
                sig.ret = resolver.resolve_ty(home_id, &sig.ret, &sig.generics, &mut memo);
                if sig.self_ty.is_none() {
                    table
                        .fns_by_path
                        .entry(format!("{home}::{}", sig.name))
                        .or_default()
                        .push(id);
                }
                table
                    .fns_by_name
                    .entry(sig.name.clone())
                    .or_default()
                    .push(id);
                table.fn_at.insert((sig.file, sig.span.start), id);
                table.fns.push(sig);
            }
            for (s, written) in facts.copy_types {
                let scope = resolver.file_scope(file, s);
                table
                    .copy
                    .insert(resolver.type_name(scope, &written, &[], &mut memo));
            }
            for (s, written) in facts.clone_types {
                let scope = resolver.file_scope(file, s);
                table
                    .clone
                    .insert(resolver.type_name(scope, &written, &[], &mut memo));
            }
        }
        // Through aliases too: `inner: CoreRef` with `type CoreRef = Arc<Core>`.
        let arc_fields = table
            .types
            .values()
            .flat_map(|def| &def.fields)
            .filter(|f| table.resolve(&f.ty).is_arc())
            .map(|f| f.name.clone())
            .collect();
        table.arc_fields = arc_fields;
        for name in ambiguous {
            table.types.remove(&name);
        }
        table.resolver = resolver;
        table
    }

    /// How paths resolve in this crate.
    pub(crate) fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    /// The free functions whose canonical path is `path`.
    pub(crate) fn fns_at_path(&self, path: &str) -> &[FnId] {
        self.fns_by_path.get(path).map_or(&[], Vec::as_slice)
    }

    /// Expands type aliases (transitively, with generic parameters substituted).
    pub(crate) fn resolve(&self, ty: &Ty) -> Ty {
        self.resolve_depth(ty, 0)
    }

    fn resolve_depth(&self, ty: &Ty, depth: usize) -> Ty {
        if depth > 16 {
            return Ty::Unknown;
        }
        match ty {
            Ty::Named(name, args) => {
                let args: Vec<Ty> = args
                    .iter()
                    .map(|a| self.resolve_depth(a, depth + 1))
                    .collect();
                match self.aliases.get(name) {
                    Some(alias) => {
                        let substituted = substitute(&alias.ty, &alias.params, &args);
                        self.resolve_depth(&substituted, depth + 1)
                    }
                    None => Ty::Named(name.clone(), args),
                }
            }
            Ty::Ref(inner) => Ty::Ref(Box::new(self.resolve_depth(inner, depth + 1))),
            Ty::Ptr(inner) => Ty::Ptr(Box::new(self.resolve_depth(inner, depth + 1))),
            Ty::Slice(inner) => Ty::Slice(Box::new(self.resolve_depth(inner, depth + 1))),
            Ty::Tuple(items) => Ty::Tuple(
                items
                    .iter()
                    .map(|t| self.resolve_depth(t, depth + 1))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The length of a constant or static array literal.
    pub(crate) fn literal_len(&self, name: &str) -> Option<usize> {
        self.literal_lens.get(name).copied()
    }

    /// The value of an integer constant.
    pub(crate) fn int_const(&self, name: &str) -> Option<u128> {
        self.int_consts.get(name).copied()
    }

    /// The function whose name starts at `offset` in `file`.
    pub(crate) fn fn_at(&self, file: usize, offset: usize) -> Option<FnId> {
        self.fn_at.get(&(file, offset)).copied()
    }

    /// Whether some struct of the crate has a field of this name typed `Arc<_>`.
    pub(crate) fn has_arc_field_named(&self, name: &str) -> bool {
        self.arc_fields.contains(name)
    }

    /// Whether a crate type derives or implements `Clone`.
    pub(crate) fn is_clone(&self, name: &str) -> bool {
        self.clone.contains(name)
    }

    /// Whether the crate defines a type alias of this name.
    pub(crate) fn is_alias(&self, name: &str) -> bool {
        self.aliases.contains_key(name)
    }

    /// A crate type definition by name.
    pub(crate) fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(name)
    }

    /// The type of `owner.field`, auto-dereferencing `owner`; aliases resolved.
    pub(crate) fn field(&self, owner: &Ty, field: &str) -> Ty {
        let owner = self.resolve(owner);
        let owner = owner.auto_deref();
        match owner {
            Ty::Tuple(items) => field
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i).cloned())
                .unwrap_or_default(),
            Ty::Named(name, args) => {
                let Some(def) = self.types.get(name) else {
                    return Ty::Unknown;
                };
                if def.is_enum {
                    return Ty::Unknown;
                }
                def.fields
                    .iter()
                    .find(|f| f.name == field)
                    .map(|f| self.resolve(&substitute(&f.ty, &def.generics, args)))
                    .unwrap_or_default()
            }
            _ => Ty::Unknown,
        }
    }

    /// A static's or const's type.
    pub(crate) fn static_ty(&self, name: &str) -> Option<Ty> {
        self.statics.get(name).map(|t| self.resolve(t))
    }

    /// Functions named `name` taking `arity` arguments besides `self`, filtered by impl type
    /// when known. `method` says whether the call was `x.name(..)` (needs a `self`).
    pub(crate) fn candidates(
        &self,
        name: &str,
        arity: usize,
        self_ty: Option<&str>,
        method: bool,
    ) -> Vec<FnId> {
        let Some(ids) = self.fns_by_name.get(name) else {
            return Vec::new();
        };
        ids.iter()
            .copied()
            .filter(|&id| {
                let sig = &self.fns[id];
                sig.params.len() == arity
                    && (!method || sig.has_self)
                    && match self_ty {
                        Some(t) => sig.self_ty.as_deref() == Some(t),
                        None => true,
                    }
            })
            .collect()
    }

    /// Whether copying this type copies a collection or buffer: like [`Self::is_deep`] but a
    /// lone string (a name, a host) does not count.
    pub(crate) fn is_bulk(&self, ty: &Ty) -> bool {
        let ty = self.resolve(ty);
        let stringy = |t: &Ty| {
            matches!(
                t.name(),
                Some("String" | "PathBuf" | "OsString" | "CString")
            )
        };
        match &ty {
            t if stringy(t) => false,
            Ty::Named(n, args) if n == "Option" || n == "Result" || n == "Cow" => {
                args.first().is_some_and(|a| self.is_bulk(a))
            }
            Ty::Named(n, _) if self.types.contains_key(n) => self.types[n].fields.iter().any(|f| {
                let field = self.resolve(&f.ty);
                !stringy(&field) && self.is_deep(&field)
            }),
            t => self.is_deep(t),
        }
    }

    /// Whether `clone` of this type copies heap data that grows with its size: strings and
    /// collections, and crate types holding them. Reference-counted pointers, `Copy` types and
    /// unknown types are not deep.
    pub(crate) fn is_deep(&self, ty: &Ty) -> bool {
        self.is_deep_depth(&self.resolve(ty), 0)
    }

    fn is_deep_depth(&self, ty: &Ty, depth: usize) -> bool {
        if depth > 6 {
            return false;
        }
        match ty {
            Ty::Named(name, args) => {
                if ty.is_refcounted() || self.copy.contains(name) {
                    return false;
                }
                // A `Box<dyn Trait>` copies what its trait's clone copies: not in sight.
                if name == "Box" && matches!(args.first(), None | Some(Ty::Unknown | Ty::Callable))
                {
                    return false;
                }
                if ty.is_std_deep() {
                    return true;
                }
                match name.as_str() {
                    "Option" | "Result" | "Cow" => {
                        args.iter().any(|a| self.is_deep_depth(a, depth + 1))
                    }
                    _ => self.types.get(name).is_some_and(|def| {
                        def.fields
                            .iter()
                            .any(|f| self.is_deep_depth(&self.resolve(&f.ty), depth + 1))
                    }),
                }
            }
            Ty::Tuple(items) => items.iter().any(|t| self.is_deep_depth(t, depth + 1)),
            Ty::Slice(_) => true,
            _ => false,
        }
    }
}

/// Replaces generic parameters by arguments.
pub(crate) fn substitute(ty: &Ty, params: &[String], args: &[Ty]) -> Ty {
    if params.is_empty() {
        return ty.clone();
    }
    match ty {
        Ty::Named(name, inner) if inner.is_empty() => match params.iter().position(|p| p == name) {
            Some(i) => args.get(i).cloned().unwrap_or_default(),
            None => ty.clone(),
        },
        Ty::Named(name, inner) => Ty::Named(
            name.clone(),
            inner.iter().map(|t| substitute(t, params, args)).collect(),
        ),
        Ty::Ref(inner) => Ty::Ref(Box::new(substitute(inner, params, args))),
        Ty::Ptr(inner) => Ty::Ptr(Box::new(substitute(inner, params, args))),
        Ty::Slice(inner) => Ty::Slice(Box::new(substitute(inner, params, args))),
        Ty::Tuple(items) => Ty::Tuple(items.iter().map(|t| substitute(t, params, args)).collect()),
        other => other.clone(),
    }
}
