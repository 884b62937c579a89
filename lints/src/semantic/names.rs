//! Name resolution: which item a path names. Every item of the crate gets a canonical path
//! (`crate::server::State`; a target other than the library is `crate#N`, its root's number),
//! and a path as the source writes it is resolved from the scope it is written in, as rustc
//! resolves it: the items of the scope, then of the blocks and module around a function's body,
//! `use` imports (renames, groups, `self`, re-exports), glob imports, `crate::`, `self::`,
//! `super::` and the crate's own name from another target. A path that leaves the crate (`std`,
//! a dependency) names a type from elsewhere, known by its last segment.
//!
//! Two items of one name in two modules are two items; a bare name that no scope resolves
//! (written by a macro we cannot read, or reached through a glob of another crate) falls back to
//! the crate's one item of that name, and to nothing when there are several.

use std::cell::RefCell;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::semantic::items::ScopeFacts;
use crate::semantic::ty::{Renames, Ty, short_name};

/// What a path is resolved in: types, values (functions, statics, constants) or modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Ns {
    Type,
    Value,
    Module,
}

/// What a path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Res {
    /// An item (or module) of the crate, by canonical path.
    Crate(String),
    /// Something from elsewhere, by its last segment.
    External(String),
    /// Nothing the source shows for sure.
    Unknown,
}

/// How a bare name is bound in a scope (see [`Resolver::binding_of`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NameBinding {
    /// Nothing in the file binds it: a fix may import it.
    Free,
    /// A `use` binds it to this path, as written.
    Imported(Vec<String>),
    /// An item, a glob import or something else binds it.
    Other,
}

/// One scope's names.
#[derive(Debug, Default)]
struct Scope {
    path: String,
    types: HashSet<String>,
    values: HashSet<String>,
    modules: HashSet<String>,
    uses: HashMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
    /// The module the scope is in: itself for a module, the module around a function's body.
    module: u32,
    /// For a function's body, the scope around it.
    parent: Option<u32>,
}

impl Scope {
    fn defines(&self, name: &str, ns: Ns) -> bool {
        match ns {
            Ns::Type => self.types.contains(name),
            Ns::Value => self.values.contains(name),
            Ns::Module => self.modules.contains(name),
        }
    }
}

/// The crate's scopes and what they define, for resolving paths. Built once per crate;
/// resolution itself keeps its memory in a [`Memo`] its caller owns, so that what it finds is
/// the same whichever thread asks first.
#[derive(Debug, Default)]
pub(crate) struct Resolver {
    scopes: Vec<Scope>,
    index: HashMap<String, u32>,
    /// The canonical path of each file's scopes, by file and scope index.
    file_scopes: Vec<Vec<u32>>,
    /// The modules each scope's glob imports reach, transitively, nearest first.
    glob_closure: Vec<Vec<u32>>,
    /// Every name some scope defines or a `use` binds: any other name is not the crate's.
    bound: HashSet<String>,
    /// The crate's items by last name, per namespace (types, values), for the fallback.
    by_name: [HashMap<String, Vec<String>>; 2],
    /// The library's name, by which the crate's other targets reach it.
    crate_name: String,
}

/// What one run of resolution has found so far, and what it is in the middle of (a cycle of
/// imports ends as a miss).
#[derive(Debug, Default)]
pub(crate) struct Memo {
    found: HashMap<(u32, String, Ns), Res>,
    searching: HashSet<(u32, String, Ns)>,
}

/// How deep resolution follows imports and re-exports before giving up.
const MAX_DEPTH: u32 = 24;

