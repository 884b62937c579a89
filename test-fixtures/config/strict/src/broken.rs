pub fn strict() -> u32 {
    let total = 1 +; //~ parse_error
    total
}
