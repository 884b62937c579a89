//! Reached only through `#[cfg(test)] mod unit;`: all of it is test code.

#[test]
fn from_a_file() {
    let v = vec![1u8; 8];
    assert_eq!(v.clone().len(), 8); //~ over_copy
}
