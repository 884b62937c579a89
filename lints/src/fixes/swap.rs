//! A read-mostly `RwLock` rewritten as an `arc_swap::ArcSwap` (`read_mostly_rwlock`'s fix), in
//! a crate that already uses arc-swap: what each place that declares, makes or names the lock
//! becomes. As with `mutex_scalar`'s fix (see `atomic`), every place that names the lock needs
//! a rewrite, or the declaration has no fix:
//! - the declared `RwLock<T>` (through `Arc`, `Box`, `Option`) becomes `ArcSwap<T>`, and
//!   `RwLock::new(value)` where it is made `ArcSwap::from_pointee(value)`;
//! - a read, `lock.read().unwrap()` (or `.expect(..)`, an async lock's `.read().await`), used
//!   for a field or a method of the value, becomes `lock.load()`, whose guard derefs to the
//!   value; a read guard bound by `let` and only used that way binds `lock.load()`;
//! - a write that replaces the value whole, `*lock.write().unwrap() = value`, becomes
//!   `lock.store(Arc::new(value))`; a write guard bound by `let` and used once right after,
//!   for `*guard = value` or a `std::mem::replace(&mut *guard, value)` whose old value is
//!   dropped, becomes the `store` or a `swap`.

use syn::{Expr, Pat, Stmt, UnOp};

use super::atomic::{Cover, Ctor, DeclSite, chain_root, lock_mention};
use super::tree;
use crate::diagnostic::{Applicability, Edit, Span, Suggestion};
use crate::semantic::names::NameBinding;
use crate::semantic::ty::{LockKind, Ty};
use crate::semantic::walker::{Cx, DeclKey, Later, LockDecl, LockUse, path_tail, strip_parens};

/// What the walk of a file records for the rewrite.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct SwapSites {
    /// Each place that names a lock the fix rewrites, by declaration.
    pub(super) mentions: Vec<(DeclKey, usize, Span)>,
    pub(super) covers: Vec<Cover>,
    pub(super) ctors: Vec<Ctor>,
    pub(super) decls: Vec<DeclSite>,
    /// A declared type of the crate names the crate the fix rewrites to (`arc_swap`'s
    /// `ArcSwap`, `dashmap`'s `DashMap`): the crate depends on it.
    pub(super) uses_arc_swap: bool,
}

impl crate::rules::Merge for SwapSites {
    fn merge(&mut self, other: Self) {
        self.mentions.extend(other.mentions);
        self.covers.extend(other.covers);
        self.ctors.extend(other.ctors);
        self.decls.extend(other.decls);
        self.uses_arc_swap |= other.uses_arc_swap;
    }
}

/// Methods an `arc_swap::Guard<Arc<T>>` (or the `Arc` it derefs to) answers itself, so that
/// `load().m()` would not reach the value's `m`: reads through them keep the lock.
const GUARD_METHODS: &[&str] = &[
    "clone",
    "to_owned",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "lt",
    "le",
    "gt",
    "ge",
    "max",
    "min",
    "clamp",
    "as_ref",
    "borrow",
    "hash",
    "fmt",
    "into",
    "try_into",
    "type_id",
    "into_inner",
    // A lock's own `Result`: the read is not yet the value.
    "unwrap",
    "expect",
    "unwrap_or_else",
    "map_err",
    "ok",
    "is_ok",
    "is_err",
];

/// What a lock the fix swaps guards: an `RwLock` around a value that is not a scalar (a
/// scalar is `mutex_scalar`'s).
fn swappable(cx: &Cx<'_, '_>, ty: &Ty) -> Option<Ty> {
    let ty = cx.table().resolve(ty);
    match ty.lock()? {
        (LockKind::RwLock, inner) if inner.is_known() && inner.scalar().is_none() => {
            Some(inner.clone())
        }
        _ => None,
    }
}

fn mention(cx: &Cx<'_, '_>, expr: &Expr) -> Option<DeclKey> {
    lock_mention(cx, expr, swappable).map(|(key, _)| key)
}

