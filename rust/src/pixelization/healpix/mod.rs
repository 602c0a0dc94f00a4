//! HEALPix (Górski et al. 2005, ApJ 622, 759), nested and ring schemes, orders 0..29.
//!
//! The sphere is divided into 12 base pixels, each split into `nside^2` pixels of
//! equal area, `nside = 2^order`. In the *nested* scheme the 4 children of pixel `p`
//! are `4 p + k` (a quad tree, so a region's pixels form long ranges); in the *ring*
//! scheme pixels are numbered along iso-latitude rings from the north pole.
//!
//! Point -> pixel follows the HEALPix C++ library used by `healpy`
//! (`ang2pix(..., lonlat=True)`) step by step, including how it converts degrees to
//! (theta, phi), so points exactly on pixel boundaries get healpy's pixel (the
//! `cdshealpix` crate, used here for the pixel geometry and scheme conversions,
//! rounds some of those boundary points the other way).
//!
//! Pixel edges are *not* great circles (they are straight lines in the HEALPix
//! projection), so envelopes and interiors are computed by an exact search that
//! treats edges as the curves they are (see [`cover`]).

mod bounds;
pub mod cover;
mod edges;
mod hash;
mod ring_scan;

use crate::geometry::UnitVector3d;
use crate::rangeset::RangeSet;
use crate::simd::{run_widest, LaneKernel};
use crate::{Error, Result};

pub use hash::{ang2pix_nest, ang2pix_ring};

/// The deepest order (nside = 2^29; ids still fit in 64 bits).
pub const MAX_ORDER: u8 = 29;

/// A HEALPix pixelization at one order, in the nested or ring scheme.
///
/// # Examples
/// ```
/// use skymaps::pixelization::Healpix;
/// let hp = Healpix::new(3, true).unwrap();
/// assert_eq!(hp.nside(), 8);
/// let nest = hp.index_lonlat_deg(10.0, 20.0).unwrap();
/// let ring = Healpix::new(3, false).unwrap().index_lonlat_deg(10.0, 20.0).unwrap();
/// assert_eq!(hp.nest_to_ring(nest).unwrap(), ring);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Healpix {
    order: u8,
    nested: bool,
}

impl Healpix {
    /// # Errors
    /// [`Error::InvalidCoordinate`] if `order` is not in 0..=29.
    pub fn new(order: i64, nested: bool) -> Result<Healpix> {
        if !(0..=MAX_ORDER as i64).contains(&order) {
            return Err(Error::coordinate(format!(
                "HEALPix order {order} is out of range; expected 0..={MAX_ORDER}"
            )));
        }
        Ok(Healpix {
            order: order as u8,
            nested,
        })
    }

    pub fn order(&self) -> u8 {
        self.order
    }
    pub fn is_nested(&self) -> bool {
        self.nested
    }
    pub fn nside(&self) -> u64 {
        1u64 << self.order
    }
    /// `12 nside^2`.
    pub fn npix(&self) -> u64 {
        12u64 << (2 * self.order)
    }
    /// All pixel ids, `[0, npix)`.
    pub fn universe(&self) -> RangeSet {
        RangeSet::from_range(0, self.npix())
    }

    /// # Errors
    /// [`Error::UnknownId`] if `id >= npix`.
    pub fn check_id(&self, id: u64) -> Result<()> {
        if id >= self.npix() {
            return Err(Error::unknown_id(format!(
                "{id} is not a HEALPix pixel of order {}; expected 0..{}",
                self.order,
                self.npix()
            )));
        }
        Ok(())
    }

    /// The pixel containing (lon, lat) in degrees, as healpy's
    /// `ang2pix(nside, lon, lat, nest=..., lonlat=True)`.
    ///
    /// # Errors
    /// [`Error::InvalidCoordinate`] for non-finite input or |lat| > 90.
    pub fn index_lonlat_deg(&self, lon_deg: f64, lat_deg: f64) -> Result<u64> {
        crate::geometry::vector::check_lonlat_deg(lon_deg, lat_deg)?;
        Ok(self.index_lonlat_deg_unchecked(lon_deg, lat_deg))
    }

    /// As [`Healpix::index_lonlat_deg`] without validation (garbage for bad input).
    #[inline]
    pub fn index_lonlat_deg_unchecked(&self, lon_deg: f64, lat_deg: f64) -> u64 {
        let theta = std::f64::consts::FRAC_PI_2 - lat_deg.to_radians();
        let phi = lon_deg.to_radians();
        if self.nested {
            ang2pix_nest(self.order, theta, phi)
        } else {
            ang2pix_ring(self.order, theta, phi)
        }
    }

