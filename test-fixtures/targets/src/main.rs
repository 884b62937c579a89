fn main() {
    let v = vec![1u8; 8];
    println!("{}", v.clone().len()); //~ over_copy
}
