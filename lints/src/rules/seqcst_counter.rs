#![doc = include_str!("seqcst_counter.md")]

use syn::Expr;

use super::{CrateCx, Merge, Rule};
use crate::fixes;
use crate::registry::declare_lint;
use crate::semantic::names::NameBinding;
use crate::semantic::walker::{Cx, Sink, atomic_name, is_seqcst};
use crate::{Applicability, Cost, Diagnostic, Edit, Per, SharedLine, Suggestion, Work};

declare_lint!(
    pub(crate) SEQCST_COUNTER,
    "seqcst_counter",
    Allow,
    "`fetch_add`/`fetch_sub` with `Ordering::SeqCst` whose result is unused: a counter needs only `Relaxed`",
    "seqcst_counter.md"
);

/// Counter findings that wait: for the end of their function, where a `SeqCst` load of
/// another atomic after the update makes it a store-then-load handshake (Dekker's), whose
/// ordering is the point; then for the crate, where any compare-and-swap, swap or bit
/// operation on the same atomic makes it a state word rather than a counter.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct SeqcstFacts {
    /// Findings past their function, with their atomic's name.
    counters: Vec<(String, Diagnostic)>,
    /// The functions being walked, innermost last.
    #[serde(skip)]
    frames: Vec<Frame>,
}

/// What one function being walked has shown so far.
#[derive(Debug, Default)]
struct Frame {
    counters: Vec<(String, Diagnostic)>,
    /// `SeqCst` loads: the atomic's name and where.
    loads: Vec<(String, usize)>,
}

impl Merge for SeqcstFacts {
    fn merge(&mut self, other: Self) {
        self.counters.merge(other.counters);
    }
}

pub(crate) struct SeqcstCounter;

impl Rule for SeqcstCounter {
    type Facts = SeqcstFacts;

    /// Flags the ordering argument: that is the token to change.
    fn check_expr(&self, cx: &Cx<'_, '_>, expr: &Expr, facts: &mut SeqcstFacts, _: &mut Sink<'_>) {
        let Expr::MethodCall(m) = expr else { return };
        let method = m.method.to_string();
        if method == "load" && m.args.first().is_some_and(is_seqcst) {
            if let (Some(name), Some(frame)) = (atomic_name(&m.receiver), facts.frames.last_mut()) {
                frame.loads.push((name, cx.span(m.method.span()).start));
            }
        }
        if !matches!(method.as_str(), "fetch_add" | "fetch_sub") || m.args.len() != 2 {
            return;
        }
        // A result that is read (a ticket, a previous value compared) may order other accesses;
        // a `fetch_sub` in `drop` releases something (a reader count, a lock).
        if !cx.is_discarded()
            || cx
                .function()
                .is_some_and(|f| cx.table().fns[f].name == "drop")
        {
            return;
        }
        // `fetch_add` is an atomic's method; a crate type of another name may mean something else.
        if let Some(name) = cx.type_of(&m.receiver).auto_deref().name() {
            if !name.starts_with("Atomic") {
                return;
            }
        }
        let Expr::Path(order) = &m.args[1] else {
            return;
        };
        let Some(last) = order.path.segments.last() else {
            return;
        };
        if last.ident != "SeqCst" {
            return;
        }
        let per = if cx.in_local_region() {
            Per::Iteration
        } else {
            Per::Call
        };
        let update = Work::AtomicRmw {
            count: 1,
            on: SharedLine::Counter,
            seqcst: true,
        };
        let diagnostic = Diagnostic::new(
        &SEQCST_COUNTER,
        cx.file(),
        cx.span_of(&m.args[1]),
        format!("`{method}` with `Ordering::SeqCst` whose result is unused: a counter needs only `Relaxed`"),
    )
    .with_label("orders every other memory access around the update")
    .with_note("on x86-64 every ordering compiles to the same `lock xadd`; on weakly ordered CPUs (ARM, POWER) `SeqCst` adds barriers, and on every CPU it keeps the compiler from moving other accesses across the update")
    .with_help("use `Ordering::Relaxed` for a statistics counter; keep a stronger ordering only if other threads read data that this update publishes")
    .with_suggestion(relaxed(cx, order))
    .with_cost(Cost::new(update, per).with_iterations(cx.iterations()));
        // A lock or state word updated with `fetch_add` elsewhere compares and swaps too; only a
        // counter is reported.
        let Some(atomic) = atomic_name(&m.receiver) else {
            return;
        };
        if names_protocol_word(&atomic) {
            return;
        }
        // Whether it is a counter is known once the function (a handshake after it) and the crate
        // (other updates of the same atomic) are.
        if let Some(frame) = facts.frames.last_mut() {
            frame.counters.push((atomic, diagnostic));
        }
    }

