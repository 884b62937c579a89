//! Settings of a checked crate: lint levels, extra hot functions and excluded paths, from the
//! lints' defaults, `[workspace.metadata.contention]`, `[package.metadata.contention]` and the
//! command line, each layer overriding the ones before it.
//!
//! ```toml
//! [package.metadata.contention]
//! lints = { mutex_scalar = "deny", seqcst_counter = "warn" }
//! hot-functions = ["tick", "Worker::step"]
//! exclude = ["src/generated/**"]
//! ```

use std::path::{Path, PathBuf};

use contention_lints::{AnalysisConfig, Level, Lint, registry};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde_json::Value;

use crate::Error;
use crate::cli::LintFlag;

/// Which lints a level applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintSelector {
    All,
    One(&'static Lint),
}

impl LintSelector {
    /// `all` or a registered lint name.
    pub fn parse(name: &str) -> Option<LintSelector> {
        if name == "all" {
            Some(LintSelector::All)
        } else {
            registry::find(name).map(LintSelector::One)
        }
    }

    fn matches(self, lint: &Lint) -> bool {
        match self {
            LintSelector::All => true,
            LintSelector::One(one) => one == lint,
        }
    }
}

/// Level settings applied in order on top of each lint's default: the last that matches wins.
#[derive(Debug, Clone, Default)]
pub struct LintLevels {
    rules: Vec<(LintSelector, Level)>,
}

impl LintLevels {
    /// The command line's `-W`/`-A`/`-D` flags, in the order given.
    pub fn from_flags(flags: &[LintFlag]) -> Result<LintLevels, Error> {
        let rules = flags
            .iter()
            .map(|flag| match LintSelector::parse(&flag.lint) {
                Some(selector) => Ok((selector, flag.level)),
                None => Err(Error::UnknownLint(flag.lint.clone())),
            })
            .collect::<Result<_, _>>()?;
        Ok(LintLevels { rules })
    }

    /// `self`'s rules followed by `later`'s, which therefore win.
    pub fn then(&self, later: &LintLevels) -> LintLevels {
        let mut rules = self.rules.clone();
        rules.extend_from_slice(&later.rules);
        LintLevels { rules }
    }

    /// The level of `lint` after every rule.
    pub fn level_of(&self, lint: &Lint) -> Level {
        self.rules
            .iter()
            .rev()
            .find(|(selector, _)| selector.matches(lint))
            .map_or(lint.default_level, |(_, level)| *level)
    }
}

/// One `metadata.contention` table of a manifest.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub levels: LintLevels,
    pub hot_functions: Vec<String>,
    pub exclude: Vec<Glob>,
    /// `all-targets = true`: report every target's findings when no target flag is given.
    pub all_targets: Option<bool>,
}

impl Section {
    /// Reads the `contention` table of a manifest's `metadata` value (cargo gives `null` when
    /// there is none). `table` names the table in errors: `package.metadata` or
    /// `workspace.metadata`.
    pub fn from_metadata(metadata: &Value, table: &str, manifest: &Path) -> Result<Section, Error> {
        let Some(contention) = metadata.get("contention") else {
            return Ok(Section::default());
        };
        let prefix = format!("{table}.contention");
        let invalid = |key: &str, reason: String| Error::Config {
            manifest: manifest.to_path_buf(),
            key: key.to_owned(),
            reason,
        };
        let Value::Object(entries) = contention else {
            return Err(invalid(
                &prefix,
                format!("expected a table, found {}", kind(contention)),
            ));
        };
        let mut section = Section::default();
        for (key, value) in entries {
            let full_key = format!("{prefix}.{key}");
            match key.as_str() {
                "lints" => section.levels = parse_lints(value, &full_key, &invalid)?,
                "hot-functions" => {
                    section.hot_functions = string_list(value, &full_key, &invalid)?;
                }
                "exclude" => {
                    section.exclude = string_list(value, &full_key, &invalid)?
                        .iter()
                        .map(|pattern| {
                            GlobBuilder::new(pattern)
                                .literal_separator(true)
                                .build()
                                .map_err(|e| invalid(&full_key, e.to_string()))
                        })
                        .collect::<Result<_, _>>()?;
                }
                "all-targets" => {
                    let Value::Bool(all) = value else {
                        return Err(invalid(
                            &full_key,
                            format!("expected true or false, found {}", kind(value)),
                        ));
                    };
                    section.all_targets = Some(*all);
                }
                _ => {
                    return Err(invalid(
                        &full_key,
                        "unknown key (expected `lints`, `hot-functions`, `exclude` or \
                         `all-targets`)"
                            .into(),
                    ));
                }
            }
        }
        Ok(section)
    }
}

