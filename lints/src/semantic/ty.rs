//! A small type language: enough of Rust's types to tell an `Arc` from an `Rc`, a lock from what
//! it guards, a buffer from a scalar. A type of the crate is named by its canonical path
//! (`crate::server::State`), once the crate's table has resolved the path the source wrote; a
//! type from elsewhere keeps only its last segment (`std::sync::Arc` and `Arc` are the same to
//! us). Messages show every type by its last segment.

use rustc_hash::FxHashMap as HashMap;

/// A type as far as the source tells.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub(crate) enum Ty {
    /// A named type with its generic arguments: `Arc<Mutex<u64>>`, `u64`, `MyStruct`.
    Named(String, Vec<Ty>),
    /// `&T` or `&mut T`.
    Ref(Box<Ty>),
    /// `*const T` / `*mut T`.
    Ptr(Box<Ty>),
    Tuple(Vec<Ty>),
    /// `[T]` and `[T; N]`.
    Slice(Box<Ty>),
    /// Closures, function pointers, `impl Fn..`, `dyn Fn..`.
    Callable,
    /// An integer whose width the source leaves to inference (`0`).
    IntLiteral,
    #[default]
    Unknown,
}

/// Integer, `bool` and `char` names.
const SCALARS: &[&str] = &[
    "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize", "bool", "char",
];

/// Smart pointers and guards that dereference to their first type argument.
const DEREFS_TO_FIRST_ARG: &[&str] = &[
    "Arc",
    "Rc",
    "Box",
    "MutexGuard",
    "RwLockReadGuard",
    "RwLockWriteGuard",
    "CachePadded",
    "ManuallyDrop",
    "LazyLock",
    "Lazy",
];

/// Whether a `name<args>` dereferences to its first argument: a smart pointer or a guard of
/// [`DEREFS_TO_FIRST_ARG`], a `RefCell`'s `Ref<T>`/`RefMut<T>` (one argument: a map's entry
/// reference `Ref<K, V>` dereferences to its value), or a web framework's extractor.
fn derefs_to_first_arg(name: &str, args: &[Ty]) -> bool {
    DEREFS_TO_FIRST_ARG.contains(&name)
        || (matches!(name, "Ref" | "RefMut") && args.len() == 1)
        || (EXTRACTORS.contains(&name) && args.len() == 1)
}

/// Web frameworks' request extractors and shared-state handles, each of one type argument that
/// it dereferences to: axum's `State<T>` and `Extension<T>`, actix-web's `Data<T>` (an `Arc`),
/// `Json<T>` of both. Types of the crate's own are named by their path, so never these.
const EXTRACTORS: &[&str] = &["State", "Extension", "Data", "Json"];

/// Standard types whose `clone` copies heap data.
const DEEP_STD: &[&str] = &[
    "String",
    "Vec",
    "VecDeque",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "BinaryHeap",
    "LinkedList",
    "Box",
    "PathBuf",
    "OsString",
    "CString",
];

/// The last segment of a path: how a type is named in messages and compared with the names of
/// types from elsewhere.
pub(crate) fn short_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

impl Ty {
    pub(crate) fn named(name: &str, args: Vec<Ty>) -> Ty {
        Ty::Named(name.to_owned(), args)
    }

    pub(crate) fn name(&self) -> Option<&str> {
        match self {
            Ty::Named(name, _) => Some(name),
            _ => None,
        }
    }

    pub(crate) fn is_named(&self, name: &str) -> bool {
        self.name() == Some(name)
    }

    /// The `i`th generic argument of a named type.
    pub(crate) fn arg(&self, i: usize) -> Ty {
        match self {
            Ty::Named(_, args) => args.get(i).cloned().unwrap_or_default(),
            _ => Ty::Unknown,
        }
    }

    pub(crate) fn is_known(&self) -> bool {
        !matches!(self, Ty::Unknown)
    }

    /// Removes references.
    pub(crate) fn peel_refs(&self) -> &Ty {
        let mut ty = self;
        while let Ty::Ref(inner) = ty {
            ty = inner;
        }
        ty
    }

    /// `Arc<T>` (after references).
    pub(crate) fn is_arc(&self) -> bool {
        self.peel_refs().is_named("Arc")
    }

    /// A reference-counted pointer of any kind: its clone is a count increment, not a copy.
    pub(crate) fn is_refcounted(&self) -> bool {
        matches!(self.peel_refs().name(), Some("Arc" | "Rc" | "Weak"))
    }

    /// What `*x` or auto-deref through one smart pointer or guard gives.
    pub(crate) fn deref(&self) -> Ty {
        match self {
            Ty::Ref(inner) | Ty::Ptr(inner) => (**inner).clone(),
            Ty::Named(name, args) if derefs_to_first_arg(name, args) => {
                args.first().cloned().unwrap_or_default()
            }
            Ty::Named(name, _) if name == "String" => Ty::named("str", vec![]),
            Ty::Named(name, args) if name == "Vec" => {
                Ty::Slice(Box::new(args.first().cloned().unwrap_or_default()))
            }
            _ => Ty::Unknown,
        }
    }

