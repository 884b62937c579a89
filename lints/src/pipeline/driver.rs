//! Runs the analysis of one crate over a thread pool.
//!
//! syn's ASTs are not `Send` and proc-macro2's span locations live in a per-thread source map,
//! so a file is parsed, studied and dropped on one thread. Phase one: every pool thread takes
//! files from a shared queue, reads them and has the caller's `study` parse their items (or
//! recall them from a cache), follows their `mod` items and keeps the facts the crate-wide
//! model needs. Files are then numbered in path order, so that the numbering does not depend on
//! which thread got where first. The caller builds the crate model from all facts. Phase two:
//! every thread lints the ASTs it holds and drops them, then the threads share out the other
//! files the caller asks for, and read, lint and drop each in turn. Only facts and findings
//! ever cross threads.
//!
//! An AST takes 35 to 40 times the memory of its text, so no tree outlives its file's turn:
//! phase one parses items and signatures only (see `parse::parse_file_items`) and leaves a
//! plan of the items to walk (see `plan`); phase two parses each of those items on its own,
//! function bodies included, so that a body is parsed once. A large file of generated code is
//! mostly items, which phase two would parse again: such a file is parsed whole in phase one
//! and its AST held, up to [`HELD_TEXT_BUDGET`] bytes of text per analysis.

use std::cell::RefCell;
use std::collections::VecDeque;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

use crate::diagnostic::{Diagnostic, Label, Span};
use crate::pipeline::parse::{self, ModDecl, Parsed};
use crate::rules::parse_error::PARSE_ERROR;
use crate::{CrateFiles, Reach, SourceFile, SourceLoader};

/// Stack size of the analysis threads: syn's parser and the visitors recurse once per nesting
/// level, and generated code nests deeply. The memory is reserved, not committed.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Source text whose ASTs one analysis holds between its two phases: only large item-heavy files
/// (see `parse::WHOLE_ITEMS_MIN`) are held, so this is some 450 MB of ASTs of generated code.
const HELD_TEXT_BUDGET: usize = 12 << 20;

pub(crate) fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("contention-{i}"))
            .stack_size(STACK_SIZE)
            .build()
            .expect("the analysis thread pool starts")
    })
}

/// What phase one learns of one file, by parsing it or from a cache.
pub(crate) struct Study<F> {
    /// What the crate-wide model needs of the file.
    pub(crate) facts: F,
    /// The file's `mod name;` items, followed when the crate is a module tree.
    pub(crate) decls: Vec<ModDecl>,
    /// Findings about the file itself (it does not parse).
    pub(crate) findings: Vec<Diagnostic>,
    /// The whole AST and the offset of its spans in the text, when phase one parsed the file
    /// whole and was allowed to keep it.
    pub(crate) ast: Option<(syn::File, usize)>,
}

/// A whole AST held by the thread that parsed it, between the two phases.
struct HeldFile {
    /// The file's number in discovery order (see [`Held::number`]).
    index: usize,
    ast: syn::File,
    /// Offset of syn's spans in the file's text.
    base: usize,
}

thread_local! {
    /// Whole ASTs parsed on this thread in phase one, by analysis.
    static HELD: RefCell<HashMap<u64, Vec<HeldFile>>> = RefCell::new(HashMap::default());
}

/// Whether a file's child modules live beside it (`lib.rs`, `main.rs`, `mod.rs`, other crate
/// roots and `#[path]` files) or in a directory named after it (`foo.rs` -> `foo/`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ownership {
    Beside,
    OwnDirectory,
}

struct Job {
    /// Files to try in order, each with where its own child modules live; the first that
    /// exists is the module's file.
    candidates: Vec<(PathBuf, Ownership)>,
    /// The `mod` item that led here: (file index, span, module name).
    origin: Option<(usize, Span, String)>,
    /// The root's position in the crate's list, for a root.
    root: Option<usize>,
    /// The `mod` item that led here is compiled only for tests.
    test_only: bool,
    /// The module's path below the declaring file's module: its inline parents and its name.
    module: Vec<String>,
}

