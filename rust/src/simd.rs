//! Running a batch kernel at the widest SIMD width the CPU offers.
//!
//! Hot loops (point → trixel, point → HEALPix pixel) are written over fixed-size
//! batches of lanes (`[f64; B]`) so that the compiler vectorizes them. The same
//! code is compiled three times, for AVX-512, AVX2 and the x86-64 baseline (each
//! kernel picks its batch size for each), and [`run_widest`] picks one at run time,
//! so one wheel is fast on every machine. (Rounding does not depend on the choice: no fused
//! multiply-adds are formed, so every width gives the same bits.)

/// A kernel that processes its work in batches of `B` lanes.
pub trait LaneKernel {
    /// Does all the work with batches of `B`. Implementations should be
    /// `#[inline(always)]`, so that they are compiled with the caller's features.
    fn run<const B: usize>(&mut self);

    /// The batch for AVX-512 (default: one 8-lane vector per array of lanes, twice
    /// over). Kernels whose best width differs (measured) override these three.
    #[inline(always)]
    fn run_avx512(&mut self) {
        self.run::<16>()
    }

    /// The batch for AVX2 (default: two 4-lane vectors).
    #[inline(always)]
    fn run_avx2(&mut self) {
        self.run::<8>()
    }

    /// The batch for baseline x86-64 and other targets (default: two 2-lane vectors).
    #[inline(always)]
    fn run_baseline(&mut self) {
        self.run::<4>()
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn run_avx512<K: LaneKernel>(kernel: &mut K) {
    kernel.run_avx512()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn run_avx2<K: LaneKernel>(kernel: &mut K) {
    kernel.run_avx2()
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
    kernel.run_baseline()
}
