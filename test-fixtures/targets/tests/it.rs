#[test]
fn integration() {
    let v = vec![1u8; 8];
    assert_eq!(v.clone().len(), 8); //~ over_copy
}
