//! Parsing one file: syn's parser over the text, with the BOM/shebang offset kept so spans are
//! byte offsets into the original text, and macro invocations whose bodies parse as Rust turned
//! into ordinary syntax so every later pass sees them as code. Text nested too deeply for the
//! parser's recursion is turned away before syn sees it.

use std::str::FromStr;

use proc_macro2::{Delimiter, Spacing, Span as PmSpan, TokenStream, TokenTree, token_stream};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Item, Token};

use crate::Span;
use crate::pipeline::plan::UnitKind;

/// A parse failure: syn's message and where it happened.
#[derive(Debug, Clone)]
pub struct ParseFailure {
    pub message: String,
    pub span: Span,
}

/// A file's AST, or why there is none.
pub(crate) enum Parsed {
    Ast(syn::File),
    ParseError(ParseFailure),
    /// Nested more than [`MAX_NESTING`] levels deep at this span: not parsed.
    TooDeep(Span),
}

/// The deepest nesting the analysis follows, as [`first_too_deep`] counts it. syn's parser, the
/// macro expander and every visitor after them recurse once per level, and a stack overflow
/// cannot be caught: it aborts the process. In a debug build the analysis threads' 256 MiB hold
/// about 10 000 levels of the costliest shapes (nested generic types, nested modules), so 5 000
/// leaves room on both sides: the deepest of 12 500 files of real crates (tokio, syn, windows-sys,
/// ...) counts 377.
pub(crate) const MAX_NESTING: usize = 5000;

/// Where syn's offsets start in the original text: after a BOM and a shebang line.
fn parse_offset(text: &str) -> usize {
    let mut offset = 0;
    if text.starts_with('\u{feff}') {
        offset = 3;
    }
    let rest = &text[offset..];
    if let Some(after) = rest.strip_prefix("#!") {
        // `#![attr]` is an inner attribute, not a shebang.
        if !after.trim_start().starts_with('[') {
            offset += rest.find('\n').unwrap_or(rest.len());
        }
    }
    offset
}

/// Converts a proc-macro2 span of the file being parsed into original-text byte offsets.
pub(crate) fn to_span(span: PmSpan, base: usize) -> Span {
    let range = span.byte_range();
    Span {
        start: range.start + base,
        end: range.end + base,
    }
}

/// Item-heavy files (see [`parse_file_items`]) at least this long may be parsed whole in phase one,
/// for their AST to be held for phase two: files of generated code (bindings, tables), where
/// the items are the file and a second parse would cost as much as the first.
pub(crate) const WHOLE_ITEMS_MIN: usize = 16 << 10;

/// Parses `text` whole but for its doc comments (see [`parse_whole`]); item and expression
/// macros whose bodies parse are expanded in place.
pub(crate) fn parse(text: &str) -> (Parsed, usize) {
    let base = parse_offset(text);
    (parse_whole(&text[base..], base), base)
}

/// Parses `source`, the text after its offset `base` in the file, whole but for its doc
/// comments, which nothing reads and which in a well-documented crate are a third of the text.
/// A file with `contention:allow` comments keeps them: such a comment right above an item
/// covers the item from its first attribute, doc comments included (see `suppress`).
fn parse_whole(source: &str, base: usize) -> Parsed {
    if source.contains(crate::suppress::MARKER) {
        return parse_source(source, base);
    }
    match crate::pipeline::skim::blank_docs(source) {
        Some(blanked) => parse_source(&blanked.text, base),
        None => parse_source(source, base),
    }
}

