#![doc = include_str!("lock_per_element.md")]

use crate::registry::declare_lint;
use crate::rules::{Decl, DeclKind, Rule};
use crate::semantic::ty::Ty;
use crate::semantic::walker::{Cx, Sink};
use crate::{Cost, Diagnostic, LockOp, Per, Work};

declare_lint!(
    pub(crate) LOCK_PER_ELEMENT,
    "lock_per_element",
    Allow,
    "a collection of `Arc<Mutex<T>>`: one lock and one allocation per element",
    "lock_per_element.md"
);

pub(crate) struct LockPerElement;

impl Rule for LockPerElement {
    type Facts = ();

    /// Flags the declared type: the collection is what a person restructures.
    fn check_decl(&self, cx: &Cx<'_, '_>, decl: &Decl<'_>, (): &mut (), sink: &mut Sink<'_>) {
        // A field typed with an alias is a use of the alias, which is reported where it is declared.
        let declared = cx.declared_ty(decl.ty);
        if decl.kind != DeclKind::Alias && declared.name().is_some_and(|n| cx.table().is_alias(n)) {
            return;
        }
        let Some((collection, element)) = collection_element(holder_contents(&declared)) else {
            return;
        };
        let element = cx.table().resolve(&element);
        let Some(lock) = locked_box(&element) else {
            return;
        };
        let shown = element.display();
        let diagnostic = Diagnostic::new(
        &LOCK_PER_ELEMENT,
        cx.file(),
        cx.span_of(decl.ty),
        format!("{} {collection} of `{shown}`: every element is its own allocation with its own lock", if collection.starts_with('a') { "an" } else { "a" }),
    )
    .with_label("one heap allocation and one lock per element")
    .with_note(format!("a pass over the elements takes and releases a `{lock}` per element and follows a pointer to a separate allocation each time, so the data does not stream through the cache"))
    .with_help("store the elements contiguously (`Vec<T>`) and give each thread a disjoint slice (`chunks_mut`), or lock a whole shard of elements at a time");
        // A pass takes each element's own lock: uncontended, since threads rarely meet on one.
        // Which way an `RwLock` is taken is not in the declaration.
        let diagnostic = if lock == "Mutex" {
            diagnostic.with_cost(Cost::new(
                Work::Lock {
                    kind: LockOp::Mutex,
                    shared: false,
                },
                Per::Element,
            ))
        } else {
            diagnostic
        };
        sink.report(diagnostic);
    }
}

/// What a lock, `Arc` or `Option` around a collection holds: the collection of
/// `RwLock<BTreeMap<K, Arc<RwLock<V>>>>` is the map.
fn holder_contents(mut ty: &Ty) -> &Ty {
    while let Ty::Named(name, args) = ty {
        match (name.as_str(), args.first()) {
            ("Mutex" | "RwLock" | "Arc" | "Option", Some(inner)) => ty = inner,
            _ => break,
        }
    }
    ty
}

/// The kind of collection and its element (a map's value), if `ty` is one.
fn collection_element(ty: &Ty) -> Option<(&'static str, Ty)> {
    match ty {
        Ty::Named(name, args) => match name.as_str() {
            "Vec" | "VecDeque" | "LinkedList" | "SmallVec" | "Slab" => {
                Some(("collection", args.first()?.clone()))
            }
            "HashMap" | "BTreeMap" | "IndexMap" => Some(("map", args.get(1)?.clone())),
            "Array" => Some(("array", args.first()?.clone())),
            "Box" => match args.first()? {
                Ty::Slice(inner) => Some(("boxed slice", (**inner).clone())),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// `Arc<Mutex<T>>`, `Arc<RwLock<T>>` or `Box<Mutex<T>>` with some data in it: the lock's name.
fn locked_box(ty: &Ty) -> Option<&'static str> {
    let Ty::Named(pointer, args) = ty else {
        return None;
    };
    if !matches!(pointer.as_str(), "Arc" | "Box") {
        return None;
    }
    match args.first()? {
        // `Mutex<()>` is a lock per key with no data to lay out contiguously.
        Ty::Named(lock, inner) if !matches!(inner.first(), None | Some(Ty::Tuple(_))) => {
            match lock.as_str() {
                "Mutex" | "FairMutex" => Some("Mutex"),
                "RwLock" => Some("RwLock"),
                _ => None,
            }
        }
        _ => None,
    }
}
