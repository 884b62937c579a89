//! The lint registry: every lint's name, default level, one-line summary and documentation.
//!
//! Each lint's documentation is the Markdown page beside its rule file, included here with
//! `include_str!`; that page is the single source for `explain`, the README table and SARIF help.

use std::fmt;

/// How a finding is treated. `Deny` findings make the run exit with status 1.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    /// The name used on the command line and in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// Parses `allow`, `warn`, `deny` (and `forbid`, which means `deny` here).
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" | "forbid" => Some(Level::Deny),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A lint's static description.
#[derive(Debug)]
pub struct Lint {
    /// `snake_case` name, as used in `allow(..)` and on the command line.
    pub name: &'static str,
    pub default_level: Level,
    /// One line: what the lint flags.
    pub summary: &'static str,
    /// The whole Markdown documentation page.
    pub docs: &'static str,
}

impl Lint {
    /// The diagnostic code, `contention::<name>`.
    pub fn code(&self) -> String {
        format!("contention::{}", self.name)
    }

    /// The text of one `## Section` of the documentation page, trimmed; empty when absent.
    pub fn doc_section(&self, title: &str) -> &'static str {
        let heading = format!("## {title}");
        let Some(start) = self.docs.find(&heading) else {
            return "";
        };
        let body = &self.docs[start + heading.len()..];
        let end = body.find("\n## ").unwrap_or(body.len());
        body[..end].trim()
    }
}

impl PartialEq for Lint {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Lint {}

/// Declares a lint whose documentation is the Markdown page `$page` next to the invoking file.
macro_rules! declare_lint {
    ($(#[$attr:meta])* $vis:vis $NAME:ident, $name:literal, $level:ident, $summary:literal, $page:literal) => {
        $(#[$attr])*
        $vis static $NAME: $crate::registry::Lint = $crate::registry::Lint {
            name: $name,
            default_level: $crate::registry::Level::$level,
            summary: $summary,
            docs: include_str!($page),
        };
    };
}
pub(crate) use declare_lint;

/// Looks a lint up by name.
pub fn find(name: &str) -> Option<&'static Lint> {
    crate::rules::ALL
        .iter()
        .copied()
        .find(|lint| lint.name == name)
}

/// Every lint, in catalogue order.
pub fn all() -> &'static [&'static Lint] {
    crate::rules::ALL
}
