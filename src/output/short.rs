//! One line per finding, `path:line:column: level[lint]: message`, for grep and editors'
//! quickfix lists. Nothing is printed when there are no findings.

use std::io;

use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config, DisplayStyle};

use super::{Finding, Printer, Summary, human};

/// Prints each finding on one line.
pub(super) struct Short<'w> {
    out: Box<dyn WriteColor + 'w>,
    config: Config,
}

impl<'w> Short<'w> {
    pub(super) fn new(out: Box<dyn WriteColor + 'w>) -> Self {
        Short {
            out,
            config: Config {
                display_style: DisplayStyle::Short,
                ..human::config()
            },
        }
    }
}

impl Printer for Short<'_> {
    fn finding(&mut self, finding: &Finding<'_>) -> io::Result<()> {
        let rendered = human::to_codespan(finding);
        term::emit_to_write_style(&mut *self.out, &self.config, &finding.unit.files, &rendered)
            .map_err(human::to_io)
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