/// A step of the module tree: a root or a file declares a module whose file is `to`.
struct Edge {
    /// The declaring file, or the root's position for a root.
    from: Result<usize, usize>,
    to: usize,
    test_only: bool,
    /// The module's path below the declaring file's module.
    module: Vec<String>,
}

struct Queue {
    pending: VecDeque<Job>,
    busy: usize,
    /// Every file reached, by its normalised path, with its number in discovery order.
    seen: HashMap<PathBuf, usize>,
    /// How the files were reached, a file reached twice included.
    edges: Vec<Edge>,
    files: Vec<SourceFile>,
    findings: Vec<Diagnostic>,
    /// Bytes of text whose ASTs the pool's threads hold (or may hold) for this analysis.
    held_text: usize,
    /// Files whose ASTs are held, by number in discovery order.
    held: Vec<usize>,
}

/// What phase one produced. Files are numbered in the order of their paths.
pub(crate) struct Discovered<F> {
    pub(crate) files: Vec<SourceFile>,
    pub(crate) findings: Vec<Diagnostic>,
    /// Facts of each file that could be read, by file number, in that order.
    pub(crate) facts: Vec<(usize, F)>,
    /// How each file is reached from the roots, by file number.
    pub(crate) reach: Vec<Vec<Reach>>,
    /// Each file's module path (`crate::server`; a root other than the library's is `crate#N`),
    /// by file number.
    pub(crate) modules: Vec<String>,
}

/// A handle on the ASTs held by the pool's threads for one analysis.
pub(crate) struct Held {
    id: u64,
    /// The number of each file (in path order) by its number in discovery order.
    number: Vec<usize>,
    /// Files whose ASTs are held, by number in path order.
    files: HashSet<usize>,
}

/// Parses a file's items and studies them with `extract`; a file that does not parse (or nests
/// too deeply to) gets a finding instead. With `may_hold`, a large item-heavy file is parsed
/// whole and its AST returned to be held for phase two; any other AST is dropped here.
pub(crate) fn parse_and_study<F>(
    index: usize,
    text: &str,
    may_hold: bool,
    extract: impl FnOnce(&syn::File, usize) -> F,
    unparsed: F,
) -> Study<F> {
    let (parsed, base, whole) = parse::parse_file_items(text, may_hold);
    match parsed {
        Parsed::Ast(ast) => Study {
            facts: extract(&ast, base),
            decls: parse::module_decls(&ast, base),
            findings: Vec::new(),
            ast: (may_hold && whole).then_some((ast, base)),
        },
        failed => Study {
            facts: unparsed,
            decls: Vec::new(),
            findings: unparsed_finding(index, failed).into_iter().collect(),
            ast: None,
        },
    }
}

/// The finding for a file that did not parse.
pub(crate) fn unparsed_finding(index: usize, parsed: Parsed) -> Option<Diagnostic> {
    Some(match parsed {
        Parsed::Ast(_) => return None,
        Parsed::TooDeep(span) => Diagnostic::new(
            &PARSE_ERROR,
            index,
            span,
            format!(
                "this file nests too deeply to analyse: more than {} levels",
                parse::MAX_NESTING
            ),
        )
        .with_label(format!("more than {} levels deep here", parse::MAX_NESTING))
        .with_note(
            "the parser recurses once per level and could run out of stack; the rest of the \
             crate is still analysed, this file is not",
        ),
        Parsed::ParseError(failure) => Diagnostic::new(
            &PARSE_ERROR,
            index,
            failure.span,
            format!("this file does not parse: {}", failure.message),
        )
        .with_label(failure.message)
        .with_note("the rest of the crate is still analysed; this file is not"),
    })
}

/// The study of a file: its number in discovery order, its path, its text and whether it may
/// return a whole AST to hold.
pub(crate) type StudyFn<'a, F> = dyn Fn(usize, &Path, &str, bool) -> Study<F> + Sync + 'a;

