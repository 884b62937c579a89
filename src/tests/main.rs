//! Integration tests of `cargo contention`: the fixture crates under `test-fixtures/` checked
//! through the library and through the built binary.

mod annotations;
mod bad_input;
mod baseline;
mod cache;
mod calibrate;
mod clippy;
mod common;
mod compile;
mod config;
mod discovery;
mod editor;
mod estimate;
mod exit;
mod explain;
mod fix;
mod fix_fixtures;
mod json;
mod meta;
mod output;
mod pairs;
mod sarif;
mod targets;