/// `m.read().unwrap()`, `m.read().expect(..)`, `m.read().await`, `m.read()`: `m`; the same
/// for `write` with `write` true.
pub(super) fn acquired(expr: &Expr, write: bool) -> Option<&Expr> {
    let method = if write { "write" } else { "read" };
    let call = match strip_parens(expr) {
        Expr::Await(a) => strip_parens(&a.base),
        Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "unwrap" | "expect") => {
            strip_parens(&m.receiver)
        }
        other => other,
    };
    match call {
        Expr::MethodCall(m) if m.method == method && m.args.is_empty() => chain_root(call),
        _ => None,
    }
}

/// How the fix writes `name` where the code is: the bare name, with the import it needs at
/// the top of the file if it has none, or the whole path.
pub(super) fn written(cx: &Cx<'_, '_>, name: &str, path: &[&str]) -> (String, Option<String>) {
    let full = path.join("::");
    match cx.binding_of(name) {
        NameBinding::Imported(p) if same_path(&p, path) => (name.to_owned(), None),
        NameBinding::Free if cx.in_file_module() => (name.to_owned(), Some(full)),
        _ => (full, None),
    }
}

fn same_path(written: &[String], path: &[&str]) -> bool {
    let written: Vec<&str> = written
        .iter()
        .map(String::as_str)
        .filter(|s| *s != "::")
        .collect();
    written == path
}

/// Names written where the code is, and the imports they need.
struct Names<'c, 'w, 'a> {
    cx: &'c Cx<'w, 'a>,
    imports: Vec<String>,
}

impl Names<'_, '_, '_> {
    fn arc_swap(&mut self) -> String {
        let (name, import) = written(self.cx, "ArcSwap", &["arc_swap", "ArcSwap"]);
        self.imports.extend(import);
        name
    }

    fn arc(&mut self) -> String {
        match self.cx.binding_of("Arc") {
            NameBinding::Imported(p)
                if same_path(&p, &["std", "sync", "Arc"])
                    || same_path(&p, &["alloc", "sync", "Arc"]) =>
            {
                "Arc".to_owned()
            }
            _ => "std::sync::Arc".to_owned(),
        }
    }
}

impl SwapSites {
    pub(super) fn cover(
        &mut self,
        cx: &Cx<'_, '_>,
        key: DeclKey,
        mention: &Expr,
        outer: Span,
        edits: Option<Vec<Edit>>,
        imports: Vec<String>,
    ) {
        self.covers
            .push(Cover::new(cx, key, mention, outer, edits, imports));
    }

    /// Records what `expr` is to the rewrite: a mention, or a read or write around one.
    pub(crate) fn expr(&mut self, cx: &Cx<'_, '_>, expr: &Expr) {
        if let Some(key) = mention(cx, expr) {
            self.mentions.push((key, cx.file(), cx.span_of(expr)));
            return;
        }
        let read = match expr {
            Expr::Field(f) => Some(&*f.base),
            Expr::MethodCall(m) if !GUARD_METHODS.contains(&m.method.to_string().as_str()) => {
                Some(&*m.receiver)
            }
            _ => None,
        };
        if let Some(chain) = read {
            let Some(root) = acquired(chain, false) else {
                return;
            };
            if let Some(key) = mention(cx, root) {
                let edits = super::text(root).map(|root_text| {
                    vec![super::replace(
                        cx.span_of(chain),
                        format!("{root_text}.load()"),
                    )]
                });
                self.cover(cx, key, root, cx.span_of(chain), edits, Vec::new());
            }
            return;
        }
        // `*m.write().unwrap() = value`: a new value stored whole.
        if let Expr::Assign(a) = expr {
            let Expr::Unary(u) = strip_parens(&a.left) else {
                return;
            };
            if !matches!(u.op, UnOp::Deref(_)) {
                return;
            }
            let Some(root) = acquired(&u.expr, true) else {
                return;
            };
            let Some(key) = mention(cx, root) else {
                return;
            };
            let mut names = Names {
                cx,
                imports: Vec::new(),
            };
            let edits = super::text(root)
                .zip(super::text(&*a.right))
                .map(|(root_text, value)| {
                    let store = format!("{root_text}.store({}::new({value}))", names.arc());
                    vec![super::replace(cx.span_of(expr), store)]
                });
            self.cover(cx, key, root, cx.span_of(expr), edits, names.imports);
        }
        if let Expr::Struct(literal) = expr {
            self.literal(cx, literal);
        }
    }

