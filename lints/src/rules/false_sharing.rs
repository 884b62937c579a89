#![doc = include_str!("false_sharing.md")]

use index_vec::IndexSlice;
use rustc_hash::FxHashSet as HashSet;
use syn::Expr;

use super::{CrateCx, Merge, Rule};
use crate::fixes;
use crate::registry::declare_lint;
use crate::semantic::names::NameBinding;
use crate::semantic::ty::Ty;
use crate::semantic::walker::{
    Cx, Decl, DeclKey, DeclKind, Later, Sink, SlotDecl, SlotWrite, SpawnId, SpawnSite, ThreadCx,
    is_slot_element, path_tail, strip_parens,
};
use crate::{Applicability, Cost, Diagnostic, Edit, Per, SharedLine, Span, Suggestion, Work};

declare_lint!(
    pub(crate) FALSE_SHARING,
    "false_sharing",
    Warn,
    "per-thread atomic slots packed next to each other: threads writing their own slot still fight over one cache line",
    "false_sharing.md"
);

pub(crate) struct FalseSharing;

/// What the fix needs of each file: the declared slot types, with the edit that pads their
/// element, and every place the slots are made, with the edit that pads what it makes.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct PadSites {
    /// A declared type (by file and span) and its edits (the element padded; a `static`'s
    /// initialiser too), `None` when the fix cannot follow it.
    decls: Vec<(usize, Span, Option<Vec<Edit>>)>,
    /// Where a declaration's slots are made.
    ctors: Vec<(DeclKey, usize, Option<Vec<Edit>>)>,
}

impl Merge for PadSites {
    fn merge(&mut self, other: Self) {
        self.decls.extend(other.decls);
        self.ctors.extend(other.ctors);
    }
}

impl Rule for FalseSharing {
    type Facts = PadSites;

    fn check_decl(&self, cx: &Cx<'_, '_>, decl: &Decl<'_>, facts: &mut PadSites, _: &mut Sink<'_>) {
        if !matches!(
            decl.kind,
            DeclKind::Field | DeclKind::Static | DeclKind::Let
        ) {
            return;
        }
        let Some(element) = element_type(decl.ty) else {
            return;
        };
        if !packs_atomics(cx, &cx.resolved_ty(element)) {
            return;
        }
        let edits = padding(cx).and_then(|padded| {
            let mut edits = vec![fixes::replace(
                cx.span_of(element),
                format!("{padded}<{}>", fixes::text(element)?),
            )];
            if let Some(init) = decl.init {
                edits.extend(ctor_edits(cx, &padded, init)?);
            }
            Some(edits)
        });
        facts.decls.push((cx.file(), cx.span_of(decl.ty), edits));
    }

    fn check_let(
        &self,
        cx: &Cx<'_, '_>,
        local: &syn::Local,
        _: Later<'_>,
        facts: &mut PadSites,
        _: &mut Sink<'_>,
    ) {
        let (syn::Pat::Type(t), Some(init)) = (&local.pat, &local.init) else {
            return;
        };
        if !element_type(&t.ty).is_some_and(|e| packs_atomics(cx, &cx.resolved_ty(e))) {
            return;
        }
        let key = DeclKey::Local(cx.file(), cx.span(local.let_token.span).start);
        let edits = padding(cx).and_then(|padded| ctor_edits(cx, &padded, &init.expr));
        facts.ctors.push((key, cx.file(), edits));
    }

    fn check_expr(&self, cx: &Cx<'_, '_>, expr: &Expr, facts: &mut PadSites, _: &mut Sink<'_>) {
        let Expr::Struct(literal) = expr else { return };
        let owner = cx.literal_type(literal);
        let Some(owner_name) = owner.name().map(str::to_owned) else {
            return;
        };
        for field in &literal.fields {
            let syn::Member::Named(name) = &field.member else {
                continue;
            };
            let ty = cx
                .table()
                .resolve(&cx.table().field(&owner, &name.to_string()));
            if !slot_container(&ty).is_some_and(|e| packs_atomics(cx, &e)) {
                continue;
            }
            let edits = if field.colon_token.is_some() {
                padding(cx).and_then(|padded| ctor_edits(cx, &padded, &field.expr))
            } else {
                None
            };
            facts.ctors.push((
                DeclKey::Field(owner_name.clone(), name.to_string()),
                cx.file(),
                edits,
            ));
        }
    }

