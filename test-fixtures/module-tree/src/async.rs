//! A module whose name is a keyword, declared `mod r#async;`.