/// Phase one's parse: items and signatures, with the bodies of functions that cannot hold items
/// and doc comments skipped (see [`skim`](crate::pipeline::skim)), which is a fraction of the text in most
/// files. When `may_parse_whole`, an item-heavy file (less than half of it skipped) of at least
/// [`WHOLE_ITEMS_MIN`] bytes is parsed whole instead, and the last value is `true`: its AST can
/// serve phase two as well. An error in a skipped body does not show here.
pub(crate) fn parse_file_items(text: &str, may_parse_whole: bool) -> (Parsed, usize, bool) {
    let base = parse_offset(text);
    let source = &text[base..];
    let skimmed = crate::pipeline::skim::skim(source);
    let blanked = skimmed.as_ref().map_or(0, |s| s.blanked);
    if may_parse_whole && source.len() >= WHOLE_ITEMS_MIN && blanked * 2 < source.len() {
        return (parse_whole(source, base), base, true);
    }
    let Some(skimmed) = skimmed else {
        return (parse_source(source, base), base, true);
    };
    match parse_source(&skimmed.text, base) {
        // The whole text's own error, where it has one, rather than the skimmed text's.
        Parsed::ParseError(_) => (parse_whole(source, base), base, true),
        parsed => (parsed, base, false),
    }
}

/// Parses `source`, the text after its offset `base` in the file; item and expression macros
/// whose bodies parse are expanded in place. Text nested too deeply is not parsed.
fn parse_source(source: &str, base: usize) -> Parsed {
    let failure = |error: syn::Error| {
        Parsed::ParseError(ParseFailure {
            message: error.to_string(),
            span: to_span(error.span(), base),
        })
    };
    // Lexing is iterative in proc-macro2 whatever the nesting; parsing is not.
    match TokenStream::from_str(source) {
        Err(error) => failure(error.into()),
        Ok(tokens) => match first_too_deep(tokens.clone(), MAX_NESTING) {
            Some(span) => Parsed::TooDeep(to_span(span, base)),
            None => match syn::parse2::<syn::File>(tokens) {
                Ok(mut file) => {
                    MacroExpander.visit_file_mut(&mut file);
                    Parsed::Ast(file)
                }
                Err(error) => failure(error),
            },
        },
    }
}

/// The tree of one unit of a file's plan (see [`plan`](crate::pipeline::plan)).
pub(crate) enum UnitAst {
    Item(Item),
    Impl(syn::ImplItem),
    Trait(syn::TraitItem),
}

/// Parses a unit of a file's plan, `text` being the unit's text: as a whole parse of the file
/// would have it (doc comments skipped, macro bodies that parse expanded), with spans that
/// start at the unit's first byte. `None` when the unit does not parse on its own, or nests too
/// deeply: the file is then parsed whole, which says why.
pub(crate) fn parse_unit(text: &str, kind: UnitKind) -> Option<UnitAst> {
    let blanked = crate::pipeline::skim::blank_docs(text);
    let source = blanked.as_ref().map_or(text, |b| b.text.as_str());
    let tokens = TokenStream::from_str(source).ok()?;
    if first_too_deep(tokens.clone(), MAX_NESTING).is_some() {
        return None;
    }
    let mut expander = MacroExpander;
    Some(match kind {
        UnitKind::Item => {
            let mut item = syn::parse2::<Item>(tokens).ok()?;
            expander.visit_item_mut(&mut item);
            UnitAst::Item(item)
        }
        UnitKind::ImplItem(_) => {
            let mut item = syn::parse2::<syn::ImplItem>(tokens).ok()?;
            expander.visit_impl_item_mut(&mut item);
            UnitAst::Impl(item)
        }
        UnitKind::TraitItem(_) => {
            let mut item = syn::parse2::<syn::TraitItem>(tokens).ok()?;
            expander.visit_trait_item_mut(&mut item);
            UnitAst::Trait(item)
        }
    })
}

/// One delimited level of the token tree while [`first_too_deep`] walks it.
struct Level {
    tokens: token_stream::IntoIter,
    /// The nesting of the group this level is the inside of.
    base: usize,
    /// Tokens of the current segment so far.
    run: usize,
    /// Generic argument lists open in this segment: the commas inside them do not end it.
    angles: usize,
    /// Inside a closure's `|..|` parameters, whose commas do not end the segment either.
    in_pipes: bool,
    /// The previous token was a name or `::`, so a `<` opens generic arguments.
    after_path: bool,
    /// Inside `#` or `#!` before an attribute's brackets: the segment's length before the `#`.
    attribute: Option<usize>,
}