impl Resolver {
    /// Builds the scopes of every file: `modules` is each file's module path (by file number),
    /// `scopes` each file's scopes as phase one saw them.
    pub(crate) fn new<'a>(
        modules: &[String],
        scopes: impl IntoIterator<Item = (usize, &'a [ScopeFacts])>,
        crate_name: &str,
    ) -> Resolver {
        let mut resolver = Resolver {
            file_scopes: vec![Vec::new(); modules.len()],
            crate_name: crate_name.replace('-', "_"),
            ..Resolver::default()
        };
        for (file, file_scopes) in scopes {
            let Some(module) = modules.get(file) else {
                continue;
            };
            let mut ids = Vec::with_capacity(file_scopes.len());
            for facts in file_scopes {
                let mut path = module.clone();
                let mut enclosing_module = module.clone();
                let mut parent = None;
                for segment in &facts.path {
                    let outer = path.clone();
                    path.push_str("::");
                    path.push_str(segment);
                    if segment.starts_with('{') {
                        parent = Some(outer);
                    } else {
                        enclosing_module = path.clone();
                        parent = None;
                    }
                }
                let id = resolver.scope_id(&path);
                let module_id = resolver.scope_id(&enclosing_module);
                let parent_id = parent.map(|p| resolver.scope_id(&p));
                let scope = &mut resolver.scopes[id as usize];
                scope.types.extend(facts.types.iter().cloned());
                scope.values.extend(facts.values.iter().cloned());
                scope.modules.extend(facts.modules.iter().cloned());
                for (name, target) in &facts.uses {
                    scope
                        .uses
                        .entry(name.clone())
                        .or_insert_with(|| target.clone());
                }
                scope.globs.extend(facts.globs.iter().cloned());
                scope.module = module_id;
                scope.parent = parent_id;
                for (ns, names) in [(0, &facts.types), (1, &facts.values)] {
                    for name in names {
                        resolver.by_name[ns]
                            .entry(name.clone())
                            .or_default()
                            .push(format!("{path}::{name}"));
                    }
                }
                resolver.bound.extend(facts.types.iter().cloned());
                resolver.bound.extend(facts.values.iter().cloned());
                resolver.bound.extend(facts.modules.iter().cloned());
                resolver
                    .bound
                    .extend(facts.uses.iter().map(|(name, _)| name.clone()));
                ids.push(id);
            }
            resolver.file_scopes[file] = ids;
        }
        for names in &mut resolver.by_name {
            for paths in names.values_mut() {
                paths.sort();
                paths.dedup();
            }
        }
        resolver.glob_closure = resolver.glob_closures();
        resolver
    }

    /// The scope of a canonical path, made when first named (a module can be named by its
    /// children before its own file is read).
    fn scope_id(&mut self, path: &str) -> u32 {
        if let Some(&id) = self.index.get(path) {
            return id;
        }
        let id = self.scopes.len() as u32;
        self.scopes.push(Scope {
            path: path.to_owned(),
            module: id,
            ..Scope::default()
        });
        self.index.insert(path.to_owned(), id);
        id
    }

    /// For each scope, the modules its glob imports reach, following their globs in turn.
    /// Glob paths are resolved without globs (`super`, `crate::a`, `self::b`, an imported
    /// module), which is how they are written.
    fn glob_closures(&self) -> Vec<Vec<u32>> {
        let mut memo = Memo::default();
        let direct: Vec<Vec<u32>> = (0..self.scopes.len() as u32)
            .map(|id| {
                self.scopes[id as usize]
                    .globs
                    .iter()
                    .filter_map(|glob| {
                        let segments: Vec<&str> = glob.iter().map(String::as_str).collect();
                        match self.resolve_depth(
                            id,
                            &segments,
                            Ns::Module,
                            MAX_DEPTH - 4,
                            &mut memo,
                        ) {
                            Res::Crate(path) => self.index.get(&path).copied(),
                            _ => None,
                        }
                    })
                    .collect()
            })
            .collect();
        (0..self.scopes.len())
            .map(|start| {
                let mut seen = HashSet::default();
                let mut order = Vec::new();
                let mut queue: std::collections::VecDeque<u32> =
                    direct[start].iter().copied().collect();
                while let Some(next) = queue.pop_front() {
                    if next as usize == start || !seen.insert(next) {
                        continue;
                    }
                    order.push(next);
                    queue.extend(direct[next as usize].iter().copied());
                }
                order
            })
            .collect()
    }

