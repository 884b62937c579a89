//! The analysis's side of the cache (see [`crate::cache`]): what an entry holds and when it is
//! still good.
//!
//! An entry is keyed by a hash of the file's text salted with this crate's version, an entry
//! layout number, the crate's edition and configuration. It holds the file's phase-one study
//! (items, `mod` declarations, its own parse findings) and, when the file was linted, the lint
//! results with the fingerprint of the type table they were computed against. Lint results read
//! the crate-wide table, so they are reused only while the table's fingerprint is unchanged:
//! an edit inside a function body leaves it alone, and only the edited file is parsed again;
//! an edit to a signature, a struct or an alias, or a file added or removed, changes it, and
//! every file is linted again (its items still come from the cache).

use std::hash::Hash;
use std::path::Path;

use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

use super::Walked;
use crate::cache::CacheStore;
use crate::diagnostic::Diagnostic;
use crate::pipeline::driver::{self, Study};
use crate::pipeline::parse::ModDecl;
use crate::pipeline::plan::{self, Plan};
use crate::semantic::items::{self, ItemFacts};
use crate::{CrateInfo, SourceFile};

/// A fingerprint of the analysis's source (see the build script): what an entry holds, and
/// what it means, can change with any of it, so no build reads another's entries.
const LAYOUT: &str = env!("CONTENTION_ANALYSIS_FINGERPRINT");

/// A cache entry as stored: the parts stay encoded until they are needed.
#[derive(serde::Serialize, serde::Deserialize)]
struct Entry<'a> {
    key: u128,
    #[serde(borrow)]
    study: &'a [u8],
    /// The table fingerprint and the encoded [`Walked`].
    walk: Option<(u128, &'a [u8])>,
}

/// The phase-one part of an entry, as written.
#[derive(serde::Serialize)]
struct StudyRef<'a> {
    facts: Option<&'a ItemFacts>,
    plan: Option<&'a Plan>,
    decls: &'a [ModDecl],
    findings: &'a [Diagnostic],
}

/// The phase-one part of an entry, as read.
#[derive(serde::Deserialize)]
struct StudyOwned {
    facts: Option<ItemFacts>,
    plan: Option<Plan>,
    decls: Vec<ModDecl>,
    findings: Vec<Diagnostic>,
}

/// What phase one learnt of a file, for the crate-wide pass and for the cache.
pub(crate) struct Learnt {
    /// The file's items; `None` when it does not parse.
    pub(crate) facts: Option<ItemFacts>,
    /// How phase two parses and walks the file; `None` when it does not parse.
    pub(crate) plan: Option<Plan>,
    /// Taken from the cache rather than parsed.
    pub(crate) recalled: bool,
    /// The entry's key (zero without a cache).
    key: u128,
    /// The phase-one part of the entry, encoded (empty without a cache).
    study: Vec<u8>,
    /// Lint results from the cache, with the table fingerprint they were computed against.
    walk: Option<(u128, Vec<u8>)>,
}

impl Learnt {
    /// What a run without a cache learnt.
    pub(crate) fn uncached(facts: Option<(ItemFacts, Plan)>) -> Learnt {
        let (facts, plan) = facts.unzip();
        Learnt {
            facts,
            plan,
            recalled: false,
            key: 0,
            study: Vec::new(),
            walk: None,
        }
    }
}

/// A cache for one analysis.
pub(crate) struct Memo<'s> {
    store: &'s dyn CacheStore,
    salt: u128,
}

