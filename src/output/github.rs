//! GitHub Actions workflow commands: one `::warning` or `::error` line per finding, which the
//! runner turns into an annotation on the pull request's diff.
//!
//! Paths are relative to the current directory, which in a workflow is the repository root,
//! where GitHub resolves them. Values are escaped as the runner unescapes them: `%`, CR and LF
//! everywhere, and `:` and `,` inside properties as well.

use std::io::{self, Write};

use contention_lints::Level;

use super::{Finding, Printer, Summary, full_message};

/// Prints one workflow command per finding and nothing else.
pub(super) struct Github<W> {
    out: W,
}

impl<W: Write> Github<W> {
    pub(super) fn new(out: W) -> Self {
        Github { out }
    }
}

impl<W: Write> Printer for Github<W> {
    fn finding(&mut self, finding: &Finding<'_>) -> io::Result<()> {
        let d = finding.diagnostic;
        let file = finding.file();
        let start = file.position(d.span.start);
        let end = file.position(d.span.end.max(d.span.start));
        let command = match d.level {
            Level::Deny => "error",
            Level::Warn | Level::Allow => "warning",
        };
        writeln!(
            self.out,
            "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}",
            escape_property(&file.display),
            start.line,
            end.line,
            start.column,
            end.column,
            escape_property(&d.lint.code()),
            escape_data(&full_message(d)),
        )
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// Escapes a workflow command's message, as the runner's `escapeData` does.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value, as the runner's `escapeProperty` does.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_first_then_line_breaks() {
        assert_eq!(escape_data("100% of\r\nit"), "100%25 of%0D%0Ait");
        // An already escaped-looking sequence must survive the round trip unchanged.
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
    }

    #[test]
    fn properties_escape_colons_and_commas_too() {
        assert_eq!(
            escape_property("contention::over_copy"),
            "contention%3A%3Aover_copy"
        );
        assert_eq!(escape_property("a,b%\n"), "a%2Cb%25%0A");
    }
}
