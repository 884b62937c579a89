//! Per-thread slots of atomics: declarations of atomics packed side by side (`Vec<AtomicU64>`,
//! `[AtomicUsize; N]`, a collection of structs made only of atomics) and the writes that index
//! them with a per-thread index, for `false_sharing`.

use syn::Expr;
use syn::spanned::Spanned;

use super::locks::ThreadCx;
use super::{DeclKey, RegionId, Walker};
use crate::diagnostic::Span;
use crate::semantic::ty::Ty;
use crate::syntax::spawn::names_thread_index;

/// A declaration of atomics packed next to each other.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct SlotDecl {
    pub(crate) key: DeclKey,
    pub(crate) file: usize,
    /// The declared type.
    pub(crate) span: Span,
    /// The element type, as written (`AtomicU64`, `Counters`).
    pub(crate) element: Ty,
}

/// A write to one slot: `slots[i].fetch_add(..)`, `slots[i].hits.store(..)`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct SlotWrite {
    pub(crate) decl: Option<DeclKey>,
    pub(crate) file: usize,
    /// The written slot (`slots[i]`).
    pub(crate) span: Span,
    /// The index names a thread or worker (`worker`, `thread_id`, `tid`).
    pub(crate) named_per_thread: bool,
    /// The hot region the index variable was bound in (a spawning loop's variable, a
    /// parallel closure's parameter).
    pub(crate) index_region: Option<RegionId>,
    pub(crate) region: Option<RegionId>,
    pub(crate) thread: Option<ThreadCx>,
}

/// Methods that write an atomic.
const ATOMIC_WRITES: &[&str] = &[
    "store",
    "swap",
    "fetch_add",
    "fetch_sub",
    "fetch_and",
    "fetch_or",
    "fetch_xor",
    "fetch_nand",
    "fetch_max",
    "fetch_min",
    "fetch_update",
    "compare_exchange",
    "compare_exchange_weak",
];

impl Walker<'_> {
    /// Whether a type is a run of atomics side by side, unpadded: its element type.
    fn packed_atomics(&self, ty: &Ty) -> Option<Ty> {
        let element = match ty {
            Ty::Named(name, args) => match name.as_str() {
                "Vec" | "VecDeque" | "Array" | "SmallVec" => args.first()?.clone(),
                "Box" | "Arc" => match args.first()? {
                    Ty::Slice(inner) => (**inner).clone(),
                    inner => return self.packed_atomics(inner),
                },
                _ => return None,
            },
            Ty::Slice(inner) => (**inner).clone(),
            _ => return None,
        };
        let resolved = self.table.resolve(&element);
        let atomic = |t: &Ty| t.name().is_some_and(|n| n.starts_with("Atomic"));
        if atomic(&resolved) {
            return Some(element);
        }
        // A struct of atomics only, not aligned to a cache line of its own.
        let def = self.table.type_def(resolved.name()?)?;
        let all_atomic = !def.fields.is_empty()
            && def
                .fields
                .iter()
                .all(|f| atomic(&self.table.resolve(&f.ty)));
        (all_atomic && def.align.is_none_or(|a| a < 64)).then_some(element)
    }

    /// Records a declaration whose type packs atomics side by side.
    pub(super) fn declare_slots(&mut self, key: DeclKey, ty: &syn::Type) {
        let declared = self.names.ty(ty);
        if let Some(element) = self.packed_atomics(&declared) {
            self.out.slot_decls.push(SlotDecl {
                key,
                file: self.file,
                span: self.span(ty.span()),
                element,
            });
        }
    }

    /// Records `slots[i].write(..)` / `slots[i].field.write(..)` made by `call`.
    pub(super) fn record_slot_write(&mut self, call: &syn::ExprMethodCall) {
        if !ATOMIC_WRITES.contains(&call.method.to_string().as_str()) {
            return;
        }
        let mut place = &*call.receiver;
        while let Expr::Field(f) = place {
            place = &f.base;
        }
        let Expr::Index(index) = place else { return };
        let index_var = match &*index.index {
            Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
            _ => None,
        };
        let named_per_thread = names_thread_index(&index.index);
        let index_region = index_var
            .as_deref()
            .and_then(|name| self.lookup(name))
            .and_then(|local| local.region);
        self.out.slot_writes.push(SlotWrite {
            decl: self.origin_of(&index.expr),
            file: self.file,
            span: self.span(place.span()),
            named_per_thread,
            index_region,
            region: self.region,
            thread: self.thread,
        });
    }
}
