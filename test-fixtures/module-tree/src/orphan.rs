// No `mod` item names this file: it is not part of the crate and is not analysed.
pub fn orphan() {}
