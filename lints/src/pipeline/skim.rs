//! The text phase one parses: a file's text with the bodies of functions that cannot hold items
//! it reads, and its doc comments, overwritten with spaces. Offsets and lines stay where they
//! were, so spans are the original's; the parser lexes and parses a fraction of the text.
//!
//! A scanner, not a lexer: it knows comments, string, raw string, char and byte literals,
//! lifetimes and delimiters well enough never to take a brace inside one of them for a block.
//! It allocates nothing until it has something to blank.

/// A file's text as phase one parses it.
pub(crate) struct Skimmed {
    pub(crate) text: String,
    /// How many bytes were blanked.
    pub(crate) blanked: usize,
}

/// `text` with the bodies of functions that cannot hold an item phase one reads (see
/// [`holds_item_keyword`]) and doc comments replaced by spaces, newlines kept; `None` when there
/// is nothing to blank.
pub(crate) fn skim(text: &str) -> Option<Skimmed> {
    scan(text, true)
}

/// `text` with its doc comments replaced by spaces, newlines kept; `None` when it has none.
/// The analysis reads no documentation, and in a well-documented crate its doc comments are a
/// third of the text, each line an attribute for syn to build.
pub(crate) fn blank_docs(text: &str) -> Option<Skimmed> {
    scan(text, false)
}

fn scan(text: &str, bodies: bool) -> Option<Skimmed> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        at: 0,
        blanks: Vec::new(),
        bodies,
    };
    scanner.run();
    if scanner.blanks.is_empty() {
        return None;
    }
    let mut out = text.as_bytes().to_vec();
    let mut blanked = 0;
    for (start, end) in scanner.blanks {
        blanked += end - start;
        for byte in &mut out[start..end] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    // Every range blanked starts and ends at an ASCII byte, so whole characters are replaced.
    Some(Skimmed {
        text: String::from_utf8(out).expect("blanking whole characters keeps UTF-8"),
        blanked,
    })
}

/// Where the scanner is in a function's header.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Header {
    /// Not in one.
    Outside,
    /// Just after `fn`: a name makes it a function item (`fn(u8)` is a pointer type).
    Keyword,
    /// In the signature, inside this many generic brackets.
    Signature { angles: usize },
}

/// A function body being scanned.
struct Body {
    /// The delimiter depth inside its braces.
    depth: usize,
    /// Offset just after its `{`.
    start: usize,
    /// Whether it may hold an item phase one reads.
    keep: bool,
}

struct Scanner<'t> {
    bytes: &'t [u8],
    at: usize,
    /// Ranges to blank, in no particular order (they never overlap).
    blanks: Vec<(usize, usize)>,
    /// Whether function bodies are blanked too, or doc comments only.
    bodies: bool,
}

/// Is `word` a keyword that starts an item phase one reads inside a function body (a helper
/// function, an impl, a constant, a static; see `items::extract`)? `const` after `*` is a raw
/// pointer type, not an item.
fn holds_item_keyword(word: &[u8], after_star: bool) -> bool {
    matches!(word, b"fn" | b"impl" | b"static") || (word == b"const" && !after_star)
}

fn is_ident_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80
}

