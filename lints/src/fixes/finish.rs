//! The last step of a suggestion: the imports and items its edits need at the top of the file
//! become edits of their own, now that the file's text is at hand. An import already there is
//! not written twice; a name the file already uses for something else (`std::cmp::Ordering`
//! imported, a type of the same name) takes the suggestion away, since its edits would then
//! mean something else; a glob import, which may bring a name the new import would shadow,
//! makes it `MaybeIncorrect`.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use syn::spanned::Spanned;

use crate::SourceFile;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Suggestion};
use crate::pipeline::parse::{parse_offset, to_span};

/// Turns the imports and items of every suggestion into edits, or drops the suggestions that
/// cannot have them.
pub(crate) fn finish(files: &[SourceFile], diagnostics: &mut [Diagnostic]) {
    let mut tops: HashMap<usize, Option<Top>> = HashMap::default();
    for diagnostic in diagnostics {
        let Some(suggestion) = &mut diagnostic.suggestion else {
            continue;
        };
        if suggestion.imports.is_empty() && suggestion.items.is_empty() {
            continue;
        }
        let Some(file) = files.get(diagnostic.file) else {
            diagnostic.suggestion = None;
            continue;
        };
        let top = tops
            .entry(diagnostic.file)
            .or_insert_with(|| Top::of(&file.text));
        let done = top.as_ref().is_some_and(|top| top.complete(suggestion));
        if !done {
            diagnostic.suggestion = None;
        }
    }
}

/// What the top module of a file imports and defines, and where a new import goes.
struct Top {
    /// Each name a `use` binds, with the path it names.
    imports: HashMap<String, Vec<String>>,
    /// A `use` ends in `*`.
    globs: bool,
    /// The names of the items the file defines at its top.
    defined: HashSet<String>,
    /// Where a new `use` is written, and whether it goes after the others (else before the
    /// first item).
    import_at: (usize, bool),
    /// The end of the text.
    end: usize,
    ends_with_newline: bool,
}

impl Top {
    fn of(text: &str) -> Option<Top> {
        let base = parse_offset(text);
        let file = syn::parse_file(&text[base..]).ok()?;
        let mut imports = HashMap::default();
        let mut globs = false;
        let mut defined = HashSet::default();
        let mut last_use = None;
        for item in &file.items {
            match item {
                syn::Item::Use(u) => {
                    let mut prefix = Vec::new();
                    flatten(&u.tree, &mut prefix, &mut imports, &mut globs);
                    last_use = Some(to_span(item.span(), base).end);
                }
                other => {
                    if let Some(name) = item_name(other) {
                        defined.insert(name);
                    }
                }
            }
        }
        let import_at = match (last_use, file.items.first()) {
            (Some(end), _) => (end, true),
            (None, Some(first)) => (to_span(first.span(), base).start, false),
            (None, None) => (text.len(), false),
        };
        Some(Top {
            imports,
            globs,
            defined,
            import_at,
            end: text.len(),
            ends_with_newline: text.ends_with('\n'),
        })
    }

    /// Adds the edits for `suggestion`'s imports and items; `false` when it cannot have them.
    fn complete(&self, suggestion: &mut Suggestion) -> bool {
        let mut wanted: Vec<Vec<String>> = Vec::new();
        for path in &suggestion.imports {
            let segments: Vec<String> = path.split("::").map(str::to_owned).collect();
            let name = segments.last().cloned().unwrap_or_default();
            match self.imports.get(&name) {
                Some(there) if same_item(there, &segments) => {}
                Some(_) => return false,
                None if self.defined.contains(&name) => return false,
                None => wanted.push(segments),
            }
        }
        let mut edits: Vec<Edit> = Vec::new();
        if !wanted.is_empty() {
            if self.globs {
                suggestion.applicability = Applicability::MaybeIncorrect;
            }
            let lines = use_lines(&wanted);
            let (at, after) = self.import_at;
            let replacement = if after {
                format!("\n{lines}")
            } else {
                format!("{lines}\n")
            };
            edits.push(super::insert(at, replacement));
        }
        let mut appended = String::new();
        for (name, text) in &suggestion.items {
            if self.defined.contains(name) || self.imports.contains_key(name) {
                continue;
            }
            appended.push('\n');
            appended.push_str(text);
            if !text.ends_with('\n') {
                appended.push('\n');
            }
        }
        if !appended.is_empty() {
            if !self.ends_with_newline {
                appended.insert(0, '\n');
            }
            edits.push(super::insert(self.end, appended));
        }
        suggestion.edits.extend(edits);
        suggestion.imports.clear();
        suggestion.items.clear();
        super::disjoint(&suggestion.edits)
    }
}

/// `std` and `core` name the same items.
fn same_item(a: &[String], b: &[String]) -> bool {
    let norm = |p: &[String]| -> Vec<String> {
        p.iter()
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s == "core" {
                    "std".to_owned()
                } else {
                    s.clone()
                }
            })
            .collect()
    };
    norm(a) == norm(b)
}

