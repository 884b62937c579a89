mod common;

fn main() {
    println!("{}", common::answer());
}