    /// Vectorized [`Healpix::index_lonlat_deg`] (parallel for large inputs), as
    /// `i64` like healpy.
    ///
    /// # Errors
    /// The first bad point's error; [`Error::ShapeMismatch`] for slices of different length.
    pub fn index_many_deg(&self, lon_deg: &[f64], lat_deg: &[f64]) -> Result<Vec<i64>> {
        crate::geometry::vector::check_lonlat_arrays(lon_deg, lat_deg)?;
        let mut out = vec![0i64; lon_deg.len()];
        crate::parallel::fill_chunks(&mut out, |start, chunk| {
            let end = start + chunk.len();
            self.index_many_deg_unchecked(&lon_deg[start..end], &lat_deg[start..end], chunk);
        });
        Ok(out)
    }

    /// [`Healpix::index_lonlat_deg_unchecked`] of many validated points (degrees) into
    /// `out` (as long as the inputs), serially, in SIMD batches: the certified fast
    /// hash, and the exact one for the points it declines.
    pub fn index_many_deg_unchecked(&self, lon_deg: &[f64], lat_deg: &[f64], out: &mut [i64]) {
        let n = out.len().min(lon_deg.len()).min(lat_deg.len());
        run_widest(&mut Hash {
            healpix: self,
            lon: &lon_deg[..n],
            lat: &lat_deg[..n],
            out: &mut out[..n],
        });
    }

    // Out of line: inlined, the compiler may compute the library `cos` for every
    // point and then discard it.
    #[cold]
    #[inline(never)]
    fn index_exactly(&self, lon_deg: f64, lat_deg: f64) -> i64 {
        self.index_lonlat_deg_unchecked(lon_deg, lat_deg) as i64
    }

    /// The pixel containing the unit vector `v` (via its lon/lat).
    pub fn index(&self, v: &UnitVector3d) -> u64 {
        let theta = std::f64::consts::FRAC_PI_2 - v.lat_rad();
        if self.nested {
            ang2pix_nest(self.order, theta, v.lon_rad())
        } else {
            ang2pix_ring(self.order, theta, v.lon_rad())
        }
    }

    /// Nested id -> ring id at this order.
    ///
    /// # Errors
    /// [`Error::UnknownId`] if `id >= npix`.
    pub fn nest_to_ring(&self, id: u64) -> Result<u64> {
        self.check_id(id)?;
        Ok(cdshealpix::nested::get(self.order).to_ring(id))
    }

    /// Ring id -> nested id at this order.
    ///
    /// # Errors
    /// [`Error::UnknownId`] if `id >= npix`.
    pub fn ring_to_nest(&self, id: u64) -> Result<u64> {
        self.check_id(id)?;
        Ok(hash::ring_to_nest(self.order, id))
    }

    /// The nested id of pixel `id` of this pixelization's scheme.
    fn nested_id(&self, id: u64) -> Result<u64> {
        if self.nested {
            self.check_id(id)?;
            Ok(id)
        } else {
            self.ring_to_nest(id)
        }
    }

    /// The 4 vertices (lon, lat in radians) of pixel `id`, in the order S, E, N, W
    /// (counter-clockwise seen from outside the sphere).
    ///
    /// # Errors
    /// [`Error::UnknownId`] if `id >= npix`.
    pub fn pixel_vertices(&self, id: u64) -> Result<[(f64, f64); 4]> {
        let n = self.nested_id(id)?;
        Ok(cdshealpix::nested::get(self.order).vertices(n))
    }

    /// Points along the boundary of pixel `id` (lon, lat in radians), `step` points per
    /// edge, counter-clockwise from the south vertex, following the curved edges.
    ///
    /// # Errors
    /// [`Error::UnknownId`] if `id >= npix`; [`Error::InvalidCoordinate`] if `step == 0`.
    pub fn pixel_boundary(&self, id: u64, step: u32) -> Result<Vec<(f64, f64)>> {
        if step == 0 {
            return Err(Error::coordinate("step must be >= 1"));
        }
        let n = self.nested_id(id)?;
        let layer = cdshealpix::nested::get(self.order);
        let mut out = Vec::with_capacity(4 * step as usize);
        // Edges in projection-plane coordinates (dx, dy) of the cell: S->E->N->W.
        let corners = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];
        for k in 0..4 {
            let (a, b) = (corners[k], corners[(k + 1) % 4]);
            for s in 0..step {
                let t = s as f64 / step as f64;
                let (dx, dy) = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
                out.push(cover::cell_point_lonlat(layer, n, dx, dy));
            }
        }
        Ok(out)
    }
}

impl Healpix {
    /// Exactly the pixels (of this scheme) that intersect `shape`.
    pub fn envelope_shape(&self, shape: &cover::CoverShape) -> RangeSet {
        self.renumber(cover::cover_nested(shape, self.order, false))
    }

