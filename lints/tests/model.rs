//! The source model through the lints' eyes: guard lifetimes (per edition), hot code through
//! callers, macro bodies, suppression comments and the parse layer's offsets.

use std::io;
use std::path::{Path, PathBuf};

use contention_lints::{CrateFiles, CrateInfo, Edition, check_files, check_source};

/// `(line, lint)` of every finding.
fn findings(text: &str) -> Vec<(usize, &'static str)> {
    check_source(text)
        .iter()
        .map(|d| (text[..d.span.start].matches('\n').count() + 1, d.lint.name))
        .collect()
}

fn findings_in(edition: Edition, text: &str) -> Vec<(usize, &'static str)> {
    let owned = text.to_owned();
    let loader = move |p: &Path| {
        if p == Path::new("lib.rs") {
            Ok(owned.clone())
        } else {
            Err(io::Error::from(io::ErrorKind::NotFound))
        }
    };
    let info = CrateInfo {
        edition,
        ..CrateInfo::default()
    };
    check_files(
        &info,
        CrateFiles::List(vec![PathBuf::from("lib.rs")]),
        &loader,
    )
    .diagnostics
    .iter()
    .map(|d| (text[..d.span.start].matches('\n').count() + 1, d.lint.name))
    .collect()
}

const CACHE: &str = "use std::sync::Mutex;\nuse std::collections::HashMap;\npub struct C { m: Mutex<HashMap<String, Vec<u8>>> }\n";

#[test]
fn bound_guard_lives_until_dropped() {
    let text = format!(
        "{CACHE}impl C {{ fn f(&self) -> Vec<u8> {{
    let g = self.m.lock().unwrap();
    let a = g.get(\"a\").cloned();
    drop(g);
    let b: Vec<u8> = Vec::new();
    let c = b.clone();
    a.unwrap_or(c)
}} }}"
    );
    assert_eq!(findings(&text), vec![(6, "clone_under_lock")]);
}

#[test]
fn bound_guard_dies_with_its_block() {
    let text = format!(
        "{CACHE}impl C {{ fn f(&self, other: &Mutex<Vec<u8>>) -> usize {{
    let n = {{
        let g = self.m.lock().unwrap();
        g.len()
    }};
    let v: Vec<u8> = vec![0; n];
    v.clone().capacity()
}} }}"
    );
    assert!(
        findings(&text)
            .iter()
            .all(|(_, lint)| *lint != "clone_under_lock"),
        "{:?}",
        findings(&text)
    );
}

#[test]
fn temporary_guard_lives_for_its_statement_only() {
    let text = format!(
        "{CACHE}impl C {{ fn f(&self) -> Option<Vec<u8>> {{
    let n = self.m.lock().unwrap().len();
    let copy = self.m.lock().unwrap().get(\"k\").cloned();
    let _ = n;
    copy
}} }}"
    );
    assert_eq!(findings(&text), vec![(6, "clone_under_lock")]);
}

#[test]
fn if_let_bindings_borrow_guarded_data_in_every_edition() {
    let text = format!(
        "{CACHE}impl C {{ fn f(&self) -> Vec<u8> {{
    if let Some(v) = self.m.lock().unwrap().get(\"k\") {{
        v.to_vec()
    }} else {{
        Vec::new()
    }}
}} }}"
    );
    for edition in [Edition::E2018, Edition::E2021, Edition::E2024] {
        assert_eq!(
            findings_in(edition, &text),
            vec![(6, "clone_under_lock")],
            "{edition:?}"
        );
    }
}

#[test]
fn hot_through_callers_names_the_chain() {
    let text = "use std::sync::Arc;
pub struct S { ctx: Arc<String> }
impl S {
    fn inner(&self) -> usize { let c = self.ctx.clone(); c.len() }
    fn middle(&self) -> usize { self.inner() }
    pub fn run(&self) -> usize { let mut t = 0; for _ in 0..1000 { t += self.middle(); } t }
}";
    let diags = check_source(text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].lint.name, "arc_clone_in_hot_loop");
    let note = diags[0].notes.last().unwrap();
    assert!(
        note.starts_with("called in a loop at source.rs:6:"),
        "{note}"
    );
    assert!(note.ends_with("via run -> middle -> inner"), "{note}");
}

