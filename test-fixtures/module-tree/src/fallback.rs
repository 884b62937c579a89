//! The fallback module declared in the `else` branch of `cfg_if!`.