    /// A struct literal: how it makes the fields that are swappable locks.
    fn literal(&mut self, cx: &Cx<'_, '_>, literal: &syn::ExprStruct) {
        let made = literal_ctors(cx, literal, swappable, |imports, value| {
            let mut names = Names {
                cx,
                imports: Vec::new(),
            };
            let edits = ctor_edits(&mut names, value);
            imports.extend(names.imports);
            edits
        });
        self.ctors.extend(made);
    }

    /// Records a `let`: a lock made, a mention bound to another name, or a guard bound.
    pub(crate) fn local(&mut self, cx: &Cx<'_, '_>, local: &syn::Local, later: Later<'_>) {
        let Some(init) = local.init.as_ref().filter(|i| i.diverge.is_none()) else {
            return;
        };
        let (pat, annotated) = match &local.pat {
            Pat::Type(t) => (&*t.pat, true),
            pat => (pat, false),
        };
        if super::makes_lock(&init.expr, &["RwLock"])
            && swappable(cx, &cx.type_ahead(&init.expr)).is_some()
        {
            let mut names = Names {
                cx,
                imports: Vec::new(),
            };
            let edits = ctor_edits(&mut names, &init.expr);
            self.ctors.push(Ctor {
                key: DeclKey::Local(cx.file(), cx.span(local.let_token.span).start),
                file: cx.file(),
                edits,
                imports: names.imports,
            });
            return;
        }
        let Pat::Ident(p) = pat else { return };
        if p.by_ref.is_some() {
            return;
        }
        // A mention bound to a name: an `Arc` or reference of the swap now, followed by the
        // name's own mentions.
        let bound = super::atomic::lent(&init.expr);
        if let Some(key) = mention(cx, bound) {
            let edits = (!annotated).then(Vec::new);
            self.cover(cx, key, bound, cx.span_of(local), edits, Vec::new());
            return;
        }
        if annotated {
            return;
        }
        if let Some(root) = acquired(&init.expr, false) {
            if let Some(key) = mention(cx, root) {
                let edits = read_guard(cx, &p.ident, later.all())
                    .then(|| super::text(root))
                    .flatten()
                    .map(|root_text| {
                        vec![super::replace(
                            cx.span_of(&*init.expr),
                            format!("{root_text}.load()"),
                        )]
                    });
                self.cover(cx, key, root, cx.span_of(local), edits, Vec::new());
            }
        } else if let Some(root) = acquired(&init.expr, true) {
            if let Some(key) = mention(cx, root) {
                let mut names = Names {
                    cx,
                    imports: Vec::new(),
                };
                let update = write_guard(cx, &p.ident, later.all());
                let (outer, edits) = match update {
                    Some((end, method, lead, value)) => {
                        let outer = Span {
                            start: cx.span_of(local).start,
                            end,
                        };
                        let edits =
                            super::text(root)
                                .zip(super::text(value))
                                .map(|(root_text, value)| {
                                    let arc = names.arc();
                                    vec![super::replace(
                                        outer,
                                        format!("{lead}{root_text}.{method}({arc}::new({value}));"),
                                    )]
                                });
                        (outer, edits)
                    }
                    None => (cx.span_of(local), None),
                };
                self.cover(cx, key, root, outer, edits, names.imports);
            }
        }
    }

