pub fn fine() -> u32 {
    1
}

pub fn unfinished(x: u32) -> u32 {
    let y = x +; //~ parse_error
    y
}
