fn main() {
    let v = vec![1u8; 8];
    println!("cargo:rustc-env=LEN={}", v.clone().len()); //~ over_copy
}
