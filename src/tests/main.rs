//! Integration tests of `cargo contention`: the fixture crates under `test-fixtures/` checked
//! through the library and through the built binary.

mod bad_input;
mod common;
mod config;
mod discovery;
mod exit;
mod fixtures;
mod json;
mod meta;
mod output;
mod pairs;
