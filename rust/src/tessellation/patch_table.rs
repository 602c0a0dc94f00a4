//! A compact, contiguous per-skymap table for the patch step of point lookups.
//!
//! A [`Tract`] is large (polygons, inner region, builder, full WCS), so reading one per
//! random point misses the cache several times. The table keeps, per tract, only what
//! the owning-patch computation reads: the sky -> pixel kernel of its WCS
//! ([`SkyToPixel`]) and its patch grid, in three cache lines. It calls the same
//! functions as the general path ([`SkyToPixel::vector_to_pixel`],
//! [`clamped_patch_index`]), so its answers are bit-identical to
//! [`crate::lookup::owner_patch_unchecked`] (lookups read it through
//! [`super::SkyMap::patch_table`]; it lives here so that tessellation never imports
//! lookup).

use super::patch::sequential_id;
use super::tract::clamped_patch_index;
use super::Tract;
use crate::projection::wcs::SkyToPixel;

/// What the owning-patch step needs from one tract.
#[derive(Debug, Clone, PartialEq)]
#[repr(C, align(64))]
pub struct PatchEntry {
    kernel: SkyToPixel,
    patch_inner: [i64; 2],
    num_patches: [i64; 2],
}

impl PatchEntry {
    /// The entry of one tract.
    pub fn new(tract: &Tract) -> PatchEntry {
        PatchEntry {
            kernel: tract.wcs().sky_to_pixel_kernel(),
            patch_inner: tract.patch_inner_dimensions(),
            num_patches: tract.num_patches(),
        }
    }

    /// The owning patch id of the sky unit vector `c` (the point must be owned by this
    /// tract; pixels outside the tract box are clamped to the nearest patch), or -1
    /// where the projection diverges.
    #[inline]
    pub fn owner_patch(&self, c: [f64; 3]) -> i64 {
        match self.kernel.vector_to_pixel(c) {
            Some((x, y)) => {
                let index = clamped_patch_index(x, y, self.patch_inner, self.num_patches);
                sequential_id(index, self.num_patches)
            }
            None => -1,
        }
    }
}

/// The table of every tract of a skymap, indexed by tract id.
pub fn build(tracts: &[Tract]) -> Vec<PatchEntry> {
    // Random points read random entries: huge pages spare the TLB misses.
    let mut table = crate::huge_pages::vec_with_capacity(tracts.len());
    table.extend(tracts.iter().map(PatchEntry::new));
    table
}

/// Asks the CPU to bring `entry` into the L1 cache ahead of use (a hint only; a no-op
/// on targets without a prefetch instruction).
#[inline(always)]
pub fn prefetch(entry: &PatchEntry) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let p = (entry as *const PatchEntry).cast::<i8>();
        // SAFETY: a prefetch is a hint that never faults, reads nothing observable and
        // writes nothing; SSE is part of the x86_64 baseline. The three addresses lie
        // inside `entry` (64-byte aligned, 192 bytes).
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(p);
            _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64));
            _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(128));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = entry;
}
