//! `--statistics`: how many findings each lint produced, most frequent first, instead of the
//! findings themselves.

use std::io;

use codespan_reporting::term::termcolor::WriteColor;

use super::{Finding, Printer, Summary, no_findings};

/// Prints a table of counts per lint and level, then the total.
pub(super) struct Statistics<'w> {
    out: Box<dyn WriteColor + 'w>,
}

impl<'w> Statistics<'w> {
    pub(super) fn new(out: Box<dyn WriteColor + 'w>) -> Self {
        Statistics { out }
    }
}

impl Printer for Statistics<'_> {
    fn finding(&mut self, _finding: &Finding<'_>) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let total = summary.total();
        if total == 0 {
            return writeln!(self.out, "{}", no_findings(summary));
        }
        let mut rows: Vec<_> = summary.counts.iter().collect();
        rows.sort_by(|(a_key, a_count), (b_key, b_count)| {
            b_count.cmp(a_count).then(a_key.cmp(b_key))
        });
        let width = total.to_string().len();
        for ((lint, level), count) in rows {
            writeln!(self.out, "{count:>width$}  {:<5}  {lint}", level.as_str())?;
        }
        writeln!(self.out, "{total:>width$}  {:<5}  total", "")?;
        if !summary.left_out.is_empty() {
            // The clause without its leading "; ".
            writeln!(self.out, "{}", &summary.left_out_clause()[2..])?;
        }
        Ok(())
    }
}
