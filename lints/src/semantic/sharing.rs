//! Which locks several threads use: decided from the source, per declaration, for the lock lints
//! that only matter under contention (`single_lock_map`, `read_mostly_rwlock`).
//!
//! A use is on several threads when it is in a closure run by a parallel iterator or
//! `rayon::join`, in work spawned in a loop (or from hot code), or when the uses are spread
//! over two spawned pieces of work, or over one and the spawning side. Spawned work is a
//! thread's closure or a task's (an `async` block, or the `async fn` call that makes its
//! future), and the crate functions it calls, a few calls deep. A field or static used in hot
//! code through a shared reference is shared by design: the type exists to be used from many
//! threads, whose spawning may be in the caller's crate. Uses in one closure spawned once are
//! one thread's.

use index_vec::IndexSlice;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::semantic::hot::HotCode;
use crate::semantic::types::FnId;
use crate::semantic::walker::locks_alias_keys;
use crate::semantic::walker::{
    CallEdge, DeclKey, LockDecl, LockFrom, LockHandoff, LockUse, SpawnId, SpawnSite, ThreadCx,
};

/// The lock uses of the crate grouped by declaration, with what decides who shares them.
pub(crate) struct Sharing<'a> {
    hot: &'a HotCode<'a>,
    spawns: &'a IndexSlice<SpawnId, [SpawnSite]>,
    by_decl: HashMap<DeclKey, Vec<&'a LockUse>>,
    /// The spawn sites whose work calls each function (up to [`SPAWNED_DEPTH`] calls down):
    /// the function's body runs on that thread or task.
    spawned_fns: HashMap<FnId, Vec<SpawnId>>,
    /// For a use of a parameter counted as a use of a declaration its callers hand it: the
    /// calls that hand it over directly, by caller and the thread the call runs on. The use
    /// runs where those calls run, not wherever else its function is called from.
    handed_at: HashMap<(DeclKey, *const LockUse), Vec<HandedAt>>,
}

/// A call handing a lock to a parameter: its caller, and the thread it runs on when known.
type HandedAt = (Option<FnId>, Option<ThreadCx>);

/// How many calls down from spawned work a function is taken to run on the spawned thread.
const SPAWNED_DEPTH: usize = 3;

/// For each function that spawned work calls (directly, or through at most
/// [`SPAWNED_DEPTH`] calls in all), the spawn sites it runs under.
fn spawned_functions(
    spawns: &IndexSlice<SpawnId, [SpawnSite]>,
    calls: &[CallEdge],
) -> HashMap<FnId, Vec<SpawnId>> {
    let mut by_caller: HashMap<FnId, Vec<FnId>> = HashMap::default();
    for call in calls.iter().filter(|c| !c.spawned) {
        if let Some(caller) = call.caller {
            by_caller.entry(caller).or_default().push(call.callee);
        }
    }
    let mut out: HashMap<FnId, Vec<SpawnId>> = HashMap::default();
    for (site, spawn) in spawns.iter_enumerated() {
        let mut seen: HashSet<FnId> = HashSet::default();
        let mut frontier: Vec<FnId> = spawn.callees.iter().flatten().copied().collect();
        for _ in 0..SPAWNED_DEPTH {
            let mut next = Vec::new();
            for f in frontier {
                // The spawning function itself (a recursive spawner) is not its own task.
                if Some(f) == spawn.function || !seen.insert(f) {
                    continue;
                }
                out.entry(f).or_default().push(site);
                next.extend(by_caller.get(&f).into_iter().flatten().copied());
            }
            frontier = next;
        }
    }
    out
}

/// How the uses of a lock are spread over threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spread {
    /// Several threads run them.
    Many,
    /// They run in one spawned closure, spawned once.
    OneThread,
    /// The source does not say.
    Unknown,
}

