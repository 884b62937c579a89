//! The corpus on disk: vendoring it with `cargo vendor --locked` into a cache folder (once per
//! lock file), listing the vendored packages, and checking one as `check` checks a workspace
//! member.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::record::Finding;

/// `$CONTENTION_LINTCHECK_DIR`, else `$XDG_CACHE_HOME/contention-lintcheck`, else
/// `$HOME/.cache/contention-lintcheck`.
pub fn default_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CONTENTION_LINTCHECK_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let cache = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(
            std::env::var_os("HOME").context("neither HOME nor CONTENTION_LINTCHECK_DIR is set")?,
        )
        .join(".cache"),
    };
    Ok(cache.join("contention-lintcheck"))
}

/// Vendors the corpus of `manifest` into `dir/vendor`, unless it is there already for this
/// manifest and lock file; returns the folder. A new copy is made beside the old one and then
/// put in its place, so an interrupted run never leaves half a corpus that looks whole.
pub fn vendor(manifest: &Path, dir: &Path) -> Result<PathBuf> {
    let lock = manifest.with_file_name("Cargo.lock");
    let mut hasher = Sha256::new();
    for file in [manifest, lock.as_path()] {
        hasher.update(std::fs::read(file).with_context(|| format!("reading {}", file.display()))?);
    }
    let stamp_text = format!("{:x}\n", hasher.finalize());
    let vendored = dir.join("vendor");
    let stamp = dir.join("vendor.stamp");
    if vendored.is_dir() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&stamp_text) {
        return Ok(vendored);
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let fresh = dir.join("vendor.new");
    if fresh.exists() {
        std::fs::remove_dir_all(&fresh)?;
    }
    eprintln!("vendoring the corpus into {}", vendored.display());
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["vendor", "--locked", "--versioned-dirs", "--manifest-path"])
        .arg(manifest)
        .arg(&fresh)
        // cargo prints the source replacement to use the folder; nobody needs it here.
        .stdout(std::process::Stdio::null())
        .status()
        .context("running cargo vendor")?;
    if !status.success() {
        bail!("cargo vendor failed ({status})");
    }
    if vendored.exists() {
        std::fs::remove_dir_all(&vendored)?;
    }
    std::fs::rename(&fresh, &vendored)?;
    std::fs::write(&stamp, stamp_text)?;
    Ok(vendored)
}

/// The corpus's named crates, `(name, version)`: the manifest's dependencies, pinned with `=`.
pub fn named_crates(manifest: &Path) -> Result<Vec<(String, String)>> {
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(manifest)
        .no_deps()
        .exec()
        .context("reading the corpus manifest")?;
    let package = metadata
        .packages
        .first()
        .context("the corpus manifest has no package")?;
    Ok(package
        .dependencies
        .iter()
        .map(|d| {
            let version = d.req.to_string();
            (d.name.clone(), version.trim_start_matches('=').to_owned())
        })
        .collect())
}

/// A vendored package.
pub struct Package {
    pub name: String,
    pub version: String,
    pub dir: PathBuf,
}

/// Every package vendored in `vendored`, by directory name (`name-version`).
pub fn packages(vendored: &Path) -> Result<Vec<Package>> {
    let mut packages = Vec::new();
    for entry in std::fs::read_dir(vendored)? {
        let dir = entry?.path();
        let Some(dir_name) = dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !dir.join("Cargo.toml").is_file() {
            continue;
        }
        // `--versioned-dirs` names each `name-version`; versions have no `-` before their
        // pre-release part, names may.
        let Some((name, version)) = split_name_version(dir_name) else {
            continue;
        };
        packages.push(Package {
            name: name.to_owned(),
            version: version.to_owned(),
            dir,
        });
    }
    packages.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    Ok(packages)
}

