//! What phase one leaves phase two of a file, so that phase two parses only what phase one did
//! not: the items the walk visits (functions, structs, statics, ...), each as a range of the
//! file's text with the context it sits in (its inline module, the impl or trait around it).
//! Phase one parses the file with the function bodies blanked; phase two parses each item of
//! the plan on its own, bodies included, and walks it. A function's body is parsed once, by
//! phase two; its signature, and the items around it, by both.

use syn::Item;

use crate::diagnostic::{Diagnostic, Span};
use crate::pipeline::driver::unparsed_finding;
use crate::pipeline::parse::{self, Parsed, UnitAst, parse_unit, to_span};
use crate::semantic::ty::Renames;
use crate::syntax::bounds::{impl_item_bounds, item_bounds, trait_item_bounds};

/// How phase two walks a file without its whole tree (see the module's documentation).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Plan {
    /// The items to parse and walk, in the order of the file.
    pub(crate) units: Vec<Unit>,
    /// The impls and traits units sit in.
    pub(crate) owners: Vec<Owner>,
    /// The inline modules units sit in, each as its path below the file's module; the first
    /// is the file's own (an empty path).
    pub(crate) modules: Vec<Vec<String>>,
    /// The file's `use .. as ..` renames of well-known types.
    pub(crate) renames: Renames,
    /// The file's test code (see `semantic::test_code`).
    pub(crate) test_code: Vec<Span>,
}

/// An item phase two parses on its own: the text from `start` to `end` of the file.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub(crate) struct Unit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: UnitKind,
    /// Its inline module, as an index into [`Plan::modules`].
    pub(crate) module: u32,
}

/// What a unit's text parses as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum UnitKind {
    /// An item of a module.
    Item,
    /// An item of the impl at this index into [`Plan::owners`].
    ImplItem(u32),
    /// An item of the trait at this index into [`Plan::owners`].
    TraitItem(u32),
}

/// An impl or a trait that units sit in.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) enum Owner {
    /// An impl: its self type as written (`None` when it is not a path) and its type
    /// parameters.
    Impl {
        self_ty: Option<String>,
        generics: Vec<String>,
        /// A gRPC service's trait impl (`#[tonic::async_trait]`): the server calls its methods
        /// per request.
        service: bool,
    },
    /// A trait, by name.
    Trait { name: String },
}

/// Whether an impl is a gRPC service's: a trait impl under `#[tonic::async_trait]`.
pub(crate) fn is_service_impl(imp: &syn::ItemImpl) -> bool {
    imp.trait_.is_some()
        && imp.attrs.iter().any(|a| {
            let segments = &a.path().segments;
            segments.len() == 2
                && segments[0].ident == "tonic"
                && segments[1].ident == "async_trait"
        })
}

/// The plan of a file from its tree (whole, or with function bodies blanked: the ranges are
/// the same), whose spans start at `base` in the file's text.
pub(crate) fn plan(file: &syn::File, base: usize) -> Plan {
    let mut planner = Planner {
        base,
        plan: Plan {
            modules: vec![Vec::new()],
            renames: Renames::of_items(&file.items),
            test_code: crate::semantic::test_code::test_spans(file, base),
            ..Plan::default()
        },
        module: Vec::new(),
    };
    planner.items(&file.items, 0);
    planner.plan
}

struct Planner {
    base: usize,
    plan: Plan,
    /// The path of the inline module being planned, below the file's.
    module: Vec<String>,
}

impl Planner {
    fn unit(
        &mut self,
        (start, end): (proc_macro2::Span, proc_macro2::Span),
        kind: UnitKind,
        module: u32,
    ) {
        self.plan.units.push(Unit {
            start: to_span(start, self.base).start,
            end: to_span(end, self.base).end,
            kind,
            module,
        });
    }

    fn owner(&mut self, owner: Owner) -> u32 {
        self.plan.owners.push(owner);
        u32::try_from(self.plan.owners.len() - 1).expect("fewer than 2^32 impls in a file")
    }

    fn items(&mut self, items: &[Item], module: u32) {
        for item in items {
            match item {
                Item::Mod(m) => {
                    let Some((_, inner)) = &m.content else {
                        continue;
                    };
                    self.module
                        .push(syn::ext::IdentExt::unraw(&m.ident).to_string());
                    self.plan.modules.push(self.module.clone());
                    let id = u32::try_from(self.plan.modules.len() - 1)
                        .expect("fewer than 2^32 modules in a file");
                    self.items(inner, id);
                    self.module.pop();
                }
                Item::Impl(imp) => {
                    let owner = self.owner(Owner::Impl {
                        self_ty: crate::semantic::items::self_type_name(&imp.self_ty),
                        generics: imp
                            .generics
                            .type_params()
                            .map(|p| p.ident.to_string())
                            .collect(),
                        service: is_service_impl(imp),
                    });
                    // Associated types and macros hold nothing the walk reads.
                    for item in &imp.items {
                        if !matches!(item, syn::ImplItem::Fn(_) | syn::ImplItem::Const(_)) {
                            continue;
                        }
                        if let Some(bounds) = impl_item_bounds(item) {
                            self.unit(bounds, UnitKind::ImplItem(owner), module);
                        }
                    }
                }
                Item::Trait(t) => {
                    let owner = self.owner(Owner::Trait {
                        name: t.ident.to_string(),
                    });
                    // Only provided functions and constants have code to walk.
                    for item in &t.items {
                        let code = match item {
                            syn::TraitItem::Fn(f) => f.default.is_some(),
                            syn::TraitItem::Const(c) => c.default.is_some(),
                            _ => false,
                        };
                        if !code {
                            continue;
                        }
                        if let Some(bounds) = trait_item_bounds(item) {
                            self.unit(bounds, UnitKind::TraitItem(owner), module);
                        }
                    }
                }
                // The items the walk visits (see `Walker::visit_item`); enums, unions, uses
                // and foreign blocks hold no code it reads.
                Item::Fn(_)
                | Item::Struct(_)
                | Item::Static(_)
                | Item::Const(_)
                | Item::Type(_)
                | Item::Macro(_) => {
                    if let Some(bounds) = item_bounds(item) {
                        self.unit(bounds, UnitKind::Item, module);
                    }
                }
                _ => {}
            }
        }
    }
}