/// One `use` line per module: `use std::sync::atomic::{AtomicU64, Ordering};`.
fn use_lines(paths: &[Vec<String>]) -> String {
    let mut by_module: Vec<(String, Vec<String>)> = Vec::new();
    for path in paths {
        let (name, module) = path.split_last().expect("a path has a name");
        let module = module.join("::");
        match by_module.iter_mut().find(|(m, _)| *m == module) {
            Some((_, names)) => names.push(name.clone()),
            None => by_module.push((module, vec![name.clone()])),
        }
    }
    by_module
        .into_iter()
        .map(|(module, mut names)| {
            names.sort();
            names.dedup();
            if names.len() == 1 {
                format!("use {module}::{};", names[0])
            } else {
                format!("use {module}::{{{}}};", names.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names a `use` tree binds, with the paths they name.
fn flatten(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut HashMap<String, Vec<String>>,
    globs: &mut bool,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten(&p.tree, prefix, out, globs);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            let mut path = prefix.clone();
            if name == "self" {
                if let Some(last) = prefix.last() {
                    out.insert(last.clone(), path);
                }
                return;
            }
            path.push(name.clone());
            out.insert(name, path);
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.insert(r.rename.to_string(), path);
        }
        syn::UseTree::Glob(_) => *globs = true,
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                flatten(tree, prefix, out, globs);
            }
        }
    }
}

/// The name an item defines in its module's namespaces.
fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::ExternCrate(i) => i.rename.as_ref().map_or(&i.ident, |(_, r)| r),
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Macro(i) => i.ident.as_ref()?,
        syn::Item::Mod(i) => &i.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::TraitAlias(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

    fn suggestion(imports: &[&str]) -> Suggestion {
        let mut s = Suggestion::new(
            "a fix",
            vec![Edit {
                span: Span { start: 0, end: 0 },
                replacement: String::new(),
            }],
            Applicability::MachineApplicable,
        );
        s.edits.clear();
        for path in imports {
            s = s.importing(*path);
        }
        s
    }

    fn complete(text: &str, mut s: Suggestion) -> Option<(String, Suggestion)> {
        let top = Top::of(text)?;
        if !top.complete(&mut s) {
            return None;
        }
        let mut out = text.to_owned();
        let mut edits = s.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in edits {
            out.replace_range(e.span.start..e.span.end, &e.replacement);
        }
        Some((out, s))
    }

    #[test]
    fn imports_go_after_the_last_use_grouped_by_module() {
        let text = "//! Docs.\n\nuse std::sync::Mutex;\n\nstruct S;\n";
        let s = suggestion(&[
            "std::sync::atomic::AtomicU64",
            "std::sync::atomic::Ordering",
        ]);
        let (out, s) = complete(text, s).unwrap();
        assert_eq!(
            out,
            "//! Docs.\n\nuse std::sync::Mutex;\nuse std::sync::atomic::{AtomicU64, Ordering};\n\nstruct S;\n"
        );
        assert_eq!(s.applicability, Applicability::MachineApplicable);
        assert!(s.imports.is_empty());
    }

    #[test]
    fn an_import_already_there_is_not_written_twice() {
        let text = "use std::sync::atomic::{AtomicU64, Ordering::{self, SeqCst}};\nfn f() {}\n";
        let s = suggestion(&[
            "std::sync::atomic::Ordering",
            "core::sync::atomic::AtomicU64",
        ]);
        let (out, _) = complete(text, s).unwrap();
        assert_eq!(out, text);
    }

    #[test]
    fn a_name_taken_by_something_else_drops_the_suggestion() {
        let text = "use std::cmp::Ordering;\nfn f() {}\n";
        assert!(complete(text, suggestion(&["std::sync::atomic::Ordering"])).is_none());
        let text = "struct Ordering;\n";
        assert!(complete(text, suggestion(&["std::sync::atomic::Ordering"])).is_none());
    }

    #[test]
    fn without_uses_the_import_goes_before_the_first_item_and_globs_make_it_unsure() {
        let text = "#![allow(dead_code)]\n/// A struct.\nstruct S;\n";
        let (out, _) = complete(text, suggestion(&["std::sync::atomic::AtomicBool"])).unwrap();
        assert_eq!(
            out,
            "#![allow(dead_code)]\nuse std::sync::atomic::AtomicBool;\n/// A struct.\nstruct S;\n"
        );
        let text = "use super::*;\n";
        let (_, s) = complete(text, suggestion(&["std::sync::atomic::AtomicBool"])).unwrap();
        assert_eq!(s.applicability, Applicability::MaybeIncorrect);
    }

    #[test]
    fn items_are_appended_unless_the_file_has_them() {
        let text = "struct S;";
        let s = suggestion(&[]).defining("Padded", "struct Padded;\n");
        let (out, _) = complete(text, s).unwrap();
        assert_eq!(out, "struct S;\n\nstruct Padded;\n");
        let text = "struct Padded;\n";
        let s = suggestion(&[]).defining("Padded", "struct Padded;\n");
        let (out, _) = complete(text, s).unwrap();
        assert_eq!(out, text);
    }
}
