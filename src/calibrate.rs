//! `cargo contention calibrate`: finds where the costs file goes (the package's
//! `target/contention/costs.json`, or `--output`), has `contention_bench::calibrate` measure
//! this machine's costs while it prints their table, and writes the file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use contention_bench::calibrate::{self as costs, Settings};

use crate::cli::CalibrateArgs;
use crate::{Error, cache, discover, proof};

/// Runs `calibrate` from the current directory: measures, prints the table to `out`, writes
/// the costs file and says where.
pub fn run(args: &CalibrateArgs, out: &mut dyn Write) -> Result<(), Error> {
    let cwd = std::env::current_dir().map_err(|error| Error::ReadPath {
        path: ".".into(),
        error,
    })?;
    // Found before measuring, so that a broken manifest fails at once, not ten seconds later.
    let path = output_file(args, &cwd)?;
    let settings = if args.quick {
        Settings::quick()
    } else {
        Settings::full()
    };
    // Writing the tables is the only I/O; a closed pipe there is not a failure.
    let failed = |error: anyhow::Error| match error.downcast::<io::Error>() {
        Ok(error) => Error::Output(error),
        Err(error) => Error::Bench(error),
    };
    let (measured, proof) = if args.check_estimates {
        let pairs: Vec<_> = contention_bench::pairs().iter().collect();
        let proof_settings = if args.quick {
            proof::Settings::quick()
        } else {
            proof::Settings::full()
        };
        let proof = proof::run(&pairs, &proof_settings, out).map_err(failed)?;
        (proof.costs.clone(), Some(proof))
    } else {
        (costs::measure(&settings, out).map_err(failed)?, None)
    };
    write(&path, &measured.to_json(), args.output.is_none()).map_err(|error| Error::WriteFile {
        path: path.clone(),
        error,
    })?;
    let shown = path.strip_prefix(&cwd).unwrap_or(&path);
    writeln!(out, "wrote {}", shown.display()).map_err(Error::Output)?;
    if let Some(proof) = proof {
        proof::print(&proof, out).map_err(Error::Output)?;
    }
    Ok(())
}

/// Where `calibrate` run from `cwd` writes: `--output` (relative to `cwd`), or
/// [`costs::FILE_NAME`] in the `contention` folder of cargo's target directory, where the
/// analysis cache lives too.
pub fn output_file(args: &CalibrateArgs, cwd: &Path) -> Result<PathBuf, Error> {
    match &args.output {
        Some(path) => Ok(cwd.join(path)),
        None => Ok(discover::target_directory(cwd)?
            .join("contention")
            .join(costs::FILE_NAME)),
    }
}

/// Writes `text` to `path` through a file beside it renamed over it, so that a `check` reading
/// the costs meanwhile sees the old file or the new one, never half of one. The cache folder
/// (`in_cache`) is marked as the analysis cache marks it, so that git ignores it.
fn write(path: &Path, text: &str, in_cache: bool) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    if in_cache {
        cache::mark_as_cache(dir)?;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    fs::write(&partial, text)
        .and_then(|()| fs::rename(&partial, path))
        .inspect_err(|_| {
            let _ = fs::remove_file(&partial);
        })
}
