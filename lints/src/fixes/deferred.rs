//! Findings held until their function's body has been walked: a rule that needs the statements
//! around the flagged code to build its fix (where the guard's block goes on, every use of a
//! variable) holds each finding when it sees it, builds the fixes once the walk hands it the
//! whole body (`check_fn`), and reports them when the walk leaves the function (`exit_fn`).
//! Functions nest (a `fn` item inside a body), and so do the frames.

use crate::diagnostic::Diagnostic;
use crate::semantic::walker::{Condition, Sink};

/// One held finding.
#[derive(Debug)]
pub(crate) struct Held<X> {
    pub(crate) diagnostic: Diagnostic,
    /// Reported only if this holds (code hot through its callers), else always.
    pub(crate) condition: Option<Condition>,
    /// The address of the flagged expression (see [`super::tree::addr`]).
    pub(crate) at: usize,
    /// What else the rule keeps of the finding for its fix.
    pub(crate) extra: X,
}

impl<X> Held<X> {
    /// Reports the finding, under its condition.
    pub(crate) fn report(self, sink: &mut Sink<'_>) {
        match self.condition {
            Some(condition) => sink.report_if(condition, self.diagnostic),
            None => sink.report(self.diagnostic),
        }
    }
}

/// The findings held per function being walked, innermost last.
#[derive(Debug)]
pub(crate) struct Deferred<X> {
    frames: Vec<Vec<Held<X>>>,
}

impl<X> Default for Deferred<X> {
    fn default() -> Self {
        Deferred { frames: Vec::new() }
    }
}

impl<X> Deferred<X> {
    /// The walk enters a function body (or an initialiser).
    pub(crate) fn enter(&mut self) {
        self.frames.push(Vec::new());
    }

    /// Holds a finding until the function's end; outside any function it is handed back, to
    /// be reported now.
    pub(crate) fn hold(&mut self, held: Held<X>) -> Option<Held<X>> {
        match self.frames.last_mut() {
            Some(frame) => {
                frame.push(held);
                None
            }
            None => Some(held),
        }
    }

    /// The findings held in the innermost function, for their fixes.
    pub(crate) fn held(&mut self) -> &mut [Held<X>] {
        self.frames.last_mut().map_or(&mut [], Vec::as_mut_slice)
    }

    /// The walk leaves the innermost function: its findings, to be reported.
    pub(crate) fn exit(&mut self) -> Vec<Held<X>> {
        self.frames.pop().unwrap_or_default()
    }
}
