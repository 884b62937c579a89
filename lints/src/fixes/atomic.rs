//! A lock around a scalar rewritten as an atomic (`mutex_scalar`'s fix): what each place that
//! declares, makes or names the lock becomes. The walk records every such place of a file; the
//! crate-wide step puts a declaration's places together, and offers the fix only when every
//! place that names the lock has a rewrite.
//!
//! A place that names the lock is a *mention* (a path or field whose value is the lock, traced
//! through clones and `let`s by the walk); each mention needs a *cover*: the rewrite of the code
//! around it (`*m.lock().unwrap() += n` becomes `m.fetch_add(n, Ordering::AcqRel)`), or a cover
//! without edits where the mention stays as it is (`Arc::clone(&m)` bound by a `let`). A mention
//! used any other way (handed to a function, borrowed as a lock) has no cover, and the
//! declaration no fix. The orderings are those the lock gave: a read takes `Acquire`, a write
//! `Release`, a read-modify-write `AcqRel`, so whatever the value publishes stays published.

use syn::{Expr, Pat};

use super::tree;
use crate::diagnostic::{Edit, Span};
use crate::semantic::ty::Ty;
use crate::semantic::walker::{Cx, DeclKey, Later, path_tail, strip_parens};

/// What the walk of a file records for the rewrite.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct ScalarSites {
    /// Each place that names a lock around a scalar, by declaration.
    pub(crate) mentions: Vec<(DeclKey, usize, Span)>,
    pub(crate) covers: Vec<Cover>,
    /// Where a declaration's lock is made: a struct literal's field, a `let`.
    pub(crate) ctors: Vec<Ctor>,
    /// Declared types (a field, a `static`, an annotated `let`, a type alias), by the span of
    /// the lock type.
    pub(crate) decls: Vec<DeclSite>,
    /// Every `Mutex::new(..)`/`RwLock::new(..)` of a scalar the fix can rewrite: where, and the
    /// scalar. A lock made where no declaration shows (a function returning a type alias of it)
    /// keeps the alias from being rewritten.
    pub(crate) makes: Vec<(usize, Span, Ty)>,
    /// Each function parameter typed as a lock around a scalar, with its rewrite.
    pub(crate) params: Vec<ParamSite>,
    /// A mention handed to crate functions as an argument (`bump(&self.hits, 1)`): the
    /// functions' parameters it goes to. It stays as it is when all of them are rewritten.
    pub(crate) lends: Vec<Lend>,
}

/// A function parameter typed `&Mutex<u64>` (through `Arc`, ..), and the edit to the atomic.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct ParamSite {
    pub(crate) key: DeclKey,
    pub(crate) file: usize,
    /// The function is `pub`: callers outside the crate hand it locks too.
    pub(crate) public: bool,
    pub(crate) edits: Option<Vec<Edit>>,
    pub(crate) imports: Vec<String>,
}

/// A mention lent to the parameters `params` of crate functions.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Lend {
    pub(crate) key: DeclKey,
    pub(crate) file: usize,
    pub(crate) mention: Span,
    pub(crate) params: Vec<DeclKey>,
}

impl super::super::rules::Merge for ScalarSites {
    fn merge(&mut self, other: Self) {
        self.mentions.extend(other.mentions);
        self.covers.extend(other.covers);
        self.ctors.extend(other.ctors);
        self.decls.extend(other.decls);
        self.makes.extend(other.makes);
        self.params.extend(other.params);
        self.lends.extend(other.lends);
    }
}

/// The rewrite of the code around one mention.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Cover {
    pub(crate) key: DeclKey,
    pub(crate) file: usize,
    pub(crate) mention: Span,
    /// What the rewrite spans: of several covers of one mention, the widest is the one.
    pub(crate) outer: Span,
    /// `None` when the mention is used in a way no atomic call replaces.
    pub(crate) edits: Option<Vec<Edit>>,
    pub(crate) imports: Vec<String>,
}

impl Cover {
    /// The cover of `mention`, where `cx` is.
    pub(crate) fn new(
        cx: &Cx<'_, '_>,
        key: DeclKey,
        mention: &Expr,
        outer: Span,
        edits: Option<Vec<Edit>>,
        imports: Vec<String>,
    ) -> Cover {
        Cover {
            key,
            file: cx.file(),
            mention: cx.span_of(mention),
            outer,
            edits,
            imports,
        }
    }
}

