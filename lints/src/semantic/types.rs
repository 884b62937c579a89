//! The crate-wide type table: struct fields, aliases, statics and function signatures from every
//! file, and the questions lints ask of them (what is this field, is this type a deep copy).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::semantic::items::{AliasDef, FnSig, ItemFacts, TypeDef};
use crate::semantic::ty::Ty;

/// Index into [`TypeTable::fns`].
pub(crate) type FnId = usize;

#[derive(Debug, Default)]
pub(crate) struct TypeTable {
    /// Types by name; a name defined twice with different fields is ambiguous and absent.
    types: HashMap<String, TypeDef>,
    aliases: HashMap<String, AliasDef>,
    statics: HashMap<String, Ty>,
    pub(crate) fns: Vec<FnSig>,
    fns_by_name: HashMap<String, Vec<FnId>>,
    copy: HashSet<String>,
    clone: HashSet<String>,
    /// Names of struct fields typed `Arc<_>` anywhere in the crate.
    arc_fields: HashSet<String>,
    /// Every type name the crate defines (structs, enums, unions, aliases), ambiguous ones
    /// included.
    defined: HashSet<String>,
    /// Functions by (file, start of name): how a body finds its own signature.
    fn_at: HashMap<(usize, usize), FnId>,
    /// Integer constants with a literal value.
    int_consts: HashMap<String, u128>,
    /// Lengths of constants and statics that are array literals.
    literal_lens: HashMap<String, usize>,
    /// The module each function is in (its innermost inline module, else its file's module);
    /// `None` at a crate root.
    fn_modules: Vec<Option<String>>,
}

impl TypeTable {
    /// Builds the table from every file's facts; `files` names the files (for module names).
    pub(crate) fn build(
        facts: impl IntoIterator<Item = ItemFacts>,
        files: &[crate::SourceFile],
    ) -> TypeTable {
        let mut table = TypeTable::default();
        let mut ambiguous = HashSet::default();
        for file in facts {
            for def in file.types {
                table.defined.insert(def.name.clone());
                if let Some(existing) = table.types.get(&def.name) {
                    let same = existing.fields.len() == def.fields.len()
                        && existing
                            .fields
                            .iter()
                            .zip(&def.fields)
                            .all(|(a, b)| a.name == b.name && a.ty == b.ty);
                    if !same {
                        ambiguous.insert(def.name.clone());
                    }
                    continue;
                }
                table.types.insert(def.name.clone(), def);
            }
            for alias in file.aliases {
                table.defined.insert(alias.name.clone());
                if table.aliases.contains_key(&alias.name) {
                    ambiguous.insert(format!("type {}", alias.name));
                }
                table.aliases.insert(alias.name.clone(), alias);
            }
            for (name, ty) in file.statics {
                table.statics.insert(name, ty);
            }
            table.int_consts.extend(file.int_consts);
            table.literal_lens.extend(file.literal_lens);
            for sig in file.fns {
                let id = table.fns.len();
                let module = sig
                    .inline_module
                    .clone()
                    .or_else(|| files.get(sig.file).and_then(|f| file_module(&f.path)));
                table.fn_modules.push(module);
                table
                    .fns_by_name
                    .entry(sig.name.clone())
                    .or_default()
                    .push(id);
                table.fn_at.insert((sig.file, sig.span.start), id);
                table.fns.push(sig);
            }
            table.copy.extend(file.copy_types);
            table.clone.extend(file.clone_types);
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
            match name.strip_prefix("type ") {
                Some(alias) => table.aliases.remove(alias).map(|_| ()),
                None => table.types.remove(&name).map(|_| ()),
            };
        }
        table
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

    /// The module a function is declared in (see [`TypeTable::fn_modules`]).
    pub(crate) fn module_of(&self, id: FnId) -> Option<&str> {
        self.fn_modules.get(id).and_then(|m| m.as_deref())
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

    /// Whether the crate defines a type of this name (then a path to it may mean the crate's
    /// own type, whatever the standard library has by that name).
    pub(crate) fn defines(&self, name: &str) -> bool {
        self.defined.contains(name)
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

/// The module a file is: `src/pool.rs` and `src/pool/mod.rs` are `pool`; crate roots
/// (`lib.rs`, `main.rs`) are none.
fn file_module(path: &std::path::Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    match stem {
        "lib" | "main" | "build" => None,
        "mod" => path
            .parent()
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str())
            .map(str::to_owned),
        other => Some(other.to_owned()),
    }
}

/// Replaces generic parameters by arguments.
fn substitute(ty: &Ty, params: &[String], args: &[Ty]) -> Ty {
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