impl<'s> Memo<'s> {
    pub(crate) fn new(store: &'s dyn CacheStore, info: &CrateInfo) -> Memo<'s> {
        let salt = format!(
            "{}\0{LAYOUT}\0{:?}\0{:?}",
            env!("CARGO_PKG_VERSION"),
            info.edition,
            info.config
        );
        Memo {
            store,
            salt: xxh3_128(salt.as_bytes()),
        }
    }

    fn key(&self, text: &str) -> u128 {
        let mut hasher = Xxh3::new();
        hasher.update(&self.salt.to_le_bytes());
        hasher.update(text.as_bytes());
        hasher.digest128()
    }

    /// Phase one for a file: its entry if it holds this text, else a parse, whose result is
    /// encoded for the cache.
    pub(crate) fn study(
        &self,
        index: usize,
        path: &Path,
        text: &str,
        may_hold: bool,
    ) -> Study<Learnt> {
        let key = self.key(text);
        if let Some(study) = self.recall(index, path, key) {
            return study;
        }
        let mut study = parse_and_study(index, text, may_hold);
        let learnt = &mut study.facts;
        learnt.key = key;
        // Stored as file 0: `index` is this run's discovery order, which depends on which
        // thread finishes first; a recall gives the file its number of that run. So one text
        // always makes the same entry.
        if let Some(facts) = &mut learnt.facts {
            facts.set_file(0);
        }
        let findings: Vec<Diagnostic> = study
            .findings
            .iter()
            .cloned()
            .map(|mut finding| {
                set_finding_file(&mut finding, 0);
                finding
            })
            .collect();
        learnt.study = postcard::to_stdvec(&StudyRef {
            facts: learnt.facts.as_ref(),
            plan: learnt.plan.as_ref(),
            decls: &study.decls,
            findings: &findings,
        })
        .expect("facts serialise");
        if let Some(facts) = &mut learnt.facts {
            facts.set_file(index);
        }
        study
    }

    fn recall(&self, index: usize, path: &Path, key: u128) -> Option<Study<Learnt>> {
        let entry: Entry<'_> = postcard::from_bytes(checked(self.store.get(path)?)?).ok()?;
        if entry.key != key {
            return None;
        }
        let StudyOwned {
            mut facts,
            plan,
            decls,
            mut findings,
        } = postcard::from_bytes(entry.study).ok()?;
        // The file's number in this run, which need not be the one it had when stored.
        if let Some(facts) = &mut facts {
            facts.set_file(index);
        }
        for finding in &mut findings {
            set_finding_file(finding, index);
        }
        Some(Study {
            facts: Learnt {
                facts,
                plan,
                recalled: true,
                key,
                study: entry.study.to_vec(),
                walk: entry.walk.map(|(fp, walk)| (fp, walk.to_vec())),
            },
            decls,
            findings,
            ast: None,
        })
    }

    /// The stored lint results of a file, if they were computed against a table of
    /// fingerprint `fingerprint`.
    pub(crate) fn recall_walk(&self, learnt: &Learnt, fingerprint: u128) -> Option<Walked> {
        let (stored, bytes) = learnt.walk.as_ref()?;
        if *stored != fingerprint {
            return None;
        }
        postcard::from_bytes(bytes).ok()
    }

    /// Encodes a file's lint results for [`Memo::store`].
    pub(crate) fn encode_walk(output: &Walked) -> Vec<u8> {
        postcard::to_stdvec(output).expect("lint results serialise")
    }

    /// Stores a file's entry: its study, and its lint results if it has them.
    pub(crate) fn store(&self, path: &Path, learnt: &Learnt, walk: Option<(u128, &[u8])>) {
        let entry = Entry {
            key: learnt.key,
            study: &learnt.study,
            walk,
        };
        let mut bytes = postcard::to_stdvec(&entry).expect("an entry serialises");
        bytes.extend_from_slice(&xxh3_64(&bytes).to_le_bytes());
        self.store.put(path, bytes);
    }
}

/// Puts a finding of one file, and its labels, in file `index`.
fn set_finding_file(finding: &mut Diagnostic, index: usize) {
    finding.file = index;
    for label in &mut finding.labels {
        label.file = index;
    }
}

/// An entry's bytes without their checksum, if it matches: a damaged entry (a flipped bit in
/// a message, a file cut short) is never believed.
fn checked(stored: &[u8]) -> Option<&[u8]> {
    let split = stored.len().checked_sub(8)?;
    let (bytes, sum) = stored.split_at(split);
    (xxh3_64(bytes).to_le_bytes() == sum).then_some(bytes)
}

/// Phase one for a file without a cache: a parse and a study of its items.
pub(crate) fn parse_and_study(index: usize, text: &str, may_hold: bool) -> Study<Learnt> {
    let study = driver::parse_and_study(
        index,
        text,
        may_hold,
        |ast, base| Some((items::extract(index, ast, base), plan::plan(ast, base))),
        None,
    );
    Study {
        facts: Learnt::uncached(study.facts),
        decls: study.decls,
        findings: study.findings,
        ast: study.ast,
    }
}

/// A fingerprint of everything the type table is built from: the files' paths (in the order
/// that numbers them) and their items, without the items' positions (see `FnSig`'s `Hash`).
pub(crate) fn table_fingerprint(files: &[SourceFile], facts: &[(usize, Learnt)]) -> u128 {
    let mut hasher = Xxh3::new();
    LAYOUT.hash(&mut hasher);
    files.len().hash(&mut hasher);
    for file in files {
        file.path.hash(&mut hasher);
    }
    for (index, learnt) in facts {
        index.hash(&mut hasher);
        learnt.facts.hash(&mut hasher);
    }
    hasher.digest128()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::MemoryStore;

    /// The cache test of the command line writes a damaged cache over a good one and expects
    /// the good bytes back: a file's entry must not depend on the number the run gave it (its
    /// discovery order, which depends on which thread finishes first).
    #[test]
    fn one_text_makes_one_entry_whatever_the_files_number() {
        let store = MemoryStore::new();
        let memo = Memo::new(&store, &CrateInfo::default());
        // A file that parses (its facts hold file numbers) and one that does not (its finding
        // does).
        for text in [
            "pub fn f(x: &std::sync::Mutex<u64>) { *x.lock().unwrap() += 1; }\n",
            "pub fn broken( {}\n",
        ] {
            let first = memo.study(1, Path::new("a.rs"), text, false);
            let second = memo.study(7, Path::new("a.rs"), text, false);
            assert_eq!(first.facts.study, second.facts.study, "{text}");
            // What this run works with still carries this run's number.
            let numbers: Vec<usize> = (second.facts.facts.iter())
                .flat_map(|f| f.fns.iter().map(|sig| sig.file))
                .chain(second.findings.iter().map(|f| f.file))
                .collect();
            assert!(
                !numbers.is_empty() && numbers.iter().all(|&n| n == 7),
                "{numbers:?}"
            );
        }
    }
}
