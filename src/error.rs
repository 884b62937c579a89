//! The errors that stop a run (exit status 2). Each renders as one line that names what was
//! wrong and where; a problem inside one source file is a finding instead, and the run goes on.
//!
//! Every message is complete in itself (causes are part of the text, not `source()` chains), so
//! the binary prints exactly one line whatever wraps it.

use std::io;
use std::path::PathBuf;

/// A usage, manifest, configuration or I/O error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The paired benchmarks failed (an unknown lint, a result that differs, an I/O error), or
    /// the calibration did.
    #[error(transparent)]
    Bench(anyhow::Error),

    /// A lint name on the command line that the registry does not know.
    #[error("unknown lint `{0}`")]
    UnknownLint(String),

    /// Options that cannot be used together, or that need something not given.
    #[error("{0}")]
    Usage(String),

    /// No `Cargo.toml` in the current directory or any parent.
    #[error("could not find `Cargo.toml` in `{}` or any parent directory", .0.display())]
    NoManifest(PathBuf),

    /// `cargo metadata` could not read a manifest; `reason` is cargo's first line.
    #[error("could not read manifest `{}`: {reason}", path.display())]
    Manifest { path: PathBuf, reason: String },

    /// A bad value in `[workspace.metadata.contention]` or `[package.metadata.contention]`.
    #[error("invalid configuration in `{}`: `{key}`: {reason}", manifest.display())]
    Config {
        manifest: PathBuf,
        /// The full key, e.g. `package.metadata.contention.lints.mutex_scalar`.
        key: String,
        reason: String,
    },

    /// `-p NAME` names no member of the selected workspaces.
    #[error("package `{name}` not found in the workspace at `{}`", workspace.display())]
    PackageNotFound { name: String, workspace: PathBuf },

    /// A PATH argument that does not exist.
    #[error("path `{}` does not exist", .0.display())]
    PathNotFound(PathBuf),

    /// A PATH argument or a directory under it that could not be read.
    #[error("could not read `{}`: {error}", path.display())]
    ReadPath { path: PathBuf, error: io::Error },

    /// A `--baseline` file that cannot be read or is not a baseline.
    #[error("could not read baseline `{}`: {reason}", path.display())]
    Baseline { path: PathBuf, reason: String },

    /// A file the run writes (`--write-baseline`, a `--fix`ed source file) could not be written.
    #[error("could not write `{}`: {error}", path.display())]
    WriteFile { path: PathBuf, error: io::Error },

    /// `--fix` would change files in a git working tree that has uncommitted changes.
    #[error(
        "not fixing: the git working tree at `{}` has uncommitted changes ({}); commit or stash \
         them, or pass `--allow-dirty`",
        root.display(),
        files.join(", ")
    )]
    DirtyTree { root: PathBuf, files: Vec<String> },

    /// `--with-clippy` could not run `cargo clippy` or read its output.
    #[error("could not run `cargo clippy`: {0}")]
    Clippy(String),

    /// Writing the report failed (a closed pipe is one case, which `main` treats as success).
    #[error("could not write the report: {0}")]
    Output(io::Error),
}

impl Error {
    /// Whether this is a write to a closed pipe (`cargo contention check | head -1`), which is
    /// not a failure of the run.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}