    /// The scope of file `file` numbered `scope` by phase one (the file's module when unknown).
    pub(crate) fn file_scope(&self, file: usize, scope: u32) -> u32 {
        self.file_scopes
            .get(file)
            .and_then(|scopes| scopes.get(scope as usize).or(scopes.first()))
            .copied()
            .unwrap_or_else(|| self.index.get("crate").copied().unwrap_or(0))
    }

    /// The canonical path of scope `scope` of file `file`.
    pub(crate) fn scope_path(&self, file: usize, scope: u32) -> &str {
        self.scopes
            .get(self.file_scope(file, scope) as usize)
            .map_or("crate", |s| s.path.as_str())
    }

    /// The scope of a canonical path, or the nearest one around it that exists (the walk names
    /// a function's body as a scope whether or not it declares items).
    pub(crate) fn nearest_scope(&self, path: &str) -> Option<u32> {
        let mut path = path;
        loop {
            if let Some(&id) = self.index.get(path) {
                return Some(id);
            }
            path = &path[..path.rfind("::")?];
        }
    }

    /// The root module of the target a scope is in.
    fn root_of(&self, scope: u32) -> Option<u32> {
        let path = &self.scopes[scope as usize].path;
        self.index.get(path.split("::").next()?).copied()
    }

    /// The module around a module; none at a target's root.
    fn parent_module(&self, module: u32) -> Option<u32> {
        let path = &self.scopes[module as usize].path;
        self.index.get(&path[..path.rfind("::")?]).copied()
    }

    /// Resolves a path written in scope `scope`, in namespace `ns`.
    pub(crate) fn resolve(&self, scope: u32, segments: &[&str], ns: Ns, memo: &mut Memo) -> Res {
        let resolved = self.resolve_depth(scope, segments, ns, 0, memo);
        match (resolved, segments) {
            (Res::Unknown, [name]) => self.fallback(name, ns),
            (resolved, _) => resolved,
        }
    }

    /// A bare name no scope resolves: the crate's only item of that name, nothing when there
    /// are several, else something from elsewhere.
    fn fallback(&self, name: &str, ns: Ns) -> Res {
        let index = match ns {
            Ns::Type => 0,
            Ns::Value => 1,
            Ns::Module => return Res::External(name.to_owned()),
        };
        match self.by_name[index].get(name).map(Vec::as_slice) {
            Some([only]) => Res::Crate(only.clone()),
            Some([_, _, ..]) => Res::Unknown,
            _ => Res::External(name.to_owned()),
        }
    }

    fn resolve_depth(
        &self,
        scope: u32,
        segments: &[&str],
        ns: Ns,
        depth: u32,
        memo: &mut Memo,
    ) -> Res {
        if depth > MAX_DEPTH {
            return Res::Unknown;
        }
        let external =
            || Res::External(segments.last().map(|s| (*s).to_owned()).unwrap_or_default());
        let (first, rest) = match segments {
            [] => return Res::Unknown,
            [name] if !matches!(*name, "crate" | "self" | "super") => {
                return self.lookup(scope, name, ns, depth, memo);
            }
            [first, rest @ ..] => (*first, rest),
        };
        let module_of = |s: u32| self.scopes[s as usize].module;
        let mut module = match first {
            "crate" => match self.root_of(scope) {
                Some(root) => root,
                None => return Res::Unknown,
            },
            "self" => module_of(scope),
            "super" => match self.parent_module(module_of(scope)) {
                Some(parent) => parent,
                None => return Res::Unknown,
            },
            // `::name::..` names a crate: ours, by its name, or another.
            "::" => match rest {
                [name, inner @ ..] if *name == self.crate_name => match self.index.get("crate") {
                    Some(&root) => return self.resolve_in_module(root, inner, ns, depth, memo),
                    None => return Res::Unknown,
                },
                _ => return external(),
            },
            name => match self.lookup(scope, name, Ns::Module, depth, memo) {
                Res::Crate(path) => match self.index.get(&path) {
                    Some(&id) => id,
                    None => return Res::Unknown,
                },
                _ if name == self.crate_name => match self.index.get("crate") {
                    Some(&root) => root,
                    None => return Res::Unknown,
                },
                // A type's associated item (`Self::Item`, `State::new`) or another crate's path.
                _ => return external(),
            },
        };
        // `super::super::x`
        let mut rest = rest;
        while let [next, tail @ ..] = rest {
            match *next {
                "super" => match self.parent_module(module) {
                    Some(parent) => module = parent,
                    None => return Res::Unknown,
                },
                "self" => {}
                _ => break,
            }
            rest = tail;
        }
        self.resolve_in_module(module, rest, ns, depth, memo)
    }