#[test]
fn hot_only_through_tests_is_not_hot() {
    let text = "use std::sync::Arc;
pub struct S { ctx: Arc<String> }
impl S { fn inner(&self) -> usize { let c = self.ctx.clone(); c.len() } }
#[cfg(test)]
mod tests {
    #[test]
    fn churn() { let s = super::S { ctx: Default::default() }; for _ in 0..1000 { s.inner(); } }
}";
    assert!(findings(text).is_empty(), "{:?}", findings(text));
}

#[test]
fn task_fan_out_is_not_hot_but_a_short_thread_per_job_is() {
    let text = "use std::sync::Arc;
pub fn tasks(x: Arc<String>) {
    for _ in 0..8 { let x = Arc::clone(&x); tokio::spawn(async move { x.len(); }); }
}
pub fn threads(x: Arc<String>, jobs: &[u32]) {
    for _ in jobs { let x = Arc::clone(&x); std::thread::spawn(move || { x.len(); }); }
}";
    // Each clone is its thread's or task's ownership; the short thread per job is the finding.
    assert_eq!(findings(text), vec![(6, "thread_spawn_per_task")]);
}

#[test]
fn code_inside_macros_is_analysed_with_file_spans() {
    let text = "use std::sync::Arc;
macro_rules! cfg_rt { ($($i:item)*) => { $($i)* } }
cfg_rt! {
    pub fn f(x: &Arc<String>) { for _ in 0..1000 { println!(\"{}\", Arc::clone(x)); } }
}";
    let diags = check_source(text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        &text[diags[0].span.start..diags[0].span.end],
        "Arc::clone(x)"
    );
}

#[test]
fn allow_comments_cover_line_and_item() {
    let text = "use std::sync::Arc;
// contention:allow(arc_clone_in_hot_loop) start-up
pub fn a(x: &Arc<String>) {
    for _ in 0..1000 { let _c = Arc::clone(x); }
}
pub fn b(x: &Arc<String>) {
    for _ in 0..1000 { let _c = Arc::clone(x); } // contention:allow(all)
}
pub fn c(x: &Arc<String>) {
    // contention:allow(over_copy) names another lint
    for _ in 0..1000 { let _c = Arc::clone(x); }
}";
    assert_eq!(findings(text), vec![(11, "arc_clone_in_hot_loop")]);
}

#[test]
fn an_allow_comment_covers_a_documented_item_from_its_doc_comments() {
    let text = "use std::sync::Arc;
// contention:allow(arc_clone_in_hot_loop) start-up
/// Documented: the item starts at its doc comment.
#[inline]
pub fn a(x: &Arc<String>) {
    for _ in 0..1000 { let _c = Arc::clone(x); }
}
/// Not allowed.
pub fn b(x: &Arc<String>) {
    for _ in 0..1000 { let _c = Arc::clone(x); }
}";
    assert_eq!(findings(text), vec![(10, "arc_clone_in_hot_loop")]);
}

/// A long block is searched through an index of the names its statements use; what a `let`
/// finds in the statements after it must be what a short block's search finds.
#[test]
fn a_long_block_finds_what_a_short_one_does() {
    let case = |filler: usize, body: &str| {
        let filler: String = (0..filler)
            .map(|i| format!("        let f{i} = {i} + 1;\n"))
            .collect();
        let text = format!(
            "use std::sync::Arc;
pub fn f(text: &String, shared: &Arc<String>, out: &mut Vec<Arc<String>>, n: usize) -> usize {{
    let mut total = 0;
    for _ in 0..n {{
{}
    }}
    total
}}
fn consume(_: String) {{}}",
            body.replace("FILLER", &filler)
        );
        findings(&text)
            .into_iter()
            .map(|(_, lint)| lint)
            .collect::<Vec<_>>()
    };
    for (body, expected) in [
        // Only sliced after it: the copy is wasted.
        (
            "let copy = text.clone();\nFILLER let h = copy[n / 2..].len(); total += h;",
            vec!["over_copy"],
        ),
        // Used whole far below: the copy is needed.
        (
            "let copy = text.clone();\nFILLER let h = copy[n / 2..].len(); total += h;\nFILLER consume(copy);",
            vec![],
        ),
        // Shadowed far below by another variable of the same name: still only sliced.
        (
            "let copy = text.clone();\nFILLER let h = copy[n / 2..].len(); total += h;\nFILLER let copy = 0u8;",
            vec!["over_copy"],
        ),
        // Shadowed by a slice of itself, which is then used whole: only sliced all the same.
        (
            "let copy = text.clone();\nFILLER let copy = &copy[n / 2..]; total += copy.len();\nFILLER consume(copy.to_string());",
            vec!["over_copy"],
        ),
        // A clone kept far below is a new owner; one dropped is a bounced count.
        (
            "let kept = Arc::clone(shared);\nFILLER out.push(kept);",
            vec![],
        ),
        (
            "let dropped = Arc::clone(shared);\nFILLER drop(dropped);",
            vec!["arc_clone_in_hot_loop"],
        ),
    ] {
        for filler in [0, 40] {
            assert_eq!(
                case(filler, body),
                expected,
                "{filler} statements of filler in\n{body}"
            );
        }
    }
}

#[test]
fn spans_count_bytes_after_a_bom_and_a_shebang() {
    let text = "\u{feff}#!/usr/bin/env run-cargo-script\nuse std::sync::Arc;\nfn f(x: &Arc<u8>) { loop { let _ = Arc::clone(x); } }\n";
    let diags = check_source(text);
    assert_eq!(diags.len(), 1);
    assert_eq!(
        &text[diags[0].span.start..diags[0].span.end],
        "Arc::clone(x)"
    );
}

#[test]
fn deep_nesting_is_reported_not_a_crash() {
    let depth = 5_000;
    let text = format!(
        "fn f() -> i32 {{ {}1{} }}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    // Whether syn accepts it or not, the analysis returns.
    let _ = check_source(&text);
}

#[test]
fn a_block_that_leaves_the_loop_runs_once() {
    let text = "use std::sync::Arc;
pub fn first(x: &Arc<String>, items: &[u32]) -> Option<Arc<String>> {
    for i in items {
        if *i == 0 {
            let found = Arc::clone(x);
            return Some(found);
        }
    }
    None
}";
    assert!(findings(text).is_empty(), "{:?}", findings(text));
}

#[test]
fn an_arc_just_made_is_split_not_shared() {
    let text = "use std::sync::Arc;
pub struct Pair(Arc<u8>, Arc<u8>);
fn pair() -> Pair { let a = Arc::new(0u8); Pair(a.clone(), a) }
pub fn many() { for _ in 0..1000 { pair(); } }";
    assert!(findings(text).is_empty(), "{:?}", findings(text));
}

#[test]
fn a_lazy_adapter_closure_runs_under_the_guard_only_when_consumed_there() {
    // `map` then `collect` in one statement runs the closure under the guard: each value is
    // copied in the critical section, as `cloned().collect()` would.
    let consumed = format!(
        "{CACHE}impl C {{ fn f(&self) -> Vec<Vec<u8>> {{
    let g = self.m.lock().unwrap();
    let copies: Vec<Vec<u8>> = g.values().map(|v| v.to_vec()).collect();
    copies
}} }}"
    );
    assert_eq!(findings(&consumed), vec![(6, "clone_under_lock")]);
    // An adapter handed on unconsumed runs its closure wherever it is consumed, maybe after
    // the guard is gone.
    let handed_on = format!(
        "{CACHE}impl C {{ fn f(&self, out: &mut Vec<Box<dyn Iterator<Item = Vec<u8>>>>) {{
    let g = self.m.lock().unwrap();
    for v in g.values() {{
        out.push(Box::new(v.chunks(2).map(|pair| pair.to_vec())));
    }}
}} }}"
    );
    assert!(
        findings(&handed_on).is_empty(),
        "{:?}",
        findings(&handed_on)
    );
}

