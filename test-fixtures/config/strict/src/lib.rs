//! The package's own level (`deny`) beats the workspace's (`warn`).

mod broken;
mod vendored;
