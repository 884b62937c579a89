//! Stateless helpers over syn's syntax trees: tables of method names, questions about
//! expressions, spawns and atomics as written. Nothing here knows a type, a scope or a lint.

pub(crate) mod atomics;
pub(crate) mod bounds;
pub(crate) mod exprs;
pub(crate) mod spawn;
pub(crate) mod tables;