#[test]
fn a_different_arc_each_iteration_is_not_one_counter() {
    let text = "use std::sync::Arc;
pub struct Entry { key: Arc<String> }
pub fn keys(entries: &[Entry], shared: &Arc<String>) -> usize {
    let mut total = 0;
    for entry in entries {
        let key = entry.key.clone();
        let same = Arc::clone(shared);
        total += key.len() + same.len();
    }
    total
}";
    assert_eq!(findings(text), vec![(7, "arc_clone_in_hot_loop")]);
}

#[test]
fn a_stored_clone_is_a_new_owner_not_a_bounced_count() {
    let text = "use std::sync::Arc;
use std::collections::HashMap;
pub struct Node { parent: Option<Arc<String>>, name: Arc<String> }
pub fn owners(shared: &Arc<String>, nodes: &mut [Node], n: usize) -> Vec<Node> {
    let mut out = Vec::new();
    let mut by_name = HashMap::new();
    for node in nodes.iter_mut() {
        node.parent = Some(shared.clone());
        by_name.insert(node.name.clone(), Arc::clone(shared));
        let kept = Arc::clone(shared);
        out.push(Node { parent: Some(kept), name: Arc::clone(shared) });
    }
    for _ in 0..n {
        let dropped = Arc::clone(shared);
        let _ = Arc::into_raw(Arc::clone(shared));
        drop(dropped);
    }
    out
}";
    assert_eq!(findings(text), vec![(14, "arc_clone_in_hot_loop")]);
}

