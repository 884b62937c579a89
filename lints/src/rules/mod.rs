//! One module per lint. Each lint's documentation is the Markdown page beside its module.

pub(crate) mod parse_error;

use crate::registry::Lint;

/// Every lint, in catalogue order.
pub(crate) static ALL: &[&Lint] = &[&parse_error::PARSE_ERROR];