    /// Follows references, smart pointers and guards down to the value (for field access and
    /// method calls, which auto-deref).
    pub(crate) fn auto_deref(&self) -> &Ty {
        let mut ty = self.peel_refs();
        loop {
            match ty {
                Ty::Named(name, args) if derefs_to_first_arg(name, args) && !args.is_empty() => {
                    ty = args[0].peel_refs();
                }
                _ => return ty,
            }
        }
    }

    /// `Mutex<T>` or `RwLock<T>` behind any references and `Arc`s: the lock kind and `T`.
    pub(crate) fn lock(&self) -> Option<(LockKind, &Ty)> {
        let mut ty = self.peel_refs();
        while let Ty::Named(name, args) = ty {
            match name.as_str() {
                "Arc" | "Box" | "Rc" | "LazyLock" | "Lazy" if !args.is_empty() => {
                    ty = args[0].peel_refs();
                }
                "Mutex" | "FairMutex" | "ReentrantMutex" => {
                    return args.first().map(|inner| (LockKind::Mutex, inner));
                }
                "RwLock" => return args.first().map(|inner| (LockKind::RwLock, inner)),
                _ => return None,
            }
        }
        None
    }

    /// The integer, `bool` or `char` name, or `IntLiteral`.
    pub(crate) fn scalar(&self) -> Option<&str> {
        match self {
            Ty::Named(name, args) if args.is_empty() && SCALARS.contains(&name.as_str()) => {
                Some(name)
            }
            Ty::IntLiteral => Some("{integer}"),
            Ty::Ptr(_) => Some("pointer"),
            _ => None,
        }
    }

    /// The element type of a collection or iterator item type; `Unknown` when not one.
    pub(crate) fn element(&self) -> Ty {
        match self.auto_deref() {
            Ty::Slice(inner) => (**inner).clone(),
            Ty::Named(name, args) => match name.as_str() {
                "Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "BinaryHeap" | "LinkedList"
                | "Iter" | "Array" => args.first().cloned().unwrap_or_default(),
                "HashMap" | "BTreeMap" => Ty::Tuple(vec![
                    args.first().cloned().unwrap_or_default(),
                    args.get(1).cloned().unwrap_or_default(),
                ]),
                "Range" | "RangeInclusive" => args.first().cloned().unwrap_or(Ty::IntLiteral),
                _ => Ty::Unknown,
            },
            _ => Ty::Unknown,
        }
    }

    /// Whether values of this standard type are heap buffers copied whole by `clone`.
    pub(crate) fn is_std_deep(&self) -> bool {
        matches!(self, Ty::Named(name, _) if DEEP_STD.contains(&name.as_str()))
    }

    /// Shown in messages: `Arc<Mutex<u64>>`.
    pub(crate) fn display(&self) -> String {
        match self {
            Ty::Named(name, args) if args.is_empty() => short_name(name).to_owned(),
            Ty::Named(name, args) => format!(
                "{}<{}>",
                short_name(name),
                args.iter().map(Ty::display).collect::<Vec<_>>().join(", ")
            ),
            Ty::Ref(inner) => format!("&{}", inner.display()),
            Ty::Ptr(inner) => format!("*mut {}", inner.display()),
            Ty::Tuple(items) => format!(
                "({})",
                items.iter().map(Ty::display).collect::<Vec<_>>().join(", ")
            ),
            Ty::Slice(inner) => format!("[{}]", inner.display()),
            Ty::Callable => "impl Fn".into(),
            Ty::IntLiteral => "{integer}".into(),
            Ty::Unknown => "_".into(),
        }
    }
}

/// Which kind of lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub(crate) enum LockKind {
    Mutex,
    RwLock,
}

/// The names a file gives to well-known types through `use path::Name as Other;`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Renames(HashMap<String, String>);

/// Names we resolve renames for: the types the lints reason about.
const WELL_KNOWN: &[&str] = &[
    "Arc",
    "Rc",
    "Weak",
    "Mutex",
    "RwLock",
    "Condvar",
    "HashMap",
    "BTreeMap",
    "HashSet",
    "Vec",
    "String",
    "AtomicPtr",
    "AtomicU64",
    "AtomicUsize",
    "CachePadded",
    "FairMutex",
];

