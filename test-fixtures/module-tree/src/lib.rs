//! The library root: `mod.rs` and `name.rs` layouts, nested inline modules, `#[path]` at the
//! top level and inside an inline module, a file the binary reaches too, a raw-identifier
//! module, a `#[cfg_attr(.., path)]` module and modules declared inside `cfg_if!`.

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

pub mod r#async;

#[cfg_attr(target_os = "linux", path = "platform/linux.rs")]
pub mod platform;

cfg_if::cfg_if! {
    if #[cfg(unix)] {
        pub mod gated;
    } else {
        pub mod fallback;
    }
}
