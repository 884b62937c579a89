//! `--statistics`: how many findings each lint produced, most frequent first, with the
//! estimated cost of those that have one, instead of the findings themselves.

use std::io;

use codespan_reporting::term::termcolor::WriteColor;

use super::{Estimated, Finding, Printer, Summary, no_findings};
use crate::estimate::duration;

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
        let lint_width = rows.iter().map(|((lint, _), _)| lint.len()).max();
        let lint_width = lint_width.unwrap_or(0).max("total".len());
        // A lint at two levels has its estimate on its first row, for all its findings.
        let mut estimated: Vec<&str> = Vec::new();
        for ((lint, level), count) in rows {
            let cost = summary
                .estimated
                .get(lint)
                .filter(|_| !estimated.contains(lint))
                .map(|sum| estimate_column(sum, summary.per_lint()[lint]));
            estimated.push(lint);
            let row = format!(
                "{count:>width$}  {:<5}  {lint:<lint_width$}  {}",
                level.as_str(),
                cost.unwrap_or_default()
            );
            writeln!(self.out, "{}", row.trim_end())?;
        }
        let all = summary
            .estimated
            .values()
            .fold(Estimated::default(), |all, sum| Estimated {
                per_call_ns: all.per_call_ns + sum.per_call_ns,
                findings: all.findings + sum.findings,
            });
        let cost = (all.findings > 0).then(|| estimate_column(&all, total));
        let row = format!(
            "{total:>width$}  {:<5}  {:<lint_width$}  {}",
            "",
            "total",
            cost.unwrap_or_default()
        );
        writeln!(self.out, "{}", row.trim_end())?;
        if all.findings > 0 {
            writeln!(
                self.out,
                "estimated: each finding's cost per call of its code (per occurrence where the \
                 loop bounds are not known), with every core running it where that changes it, \
                 summed; {}",
                summary.bases.join("; ")
            )?;
        }
        if !summary.left_out.is_empty() {
            // The clause without its leading "; ".
            writeln!(self.out, "{}", &summary.left_out_clause()[2..])?;
        }
        Ok(())
    }
}

/// `about 1.2 µs a call`, with `(2 of 3 findings)` when some have no estimate.
fn estimate_column(sum: &Estimated, findings: usize) -> String {
    let mut text = format!("about {} a call", duration(sum.per_call_ns));
    if sum.findings < findings {
        text += &format!(" ({} of {findings} findings)", sum.findings);
    }
    text
}