/// Phase one: discover and read every file, and study each with `study`.
pub(crate) fn discover<F: Send>(
    files: CrateFiles,
    library: Option<&Path>,
    loader: &dyn SourceLoader,
    study: &StudyFn<'_, F>,
) -> (Discovered<F>, Held) {
    discover_within(files, library, loader, study, HELD_TEXT_BUDGET)
}

/// [`discover`], holding the ASTs of at most `budget` bytes of text.
fn discover_within<F: Send>(
    files: CrateFiles,
    library: Option<&Path>,
    loader: &dyn SourceLoader,
    study: &StudyFn<'_, F>,
    budget: usize,
) -> (Discovered<F>, Held) {
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let (roots, follow) = match files {
        CrateFiles::ModuleTree(roots) => (roots, true),
        CrateFiles::List(list) => (list, false),
    };
    // The library's root is the crate (`crate::..`); every other root a crate of its own.
    let library = library
        .map(normalise)
        .or_else(|| roots.first().map(|r| normalise(r)));
    let roots_named: Vec<String> = roots
        .iter()
        .enumerate()
        .map(|(i, root)| {
            if Some(normalise(root)) == library {
                "crate".to_owned()
            } else {
                format!("crate#{i}")
            }
        })
        .collect();
    let queue = Mutex::new(Queue {
        pending: roots
            .into_iter()
            .enumerate()
            .map(|(position, root)| Job {
                candidates: vec![(root, Ownership::Beside)],
                origin: None,
                root: Some(position),
                test_only: false,
                module: Vec::new(),
            })
            .collect(),
        busy: 0,
        seen: HashMap::default(),
        edges: Vec::new(),
        files: Vec::new(),
        findings: Vec::new(),
        held_text: 0,
        held: Vec::new(),
    });
    let wake = Condvar::new();
    let facts = pool().broadcast(|_| {
        let mut facts = Vec::new();
        while let Some(job) = next_job(&queue, &wake) {
            let extracted = run_job(id, job, follow, loader, &queue, study, budget);
            if let Some(fact) = extracted {
                facts.push(fact);
            }
            let mut q = queue.lock().expect("queue lock");
            q.busy -= 1;
            wake.notify_all();
        }
        facts
    });
    let queue = queue.into_inner().expect("queue lock");
    // Number the files in path order.
    let mut order: Vec<usize> = (0..queue.files.len()).collect();
    order.sort_by_cached_key(|&i| normalise(&queue.files[i].path));
    let mut number = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        number[old] = new;
    }
    let mut files: Vec<Option<SourceFile>> = queue.files.into_iter().map(Some).collect();
    let files = order
        .iter()
        .map(|&old| files[old].take().expect("each file is numbered once"))
        .collect();
    let mut findings = queue.findings;
    for finding in &mut findings {
        renumber(finding, &number);
    }
    let mut facts: Vec<(usize, F)> = facts
        .into_iter()
        .flatten()
        .map(|(old, fact)| (number[old], fact))
        .collect();
    facts.sort_by_key(|(index, _)| *index);
    let reach = reach(&queue.edges, &number);
    let modules = module_paths(&queue.edges, &number, &roots_named);
    (
        Discovered {
            files,
            findings,
            facts,
            reach,
            modules,
        },
        Held {
            id,
            files: queue.held.iter().map(|&old| number[old]).collect(),
            number,
        },
    )
}