    /// A declared type: the swappable lock in it becomes `ArcSwap<T>`; a declared `ArcSwap`
    /// shows that the crate depends on arc-swap.
    pub(crate) fn decl(
        &mut self,
        cx: &Cx<'_, '_>,
        ty: &syn::Type,
        public: bool,
        init: Option<&Expr>,
    ) {
        if names_crate_type(cx, ty, "arc_swap", "ArcSwap") {
            self.uses_arc_swap = true;
        }
        let Some((lock, inner)) = lock_type(cx, ty) else {
            return;
        };
        let mut names = Names {
            cx,
            imports: Vec::new(),
        };
        // A `static`'s initialiser must be `const`: `ArcSwap::from_pointee` is not.
        let edits = match (init, super::text(inner)) {
            (None, Some(inner)) => Some(vec![super::replace(
                cx.span_of(lock),
                format!("{}<{inner}>", names.arc_swap()),
            )]),
            _ => None,
        };
        self.decls.push(DeclSite {
            file: cx.file(),
            lock: cx.span_of(lock),
            public,
            edits,
            imports: names.imports,
        });
    }
}

/// Where a struct literal makes the fields that are locks `guarded` accepts, each with what
/// `rewrite` makes of the value it is given (`None` for a field given by shorthand, `Self {
/// lock }`, whose making the fix cannot see).
pub(super) fn literal_ctors(
    cx: &Cx<'_, '_>,
    literal: &syn::ExprStruct,
    guarded: fn(&Cx<'_, '_>, &Ty) -> Option<Ty>,
    mut rewrite: impl FnMut(&mut Vec<String>, &Expr) -> Option<Vec<Edit>>,
) -> Vec<Ctor> {
    let owner = cx.literal_type(literal);
    let Some(owner_name) = owner.name().map(str::to_owned) else {
        return Vec::new();
    };
    let mut made = Vec::new();
    for field in &literal.fields {
        let syn::Member::Named(name) = &field.member else {
            continue;
        };
        let ty = cx.table().field(&owner, &name.to_string());
        if guarded(cx, &ty).is_none() {
            continue;
        }
        let mut imports = Vec::new();
        let edits = if field.colon_token.is_some() {
            rewrite(&mut imports, &field.expr)
        } else {
            None
        };
        made.push(Ctor {
            key: DeclKey::Field(owner_name.clone(), name.to_string()),
            file: cx.file(),
            edits,
            imports,
        });
    }
    made
}

/// Whether a type names a type of crate `krate` whose name starts with `prefix` anywhere
/// (`arc_swap::ArcSwap`, `ArcSwapOption`; `dashmap::DashMap`).
pub(super) fn names_crate_type(cx: &Cx<'_, '_>, ty: &syn::Type, krate: &str, prefix: &str) -> bool {
    struct Finder<'c, 'w, 'a, 'k> {
        cx: &'c Cx<'w, 'a>,
        krate: &'k str,
        prefix: &'k str,
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_, '_, '_, '_> {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if let Some(last) = segments.last().filter(|l| l.starts_with(self.prefix)) {
                self.found |= segments.len() > 1 && segments[0] == self.krate
                    || matches!(self.cx.binding_of(last), NameBinding::Imported(p)
                        if p.iter().find(|s| *s != "::").is_some_and(|s| s == self.krate));
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut finder = Finder {
        cx,
        krate,
        prefix,
        found: false,
    };
    syn::visit::Visit::visit_type(&mut finder, ty);
    finder.found
}

/// The `RwLock<T>` inside a declared type (through `Arc`, `Box`, `Option`) the fix swaps, and
/// its `T` as written.
fn lock_type<'t>(cx: &Cx<'_, '_>, ty: &'t syn::Type) -> Option<(&'t syn::Type, &'t syn::Type)> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let (last, first) = super::last_and_first_arg(p)?;
    match last.as_str() {
        "RwLock" => swappable(cx, &cx.resolved_ty(ty)).map(|_| (ty, first)),
        "Arc" | "Box" | "Option" => lock_type(cx, first),
        _ => None,
    }
}