impl<'a> Sharing<'a> {
    pub(crate) fn new(
        hot: &'a HotCode<'a>,
        spawns: &'a IndexSlice<SpawnId, [SpawnSite]>,
        decls: &'a [LockDecl],
        uses: &'a [LockUse],
        handoffs: &[LockHandoff],
        calls: &[CallEdge],
    ) -> Sharing<'a> {
        let aliases = locks_alias_keys(decls);
        let alias = |key: &DeclKey| aliases.get(key).cloned().unwrap_or_else(|| key.clone());
        let params = param_decls(handoffs);
        let mut by_decl: HashMap<DeclKey, Vec<&LockUse>> = HashMap::default();
        let mut handed_at: HashMap<_, Vec<_>> = HashMap::default();
        for use_ in uses {
            if let Some(key) = &use_.decl {
                by_decl.entry(alias(key)).or_default().push(use_);
            }
            // A parameter's uses are uses of the declarations its callers hand it
            // (`tokio::spawn(handle(conn, Arc::clone(&sessions)))`).
            let function = use_.param_fn.or(use_.function);
            let (None, Some(f), Some(p)) = (&use_.decl, function, use_.param) else {
                continue;
            };
            let Some(handed) = params.get(&(f, p)) else {
                continue;
            };
            for key in &handed.decls {
                let key = alias(key);
                let at: Vec<_> = handoffs
                    .iter()
                    .filter(|h| h.callee == f && h.param == p)
                    .filter(|h| matches!(&h.from, LockFrom::Decl(k) if alias(k) == key))
                    .map(|h| (h.caller, h.thread))
                    .collect();
                if !at.is_empty() {
                    handed_at.insert((key.clone(), std::ptr::from_ref(use_)), at);
                }
                by_decl.entry(key).or_default().push(use_);
            }
        }
        Sharing {
            hot,
            spawns,
            by_decl,
            spawned_fns: spawned_functions(spawns, calls),
            handed_at,
        }
    }

    /// Every use of the lock declared as `key` (through aliases too).
    pub(crate) fn uses(&self, key: &DeclKey) -> &[&'a LockUse] {
        self.by_decl.get(key).map_or(&[], Vec::as_slice)
    }

    /// How `uses` are spread over threads, from what the source shows of their threads.
    pub(crate) fn spread(&self, key: &DeclKey, uses: &[&LockUse]) -> Spread {
        let mut sites = HashSet::default();
        let mut unspawned = false;
        for use_ in uses {
            let spawned_fn = |f: FnId| {
                self.spawned_fns
                    .get(&f)
                    .into_iter()
                    .flatten()
                    .map(|&site| ThreadCx::Spawned(site))
            };
            let handed_at = self
                .handed_at
                .get(&(key.clone(), std::ptr::from_ref(*use_)));
            let threads: Vec<ThreadCx> = match (use_.thread, handed_at) {
                (Some(thread), _) => vec![thread],
                // A parameter's use runs where the calls handing it this lock run: in the
                // task whose future the call makes, or where its caller runs.
                (None, Some(at)) => at
                    .iter()
                    .flat_map(|&(caller, thread)| match thread {
                        Some(thread) => vec![thread],
                        None => caller.into_iter().flat_map(spawned_fn).collect(),
                    })
                    .collect(),
                // A use in a function that spawned work calls runs in that work.
                (None, None) => use_.function.into_iter().flat_map(spawned_fn).collect(),
            };
            let mut spawned = false;
            for thread in threads {
                spawned = true;
                match thread {
                    ThreadCx::Parallel => return Spread::Many,
                    ThreadCx::Spawned(site) => {
                        let spawn = &self.spawns[site];
                        // Spawned in a loop or hot code, or per request by a framework.
                        let repeated = spawn.region.is_some()
                            || spawn.per_request
                            || self.hot.hotness(spawn.function, None, None).is_some();
                        if repeated {
                            return Spread::Many;
                        }
                        sites.insert(site);
                    }
                }
            }
            unspawned |= !spawned && !use_.setup;
        }
        match (sites.len(), unspawned) {
            (0, _) => Spread::Unknown,
            (1, false) => Spread::OneThread,
            _ => Spread::Many,
        }
    }

    /// Whether a field or static is used in hot code through a shared reference: shared by
    /// design, whoever spawns the threads.
    pub(crate) fn hot_by_design(&self, key: &DeclKey, uses: &[&LockUse]) -> bool {
        matches!(key, DeclKey::Field(..) | DeclKey::Static(_))
            && uses.iter().any(|u| {
                u.thread.is_none()
                    && !u.setup
                    && self.hot.hotness(u.function, u.region, None).is_some()
            })
    }

    /// Whether several threads run `uses`: they say so, or the lock is shared by design and
    /// they do not say it is one thread's.
    pub(crate) fn several_threads(&self, key: &DeclKey, uses: &[&LockUse]) -> bool {
        match self.spread(key, uses) {
            Spread::Many => true,
            Spread::OneThread => false,
            Spread::Unknown => self.hot_by_design(key, uses),
        }
    }
}

/// The declarations a function parameter receives, and whether it also receives locks whose
/// declaration the source does not show.
#[derive(Default)]
pub(crate) struct Handed {
    pub(crate) decls: HashSet<DeclKey>,
    pub(crate) untraced: bool,
}

/// The declarations each function parameter receives, through any chain of calls that hand
/// a lock on (`bump(&self.hits)` -> `fn bump(c: &Mutex<u64>) { add(c, 1) }` -> `fn add(..)`).
pub(crate) fn param_decls(handoffs: &[LockHandoff]) -> HashMap<(FnId, usize), Handed> {
    let mut out: HashMap<(FnId, usize), Handed> = HashMap::default();
    for h in handoffs {
        let to = out.entry((h.callee, h.param)).or_default();
        match &h.from {
            LockFrom::Decl(key) => {
                to.decls.insert(key.clone());
            }
            LockFrom::Untraced => to.untraced = true,
            LockFrom::Param(..) => {}
        }
    }
    // Parameters handed on: repeat until nothing new arrives (each round adds a declaration
    // or an untraced source to a parameter, of which there are finitely many, so this ends).
    loop {
        let mut changed = false;
        for h in handoffs {
            let LockFrom::Param(f, p) = h.from else {
                continue;
            };
            let Some(from) = out.get(&(f, p)) else {
                continue;
            };
            let (decls, untraced) = (from.decls.clone(), from.untraced);
            let to = out.entry((h.callee, h.param)).or_default();
            if untraced && !to.untraced {
                to.untraced = true;
                changed = true;
            }
            for key in decls {
                changed |= to.decls.insert(key);
            }
        }
        if !changed {
            return out;
        }
    }
}

/// Keys of the declarations `decls` that are of interest, deduplicated by place.
pub(crate) fn distinct<'d>(decls: impl Iterator<Item = &'d LockDecl>) -> Vec<&'d LockDecl> {
    let mut seen = HashSet::default();
    decls.filter(|d| seen.insert((d.file, d.span))).collect()
}