#[test]
fn a_closure_run_later_is_not_in_the_loop_that_makes_it() {
    let text = "use std::sync::Arc;
pub struct Router { routes: Vec<Box<dyn Fn() -> usize>> }
impl Router { fn route(&mut self, f: Box<dyn Fn() -> usize>) { self.routes.push(f) } }
pub fn build(router: &mut Router, shared: &Arc<String>, paths: &[&str]) -> usize {
    let mut total = 0;
    for _ in paths {
        let s = shared.clone();
        router.route(Box::new(move || Arc::clone(&s).len()));
        total += Some(1).map(|n| n + Arc::clone(shared).len()).unwrap_or(0);
    }
    total
}";
    // `s` is kept by the closure the router stores; the clone inside it runs per request,
    // not per loop iteration; the `Option::map` closure runs right away, in the loop.
    assert_eq!(findings(text), vec![(9, "arc_clone_in_hot_loop")]);
}

#[test]
fn spawning_one_thread_per_core_or_a_few_is_fan_out() {
    let text = "use std::sync::Arc;
const WORKERS: usize = 4;
fn serve(x: &str) -> usize { let mut n = 0; while n < x.len() { n += 1; } n }
pub fn per_core(x: Arc<String>, num_threads: usize, jobs: &[u32]) {
    for _ in 0..num_threads { let x = Arc::clone(&x); std::thread::spawn(move || { x.len(); }); }
    for _ in 0..WORKERS { let x = Arc::clone(&x); std::thread::spawn(move || { x.len(); }); }
    for _ in jobs { let x = Arc::clone(&x); std::thread::spawn(move || serve(&x)); }
    (0..num_threads).map(|_| { let x = Arc::clone(&x); std::thread::spawn(move || x.len()) }).count();
    for _ in jobs { let x = Arc::clone(&x); std::thread::spawn(move || { x.len(); }); }
}";
    assert_eq!(findings(text), vec![(9, "thread_spawn_per_task")]);
}