/// `RwLock::new(value)` (through `Arc::new`, `Box::new`) made `ArcSwap::from_pointee(value)`,
/// `RwLock::default()` `ArcSwap::default()`, `Default::default()` left as it is.
fn ctor_edits(names: &mut Names<'_, '_, '_>, init: &Expr) -> Option<Vec<Edit>> {
    let Expr::Call(c) = strip_parens(init) else {
        return None;
    };
    let (owner, f) = path_tail(&c.func)?;
    match (owner.as_deref(), f.as_str()) {
        (Some("Arc" | "Box"), "new") if c.args.len() == 1 => ctor_edits(names, &c.args[0]),
        (Some("RwLock"), "new") if c.args.len() == 1 => {
            let value = super::text(&c.args[0])?;
            Some(vec![super::replace(
                names.cx.span_of(init),
                format!("{}::from_pointee({value})", names.arc_swap()),
            )])
        }
        (Some("RwLock"), "default") if c.args.is_empty() => Some(vec![super::replace(
            names.cx.span_of(init),
            format!("{}::default()", names.arc_swap()),
        )]),
        (Some("Default"), "default") => Some(Vec::new()),
        _ => None,
    }
}

/// Whether every later use of the read guard `ident` reads a field or calls a method of the
/// value (not one the guard answers itself), or drops it.
fn read_guard(cx: &Cx<'_, '_>, ident: &syn::Ident, later: &[Stmt]) -> bool {
    let name = ident.to_string();
    let var = cx.var_bound(ident, &name);
    let (uses, opaque) = tree::uses_in(later, var);
    !opaque
        && !uses.is_empty()
        && uses.iter().all(|u| {
            let at = u.expr();
            match u.parent() {
                Some(Expr::Field(f)) => std::ptr::eq(strip_parens(&f.base), at),
                Some(Expr::MethodCall(m)) => {
                    std::ptr::eq(strip_parens(&m.receiver), at)
                        && !GUARD_METHODS.contains(&m.method.to_string().as_str())
                }
                Some(Expr::Call(c)) => {
                    c.args.len() == 1 && path_tail(&c.func).is_some_and(|(_, f)| f == "drop")
                }
                _ => false,
            }
        })
}

/// A write guard `ident` used once, in the statement right after its `let`, to replace the
/// value whole: where that statement ends, the `ArcSwap` method, what goes before the call
/// (`let _old = `), and the new value. `*guard = value;` is a `store`; `std::mem::replace(&mut
/// *guard, value)` whose old value is dropped (a statement, or bound to `_..`) a `swap`.
fn write_guard<'a>(
    cx: &Cx<'_, '_>,
    ident: &syn::Ident,
    later: &'a [Stmt],
) -> Option<(usize, &'static str, String, &'a Expr)> {
    let name = ident.to_string();
    let var = cx.var_bound(ident, &name);
    let (uses, opaque) = tree::uses_in(later, var);
    let first = later.first()?;
    let statement = cx.span_of(first);
    if opaque
        || uses.len() != 1
        || !(statement.start <= cx.span_of(uses[0].expr()).start
            && cx.span_of(uses[0].expr()).end <= statement.end)
    {
        return None;
    }
    let guard = |e: &Expr| {
        matches!(strip_parens(e), Expr::Unary(u) if matches!(u.op, UnOp::Deref(_))
            && matches!(strip_parens(&u.expr), Expr::Path(p) if p.path.is_ident(&name)))
    };
    let replaced = |e: &'a Expr| -> Option<&'a Expr> {
        let Expr::Call(c) = strip_parens(e) else {
            return None;
        };
        let is_replace =
            path_tail(&c.func).is_some_and(|(o, f)| o.as_deref() == Some("mem") && f == "replace");
        let borrowed = matches!(c.args.first().map(strip_parens), Some(Expr::Reference(r)) if r.mutability.is_some() && guard(&r.expr));
        (is_replace && borrowed && c.args.len() == 2).then(|| &c.args[1])
    };
    match first {
        Stmt::Expr(Expr::Assign(a), Some(_)) if guard(&a.left) => {
            Some((statement.end, "store", String::new(), &*a.right))
        }
        Stmt::Expr(e, Some(_)) => {
            replaced(e).map(|value| (statement.end, "swap", String::new(), value))
        }
        Stmt::Local(l) => {
            let dropped = match &l.pat {
                Pat::Wild(_) => true,
                Pat::Ident(p) => {
                    p.ident.to_string().starts_with('_') && p.by_ref.is_none() && p.subpat.is_none()
                }
                _ => false,
            };
            let value = l
                .init
                .as_ref()
                .filter(|i| i.diverge.is_none())
                .and_then(|i| replaced(&i.expr))?;
            let pat = super::text(&l.pat)?;
            dropped.then(|| (statement.end, "swap", format!("let {pat} = "), value))
        }
        _ => None,
    }
}

