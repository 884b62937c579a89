fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    for d in contention_lints::check_source(&text) {
        let line = text[..d.span.start].matches('\n').count() + 1;
        println!("{line}: {} {} | {} | notes={:?} help={:?}", d.lint.name, d.message, &text[d.span.start..d.span.end], d.notes, d.help);
    }
}
