// Columns count characters, not bytes: the error on the next line comes after two-byte (é, ö)
// and four-byte (🦀) characters.
pub fn greet() -> &'static str { "héllo wörld 🦀" } pub fn = 1; //~ parse_error
