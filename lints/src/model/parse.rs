//! Parsing one file: syn's parser over the text, with the BOM/shebang offset kept so spans are
//! byte offsets into the original text, and macro invocations whose bodies parse as Rust turned
//! into ordinary syntax so every later pass sees them as code.

use proc_macro2::{Span as PmSpan, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Item, Token};

use crate::Span;

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
}

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

/// Parses `text`; item and expression macros whose bodies parse are expanded in place.
pub(crate) fn parse(text: &str) -> (Parsed, usize) {
    let base = parse_offset(text);
    match syn::parse_str::<syn::File>(&text[base..]) {
        Ok(mut file) => {
            MacroExpander.visit_file_mut(&mut file);
            (Parsed::Ast(file), base)
        }
        Err(error) => {
            let span = to_span(error.span(), base);
            (
                Parsed::ParseError(ParseFailure {
                    message: error.to_string(),
                    span,
                }),
                base,
            )
        }
    }
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
    let repeat = |input: ParseStream| {
        let value: Expr = input.parse()?;
        input.parse::<Token![;]>()?;
        let count: Expr = input.parse()?;
        Ok(vec![value, count])
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
                    match parse_items(m.mac.tokens.clone()) {
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
#[derive(Debug, Clone)]
pub(crate) struct ModDecl {
    /// Enclosing inline modules (`mod a { mod b { mod name; } }`), outermost first, each with
    /// its `#[path = ".."]` value if it has one.
    pub(crate) inline_parents: Vec<(String, Option<String>)>,
    /// The module's name.
    pub(crate) name: String,
    /// The `#[path = ".."]` value, if any.
    pub(crate) path_attr: Option<String>,
    /// The declaration, for a "file not found" finding.
    pub(crate) span: proc_macro2::Span,
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
/// expanded item macros.
pub(crate) fn module_decls(file: &syn::File) -> Vec<ModDecl> {
    fn walk(items: &[Item], parents: &mut Vec<(String, Option<String>)>, out: &mut Vec<ModDecl>) {
        for item in items {
            let Item::Mod(module) = item else { continue };
            let name = module.ident.to_string();
            let path = path_attr(&module.attrs);
            match &module.content {
                None => out.push(ModDecl {
                    inline_parents: parents.clone(),
                    name,
                    path_attr: path,
                    span: syn::spanned::Spanned::span(&module.ident),
                }),
                Some((_, inner)) => {
                    parents.push((name, path));
                    walk(inner, parents, out);
                    parents.pop();
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&file.items, &mut Vec::new(), &mut out);
    out
}