/// Where a declaration's lock is made, with its rewrite (`None`: made in a way the fix cannot
/// follow).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Ctor {
    pub(crate) key: DeclKey,
    pub(crate) file: usize,
    pub(crate) edits: Option<Vec<Edit>>,
    pub(crate) imports: Vec<String>,
}

/// A declared lock type, with its rewrite (and, for a `static`, its initialiser's).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct DeclSite {
    pub(crate) file: usize,
    /// The `Mutex<T>` or `RwLock<T>` as written.
    pub(crate) lock: Span,
    /// Declared `pub`: code outside the crate may use it too.
    pub(crate) public: bool,
    pub(crate) edits: Option<Vec<Edit>>,
    pub(crate) imports: Vec<String>,
}

/// The atomic type for a scalar the fix can rewrite: integers up to 64 bits, `bool`, raw
/// pointers. (`char` has none of its own: an `AtomicU32` reads back `u32`s.)
pub(crate) fn atomic_type(scalar: &Ty) -> Option<String> {
    match scalar {
        Ty::Ptr(inner) => Some(format!("AtomicPtr<{}>", inner.display())),
        Ty::Named(name, args) if args.is_empty() => match name.as_str() {
            "bool" => Some("AtomicBool".to_owned()),
            "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
                let mut chars = name.chars();
                let first = chars.next()?.to_ascii_uppercase();
                Some(format!("Atomic{first}{}", chars.as_str()))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The scalar a lock-typed value guards, when the fix can rewrite it.
fn scalar_of(cx: &Cx<'_, '_>, ty: &Ty) -> Option<Ty> {
    let ty = cx.table().resolve(ty);
    let (_, inner) = ty.lock()?;
    atomic_type(inner).map(|_| inner.clone())
}

/// Writes atomic names where `cx` is: the imports they need are gathered on the way.
struct Writer<'c, 'w, 'a> {
    cx: &'c Cx<'w, 'a>,
    imports: Vec<String>,
}

impl Writer<'_, '_, '_> {
    /// `std::sync::atomic::<name>` as this code can write it.
    fn name(&mut self, name: &str) -> String {
        let (written, import) = super::atomic_name(self.cx, name);
        self.imports.extend(import);
        written
    }

    /// `Ordering::<which>`.
    fn ordering(&mut self, which: &str) -> String {
        format!("{}::{which}", self.name("Ordering"))
    }

    /// The atomic type for `scalar`: `AtomicU64`, `AtomicPtr<T>`.
    fn atomic(&mut self, scalar: &Ty) -> Option<String> {
        let ty = atomic_type(scalar)?;
        let (head, tail) = ty
            .split_once('<')
            .map_or((ty.as_str(), None), |(h, t)| (h, Some(t)));
        let head = self.name(head);
        Some(match tail {
            Some(tail) => format!("{head}<{tail}"),
            None => head,
        })
    }
}

/// `m.lock()`, `m.write().unwrap()`, `m.read().expect("..")`, an async lock's
/// `m.lock().await`: the lock's receiver `m`.
pub(crate) fn chain_root(expr: &Expr) -> Option<&Expr> {
    let m = match strip_parens(expr) {
        Expr::MethodCall(m) => m,
        Expr::Await(a) => {
            let Expr::MethodCall(m) = strip_parens(&a.base) else {
                return None;
            };
            return (matches!(m.method.to_string().as_str(), "lock" | "read" | "write")
                && m.args.is_empty())
            .then_some(&*m.receiver);
        }
        _ => return None,
    };
    match m.method.to_string().as_str() {
        "unwrap" | "expect" => {
            let Expr::MethodCall(inner) = strip_parens(&m.receiver) else {
                return None;
            };
            matches!(inner.method.to_string().as_str(), "lock" | "read" | "write")
                .then_some(&*inner.receiver)
                .filter(|_| inner.args.is_empty())
        }
        "lock" | "read" | "write" if m.args.is_empty() => Some(&m.receiver),
        _ => None,
    }
}

/// `*<chain>`: the receiver of the lock whose guard is dereferenced.
fn deref_root(expr: &Expr) -> Option<&Expr> {
    match strip_parens(expr) {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => chain_root(&u.expr),
        _ => None,
    }
}

/// A mention of a lock around a scalar the fix can rewrite: a path or field whose value is the
/// lock (or an `Arc` or reference of it), with the declaration it comes from and the scalar.
fn mention(cx: &Cx<'_, '_>, expr: &Expr) -> Option<(DeclKey, Ty)> {
    lock_mention(cx, expr, scalar_of).or_else(|| param_mention(cx, expr))
}

/// A parameter of the function being walked that holds a lock around a scalar
/// (`counter: &Mutex<u64>`), named by its path.
fn param_mention(cx: &Cx<'_, '_>, expr: &Expr) -> Option<(DeclKey, Ty)> {
    let Expr::Path(p) = strip_parens(expr) else {
        return None;
    };
    let local = cx.local(&p.path.get_ident()?.to_string())?;
    if !local.is_param {
        return None;
    }
    let scalar = scalar_of(cx, local.ty)?;
    Some((DeclKey::Param(cx.function()?, cx.lock_param(expr)?), scalar))
}

/// What an argument or a `let` takes of a lock: `m`, `&m`, `m.clone()`, `Arc::clone(&m)`.
pub(crate) fn lent(arg: &Expr) -> &Expr {
    match strip_parens(arg) {
        Expr::Reference(r) if r.mutability.is_none() => lent(&r.expr),
        Expr::MethodCall(m) if m.method == "clone" && m.args.is_empty() => lent(&m.receiver),
        Expr::Call(c)
            if c.args.len() == 1
                && path_tail(&c.func)
                    .is_some_and(|(o, f)| o.as_deref() == Some("Arc") && f == "clone") =>
        {
            lent(&c.args[0])
        }
        other => other,
    }
}

/// A mention of a lock a fix rewrites: a path or field whose value is the lock (or an `Arc` or
/// reference of it), with the declaration it comes from and what `guarded` makes of the lock's
/// type (`None`: not one the fix rewrites).
pub(crate) fn lock_mention(
    cx: &Cx<'_, '_>,
    expr: &Expr,
    guarded: fn(&Cx<'_, '_>, &Ty) -> Option<Ty>,
) -> Option<(DeclKey, Ty)> {
    let expr = strip_parens(expr);
    let table = cx.table();
    match expr {
        // A variable: its type says whether it can be one (an unknown type may).
        Expr::Path(p) if p.path.segments.len() == 1 => {
            let ident = &p.path.segments[0].ident;
            let name = ident.to_string();
            match cx.local(&name) {
                Some(local) if local.ty.is_known() && guarded(cx, local.ty).is_none() => {
                    return None;
                }
                Some(_) => {}
                // Not a variable: a static of the crate that holds a lock, or nothing here.
                None if !table.has_lock_named(&name) => return None,
                None => {}
            }
        }
        Expr::Path(p) => {
            let last = p.path.segments.last()?.ident.to_string();
            if !table.has_lock_named(&last) {
                return None;
            }
        }
        Expr::Field(f) => match &f.member {
            syn::Member::Named(name) if table.has_lock_named(&name.to_string()) => {}
            _ => return None,
        },
        _ => return None,
    }
    let inner = guarded(cx, &cx.type_of(expr))?;
    let key = cx.origin(expr)?;
    Some((key, inner))
}

impl ScalarSites {
    fn cover(
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

    /// Records what `expr` is to the rewrite: a mention, the code around one, or where a lock
    /// is made.
    pub(crate) fn expr(&mut self, cx: &Cx<'_, '_>, expr: &Expr) {
        if let Some((key, _)) = mention(cx, expr) {
            self.mentions.push((key, cx.file(), cx.span_of(expr)));
            return;
        }
        match expr {
            // `*m.lock().unwrap() += n`, `*m.lock().unwrap() = v`
            Expr::Binary(b) if crate::syntax::exprs::is_compound_assignment(b.op) => {
                if let Some(root) = deref_root(&b.left) {
                    self.update(cx, expr, root, Some(b.op), &b.right);
                }
            }
            Expr::Assign(a) => {
                if let Some(root) = deref_root(&a.left) {
                    self.update(cx, expr, root, None, &a.right);
                }
            }
            // `*m.lock().unwrap()` read
            Expr::Unary(_) => {
                if let Some(root) = deref_root(expr) {
                    if let Some((key, _)) = mention(cx, root) {
                        let mut w = Writer {
                            cx,
                            imports: Vec::new(),
                        };
                        let edits = super::text(root).map(|text| {
                            vec![super::replace(
                                cx.span_of(expr),
                                format!("{text}.load({})", w.ordering("Acquire")),
                            )]
                        });
                        self.cover(cx, key, root, cx.span_of(expr), edits, w.imports);
                    }
                }
            }
            // `&*m.lock().unwrap()`, `&mut *m.lock().unwrap()`: the guarded place itself.
            Expr::Reference(r) => {
                if let Some(root) = deref_root(&r.expr) {
                    if let Some((key, _)) = mention(cx, root) {
                        self.cover(cx, key, root, cx.span_of(expr), None, Vec::new());
                    }
                }
            }
            // `m.into_inner().unwrap()`, `m.get_mut().unwrap()`: an atomic's give the value.
            Expr::MethodCall(m) if matches!(m.method.to_string().as_str(), "unwrap" | "expect") => {
                let Expr::MethodCall(inner) = strip_parens(&m.receiver) else {
                    return;
                };
                if !matches!(inner.method.to_string().as_str(), "into_inner" | "get_mut")
                    || !inner.args.is_empty()
                {
                    return;
                }
                if let Some((key, _)) = mention(cx, &inner.receiver) {
                    let edits = vec![super::replace(
                        Span {
                            start: cx.span(inner.paren_token.span.close()).end,
                            end: cx.span_of(expr).end,
                        },
                        "",
                    )];
                    self.cover(
                        cx,
                        key,
                        &inner.receiver,
                        cx.span_of(expr),
                        Some(edits),
                        Vec::new(),
                    );
                }
            }
            Expr::Struct(literal) => self.literal(cx, literal),
            Expr::MethodCall(m) => self.lend(cx, expr, false, m.args.iter()),
            Expr::Call(c) => {
                self.lend(cx, expr, true, c.args.iter());
                let makes = path_tail(&c.func).is_some_and(|(owner, f)| {
                    matches!(owner.as_deref(), Some("Mutex" | "RwLock"))
                        && matches!(f.as_str(), "new" | "default")
                });
                if makes {
                    if let Some(scalar) = scalar_of(cx, &cx.type_of(expr)) {
                        self.makes.push((cx.file(), cx.span_of(expr), scalar));
                    }
                }
            }
            _ => {}
        }
    }

    /// Records the mentions `call` hands to crate functions' parameters.
    fn lend<'e>(
        &mut self,
        cx: &Cx<'_, '_>,
        call: &Expr,
        path_call: bool,
        args: impl Iterator<Item = &'e Expr>,
    ) {
        let mut callees = None;
        for (i, arg) in args.enumerate() {
            let arg = lent(arg);
            let Some((key, _)) = mention(cx, arg) else {
                continue;
            };
            let callees = callees.get_or_insert_with(|| cx.callees(call));
            if callees.is_empty() {
                return;
            }
            // `Type::method(&x, m)`: the first argument is the receiver.
            let params: Option<Vec<DeclKey>> = callees
                .iter()
                .map(|&f| {
                    let param = if path_call && cx.table().fns[f].has_self {
                        i.checked_sub(1)?
                    } else {
                        i
                    };
                    Some(DeclKey::Param(f, param))
                })
                .collect();
            if let Some(params) = params {
                self.lends.push(Lend {
                    key,
                    file: cx.file(),
                    mention: cx.span_of(arg),
                    params,
                });
            }
        }
    }

    /// A function's parameters typed as locks around scalars, once its body is walked.
    pub(crate) fn params(&mut self, cx: &Cx<'_, '_>, sig: &syn::Signature) {
        let Some(function) = cx.function() else {
            return;
        };
        let public = cx.table().fns[function].public;
        let typed = sig.inputs.iter().filter_map(|input| match input {
            syn::FnArg::Typed(t) => Some(t),
            syn::FnArg::Receiver(_) => None,
        });
        for (index, param) in typed.enumerate() {
            let Some((lock, scalar)) = lock_type(cx, &param.ty) else {
                continue;
            };
            let mut w = Writer {
                cx,
                imports: Vec::new(),
            };
            let edits = w
                .atomic(&scalar)
                .map(|atomic| vec![super::replace(cx.span_of(lock), atomic)]);
            self.params.push(ParamSite {
                key: DeclKey::Param(function, index),
                file: cx.file(),
                public,
                edits,
                imports: w.imports,
            });
        }
    }

    /// `*m.lock().unwrap() op= value` or `= value` (`op` is `None`): the atomic update.
    fn update(
        &mut self,
        cx: &Cx<'_, '_>,
        expr: &Expr,
        root: &Expr,
        op: Option<syn::BinOp>,
        value: &Expr,
    ) {
        let Some((key, scalar)) = mention(cx, root) else {
            return;
        };
        let mut w = Writer {
            cx,
            imports: Vec::new(),
        };
        let integer = !scalar.is_named("bool") && !matches!(scalar, Ty::Ptr(_));
        let call = match op {
            None => Some(("store", "Release")),
            Some(syn::BinOp::AddAssign(_)) if integer => Some(("fetch_add", "AcqRel")),
            Some(syn::BinOp::SubAssign(_)) if integer => Some(("fetch_sub", "AcqRel")),
            Some(syn::BinOp::BitOrAssign(_)) if !matches!(scalar, Ty::Ptr(_)) => {
                Some(("fetch_or", "AcqRel"))
            }
            Some(syn::BinOp::BitAndAssign(_)) if !matches!(scalar, Ty::Ptr(_)) => {
                Some(("fetch_and", "AcqRel"))
            }
            Some(syn::BinOp::BitXorAssign(_)) if !matches!(scalar, Ty::Ptr(_)) => {
                Some(("fetch_xor", "AcqRel"))
            }
            _ => None,
        };
        let edits = call.and_then(|(method, order)| {
            let (root_text, value_text) = (super::text(root)?, super::text(value)?);
            let mut call = format!("{root_text}.{method}({value_text}, {})", w.ordering(order));
            // An update's value is `()`; a `fetch_*` returns the old value, which where the
            // update is itself a value (a closure's body) would change that value's type.
            if method != "store" && !cx.is_discarded() {
                call = format!("{{ {call}; }}");
            }
            Some(vec![super::replace(cx.span_of(expr), call)])
        });
        self.cover(cx, key, root, cx.span_of(expr), edits, w.imports);
    }

    /// A struct literal: how it makes the fields that are locks around scalars.
    fn literal(&mut self, cx: &Cx<'_, '_>, literal: &syn::ExprStruct) {
        let owner = cx.literal_type(literal);
        let Some(owner_name) = owner.name().map(str::to_owned) else {
            return;
        };
        for field in &literal.fields {
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            let field_ty = cx.table().field(&owner, &name.to_string());
            let Some(scalar) = scalar_of(cx, &field_ty) else {
                continue;
            };
            let mut w = Writer {
                cx,
                imports: Vec::new(),
            };
            let edits = if field.colon_token.is_some() {
                ctor_edits(&mut w, &field.expr, &scalar)
            } else {
                None
            };
            self.ctors.push(Ctor {
                key: DeclKey::Field(owner_name.clone(), name.to_string()),
                file: cx.file(),
                edits,
                imports: w.imports,
            });
        }
    }

    /// A `let`: where a lock is made (`let m = Mutex::new(0u64);`), a mention bound to a name
    /// (`let c = Arc::clone(&m);`), or a guard bound and then only read
    /// (`let g = m.lock().unwrap(); .. *g ..`).
    pub(crate) fn local(&mut self, cx: &Cx<'_, '_>, local: &syn::Local, later: Later<'_>) {
        let Some(init) = local.init.as_ref().filter(|i| i.diverge.is_none()) else {
            return;
        };
        let (pat, annotated) = match &local.pat {
            Pat::Type(t) => (&*t.pat, Some(&*t.ty)),
            pat => (pat, None),
        };
        let key = DeclKey::Local(cx.file(), cx.span(local.let_token.span).start);
        // A lock made here.
        let declared = annotated.map(|ty| cx.resolved_ty(ty));
        let made = declared
            .as_ref()
            .and_then(|ty| scalar_of(cx, ty))
            .or_else(|| made_scalar(cx, &init.expr));
        if let Some(scalar) = made {
            let mut w = Writer {
                cx,
                imports: Vec::new(),
            };
            let edits = ctor_edits(&mut w, &init.expr, &scalar);
            self.ctors.push(Ctor {
                key,
                file: cx.file(),
                edits,
                imports: w.imports,
            });
            return;
        }
        // A mention bound to a name: its value stays what it is, an `Arc` or reference of the
        // atomic now, and the name's own mentions are followed.
        let bound = Some(lent(&init.expr));
        if let Some(bound) = bound {
            if let Some((key, _)) = mention(cx, bound) {
                let edits = (annotated.is_none() && matches!(pat, Pat::Ident(_))).then(Vec::new);
                self.cover(cx, key, bound, cx.span_of(local), edits, Vec::new());
                return;
            }
        }
        // A guard bound and then only read.
        let Some(root) = chain_root(&init.expr) else {
            return;
        };
        let Some((key, scalar)) = mention(cx, root) else {
            return;
        };
        // A guard bound to update the scalar once: the update made on the atomic instead.
        if let Pat::Ident(p) = pat {
            if p.mutability.is_some() && p.by_ref.is_none() && annotated.is_none() {
                let update =
                    super::guard_update::updated_guard(cx, &p.ident, local, later.all(), &scalar);
                if let Some(update) = update {
                    let mut w = Writer {
                        cx,
                        imports: Vec::new(),
                    };
                    let edits = super::text(root).zip(super::text(update.value)).map(
                        |(root_text, value)| {
                            let text = match &update.old {
                                // The closure always gives a value: `fetch_update` cannot fail.
                                Some(old) => format!(
                                    "let {old} = {root_text}.fetch_update({}, {}, |{old}| Some({value})).unwrap();",
                                    w.ordering("AcqRel"),
                                    w.ordering("Acquire")
                                ),
                                None => format!(
                                    "{root_text}.{}({value}, {});",
                                    update.method,
                                    w.ordering(update.order)
                                ),
                            };
                            vec![super::replace(update.span, text)]
                        },
                    );
                    self.cover(cx, key, root, update.span, edits, w.imports);
                    return;
                }
            }
        }
        let edits = match pat {
            Pat::Ident(p)
                if p.mutability.is_none() && p.by_ref.is_none() && annotated.is_none() =>
            {
                read_only_guard(cx, &p.ident, later.all(), root, &init.expr)
            }
            _ => None,
        };
        let (edits, imports) = edits.map_or((None, Vec::new()), |(e, i)| (Some(e), i));
        self.cover(cx, key, root, cx.span_of(local), edits, imports);
    }

    /// A declared type: the lock in it becomes the atomic, and a `static`'s initialiser the
    /// atomic's `new`.
    pub(crate) fn decl(
        &mut self,
        cx: &Cx<'_, '_>,
        ty: &syn::Type,
        public: bool,
        init: Option<&Expr>,
    ) {
        let Some((lock, scalar)) = lock_type(cx, ty) else {
            return;
        };
        let mut w = Writer {
            cx,
            imports: Vec::new(),
        };
        let edits = w.atomic(&scalar).and_then(|atomic| {
            let mut edits = vec![super::replace(cx.span_of(lock), atomic)];
            if let Some(init) = init {
                edits.extend(ctor_edits(&mut w, init, &scalar)?);
            }
            Some(edits)
        });
        self.decls.push(DeclSite {
            file: cx.file(),
            lock: cx.span_of(lock),
            public,
            edits,
            imports: w.imports,
        });
    }
}

/// The lock type inside a declared type (through `Arc`, `Box`, `Option`, ..) that guards a
/// scalar the fix can rewrite, and the scalar.
fn lock_type<'t>(cx: &Cx<'_, '_>, ty: &'t syn::Type) -> Option<(&'t syn::Type, Ty)> {
    let p = match ty {
        syn::Type::Path(p) => p,
        // A parameter's `&Mutex<u64>`.
        syn::Type::Reference(r) => return lock_type(cx, &r.elem),
        _ => return None,
    };
    let (last, first) = super::last_and_first_arg(p)?;
    match last.as_str() {
        "Mutex" | "RwLock" => {
            let resolved = cx.resolved_ty(ty);
            let (_, inner) = resolved.lock()?;
            let inner = cx.table().resolve(inner);
            atomic_type(&inner).map(|_| (ty, inner))
        }
        "Arc" | "Box" | "Option" => lock_type(cx, first),
        _ => None,
    }
}

