//! A module declared inside `cfg_if!`.