impl Level {
    fn new(tokens: TokenStream, base: usize) -> Level {
        Level {
            tokens: tokens.into_iter(),
            base,
            run: 0,
            angles: 0,
            in_pipes: false,
            after_path: false,
            attribute: None,
        }
    }

    fn end_segment(&mut self) {
        self.run = 0;
        self.angles = 0;
        self.in_pipes = false;
    }
}

/// The first token nested more than `limit` levels deep, without recursing. A delimited group
/// is one level deeper than the tokens before it on its level. Those tokens count too, because
/// prefix operators, closures, `return`, `&` types, generic arguments and operator chains nest
/// without delimiters; so within a group, every token of the current segment adds one. A
/// segment ends at `;`, after a `{..}` block (a statement or an item ends there) and at `,`
/// outside generic arguments and closure parameters (list elements are parsed one after
/// another). Attributes add nothing: a run of them, one per line of a doc comment, is parsed in
/// a loop.
fn first_too_deep(tokens: TokenStream, limit: usize) -> Option<PmSpan> {
    let mut stack = vec![Level::new(tokens, 0)];
    while let Some(level) = stack.last_mut() {
        let Some(tree) = level.tokens.next() else {
            stack.pop();
            continue;
        };
        level.run += 1;
        let depth = level.base + level.run;
        if depth > limit {
            return Some(tree.span());
        }
        let attribute = level.attribute.take();
        let mut after_path = false;
        match tree {
            TokenTree::Group(group) => {
                if group.delimiter() == Delimiter::Brace {
                    level.end_segment();
                } else if let Some(before) =
                    attribute.filter(|_| group.delimiter() == Delimiter::Bracket)
                {
                    level.run = before;
                }
                level.after_path = false;
                stack.push(Level::new(group.stream(), depth));
                continue;
            }
            TokenTree::Ident(_) => after_path = true,
            TokenTree::Literal(_) => {}
            TokenTree::Punct(punct) => match punct.as_char() {
                ';' => level.end_segment(),
                ',' if level.angles == 0 && !level.in_pipes => level.run = 0,
                '#' => level.attribute = Some(level.run - 1),
                '!' if attribute.is_some() => level.attribute = attribute,
                // `<<` and `<=` are operators; `a < b` after a name is taken for generics, which
                // only makes the count larger.
                '<' if level.after_path && punct.spacing() == Spacing::Alone => level.angles += 1,
                '>' => level.angles = level.angles.saturating_sub(1),
                '|' => level.in_pipes = !level.in_pipes,
                // The second `:` of `::`.
                ':' => after_path = punct.spacing() == Spacing::Alone && !level.after_path,
                _ => {}
            },
        }
        level.after_path = after_path;
    }
    None
}

/// Is this the name of a macro whose body is a token tree we must never reinterpret?
fn is_macro_definition(mac: &syn::Macro) -> bool {
    mac.path.is_ident("macro_rules")
}

/// Parses a macro body as a list of items, as `cfg_rt! { ... }` blocks hold.
fn parse_items(tokens: TokenStream) -> Option<Vec<Item>> {
    let parser = |input: ParseStream| {
        let mut items = Vec::new();
        while !input.is_empty() {
            items.push(input.parse::<Item>()?);
        }
        Ok(items)
    };
    parser.parse2(tokens).ok()
}

/// The items of every branch of `cfg_if! { if #[cfg(..)] { .. } else { .. } }`: which branch
/// a build takes is the configuration's business, and each may declare modules and code.
fn cfg_if_items(mac: &syn::Macro) -> Option<Vec<Item>> {
    if mac.path.segments.last().is_none_or(|s| s.ident != "cfg_if") {
        return None;
    }
    let mut items = Vec::new();
    for token in mac.tokens.clone() {
        if let proc_macro2::TokenTree::Group(g) = token {
            if g.delimiter() == proc_macro2::Delimiter::Brace {
                items.extend(parse_items(g.stream())?);
            }
        }
    }
    Some(items)
}

