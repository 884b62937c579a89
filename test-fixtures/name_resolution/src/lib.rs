//! Two `State`s, a `Config` reached through a re-export and a glob, and `#[cfg]` twins.

pub mod client;
pub mod server;
mod settings;
mod twins;

// A re-export: `crate::Config` is `settings::inner::Config`.
pub use settings::inner::Config;
