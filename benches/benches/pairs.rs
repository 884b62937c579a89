//! `cargo bench -p contention-bench`: every pair through criterion, for developers who want
//! criterion's statistics and its comparison with the previous run.
//!
//! Each benchmark is one side of one pair at one thread count (`mutex_scalar/before/2`), timed
//! with `iter_custom` so that criterion sees exactly what `cargo contention bench` measures:
//! the fixed total work split across threads released together by a barrier, without the
//! set-up. Every run's result is checked. Filter as usual: `cargo bench -p contention-bench --
//! mutex_scalar`.

use std::thread;
use std::time::Duration;

use contention_bench::{Side, default_threads, pairs, size_work};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// How long one run of a pair's slower side takes on one thread.
const RUN_TARGET: Duration = Duration::from_millis(10);

fn paired(c: &mut Criterion) {
    let cores = thread::available_parallelism().map_or(1, |cores| cores.get());
    let threads = default_threads(cores);
    for pair in pairs() {
        let ops = size_work(pair, RUN_TARGET).expect("both sides compute the expected result");
        let expected = pair.expected(ops);
        let mut group = c.benchmark_group(pair.lint());
        group
            .throughput(Throughput::Elements(ops))
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        for &count in &threads {
            for side in Side::BOTH {
                group.bench_with_input(
                    BenchmarkId::new(side.as_str(), count),
                    &count,
                    |bencher, &count| {
                        bencher.iter_custom(|iters| {
                            (0..iters)
                                .map(|_| {
                                    let run = pair.run(side, count, ops);
                                    assert_eq!(run.result, expected, "{} {side}", pair.lint());
                                    run.elapsed
                                })
                                .sum()
                        });
                    },
                );
            }
        }
        group.finish();
    }
}

criterion_group!(benches, paired);
criterion_main!(benches);
