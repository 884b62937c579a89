//! Small programs in the shapes of real performance reports. Every finding is marked `//~`.

pub mod cache;
pub mod events;
pub mod generated;
pub mod journal;
pub mod ledger;
pub mod metrics;
pub mod publish;
pub mod router;
pub mod script;
pub mod stats;
