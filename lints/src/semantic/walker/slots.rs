//! Per-thread slots of atomics: declarations of atomics packed side by side (`Vec<AtomicU64>`,
//! `[AtomicUsize; N]`, a collection of structs made only of atomics) and the writes that index
//! them with a per-thread index, for `false_sharing`.

use syn::Expr;
use syn::spanned::Spanned;

use super::locks::ThreadCx;
use super::{DeclKey, RegionId, Walker, strip_parens};
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
    /// The index spreads threads over the slots: a hash, key or id taken modulo or masked
    /// (`slots[hash % N]`, `shards[id & mask]`), as a striped counter does.
    #[serde(default)]
    pub(crate) striped: bool,
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
        // A small struct of atomics (with perhaps a few plain scalars beside them), not
        // aligned to a cache line of its own.
        let def = self.table.type_def(resolved.name()?)?;
        let fields: Vec<Ty> = def
            .fields
            .iter()
            .map(|f| self.table.resolve(&f.ty))
            .collect();
        let slot = fields.iter().any(atomic)
            && fields.len() <= 8
            && fields.iter().all(|t| atomic(t) || is_plain_scalar(t));
        (slot && def.align.is_none_or(|a| a < 64)).then_some(element)
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
        let method = call.method.to_string();
        // A slot struct's own method (`slots[i].bump()`) writes it, unless it only reads.
        let slot_method = matches!(strip_parens(&call.receiver), Expr::Index(_))
            && !SLOT_READS.contains(&method.as_str())
            && !["is_", "as_", "to_", "get", "load"]
                .iter()
                .any(|p| method.starts_with(p));
        if !ATOMIC_WRITES.contains(&method.as_str()) && !slot_method {
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
        let striped = is_stripe_index(&index.index)
            || index_var
                .as_deref()
                .and_then(|name| self.lookup(name))
                .is_some_and(|local| local.stripe);
        let index_region = index_var
            .as_deref()
            .and_then(|name| self.lookup(name))
            .and_then(|local| local.region);
        self.out.slot_writes.push(SlotWrite {
            decl: self.origin_of(&index.expr),
            file: self.file,
            span: self.span(place.span()),
            named_per_thread,
            striped,
            index_region,
            region: self.region,
            thread: self.thread,
        });
    }
}

/// Methods of a slot that only read it.
const SLOT_READS: &[&str] = &[
    "clone",
    "len",
    "is_empty",
    "value",
    "read",
    "into_inner",
    "fmt",
];

/// Whether a type is a plain scalar (an integer, a float, `bool`, `char`).
fn is_plain_scalar(ty: &Ty) -> bool {
    ty.name().is_some_and(|n| {
        matches!(
            n,
            "u8" | "u16"
                | "u32"
                | "u64"
                | "u128"
                | "usize"
                | "i8"
                | "i16"
                | "i32"
                | "i64"
                | "i128"
                | "isize"
                | "f32"
                | "f64"
                | "bool"
                | "char"
        )
    })
}

/// Whether an index spreads its users over the slots: a hash, key, id or thread number taken
/// modulo or masked (`hash % N`, `id & self.mask`, `(key as usize) % self.shards.len()`).
pub(super) fn is_stripe_index(index: &Expr) -> bool {
    match strip_parens(index) {
        Expr::Binary(b) if matches!(b.op, syn::BinOp::Rem(_) | syn::BinOp::BitAnd(_)) => {
            names_spread(&b.left)
        }
        Expr::Cast(c) => is_stripe_index(&c.expr),
        _ => false,
    }
}

/// Whether a value names a hash, key, id or thread: what a striped structure spreads by.
fn names_spread(expr: &Expr) -> bool {
    let spread = |name: &str| {
        let name = name.to_ascii_lowercase();
        name.split('_').any(|word| {
            matches!(
                word,
                "hash"
                    | "hashed"
                    | "h"
                    | "key"
                    | "id"
                    | "tid"
                    | "thread"
                    | "seed"
                    | "rand"
                    | "random"
                    | "stripe"
                    | "shard"
                    | "cpu"
                    | "core"
                    | "worker"
                    | "fingerprint"
            )
        })
    };
    match strip_parens(expr) {
        Expr::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| spread(&s.ident.to_string())),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(i) => spread(&i.to_string()),
            syn::Member::Unnamed(_) => false,
        },
        Expr::Cast(c) => names_spread(&c.expr),
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            matches!(method.as_str(), "finish" | "hash" | "hash_one")
                || spread(&method)
                || names_spread(&m.receiver)
        }
        Expr::Call(c) => crate::syntax::exprs::path_tail(&c.func)
            .is_some_and(|(_, f)| spread(&f) || f.contains("hash")),
        _ => names_thread_index(expr),
    }
}
