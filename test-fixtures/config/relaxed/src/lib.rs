//! No package settings: the workspace's level (`warn`) and exclusions apply.

mod broken;
mod generated;