    fn enter_fn(&self, facts: &mut SeqcstFacts) {
        facts.frames.push(Frame::default());
    }

    fn exit_fn(&self, facts: &mut SeqcstFacts, _: &mut Sink<'_>) {
        let Some(frame) = facts.frames.pop() else {
            return;
        };
        for (atomic, diagnostic) in frame.counters {
            let handshake = frame
                .loads
                .iter()
                .any(|(name, at)| *name != atomic && *at > diagnostic.span.end);
            if !handshake {
                facts.counters.push((atomic, diagnostic));
            }
        }
    }

    fn check_crate(&self, cx: &CrateCx<'_>, facts: &SeqcstFacts, out: &mut Vec<Diagnostic>) {
        for (atomic, diagnostic) in &facts.counters {
            if !cx.facts.state_words.contains(atomic) {
                out.push(diagnostic.clone());
            }
        }
    }
}

/// Words that name an atomic taking part in a protocol rather than counting: an epoch or
/// generation others compare against, a sequence number or ticket that orders, a state or flag.
const PROTOCOL_WORDS: &[&str] = &[
    "epoch",
    "generation",
    "gen",
    "seq",
    "seqno",
    "sequence",
    "version",
    "ticket",
    "turn",
    "phase",
    "state",
    "flag",
];

/// Whether a word of `name` (split at `_` and at lower-to-upper case changes) is a protocol
/// word: `held_epoch`, `GENERATION`, `readVersion`.
fn names_protocol_word(name: &str) -> bool {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || (c.is_uppercase() && previous_lower) {
            words.push(std::mem::take(&mut word));
        }
        if c != '_' {
            word.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    words.push(word);
    words.iter().any(|w| PROTOCOL_WORDS.contains(&w.as_str()))
}

/// The suggestion that writes `Relaxed` for the `SeqCst` of `order`: the last segment of a path
/// (`Ordering::SeqCst`), or, for a bare `SeqCst` imported on its own, a path to `Relaxed` that
/// means it where the call is. `MaybeIncorrect`: another thread may rely on the update's order.
fn relaxed(cx: &Cx<'_, '_>, order: &syn::ExprPath) -> Suggestion {
    let last = order
        .path
        .segments
        .last()
        .expect("a path has a last segment");
    let span = cx.span(last.ident.span());
    if order.path.segments.len() > 1 {
        return Suggestion::new(
            "use `Relaxed`",
            vec![Edit {
                span,
                replacement: "Relaxed".into(),
            }],
            Applicability::MaybeIncorrect,
        );
    }
    let bare = matches!(
        cx.binding_of("Relaxed"),
        NameBinding::Imported(path) if path.ends_with(&["Ordering".to_owned(), "Relaxed".to_owned()])
    );
    let (replacement, import) = if bare {
        ("Relaxed".to_owned(), None)
    } else {
        let (ordering, import) = fixes::atomic_name(cx, "Ordering");
        (format!("{ordering}::Relaxed"), import)
    };
    let mut suggestion = Suggestion::new(
        "use `Relaxed`",
        vec![Edit { span, replacement }],
        Applicability::MaybeIncorrect,
    );
    if let Some(import) = import {
        suggestion = suggestion.importing(import);
    }
    suggestion
}

#[cfg(test)]
mod tests {
    use super::names_protocol_word;

    #[test]
    fn protocol_words_are_found_in_any_case_and_at_any_place() {
        for name in [
            "epoch",
            "held_epoch",
            "GENERATION",
            "readVersion",
            "next_ticket",
            "STATE",
        ] {
            assert!(names_protocol_word(name), "{name}");
        }
        for name in [
            "count",
            "hits",
            "DROPS",
            "wakes",
            "ALLOCATED",
            "stateless",
            "generator",
        ] {
            assert!(!names_protocol_word(name), "{name}");
        }
    }
}
