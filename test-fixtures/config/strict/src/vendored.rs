// Excluded by the package: this file does not parse, and no finding is reported for it.
pub fn vendored( {