/// How each file (by number in path order) is reached from the roots: for every root that
/// reaches it, whether only through test-only modules.
fn reach(edges: &[Edge], number: &[usize]) -> Vec<Vec<Reach>> {
    let mut reach: Vec<Vec<Reach>> = vec![Vec::new(); number.len()];
    let mut children: Vec<Vec<(usize, bool)>> = vec![Vec::new(); number.len()];
    let mut work = Vec::new();
    for edge in edges {
        let to = number[edge.to];
        match edge.from {
            Ok(parent) => children[number[parent]].push((to, edge.test_only)),
            Err(root) => work.push((
                to,
                Reach {
                    root,
                    test_only: edge.test_only,
                },
            )),
        }
    }
    // A file is test code for a root only when every way there passes a test-only module.
    while let Some((file, new)) = work.pop() {
        match reach[file].iter_mut().find(|r| r.root == new.root) {
            Some(known) if known.test_only && !new.test_only => known.test_only = false,
            Some(_) => continue,
            None => reach[file].push(new),
        }
        for &(child, test_only) in &children[file] {
            work.push((
                child,
                Reach {
                    root: new.root,
                    test_only: new.test_only || test_only,
                },
            ));
        }
    }
    for roots in &mut reach {
        roots.sort_by_key(|r| r.root);
    }
    reach
}

/// Each file's module path (by number in path order): its root's name, then the modules that
/// lead to it, by the first way there.
fn module_paths(edges: &[Edge], number: &[usize], roots: &[String]) -> Vec<String> {
    let mut modules: Vec<Option<String>> = vec![None; number.len()];
    let mut children: Vec<Vec<(usize, &[String])>> = vec![Vec::new(); number.len()];
    let mut work = std::collections::VecDeque::new();
    for edge in edges {
        let to = number[edge.to];
        match edge.from {
            Ok(parent) => children[number[parent]].push((to, &edge.module)),
            Err(root) => work.push_back((to, roots[root].clone())),
        }
    }
    while let Some((file, path)) = work.pop_front() {
        if modules[file].is_some() {
            continue;
        }
        for &(child, module) in &children[file] {
            let mut child_path = path.clone();
            for segment in module {
                child_path.push_str("::");
                child_path.push_str(segment);
            }
            work.push_back((child, child_path));
        }
        modules[file] = Some(path);
    }
    modules
        .into_iter()
        .enumerate()
        .map(|(i, m)| m.unwrap_or_else(|| format!("crate#file{i}")))
        .collect()
}

/// Gives a finding of phase one the files' numbers in path order.
fn renumber(finding: &mut Diagnostic, number: &[usize]) {
    finding.file = number[finding.file];
    for Label { file, .. } in &mut finding.labels {
        *file = number[*file];
    }
}

fn next_job(queue: &Mutex<Queue>, wake: &Condvar) -> Option<Job> {
    let mut q = queue.lock().expect("queue lock");
    loop {
        if let Some(job) = q.pending.pop_front() {
            q.busy += 1;
            return Some(job);
        }
        if q.busy == 0 {
            return None;
        }
        q = wake.wait(q).expect("queue lock");
    }
}

