//! Any text through the whole analysis: parse, macro expansion, the crate model and every lint.
//! A panic, a stack overflow or a hang is a bug; findings (a `parse_error` included) are fine.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The analysis takes text; a file that is not UTF-8 never reaches it (the loader reports it).
    if let Ok(text) = std::str::from_utf8(data) {
        let diagnostics = contention_lints::check_source(text);
        // Every span must lie inside the text, on character boundaries: the printers slice it.
        for diagnostic in &diagnostics {
            let span = diagnostic.span;
            assert!(span.start <= span.end && span.end <= text.len(), "{diagnostic:?}");
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
    }
});
