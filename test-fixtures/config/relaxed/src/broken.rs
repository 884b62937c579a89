pub fn relaxed() -> u32 {
    let value = ; //~ parse_error
    value
}
