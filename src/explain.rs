//! `explain` and `lints`: the lint registry as people and tools read it, from the same
//! documentation pages that feed the JSON `explanation` and SARIF rule help.

use std::io::{self, Write};

use contention_lints::{Lint, registry};
use serde::Serialize;

use crate::Error;
use crate::cli::{ExplainArgs, LintsArgs, ListFormat};

/// Prints the documentation page of the lint `args` names (by name or `contention::` code).
pub fn explain(args: &ExplainArgs, out: &mut dyn Write) -> Result<(), Error> {
    let name = args.lint.strip_prefix("contention::").unwrap_or(&args.lint);
    let lint = registry::find(name).ok_or_else(|| Error::UnknownLint(args.lint.clone()))?;
    let docs = lint.docs.trim_end();
    writeln!(out, "{docs}").map_err(Error::Output)
}

/// One lint as `lints --format json` lists it.
#[derive(Serialize)]
struct Listed {
    name: &'static str,
    code: String,
    default_level: &'static str,
    summary: &'static str,
    explanation: &'static str,
}

/// Lists every lint: name, default level and summary, as aligned text or a JSON array.
pub fn list(args: &LintsArgs, out: &mut dyn Write) -> Result<(), Error> {
    let lints = registry::all();
    match args.format {
        ListFormat::Text => write_table(lints, out),
        ListFormat::Json => {
            let listed: Vec<Listed> = lints
                .iter()
                .map(|lint| Listed {
                    name: lint.name,
                    code: lint.code(),
                    default_level: lint.default_level.as_str(),
                    summary: lint.summary,
                    explanation: lint.docs,
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &listed)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
        }
    }
    .map_err(Error::Output)
}

fn write_table(lints: &[&Lint], out: &mut dyn Write) -> io::Result<()> {
    let width = lints.iter().map(|lint| lint.name.len()).max().unwrap_or(0);
    for lint in lints {
        writeln!(
            out,
            "{:<width$}  {:<5}  {}",
            lint.name,
            lint.default_level.as_str(),
            lint.summary
        )?;
    }
    Ok(())
}
