//! A map behind one lock rewritten as a `dashmap::DashMap` (`single_lock_map`'s fix), in a crate
//! that already uses dashmap: the map's entries spread over shards with a lock each. As with
//! `read_mostly_rwlock`'s fix (see `swap`), every place that names the lock needs a rewrite:
//! - the declared `Mutex<HashMap<K, V>>` (`RwLock` too; through `Arc`, `Box`, `Option`) becomes
//!   `DashMap<K, V>`, and where it is made `Mutex::new(HashMap::new())` becomes
//!   `DashMap::new()` (`with_capacity` likewise; another map's value is collected into one);
//! - a call through the lock of a method the `DashMap` has with the same meaning (`insert`,
//!   `contains_key`, `len`, `is_empty`, `entry`, `retain`, `clear`, and `remove` when its
//!   result is dropped) is made on the map itself: `m.lock().unwrap().insert(k, v)` becomes
//!   `m.insert(k, v)`; `get(&k).cloned()` becomes `get(&k).map(|v| v.value().clone())`, and
//!   `get_mut(&k)` `get_mut(&k).as_deref_mut()`.

use syn::Expr;

use super::atomic::Ctor;
use super::swap::{self, SwapSites, acquired, literal_ctors, names_crate_type, written};
use crate::diagnostic::{Edit, Suggestion};
use crate::semantic::ty::Ty;
use crate::semantic::walker::{Cx, DeclKey, Later, LockDecl, LockUse, path_tail, strip_parens};

/// What the walk of a file records for the rewrite (the same places as `swap`'s).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct ShardSites(SwapSites);

impl crate::rules::Merge for ShardSites {
    fn merge(&mut self, other: Self) {
        crate::rules::Merge::merge(&mut self.0, other.0);
    }
}

/// Methods of `HashMap` that `DashMap` has with the same arguments and result.
const SAME: &[&str] = &[
    "insert",
    "contains_key",
    "len",
    "is_empty",
    "get_mut",
    "entry",
    "retain",
    "clear",
];

/// A lock the fix shards: a `Mutex` or `RwLock` around a `HashMap<K, V>` with the default
/// hasher.
fn shardable(cx: &Cx<'_, '_>, ty: &Ty) -> Option<Ty> {
    let ty = cx.table().resolve(ty);
    let (_, inner) = ty.lock()?;
    match inner {
        Ty::Named(name, args) if name == "HashMap" && args.len() == 2 => Some(inner.clone()),
        _ => None,
    }
}

fn mention(cx: &Cx<'_, '_>, expr: &Expr) -> Option<DeclKey> {
    super::atomic::lock_mention(cx, expr, shardable).map(|(key, _)| key)
}

/// `m.lock().unwrap()` (`.expect(..)`, `.await`, `read()`, `write()`): `m`.
fn locked(expr: &Expr) -> Option<&Expr> {
    acquired(expr, false)
        .or_else(|| acquired(expr, true))
        .or_else(|| {
            let call = match strip_parens(expr) {
                Expr::Await(a) => strip_parens(&a.base),
                Expr::MethodCall(m)
                    if matches!(m.method.to_string().as_str(), "unwrap" | "expect") =>
                {
                    strip_parens(&m.receiver)
                }
                other => other,
            };
            match call {
                Expr::MethodCall(m) if m.method == "lock" && m.args.is_empty() => {
                    Some(&*m.receiver)
                }
                _ => None,
            }
        })
}

fn dash_map(cx: &Cx<'_, '_>, imports: &mut Vec<String>) -> String {
    let (name, import) = written(cx, "DashMap", &["dashmap", "DashMap"]);
    imports.extend(import);
    name
}

