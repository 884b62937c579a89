//! The walker, per file: one walk over every function body that keeps track of
//! - the types of locals (annotations, parameters, obvious initialisers, the crate's type table),
//! - where each value comes from (which field, static or `let` declared the lock it is),
//! - hot regions (loop bodies, closures handed to iterator adapters) and whether a region only
//!   starts long-running workers,
//! - live lock guards: `let`-bound until `drop` or the end of their block, temporaries until the
//!   end of their statement (`match` scrutinees for the whole `match`, `if let` per edition),
//! - the calls each function makes, for the crate's call graph,
//!
//! and hands every expression, with that context, to its `Checker` (the rules). What depends on the
//! whole crate (is this function hot through its callers?) is recorded as a pending finding and
//! settled once every file has been walked.

use std::cell::RefCell;

use index_vec::IndexVec;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use proc_macro2::Span as PmSpan;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Token};

mod arcs;
mod atomics;
mod blocking;
mod cx;
mod exprs;
mod facts;
mod guards;
mod infer;
mod locks;
mod owners;
mod regions;
mod resolve;
mod scan;
mod slots;
mod spawns;
mod stmts;

pub(crate) use arcs::{ArcField, ArcInit, ArcShare};
pub(crate) use cx::{Checker, Cx, Decl, DeclKind, Sink};
pub(crate) use facts::*;
use infer::unwrap_ty;
pub(crate) use locks::{
    Access, GuardedOps, LockDecl, LockUse, ScalarOp, ThreadCx, UseShape,
    alias_keys as locks_alias_keys,
};
pub(crate) use scan::Later;
use scan::*;
pub(crate) use slots::{SlotDecl, SlotWrite, is_slot_element};

pub(crate) use crate::syntax::atomics::{atomic_name, is_seqcst};
pub(crate) use crate::syntax::exprs::{path_tail, root_var, strip_parens};
pub(crate) use crate::syntax::spawn::{SpawnKind, closure_loops, spawn_of};
use crate::syntax::{atomics::*, exprs::*, spawn::*, tables::*};

use crate::Edition;
use crate::diagnostic::{Diagnostic, Span};
use crate::pipeline::parse::{UnitAst, expanded_macro_name, to_span};
use crate::pipeline::plan::{Owner, Plan, UnitKind};
use crate::semantic::bindings::{Bindings, UseKind, Var};
use crate::semantic::names::{Names, Ns, Res};
use crate::semantic::ty::{LockKind, Renames, Ty, short_name};
use crate::semantic::types::{FnId, TypeTable};

/// A local variable.
#[derive(Debug, Clone, Default)]
struct Local {
    ty: Ty,
    origin: Option<DeclKey>,
    /// The variable is this guard.
    guard: Option<GuardId>,
    /// The variable borrows from this guard's data.
    borrows: Option<GuardId>,
    /// The variable was made by a method called on this guard's data, and may borrow it (a
    /// future of an `async fn(&self)`).
    derived: Option<GuardId>,
    /// An `Arc` made by `Arc::new` in this function: no other thread has it yet.
    fresh_arc: bool,
    /// The variable is named once after its `let`: wherever it goes, it is not also cloned,
    /// lent or kept elsewhere.
    sole_use: bool,
    /// The variable is the function's parameter of this index (`self` not counted).
    param: Option<usize>,
    /// The variable holds a pointer into this function's stack frame (`&mut x as *mut _`): the
    /// local it points to.
    points_to_local: Option<String>,
    /// When the variable was last bound, assigned or changed, on the walker's clock.
    bound_at: u64,
    /// Bound by a `let` from a call or a struct literal: a new object.
    made: bool,
    /// A lock that the rest of its block only ever locks: nothing shares it.
    private_lock: bool,
    /// Bound by a tuple pattern beside a `Condvar` (`let (lock, cvar) = &*pair;`): the lock
    /// of a condvar protocol.
    condvar_lock: bool,
    /// The hot region the variable was bound in: a new value each iteration.
    region: Option<RegionId>,
    /// A `let` without `mut` bound to a small integer the source spells out (`let n = 5;`):
    /// a loop up to it runs that many times.
    count: Option<u128>,
    /// Bound by a `let` to a struct literal: the declarations its fields' values come from
    /// (`Ctx { map: Arc::clone(&map) }`), so that `ctx.map` is still that lock.
    field_origins: Vec<(String, DeclKey)>,
    /// Bound by a `let` to a closure that blocks when called: what it calls that blocks.
    blocks: Option<String>,
    /// A collection made empty in a hot region whose variable is only read or called
    /// methods on, and never emptied into something else: it and what it holds die at the end
    /// of the pass.
    scratch: bool,
    /// Bound to a stripe index (`let i = hash % n;`, see `slots::is_stripe_index`).
    stripe: bool,
}

