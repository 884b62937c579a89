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
use crate::semantic::walker::{CallEdge, DeclKey, LockDecl, LockUse, SpawnId, SpawnSite, ThreadCx};

/// The lock uses of the crate grouped by declaration, with what decides who shares them.
pub(crate) struct Sharing<'a> {
    hot: &'a HotCode<'a>,
    spawns: &'a IndexSlice<SpawnId, [SpawnSite]>,
    by_decl: HashMap<DeclKey, Vec<&'a LockUse>>,
    /// The spawn sites whose work calls each function (up to [`SPAWNED_DEPTH`] calls down):
    /// the function's body runs on that thread or task.
    spawned_fns: HashMap<FnId, Vec<SpawnId>>,
}

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
        calls: &[CallEdge],
    ) -> Sharing<'a> {
        let aliases = locks_alias_keys(decls);
        let mut by_decl: HashMap<DeclKey, Vec<&LockUse>> = HashMap::default();
        for use_ in uses {
            if let Some(key) = &use_.decl {
                let key = aliases.get(key).cloned().unwrap_or_else(|| key.clone());
                by_decl.entry(key).or_default().push(use_);
            }
        }
        Sharing {
            hot,
            spawns,
            by_decl,
            spawned_fns: spawned_functions(spawns, calls),
        }
    }

    /// Every use of the lock declared as `key` (through aliases too).
    pub(crate) fn uses(&self, key: &DeclKey) -> &[&'a LockUse] {
        self.by_decl.get(key).map_or(&[], Vec::as_slice)
    }

    /// How `uses` are spread over threads, from what the source shows of their threads.
    pub(crate) fn spread(&self, uses: &[&LockUse]) -> Spread {
        let mut sites = HashSet::default();
        let mut unspawned = false;
        for use_ in uses {
            // A use in a function that spawned work calls runs in that work.
            let called_from = match (use_.thread, use_.function) {
                (None, Some(f)) => self.spawned_fns.get(&f).map_or(&[][..], Vec::as_slice),
                _ => &[],
            };
            let threads = use_
                .thread
                .into_iter()
                .chain(called_from.iter().map(|&site| ThreadCx::Spawned(site)));
            let mut spawned = false;
            for thread in threads {
                spawned = true;
                match thread {
                    ThreadCx::Parallel => return Spread::Many,
                    ThreadCx::Spawned(site) => {
                        let spawn = &self.spawns[site];
                        let repeated = spawn.region.is_some()
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
        match self.spread(uses) {
            Spread::Many => true,
            Spread::OneThread => false,
            Spread::Unknown => self.hot_by_design(key, uses),
        }
    }
}

/// Keys of the declarations `decls` that are of interest, deduplicated by place.
pub(crate) fn distinct<'d>(decls: impl Iterator<Item = &'d LockDecl>) -> Vec<&'d LockDecl> {
    let mut seen = HashSet::default();
    decls.filter(|d| seen.insert((d.file, d.span))).collect()
}
