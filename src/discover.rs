//! What to check: packages found through `cargo metadata --no-deps` (which never builds,
//! downloads or resolves anything), or plain files and directories walked with walkdir.
//!
//! Every package becomes one [`Unit`] whose files are the module trees of all its targets, so
//! a file reached from two targets is analysed once. Files and directories that are not
//! packages are gathered into one more unit whose files are analysed as a list.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use cargo_metadata::{Metadata, MetadataCommand, Package};
use contention_lints::{CrateFiles, Edition};
use serde::Serialize;
use walkdir::WalkDir;

use crate::Error;
use crate::cli::CheckArgs;
use crate::config::{LintLevels, Section, Settings};
use crate::source::normalise;
use crate::targets::{Kind, Placement, Selection, TargetArgs};

/// A target as cargo's JSON messages describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub kind: Vec<String>,
    pub crate_types: Vec<String>,
    pub name: String,
    pub src_path: PathBuf,
    pub edition: String,
    pub doc: bool,
    pub doctest: bool,
    pub test: bool,
}

impl Target {
    fn from_metadata(target: &cargo_metadata::Target) -> Target {
        Target {
            kind: target.kind.iter().map(ToString::to_string).collect(),
            crate_types: target.crate_types.iter().map(ToString::to_string).collect(),
            name: target.name.clone(),
            src_path: normalise(target.src_path.as_std_path()),
            edition: target.edition.as_str().to_owned(),
            doc: target.doc,
            doctest: target.doctest,
            test: target.test,
        }
    }

    fn is_lib(&self) -> bool {
        self.kind
            .iter()
            .any(|kind| matches!(kind.as_str(), "lib" | "rlib" | "dylib" | "proc-macro"))
    }
}

/// Where a unit came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A package of a cargo workspace.
    Package,
    /// Files and directories named on the command line that are not packages. There is no
    /// manifest: the package id is `path+file://<first path>#<name>@0.0.0`, the manifest path
    /// is the first path itself, and each file counts as a library target of its own.
    Paths,
}

/// One crate to analyse, with what the printers need to say where its findings come from.
#[derive(Debug, Clone)]
pub struct Unit {
    pub origin: Origin,
    /// The crate name handed to the analysis.
    pub name: String,
    /// cargo's package id.
    pub package_id: String,
    pub manifest_path: PathBuf,
    /// The directory JSON file names are relative to (the current directory in paths mode).
    pub workspace_root: PathBuf,
    pub edition: Edition,
    pub targets: Vec<Target>,
    pub files: CrateFiles,
    pub settings: Settings,
    /// Where the analysis cache of a package lives (`target/contention/`); `None` in paths
    /// mode, which has no target directory.
    pub cache_dir: Option<PathBuf>,
    /// Which targets' findings are reported; `None` in paths mode, where every file named is
    /// reported as given.
    pub selection: Option<Selection>,
}

impl Unit {
    /// The target to name in a JSON message about `file`, placed by the analysis in the
    /// target at `placement`. In paths mode each file counts as a library of its own.
    pub fn target_for(&self, file: &Path, placement: &Placement) -> Target {
        if self.origin == Origin::Paths {
            let mut target = self.targets[0].clone();
            target.src_path = file.to_path_buf();
            return target;
        }
        self.targets[placement.target].clone()
    }
}