/// Reads and studies one file; enqueues its child modules.
fn run_job<F>(
    id: u64,
    job: Job,
    follow: bool,
    loader: &dyn SourceLoader,
    queue: &Mutex<Queue>,
    study: &StudyFn<'_, F>,
    budget: usize,
) -> Option<(usize, F)> {
    let mut read = None;
    for (candidate, ownership) in &job.candidates {
        match loader.load(candidate) {
            Err(e) if e.kind() == io::ErrorKind::NotFound && job.origin.is_some() => continue,
            result => {
                read = Some((candidate.clone(), *ownership, result));
                break;
            }
        }
    }
    let Some((path, declared, result)) = read else {
        let (parent, span, name) = job.origin.expect("only module jobs fall through");
        let tried: Vec<String> = job
            .candidates
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        let finding = Diagnostic::new(
            &PARSE_ERROR,
            parent,
            span,
            format!("file not found for module `{name}`"),
        )
        .with_label("no file for this module")
        .with_note(format!("looked for {}", tried.join(" and ")));
        queue.lock().expect("queue lock").findings.push(finding);
        return None;
    };
    let ownership = ownership_of(&path, declared);
    // Register the file, or find that it was already reached another way.
    let index = {
        let mut q = queue.lock().expect("queue lock");
        let from = match (&job.origin, job.root) {
            (Some((parent, _, _)), _) => Ok(*parent),
            (None, root) => Err(root.expect("a job without an origin is a root")),
        };
        let test_only = job.test_only;
        let next = q.files.len();
        let index = *q.seen.entry(normalise(&path)).or_insert(next);
        q.edges.push(Edge {
            from,
            to: index,
            test_only,
            module: job.module.clone(),
        });
        if index != next {
            return None;
        }
        q.files.push(SourceFile {
            path: path.clone(),
            text: String::new(),
        });
        index
    };
    let text = match result {
        Err(error) => {
            let reason = match error.kind() {
                io::ErrorKind::InvalidData => "the file is not valid UTF-8".to_owned(),
                _ => error.to_string(),
            };
            let finding = Diagnostic::new(
                &PARSE_ERROR,
                index,
                Span { start: 0, end: 0 },
                format!("this file could not be read: {reason}"),
            )
            .with_label(reason);
            queue.lock().expect("queue lock").findings.push(finding);
            return None;
        }
        Ok(text) => text,
    };
    // Room in the budget is taken before the parse, so that the threads never hold more.
    let may_hold = text.len() >= parse::WHOLE_ITEMS_MIN && {
        let mut q = queue.lock().expect("queue lock");
        let fits = q.held_text + text.len() <= budget;
        if fits {
            q.held_text += text.len();
        }
        fits
    };
    let Study {
        facts,
        decls,
        findings,
        ast,
    } = study(index, &path, &text, may_hold);
    let held = ast.is_some();
    match ast {
        Some((ast, base)) => HELD.with(|held| {
            held.borrow_mut()
                .entry(id)
                .or_default()
                .push(HeldFile { index, ast, base })
        }),
        None => {
            if may_hold {
                queue.lock().expect("queue lock").held_text -= text.len();
            }
            release_spans_if_idle();
        }
    }
    let children: Vec<Job> = if follow {
        decls
            .iter()
            .map(|decl| child_job(&path, ownership, decl, index, decl.span))
            .collect()
    } else {
        Vec::new()
    };
    let mut q = queue.lock().expect("queue lock");
    if held {
        q.held.push(index);
    }
    q.files[index].text = text;
    q.findings.extend(findings);
    q.pending.extend(children);
    Some((index, facts))
}

/// The files a `mod` declaration may live in, per the Rust reference's rules for `mod.rs` and
/// non-`mod.rs` files, inline modules and `#[path]`.
fn child_job(parent: &Path, ownership: Ownership, decl: &ModDecl, index: usize, span: Span) -> Job {
    let dir = parent.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut base = match ownership {
        Ownership::Beside => dir.clone(),
        Ownership::OwnDirectory => {
            let stem = parent.file_stem().unwrap_or_default();
            dir.join(stem)
        }
    };
    for (name, path_attr) in &decl.inline_parents {
        base.push(path_attr.as_deref().unwrap_or(name));
    }
    // Outside inline modules a `#[path]` is relative to the declaring file's directory.
    let path_base = if decl.inline_parents.is_empty() {
        &dir
    } else {
        &base
    };
    // A `#[cfg_attr(.., path = "..")]` file first (one configuration's), then the module's own.
    let mut candidates: Vec<(PathBuf, Ownership)> = decl
        .cfg_paths
        .iter()
        .map(|path| (path_base.join(path), Ownership::Beside))
        .collect();
    match &decl.path_attr {
        Some(path) => candidates.push((path_base.join(path), Ownership::Beside)),
        None => candidates.extend([
            (
                base.join(format!("{}.rs", decl.name)),
                Ownership::OwnDirectory,
            ),
            (
                base.join(&decl.name).join("mod.rs"),
                Ownership::OwnDirectory,
            ),
        ]),
    }
    Job {
        candidates,
        origin: Some((index, span, decl.name.clone())),
        root: None,
        test_only: decl.test_only,
        module: decl
            .inline_parents
            .iter()
            .map(|(name, _)| name.clone())
            .chain(std::iter::once(decl.name.clone()))
            .collect(),
    }
}

