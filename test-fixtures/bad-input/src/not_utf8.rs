//~ parse_error
// The next line is Latin-1, not UTF-8: café
pub fn unreadable() {}