    /// How a bare name is bound where code in scope `scope` names it, for a fix that writes
    /// it: by a `use` (the path it imports, as written), by something else (an item, a glob
    /// import, a `use` of a scope around it), or not at all.
    pub(crate) fn binding_of(&self, scope: u32, name: &str) -> NameBinding {
        let mut current = Some(scope);
        while let Some(id) = current {
            let s = &self.scopes[id as usize];
            if let Some(target) = s.uses.get(name) {
                return NameBinding::Imported(target.clone());
            }
            if s.types.contains(name) || s.values.contains(name) || s.modules.contains(name) {
                return NameBinding::Other;
            }
            if !s.globs.is_empty() {
                return NameBinding::Other;
            }
            current = s.parent;
        }
        NameBinding::Free
    }

    /// Whether scope `scope` is in the top module of its file (not in an inline `mod`).
    pub(crate) fn in_file_module(&self, file: usize, scope: u32) -> bool {
        let module = self.scopes[scope as usize].module;
        module == self.scopes[self.file_scope(file, 0) as usize].module
    }

    /// Resolves `segments` inside module `module` (not in the scopes around it).
    fn resolve_in_module(
        &self,
        module: u32,
        segments: &[&str],
        ns: Ns,
        depth: u32,
        memo: &mut Memo,
    ) -> Res {
        match segments {
            [] => match ns {
                Ns::Module => Res::Crate(self.scopes[module as usize].path.clone()),
                _ => Res::Unknown,
            },
            [name] => self.lookup_in(module, name, ns, depth, memo),
            [name, rest @ ..] => match self.lookup_in(module, name, Ns::Module, depth, memo) {
                Res::Crate(inner) => match self.index.get(&inner) {
                    Some(&inner) => self.resolve_in_module(inner, rest, ns, depth + 1, memo),
                    None => Res::Unknown,
                },
                Res::External(_) => {
                    Res::External(segments.last().map(|s| (*s).to_owned()).unwrap_or_default())
                }
                // A type's associated item, or a module we cannot see.
                Res::Unknown => Res::Unknown,
            },
        }
    }

    /// Looks a name up from a scope: the scope, the blocks around it up to its module, each
    /// with its imports and globs.
    fn lookup(&self, scope: u32, name: &str, ns: Ns, depth: u32, memo: &mut Memo) -> Res {
        if !self.bound.contains(name) {
            return Res::Unknown;
        }
        let mut current = Some(scope);
        while let Some(id) = current {
            match self.lookup_in(id, name, ns, depth, memo) {
                Res::Unknown => {}
                found => return found,
            }
            current = self.scopes[id as usize].parent;
        }
        Res::Unknown
    }

    /// Looks a name up in one scope: what it defines or imports, then what the modules its
    /// globs reach define or import.
    fn lookup_in(&self, id: u32, name: &str, ns: Ns, depth: u32, memo: &mut Memo) -> Res {
        match self.own(id, name, ns, depth, memo) {
            Res::Unknown => {}
            found => return found,
        }
        // While the closures themselves are worked out, globs are not followed.
        let globbed = self
            .glob_closure
            .get(id as usize)
            .map_or(&[][..], Vec::as_slice);
        for &module in globbed {
            match self.own(module, name, ns, depth, memo) {
                Res::Unknown => {}
                found => return found,
            }
        }
        Res::Unknown
    }

