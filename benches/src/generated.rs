//! Generated code for measuring and testing the checker on shapes real generators produce.

/// One function of `statements` `let`s (fresh `Arc`s, atomic loads, copies, locks, slices), the
/// shape of generated code in which every `let` searching all the statements after it was
/// quadratic; `end` (the function's last statements and its value, a `usize`) closes it. The
/// function's statements are on lines 4 to `statements + 3`.
pub fn long_function(statements: usize, end: &str) -> String {
    let mut text = String::from(
        "use std::sync::{Arc, Mutex, atomic::{AtomicUsize, Ordering}};\n\
         pub fn f(m: &Mutex<Vec<u8>>, c: &AtomicUsize, s: &String, v: &Vec<u8>) -> usize {\n    \
         let mut t = 0usize;\n",
    );
    for i in 0..statements {
        text.push_str(&match i % 6 {
            0 => format!("    let a{i} = Arc::new({i}usize); t += *a{i};\n"),
            1 => format!("    let l{i} = c.load(Ordering::Relaxed); t += l{i};\n"),
            2 => format!("    let s{i} = s.clone(); t += s{i}.len();\n"),
            3 => format!("    let n{i} = m.lock().unwrap().len(); t += n{i};\n"),
            4 => format!("    let v{i} = v[1..].to_vec(); t += v{i}[0] as usize;\n"),
            _ => format!("    let g{i} = m.lock().unwrap(); t += g{i}.len(); drop(g{i});\n"),
        });
    }
    text.push_str(end);
    text.push_str("}\n");
    text
}