/// The scalar of a lock an initialiser makes (`Mutex::new(0u64)`, `Arc::new(RwLock::new(false))`).
fn made_scalar(cx: &Cx<'_, '_>, init: &Expr) -> Option<Ty> {
    let Expr::Call(c) = strip_parens(init) else {
        return None;
    };
    let (owner, f) = path_tail(&c.func)?;
    match (owner.as_deref()?, f.as_str()) {
        ("Arc" | "Box", "new") => made_scalar(cx, c.args.first()?),
        ("Mutex" | "RwLock", "new") => scalar_of(cx, &cx.type_ahead(init)),
        _ => None,
    }
}

/// The rewrite of an expression that makes the lock: `Mutex::new(v)` becomes
/// `AtomicU64::new(v)` (through `Arc::new`, `Box::new`, `Some`), `Mutex::default()` the
/// atomic's; `Default::default()` stays. `None` for anything else.
fn ctor_edits(w: &mut Writer<'_, '_, '_>, init: &Expr, scalar: &Ty) -> Option<Vec<Edit>> {
    let Expr::Call(c) = strip_parens(init) else {
        return None;
    };
    let (owner, f) = path_tail(&c.func)?;
    match (owner.as_deref(), f.as_str()) {
        (Some("Arc" | "Box"), "new") | (None, "Some") if c.args.len() == 1 => {
            ctor_edits(w, &c.args[0], scalar)
        }
        (Some("Mutex" | "RwLock"), "new" | "default") => {
            let atomic = w.atomic(scalar)?;
            // `AtomicPtr<T>::new` is written `AtomicPtr::new`.
            let atomic = atomic.split('<').next().unwrap_or(&atomic).to_owned();
            Some(vec![super::replace(
                w.cx.span_of(&*c.func),
                format!("{atomic}::{f}"),
            )])
        }
        (Some("Default"), "default") => Some(Vec::new()),
        _ => None,
    }
}

