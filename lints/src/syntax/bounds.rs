//! Where an item's text starts and ends: the first and last tokens of items, impl items and
//! trait items, read from the tokens the tree keeps rather than from `Spanned::span`, which
//! prints the whole item back into tokens to find them.

use proc_macro2::Span as PmSpan;

/// The first token of a visibility, if it has one.
fn vis_start(vis: &syn::Visibility) -> Option<PmSpan> {
    match vis {
        syn::Visibility::Public(p) => Some(p.span),
        syn::Visibility::Restricted(r) => Some(r.pub_token.span),
        syn::Visibility::Inherited => None,
    }
}

/// The first token of a signature: `const`, `async`, `unsafe`, `extern` or `fn`.
fn sig_start(sig: &syn::Signature) -> PmSpan {
    sig.constness
        .map(|t| t.span)
        .or(sig.asyncness.map(|t| t.span))
        .or(sig.unsafety.map(|t| t.span))
        .or(sig.abi.as_ref().map(|a| a.extern_token.span))
        .unwrap_or(sig.fn_token.span)
}

/// The first token of a macro invocation: its path.
fn mac_start(mac: &syn::Macro) -> PmSpan {
    match (&mac.path.leading_colon, mac.path.segments.first()) {
        (Some(colon), _) => colon.spans[0],
        (None, Some(segment)) => segment.ident.span(),
        (None, None) => mac.bang_token.span,
    }
}

/// The last token of a macro invocation: its `;`, else its closing delimiter.
fn mac_end(mac: &syn::Macro, semi: Option<&syn::Token![;]>) -> PmSpan {
    semi.map(|s| s.span)
        .unwrap_or_else(|| match &mac.delimiter {
            syn::MacroDelimiter::Paren(p) => p.span.close(),
            syn::MacroDelimiter::Brace(b) => b.span.close(),
            syn::MacroDelimiter::Bracket(b) => b.span.close(),
        })
}

/// The first token of something with these attributes, else `rest`.
fn first(attrs: &[syn::Attribute], rest: impl FnOnce() -> PmSpan) -> PmSpan {
    attrs.first().map_or_else(rest, |a| a.pound_token.span)
}

/// The first and last tokens of an item that a walk visits on its own (a function, a struct
/// or enum, a static, a constant, a type alias, a macro invocation); `None` for the others
/// (modules, impls and traits are entered, the rest is not walked).
pub(crate) fn item_bounds(item: &syn::Item) -> Option<(PmSpan, PmSpan)> {
    Some(match item {
        syn::Item::Fn(f) => (
            first(&f.attrs, || {
                vis_start(&f.vis).unwrap_or_else(|| sig_start(&f.sig))
            }),
            f.block.brace_token.span.close(),
        ),
        syn::Item::Struct(s) => (
            first(&s.attrs, || {
                vis_start(&s.vis).unwrap_or(s.struct_token.span)
            }),
            match (&s.semi_token, &s.fields) {
                (Some(semi), _) => semi.span,
                (None, syn::Fields::Named(f)) => f.brace_token.span.close(),
                (None, syn::Fields::Unnamed(f)) => f.paren_token.span.close(),
                (None, syn::Fields::Unit) => return None,
            },
        ),
        syn::Item::Enum(e) => (
            first(&e.attrs, || vis_start(&e.vis).unwrap_or(e.enum_token.span)),
            e.brace_token.span.close(),
        ),
        syn::Item::Static(s) => (
            first(&s.attrs, || {
                vis_start(&s.vis).unwrap_or(s.static_token.span)
            }),
            s.semi_token.span,
        ),
        syn::Item::Const(c) => (
            first(&c.attrs, || vis_start(&c.vis).unwrap_or(c.const_token.span)),
            c.semi_token.span,
        ),
        syn::Item::Type(t) => (
            first(&t.attrs, || vis_start(&t.vis).unwrap_or(t.type_token.span)),
            t.semi_token.span,
        ),
        syn::Item::Macro(m) => (
            first(&m.attrs, || mac_start(&m.mac)),
            mac_end(&m.mac, m.semi_token.as_ref()),
        ),
        _ => return None,
    })
}

