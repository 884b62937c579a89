// Excluded by the workspace (`src/generated`): this file does not parse, and no finding is
// reported for it.
pub fn generated( {