/// `mod.rs` files own their directory like crate roots do.
fn ownership_of(path: &Path, declared: Ownership) -> Ownership {
    if path.file_name().is_some_and(|n| n == "mod.rs") {
        Ownership::Beside
    } else {
        declared
    }
}

/// Removes `.` and `a/..` without touching the file system, so that one file reached by two
/// paths is seen once (and shown as `src/y.rs`, not `src/x/../y.rs`).
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// What phase two does with a file: its number, and the whole AST phase one held with the
/// offset of its spans, or `None` for a file to parse (which the callback does, on the pool's
/// thread that calls it).
pub(crate) type LintFn<'a, T> = dyn Fn(usize, Option<(&syn::File, usize)>) -> T + Sync + 'a;

/// Phase two: every thread lints the ASTs it holds and drops them; then the threads share out
/// the other files numbered in `indices` and have `lint` parse and lint each in turn. `files`
/// are the files in path order, as [`Discovered`] has them; every held file must be among
/// `indices`.
pub(crate) fn lint_files<T: Send>(held: Held, indices: &[usize], lint: &LintFn<'_, T>) -> Vec<T> {
    let Held {
        id,
        number,
        files: held_files,
    } = held;
    let to_parse: Vec<usize> = indices
        .iter()
        .copied()
        .filter(|index| !held_files.contains(index))
        .collect();
    let next = AtomicUsize::new(0);
    let per_thread = pool().broadcast(|_| {
        let held = HELD
            .with(|h| h.borrow_mut().remove(&id))
            .unwrap_or_default();
        let mut out = Vec::new();
        for file in held {
            out.push(lint(number[file.index], Some((&file.ast, file.base))));
        }
        release_spans_if_idle();
        while let Some(&index) = to_parse.get(next.fetch_add(1, Ordering::Relaxed)) {
            out.push(lint(index, None));
            release_spans_if_idle();
        }
        out
    });
    per_thread.into_iter().flatten().collect()
}

