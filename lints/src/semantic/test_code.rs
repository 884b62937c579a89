//! Which code belongs to a crate's test harness: items under `#[cfg(test)]` (and any `cfg`
//! that holds only when `test` does, such as `cfg(all(test, unix))`), and test functions
//! (`#[test]`, `#[tokio::test]`, `#[rstest]`, `#[bench]`, ...). Cargo builds such code only for
//! `cargo test` and `cargo bench`, so it belongs to the test targets, not to the library or
//! binary it sits in.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use crate::diagnostic::Span;
use crate::pipeline::parse::to_span;

/// Whether a `cfg` predicate can hold only when `test` is set: `test`, `all(.., test, ..)`,
/// `any(..)` of such predicates. `not(..)` never is: `not(test)` is the opposite, and
/// `not(not(test))` nobody writes.
fn requires_test(meta: &syn::Meta) -> bool {
    match meta {
        syn::Meta::Path(path) => path.is_ident("test"),
        syn::Meta::List(list) => {
            let Ok(inner) = list.parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            ) else {
                return false;
            };
            if list.path.is_ident("all") {
                inner.iter().any(requires_test)
            } else if list.path.is_ident("any") {
                !inner.is_empty() && inner.iter().all(requires_test)
            } else {
                false
            }
        }
        syn::Meta::NameValue(_) => false,
    }
}

/// `#[cfg(test)]`, or any `#[cfg(..)]` that holds only when `test` does.
pub(crate) fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Meta>()
                .is_ok_and(|meta| requires_test(&meta))
    })
}

/// An attribute that makes a function a test or benchmark of the test harness: `#[test]`,
/// `#[bench]`, and the attribute macros of test crates, which end in `test` (`tokio::test`,
/// `async_std::test`, `test_log::test`) or are named for what they are (`rstest`,
/// `test_case`, `quickcheck`, `proptest`).
fn is_test_attr(attr: &syn::Attribute) -> bool {
    attr.path().segments.last().is_some_and(|segment| {
        matches!(
            segment.ident.to_string().as_str(),
            "test" | "bench" | "rstest" | "test_case" | "quickcheck" | "proptest"
        )
    })
}

/// Whether an item with these attributes is test code: under a test-only `cfg`, or a test.
pub(crate) fn is_test_item(attrs: &[syn::Attribute]) -> bool {
    is_cfg_test(attrs) || attrs.iter().any(is_test_attr)
}

/// The spans of the test code of a file (see the module's documentation), outermost only: a
/// `#[test]` function inside a `#[cfg(test)] mod tests` is covered by the module.
pub(crate) fn test_spans(file: &syn::File, base: usize) -> Vec<Span> {
    // `#![cfg(test)]` at the top of a module's file: all of it.
    if is_cfg_test(&file.attrs) {
        return vec![Span {
            start: 0,
            end: usize::MAX,
        }];
    }
    let mut finder = Finder {
        base,
        spans: Vec::new(),
    };
    finder.visit_file(file);
    finder.spans
}

struct Finder {
    base: usize,
    spans: Vec<Span>,
}

impl Finder {
    /// Records `node` as test code when `attrs` say so; returns whether it did, so that the
    /// caller does not look inside.
    fn test_item(&mut self, attrs: &[syn::Attribute], node: &impl Spanned) -> bool {
        if !is_test_item(attrs) {
            return false;
        }
        // A node's span runs from its first attribute to its last token.
        self.spans.push(to_span(node.span(), self.base));
        true
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Const(i) => &i.attrs,
            syn::Item::Enum(i) => &i.attrs,
            syn::Item::Fn(i) => &i.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Macro(i) => &i.attrs,
            syn::Item::Mod(i) => &i.attrs,
            syn::Item::Static(i) => &i.attrs,
            syn::Item::Struct(i) => &i.attrs,
            syn::Item::Trait(i) => &i.attrs,
            syn::Item::Type(i) => &i.attrs,
            syn::Item::Union(i) => &i.attrs,
            syn::Item::Use(i) => &i.attrs,
            _ => &[],
        };
        if !self.test_item(attrs, item) {
            visit::visit_item(self, item);
        }
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::ImplItem::Const(i) => &i.attrs,
            syn::ImplItem::Fn(i) => &i.attrs,
            syn::ImplItem::Type(i) => &i.attrs,
            syn::ImplItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        if !self.test_item(attrs, item) {
            visit::visit_impl_item(self, item);
        }
    }

    // Test code inside function bodies (a `#[cfg(test)]` statement) is rare; bodies are not
    // searched, which keeps this a walk over items.
    fn visit_block(&mut self, _: &'ast syn::Block) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of(text: &str) -> Vec<&str> {
        let file: syn::File = syn::parse_str(text).unwrap();
        test_spans(&file, 0)
            .into_iter()
            .map(|span| &text[span.start..span.end])
            .collect()
    }

    #[test]
    fn cfg_predicates_that_need_test() {
        let needs = |cfg: &str| {
            let meta: syn::Meta = syn::parse_str(cfg).unwrap();
            requires_test(&meta)
        };
        assert!(needs("test"));
        assert!(needs("all(test, unix)"));
        assert!(needs("all(unix, any(test, all(test, loom)))"));
        assert!(needs("any(test, all(test, feature = \"x\"))"));
        assert!(!needs("not(test)"));
        assert!(!needs("any(test, feature = \"testing\")"));
        assert!(!needs("feature = \"test\""));
        assert!(!needs("loom"));
        assert!(!needs("any()"));
    }

    #[test]
    fn test_modules_and_functions_are_found_outermost_first() {
        let text = "fn lib() {}\n\
                    #[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n\
                    #[tokio::test]\nasync fn it() {}\n\
                    #[cfg(all(test, unix))]\nfn helper() {}\n\
                    #[cfg(not(test))]\nfn real() {}\n\
                    impl S {\n    #[cfg(test)]\n    fn probe(&self) {}\n    fn run(&self) {}\n}\n\
                    #[rstest]\nfn cases() {}\n";
        assert_eq!(
            spans_of(text),
            [
                "#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}",
                "#[tokio::test]\nasync fn it() {}",
                "#[cfg(all(test, unix))]\nfn helper() {}",
                "#[cfg(test)]\n    fn probe(&self) {}",
                "#[rstest]\nfn cases() {}",
            ]
        );
    }

    #[test]
    fn a_file_under_an_inner_cfg_test_is_all_test_code() {
        let file: syn::File = syn::parse_str("#![cfg(test)]\nfn t() {}\n").unwrap();
        let spans = test_spans(&file, 0);
        assert_eq!(spans.len(), 1);
        assert!(spans[0].start == 0 && spans[0].end >= 24);
        // An inline module's inner attribute is one of its attributes in syn.
        assert_eq!(
            spans_of("mod m {\n    #![cfg(test)]\n    fn t() {}\n}\nfn f() {}\n"),
            ["mod m {\n    #![cfg(test)]\n    fn t() {}\n}"]
        );
    }

    #[test]
    fn spans_start_at_the_first_attribute() {
        let text = "#[allow(dead_code)]\n#[test]\nfn t() {}\n";
        assert_eq!(spans_of(text), ["#[allow(dead_code)]\n#[test]\nfn t() {}"]);
    }
}
