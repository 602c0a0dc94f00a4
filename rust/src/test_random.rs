//! Deterministic pseudo-random numbers for the unit tests (Knuth's MMIX linear
//! congruential generator): the same inputs on every run and platform, no dependency.

/// The next number in [0, 1) of the stream whose state is `state`.
pub(crate) fn next_uniform(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 11) as f64 / (1u64 << 53) as f64
}

/// A stream of numbers in [0, 1) starting from `seed`.
pub(crate) fn uniform(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || next_uniform(&mut state)
}
