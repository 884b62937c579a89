//! The second member: a binary.

fn main() {
    println!("beta");
}
