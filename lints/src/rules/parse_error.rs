#![doc = include_str!("parse_error.md")]

use crate::registry::declare_lint;

declare_lint!(
    pub(crate) PARSE_ERROR,
    "parse_error",
    Deny,
    "a file that does not parse (or cannot be read); the rest of the crate is still analysed",
    "parse_error.md"
);