/// The first and last tokens of an impl item.
pub(crate) fn impl_item_bounds(item: &syn::ImplItem) -> Option<(PmSpan, PmSpan)> {
    Some(match item {
        syn::ImplItem::Fn(f) => (
            first(&f.attrs, || {
                vis_start(&f.vis)
                    .or(f.defaultness.map(|d| d.span))
                    .unwrap_or_else(|| sig_start(&f.sig))
            }),
            f.block.brace_token.span.close(),
        ),
        syn::ImplItem::Const(c) => (
            first(&c.attrs, || {
                vis_start(&c.vis)
                    .or(c.defaultness.map(|d| d.span))
                    .unwrap_or(c.const_token.span)
            }),
            c.semi_token.span,
        ),
        syn::ImplItem::Type(t) => (
            first(&t.attrs, || {
                vis_start(&t.vis)
                    .or(t.defaultness.map(|d| d.span))
                    .unwrap_or(t.type_token.span)
            }),
            t.semi_token.span,
        ),
        syn::ImplItem::Macro(m) => (
            first(&m.attrs, || mac_start(&m.mac)),
            mac_end(&m.mac, m.semi_token.as_ref()),
        ),
        _ => return None,
    })
}

/// The first and last tokens of a trait item.
pub(crate) fn trait_item_bounds(item: &syn::TraitItem) -> Option<(PmSpan, PmSpan)> {
    Some(match item {
        syn::TraitItem::Fn(f) => (
            first(&f.attrs, || sig_start(&f.sig)),
            match (&f.default, &f.semi_token) {
                (Some(block), _) => block.brace_token.span.close(),
                (None, Some(semi)) => semi.span,
                (None, None) => return None,
            },
        ),
        syn::TraitItem::Const(c) => (first(&c.attrs, || c.const_token.span), c.semi_token.span),
        syn::TraitItem::Type(t) => (first(&t.attrs, || t.type_token.span), t.semi_token.span),
        syn::TraitItem::Macro(m) => (
            first(&m.attrs, || mac_start(&m.mac)),
            mac_end(&m.mac, m.semi_token.as_ref()),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::spanned::Spanned;

    /// The bounds read from the tokens are the span syn prints the item to find.
    fn agree(text: &str) {
        let file: syn::File = syn::parse_str(text).expect("parses");
        let mut checked = 0;
        let range = |(a, b): (PmSpan, PmSpan)| a.byte_range().start..b.byte_range().end;
        for item in &file.items {
            match item {
                syn::Item::Impl(imp) => {
                    for item in &imp.items {
                        let bounds = impl_item_bounds(item).expect("bounds");
                        assert_eq!(range(bounds), item.span().byte_range(), "{text}");
                        checked += 1;
                    }
                }
                syn::Item::Trait(t) => {
                    for item in &t.items {
                        let bounds = trait_item_bounds(item).expect("bounds");
                        assert_eq!(range(bounds), item.span().byte_range(), "{text}");
                        checked += 1;
                    }
                }
                item => {
                    let bounds = item_bounds(item).expect("bounds");
                    assert_eq!(range(bounds), item.span().byte_range(), "{text}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 0);
    }

    #[test]
    fn items_start_at_their_attributes_visibility_or_keyword_and_end_at_their_last_token() {
        agree("#[inline] pub(crate) const async unsafe extern \"C\" fn f() { g(); }");
        agree("pub fn f() {} async fn g() {} unsafe fn h() {} extern \"C\" fn i() {}");
        agree("#[derive(Debug)] pub struct S { a: u8 } struct T(u8); struct U(u8) where u8: Copy;");
        agree("pub(super) enum E { A, B(u8) } static X: u8 = 1; pub const Y: &str = \"y\";");
        agree(
            "type A<T> = Vec<T>; m! { fn f() {} } n!(a, b); ::o::p![1]; macro_rules! q { () => {} }",
        );
    }

    #[test]
    fn impl_and_trait_items_too() {
        agree(
            "impl S { #[inline] pub fn f(&self) {} default fn g() {} const C: u8 = 1; type T = u8; m!(); }",
        );
        agree("trait T { fn f(&self); fn g() { h() } const C: u8; type A; m! {} }");
        agree("impl T for S { async unsafe fn f() {} pub(crate) type A = u8; }");
    }
}