/// Parses a macro body as macro arguments: comma-separated expressions, with an optional
/// leading format string, or `vec![x; n]`. Statements (`select!` arms, DSLs) do not parse and
/// are left alone.
fn parse_args(tokens: TokenStream) -> Option<Vec<Expr>> {
    let comma_list = |input: ParseStream| {
        let list = Punctuated::<Expr, Token![,]>::parse_terminated(input)?;
        Ok(list.into_iter().collect::<Vec<_>>())
    };
    if let Ok(args) = comma_list.parse2(tokens.clone()) {
        return Some(args);
    }
    // `vec![x; n]` becomes one `[x; n]` argument, telling it from `vec![x, n]`.
    let repeat = |input: ParseStream| {
        let value: Expr = input.parse()?;
        let semi_token = input.parse::<Token![;]>()?;
        let count: Expr = input.parse()?;
        Ok(vec![Expr::Repeat(syn::ExprRepeat {
            attrs: Vec::new(),
            bracket_token: syn::token::Bracket::default(),
            expr: Box::new(value),
            semi_token,
            len: Box::new(count),
        })])
    };
    repeat.parse2(tokens).ok()
}

/// The call that stands for an expanded expression macro: `name!(arg, ..)` becomes a call
/// whose callee is the macro with its tokens removed and whose arguments are the parsed ones.
fn macro_call(mac: &syn::Macro, args: Vec<Expr>) -> Expr {
    let mut callee = mac.clone();
    callee.tokens = TokenStream::new();
    Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(Expr::Macro(syn::ExprMacro {
            attrs: Vec::new(),
            mac: callee,
        })),
        // The invocation's own delimiters, so the call's span covers `name!(..)` whole.
        paren_token: syn::token::Paren {
            span: match &mac.delimiter {
                syn::MacroDelimiter::Paren(p) => p.span,
                syn::MacroDelimiter::Brace(b) => b.span,
                syn::MacroDelimiter::Bracket(b) => b.span,
            },
        },
        args: args.into_iter().collect(),
    })
}