    /// What one scope defines or imports by `name`, without its globs.
    fn own(&self, id: u32, name: &str, ns: Ns, depth: u32, memo: &mut Memo) -> Res {
        let scope = &self.scopes[id as usize];
        if scope.defines(name, ns) {
            return Res::Crate(format!("{}::{name}", scope.path));
        }
        let Some(target) = scope.uses.get(name) else {
            return Res::Unknown;
        };
        let key = (id, name.to_owned(), ns);
        if let Some(known) = memo.found.get(&key) {
            return known.clone();
        }
        if depth > MAX_DEPTH || !memo.searching.insert(key.clone()) {
            return Res::Unknown;
        }
        let segments: Vec<&str> = target.iter().map(String::as_str).collect();
        let found = self.resolve_depth(id, &segments, ns, depth + 1, memo);
        memo.searching.remove(&key);
        memo.found.insert(key, found.clone());
        found
    }

    /// The path a `use` in scope `scope` (or a scope around it) binds `name` to, as written.
    fn import_of(&self, scope: u32, name: &str) -> Option<&[String]> {
        let mut current = Some(scope);
        while let Some(id) = current {
            let scope = &self.scopes[id as usize];
            if let Some(target) = scope.uses.get(name) {
                return Some(target);
            }
            current = scope.parent;
        }
        None
    }