/// The units `check` analyses for `args`, run from `cwd`.
pub fn units(args: &CheckArgs, cwd: &Path) -> Result<Vec<Unit>, Error> {
    let command_line = LintLevels::from_flags(&args.lint_flags)?;
    // Each manifest as the user wrote it (for messages), and absolute.
    let mut manifests: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut plain = Vec::new();
    if let Some(manifest) = &args.manifest_path {
        manifests.push((manifest.clone(), cwd.join(manifest)));
    }
    for path in &args.paths {
        let absolute = normalise(&cwd.join(path));
        let metadata = fs::metadata(&absolute).map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => Error::PathNotFound(path.clone()),
            _ => Error::ReadPath {
                path: path.clone(),
                error,
            },
        })?;
        if metadata.is_dir() && absolute.join("Cargo.toml").is_file() {
            manifests.push((path.join("Cargo.toml"), absolute.join("Cargo.toml")));
        } else if metadata.is_file() && absolute.file_name().is_some_and(|n| n == "Cargo.toml") {
            manifests.push((path.clone(), absolute));
        } else {
            plain.push(absolute);
        }
    }
    if manifests.is_empty() && plain.is_empty() {
        let nearest = nearest_manifest(cwd)?;
        manifests.push((nearest.clone(), nearest));
    }
    if manifests.is_empty() && (args.workspace || !args.packages.is_empty()) {
        return Err(Error::Usage(
            "`--workspace` and `--package` select packages, but no PATH is a package".into(),
        ));
    }

    let mut units = Vec::new();
    let mut seen = HashSet::new();
    let mut unmatched: Vec<&String> = args.packages.iter().collect();
    let mut first_workspace = None;
    for (given, manifest) in &manifests {
        let manifest = canonical_manifest(given, manifest)?;
        let metadata = cargo_metadata(&manifest)?;
        let root = metadata.workspace_root.clone().into_std_path_buf();
        first_workspace.get_or_insert_with(|| root.clone());
        let workspace_section = Section::from_metadata(
            &metadata.workspace_metadata,
            "workspace.metadata",
            &root.join("Cargo.toml"),
        )?;
        let selected = select_packages(&metadata, &manifest, args)?;
        unmatched.retain(|name| !selected.iter().any(|p| p.name.as_str() == name.as_str()));
        for package in selected {
            if seen.insert(package.id.repr.clone()) {
                let mut unit = package_unit(package, &root, &workspace_section, &command_line)?;
                unit.selection = Some(Selection::from_args(
                    &args.targets,
                    unit.settings.all_targets,
                ));
                unit.cache_dir = Some(metadata.target_directory.join("contention").into());
                units.push(unit);
            }
        }
    }
    if let Some(name) = unmatched.first() {
        return Err(Error::PackageNotFound {
            name: (*name).clone(),
            workspace: first_workspace.unwrap_or_default(),
        });
    }
    check_named_targets(&args.targets, &units)?;
    if !plain.is_empty() {
        units.extend(paths_units(&plain, cwd, &command_line)?);
    }
    Ok(units)
}

/// Cargo's target directory for the package in `cwd` (the one whose `Cargo.toml` is nearest),
/// wherever `CARGO_TARGET_DIR`, `.cargo/config.toml` or the workspace put it, as `cargo
/// metadata` reports it. Outside a package: `CARGO_TARGET_DIR` if set, else `./target`.
pub fn target_directory(cwd: &Path) -> Result<PathBuf, Error> {
    match nearest_manifest(cwd) {
        Ok(manifest) => Ok(cargo_metadata(&manifest)?
            .target_directory
            .into_std_path_buf()),
        Err(_) => Ok(std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| cwd.join("target"), |dir| cwd.join(dir))),
    }
}

/// Fails, as cargo does, when `--bin`, `--example`, `--test` or `--bench` names a target that
/// no selected package has.
fn check_named_targets(args: &TargetArgs, units: &[Unit]) -> Result<(), Error> {
    if units.is_empty() && args.any() {
        return Err(Error::Usage(
            "target flags select targets of packages, but no PATH is a package; files and \
             directories are checked as given"
                .into(),
        ));
    }
    for (kind, name) in args.named() {
        let found = units
            .iter()
            .flat_map(|unit| &unit.targets)
            .any(|target| Kind::of(target) == kind && target.name == name);
        if !found {
            let kind = match kind {
                Kind::Bin => "bin",
                Kind::Example => "example",
                Kind::Test => "test",
                _ => "bench",
            };
            return Err(Error::Usage(format!("no {kind} target named `{name}`")));
        }
    }
    Ok(())
}

/// The nearest `Cargo.toml` in `dir` or its parents, as cargo finds it.
fn nearest_manifest(dir: &Path) -> Result<PathBuf, Error> {
    dir.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| Error::NoManifest(dir.to_path_buf()))
}

/// `manifest` (absolute; `given` is how the user wrote it) made canonical, as the current
/// directory is, so that the paths cargo reports share its prefix.
fn canonical_manifest(given: &Path, manifest: &Path) -> Result<PathBuf, Error> {
    let manifest_error = |reason: String| Error::Manifest {
        path: given.to_path_buf(),
        reason,
    };
    if manifest.is_dir() {
        return Err(manifest_error(
            "this is a directory, not a `Cargo.toml`".into(),
        ));
    }
    if !manifest.is_file() {
        return Err(manifest_error("no such file".into()));
    }
    fs::canonicalize(manifest).map_err(|e| manifest_error(e.to_string()))
}