impl Renames {
    /// Collects the renames of a file's `use` items (at any depth of inline modules).
    pub(crate) fn of_items(items: &[syn::Item]) -> Renames {
        fn tree(t: &syn::UseTree, out: &mut HashMap<String, String>) {
            match t {
                syn::UseTree::Path(p) => tree(&p.tree, out),
                syn::UseTree::Rename(r) => {
                    let original = r.ident.to_string();
                    if WELL_KNOWN.contains(&original.as_str()) {
                        out.insert(r.rename.to_string(), original);
                    }
                }
                syn::UseTree::Group(g) => g.items.iter().for_each(|t| tree(t, out)),
                _ => {}
            }
        }
        fn walk(items: &[syn::Item], out: &mut HashMap<String, String>) {
            for item in items {
                match item {
                    syn::Item::Use(u) => tree(&u.tree, out),
                    syn::Item::Mod(m) => {
                        if let Some((_, inner)) = &m.content {
                            walk(inner, out);
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut out = HashMap::default();
        walk(items, &mut out);
        Renames(out)
    }

    fn resolve<'a>(&'a self, name: &'a str) -> &'a str {
        self.0.get(name).map(String::as_str).unwrap_or(name)
    }

    /// Converts a syn type.
    pub(crate) fn ty(&self, ty: &syn::Type) -> Ty {
        match ty {
            syn::Type::Path(p) => match &p.qself {
                Some(_) => Ty::Unknown,
                None => self.path(&p.path),
            },
            syn::Type::Reference(r) => Ty::Ref(Box::new(self.ty(&r.elem))),
            syn::Type::Ptr(p) => Ty::Ptr(Box::new(self.ty(&p.elem))),
            syn::Type::Tuple(t) => Ty::Tuple(t.elems.iter().map(|e| self.ty(e)).collect()),
            syn::Type::Slice(s) => Ty::Slice(Box::new(self.ty(&s.elem))),
            // A fixed-size array is inline data, not a buffer that grows.
            syn::Type::Array(a) => Ty::Named("Array".into(), vec![self.ty(&a.elem)]),
            syn::Type::Paren(p) => self.ty(&p.elem),
            syn::Type::Group(g) => self.ty(&g.elem),
            syn::Type::BareFn(_) => Ty::Callable,
            syn::Type::ImplTrait(t) => self.bounds_ty(&t.bounds),
            syn::Type::TraitObject(t) => self.bounds_ty(&t.bounds),
            _ => Ty::Unknown,
        }
    }

    /// `impl Fn(..)` / `dyn FnMut(..)` are callables; `impl Iterator<Item = T>` (and the other
    /// iterator traits) an iterator of `T`; other trait objects are unknown.
    fn bounds_ty(
        &self,
        bounds: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>,
    ) -> Ty {
        const ITERATORS: &[&str] = &[
            "Iterator",
            "DoubleEndedIterator",
            "ExactSizeIterator",
            "IntoIterator",
            "ParallelIterator",
            "IndexedParallelIterator",
        ];
        let mut item = None;
        for bound in bounds {
            let syn::TypeParamBound::Trait(t) = bound else {
                continue;
            };
            let Some(last) = t.path.segments.last() else {
                continue;
            };
            let name = last.ident.to_string();
            if matches!(name.as_str(), "Fn" | "FnMut" | "FnOnce") {
                return Ty::Callable;
            }
            if !ITERATORS.contains(&name.as_str()) {
                continue;
            }
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                item = item.or_else(|| {
                    args.args.iter().find_map(|arg| match arg {
                        syn::GenericArgument::AssocType(a) if a.ident == "Item" => {
                            Some(self.ty(&a.ty))
                        }
                        _ => None,
                    })
                });
            }
        }
        item.map_or(Ty::Unknown, |item| Ty::named("Iter", vec![item]))
    }

    /// Converts a path used as a type, with its type arguments: a bare name renamed, a longer
    /// path as written (`super::State`, `::std::sync::Arc`), for the crate's table to resolve.
    pub(crate) fn path(&self, path: &syn::Path) -> Ty {
        let Some(last) = path.segments.last() else {
            return Ty::Unknown;
        };
        let name = last.ident.to_string();
        let args = match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => a
                .args
                .iter()
                .filter_map(|arg| match arg {
                    syn::GenericArgument::Type(t) => Some(self.ty(t)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        // A path of several segments names exactly what it says; renames apply to bare names.
        let name = if path.segments.len() == 1 && path.leading_colon.is_none() {
            self.resolve(&name).to_owned()
        } else {
            written_path(path)
        };
        Ty::Named(name, args)
    }
}

/// A path as written, its segments joined by `::` (with a leading `::` when it has one), without
/// generic arguments.
pub(crate) fn written_path(path: &syn::Path) -> String {
    let mut out = String::new();
    if path.leading_colon.is_some() {
        out.push_str("::");
    }
    for (i, segment) in path.segments.iter().enumerate() {
        if i > 0 {
            out.push_str("::");
        }
        out.push_str(&segment.ident.to_string());
    }
    out
}