fn is_ident_continue(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    fn run(&mut self) {
        let mut depth = 0usize;
        let mut header = Header::Outside;
        // The depth a function's header started at: its body is the `{` at that depth.
        let mut header_depth = 0usize;
        let mut bodies: Vec<Body> = Vec::new();
        // The first byte of the previous token (`-` before `>` is an arrow, `*` before `const`
        // a pointer type).
        let mut previous = 0u8;
        while let Some(byte) = self.peek(0) {
            match byte {
                b if b.is_ascii_whitespace() => {
                    self.at += 1;
                    continue; // whitespace does not separate `-` from `>` for our purposes
                }
                b'/' if self.peek(1) == Some(b'/') => {
                    let start = self.at;
                    let doc = matches!(self.peek(2), Some(b'!'))
                        || (self.peek(2) == Some(b'/') && self.peek(3) != Some(b'/'));
                    while self.peek(0).is_some_and(|b| b != b'\n') {
                        self.at += 1;
                    }
                    if doc {
                        self.blank_doc(start);
                    }
                    continue;
                }
                b'/' if self.peek(1) == Some(b'*') => {
                    let start = self.at;
                    let doc = matches!(self.peek(2), Some(b'!'))
                        || (self.peek(2) == Some(b'*')
                            && !matches!(self.peek(3), Some(b'*' | b'/')));
                    let closed = self.block_comment();
                    if doc && closed {
                        self.blank_doc(start);
                    }
                    continue;
                }
                b'"' => self.string(),
                b'\'' => self.quote(),
                b if b.is_ascii_digit() => {
                    while self.peek(0).is_some_and(is_ident_continue) {
                        self.at += 1;
                    }
                }
                b if is_ident_start(b) => {
                    let start = self.at;
                    while self.peek(0).is_some_and(is_ident_continue) {
                        self.at += 1;
                    }
                    let word = &self.bytes[start..self.at];
                    if self.raw_literal(word) {
                        header = header_after_token(header);
                    } else if word == b"r" && self.peek(0) == Some(b'#') {
                        // A raw identifier (`r#fn`): never a keyword.
                        self.at += 1;
                        while self.peek(0).is_some_and(is_ident_continue) {
                            self.at += 1;
                        }
                        header = header_after_token(header);
                    } else {
                        if holds_item_keyword(word, previous == b'*') {
                            keep_innermost(&mut bodies);
                        }
                        header = match header {
                            _ if word == b"fn" => {
                                header_depth = depth;
                                Header::Keyword
                            }
                            Header::Keyword => Header::Signature { angles: 0 },
                            other => other,
                        };
                    }
                }
                b'{' | b'(' | b'[' => {
                    let body = byte == b'{'
                        && header == Header::Signature { angles: 0 }
                        && depth == header_depth;
                    header = if body {
                        Header::Outside
                    } else {
                        header_after_token(header)
                    };
                    depth += 1;
                    self.at += 1;
                    // Only doc comments are blanked when bodies are not.
                    if body && self.bodies {
                        bodies.push(Body {
                            depth,
                            start: self.at,
                            keep: false,
                        });
                    }
                }
                b'}' | b')' | b']' => {
                    if bodies.last().is_some_and(|b| b.depth == depth) {
                        let body = bodies.pop().expect("a body is open");
                        if body.keep {
                            // What keeps a body keeps the bodies around it.
                            if let Some(outer) = bodies.last_mut() {
                                outer.keep = true;
                            }
                        } else {
                            // What was blanked inside it was pushed since it opened: this
                            // range covers it.
                            while self.blanks.last().is_some_and(|&(s, _)| s >= body.start) {
                                self.blanks.pop();
                            }
                            self.blanks.push((body.start, self.at));
                        }
                    }
                    depth = depth.saturating_sub(1);
                    self.at += 1;
                    header = header_after_token(header);
                }
                _ => {
                    header = match (header, byte) {
                        (Header::Signature { angles }, b'<') => {
                            Header::Signature { angles: angles + 1 }
                        }
                        // The `>` of `->` closes nothing.
                        (Header::Signature { angles }, b'>') if previous != b'-' => {
                            Header::Signature {
                                angles: angles.saturating_sub(1),
                            }
                        }
                        // A declaration without a body (in a trait, an extern block).
                        (Header::Signature { .. }, b';') if depth == header_depth => {
                            Header::Outside
                        }
                        (Header::Keyword, _) => Header::Outside,
                        (other, _) => other,
                    };
                    self.at += 1;
                    if self.template_marker(byte) {
                        keep_innermost(&mut bodies);
                    }
                }
            }
            previous = byte;
        }
    }

    /// Whether `byte`, just passed, marks a template rather than code: `#name`, `#(..)*` in a
    /// `quote!` body or `$name` in a macro's. The whole parse cannot read a function in a
    /// template as an item, so its body must not become readable by being blanked.
    fn template_marker(&self, byte: u8) -> bool {
        match byte {
            b'$' => true,
            // `#[..]` and `#![..]` are attributes.
            b'#' => {
                let next = self.bytes[self.at..]
                    .iter()
                    .find(|b| !b.is_ascii_whitespace());
                !matches!(next, Some(b'[' | b'!'))
            }
            _ => false,
        }
    }

    /// Skips a block comment, nested ones included; `at` is on its `/*`. Whether it is closed.
    fn block_comment(&mut self) -> bool {
        let mut nesting = 0usize;
        while let Some(byte) = self.peek(0) {
            if byte == b'/' && self.peek(1) == Some(b'*') {
                nesting += 1;
                self.at += 2;
            } else if byte == b'*' && self.peek(1) == Some(b'/') {
                nesting -= 1;
                self.at += 2;
                if nesting == 0 {
                    return true;
                }
            } else {
                self.at += 1;
            }
        }
        false
    }

    /// Blanks the doc comment from `start` to here, unless the lexer rejects it: a carriage
    /// return not followed by a newline is an error in a doc comment, which blanking would hide
    /// (an unclosed block comment is not blanked either, for the same reason).
    fn blank_doc(&mut self, start: usize) {
        let comment = &self.bytes[start..self.at];
        let bare_cr = comment
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'\r' && self.bytes.get(start + i + 1) != Some(&b'\n'));
        if !bare_cr {
            self.blanks.push((start, self.at));
        }
    }

    /// Skips a string literal; `at` is on its opening quote.
    fn string(&mut self) {
        self.at += 1;
        while let Some(byte) = self.peek(0) {
            self.at += match byte {
                b'\\' => 2,
                b'"' => {
                    self.at += 1;
                    return;
                }
                _ => 1,
            };
        }
        self.at = self.at.min(self.bytes.len());
    }

    /// Skips a char literal or a lifetime; `at` is on the quote.
    fn quote(&mut self) {
        self.at += 1;
        match self.peek(0) {
            Some(b'\\') => {
                // An escape: `'\n'`, `'\''`, `'\u{1F600}'`.
                self.at += 2;
                while self.peek(0).is_some_and(|b| b != b'\'') {
                    self.at += 1;
                }
                self.at += 1;
            }
            Some(first) => {
                let width = utf8_width(first);
                if self.peek(width) == Some(b'\'') {
                    self.at += width + 1; // `'x'`
                } else {
                    // A lifetime or a label: `'a`, `'static`.
                    while self.peek(0).is_some_and(is_ident_continue) {
                        self.at += 1;
                    }
                }
            }
            None => {}
        }
        self.at = self.at.min(self.bytes.len());
    }

    /// Skips a raw string (`r"..."`, `br#"..."#`, `cr##"..."##`) if `word`, just scanned, is
    /// its prefix.
    fn raw_literal(&mut self, word: &[u8]) -> bool {
        if !matches!(word, b"r" | b"br" | b"cr") {
            return false;
        }
        let mut hashes = 0;
        while self.peek(hashes) == Some(b'#') {
            hashes += 1;
        }
        if self.peek(hashes) != Some(b'"') {
            return false;
        }
        self.at += hashes + 1;
        while let Some(byte) = self.peek(0) {
            self.at += 1;
            if byte == b'"' && (0..hashes).all(|i| self.peek(i) == Some(b'#')) {
                self.at += hashes;
                return true;
            }
        }
        true
    }
}

