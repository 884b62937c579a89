//! The semantic model: what the analysis knows of a crate's code. `items` extracts each
//! file's items, `types` is the crate-wide table of them, `ty` the types as the source shows
//! them; `walker` walks function bodies with types, scopes, hot regions, live guards, spawns
//! and what blocks, and hands what it sees to a `Checker` (the rules); `hot` builds the call
//! graph and settles what is hot through callers; `sharing` tells which threads use a lock;
//! `test_code` finds the code that belongs to the test harness. Nothing here names a lint.

pub(crate) mod bindings;
pub(crate) mod hot;
pub(crate) mod ids;
pub(crate) mod items;
pub(crate) mod names;
pub(crate) mod sharing;
pub(crate) mod test_code;
pub(crate) mod ty;
pub(crate) mod types;
pub(crate) mod walker;