    fn check_crate(&self, cx: &CrateCx<'_>, sites: &PadSites, out: &mut Vec<Diagnostic>) {
        out.extend(findings(
            &cx.facts.slot_decls,
            &cx.facts.slot_writes,
            &cx.facts.spawns,
            sites,
        ));
    }
}

/// The padding wrapper the fix writes where the code is: an imported `CachePadded`
/// (crossbeam-utils'), else one the fix defines at the top of the file; `None` where the
/// name means something else, or the code is in an inline module the definition would not
/// reach.
fn padding(cx: &Cx<'_, '_>) -> Option<String> {
    match cx.binding_of("CachePadded") {
        NameBinding::Imported(_) => Some("CachePadded".to_owned()),
        NameBinding::Free if cx.in_file_module() => Some("CachePadded".to_owned()),
        // The crate's own: a wrapper aligned to a cache line (the one this fix defines).
        NameBinding::Other => {
            let written: syn::Type = syn::parse_quote!(CachePadded);
            let ty = cx.declared_ty(&written);
            let def = ty.name().and_then(|n| cx.table().type_def(n))?;
            (def.align.is_some_and(|a| a >= 64) && def.generics.len() == 1)
                .then(|| "CachePadded".to_owned())
        }
        NameBinding::Free => None,
    }
}

/// The padding wrapper the fix defines when the file has none: what `crossbeam_utils::CachePadded`
/// does, as far as the slots' uses need (method calls and fields reach the value through `Deref`).
const WRAPPER: &str =
    "/// Pads and aligns a value to 128 bytes, so that values side by side (one per thread) never
/// share a cache line: what `crossbeam_utils::CachePadded` does.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct CachePadded<T>(T);

impl<T> CachePadded<T> {
    pub(crate) const fn new(value: T) -> Self {
        CachePadded(value)
    }
}

impl<T> std::ops::Deref for CachePadded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for CachePadded<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}
";