impl ShardSites {
    /// Records what `expr` is to the rewrite: a mention, or a call through the lock.
    pub(crate) fn expr(&mut self, cx: &Cx<'_, '_>, expr: &Expr) {
        let sites = &mut self.0;
        if let Some(key) = mention(cx, expr) {
            sites.mentions.push((key, cx.file(), cx.span_of(expr)));
            return;
        }
        if let Expr::Struct(literal) = expr {
            self.literal(cx, literal);
            return;
        }
        let Expr::MethodCall(m) = expr else {
            return;
        };
        let method = m.method.to_string();
        // `m.lock().unwrap().get(&k).cloned()`: the value copied out of the shard's guard.
        if matches!(method.as_str(), "cloned" | "copied") && m.args.is_empty() {
            let Expr::MethodCall(get) = strip_parens(&m.receiver) else {
                return;
            };
            if get.method != "get" || get.args.len() != 1 {
                return;
            }
            let Some(root) = locked(&get.receiver) else {
                return;
            };
            let Some(key) = mention(cx, root) else {
                return;
            };
            let value = if method == "cloned" {
                "v.value().clone()"
            } else {
                "*v.value()"
            };
            let edits = super::text(root)
                .zip(super::text(&get.args[0]))
                .map(|(root, k)| {
                    vec![super::replace(
                        cx.span_of(expr),
                        format!("{root}.get({k}).map(|v| {value})"),
                    )]
                });
            sites.cover(cx, key, root, cx.span_of(expr), edits, Vec::new());
            return;
        }
        let same = SAME.contains(&method.as_str()) || method == "remove" && cx.is_discarded();
        let Some(root) = locked(&m.receiver) else {
            return;
        };
        let Some(key) = mention(cx, root) else {
            return;
        };
        if method == "get_mut" {
            // A shard's `RefMut` needs a `mut` binding to be written through; the `&mut V` it
            // derefs to does not, as the guard's `get_mut` gave.
            let args: Option<Vec<String>> = m.args.iter().map(super::text).collect();
            let edits = super::text(root).zip(args).map(|(root, args)| {
                vec![super::replace(
                    cx.span_of(expr),
                    format!("{root}.get_mut({}).as_deref_mut()", args.join(", ")),
                )]
            });
            sites.cover(cx, key, root, cx.span_of(expr), edits, Vec::new());
            return;
        }
        let edits = same
            .then(|| super::text(root))
            .flatten()
            .map(|root| vec![super::replace(cx.span_of(&*m.receiver), root)]);
        sites.cover(cx, key, root, cx.span_of(&*m.receiver), edits, Vec::new());
    }

    /// A struct literal: how it makes the fields that are maps behind one lock.
    fn literal(&mut self, cx: &Cx<'_, '_>, literal: &syn::ExprStruct) {
        let made = literal_ctors(cx, literal, shardable, |imports, value| {
            ctor_edits(cx, imports, value)
        });
        self.0.ctors.extend(made);
    }

    /// Records a `let`: a lock made, or a mention bound to another name.
    pub(crate) fn local(&mut self, cx: &Cx<'_, '_>, local: &syn::Local, _: Later<'_>) {
        let Some(init) = local.init.as_ref().filter(|i| i.diverge.is_none()) else {
            return;
        };
        let (pat, annotated) = match &local.pat {
            syn::Pat::Type(t) => (&*t.pat, true),
            pat => (pat, false),
        };
        if super::makes_lock(&init.expr, &["Mutex", "RwLock"])
            && shardable(cx, &cx.type_ahead(&init.expr)).is_some()
        {
            let mut imports = Vec::new();
            let edits = ctor_edits(cx, &mut imports, &init.expr);
            self.0.ctors.push(Ctor {
                key: DeclKey::Local(cx.file(), cx.span(local.let_token.span).start),
                file: cx.file(),
                edits,
                imports,
            });
            return;
        }
        let syn::Pat::Ident(p) = pat else { return };
        if p.by_ref.is_some() {
            return;
        }
        // A mention bound to a name: an `Arc` or reference of the map now.
        let bound = super::atomic::lent(&init.expr);
        if let Some(key) = mention(cx, bound) {
            let edits = (!annotated).then(Vec::new);
            self.0
                .cover(cx, key, bound, cx.span_of(local), edits, Vec::new());
        }
    }