fn cargo_metadata(manifest: &Path) -> Result<Metadata, Error> {
    MetadataCommand::new()
        .no_deps()
        .manifest_path(manifest)
        .exec()
        .map_err(|error| Error::Manifest {
            path: manifest.to_path_buf(),
            reason: match error {
                cargo_metadata::Error::CargoMetadata { stderr } => first_meaningful_line(&stderr),
                cargo_metadata::Error::Io(e) => format!("could not run `cargo metadata`: {e}"),
                other => other.to_string(),
            },
        })
}

/// cargo's error in one line: its first line, with the innermost cause when it has a
/// `Caused by:` section (`failed to parse manifest at ..: can't find library ..`).
fn first_meaningful_line(stderr: &str) -> String {
    let mut lines = stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines
        .next()
        .unwrap_or("`cargo metadata` failed")
        .trim_start_matches("error: ")
        .to_owned();
    match lines
        .skip_while(|line| *line != "Caused by:")
        .skip(1)
        .last()
    {
        Some(cause) => format!("{first}: {cause}"),
        None => first,
    }
}

/// The packages of `metadata` that `args` selects; `manifest` (canonical) is the one the user
/// pointed at.
fn select_packages<'m>(
    metadata: &'m Metadata,
    manifest: &Path,
    args: &CheckArgs,
) -> Result<Vec<&'m Package>, Error> {
    let members = metadata.workspace_packages();
    if args.workspace {
        return Ok(members);
    }
    if !args.packages.is_empty() {
        return Ok(members
            .into_iter()
            .filter(|p| args.packages.iter().any(|name| name == p.name.as_str()))
            .collect());
    }
    if metadata.workspace_root.join("Cargo.toml").as_std_path() == manifest {
        // What cargo builds at a workspace root: `default-members`, else the root package,
        // else every member. cargo before 1.71 does not say; then the root package or all.
        if metadata.workspace_default_members.is_available() {
            return Ok(metadata.workspace_default_packages());
        }
        return Ok(metadata.root_package().map_or(members, |root| vec![root]));
    }
    match members
        .into_iter()
        .find(|p| p.manifest_path.as_std_path() == manifest)
    {
        Some(package) => Ok(vec![package]),
        None => Err(Error::Manifest {
            path: manifest.to_path_buf(),
            reason: "the package is not a member of its workspace".into(),
        }),
    }
}

fn package_unit(
    package: &Package,
    workspace_root: &Path,
    workspace_section: &Section,
    command_line: &LintLevels,
) -> Result<Unit, Error> {
    let manifest = package.manifest_path.as_std_path();
    let package_root = manifest.parent().unwrap_or(workspace_root);
    let section = Section::from_metadata(&package.metadata, "package.metadata", manifest)?;
    let settings = Settings::merge(
        workspace_section,
        &section,
        command_line,
        package_root,
        manifest,
    )?;
    let targets: Vec<Target> = package.targets.iter().map(Target::from_metadata).collect();
    let mut roots: Vec<PathBuf> = Vec::new();
    for target in &targets {
        if !roots.contains(&target.src_path) {
            roots.push(target.src_path.clone());
        }
    }
    let name = targets
        .iter()
        .find(|t| t.is_lib())
        .map_or_else(|| package.name.replace('-', "_"), |lib| lib.name.clone());
    Ok(Unit {
        origin: Origin::Package,
        name,
        package_id: package.id.repr.clone(),
        manifest_path: manifest.to_path_buf(),
        workspace_root: workspace_root.to_path_buf(),
        edition: Edition::parse(package.edition.as_str()).unwrap_or_default(),
        targets,
        files: CrateFiles::ModuleTree(roots),
        settings,
        cache_dir: None,
        selection: None,
    })
}