/// `lints = { name = "level", .. }`. `all` applies before the named lints of the same table,
/// whatever the order in the file (cargo hands tables over with sorted keys).
fn parse_lints(
    value: &Value,
    key: &str,
    invalid: &dyn Fn(&str, String) -> Error,
) -> Result<LintLevels, Error> {
    let Value::Object(entries) = value else {
        return Err(invalid(
            key,
            format!("expected a table, found {}", kind(value)),
        ));
    };
    let mut rules = Vec::new();
    for (name, level) in entries {
        let lint_key = format!("{key}.{name}");
        let selector = LintSelector::parse(name)
            .ok_or_else(|| invalid(&lint_key, format!("unknown lint `{name}`")))?;
        let level = level.as_str().and_then(Level::parse).ok_or_else(|| {
            invalid(
                &lint_key,
                format!("expected \"allow\", \"warn\" or \"deny\", found {level}"),
            )
        })?;
        rules.push((selector, level));
    }
    rules.sort_by_key(|(selector, _)| *selector != LintSelector::All);
    Ok(LintLevels { rules })
}

fn string_list(
    value: &Value,
    key: &str,
    invalid: &dyn Fn(&str, String) -> Error,
) -> Result<Vec<String>, Error> {
    let expected = || invalid(key, format!("expected an array of strings, found {value}"));
    value
        .as_array()
        .ok_or_else(expected)?
        .iter()
        .map(|item| item.as_str().map(str::to_owned).ok_or_else(expected))
        .collect()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

/// The settings of one checked crate, all layers merged.
#[derive(Debug, Clone)]
pub struct Settings {
    pub levels: LintLevels,
    pub analysis: AnalysisConfig,
    /// Report every target when no target flag is given (`all-targets = true`; the package's
    /// setting wins over the workspace's).
    pub all_targets: bool,
    /// Exclusion patterns, matched against paths relative to `root`.
    exclude: GlobSet,
    root: PathBuf,
}

impl Settings {
    /// Merges the workspace's section, the package's section and the command line, in that
    /// order of precedence. Exclusion patterns of both sections are relative to `root`, the
    /// package's directory. `manifest` names the package in errors.
    pub fn merge(
        workspace: &Section,
        package: &Section,
        command_line: &LintLevels,
        root: &Path,
        manifest: &Path,
    ) -> Result<Settings, Error> {
        let mut globs = GlobSetBuilder::new();
        for glob in workspace.exclude.iter().chain(&package.exclude) {
            globs.add(glob.clone());
        }
        let exclude = globs.build().map_err(|e| Error::Config {
            manifest: manifest.to_path_buf(),
            key: "exclude".into(),
            reason: e.to_string(),
        })?;
        let mut hot_functions = workspace.hot_functions.clone();
        hot_functions.extend(package.hot_functions.iter().cloned());
        Ok(Settings {
            levels: workspace.levels.then(&package.levels).then(command_line),
            analysis: AnalysisConfig { hot_functions },
            all_targets: package.all_targets.or(workspace.all_targets) == Some(true),
            exclude,
            root: root.to_path_buf(),
        })
    }

    /// Settings with only the command line's levels (paths mode has no manifest).
    pub fn command_line_only(command_line: &LintLevels, root: &Path) -> Settings {
        Settings {
            levels: command_line.clone(),
            analysis: AnalysisConfig::default(),
            all_targets: true,
            exclude: GlobSet::empty(),
            root: root.to_path_buf(),
        }
    }

    /// Whether findings in `file` are not reported: a pattern matches its path relative to the
    /// package root, or one of that path's directories (so `src/generated` excludes the files
    /// under it).
    pub fn is_excluded(&self, file: &Path) -> bool {
        let Ok(relative) = file.strip_prefix(&self.root) else {
            return false;
        };
        relative
            .ancestors()
            .filter(|path| !path.as_os_str().is_empty())
            .any(|path| self.exclude.is_match(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn section(metadata: Value) -> Result<Section, Error> {
        Section::from_metadata(&metadata, "package.metadata", Path::new("/p/Cargo.toml"))
    }

    fn parse_error() -> &'static Lint {
        registry::find("parse_error").expect("parse_error is registered")
    }

    #[test]
    fn no_table_is_the_defaults() {
        let empty = section(Value::Null).unwrap();
        assert!(empty.hot_functions.is_empty() && empty.exclude.is_empty());
        assert_eq!(
            empty.levels.level_of(parse_error()),
            parse_error().default_level
        );
    }

    #[test]
    fn reads_every_key() {
        let s = section(json!({"contention": {
            "lints": {"parse_error": "warn"},
            "hot-functions": ["tick", "Worker::step"],
            "exclude": ["src/gen/**"],
        }}))
        .unwrap();
        assert_eq!(s.levels.level_of(parse_error()), Level::Warn);
        assert_eq!(s.hot_functions, ["tick", "Worker::step"]);
        assert_eq!(s.exclude.len(), 1);
    }

    #[test]
    fn named_lints_override_all_in_one_table() {
        let s = section(json!({"contention": {"lints": {"parse_error": "warn", "all": "allow"}}}))
            .unwrap();
        assert_eq!(s.levels.level_of(parse_error()), Level::Warn);
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            (
                json!({"contention": {"lints": {"no_such_lint": "warn"}}}),
                "lints.no_such_lint",
            ),
            (
                json!({"contention": {"lints": {"parse_error": "loud"}}}),
                "lints.parse_error",
            ),
            (
                json!({"contention": {"hot-functions": "tick"}}),
                "hot-functions",
            ),
            (json!({"contention": {"exclude": ["a[b"]}}), "exclude"),
            (
                json!({"contention": {"hot_functions": []}}),
                "hot_functions",
            ),
            (json!({"contention": 3}), "package.metadata.contention"),
        ];
        for (metadata, key) in cases {
            let message = section(metadata).unwrap_err().to_string();
            assert!(
                message.contains(&format!("package.metadata.contention.{key}`"))
                    || message.contains(&format!("`{key}`")),
                "{message}"
            );
            assert!(!message.contains('\n'));
        }
    }

    #[test]
    fn layers_apply_in_order() {
        let workspace = section(json!({"contention": {"lints": {"parse_error": "warn"}}})).unwrap();
        let package = section(json!({"contention": {"lints": {"parse_error": "allow"}}})).unwrap();
        let root = Path::new("/p");
        let merged = |flags: &[(Level, &str)]| {
            let flags: Vec<LintFlag> = flags
                .iter()
                .map(|(level, lint)| LintFlag {
                    level: *level,
                    lint: (*lint).into(),
                })
                .collect();
            let cli = LintLevels::from_flags(&flags).unwrap();
            Settings::merge(&workspace, &package, &cli, root, root)
                .unwrap()
                .levels
                .level_of(parse_error())
        };
        assert_eq!(merged(&[]), Level::Allow);
        assert_eq!(merged(&[(Level::Deny, "parse_error")]), Level::Deny);
        assert_eq!(
            merged(&[(Level::Deny, "parse_error"), (Level::Warn, "all")]),
            Level::Warn
        );
        let only_workspace = Settings::merge(
            &workspace,
            &Section::default(),
            &LintLevels::default(),
            root,
            root,
        )
        .unwrap();
        assert_eq!(only_workspace.levels.level_of(parse_error()), Level::Warn);
    }

    #[test]
    fn unknown_lint_on_the_command_line() {
        let flag = LintFlag {
            level: Level::Warn,
            lint: "nope".into(),
        };
        let error = LintLevels::from_flags(&[flag]).unwrap_err();
        assert_eq!(error.to_string(), "unknown lint `nope`");
    }

    #[test]
    fn exclusion_matches_files_and_directories() {
        let s =
            section(json!({"contention": {"exclude": ["src/generated", "**/*_pb.rs"]}})).unwrap();
        let root = Path::new("/p");
        let settings =
            Settings::merge(&Section::default(), &s, &LintLevels::default(), root, root).unwrap();
        assert!(settings.is_excluded(Path::new("/p/src/generated/a/b.rs")));
        assert!(settings.is_excluded(Path::new("/p/src/deep/x_pb.rs")));
        assert!(!settings.is_excluded(Path::new("/p/src/lib.rs")));
        assert!(!settings.is_excluded(Path::new("/elsewhere/src/generated/x.rs")));
    }
}