/// The element type of a declared run of slots: `E` in `Vec<E>`, `[E; N]`, `Box<[E]>`,
/// `Arc<Vec<E>>`.
fn element_type(ty: &syn::Type) -> Option<&syn::Type> {
    match ty {
        syn::Type::Array(a) => Some(&a.elem),
        syn::Type::Slice(s) => Some(&s.elem),
        syn::Type::Path(p) => {
            let (last, first) = crate::fixes::last_and_first_arg(p)?;
            match last.as_str() {
                "Vec" | "VecDeque" => Some(first),
                "Box" | "Arc" => element_type(first),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The element of a resolved run-of-slots type.
fn slot_container(ty: &Ty) -> Option<Ty> {
    match ty {
        Ty::Named(name, args) => match name.as_str() {
            "Vec" | "VecDeque" | "Array" => args.first().cloned(),
            "Box" | "Arc" => match args.first()? {
                Ty::Slice(inner) => Some((**inner).clone()),
                inner => slot_container(inner),
            },
            _ => None,
        },
        Ty::Slice(inner) => Some((**inner).clone()),
        _ => None,
    }
}

/// Whether an element type is one the lint flags packed side by side (an atomic, a small struct
/// of atomics): the walker's own test.
fn packs_atomics(cx: &Cx<'_, '_>, element: &Ty) -> bool {
    is_slot_element(cx.table(), element)
}

/// The edits that pad what an expression makes: `[const { X }; N]` and `[X, Y]` wrap each
/// element, `.collect()` maps each item into the wrapper first, `array::from_fn(|i| X)` wraps
/// the closure's value, `Arc::new`/`Box::new` pad what they hold, `Default::default()` needs
/// nothing. `None` for anything else (slots pushed one by one, handed in).
fn ctor_edits(cx: &Cx<'_, '_>, padded: &str, expr: &Expr) -> Option<Vec<Edit>> {
    let wrap = |e: &Expr| -> Option<Edit> {
        Some(fixes::replace(
            cx.span_of(e),
            format!("{padded}::new({})", fixes::text(e)?),
        ))
    };
    match strip_parens(expr) {
        Expr::Repeat(r) => match &*r.expr {
            Expr::Const(c) => {
                let [syn::Stmt::Expr(value, None)] = c.block.stmts.as_slice() else {
                    return None;
                };
                Some(vec![wrap(value)?])
            }
            other => Some(vec![fixes::replace(
                cx.span_of(other),
                format!("const {{ {padded}::new({}) }}", fixes::text(other)?),
            )]),
        },
        Expr::Array(a) => a.elems.iter().map(wrap).collect(),
        Expr::MethodCall(m) if m.method == "collect" => Some(vec![fixes::insert(
            cx.span(m.dot_token.span).start,
            format!(".map({padded}::new)"),
        )]),
        Expr::Call(c) => {
            let (owner, f) = path_tail(&c.func)?;
            match (owner.as_deref(), f.as_str()) {
                (Some("Arc" | "Box"), "new") if c.args.len() == 1 => {
                    ctor_edits(cx, padded, &c.args[0])
                }
                (Some("array"), "from_fn") if c.args.len() == 1 => match &c.args[0] {
                    Expr::Closure(closure) => Some(vec![wrap(&closure.body)?]),
                    _ => None,
                },
                (Some("Default"), "default") => Some(Vec::new()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The fix of a declaration's finding: its element padded, and every place that makes its
/// slots padding what it makes, all in the declaration's file, with the wrapper defined at the
/// top of the file unless it is imported. `MaybeIncorrect`: code that needs the slots as they
/// were (a `&[AtomicU64]` parameter) no longer compiles, and each slot now takes 128 bytes.
fn rewrite(decl: &SlotDecl, sites: &PadSites) -> Option<Suggestion> {
    let (_, _, edits) = sites
        .decls
        .iter()
        .find(|(file, span, _)| *file == decl.file && *span == decl.span)?;
    let mut edits = edits.clone()?;
    for (_, file, ctor) in sites.ctors.iter().filter(|(key, _, _)| *key == decl.key) {
        if *file != decl.file {
            return None;
        }
        edits.extend(ctor.clone()?);
    }
    edits.sort_by_key(|e| e.span);
    edits.dedup();
    if !fixes::disjoint(&edits) {
        return None;
    }
    Some(
        Suggestion::new(
            "give each slot a cache line of its own",
            edits,
            Applicability::MaybeIncorrect,
        )
        .defining("CachePadded", WRAPPER),
    )
}

/// Flags the declaration, the place to pad, once, from every write to it in the crate.
fn findings(
    decls: &[SlotDecl],
    writes: &[SlotWrite],
    spawns: &IndexSlice<SpawnId, [SpawnSite]>,
    sites: &PadSites,
) -> Vec<Diagnostic> {
    let mut seen = HashSet::default();
    let mut out = Vec::new();
    for decl in decls {
        if !seen.insert((decl.file, decl.span)) {
            continue;
        }
        let Some(write) = writes
            .iter()
            .find(|w| w.decl.as_ref() == Some(&decl.key) && per_thread(w, spawns))
        else {
            continue;
        };
        let element = decl.element.display();
        let mut d = Diagnostic::new(
                &FALSE_SHARING,
                decl.file,
                decl.span,
                format!("per-thread slots of `{element}` packed next to each other: threads writing their own slot still share its cache line"),
            )
            .with_label("several slots to a 64-byte cache line")
            .with_secondary(write.file, write.span, "each thread writes its own slot here")
            .with_note("a write to any slot takes the whole cache line away from the other cores, so distinct counters contend as if they were one")
            .with_help(format!("give each slot a cache line of its own: `CachePadded<{element}>` (crossbeam-utils), or a `#[repr(align(128))]` wrapper"))
            .with_cost(Cost::new(
                Work::AtomicRmw {
                    count: 1,
                    on: SharedLine::CacheLine,
                    seqcst: false,
                },
                Per::Write,
            ));
        if let Some(suggestion) = rewrite(decl, sites) {
            d = d.with_suggestion(suggestion);
        }
        out.push(d);
    }
    out
}

/// Whether a write goes to the slot of the thread making it: its index names a thread or
/// worker, spreads threads over the slots by a hash or id (a stripe), is the variable of the
/// loop that spawned the writing thread, or is a parallel closure's own item.
fn per_thread(write: &SlotWrite, spawns: &IndexSlice<SpawnId, [SpawnSite]>) -> bool {
    if write.named_per_thread || write.striped {
        return true;
    }
    let Some(index_region) = write.index_region else {
        return false;
    };
    match write.thread {
        Some(ThreadCx::Spawned(site)) => spawns[site].region == Some(index_region),
        Some(ThreadCx::Parallel) => write.region == Some(index_region),
        None => false,
    }
}