/// Marks the innermost body being scanned, if any, as one to keep.
fn keep_innermost(bodies: &mut [Body]) {
    if let Some(body) = bodies.last_mut() {
        body.keep = true;
    }
}

/// The header state after a token that is not an identifier: past `fn`, only a name continues
/// a function's header.
fn header_after_token(header: Header) -> Header {
    match header {
        Header::Keyword => Header::Outside,
        other => other,
    }
}

/// The number of bytes of the UTF-8 character that starts with `first`.
fn utf8_width(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text `scan` leaves, with runs of whitespace shown as one space, for reading.
    fn scanned(text: &str, bodies: bool) -> String {
        let out = scan(text, bodies).map_or_else(|| text.to_owned(), |s| s.text);
        assert_eq!(out.len(), text.len(), "offsets move");
        assert_eq!(out.lines().count(), text.lines().count(), "lines move");
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn skimmed(text: &str) -> String {
        scanned(text, true)
    }

    fn docs_blanked(text: &str) -> String {
        scanned(text, false)
    }

    #[test]
    fn bodies_without_items_are_blanked() {
        assert_eq!(
            skimmed("pub fn f(x: u8) -> u8 { x + 1 } struct S;"),
            "pub fn f(x: u8) -> u8 { } struct S;"
        );
        // Methods, in impls and item macros alike, and generic signatures with braces inside.
        assert_eq!(
            skimmed(
                "impl S { fn m<const N: usize>(&self) -> A<{ N }> where T: Fn() -> u8 { go() } }"
            ),
            "impl S { fn m<const N: usize>(&self) -> A<{ N }> where T: Fn() -> u8 { } }"
        );
        assert_eq!(
            skimmed("cfg_rt! { pub fn spawn() { run() } }"),
            "cfg_rt! { pub fn spawn() { } }"
        );
        // A `'static` lifetime is not a static, nor `*const` a constant.
        assert_eq!(
            skimmed("fn f() { let s: &'static str = \"\"; let p: *const u8 = q; }"),
            "fn f() { }"
        );
    }

    #[test]
    fn bodies_that_may_hold_items_and_what_is_not_a_body_are_kept() {
        for text in [
            "fn f() { static N: AtomicU64 = AtomicU64::new(0); }",
            "fn f() { thread_local! { static C: Cell<u8> = Cell::new(0); } }",
            "fn f() { const N: usize = 4; }",
            "type F = fn(u8) -> u8; impl Tr for fn(u8) { } struct S { f: fn() }",
            "trait T { fn m(&self); } extern \"C\" { fn c(); }",
        ] {
            assert!(skim(text).is_none(), "{text}");
        }
        // Braces inside a signature are not its body.
        assert_eq!(
            skimmed("fn f(x: [u8; { N }]) -> u8 where [(); { N }]: { g() }"),
            "fn f(x: [u8; { N }]) -> u8 where [(); { N }]: { }"
        );
        // Functions in templates are not code: the whole parse cannot read them as items.
        for text in [
            "fn f() { parse_quote! { fn g() { #(#body)* } } }",
            "macro_rules! m { () => { fn g() { $x } } }",
        ] {
            assert!(skim(text).is_none(), "{text}");
        }
        // A kept body's own helpers are blanked.
        assert_eq!(
            skimmed("fn f() { fn g() { h() } g() }"),
            "fn f() { fn g() { } g() }"
        );
    }

    #[test]
    fn braces_and_keywords_in_literals_and_comments_are_not_code() {
        let text = r###"fn f() { let s = "} fn x() {"; let r = r#"}"#; let c = '}'; let q = '\''; let l: &'a str; /* } /* nested } */ */ // }
 let b = b'{'; let e = "\"}"; }
fn g() { h() }"###;
        assert_eq!(skimmed(text), "fn f() { } fn g() { }");
        // A raw identifier is not a keyword.
        assert_eq!(skimmed("fn f() { r#fn() }"), "fn f() { }");
    }

    #[test]
    fn doc_comments_are_blanked_and_other_comments_left() {
        assert_eq!(
            skimmed("//! crate\n/// item\n//// not doc\n/** doc */ /*** not */ struct S;"),
            "//// not doc /*** not */ struct S;"
        );
    }

    #[test]
    fn doc_comments_alone_are_blanked_for_the_whole_parse() {
        // Bodies stay, with the doc comments inside them blanked.
        assert_eq!(
            docs_blanked("//! crate\n/// f\nfn f() { /// x\nlet x = 1; /* not doc */ }"),
            "fn f() { let x = 1; /* not doc */ }"
        );
        assert_eq!(
            docs_blanked("/** doc\r\nmore */ // plain\r\n/// crlf\r\nstruct S;"),
            "// plain struct S;"
        );
        assert!(blank_docs("fn f() { g() } // plain").is_none());
        // What the lexer rejects stays for it to reject: an unclosed block doc comment, a
        // carriage return without a newline inside a doc comment.
        for text in [
            "struct S; /** never closed",
            "/// bare \r return\nstruct S;",
        ] {
            assert!(blank_docs(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn unterminated_literals_end_the_scan_without_panicking() {
        for text in [
            "fn f() { \"",
            "fn f() { '",
            "fn f() { r#\"",
            "fn f() { /*",
            "fn f() { 'é",
            "/** ",
            "///\r",
        ] {
            let _ = skim(text);
            let _ = blank_docs(text);
        }
    }
}