    /// A declared type: the lock and map in it become `DashMap<K, V>`; a declared `DashMap`
    /// shows that the crate depends on dashmap.
    pub(crate) fn decl(
        &mut self,
        cx: &Cx<'_, '_>,
        ty: &syn::Type,
        public: bool,
        init: Option<&Expr>,
    ) {
        if names_crate_type(cx, ty, "dashmap", "DashMap") {
            self.0.uses_arc_swap = true;
        }
        let Some((lock, map_args)) = lock_type(cx, ty) else {
            return;
        };
        let mut imports = Vec::new();
        // A `static`'s initialiser must be `const`: `DashMap::new` is not.
        let edits = match init {
            None => Some(vec![super::replace(
                cx.span_of(lock),
                format!("{}<{map_args}>", dash_map(cx, &mut imports)),
            )]),
            Some(_) => None,
        };
        self.0.decls.push(super::atomic::DeclSite {
            file: cx.file(),
            lock: cx.span_of(lock),
            public,
            edits,
            imports,
        });
    }
}

/// The `Mutex<HashMap<K, V>>` inside a declared type (through `Arc`, `Box`, `Option`) the fix
/// shards, and its `K, V` as written.
fn lock_type<'t>(cx: &Cx<'_, '_>, ty: &'t syn::Type) -> Option<(&'t syn::Type, String)> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let (last, first) = super::last_and_first_arg(p)?;
    match last.as_str() {
        "Mutex" | "RwLock" => {
            shardable(cx, &cx.resolved_ty(ty))?;
            let syn::Type::Path(map) = first else {
                return None;
            };
            let syn::PathArguments::AngleBracketed(map_args) = &map.path.segments.last()?.arguments
            else {
                return None;
            };
            let written: Option<Vec<String>> = map_args.args.iter().map(super::text).collect();
            Some((ty, written?.join(", ")))
        }
        "Arc" | "Box" | "Option" => lock_type(cx, first),
        _ => None,
    }
}

/// `Mutex::new(HashMap::new())` (through `Arc::new`, `Box::new`) made `DashMap::new()`,
/// `with_capacity` likewise, another map's value collected into one; `Mutex::default()`
/// `DashMap::default()`, `Default::default()` left as it is.
fn ctor_edits(cx: &Cx<'_, '_>, imports: &mut Vec<String>, init: &Expr) -> Option<Vec<Edit>> {
    let Expr::Call(c) = strip_parens(init) else {
        return None;
    };
    let (owner, f) = path_tail(&c.func)?;
    let made = match (owner.as_deref(), f.as_str()) {
        (Some("Arc" | "Box"), "new") if c.args.len() == 1 => {
            return ctor_edits(cx, imports, &c.args[0]);
        }
        (Some("Mutex" | "RwLock"), "new") if c.args.len() == 1 => {
            let map = strip_parens(&c.args[0]);
            let dash = dash_map(cx, imports);
            match map {
                Expr::Call(m) => match path_tail(&m.func) {
                    Some((Some(o), f)) if o == "HashMap" && f == "new" && m.args.is_empty() => {
                        format!("{dash}::new()")
                    }
                    Some((Some(o), f))
                        if o == "HashMap" && f == "with_capacity" && m.args.len() == 1 =>
                    {
                        format!("{dash}::with_capacity({})", super::text(&m.args[0])?)
                    }
                    _ => format!(
                        "{}.into_iter().collect::<{dash}<_, _>>()",
                        super::text(map)?
                    ),
                },
                _ => format!(
                    "{}.into_iter().collect::<{dash}<_, _>>()",
                    super::text(map)?
                ),
            }
        }
        (Some("Mutex" | "RwLock"), "default") if c.args.is_empty() => {
            format!("{}::default()", dash_map(cx, imports))
        }
        (Some("Default"), "default") => return Some(Vec::new()),
        _ => return None,
    };
    Some(vec![super::replace(cx.span_of(init), made)])
}

/// The fix of a map's finding, once every file is walked (see [`swap::assemble`]).
pub(crate) fn rewrite(
    decl: &LockDecl,
    sites: &ShardSites,
    uses: &[&LockUse],
) -> Option<Suggestion> {
    swap::assemble(
        decl,
        &sites.0,
        uses,
        "spread the map over shards with `DashMap`",
    )
}