/// `tokio-util-0.7.1` -> (`tokio-util`, `0.7.1`): the version starts at the last `-` that is
/// followed by a digit and a dotted version.
fn split_name_version(dir_name: &str) -> Option<(&str, &str)> {
    let mut split = None;
    for (i, _) in dir_name.match_indices('-') {
        let rest = &dir_name[i + 1..];
        let major = rest.split('.').next().unwrap_or_default();
        if !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()) && rest.contains('.') {
            split = Some((&dir_name[..i], rest));
            break;
        }
    }
    split
}

/// What checking one package found.
pub struct Checked {
    pub files: usize,
    pub lines: usize,
    pub findings: Vec<Finding>,
}

/// Checks one package with every lint on every target, without the cache, from the built
/// library, as `cargo contention check --manifest-path <its Cargo.toml> --all-targets -W all
/// --no-cache` would.
pub fn check_package(package: &Package) -> Result<Checked> {
    let manifest = package.dir.join("Cargo.toml");
    let manifest = manifest.to_str().context("a vendored path is not UTF-8")?;
    let args = [
        "cargo-contention",
        "check",
        "--manifest-path",
        manifest,
        "--all-targets",
        "-W",
        "all",
        "--no-cache",
    ];
    let cargo_contention::cli::Command::Check(check) = cargo_contention::cli::parse(args)? else {
        unreachable!("`check` parses as check");
    };
    let report = cargo_contention::check::run(&check)?;
    let mut checked = Checked {
        files: 0,
        lines: 0,
        findings: Vec::new(),
    };
    for unit in &report.units {
        checked.files += unit.files.len();
        checked.lines += unit
            .files
            .iter()
            .map(|f| f.text.lines().count())
            .sum::<usize>();
        for (diagnostic, placement) in unit.diagnostics.iter().zip(&unit.placements) {
            let file = unit.files.get(diagnostic.file);
            let position = file.position(diagnostic.span.start);
            let path = file.path.strip_prefix(&package.dir).unwrap_or(&file.path);
            checked.findings.push(Finding {
                lint: diagnostic.lint.name.to_owned(),
                krate: package.name.clone(),
                version: package.version.clone(),
                path: path
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
                line: position.line,
                column: position.column,
                kind: placement.kind_name().to_owned(),
                message: diagnostic.message.replace(['\t', '\n'], " "),
            });
        }
    }
    Ok(checked)
}

/// What this process has used so far.
pub struct Usage {
    pub cpu: Duration,
    pub children_cpu: Duration,
    /// Peak resident memory, in bytes.
    pub peak_rss: u64,
}

/// This process's CPU time and peak memory, and its children's CPU time, from `getrusage`.
pub fn usage() -> Usage {
    let get = |who| {
        // SAFETY: getrusage writes a `rusage` into the zeroed value it is handed.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        unsafe { libc::getrusage(who, &mut usage) };
        usage
    };
    let own = get(libc::RUSAGE_SELF);
    let children = get(libc::RUSAGE_CHILDREN);
    Usage {
        cpu: crate::from_timeval(own.ru_utime) + crate::from_timeval(own.ru_stime),
        children_cpu: crate::from_timeval(children.ru_utime)
            + crate::from_timeval(children.ru_stime),
        // Linux reports kilobytes.
        peak_rss: own.ru_maxrss as u64 * 1024,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_directories_split_into_name_and_version() {
        assert_eq!(
            split_name_version("tokio-1.54.1"),
            Some(("tokio", "1.54.1"))
        );
        assert_eq!(
            split_name_version("tokio-util-0.7.16"),
            Some(("tokio-util", "0.7.16"))
        );
        assert_eq!(
            split_name_version("windows-x86_64-gnu-0.52.6"),
            Some(("windows-x86_64-gnu", "0.52.6"))
        );
        assert_eq!(
            split_name_version("h2-0.4.0-alpha.1"),
            Some(("h2", "0.4.0-alpha.1"))
        );
        assert_eq!(split_name_version("no_version"), None);
        assert_eq!(
            split_name_version("foo-2d-1.0.0"),
            Some(("foo-2d", "1.0.0"))
        );
    }
}
