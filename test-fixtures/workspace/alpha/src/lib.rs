//! The first member: a library with one child module.

pub mod counter;
