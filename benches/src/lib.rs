//! Paired benchmarks (being written).
