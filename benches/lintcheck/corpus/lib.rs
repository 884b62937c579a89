//! Exists only so that Cargo.toml is a package; the corpus is its dependency list.
