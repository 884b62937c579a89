//! The command line: clap's derive types plus the few things derive cannot express (the order
//! of `-W`/`-A`/`-D` flags, cargo's leading `contention` argument, one-line usage errors).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use contention_lints::Level;

/// `cargo contention`: finds the code shapes that make multi-threaded Rust slow.
#[derive(Debug, Parser)]
#[command(name = "cargo-contention", bin_name = "cargo contention", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// A subcommand.
// One value per run: the size of `check`'s arguments costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check crates (or files) for contention-prone code.
    Check(CheckArgs),
    /// Run each lint's paired benchmark (the flagged shape against its fix) over thread counts.
    Bench(contention_bench::BenchArgs),
    /// Measure this machine's primitive costs (atomics, locks, copies, allocation, threads) for
    /// the findings' cost notes, and keep them in `target/contention/costs.json`.
    Calibrate(CalibrateArgs),
    /// Print a lint's documentation: what it flags, why it is slow, and what to write instead.
    Explain(ExplainArgs),
    /// List every lint with its default level and a one-line summary.
    Lints(LintsArgs),
}

/// The arguments of `calibrate`.
#[derive(Debug, Clone, Default, Args)]
pub struct CalibrateArgs {
    /// Fewer and shorter repetitions: a second or two instead of about ten.
    #[arg(long)]
    pub quick: bool,

    /// Write the costs to FILE instead of `costs.json` in the package's `target/contention/`
    /// (`./target/contention/` outside a package).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Then hold the findings' estimates to the paired benchmarks: each pair's flagged side
    /// measured at 1 and 2 threads against the estimate of its finding, priced with the
    /// figures just measured (half a minute more, or a few seconds with --quick).
    #[arg(long)]
    pub check_estimates: bool,
}

/// The arguments of `explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The lint, by name (`mutex_scalar`) or code (`contention::mutex_scalar`).
    #[arg(value_name = "LINT")]
    pub lint: String,
}

/// The arguments of `lints`.
#[derive(Debug, Clone, Args)]
pub struct LintsArgs {
    /// `text`: one aligned row per lint; `json`: an array of objects with the documentation.
    #[arg(long, value_enum, value_name = "FMT", default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// The output formats of `lints`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Name, default level and summary, one lint a line.
    Text,
    /// A JSON array, one object per lint.
    Json,
}

/// The arguments of `check`.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Exit status: 0 when no finding is at deny level, 1 when one is, \
                        2 on a usage or I/O error."
)]
pub struct CheckArgs {
    /// Files or directories to check. A directory holding a `Cargo.toml` is checked as that
    /// package or workspace; other files and directories are checked together as one crate.
    /// Without PATH, the package in the current directory is checked.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Path to the `Cargo.toml` of the package or workspace to check.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Check every member of the workspace.
    #[arg(long, conflicts_with = "packages")]
    pub workspace: bool,

    /// Check only this workspace member (may be repeated).
    #[arg(short = 'p', long = "package", value_name = "NAME", id = "packages")]
    pub packages: Vec<String>,

    /// Which targets' findings are reported (by default the library, the binaries and the
    /// build script, without their test code, as `cargo check` builds).
    #[command(flatten)]
    pub targets: crate::targets::TargetArgs,

    /// How findings are printed.
    #[arg(long, value_enum, value_name = "FMT", default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,

    /// When to colour the human and short output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Set a lint (or `all`) to warn. `-W`, `-A` and `-D` apply in order: later ones win.
    #[arg(short = 'W', long = "warn", value_name = "LINT", id = "warn")]
    warn: Vec<String>,

    /// Set a lint (or `all`) to allow: its findings are not reported.
    #[arg(short = 'A', long = "allow", value_name = "LINT", id = "allow")]
    allow: Vec<String>,

    /// Set a lint (or `all`) to deny: its findings make the exit status 1.
    #[arg(short = 'D', long = "deny", value_name = "LINT", id = "deny")]
    deny: Vec<String>,

    /// Print the number of findings per lint, with their estimated cost, instead of the
    /// findings.
    #[arg(long)]
    pub statistics: bool,

    /// The order of the findings: by file and position, or by estimated cost per call, largest
    /// first (findings without an estimate last).
    #[arg(long, value_enum, value_name = "KEY", default_value_t = SortKey::Position)]
    pub sort: SortKey,

    /// Read this machine's costs, for the findings' cost notes, from FILE instead of
    /// `costs.json` in the package's `target/contention/` (where `calibrate` writes it).
    #[arg(long, value_name = "FILE")]
    pub costs: Option<PathBuf>,

    /// Apply the suggestions that are certainly correct (MachineApplicable), then report what
    /// is left. Each file is replaced atomically, and only if the result still parses.
    #[arg(long)]
    pub fix: bool,

    /// With `--fix`: apply the suggestions that are probably right but may change behaviour or
    /// need a look (MaybeIncorrect) as well. Each lint's page says what its fix does and why it
    /// is in its tier (`cargo contention explain LINT`).
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,

    /// With `--fix`: change files even if their git working tree has uncommitted changes.
    #[arg(long, requires = "fix")]
    pub allow_dirty: bool,

    /// Report only findings that are not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in this baseline file instead of reporting them.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// With `--message-format json`: run `cargo clippy --message-format=json` too and pass its
    /// messages through in the same stream, for rust-analyzer's `check.overrideCommand`.
    #[arg(long)]
    pub with_clippy: bool,

    /// Neither read nor write the analysis cache in `target/contention/`.
    #[arg(long)]
    pub no_cache: bool,

    /// The `-W`/`-A`/`-D` flags in command-line order, filled in by [`parse`].
    #[arg(skip)]
    pub lint_flags: Vec<LintFlag>,
}