#[derive(Debug, Clone)]
struct Guard {
    id: GuardId,
    lock_span: Span,
    inner: Ty,
    /// An async lock's guard (`m.lock().await`): made to be held across `.await`.
    is_async: bool,
    /// The lock guards a section of code rather than data: a `Mutex<()>`, or a guard bound to
    /// a `_`-prefixed name that is never read (`let _g = LOCK.lock();`).
    section: bool,
    /// Taken with `try_lock`/`try_read`/`try_write`: in the `else` of an `if let` on it there
    /// is no guard.
    tried: bool,
    /// Part of a `Condvar` protocol: the guard is handed to a wait, and what is done with it
    /// afterwards is ordered by that protocol.
    condvar: bool,
    /// The lock is a variable of this function that nothing else can reach (it is only ever
    /// locked here): no other thread waits for it.
    private: bool,
    /// Taken with `try_lock().unwrap()` (or `expect`, `try_read`, `try_write`): the code
    /// asserts that no other thread holds the lock at this point.
    asserted: bool,
    /// When the lock was taken, on the walker's clock.
    taken_at: u64,
    /// Temporaries die with their statement.
    statement: Option<usize>,
    /// `let`-bound guards die with their scope.
    scope: Option<usize>,
}

/// Walks one file.
pub(crate) struct Walker<'a> {
    /// The rules, handed what the walk sees (taken out while one of them runs).
    checker: Option<&'a mut dyn Checker>,
    /// The bindings of the function being walked: which variable each name is.
    bindings: std::rc::Rc<Bindings>,
    file: usize,
    base: usize,
    edition: Edition,
    table: &'a TypeTable,
    /// How the file names things, from the scope being walked.
    names: Names<'a>,
    /// The generic type parameters in sight (the impl's and the function's): not paths.
    generics: Vec<String>,
    out: BodyOutput,
    scopes: Vec<HashMap<String, Local>>,
    guards: Vec<Guard>,
    next_guard: GuardId,
    /// The number of the statement being walked: its temporary guards are tagged with it.
    statement: usize,
    /// Statements numbered so far.
    statements: usize,
    /// The impl's self type, inside an impl.
    self_ty: Option<String>,
    function: Option<FnId>,
    /// The function whose body (closures and spawned work included) is being walked, whose
    /// parameters are the ones in scope.
    body_fn: Option<FnId>,
    region: Option<RegionId>,
    /// The lock call of a guard being bound by a `let`, so it is not also taken as a temporary.
    binding_lock: Option<Span>,
    /// The `try_*` lock call whose result is unwrapped by the method call being walked.
    asserted_lock: Option<Span>,
    fn_facts: Option<FnBodyFacts>,
    /// The operation of the statement being walked, when it only reads or updates a
    /// temporary guard's value.
    temp_shape: Option<ScalarOp>,
    /// Spawn sites (indices into `out.spawns`) whose closures are being walked, innermost last.
    spawn_stack: Vec<SpawnId>,
    /// The expression being walked is stored beyond the statement: pushed into a collection,
    /// assigned to a field, turned into a raw pointer (see [`Cx::is_stored`]).
    storing: bool,
    /// The expression being walked is a statement whose value is dropped (`x.f();`,
    /// `let _ = x.f();`).
    discarding: bool,
    /// Orders bindings and lock acquisitions: was this value there before that lock was taken?
    clock: u64,
    /// The operand of the `.await` being walked (compared by address: spans of whole
    /// expressions cost a walk over their tokens).
    awaited: Option<*const Expr>,
    /// Depth of error and diagnostic paths being walked (`Err(..)`, `panic!`, `log::warn!`,
    /// `.expect(..)`, `.map_err(..)`): code that runs when something already went wrong.
    cold: usize,
    /// The current function's type parameters bounded by `Fn`, `FnMut` or `FnOnce`.
    callable_generics: Vec<String>,
    /// The thread the code being walked runs on, where it is not the caller's.
    thread: Option<ThreadCx>,
    /// The function being walked sets a value up (a constructor, a builder step, a `&mut self`
    /// method): what it locks is not shared yet.
    setup: bool,
    /// Field expressions used through their `Arc` (`self.f.len()`), not as the `Arc` itself.
    deref_fields: HashSet<Span>,
    /// The guard whose data the loop about to be entered walks.
    loop_guard: Option<GuardId>,
    /// For each region of the file, the guard whose data its loop walks: how often it runs is
    /// known only under that lock.
    region_guards: IndexVec<RegionId, Option<GuardId>>,
    /// The file has `contention:allow` comments, whose reach depends on item spans.
    allow_comments: bool,
    /// The bodies of closures run by a model checker (`loom::model(|| ..)`): their threads
    /// are simulated, one interleaving at a time, and nothing in them is about speed.
    model_checked: Vec<Span>,
    /// The spawn site whose work hands a closure to a call being walked as deferred.
    deferred_spawn: Option<SpawnId>,
    /// Adapter calls whose iterator is consumed in the expression that holds them, by address
    /// (the tree does not move while it is walked), each with whether the consumer keeps the
    /// items (`collect()`) rather than drops them (`sum()`, a `for` loop).
    consumed: HashMap<*const syn::ExprMethodCall, bool>,
    /// How many closures walked as deferred enclose the code being walked.
    deferred_depth: usize,
    /// The depth (as `deferred_depth` counts) of the body of the `let`-bound closure being
    /// walked, whose blocking calls are its caller's when it calls it.
    let_closure: Option<usize>,
    /// The expression being walked is handed by value to a crate function (see [`Handed`]).
    handed: Option<Handed>,
    /// What blocks in the expression being linted, and where (see [`Cx::blocking`]).
    blocks_here: Option<(String, Span)>,
    /// Walking the methods of a gRPC service's trait impl (`#[tonic::async_trait]`).
    service_impl: bool,
    /// The expression about to be walked is a temporary that dies in its statement (a method
    /// call's receiver) or a `let`'s value whose variable is only read (see
    /// [`CallEdge::result_dropped`]).
    temporary: bool,
    /// The expression being walked is such a temporary, or a statement's dropped value.
    dropped_here: bool,
    /// The expression being walked is a statement whose value is dropped: so are the values
    /// of its branches (`match e { A => c.fetch_add(1, SeqCst), .. };`).
    discarded_value: bool,
    /// The block about to be walked is such a branch: its tail's value is dropped.
    tail_discarded: bool,
    /// The loops of the function being walked, innermost last, with their labels: where a
    /// `break` goes.
    loops: Vec<(Option<String>, RegionId)>,
    /// The region a `return` hands control to: none for a function body, the closure's own
    /// region in a closure run per item.
    return_region: Option<RegionId>,
    /// The parts of what the function being walked returns that end up in an owner it builds
    /// (see [`owners::returned_parts`]).
    returned: HashSet<*const Expr>,
    /// The parts of what mapping closures return into a collection that is kept (see
    /// [`owners::kept_parts`]): `map(|i| { let c = ctx.clone(); async move { .. c .. } })`.
    kept_parts: HashSet<*const Expr>,
    /// Types are being worked out for a later statement: not to be remembered.
    looking_ahead: std::cell::Cell<bool>,
    /// The types of the current function's expressions, by address (the tree does not move
    /// while it is walked).
    types: RefCell<HashMap<*const Expr, Ty>>,
}

