//! Running a batch kernel at the widest SIMD width the CPU offers.
//!
//! Hot loops (point → trixel, point → HEALPix pixel) are written over fixed-size
//! batches of lanes (`[f64; B]`) so that the compiler vectorizes them. The same
//! code is compiled three times, for AVX-512 (`B = 16`), AVX2 (`B = 8`) and the
//! x86-64 baseline (`B = 4`), and [`run_widest`] picks one at run time, so one wheel
//! is fast on every machine. (Rounding does not depend on the choice: no fused
//! multiply-adds are formed, so every width gives the same bits.)

/// A kernel that processes its work in batches of `B` lanes.
pub trait LaneKernel {
    /// Does all the work with batches of `B`. Implementations should be
    /// `#[inline(always)]`, so that they are compiled with the caller's features.
    fn run<const B: usize>(&mut self);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn run_avx512<K: LaneKernel>(kernel: &mut K) {
    kernel.run::<16>()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_avx2<K: LaneKernel>(kernel: &mut K) {
    kernel.run::<8>()
}

/// Runs `kernel` with the widest vectors the CPU supports (checked at run time).
pub fn run_widest<K: LaneKernel>(kernel: &mut K) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F, checked just above.
            return unsafe { run_avx512(kernel) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { run_avx2(kernel) };
        }
    }
    kernel.run::<4>()
}