    /// Exactly the pixels (of this scheme) that lie entirely inside `shape`.
    pub fn interior_shape(&self, shape: &cover::CoverShape) -> RangeSet {
        self.renumber(cover::cover_nested(shape, self.order, true))
    }

    fn renumber(&self, nested: RangeSet) -> RangeSet {
        if self.nested {
            return nested;
        }
        let layer = cdshealpix::nested::get(self.order);
        let ring: Vec<u64> = nested.values().map(|h| layer.to_ring(h)).collect();
        RangeSet::from_values(&ring)
    }
}

/// Point → pixel for validated degrees in batches of lanes: the certified fast hash
/// ([`hash::ang2pix_certified`]), and healpy's exact one for the points it declines.
struct Hash<'a> {
    healpix: &'a Healpix,
    lon: &'a [f64],
    lat: &'a [f64],
    out: &'a mut [i64],
}

impl LaneKernel for Hash<'_> {
    #[inline(always)]
    fn run<const B: usize>(&mut self) {
        let (order, nested) = (self.healpix.order, self.healpix.nested);
        let mut lon = self.lon.chunks_exact(B);
        let mut lat = self.lat.chunks_exact(B);
        let mut out = self.out.chunks_exact_mut(B);
        for ((lo, la), dst) in (&mut lon).zip(&mut lat).zip(&mut out) {
            let mut lanes = ([0.0; B], [0.0; B]);
            lanes.0.copy_from_slice(lo);
            lanes.1.copy_from_slice(la);
            let (ids, sure) = hash::ang2pix_certified::<B>(order, nested, &lanes.0, &lanes.1);
            for l in 0..B {
                dst[l] = if sure[l] {
                    ids[l] as i64
                } else {
                    self.healpix.index_exactly(lo[l], la[l])
                };
            }
        }
        let rest = lon.remainder().iter().zip(lat.remainder());
        for (slot, (&lo, &la)) in out.into_remainder().iter_mut().zip(rest) {
            *slot = self.healpix.index_exactly(lo, la);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_orders_and_ids() {
        assert!(Healpix::new(30, true).is_err());
        assert!(Healpix::new(-1, true).is_err());
        let h = Healpix::new(0, true).unwrap();
        assert!(h.nest_to_ring(12).is_err());
        assert!(h.index_lonlat_deg(f64::NAN, 0.0).is_err());
        assert!(h.index_lonlat_deg(0.0, 91.0).is_err());
    }

    #[test]
    fn nest_ring_roundtrip() {
        for order in [0u8, 1, 5, 29] {
            let h = Healpix::new(order as i64, true).unwrap();
            for id in [0, 1, h.npix() / 3, h.npix() / 2 + 1, h.npix() - 1] {
                let r = h.nest_to_ring(id).unwrap();
                assert_eq!(h.ring_to_nest(r).unwrap(), id);
            }
        }
    }

    /// The batched kernel at every lane width (and its tail) gives the exact hash,
    /// nested and ring, including longitudes outside [0, 360) and the poles.
    #[test]
    fn batches_match_the_exact_hash() {
        let mut uniform = crate::test_random::uniform(7u64);
        let mut lon: Vec<f64> = (0..997).map(|_| 1080.0 * uniform() - 360.0).collect();
        let mut lat: Vec<f64> = (0..997)
            .map(|_| (2.0 * uniform() - 1.0).asin().to_degrees())
            .collect();
        lon.extend([0.0, 360.0, 45.0, 90.0]);
        lat.extend([90.0, -90.0, 41.810_314_895_778_6, 0.0]);
        for order in [0, 3, 12, 29] {
            for nested in [true, false] {
                let h = Healpix::new(order, nested).unwrap();
                let exact: Vec<i64> = lon
                    .iter()
                    .zip(&lat)
                    .map(|(&a, &d)| h.index_lonlat_deg_unchecked(a, d) as i64)
                    .collect();
                let mut out4 = vec![0; lon.len()];
                Hash {
                    healpix: &h,
                    lon: &lon,
                    lat: &lat,
                    out: &mut out4,
                }
                .run::<4>();
                let mut out16 = vec![0; lon.len()];
                Hash {
                    healpix: &h,
                    lon: &lon,
                    lat: &lat,
                    out: &mut out16,
                }
                .run::<16>();
                assert_eq!(out4, exact, "order {order} nested {nested}");
                assert_eq!(out16, exact, "order {order} nested {nested}");
                assert_eq!(h.index_many_deg(&lon, &lat).unwrap(), exact);
            }
        }
    }
}
