//! A library with unit tests inline, in a test-only module file and as a lone test function.

pub fn copy_all(v: &Vec<u8>) -> usize {
    v.clone().len() //~ over_copy
}

#[cfg(test)]
mod unit;

#[cfg(all(test, not(miri)))]
mod inline {
    #[test]
    fn copies() {
        let v = vec![1u8; 8];
        assert_eq!(v.clone().len(), 8); //~ over_copy
    }
}

#[test]
fn lone() {
    let v = vec![1u8; 8];
    assert_eq!(v.clone().len(), 8); //~ over_copy
}

#[cfg(not(test))]
pub fn production_only(v: &Vec<u8>) -> usize {
    v.clone().len() //~ over_copy
}
