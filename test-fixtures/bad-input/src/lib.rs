//! A crate whose module tree holds a file that does not parse, a module whose file is missing,
//! a file that is not UTF-8, and a parse error after multi-byte characters.

mod broken;
mod missing; //~ parse_error
mod multibyte;
mod not_utf8;

pub fn still_analysed() -> u32 {
    broken::fine() + 1
}