/// The name of the macro an expanded call stands for (`format`, `vec`), if `call` is one.
pub(crate) fn expanded_macro_name(call: &syn::ExprCall) -> Option<String> {
    match &*call.func {
        Expr::Macro(m) => m.mac.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Rewrites macro invocations into the syntax they stand for where their bodies parse.
struct MacroExpander;

impl MacroExpander {
    fn splice_items(&mut self, items: &mut Vec<Item>) {
        let mut out = Vec::with_capacity(items.len());
        for item in items.drain(..) {
            match item {
                Item::Macro(m) if m.ident.is_none() && !is_macro_definition(&m.mac) => {
                    match parse_items(m.mac.tokens.clone()).or_else(|| cfg_if_items(&m.mac)) {
                        Some(inner) => out.extend(inner),
                        None => out.push(Item::Macro(m)),
                    }
                }
                other => out.push(other),
            }
        }
        *items = out;
    }

    fn splice_impl_items(&mut self, items: &mut Vec<syn::ImplItem>) {
        let mut out = Vec::with_capacity(items.len());
        for item in items.drain(..) {
            match item {
                syn::ImplItem::Macro(m) => {
                    let parser = |input: ParseStream| {
                        let mut items = Vec::new();
                        while !input.is_empty() {
                            items.push(input.parse::<syn::ImplItem>()?);
                        }
                        Ok(items)
                    };
                    match parser.parse2(m.mac.tokens.clone()) {
                        Ok(inner) => out.extend(inner),
                        Err(_) => out.push(syn::ImplItem::Macro(m)),
                    }
                }
                other => out.push(other),
            }
        }
        *items = out;
    }
}

impl VisitMut for MacroExpander {
    fn visit_file_mut(&mut self, file: &mut syn::File) {
        self.splice_items(&mut file.items);
        visit_mut::visit_file_mut(self, file);
    }

    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut module.content {
            self.splice_items(items);
        }
        visit_mut::visit_item_mod_mut(self, module);
    }

    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        self.splice_impl_items(&mut imp.items);
        visit_mut::visit_item_impl_mut(self, imp);
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let mut stmts = Vec::with_capacity(block.stmts.len());
        for stmt in block.stmts.drain(..) {
            match stmt {
                syn::Stmt::Macro(m) if !is_macro_definition(&m.mac) => {
                    if let Some(mut args) = parse_args(m.mac.tokens.clone()) {
                        for arg in &mut args {
                            self.visit_expr_mut(arg);
                        }
                        stmts.push(syn::Stmt::Expr(macro_call(&m.mac, args), m.semi_token));
                    } else if let Some(items) = parse_items(m.mac.tokens.clone()) {
                        stmts.extend(items.into_iter().map(syn::Stmt::Item));
                    } else {
                        stmts.push(syn::Stmt::Macro(m));
                    }
                }
                syn::Stmt::Item(Item::Macro(m))
                    if m.ident.is_none() && !is_macro_definition(&m.mac) =>
                {
                    match parse_items(m.mac.tokens.clone()) {
                        Some(items) => stmts.extend(items.into_iter().map(syn::Stmt::Item)),
                        None => stmts.push(syn::Stmt::Item(Item::Macro(m))),
                    }
                }
                other => stmts.push(other),
            }
        }
        block.stmts = stmts;
        visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Call(call) = expr {
            if matches!(&*call.func, Expr::Macro(_)) {
                // Already expanded (its arguments were visited when it was built).
                return;
            }
        }
        if let Expr::Macro(m) = expr {
            if let Some(mut args) = parse_args(m.mac.tokens.clone()) {
                for arg in &mut args {
                    self.visit_expr_mut(arg);
                }
                *expr = macro_call(&m.mac, args);
            }
            // The callee of an expanded call is the macro with its tokens removed: never
            // expanded again.
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// A `mod name;` declaration found in a file, with what is needed to find its file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct ModDecl {
    /// Enclosing inline modules (`mod a { mod b { mod name; } }`), outermost first, each with
    /// its `#[path = ".."]` value if it has one.
    pub(crate) inline_parents: Vec<(String, Option<String>)>,
    /// The module's name.
    pub(crate) name: String,
    /// The `#[path = ".."]` value, if any.
    pub(crate) path_attr: Option<String>,
    /// `#[cfg_attr(.., path = "..")]` values: the module's file on some configurations.
    pub(crate) cfg_paths: Vec<String>,
    /// The declaration, for a "file not found" finding.
    pub(crate) span: Span,
    /// The module (or an inline module around it) is compiled only for tests
    /// (`#[cfg(test)] mod tests;`): its file is test code.
    pub(crate) test_only: bool,
}

/// The `path = ".."` values of `#[cfg_attr(condition, path = "..")]` attributes.
fn cfg_paths(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut paths = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("cfg_attr")) {
        let Ok(list) = attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
        else {
            continue;
        };
        // The first entry is the condition; the rest are attributes applied when it holds.
        for meta in list.iter().skip(1) {
            if let syn::Meta::NameValue(nv) = meta {
                if nv.path.is_ident("path") {
                    if let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) = &nv.value
                    {
                        paths.push(s.value());
                    }
                }
            }
        }
    }
    paths
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| {
        if !attr.path().is_ident("path") {
            return None;
        }
        let syn::Meta::NameValue(nv) = &attr.meta else {
            return None;
        };
        match &nv.value {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        }
    })
}

