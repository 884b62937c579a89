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
    pub fn run(&self) -> usize { let mut t = 0; for _ in 0..10 { t += self.middle(); } t }
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
    fn churn() { let s = super::S { ctx: Default::default() }; for _ in 0..10 { s.inner(); } }
}";
    assert!(findings(text).is_empty(), "{:?}", findings(text));
}

#[test]
fn task_fan_out_is_not_hot_but_short_threads_are() {
    let text = "use std::sync::Arc;
pub fn tasks(x: Arc<String>) {
    for _ in 0..8 { let x = Arc::clone(&x); tokio::spawn(async move { x.len(); }); }
}
pub fn threads(x: Arc<String>) {
    for _ in 0..8 { let x = Arc::clone(&x); std::thread::spawn(move || { x.len(); }); }
}";
    assert_eq!(findings(text), vec![(6, "arc_clone_in_hot_loop")]);
}

#[test]
fn code_inside_macros_is_analysed_with_file_spans() {
    let text = "use std::sync::Arc;
macro_rules! cfg_rt { ($($i:item)*) => { $($i)* } }
cfg_rt! {
    pub fn f(x: &Arc<String>) { for _ in 0..3 { println!(\"{}\", Arc::clone(x)); } }
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
    for _ in 0..3 { let _c = Arc::clone(x); }
}
pub fn b(x: &Arc<String>) {
    for _ in 0..3 { let _c = Arc::clone(x); } // contention:allow(all)
}
pub fn c(x: &Arc<String>) {
    // contention:allow(over_copy) names another lint
    for _ in 0..3 { let _c = Arc::clone(x); }
}";
    assert_eq!(findings(text), vec![(11, "arc_clone_in_hot_loop")]);
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
pub fn many() { for _ in 0..10 { pair(); } }";
    assert!(findings(text).is_empty(), "{:?}", findings(text));
}

#[test]
fn a_lazy_adapter_closure_does_not_run_under_the_guard() {
    let text = format!(
        "{CACHE}impl C {{ fn f(&self) -> Vec<Vec<u8>> {{
    let g = self.m.lock().unwrap();
    let lazy: Vec<Vec<u8>> = g.values().map(|v| v.to_vec()).collect();
    lazy
}} }}"
    );
    // `map` then `collect` in one statement does run under the guard, but the closure alone
    // cannot tell; only consuming adapters and `cloned()` are trusted.
    assert!(findings(&text).is_empty(), "{:?}", findings(&text));
}

#[test]
fn a_different_arc_each_iteration_is_not_one_counter() {
    let text = "use std::sync::Arc;
pub struct Entry { key: Arc<String> }
pub fn keys(entries: &[Entry], shared: &Arc<String>) -> Vec<Arc<String>> {
    let mut out = Vec::new();
    for entry in entries {
        out.push(entry.key.clone());
        out.push(Arc::clone(shared));
    }
    out
}";
    assert_eq!(findings(text), vec![(7, "arc_clone_in_hot_loop")]);
}
