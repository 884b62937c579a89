pub fn renamed() {}
