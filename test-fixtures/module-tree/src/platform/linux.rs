//! The Linux implementation, picked by `#[cfg_attr(target_os = "linux", path = ..)]`.