/// Runs phase two over one file's whole tree.
pub(crate) fn walk_file(
    allow_comments: bool,
    file: usize,
    base: usize,
    ast: &syn::File,
    table: &TypeTable,
    edition: Edition,
    checker: &mut dyn Checker,
) -> BodyOutput {
    let renames = Renames::of_items(&ast.items);
    let mut walker = Walker::new(file, table, edition, checker, renames);
    walker.base = base;
    walker.allow_comments = allow_comments;
    walker.visit_file(ast);
    let mut out = walker.out;
    out.model_checked = walker.model_checked;
    out.test_code = crate::semantic::test_code::test_spans(ast, base);
    out
}

/// Runs phase two over one file from its plan: `units` are the trees of the plan's units, in
/// its order. What the walk does is what a walk of the whole tree does: each unit is entered
/// in its module, impl or trait, as the whole tree's walk would enter it.
pub(crate) fn walk_units(
    file: usize,
    units: &[UnitAst],
    plan: &Plan,
    table: &TypeTable,
    edition: Edition,
    checker: &mut dyn Checker,
) -> BodyOutput {
    let mut walker = Walker::new(file, table, edition, checker, plan.renames.clone());
    for (ast, unit) in units.iter().zip(&plan.units) {
        walker.base = unit.start;
        let module = &plan.modules[unit.module as usize];
        let outer: Vec<_> = module.iter().map(|m| walker.names.enter(m)).collect();
        match (ast, unit.kind) {
            (UnitAst::Item(item), _) => walker.visit_item(item),
            (UnitAst::Impl(item), UnitKind::ImplItem(owner)) => {
                let Owner::Impl {
                    self_ty,
                    generics,
                    service,
                } = &plan.owners[owner as usize]
                else {
                    unreachable!("an impl item's owner is an impl");
                };
                let self_ty = self_ty
                    .as_ref()
                    .map(|written| walker.names.type_name(written, generics));
                let outer = std::mem::replace(&mut walker.self_ty, self_ty);
                let outer_generics = std::mem::replace(&mut walker.generics, generics.clone());
                let outer_service = std::mem::replace(&mut walker.service_impl, *service);
                walker.with_function(None, |w| w.visit_impl_item(item));
                walker.service_impl = outer_service;
                walker.generics = outer_generics;
                walker.self_ty = outer;
            }
            (UnitAst::Trait(item), UnitKind::TraitItem(owner)) => {
                let Owner::Trait { name } = &plan.owners[owner as usize] else {
                    unreachable!("a trait item's owner is a trait");
                };
                let outer = walker.self_ty.replace(walker.names.item_path(name));
                walker.with_function(None, |w| w.visit_trait_item(item));
                walker.self_ty = outer;
            }
            _ => unreachable!("a unit's tree is of its kind"),
        }
        for outer in outer.into_iter().rev() {
            walker.names.leave(outer);
        }
    }
    let mut out = walker.out;
    out.model_checked = walker.model_checked;
    out.test_code = plan.test_code.clone();
    out
}

