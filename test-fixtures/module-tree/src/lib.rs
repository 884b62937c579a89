//! The library root: `mod.rs` and `name.rs` layouts, nested inline modules, `#[path]` at the
//! top level and inside an inline module, and a file the binary reaches too.

pub mod common;
pub mod dir_style;
pub mod file_style;

pub mod a {
    pub mod b;
}

#[path = "custom/renamed.rs"]
pub mod renamed;

pub mod nested_path {
    #[path = "moved.rs"]
    pub mod target;
}
