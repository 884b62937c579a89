pub fn next(n: u64) -> u64 {
    n + 1
}