impl<'a> Walker<'a> {
    fn new(
        file: usize,
        table: &'a TypeTable,
        edition: Edition,
        checker: &'a mut dyn Checker,
        renames: Renames,
    ) -> Walker<'a> {
        Walker {
            checker: Some(checker),
            bindings: std::rc::Rc::new(Bindings::default()),
            file,
            base: 0,
            edition,
            table,
            names: Names::new(table.resolver(), renames, file),
            generics: Vec::new(),
            out: BodyOutput {
                file,
                ..BodyOutput::default()
            },
            scopes: vec![HashMap::default()],
            guards: Vec::new(),
            next_guard: GuardId::new(0),
            statement: 0,
            statements: 0,
            self_ty: None,
            function: None,
            body_fn: None,
            region: None,
            binding_lock: None,
            asserted_lock: None,
            fn_facts: None,
            temp_shape: None,
            spawn_stack: Vec::new(),
            storing: false,
            discarding: false,
            clock: 0,
            awaited: None,
            cold: 0,
            callable_generics: Vec::new(),
            thread: None,
            setup: false,
            deref_fields: HashSet::default(),
            loop_guard: None,
            region_guards: IndexVec::new(),
            allow_comments: false,
            model_checked: Vec::new(),
            deferred_spawn: None,
            consumed: HashMap::default(),
            deferred_depth: 0,
            let_closure: None,
            handed: None,
            blocks_here: None,
            service_impl: false,
            temporary: false,
            dropped_here: false,
            discarded_value: false,
            tail_discarded: false,
            loops: Vec::new(),
            return_region: None,
            returned: HashSet::default(),
            kept_parts: HashSet::default(),
            looking_ahead: std::cell::Cell::new(false),
            types: RefCell::new(HashMap::default()),
        }
    }

    fn span(&self, span: PmSpan) -> Span {
        to_span(span, self.base)
    }

    /// The variable a pattern binds by `ident` (named `name`), as the function's bindings know
    /// it.
    fn var<'b>(&'b self, ident: &syn::Ident, name: &'b str) -> Var<'b> {
        Var::new(name, self.bindings.site(ident), &self.bindings)
    }

    /// Walks a `static`'s or `const`'s initialiser, with its own bindings (its closures').
    fn visit_initialiser(&mut self, expr: &Expr) {
        let outer = std::mem::replace(
            &mut self.bindings,
            std::rc::Rc::new(Bindings::of_expr(expr)),
        );
        self.with_function(None, |w| w.visit_expr(expr));
        self.bindings = outer;
    }

    fn lookup(&self, name: &str) -> Option<&Local> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn bind(&mut self, name: String, mut local: Local) {
        local.region = self.region;
        self.clock += 1;
        local.bound_at = self.clock;
        self.scopes.last_mut().expect("a scope").insert(name, local);
    }

    /// Runs `f` in a new variable scope; `let`-bound guards of the scope die with it.
    fn with_scope<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.scopes.push(HashMap::default());
        let depth = self.scopes.len();
        let result = f(self);
        self.guards.retain(|g| g.scope.is_none_or(|s| s < depth));
        self.scopes.pop();
        result
    }

    /// Runs `f` as one statement: temporaries created in it die at its end.
    fn with_statement<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.statements += 1;
        let id = self.statements;
        // A statement nested in this one (a closure's body) takes its own number and gives
        // this one's back: temporaries made after it still die at this statement's end.
        let outer = std::mem::replace(&mut self.statement, id);
        let result = f(self);
        self.statement = outer;
        self.guards.retain(|g| g.statement != Some(id));
        result
    }

    /// Runs `f` for a function body: a fresh set of guards, no enclosing region.
    fn with_function<R>(&mut self, function: Option<FnId>, f: impl FnOnce(&mut Self) -> R) -> R {
        let guards = std::mem::take(&mut self.guards);
        let outer_fn = std::mem::replace(&mut self.function, function);
        let outer_body = std::mem::replace(&mut self.body_fn, function);
        let outer_region = self.region.take();
        let outer_facts = self.fn_facts.take();
        let outer_generics = std::mem::take(&mut self.callable_generics);
        let outer_thread = self.thread.take();
        let outer_setup = std::mem::take(&mut self.setup);
        let outer_loops = std::mem::take(&mut self.loops);
        let outer_return = self.return_region.take();
        let scopes = std::mem::replace(&mut self.scopes, vec![HashMap::default()]);
        let types = self.types.take();
        self.check(|checker, _, _| checker.enter_fn());
        let result = f(self);
        self.check(|checker, _, sink| checker.exit_fn(sink));
        self.scopes = scopes;
        self.types.replace(types);
        self.fn_facts = outer_facts;
        self.callable_generics = outer_generics;
        self.thread = outer_thread;
        self.setup = outer_setup;
        self.loops = outer_loops;
        self.return_region = outer_return;
        self.region = outer_region;
        self.function = outer_fn;
        self.body_fn = outer_body;
        self.guards = guards;
        result
    }

    /// Runs `f` as the statement `expr`: temporary guards created in it are simple uses when
    /// the statement only reads or updates the guarded value.
    fn with_statement_of<R>(&mut self, expr: &Expr, f: impl FnOnce(&mut Self) -> R) -> R {
        let shape = simple_op(expr, &|e| self.is_lock_deref(e));
        let outer = std::mem::replace(&mut self.temp_shape, shape);
        let result = self.with_statement(f);
        self.temp_shape = outer;
        result
    }

    /// Marks the variable `place` starts from as changed now.
    fn touch(&mut self, place: &Expr) {
        let Some(root) = root_var(place) else {
            return;
        };
        let name = root.to_string();
        self.clock += 1;
        let now = self.clock;
        if let Some(local) = self.scopes.iter_mut().rev().find_map(|s| s.get_mut(&name)) {
            local.bound_at = now;
        }
    }

    /// Records the span of an item, field or statement that a `contention:allow` comment above
    /// it would cover: only in a file that has such comments, since a span of a whole node
    /// costs a walk over its tokens.
    fn cover(&mut self, node: &impl Spanned) {
        if self.allow_comments {
            let span = self.span(node.span());
            self.out.items.push(span);
        }
    }

    /// Walks `expr` as a value handed by value to a crate function.
    fn visit_handed(&mut self, expr: &Expr, handed: Handed) {
        self.handed = Some(handed);
        self.visit_expr(expr);
    }

    /// Walks `expr` as an operand whose value is stored (or not).
    fn visit_stored(&mut self, expr: &Expr, stored: bool) {
        self.storing = stored;
        self.visit_expr(expr);
    }

    /// Whether `expr` names a local variable bound in the current hot region (a new one each
    /// iteration), so assigning to it keeps nothing beyond the iteration.
    fn is_region_local(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Path(p) if p.path.segments.len() == 1 => self
                .lookup(&p.path.segments[0].ident.to_string())
                .is_some_and(|l| l.region == self.region),
            _ => false,
        }
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_file(&mut self, file: &'ast syn::File) {
        for item in &file.items {
            self.cover(item);
        }
        visit::visit_file(self, file);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if let Some((_, items)) = &m.content {
            for item in items {
                self.cover(item);
            }
        }
        let outer = self
            .names
            .enter(&syn::ext::IdentExt::unraw(&m.ident).to_string());
        visit::visit_item_mod(self, m);
        self.names.leave(outer);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        self.cover(item);
        visit::visit_impl_item(self, item);
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        self.cover(field);
    }

    fn visit_item_impl(&mut self, imp: &'ast syn::ItemImpl) {
        let generics: Vec<String> = imp
            .generics
            .type_params()
            .map(|p| p.ident.to_string())
            .collect();
        let self_ty = crate::semantic::items::self_type_name(&imp.self_ty)
            .map(|written| self.names.type_name(&written, &generics));
        let outer = std::mem::replace(&mut self.self_ty, self_ty);
        let outer_generics = std::mem::replace(&mut self.generics, generics);
        let outer_service = std::mem::replace(
            &mut self.service_impl,
            crate::pipeline::plan::is_service_impl(imp),
        );
        visit::visit_item_impl(self, imp);
        self.service_impl = outer_service;
        self.generics = outer_generics;
        self.self_ty = outer;
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        let outer = self
            .self_ty
            .replace(self.names.item_path(&t.ident.to_string()));
        visit::visit_item_trait(self, t);
        self.self_ty = outer;
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let outer = self.self_ty.take();
        let outer_service = std::mem::take(&mut self.service_impl);
        self.note_declared_handler(&f.sig, &f.attrs);
        self.visit_fn(&f.sig, &f.block);
        self.service_impl = outer_service;
        self.self_ty = outer;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.note_declared_handler(&f.sig, &f.attrs);
        self.visit_fn(&f.sig, &f.block);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.visit_fn(&f.sig, block);
        }
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let name = self.names.item_path(&s.ident.to_string());
        let has_condvar = s
            .fields
            .iter()
            .any(|f| self.names.ty(&f.ty).is_named("Condvar"));
        for (i, field) in s.fields.iter().enumerate() {
            let field_name = field
                .ident
                .as_ref()
                .map(|i| i.to_string())
                .unwrap_or_else(|| i.to_string());
            self.declare_field(&name, &field_name, &field.ty, has_condvar);
            self.declare_slots(DeclKey::Field(name.clone(), field_name.clone()), &field.ty);
            self.lint_decl(DeclKind::Field, &field.ty, Some(&field.vis), None);
        }
        self.declare_arc_fields(s);
        visit::visit_item_struct(self, s);
    }

    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        for field in e.variants.iter().flat_map(|v| v.fields.iter()) {
            self.lint_decl(DeclKind::Field, &field.ty, Some(&e.vis), None);
        }
        visit::visit_item_enum(self, e);
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        let key = DeclKey::Static(self.names.item_path(&s.ident.to_string()));
        self.declare_lock(key.clone(), &s.ty, false);
        self.declare_slots(key, &s.ty);
        self.lint_decl(DeclKind::Static, &s.ty, Some(&s.vis), Some(&s.expr));
        self.visit_initialiser(&s.expr);
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        self.visit_initialiser(&c.expr);
    }

    fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
        self.lint_decl(DeclKind::Alias, &t.ty, Some(&t.vis), None);
        self.declare_lock_alias(t);
    }

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        self.record_macro_names(&m.mac);
        // `macro_rules!` definitions and bodies that did not parse as items are not code we
        // can read.
    }

    fn visit_stmt_macro(&mut self, m: &'ast syn::StmtMacro) {
        self.record_macro_names(&m.mac);
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        // A block that leaves the loop (`return`, `break`) runs once per entry into the loop:
        // in the region around the loop it leaves.
        let region = self.region;
        if let Some(target) = self.exit_region(&block.stmts) {
            self.region = target;
        }
        self.with_scope(|w| w.visit_stmts(&block.stmts));
        self.region = region;
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        // Items nested in a function body are functions of their own.
        match item {
            syn::Item::Fn(_)
            | syn::Item::Impl(_)
            | syn::Item::Struct(_)
            | syn::Item::Static(_)
            | syn::Item::Const(_)
            | syn::Item::Type(_)
            | syn::Item::Mod(_)
            | syn::Item::Trait(_) => {
                self.with_function(None, |w| visit::visit_item(w, item));
            }
            // A `macro_rules!` definition, or a body that did not parse as items.
            syn::Item::Macro(m) => self.visit_item_macro(m),
            // What a function body imports is in scope for the rest of it; a module's imports
            // are the crate table's.
            syn::Item::Use(u) if self.fn_facts.is_some() => self.names.import(u),
            _ => {}
        }
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        // An update whose result is read (`fetch_sub(1, ..) == 1`) makes its atomic a state
        // word, not a counter.
        if let Expr::MethodCall(m) = expr {
            if !self.discarding
                && matches!(m.method.to_string().as_str(), "fetch_add" | "fetch_sub")
            {
                if let Some(name) = atomic_name(&m.receiver) {
                    self.out.state_words.push(name);
                }
            }
        }
        self.note_field_derefs(expr);
        if let Expr::Field(f) = expr {
            self.record_field_use(f);
        }
        let stored = std::mem::take(&mut self.storing);
        let discarded = std::mem::take(&mut self.discarding);
        let handed = self.handed.take();
        self.dropped_here = std::mem::take(&mut self.temporary) || discarded;
        self.discarded_value = discarded;
        self.visit_expr_inner(expr, stored, handed.as_ref());
        // After the operands, as they are evaluated: a temporary guard taken in a receiver
        // chain is live when the outer call runs.
        self.storing = stored;
        self.discarding = discarded;
        self.handed = handed;
        self.blocks_here = self.blocking(expr);
        if let Some((what, _)) = &self.blocks_here {
            let what = what.clone();
            self.note_blocking(expr, &what);
        }
        self.lint_expr(expr);
        self.storing = false;
        self.discarding = false;
        self.handed = None;
    }
}
