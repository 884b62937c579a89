//! Whole buffers copied when a part is used, and copies that are fine.

use std::sync::Arc;

fn cut(data: Vec<u8>, off: usize, len: usize) -> Vec<u8> {
    data[off..off + len].to_vec()
}

pub fn window(chunk: &Vec<u8>, off: usize) -> Vec<u8> {
    cut(chunk.clone(), off, 4096) //~ over_copy
}

pub fn header(buf: &Vec<u8>) -> Vec<u8> {
    buf.clone()[..16].to_vec() //~ over_copy
}

pub fn length(buf: &Vec<u8>) -> usize {
    buf.clone().len() //~ over_copy
}

pub fn tail(text: &String) -> String {
    let copy = text.clone(); //~ over_copy
    let n = copy.len();
    copy[n / 2..].to_string()
}

pub fn slice_copy(data: &[u8]) -> Vec<u8> {
    data.to_vec()[4..8].to_vec() //~ over_copy
}

// ---- look-alikes that must stay silent ----

/// Already the fix.
pub fn fixed(buf: &Vec<u8>) -> Vec<u8> {
    buf[..16].to_vec()
}

/// The copy is mutated.
pub fn mutated(buf: &Vec<u8>) -> Vec<u8> {
    let mut copy = buf.clone();
    copy.push(0);
    copy
}

/// The copy is moved whole.
pub fn moved(buf: &Vec<u8>) -> Vec<u8> {
    let copy = buf.clone();
    consume(copy)
}

fn consume(data: Vec<u8>) -> Vec<u8> {
    data
}

/// A function that uses its parameter whole.
pub fn whole(buf: &Vec<u8>) -> Vec<u8> {
    consume(buf.clone())
}

/// An `Arc` clone is not a copy of the buffer.
pub fn shared(buf: &Arc<Vec<u8>>) -> usize {
    buf.clone().len()
}

/// A literal is as long as the source shows: copying it once is a few bytes.
pub fn fields() -> (String, String) {
    let line = "name=value".to_owned();
    (line[..4].to_owned(), line[5..].to_owned())
}

/// A shadowing `let` is another variable: the first copy is still only sliced.
pub fn shadowed(buf: &Vec<u8>) -> usize {
    let copy = buf.clone(); //~ over_copy
    let head = copy[..2].len();
    let copy = vec![head as u8];
    consume(copy).len()
}

/// The same with the shadow's value made from the copy: the copy is used whole.
pub fn shadowed_whole(buf: &Vec<u8>) -> usize {
    let copy = buf.clone();
    let head = copy[..2].len();
    let copy = consume(copy);
    copy.len() + head
}
