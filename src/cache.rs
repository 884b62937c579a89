//! The analysis cache on disk: one file per package in `target/contention/`, like ruff's
//! `.ruff_cache`, holding a [`MemoryStore`] keyed by absolute file paths.
//!
//! The analysis decides what an entry is good for (see `contention_lints::cache`): each is
//! keyed by the file's text, the analysis's version, the crate's edition and configuration.
//! On top of that a cache file starts with the identity of the `cargo-contention` build that
//! wrote it (version, and the size and modification time of its executable), so that another
//! build, even of the same version, starts afresh. A cache that cannot be read or does not
//! load is an empty one; one that cannot be written is a warning, never a failed check. It is
//! written to a temporary file and renamed over the old one, so a reader never sees half of it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use contention_lints::{CacheStore, MemoryStore};
use sha2::{Digest, Sha256};

use crate::discover::Unit;

/// The cache of one unit, loaded.
pub struct UnitCache {
    file: PathBuf,
    store: MemoryStore,
    /// Paths the analysis names are relative to this directory; entries are keyed by the
    /// absolute path, so that a run from another directory finds them.
    cwd: PathBuf,
}

impl UnitCache {
    /// The cache of `unit`, or `None` when the unit has no cache directory (paths mode).
    pub fn open(unit: &Unit, cwd: &Path) -> Option<UnitCache> {
        let dir = unit.cache_dir.as_ref()?;
        let file = dir.join(file_name(unit));
        let store = fs::read(&file)
            .ok()
            .and_then(|bytes| {
                let rest = bytes.strip_prefix(identity().as_bytes())?;
                MemoryStore::from_bytes(rest)
            })
            .unwrap_or_default();
        Some(UnitCache {
            file,
            store,
            cwd: cwd.to_path_buf(),
        })
    }

    /// The store to hand the analysis.
    pub fn store(&self) -> &dyn CacheStore {
        self
    }

    /// Writes the cache back if the run changed it. A failure is returned for a warning.
    pub fn save(&self) -> io::Result<()> {
        if !self.store.changed() {
            return Ok(());
        }
        let dir = self.file.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        mark_as_cache(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        temp.write_all(identity().as_bytes())?;
        temp.write_all(&self.store.to_bytes())?;
        temp.persist(&self.file).map_err(|e| e.error)?;
        Ok(())
    }

    /// Where the cache lives, for messages.
    pub fn path(&self) -> &Path {
        &self.file
    }
}

impl CacheStore for UnitCache {
    fn get(&self, path: &Path) -> Option<&[u8]> {
        self.store.get(&self.cwd.join(path))
    }

    fn put(&self, path: &Path, entry: Vec<u8>) {
        self.store.put(&self.cwd.join(path), entry);
    }
}

/// Tells git and backup tools that `dir` is a cache: a `.gitignore` that ignores all of it (a
/// crate without its own `.gitignore` for `target/` must not look dirty to `--fix` because of
/// our cache) and a `CACHEDIR.TAG` (<https://bford.info/cachedir/>). `calibrate` marks the
/// same directory when it writes its costs there.
pub(crate) fn mark_as_cache(dir: &Path) -> io::Result<()> {
    for (name, text) in [
        (".gitignore", "# Written by cargo-contention.\n*\n"),
        (
            "CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This file is a cache directory tag created by cargo-contention.\n",
        ),
    ] {
        let path = dir.join(name);
        if !path.exists() {
            fs::write(path, text)?;
        }
    }
    Ok(())
}

/// The cache file of a unit: its name, made safe, and a hash of its package id, which tells
/// apart two packages of one name (a workspace member and a vendored copy).
fn file_name(unit: &Unit) -> String {
    let name: String = unit
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let hash = Sha256::digest(unit.package_id.as_bytes());
    let short: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{name}-{short}.cache")
}

/// The first line of a cache file: the build that wrote it.
fn identity() -> &'static str {
    static IDENTITY: OnceLock<String> = OnceLock::new();
    IDENTITY.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(fs::metadata)
            .map(|m| {
                let modified = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!("{} {modified}", m.len())
            })
            .unwrap_or_default();
        format!(
            "cargo-contention cache {} {exe}\n",
            env!("CARGO_PKG_VERSION")
        )
    })
}