/// `let g = m.lock().unwrap();` whose later uses only read `*g` (or drop it): `g` binds
/// `m.load(..)` instead, each `*g` becomes `g`, each `drop(g);` goes.
fn read_only_guard(
    cx: &Cx<'_, '_>,
    ident: &syn::Ident,
    rest: &[syn::Stmt],
    root: &Expr,
    init: &Expr,
) -> Option<(Vec<Edit>, Vec<String>)> {
    let name = ident.to_string();
    let var = cx.var_bound(ident, &name);
    let (uses, opaque) = tree::uses_in(rest, var);
    if opaque || uses.is_empty() {
        return None;
    }
    let mut w = Writer {
        cx,
        imports: Vec::new(),
    };
    let mut edits = vec![super::replace(
        cx.span_of(init),
        format!("{}.load({})", super::text(root)?, w.ordering("Acquire")),
    )];
    for use_ in &uses {
        let mut parents = use_.parents().filter(|e| !matches!(e, Expr::Paren(_)));
        let deref = match parents.next() {
            Some(e @ Expr::Unary(u)) if matches!(u.op, syn::UnOp::Deref(_)) => e,
            // `drop(g);`
            Some(Expr::Call(c))
                if c.args.len() == 1
                    && path_tail(&c.func).is_some_and(|(_, f)| f == "drop")
                    && matches!(
                        use_.steps.as_slice(),
                        [
                            tree::Step::Stmt(..),
                            tree::Step::Expr(_),
                            tree::Step::Expr(_)
                        ]
                    ) =>
            {
                let tree::Step::Stmt(stmts, j) = use_.steps[0] else {
                    return None;
                };
                if !matches!(&stmts[j], syn::Stmt::Expr(_, Some(_))) {
                    return None;
                }
                edits.push(super::replace(tree::removal(cx, stmts, j), ""));
                continue;
            }
            _ => return None,
        };
        // The value read, not the place: not borrowed, assigned to or called a method on.
        match parents.next() {
            Some(Expr::Reference(_) | Expr::MethodCall(_) | Expr::Unary(_)) => return None,
            Some(Expr::Assign(a)) if std::ptr::eq(strip_parens(&a.left), deref) => return None,
            Some(Expr::Binary(b))
                if crate::syntax::exprs::is_compound_assignment(b.op)
                    && std::ptr::eq(strip_parens(&b.left), deref) =>
            {
                return None;
            }
            _ => {}
        }
        edits.push(super::replace(cx.span_of(deref), name.clone()));
    }
    Some((edits, w.imports))
}
