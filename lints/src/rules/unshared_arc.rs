#![doc = include_str!("unshared_arc.md")]

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::{CrateCx, Rule};
use crate::registry::declare_lint;
use crate::semantic::types::TypeTable;
use crate::semantic::walker::{ArcField, ArcInit, ArcShare};
use crate::{Cost, Diagnostic, Per, Work};

declare_lint!(
    pub(crate) UNSHARED_ARC,
    "unshared_arc",
    Warn,
    "a struct field's `Arc` that is only ever made fresh and never shared: the reference count buys nothing",
    "unshared_arc.md"
);

pub(crate) struct UnsharedArc;

impl Rule for UnsharedArc {
    type Facts = ();

    fn check_crate(&self, cx: &CrateCx<'_>, (): &(), out: &mut Vec<Diagnostic>) {
        out.extend(findings(
            cx.table,
            &cx.facts.arc_fields,
            &cx.facts.arc_inits,
            &cx.facts.arc_shares,
        ));
    }
}

/// Decides each field once the whole crate has been seen: a single clone anywhere shares it.
fn findings(
    table: &TypeTable,
    fields: &[ArcField],
    inits: &[ArcInit],
    shares: &HashSet<ArcShare>,
) -> Vec<Diagnostic> {
    let mut made: HashMap<(&str, &str), bool> = HashMap::default();
    for init in inits {
        let all_fresh = made
            .entry((init.owner.as_str(), init.field.as_str()))
            .or_insert(true);
        *all_fresh &= init.fresh;
    }
    let mut seen = HashSet::default();
    let mut out = Vec::new();
    for field in fields {
        if !seen.insert((field.file, field.span)) {
            continue;
        }
        // Callers of a public field, and clones of a `Clone` struct, share the `Arc`.
        if field.public || table.is_clone(&field.owner) {
            continue;
        }
        // Made somewhere, and only ever with a new `Arc`: not one handed in by someone who
        // keeps a copy.
        if made.get(&(field.owner.as_str(), field.field.as_str())) != Some(&true) {
            continue;
        }
        let shared = shares.contains(&ArcShare {
            owner: Some(field.owner.clone()),
            field: field.field.clone(),
        }) || shares.contains(&ArcShare {
            owner: None,
            field: field.field.clone(),
        });
        if shared {
            continue;
        }
        let name = &field.field;
        out.push(
            Diagnostic::new(
                &UNSHARED_ARC,
                field.file,
                field.span,
                format!("`{}::{name}` is an `Arc` that is only ever made fresh and never cloned: the reference count buys nothing", crate::semantic::ty::short_name(&field.owner)),
            )
            .with_label("a separate allocation, with an atomic reference count, for one owner")
            .with_note("every value made pays for a heap allocation and, when dropped, an atomic decrement and a free; every read follows a pointer")
            .with_help(if field.unsized_inner {
                "own the value in a `Box`: declare the field as `Box<T>` with the same `T` (a `dyn Fn(..)`, a slice), and write `Box::new(value)` where it is made with `Arc::new(value)`"
            } else {
                "own the value directly: declare the field as the `T` inside, and write `value` where it is made with `Arc::new(value)`"
            })
            .with_cost(Cost::new(Work::ArcNew, Per::Value)),
        );
    }
    out
}
