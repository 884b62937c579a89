pub fn moved() {}