/// A file as phase two reads it when phase one did not keep its tree.
pub(crate) enum Read {
    /// The trees of the plan's units, in its order.
    Units(Vec<UnitAst>),
    /// The whole tree and the offset of its spans: for a file whose `contention:allow`
    /// comments need every item's span from its doc comments, or one with a unit that does not
    /// parse on its own.
    Whole(syn::File, usize),
    /// The file does not parse: an error inside a function body, which phase one skipped,
    /// shows here.
    Unparsed(Box<Diagnostic>),
}

/// Reads file `index`, whose text is `text`, for phase two: the units of its plan, each parsed
/// on its own; the whole file where there is no plan, where the file has `contention:allow`
/// comments, or where a unit does not parse (the whole parse then says why, or reads the
/// macro whose body held the unit as a macro).
pub(crate) fn read(index: usize, text: &str, plan: Option<&Plan>) -> Read {
    if let Some(plan) = plan.filter(|_| !text.contains(crate::suppress::MARKER)) {
        let units: Option<Vec<UnitAst>> = plan
            .units
            .iter()
            .map(|unit| parse_unit(&text[unit.start..unit.end], unit.kind))
            .collect();
        if let Some(units) = units {
            return Read::Units(units);
        }
    }
    match parse::parse(text) {
        (Parsed::Ast(ast), base) => Read::Whole(ast, base),
        (failed, _) => Read::Unparsed(Box::new(
            unparsed_finding(index, failed).expect("a file that does not parse has a finding"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan of `text` as phase one makes it (bodies blanked), with each unit's text.
    fn units(text: &str) -> (Plan, Vec<(UnitKind, u32, String)>) {
        let (parsed, base, _) = parse::parse_file_items(text, false);
        let Parsed::Ast(ast) = parsed else {
            panic!("the items parse")
        };
        let plan = plan(&ast, base);
        let units = plan
            .units
            .iter()
            .map(|u| (u.kind, u.module, text[u.start..u.end].to_owned()))
            .collect();
        (plan, units)
    }

    #[test]
    fn units_are_the_items_a_walk_visits_with_their_module_impl_or_trait() {
        let text = "\u{feff}use std::sync::Mutex;
/// Documented.
#[inline] pub fn f() { let x = 1; }
enum E { A }
mod inner {
    struct S { m: Mutex<u8> }
    impl S { fn g(&self) { self.m.lock(); } type T = u8; const C: u8 = 1; }
    trait T { fn h(&self) { go() } fn i(&self); }
}
cfg_if::cfg_if! { if #[cfg(unix)] { static X: u8 = 1; } }
";
        let (plan, units) = units(text);
        let texts: Vec<&str> = units.iter().map(|(_, _, t)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "#[inline] pub fn f() { let x = 1; }",
                "struct S { m: Mutex<u8> }",
                "fn g(&self) { self.m.lock(); }",
                "const C: u8 = 1;",
                "fn h(&self) { go() }",
                "static X: u8 = 1;",
            ]
        );
        assert_eq!(plan.modules, [vec![], vec!["inner".to_owned()]]);
        assert_eq!(units[1].1, 1, "the struct is in `inner`");
        assert!(matches!(units[2].0, UnitKind::ImplItem(0)));
        assert!(matches!(units[4].0, UnitKind::TraitItem(1)));
        assert!(
            matches!(&plan.owners[0], Owner::Impl { self_ty: Some(s), .. } if s == "S"),
            "{:?}",
            plan.owners
        );
        // Each unit parses on its own, bodies included.
        let read = read(0, text, Some(&plan));
        let Read::Units(asts) = read else {
            panic!("the units parse")
        };
        let UnitAst::Item(syn::Item::Fn(f)) = &asts[0] else {
            panic!("a function")
        };
        assert_eq!(f.block.stmts.len(), 1);
    }

    #[test]
    fn an_error_in_a_body_phase_one_skipped_is_the_whole_files() {
        let text = "fn a() { let x = ; }\nfn b() {}";
        let (plan, _) = units(text);
        match read(3, text, Some(&plan)) {
            Read::Unparsed(finding) => {
                assert_eq!(finding.file, 3);
                assert!(
                    finding.message.starts_with("this file does not parse"),
                    "{}",
                    finding.message
                );
                assert_eq!(&text[finding.span.start..finding.span.end], ";");
            }
            _ => panic!("the file does not parse"),
        }
    }

    #[test]
    fn a_file_with_allow_comments_is_read_whole() {
        let text = "// contention:allow(over_copy)\nfn a() { b(); }";
        let (plan, units) = units(text);
        assert_eq!(units.len(), 1);
        assert!(matches!(read(0, text, Some(&plan)), Read::Whole(..)));
    }
}
