//! A compact, contiguous per-skymap table for the patch step of point lookups.
//!
//! A [`Tract`] is large (polygons, inner region, builder, full WCS), so reading one per
//! random point misses the cache several times. The table keeps, per tract, only what
//! the owning-patch computation reads, in two cache lines: for a linear TAN WCS (every
//! TAN skymap tract) the whole sky -> pixel transform folded into one rational map of
//! the unit vector ([`SkyToPixel::fused_tan`]: two dot products over a third, no
//! trigonometry), and the tract's pixel box and patch grid.
//!
//! **Exactness.** The folded map rounds differently from the tract's own WCS
//! ([`SkyToPixel::vector_to_pixel`]), and lookups feed it a unit vector from a
//! polynomial `sincos` (within ~2e-15 of the library's). So [`PatchEntry::owner_patch`]
//! answers only where it can prove the answer is the general path's
//! ([`crate::lookup::owner_patch_unchecked`]): both pixel coordinates farther than a
//! bound on the difference ([`PatchEntry`]'s `tol`, about 1e-7 pixel for HSC tracts)
//! from the nearest half-integer, where the nearest pixel changes. Elsewhere (about one
//! point in a million), for other projections and for points far from the tangent
//! point it returns `None` and the caller takes the general path. Lookups read the table
//! through [`super::SkyMap::patch_table`]; it lives here so that tessellation never
//! imports lookup.

use super::patch::sequential_id;
use super::Tract;
use crate::projection::wcs::SkyToPixel;

/// Relative size of the error allowance: the vector is within ~5e-15 of the exact one
/// and each path adds a few roundings (2^-53 each) of the terms' magnitudes; this is
/// 20 times that.
const TOLERANCE: f64 = 2e-13;
/// The folded map is used only where the point is within 60 degrees of the tangent
/// point (`rows[2]·c >= 0.5`); beyond, errors grow as `1 / (rows[2]·c)^2`.
const MIN_DENOMINATOR: f64 = 0.5;

/// What the owning-patch step needs from one tract.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, align(64))]
pub struct PatchEntry {
    /// `x = (rows[0]·c) / (rows[2]·c)`, `y = (rows[1]·c) / (rows[2]·c)`.
    rows: [[f64; 3]; 3],
    /// Bound on the pixel difference between the two paths, times `rows[2]·c`.
    tol: f64,
    /// Largest `|x|`, `|y|` the bound holds for (just beyond the pixel box).
    reach: f64,
    box_min: [i32; 2],
    box_max: [i32; 2],
    patch_inner: [i32; 2],
    patches_x: i32,
    /// Whether the fields above describe the tract (a linear TAN WCS whose box and
    /// grid fit in `i32`); otherwise every point takes the general path.
    fused: bool,
}

impl PatchEntry {
    /// The entry of one tract.
    pub fn new(tract: &Tract) -> PatchEntry {
        let unfused = PatchEntry {
            rows: [[0.0; 3]; 3],
            tol: 0.0,
            reach: 0.0,
            box_min: [0; 2],
            box_max: [0; 2],
            patch_inner: [1; 2],
            patches_x: 0,
            fused: false,
        };
        let kernel: SkyToPixel = tract.wcs().sky_to_pixel_kernel();
        let Some((rows, magnitude)) = kernel.fused_tan() else {
            return unfused;
        };
        let bbox = tract.bbox();
        let [min, max] = [bbox.min, bbox.max()];
        let inner = tract.builder().patch_inner_dimensions();
        let small = |v: i64| i32::try_from(v).ok();
        let (Some(x0), Some(y0), Some(x1), Some(y1), Some(ix), Some(iy), Some(nx)) = (
            small(min[0]),
            small(min[1]),
            small(max[0]),
            small(max[1]),
            small(inner[0]),
            small(inner[1]),
            small(tract.num_patches()[0]),
        ) else {
            return unfused;
        };
        let reach = [x0, y0, x1, y1]
            .iter()
            .map(|v| f64::from(v.abs()))
            .fold(0.0, f64::max)
            + 2.0;
        let tol = TOLERANCE * (magnitude[0].max(magnitude[1]) + reach * magnitude[2] + reach);
        PatchEntry {
            rows,
            tol,
            reach,
            box_min: [x0, y0],
            box_max: [x1, y1],
            patch_inner: [ix, iy],
            patches_x: nx,
            fused: tol.is_finite() && ix > 0 && iy > 0,
        }
    }

    /// The owning patch id of the sky unit vector `c` (from a polynomial `sincos`,
    /// within 5e-15 of the library's), -1 where the nearest pixel is outside the tract
    /// box, as the general path gives them; `None` where that cannot be certified (see
    /// the module docs): then the caller must take the general path.
    #[inline(always)]
    pub fn owner_patch(&self, c: [f64; 3]) -> Option<i64> {
        let dot = |r: &[f64; 3]| r[0] * c[0] + r[1] * c[1] + r[2] * c[2];
        let d = dot(&self.rows[2]);
        // NaN fails both range tests, as it must.
        let usable = self.fused && d >= MIN_DENOMINATOR;
        if !usable {
            return None;
        }
        let (x, y) = (dot(&self.rows[0]) / d, dot(&self.rows[1]) / d);
        let within = x.abs() <= self.reach && y.abs() <= self.reach;
        if !within {
            return None;
        }
        let margin = self.tol / d;
        let px = certified_floor(x + 0.5, margin)?;
        let py = certified_floor(y + 0.5, margin)?;
        let inside = (self.box_min[0]..=self.box_max[0]).contains(&px)
            && (self.box_min[1]..=self.box_max[1]).contains(&py);
        if !inside {
            return Some(-1);
        }
        let index = [
            i64::from(px / self.patch_inner[0]),
            i64::from(py / self.patch_inner[1]),
        ];
        Some(sequential_id(index, [i64::from(self.patches_x), 0]))
    }
}

/// `floor(w)` for `|w| < 2^31`, when `w` is farther than `margin` from both integers
/// around it (so that a value within `margin` of `w` has the same floor).
#[inline(always)]
fn certified_floor(w: f64, margin: f64) -> Option<i32> {
    let t = w as i32; // truncation toward zero; no libm call on baseline x86-64
    let f = if f64::from(t) > w { t - 1 } else { t };
    let frac = w - f64::from(f);
    (frac > margin && 1.0 - frac > margin).then_some(f)
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
        // writes nothing; SSE is part of the x86_64 baseline. Both addresses lie
        // inside `entry` (64-byte aligned, 128 bytes).
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(p);
            _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = entry;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_is_two_cache_lines() {
        assert_eq!(std::mem::size_of::<PatchEntry>(), 128);
    }

    #[test]
    fn certified_floor_declines_near_integers() {
        assert_eq!(certified_floor(2.5, 1e-7), Some(2));
        assert_eq!(certified_floor(-0.25, 1e-7), Some(-1));
        assert_eq!(certified_floor(3.0 + 1e-9, 1e-7), None);
        assert_eq!(certified_floor(3.0 - 1e-9, 1e-7), None);
        assert_eq!(certified_floor(f64::NAN, 1e-7), None);
    }
}