#[test]
fn builder_steps_are_not_hot_through_callers() {
    let text = "use std::sync::Arc;
pub struct Server { config: Arc<String>, seen: usize }
impl Server {
    pub fn listen(mut self, _addr: &str) -> std::io::Result<Self> {
        let cfg = Arc::clone(&self.config);
        self.seen += cfg.len();
        Ok(self)
    }
    pub fn bind(mut self, addrs: &[&str]) -> std::io::Result<Self> {
        for addr in addrs { self = self.listen(addr)?; }
        Ok(self)
    }
}";
    assert_eq!(findings(text), vec![]);
}

#[test]
fn a_module_path_call_resolves_in_that_module_only() {
    let text = "use std::sync::Arc;
mod worker { pub fn run(x: &std::sync::Arc<String>) -> usize { std::sync::Arc::clone(x).len() } }
mod sys { pub fn run(x: &std::sync::Arc<String>) -> usize { x.len() } }
pub fn drive(x: &Arc<String>, jobs: &[u32]) -> usize {
    let mut n = 0;
    for _ in jobs { n += sys::run(x); }
    n
}";
    assert_eq!(findings(text), vec![]);
    let called = text.replace("sys::run(x)", "worker::run(x)");
    assert_eq!(findings(&called), vec![(2, "arc_clone_in_hot_loop")]);
}

#[test]
fn a_parameter_passed_anew_each_iteration_is_a_different_arc() {
    let text = "use std::sync::Arc;
pub struct Entry { key: Arc<String> }
fn keep(key: &Arc<String>) -> usize { Arc::clone(key).len() }
fn relay(key: &Arc<String>) -> usize { keep(key) }
pub fn scan(entries: &[Entry]) -> usize {
    let mut n = 0;
    for e in entries { let k = &e.key; n += keep(k) + relay(k); }
    n
}";
    assert_eq!(findings(text), vec![]);
    let same = format!(
        "{text}\npub fn again(shared: &Arc<String>, jobs: &[u32]) -> usize {{ let mut n = 0; for _ in jobs {{ n += relay(shared); }} n }}"
    );
    assert_eq!(findings(&same), vec![(3, "arc_clone_in_hot_loop")]);
}

#[test]
fn an_edition_2015_file_that_does_not_parse_says_why_it_may_not() {
    let text = "trait Hash { fn hash_word(&mut self, Self); }";
    let loader = move |p: &Path| {
        if p == Path::new("lib.rs") {
            Ok(text.to_owned())
        } else {
            Err(io::Error::from(io::ErrorKind::NotFound))
        }
    };
    let notes = |edition| {
        let info = CrateInfo {
            edition,
            ..CrateInfo::default()
        };
        let report = check_files(
            &info,
            CrateFiles::List(vec![PathBuf::from("lib.rs")]),
            &loader,
        );
        assert_eq!(report.diagnostics[0].lint.name, "parse_error");
        report.diagnostics[0].notes.join("\n")
    };
    assert!(notes(Edition::E2015).contains("edition 2015"));
    assert!(!notes(Edition::E2021).contains("edition 2015"));
}

#[test]
fn a_copy_only_viewed_is_fixed_for_certain_only_through_slice_methods() {
    let text = "pub fn n(data: &[u8]) -> usize { data.to_vec().len() }
pub fn same(data: &[u8]) -> bool { data.to_vec().as_slice() == [1u8] }
";
    let found: Vec<(usize, Option<contention_lints::Applicability>)> = check_source(text)
        .iter()
        .map(|d| {
            let line = text[..d.span.start].matches('\n').count() + 1;
            (line, d.suggestion.as_ref().map(|s| s.applicability))
        })
        .collect();
    // `[u8]` has `len` but no `as_slice`: only the first rewrite is certain to compile.
    assert_eq!(
        found,
        vec![
            (1, Some(contention_lints::Applicability::MachineApplicable)),
            (2, Some(contention_lints::Applicability::MaybeIncorrect)),
        ]
    );
}

