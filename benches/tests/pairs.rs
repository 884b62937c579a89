//! Every pair's two sides compute the same result, and the one computed independently, at one
//! and several threads; and the pairs cover the lint catalogue with the files the checker is
//! run over. No timing is asserted here.

use std::path::Path;

use contention_bench::{Side, pair, pair_names, pairs};

/// The lints of the catalogue that have a pair: all but `atomic_ptr_to_local` (a correctness
/// lint) and `parse_error`.
const CATALOGUE: [&str; 13] = [
    "arc_clone_in_hot_loop",
    "thread_spawn_per_task",
    "mutex_scalar",
    "clone_under_lock",
    "over_copy",
    "single_lock_map",
    "read_mostly_rwlock",
    "guard_across_blocking",
    "alloc_under_lock",
    "false_sharing",
    "seqcst_counter",
    "unshared_arc",
    "lock_per_element",
];

/// Runs both sides of `lint`'s pair over a small amount of work at 1, 2 and 3 threads (3 splits
/// the work unevenly) and checks both against the expected result.
fn check_pair(lint: &str, requested_ops: u64) {
    let pair = pair(lint).expect("the lint has a pair");
    let ops = pair.ops(requested_ops);
    let expected = pair.expected(ops);
    for threads in [1, 2, 3] {
        for side in Side::BOTH {
            let run = pair.run(side, threads, ops);
            assert_eq!(
                run.result, expected,
                "{lint}: the {side} side on {threads} threads over {ops} items"
            );
        }
    }
}

macro_rules! pair_tests {
    ($($lint:ident: $ops:expr,)*) => {
        $(
            #[test]
            fn $lint() {
                check_pair(stringify!($lint), $ops);
            }
        )*
    };
}

pair_tests! {
    arc_clone_in_hot_loop: 10_007,
    thread_spawn_per_task: 101,
    mutex_scalar: 10_007,
    clone_under_lock: 1_001,
    over_copy: 101,
    single_lock_map: 10_007,
    read_mostly_rwlock: 70_001,
    guard_across_blocking: 101,
    alloc_under_lock: 10_007,
    false_sharing: 10_007,
    seqcst_counter: 10_007,
    unshared_arc: 10_007,
    lock_per_element: 3 * 4096,
}

#[test]
fn the_pairs_cover_the_catalogue_in_order() {
    assert_eq!(pair_names(), CATALOGUE);
}

#[test]
fn more_threads_than_work_items_still_compute_the_expected_result() {
    for pair in pairs() {
        let ops = pair.ops(1);
        assert_eq!(
            pair.run(Side::Before, 1, ops).result,
            pair.expected(ops),
            "{}",
            pair.lint()
        );
        assert_eq!(
            pair.run(Side::After, 4, ops).result,
            pair.expected(ops),
            "{}",
            pair.lint()
        );
    }
}

#[test]
fn each_side_is_a_file_of_the_crate_marking_the_flagged_line_only_before() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for pair in pairs() {
        let marker = format!("//~ {}", pair.lint());
        for side in Side::BOTH {
            let path = root.join(pair.source_path(side));
            let text = std::fs::read_to_string(&path).expect("the side's source file exists");
            assert_eq!(text, pair.source(side), "{}", path.display());
            let marked = text.lines().filter(|line| line.contains(&marker)).count();
            let expected_marks = usize::from(side == Side::Before);
            assert_eq!(marked, expected_marks, "{marker} in {}", path.display());
        }
    }
}
