// A generated file that does not parse: it is reported, and the rest of the crate is still
// checked.
pub fn table() -> [u8; 2] { [1, 2,, 3] } //~ parse_error