/// Frees proc-macro2's source map of this thread (a copy of the text of every file parsed on it)
/// once no AST on it is held any longer, by this analysis or another.
fn release_spans_if_idle() {
    if HELD.with(|h| h.borrow().is_empty()) {
        proc_macro2::extra::invalidate_current_thread_spans();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What one run saw: the facts (file stem, items) of phase one by file number, what phase
    /// two's lint saw of each file (file number, items, offset of the first item), the files'
    /// paths in their numbering, and how many ASTs phase one held.
    struct Seen {
        facts: Vec<(usize, (usize, usize))>,
        linted: Vec<(usize, usize, usize)>,
        paths: Vec<PathBuf>,
        held: usize,
    }

    /// Twelve files, some of them code, some large tables of constants.
    fn items_per_file(budget: usize) -> Seen {
        let texts: Vec<String> = (0..12)
            .map(|i| {
                let items = if i % 2 == 0 {
                    "fn f() { g(); }\n".repeat(i + 1)
                } else {
                    "pub const C: u64 = 1;\n".repeat(parse::WHOLE_ITEMS_MIN / 20 + i)
                };
                format!("\u{feff}// file {i}\n{items}")
            })
            .collect();
        let paths: Vec<PathBuf> = (0..texts.len())
            .map(|i| PathBuf::from(format!("{i}.rs")))
            .collect();
        let stem =
            |path: &Path| -> usize { path.file_stem().unwrap().to_str().unwrap().parse().unwrap() };
        let loader = |path: &Path| Ok(texts[stem(path)].clone());
        let study = |index: usize, path: &Path, text: &str, may_hold: bool| {
            parse_and_study(
                index,
                text,
                may_hold,
                |ast, _| (stem(path), ast.items.len()),
                (0, 0),
            )
        };
        let (discovered, held) =
            discover_within(CrateFiles::List(paths), None, &loader, &study, budget);
        let held_now = pool()
            .broadcast(|_| HELD.with(|h| h.borrow().get(&held.id).map_or(0, |f| f.len())))
            .into_iter()
            .sum();
        let files = &discovered.files;
        let lint = |index: usize, held: Option<(&syn::File, usize)>| {
            let summary = |ast: &syn::File, base| {
                let first = parse::to_span(syn::spanned::Spanned::span(&ast.items[0]), base);
                (index, ast.items.len(), first.start)
            };
            match held {
                Some((ast, base)) => summary(ast, base),
                None => match parse::parse(&files[index].text) {
                    (Parsed::Ast(ast), base) => summary(&ast, base),
                    _ => panic!("every file parses"),
                },
            }
        };
        let all: Vec<usize> = (0..discovered.files.len()).collect();
        let mut linted = lint_files(held, &all, &lint);
        linted.sort();
        Seen {
            facts: discovered.facts,
            linted,
            paths: discovered.files.into_iter().map(|f| f.path).collect(),
            held: held_now,
        }
    }

    #[test]
    fn files_are_numbered_in_path_order_whoever_read_them_first() {
        for budget in [usize::MAX, 0] {
            let seen = items_per_file(budget);
            assert_eq!(seen.linted.len(), 12);
            let mut sorted = seen.paths.clone();
            sorted.sort();
            assert_eq!(seen.paths, sorted);
            // Facts and lint results carry the same numbers as the file list.
            for (number, (stem, items)) in &seen.facts {
                assert_eq!(seen.paths[*number], PathBuf::from(format!("{stem}.rs")));
                assert_eq!(seen.linted[*number].0, *number);
                assert_eq!(seen.linted[*number].1, *items);
                // Spans are offsets in the text, past the BOM and the comment line.
                let comment = format!("// file {stem}\n").len();
                assert_eq!(seen.linted[*number].2, 3 + comment);
            }
        }
    }

    #[test]
    fn only_large_item_heavy_files_are_held_and_only_within_the_budget() {
        let whole = items_per_file(usize::MAX);
        // The six tables, not the six files of code.
        assert_eq!(whole.held, 6);
        let none = items_per_file(0);
        assert_eq!(none.held, 0);
        let some = items_per_file(parse::WHOLE_ITEMS_MIN * 3);
        assert!(some.held > 0 && some.held < 6, "{} held", some.held);
        // Held or parsed again, every file is linted alike.
        assert_eq!(none.facts, whole.facts);
        assert_eq!(none.linted, whole.linted);
        assert_eq!(some.linted, whole.linted);
    }

    #[test]
    fn files_are_test_code_only_when_every_way_there_is() {
        // Root 0 (a library) declares `a` (file 1) and, under `#[cfg(test)]`, `t` (file 2);
        // `t` declares `a` too, and `u` (file 3). Root 1 (an integration test) is file 4,
        // which declares `u` through `#[path]`. Discovery numbered them as written; path
        // order is the reverse.
        let edge = |from, to, test_only| Edge {
            from,
            to,
            test_only,
            module: Vec::new(),
        };
        let edges = [
            edge(Err(0), 0, false),
            edge(Ok(0), 1, false),
            edge(Ok(0), 2, true),
            edge(Ok(2), 1, false),
            edge(Ok(2), 3, false),
            edge(Err(1), 4, false),
            edge(Ok(4), 3, false),
        ];
        let number = [4, 3, 2, 1, 0];
        let reach = reach(&edges, &number);
        let lib = |test_only| Reach { root: 0, test_only };
        let it = Reach {
            root: 1,
            test_only: false,
        };
        assert_eq!(reach[4], [lib(false)]);
        assert_eq!(
            reach[3],
            [lib(false)],
            "`a` is reached outside the tests too"
        );
        assert_eq!(reach[2], [lib(true)]);
        assert_eq!(reach[1], [lib(true), it]);
        assert_eq!(reach[0], [it]);
    }
}