/// The units of every `.rs` file under `paths` (absolute), skipping `target` and hidden
/// directories and not following symbolic links. A file named explicitly is checked whatever
/// its extension. A directory met on the way that holds a `Cargo.toml` is a package of its own
/// (a `cargo vendor` folder holds hundreds): its files are one unit, named and editioned by its
/// manifest, so that two packages' items never meet and the crate-wide analysis grows with the
/// package rather than with the folder. The files that belong to no package are one more unit.
fn paths_units(
    paths: &[PathBuf],
    cwd: &Path,
    command_line: &LintLevels,
) -> Result<Vec<Unit>, Error> {
    let mut files = Vec::new();
    let mut packages: Vec<PathBuf> = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        let walk = WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                let skipped_dir = entry.depth() > 0
                    && entry.file_type().is_dir()
                    && entry
                        .file_name()
                        .to_str()
                        .is_some_and(|name| name.starts_with('.') || name == "target");
                !skipped_dir
            });
        for entry in walk {
            let entry = entry.map_err(|error| Error::ReadPath {
                path: error.path().unwrap_or(path).to_path_buf(),
                error: error.into(),
            })?;
            let explicit = entry.depth() == 0;
            if entry.file_type().is_dir() {
                if !explicit && entry.path().join("Cargo.toml").is_file() {
                    packages.push(entry.path().to_path_buf());
                }
                continue;
            }
            let is_rust = entry.path().extension().is_some_and(|ext| ext == "rs");
            if entry.file_type().is_file()
                && (explicit || is_rust)
                && seen.insert(entry.path().to_path_buf())
            {
                files.push(entry.into_path());
            }
        }
    }
    // Each file goes to the innermost package that holds it.
    let mut grouped: Vec<Vec<PathBuf>> = vec![Vec::new(); packages.len()];
    let mut loose = Vec::new();
    for file in files {
        let owner = packages
            .iter()
            .enumerate()
            .filter(|(_, dir)| file.starts_with(dir))
            .max_by_key(|(_, dir)| dir.components().count());
        match owner {
            Some((i, _)) => grouped[i].push(file),
            None => loose.push(file),
        }
    }
    let mut units = Vec::new();
    if !loose.is_empty() || packages.is_empty() {
        let first = &paths[0];
        let name = first
            .file_stem()
            .map(|stem| stem.to_string_lossy().replace(['-', '.'], "_"))
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "paths".into());
        units.push(paths_unit(
            name,
            first,
            Edition::default(),
            loose,
            cwd,
            command_line,
        ));
    }
    for (dir, files) in packages.iter().zip(grouped) {
        if files.is_empty() {
            continue;
        }
        let (name, edition) = manifest_name_and_edition(dir);
        units.push(paths_unit(name, dir, edition, files, cwd, command_line));
    }
    Ok(units)
}

/// A package's crate name and edition from its `Cargo.toml`, read without cargo: the name of
/// its directory and the default edition when the manifest does not say (or inherits them
/// from a workspace that is not there).
fn manifest_name_and_edition(dir: &Path) -> (String, Edition) {
    let manifest: Option<toml::Table> = fs::read_to_string(dir.join("Cargo.toml"))
        .ok()
        .and_then(|text| toml::from_str(&text).ok());
    let package = manifest
        .as_ref()
        .and_then(|m| m.get("package"))
        .and_then(|p| p.as_table());
    let field = |key: &str| package.and_then(|p| p.get(key)).and_then(|v| v.as_str());
    let name = field("name")
        .map(str::to_owned)
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "paths".into())
        .replace(['-', '.'], "_");
    let edition = field("edition")
        .and_then(Edition::parse)
        .unwrap_or_default();
    (name, edition)
}

/// One paths-mode unit of `files`, named `name`, reported as if rooted at `root`.
fn paths_unit(
    name: String,
    root: &Path,
    edition: Edition,
    files: Vec<PathBuf>,
    cwd: &Path,
    command_line: &LintLevels,
) -> Unit {
    let target = Target {
        kind: vec!["lib".into()],
        crate_types: vec!["lib".into()],
        name: name.clone(),
        src_path: root.to_path_buf(),
        edition: edition_name(edition).into(),
        doc: false,
        doctest: false,
        test: false,
    };
    Unit {
        origin: Origin::Paths,
        package_id: format!("path+file://{}#{name}@0.0.0", root.display()),
        name,
        manifest_path: root.to_path_buf(),
        workspace_root: cwd.to_path_buf(),
        edition,
        targets: vec![target],
        files: CrateFiles::List(files),
        settings: Settings::command_line_only(command_line, cwd),
        cache_dir: None,
        selection: None,
    }
}

fn edition_name(edition: Edition) -> &'static str {
    match edition {
        Edition::E2015 => "2015",
        Edition::E2018 => "2018",
        Edition::E2021 => "2021",
        Edition::E2024 => "2024",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_errors_become_one_line() {
        assert_eq!(
            first_meaningful_line("error: manifest path `/x/Cargo.toml` does not exist\n"),
            "manifest path `/x/Cargo.toml` does not exist"
        );
        let nested = "error: failed to parse manifest at `/x/Cargo.toml`\n\nCaused by:\n  \
                      can't find library `x`, rename file to `src/lib.rs`\n";
        assert_eq!(
            first_meaningful_line(nested),
            "failed to parse manifest at `/x/Cargo.toml`: can't find library `x`, rename file to `src/lib.rs`"
        );
    }
}