/// One `-W`/`-A`/`-D` flag: a lint name (or `all`), not yet checked against the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintFlag {
    pub level: Level,
    pub lint: String,
}

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Diagnostics as rustc prints them, with source snippets, then a summary.
    Human,
    /// One line per finding: `path:line:column: level[lint]: message`.
    Short,
    /// Cargo's JSON message format, one object per line (for editors and tools).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: an annotation per finding on the pull request.
    Github,
}

/// `--sort` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    /// By file, line and column.
    Position,
    /// By estimated cost per call, largest first; findings without an estimate last, by
    /// position.
    Cost,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when printing to a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour output going to a terminal (`is_terminal`) or not.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
            }
        }
    }
}

/// Parses the process arguments. cargo runs a subcommand as `cargo-contention contention
/// check ..`; the second argument is dropped when it is `contention`, so running the binary
/// directly (`cargo-contention check ..`) works too.
pub fn parse<I, T>(args: I) -> Result<Command, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    if args.get(1).is_some_and(|arg| arg == "contention") {
        args.remove(1);
    }
    let matches = Cli::command().try_get_matches_from(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    match &mut cli.command {
        Command::Check(check) => {
            let (_, sub) = matches.subcommand().expect("clap requires the subcommand");
            check.lint_flags = lint_flags_in_order(sub);
        }
        Command::Bench(_) | Command::Calibrate(_) | Command::Explain(_) | Command::Lints(_) => {}
    }
    Ok(cli.command)
}

/// Merges the `-W`, `-A` and `-D` values into one list in the order they were given, since
/// "later flags win" needs their relative order, which clap keeps only as argument indices.
fn lint_flags_in_order(matches: &ArgMatches) -> Vec<LintFlag> {
    let mut flags = Vec::new();
    for (id, level) in [
        ("warn", Level::Warn),
        ("allow", Level::Allow),
        ("deny", Level::Deny),
    ] {
        let (Some(indices), Some(values)) =
            (matches.indices_of(id), matches.get_many::<String>(id))
        else {
            continue;
        };
        for (index, lint) in indices.zip(values) {
            flags.push((
                index,
                LintFlag {
                    level,
                    lint: lint.clone(),
                },
            ));
        }
    }
    flags.sort_by_key(|(index, _)| *index);
    flags.into_iter().map(|(_, flag)| flag).collect()
}

/// The one line to print for a clap error that is not `--help` or `--version`: clap's first
/// line (`error: unexpected argument '--frob' found`), without its usage block.
pub fn one_line_error(error: &clap::Error) -> String {
    if error.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let command = Cli::command();
        let names: Vec<String> = command
            .get_subcommands()
            .map(|sub| format!("`{}`", sub.get_name()))
            .collect();
        return format!(
            "no subcommand given (expected {}; see `cargo contention --help`)",
            names.join(", ")
        );
    }
    let rendered = error.render().to_string();
    let mut lines = rendered
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty());
    let first = lines.next().unwrap_or("invalid arguments");
    let mut line = first.strip_prefix("error: ").unwrap_or(first).to_owned();
    // "the following required arguments were not provided:" lists them on the next lines.
    if line.ends_with(':') {
        let listed: Vec<&str> = lines.take_while(|line| !line.is_empty()).collect();
        line = format!("{} {}", line, listed.join(", "));
    }
    format!("{line} (see `cargo contention --help`)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_args(args: &[&str]) -> CheckArgs {
        let mut all = vec!["cargo-contention"];
        all.extend_from_slice(args);
        match parse(all).expect("arguments parse") {
            Command::Check(check) => check,
            other => panic!("expected `check`, got {other:?}"),
        }
    }

    #[test]
    fn cargo_passes_the_subcommand_name_first() {
        let direct = check_args(&["check", "src"]);
        let via_cargo = check_args(&["contention", "check", "src"]);
        assert_eq!(direct.paths, via_cargo.paths);
    }

    #[test]
    fn lint_flags_keep_command_line_order() {
        let check = check_args(&["check", "-D", "all", "-A", "over_copy", "-Wparse_error"]);
        let order: Vec<(Level, &str)> = check
            .lint_flags
            .iter()
            .map(|f| (f.level, f.lint.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                (Level::Deny, "all"),
                (Level::Allow, "over_copy"),
                (Level::Warn, "parse_error"),
            ]
        );
    }

    #[test]
    fn workspace_and_package_conflict() {
        let error = parse(["cargo-contention", "check", "--workspace", "-p", "a"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict);
        assert!(!one_line_error(&error).contains('\n'));
    }

    #[test]
    fn calibrate_takes_quick_and_an_output_file() {
        match parse(["cargo-contention", "contention", "calibrate"]).unwrap() {
            Command::Calibrate(args) => assert!(!args.quick && args.output.is_none()),
            other => panic!("expected `calibrate`, got {other:?}"),
        }
        match parse([
            "cargo-contention",
            "calibrate",
            "--quick",
            "-o",
            "costs.json",
        ])
        .unwrap()
        {
            Command::Calibrate(args) => {
                assert!(args.quick);
                assert_eq!(args.output, Some(PathBuf::from("costs.json")));
            }
            other => panic!("expected `calibrate`, got {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let check = check_args(&["check"]);
        assert_eq!(check.message_format, MessageFormat::Human);
        assert_eq!(check.color, ColorChoice::Auto);
        assert!(check.paths.is_empty() && check.lint_flags.is_empty() && !check.statistics);
        assert_eq!(check.sort, SortKey::Position);
        assert_eq!(check.costs, None);
    }
}