/// The iterations a call a finding's cost is multiplied by: the product of the bounds of every
/// loop around it, when the source spells each one, and nothing when one of them is not.
#[test]
fn loop_bounds_the_source_spells_multiply_into_iterations_a_call() {
    let text = "use std::sync::Arc;
const N: usize = 250;
pub struct Ctx { pub n: usize }
pub fn literal(s: &Arc<Ctx>) { for _ in 0..1000 { let c = Arc::clone(s); drop(c); } }
pub fn constant(s: &Arc<Ctx>) { for _ in 1..=N { let c = Arc::clone(s); drop(c); } }
pub fn bound(s: &Arc<Ctx>) { let rounds = 400; for _ in 0..rounds { let c = Arc::clone(s); drop(c); } }
pub fn nested(s: &Arc<Ctx>) { for _ in 0..100 { for _ in [1, 2, 3] { let c = Arc::clone(s); drop(c); } } }
pub fn adapters(s: &Arc<Ctx>) -> usize { (0..1000).step_by(10).map(|_| Arc::clone(s).n).sum() }
pub fn taken(s: &Arc<Ctx>) -> usize { (0..N).take(100).map(|_| Arc::clone(s).n).sum() }
pub fn param(s: &Arc<Ctx>, n: usize) { for _ in 0..n { let c = Arc::clone(s); drop(c); } }
pub fn unbounded_outside(s: &Arc<Ctx>) { loop { for _ in 0..1000 { let c = Arc::clone(s); drop(c); } } }
pub fn while_loop(s: &Arc<Ctx>, mut n: usize) { while n > 0 { let c = Arc::clone(s); drop(c); n -= 1; } }
";
    let found: Vec<(usize, Option<u64>)> = check_source(text)
        .iter()
        .filter(|d| d.lint.name == "arc_clone_in_hot_loop")
        .map(|d| {
            let line = text[..d.span.start].matches('\n').count() + 1;
            let cost = d.cost.as_ref().expect("an Arc clone's cost has a model");
            assert_eq!(cost.per, contention_lints::Per::Iteration, "line {line}");
            (line, cost.iterations)
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (4, Some(1000)),
            (5, Some(250)),
            (6, Some(400)),
            (7, Some(300)),
            (8, Some(100)),
            (9, Some(100)),
            (10, None),
            (11, None),
            (12, None),
        ]
    );
}

/// `(line, lint, the suggestion's applicability)` of every finding of `lint`.
fn fixes_of(text: &str, lint: &str) -> Vec<(usize, Option<contention_lints::Applicability>)> {
    check_source(text)
        .iter()
        .filter(|d| d.lint.name == lint)
        .map(|d| {
            let line = text[..d.span.start].matches('\n').count() + 1;
            (line, d.suggestion.as_ref().map(|s| s.applicability))
        })
        .collect()
}

/// A lock handed to a crate function's `&Mutex<u64>` parameter is rewritten with the function;
/// a parameter that is also handed another lock keeps both declarations from a fix.
#[test]
fn a_parameter_is_rewritten_with_the_only_lock_it_is_handed() {
    let text = "use std::sync::Mutex;
pub struct One { hits: Mutex<u64> }
impl One { pub fn hit(&self) { bump(&self.hits); } }
fn bump(c: &Mutex<u64>) { *c.lock().unwrap() += 1; }
pub struct Two { a: Mutex<u64>, b: Mutex<u64> }
impl Two {
    pub fn hit(&self) { add(&self.a); add(&self.b); }
}
fn add(c: &Mutex<u64>) { *c.lock().unwrap() += 1; }
";
    let certain = Some(contention_lints::Applicability::MachineApplicable);
    assert_eq!(
        fixes_of(text, "mutex_scalar"),
        vec![(2, certain), (5, None), (5, None)]
    );
}