    /// Resolves the names in a type written in scope `scope`; `generics` are the type parameters
    /// in sight, which are not paths.
    pub(crate) fn resolve_ty(
        &self,
        scope: u32,
        ty: &Ty,
        generics: &[String],
        memo: &mut Memo,
    ) -> Ty {
        match ty {
            Ty::Named(name, args) => {
                let args = args
                    .iter()
                    .map(|a| self.resolve_ty(scope, a, generics, memo))
                    .collect();
                Ty::Named(self.type_name(scope, name, generics, memo), args)
            }
            Ty::Ref(inner) => Ty::Ref(Box::new(self.resolve_ty(scope, inner, generics, memo))),
            Ty::Ptr(inner) => Ty::Ptr(Box::new(self.resolve_ty(scope, inner, generics, memo))),
            Ty::Slice(inner) => Ty::Slice(Box::new(self.resolve_ty(scope, inner, generics, memo))),
            Ty::Tuple(items) => Ty::Tuple(
                items
                    .iter()
                    .map(|t| self.resolve_ty(scope, t, generics, memo))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The name a type written `written` in scope `scope` goes by: its canonical path when it is
    /// the crate's, else its last segment.
    pub(crate) fn type_name(
        &self,
        scope: u32,
        written: &str,
        generics: &[String],
        memo: &mut Memo,
    ) -> String {
        if written == "Self" || generics.iter().any(|g| g == written) {
            return written.to_owned();
        }
        let segments = split_path(written);
        match self.resolve(scope, &segments, Ns::Type, memo) {
            Res::Crate(path) => path,
            Res::External(name) => name,
            Res::Unknown => short_name(written).to_owned(),
        }
    }
}

/// `a::b::C` as segments; a leading `::` is a segment of its own.
pub(crate) fn split_path(written: &str) -> Vec<&str> {
    match written.strip_prefix("::") {
        Some(rest) => std::iter::once("::").chain(rest.split("::")).collect(),
        None => written.split("::").collect(),
    }
}

/// How the walk of one file names things: the file's renames, resolved from the scope being
/// walked (which the walker moves as it enters modules and function bodies).
pub(crate) struct Names<'a> {
    resolver: &'a Resolver,
    renames: Renames,
    /// The canonical path of the scope being walked, and the scope that resolves for it.
    scope: String,
    scope_id: u32,
    /// What the function bodies being walked import (`use std::sync::Mutex as M;` inside a
    /// body): the name bound and the path it names. Phase one does not see a body's imports.
    locals: Vec<(String, Vec<String>)>,
    /// Types resolved in this file, by scope and name as written.
    cache: RefCell<HashMap<(u32, String), String>>,
    memo: RefCell<Memo>,
}

impl<'a> Names<'a> {
    pub(crate) fn new(resolver: &'a Resolver, renames: Renames, file: usize) -> Names<'a> {
        let scope_id = resolver.file_scope(file, 0);
        Names {
            resolver,
            renames,
            scope: resolver.scope_path(file, 0).to_owned(),
            scope_id,
            locals: Vec::new(),
            cache: RefCell::new(HashMap::default()),
            memo: RefCell::new(Memo::default()),
        }
    }

    /// Enters the scope `segment` below the current one (a module's name, or a function's
    /// body as `{f}`); returns what `leave` needs to come back.
    pub(crate) fn enter(&mut self, segment: &str) -> (String, u32, usize) {
        let inner = format!("{}::{segment}", self.scope);
        let inner_id = self.resolver.nearest_scope(&inner).unwrap_or(self.scope_id);
        let outer = std::mem::replace(&mut self.scope, inner);
        let outer_id = std::mem::replace(&mut self.scope_id, inner_id);
        (outer, outer_id, self.locals.len())
    }

    /// Goes back to what `enter` returned; the imports of the bodies left go.
    pub(crate) fn leave(&mut self, (outer, outer_id, locals): (String, u32, usize)) {
        self.scope = outer;
        self.scope_id = outer_id;
        if self.locals.len() > locals {
            self.locals.truncate(locals);
            self.cache.borrow_mut().clear();
        }
    }

    /// A `use` item inside the function body being walked.
    pub(crate) fn import(&mut self, item: &syn::ItemUse) {
        let mut prefix = Vec::new();
        if item.leading_colon.is_some() {
            prefix.push("::".to_owned());
        }
        let mut globs = Vec::new();
        crate::semantic::items::use_imports(&item.tree, &mut prefix, &mut self.locals, &mut globs);
        self.cache.borrow_mut().clear();
    }

    /// The first segment of the path a `use` binds `name` to (`rayon` for `use rayon::spawn;`),
    /// in the scope being walked.
    pub(crate) fn import_root(&self, name: &str) -> Option<&str> {
        let local = self.locals.iter().rev().find(|(n, _)| n == name);
        let target = match local {
            Some((_, path)) => path.as_slice(),
            None => self.resolver.import_of(self.scope_id, name)?,
        };
        target.iter().map(String::as_str).find(|s| *s != "::")
    }

    /// A written path with a body's import of its first segment applied.
    fn imported(&self, segments: Vec<&str>) -> Vec<String> {
        let first = segments.first().copied().unwrap_or_default();
        match self.locals.iter().rev().find(|(name, _)| name == first) {
            Some((_, path)) => path
                .iter()
                .cloned()
                .chain(segments[1..].iter().map(|s| (*s).to_owned()))
                .collect(),
            None => segments.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// The canonical path of an item named `name` declared in the scope being walked.
    pub(crate) fn item_path(&self, name: &str) -> String {
        format!("{}::{name}", self.scope)
    }

    /// Converts a written type, resolving its names; `generics` are not paths.
    pub(crate) fn ty_with(&self, ty: &syn::Type, generics: &[String]) -> Ty {
        let written = self.renames.ty(ty);
        self.resolve(&written, generics)
    }

    /// Converts a written type, resolving its names.
    pub(crate) fn ty(&self, ty: &syn::Type) -> Ty {
        self.ty_with(ty, &[])
    }

    /// Converts a path used as a type (a struct literal's, a pattern's), resolving it.
    pub(crate) fn path(&self, path: &syn::Path) -> Ty {
        let written = self.renames.path(path);
        self.resolve(&written, &[])
    }

    fn resolve(&self, ty: &Ty, generics: &[String]) -> Ty {
        match ty {
            Ty::Named(name, args) => {
                let args = args.iter().map(|a| self.resolve(a, generics)).collect();
                Ty::Named(self.type_name(name, generics), args)
            }
            Ty::Ref(inner) => Ty::Ref(Box::new(self.resolve(inner, generics))),
            Ty::Ptr(inner) => Ty::Ptr(Box::new(self.resolve(inner, generics))),
            Ty::Slice(inner) => Ty::Slice(Box::new(self.resolve(inner, generics))),
            Ty::Tuple(items) => {
                Ty::Tuple(items.iter().map(|t| self.resolve(t, generics)).collect())
            }
            other => other.clone(),
        }
    }

    /// The name a type written `written` goes by (see [`Resolver::type_name`]).
    pub(crate) fn type_name(&self, written: &str, generics: &[String]) -> String {
        if generics.iter().any(|g| g == written) {
            return written.to_owned();
        }
        let key = (self.scope_id, written.to_owned());
        if let Some(name) = self.cache.borrow().get(&key) {
            return name.clone();
        }
        let memo = &mut self.memo.borrow_mut();
        let name = if self.locals.is_empty() {
            self.resolver.type_name(self.scope_id, written, &[], memo)
        } else {
            let path = self.imported(split_path(written)).join("::");
            self.resolver.type_name(self.scope_id, &path, &[], memo)
        };
        self.cache.borrow_mut().insert(key, name.clone());
        name
    }

    /// How the bare name `name` is bound in the scope being walked. A body's own `use`s count
    /// as something else (the fix would write into the body's scope, which it cannot see).
    pub(crate) fn binding_of(&self, name: &str) -> NameBinding {
        if self.locals.iter().any(|(local, _)| local == name) {
            return NameBinding::Other;
        }
        self.resolver.binding_of(self.scope_id, name)
    }

    /// Whether the scope being walked is in the top module of `file`.
    pub(crate) fn in_file_module(&self, file: usize) -> bool {
        self.resolver.in_file_module(file, self.scope_id)
    }

    /// What a path written in the scope being walked names, in namespace `ns`.
    pub(crate) fn resolve_path(&self, path: &syn::Path, ns: Ns) -> Res {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let mut refs: Vec<&str> = Vec::with_capacity(segments.len() + 1);
        if path.leading_colon.is_some() {
            refs.push("::");
        }
        refs.extend(segments.iter().map(String::as_str));
        let memo = &mut self.memo.borrow_mut();
        if self.locals.is_empty() {
            return self.resolver.resolve(self.scope_id, &refs, ns, memo);
        }
        let imported = self.imported(refs);
        let refs: Vec<&str> = imported.iter().map(String::as_str).collect();
        self.resolver.resolve(self.scope_id, &refs, ns, memo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(path: &[&str]) -> ScopeFacts {
        ScopeFacts {
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            ..ScopeFacts::default()
        }
    }

    /// What `written` names from the scope at `scope`.
    fn name(r: &Resolver, scope: &str, written: &str, generics: &[String]) -> String {
        let id = r.nearest_scope(scope).expect("a scope");
        r.type_name(id, written, generics, &mut Memo::default())
    }

    fn path(p: &str) -> Vec<String> {
        p.split("::").map(str::to_owned).collect()
    }

    /// A crate of two modules with a `State` each, a test module that glob-imports its parent,
    /// a module that imports one `State` under another name, and a binary.
    fn resolver() -> Resolver {
        let mut root = scope(&[]);
        root.modules = vec!["server".into(), "client".into(), "app".into()];
        root.uses = vec![("Mutex".into(), path("std::sync::Mutex"))];
        let mut server = scope(&[]);
        server.types = vec!["State".into()];
        server.modules = vec!["tests".into()];
        let mut server_tests = scope(&["tests"]);
        server_tests.globs = vec![path("super")];
        let mut in_fn = scope(&["{run}"]);
        in_fn.types = vec!["Guard".into()];
        let mut client = scope(&[]);
        client.types = vec!["State".into(), "Mutex".into()];
        let mut app = scope(&[]);
        app.uses = vec![
            ("S".into(), path("crate::server::State")),
            ("client".into(), path("super::client")),
        ];
        let mut bin = scope(&[]);
        bin.uses = vec![("State".into(), path("mylib::server::State"))];
        let modules = vec![
            "crate".to_owned(),
            "crate::server".to_owned(),
            "crate::client".to_owned(),
            "crate::app".to_owned(),
            "crate#1".to_owned(),
        ];
        let files: Vec<Vec<ScopeFacts>> = vec![
            vec![root],
            vec![server, server_tests, in_fn],
            vec![client],
            vec![app],
            vec![bin],
        ];
        Resolver::new(
            &modules,
            files.iter().enumerate().map(|(i, s)| (i, s.as_slice())),
            "mylib",
        )
    }

    #[test]
    fn same_named_types_in_two_modules_are_two_types() {
        let r = resolver();
        assert_eq!(
            name(&r, "crate::server", "State", &[]),
            "crate::server::State"
        );
        assert_eq!(
            name(&r, "crate::client", "State", &[]),
            "crate::client::State"
        );
        // From the root, a bare `State` is neither: two candidates, no import.
        assert_eq!(name(&r, "crate", "State", &[]), "State");
        assert_eq!(
            name(&r, "crate", "client::State", &[]),
            "crate::client::State"
        );
    }

    #[test]
    fn imports_renames_globs_super_and_the_crate_name_resolve() {
        let r = resolver();
        assert_eq!(name(&r, "crate::app", "S", &[]), "crate::server::State");
        assert_eq!(
            name(&r, "crate::app", "client::State", &[]),
            "crate::client::State"
        );
        assert_eq!(
            name(&r, "crate::server::tests", "State", &[]),
            "crate::server::State"
        );
        assert_eq!(
            name(&r, "crate::server::tests", "super::State", &[]),
            "crate::server::State"
        );
        assert_eq!(name(&r, "crate#1", "State", &[]), "crate::server::State");
        assert_eq!(
            name(&r, "crate#1", "::mylib::client::State", &[]),
            "crate::client::State"
        );
    }

    #[test]
    fn types_from_elsewhere_keep_their_last_segment() {
        let r = resolver();
        // `use std::sync::Mutex` at the root, though the crate has a `Mutex` of its own.
        assert_eq!(name(&r, "crate", "Mutex", &[]), "Mutex");
        assert_eq!(
            name(&r, "crate::client", "Mutex", &[]),
            "crate::client::Mutex"
        );
        assert_eq!(name(&r, "crate", "std::sync::Arc", &[]), "Arc");
        assert_eq!(name(&r, "crate", "Vec", &[]), "Vec");
        assert_eq!(name(&r, "crate", "T", &["T".into()]), "T");
    }

    #[test]
    fn a_function_body_sees_its_own_items_then_its_module() {
        let r = resolver();
        assert_eq!(
            name(&r, "crate::server::{run}", "Guard", &[]),
            "crate::server::{run}::Guard"
        );
        assert_eq!(
            name(&r, "crate::server::{run}", "State", &[]),
            "crate::server::State"
        );
        // A body that declares nothing is its module.
        assert_eq!(
            name(&r, "crate::client::{go}", "State", &[]),
            "crate::client::State"
        );
        // A unique name anywhere is the fallback.
        assert_eq!(
            name(&r, "crate", "Guard", &[]),
            "crate::server::{run}::Guard"
        );
    }

    #[test]
    fn glob_cycles_end() {
        let mut a = scope(&[]);
        a.globs = vec![path("crate::b")];
        let mut b = scope(&[]);
        b.globs = vec![path("crate::a")];
        let mut root = scope(&[]);
        root.modules = vec!["a".into(), "b".into()];
        let files = [vec![root], vec![a], vec![b]];
        let r = Resolver::new(
            &["crate".into(), "crate::a".into(), "crate::b".into()],
            files.iter().enumerate().map(|(i, s)| (i, s.as_slice())),
            "x",
        );
        assert_eq!(name(&r, "crate::a", "Nothing", &[]), "Nothing");
    }
}