/// Every out-of-line `mod` declaration in `file`, including those inside inline modules and
/// expanded item macros. `base` is the offset of syn's spans in the file's text.
pub(crate) fn module_decls(file: &syn::File, base: usize) -> Vec<ModDecl> {
    fn walk(
        items: &[Item],
        base: usize,
        parents: &mut Vec<(String, Option<String>)>,
        in_test: bool,
        out: &mut Vec<ModDecl>,
    ) {
        for item in items {
            let Item::Mod(module) = item else { continue };
            // `mod r#async;` lives in `async.rs`.
            let name = syn::ext::IdentExt::unraw(&module.ident).to_string();
            let path = path_attr(&module.attrs);
            let test_only = in_test || crate::semantic::test_code::is_cfg_test(&module.attrs);
            match &module.content {
                None => out.push(ModDecl {
                    inline_parents: parents.clone(),
                    name,
                    path_attr: path,
                    cfg_paths: cfg_paths(&module.attrs),
                    span: to_span(syn::spanned::Spanned::span(&module.ident), base),
                    test_only,
                }),
                Some((_, inner)) => {
                    parents.push((name, path));
                    walk(inner, base, parents, test_only, out);
                    parents.pop();
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&file.items, base, &mut Vec::new(), false, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How deep `text` nests as [`first_too_deep`] counts it: the smallest limit it passes.
    fn nesting(text: &str) -> usize {
        let tokens = TokenStream::from_str(text).expect("the test text lexes");
        (0..)
            .find(|&limit| first_too_deep(tokens.clone(), limit).is_none())
            .unwrap()
    }

    #[test]
    fn delimiters_nest() {
        assert_eq!(nesting("f((((1))))"), 6);
        assert_eq!(nesting("{{{{}}}}"), 4);
    }

    #[test]
    fn tokens_of_one_segment_nest_without_delimiters() {
        // `!!!!x`, `|| || x`, `return return x` recurse once per token or two.
        assert_eq!(nesting("!!!!x"), 5);
        assert!(nesting("|| || || || x") >= 5);
        assert_eq!(nesting("return return return x;"), 5);
    }

    #[test]
    fn list_elements_statements_and_items_do_not_add_up() {
        let table = format!("static T: [i32; 3] = [{}];", vec!["-1"; 10_000].join(", "));
        assert!(nesting(&table) < 20, "{}", nesting(&table));
        let statements = "let a = 1;".repeat(10_000);
        assert!(nesting(&statements) < 20);
        let items = "fn f() {}".repeat(10_000);
        assert!(nesting(&items) < 20);
        let doc = "/// a line of documentation\n".repeat(10_000) + "fn f() {}";
        assert!(nesting(&doc) < 20, "{}", nesting(&doc));
    }

    #[test]
    fn commas_inside_generics_and_closure_parameters_do_not_end_a_segment() {
        let types = format!(
            "type T = {}u8{};",
            "HashMap<u8, ".repeat(100),
            ">".repeat(100)
        );
        assert!(nesting(&types) > 100);
        let closures = format!("let c = {}1;", "|a, b| ".repeat(100));
        assert!(nesting(&closures) > 100);
        // A shift is not a generic list: the table's commas still end its elements.
        let shifts = format!(
            "const T: [u32; 3] = [{}];",
            vec!["1 << 2"; 10_000].join(", ")
        );
        assert!(nesting(&shifts) < 20, "{}", nesting(&shifts));
    }

    #[test]
    fn too_deep_text_is_not_parsed() {
        let deep = format!(
            "fn f() -> i32 {{ {}1{} }}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        let (parsed, _) = parse(&deep);
        let Parsed::TooDeep(span) = parsed else {
            panic!("a file nested 10 000 deep is parsed");
        };
        // The span points into the nest, at the first token past the limit.
        assert!(span.start > MAX_NESTING && span.start < 10_020, "{span:?}");
        let shallow = format!(
            "fn f() -> i32 {{ {}1{} }}",
            "(".repeat(100),
            ")".repeat(100)
        );
        assert!(matches!(parse(&shallow).0, Parsed::Ast(_)));
    }
}

#[cfg(test)]
mod doc_tests {
    use super::*;

    /// The `doc` attributes of a whole parse's items.
    fn docs(text: &str) -> usize {
        let (Parsed::Ast(file), _) = parse(text) else {
            panic!("the test text parses");
        };
        file.items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Fn(f) => Some(&f.attrs),
                syn::Item::Struct(s) => Some(&s.attrs),
                _ => None,
            })
            .flatten()
            .filter(|a| a.path().is_ident("doc"))
            .count()
    }

    #[test]
    fn the_whole_parse_skips_doc_comments_unless_allow_comments_need_item_spans() {
        let text = "/// one\n/// two\n#[inline]\nfn f() {}\n/** three */ struct S;";
        assert_eq!(docs(text), 0);
        let (Parsed::Ast(file), base) = parse(text) else {
            panic!("the test text parses");
        };
        // Spans are the original text's.
        let syn::Item::Struct(s) = &file.items[1] else {
            panic!("the second item is the struct");
        };
        let span = to_span(s.ident.span(), base);
        assert_eq!(&text[span.start..span.end], "S");
        // An allow comment above an item covers it from its first doc comment on.
        let allowed = format!("// contention:allow(all)\n{text}");
        assert_eq!(docs(&allowed), 3);
    }
}

#[cfg(test)]
mod items_only_tests {
    use super::*;
    use crate::semantic::items;

    /// The items phase one reads are the same from the items-only parse as from the whole one,
    /// over every Rust file of the project's fixtures, benchmark pairs and sources.
    #[test]
    fn items_only_parse_reads_the_same_items_as_the_whole_parse() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut checked = 0;
        for dir in ["test-fixtures", "lints", "benches", "src"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let entry = entry.expect("the project's files are readable");
                if entry.path().extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                // The bad-input fixtures include a file that is not UTF-8.
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                let facts = |items_only: bool| match if items_only {
                    let (parsed, base, _) = parse_file_items(&text, false);
                    (parsed, base)
                } else {
                    parse(&text)
                } {
                    (Parsed::Ast(ast), base) => Some((
                        format!("{:?}", items::extract(0, &ast, base)),
                        format!("{:?}", module_decls(&ast, base)),
                    )),
                    _ => None,
                };
                let whole = facts(false);
                if whole.is_some() {
                    checked += 1;
                    assert_eq!(facts(true), whole, "{}", entry.path().display());
                }
            }
        }
        assert!(checked > 100, "only {checked} files compared");
    }

    #[test]
    fn an_error_in_a_skipped_body_shows_only_in_the_whole_parse() {
        let text = "fn f() { let x = ; }\nfn g(";
        // An error outside bodies is the whole text's own.
        let (Parsed::ParseError(whole), _) = parse(text) else {
            panic!("the whole text does not parse")
        };
        let (Parsed::ParseError(items), _, _) = parse_file_items(text, false) else {
            panic!("the items do not parse")
        };
        assert_eq!(items.span, whole.span);
        let inside = "fn f() { let x = ; }";
        assert!(matches!(
            parse_file_items(inside, false),
            (Parsed::Ast(_), _, false)
        ));
        assert!(matches!(parse(inside).0, Parsed::ParseError(_)));
    }

    #[test]
    fn large_item_heavy_files_are_parsed_whole_when_asked() {
        let table = format!(
            "pub const A: [u32; 3] = [1, 2, 3];\n{}",
            "/// doc\npub struct S { a: u64, b: Mutex<u8> }\n".repeat(WHOLE_ITEMS_MIN / 40)
        );
        assert!(matches!(
            parse_file_items(&table, true),
            (Parsed::Ast(_), _, true)
        ));
        // Not asked to: its doc comments are skipped.
        assert!(matches!(
            parse_file_items(&table, false),
            (Parsed::Ast(_), _, false)
        ));
        // Code, however long, is skimmed.
        let code = "fn f() { let x = vec![1, 2, 3]; g(x) }\n".repeat(WHOLE_ITEMS_MIN / 30);
        assert!(matches!(
            parse_file_items(&code, true),
            (Parsed::Ast(_), _, false)
        ));
    }
}
