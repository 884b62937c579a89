#[test]
fn answers() {
    assert_eq!(module_tree::common::answer(), 42);
}