/// `read_mostly_rwlock`'s fix is `ArcSwap`, offered only in a crate that already uses it.
#[test]
fn the_arc_swap_fix_needs_a_crate_that_uses_arc_swap() {
    let shape = "use std::sync::{Arc, RwLock};
use std::thread;
pub struct Config { pub timeout: u64 }
pub fn serve(configs: Vec<Config>, workers: usize) {
    let config = Arc::new(RwLock::new(Config { timeout: 1 }));
    for _ in 0..workers {
        let config = Arc::clone(&config);
        thread::spawn(move || loop {
            if config.read().unwrap().timeout == 0 {
                break;
            }
        });
    }
    for next in configs {
        *config.write().unwrap() = next;
    }
}
";
    assert_eq!(fixes_of(shape, "read_mostly_rwlock"), vec![(5, None)]);
    let with_arc_swap =
        format!("{shape}pub struct Routes {{ table: arc_swap::ArcSwap<Vec<u64>> }}\n");
    assert_eq!(
        fixes_of(&with_arc_swap, "read_mostly_rwlock"),
        vec![(5, Some(contention_lints::Applicability::MaybeIncorrect))]
    );
}

/// `single_lock_map`'s fix is `DashMap`, offered only in a crate that already uses it, and only
/// when every use has the same meaning on a `DashMap`.
#[test]
fn the_dashmap_fix_needs_a_crate_that_uses_dashmap_and_uses_it_has() {
    let shape = "use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread;
pub fn count(words: Vec<String>, workers: usize) -> usize {
    let counts = Arc::new(Mutex::new(HashMap::new()));
    for _ in 0..workers {
        let counts = Arc::clone(&counts);
        let words = words.clone();
        thread::spawn(move || {
            for word in words {
                *counts.lock().unwrap().entry(word).or_insert(0u64) += 1;
            }
        });
    }
    counts.lock().unwrap().len()
}
pub fn listed(words: Vec<String>, workers: usize) -> Vec<String> {
    let counts = Arc::new(Mutex::new(HashMap::new()));
    for _ in 0..workers {
        let counts = Arc::clone(&counts);
        let words = words.clone();
        thread::spawn(move || {
            for word in words {
                *counts.lock().unwrap().entry(word).or_insert(0u64) += 1;
            }
        });
    }
    let names = counts.lock().unwrap().keys().cloned().collect();
    names
}
";
    assert_eq!(
        fixes_of(shape, "single_lock_map"),
        vec![(5, None), (18, None)]
    );
    let with_dashmap = format!("{shape}pub struct Seen {{ ids: dashmap::DashMap<u64, u64> }}\n");
    // `keys()` has no `DashMap` twin with the same meaning: that map keeps its finding unfixed.
    assert_eq!(
        fixes_of(&with_dashmap, "single_lock_map"),
        vec![
            (5, Some(contention_lints::Applicability::MaybeIncorrect)),
            (18, None)
        ]
    );
}

/// A map of a service's state, written per key by `put`: the handler shapes below decide
/// whether several threads write it.
const SERVICE: &str = "use std::collections::HashMap;
use std::sync::Mutex;
pub struct Store { kv: Mutex<HashMap<String, Vec<u8>>> }
";

#[test]
fn a_route_attribute_makes_an_async_fn_a_per_request_handler() {
    let routed = format!(
        "{SERVICE}#[post(\"/put\")]
async fn put(store: Data<Store>, key: String) {{
    store.kv.lock().unwrap().insert(key, Vec::new());
}}
"
    );
    assert_eq!(findings(&routed), vec![(3, "single_lock_map")]);
    // The same function without the attribute: nothing says who calls it.
    let plain = routed.replace("#[post(\"/put\")]\n", "");
    assert_eq!(findings(&plain), vec![]);
}

#[test]
fn a_grpc_service_impl_serves_each_method_per_request() {
    let service = format!(
        "{SERVICE}#[tonic::async_trait]
impl Kv for Store {{
    async fn put(&self, key: String, value: Vec<u8>) -> Result<(), Status> {{
        self.kv.lock().unwrap().insert(key, value);
        Ok(())
    }}
}}
"
    );
    assert_eq!(findings(&service), vec![(3, "single_lock_map")]);
    // Another crate's `async_trait` is not a server: an async trait is not a service by itself.
    let other = service.replace("#[tonic::async_trait]", "#[async_trait::async_trait]");
    assert_eq!(findings(&other), vec![]);
}