/// The fix of a read-mostly lock's finding, once every file is walked: `None` unless the
/// crate uses arc-swap and every place that declares, makes or names the lock (all in its
/// file) has a rewrite, and every acquisition of it is inside one. `MaybeIncorrect`: a reader
/// now sees the value it loaded even after a writer stores a new one, and a guard held long
/// keeps the old value alive.
pub(crate) fn rewrite(decl: &LockDecl, sites: &SwapSites, uses: &[&LockUse]) -> Option<Suggestion> {
    assemble(decl, sites, uses, "hold the value in an `ArcSwap`")
}

/// A lock's rewrite from every place recorded in `sites`: `None` unless the crate uses the
/// crate rewritten to and every place that declares, makes or names the lock (all in its
/// file) has a rewrite, and every acquisition of it is inside one; `MaybeIncorrect`.
pub(super) fn assemble(
    decl: &LockDecl,
    sites: &SwapSites,
    uses: &[&LockUse],
    message: &str,
) -> Option<Suggestion> {
    if !sites.uses_arc_swap || decl.via_alias.is_some() {
        return None;
    }
    let mut edits = Vec::new();
    let mut imports: Vec<String> = Vec::new();
    if let Some(lock) = decl.type_edit {
        let site = sites
            .decls
            .iter()
            .find(|d| d.file == decl.file && d.lock == lock)?;
        edits.extend(site.edits.clone()?);
        imports.extend(site.imports.iter().cloned());
    }
    let ctors: Vec<_> = sites.ctors.iter().filter(|c| c.key == decl.key).collect();
    if matches!(decl.key, DeclKey::Local(..)) && ctors.is_empty() {
        return None;
    }
    for ctor in ctors {
        if ctor.file != decl.file {
            return None;
        }
        edits.extend(ctor.edits.clone()?);
        imports.extend(ctor.imports.iter().cloned());
    }
    let mut mentioned: Vec<(usize, Span)> = sites
        .mentions
        .iter()
        .filter(|(key, _, _)| *key == decl.key)
        .map(|(_, file, span)| (*file, *span))
        .collect();
    mentioned.sort();
    mentioned.dedup();
    for (file, span) in mentioned {
        if file != decl.file {
            return None;
        }
        let cover = sites
            .covers
            .iter()
            .filter(|c| c.key == decl.key && c.file == file && c.mention == span)
            .max_by_key(|c| c.outer.end - c.outer.start)?;
        edits.extend(cover.edits.clone()?);
        imports.extend(cover.imports.iter().cloned());
    }
    edits.sort_by_key(|e| (e.span, e.replacement.clone()));
    edits.dedup();
    if edits.is_empty() || !super::disjoint(&edits) {
        return None;
    }
    let rewritten = |span: Span| {
        edits
            .iter()
            .any(|e| e.span.start <= span.start && span.end <= e.span.end)
    };
    if uses
        .iter()
        .any(|u| u.file != decl.file || !rewritten(u.span))
    {
        return None;
    }
    let mut suggestion = Suggestion::new(message, edits, Applicability::MaybeIncorrect);
    imports.sort();
    imports.dedup();
    for import in imports {
        suggestion = suggestion.importing(import);
    }
    Some(suggestion)
}
