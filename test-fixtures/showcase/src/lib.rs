//! Small programs in the shapes of real performance reports. Every finding is marked `//~`.

pub mod cache;
pub mod events;
// Left out of the build (`cfg(any())` never holds): the file does not parse, on purpose. The
// analysis reads modules whatever their `cfg`, and reports it.
#[cfg(any())]
pub mod generated;
pub mod journal;
pub mod ledger;
pub mod metrics;
pub mod publish;
pub mod router;
pub mod script;
pub mod stats;
