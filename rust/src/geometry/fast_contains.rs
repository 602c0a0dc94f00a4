//! Fast, still exact, point-in-polygon for many lon/lat points.
//!
//! Turning degrees into a unit vector with the C library's `sin`/`cos` (needed for
//! bit-identical answers) costs more than the containment test itself. This kernel
//! first computes the vector with a short polynomial `sincos` whose error is below
//! 1e-15, then tests it against precomputed *unit* edge normals (from the robust
//! cross product, relative error a few ε). A point whose distance to every edge plane
//! exceeds [`MARGIN`] (1e-11 rad, about 2 µas, 10⁴ times the combined error) is decided
//! there; any closer point is redone on the exact path (library trig, exact
//! orientation), so every answer equals [`ConvexPolygon::contains`] for the vector
//! sphgeom would build, i.e. sphgeom's own answer.

use super::angle::{deg_to_rad, rad_to_deg, PI};
use super::convex_polygon::{first_non_convex, ConvexPolygon};
use super::vector::{UnitVector3d, Vector3d};

/// Decision margin on `v · n̂` (radians, as a sine): closer points take the exact path.
pub const MARGIN: f64 = 1e-11;

/// Beyond this |lon| in degrees sphgeom's own radians conversion rounds by more than
/// ~1e-14 rad, which would eat into the margin: such points take the exact path.
pub const MAX_FAST_DEG: f64 = 1000.0;

/// A polygon prepared for many containment tests.
#[derive(Debug, Clone)]
pub struct PreparedPolygon<'a> {
    polygon: &'a ConvexPolygon,
    normals: Vec<Vector3d>,
    /// The polygon's bounding box in degrees, grown by [`BOX_MARGIN_DEG`]: points
    /// outside it are certainly outside the polygon and skip the trigonometry.
    lat_range: (f64, f64),
    lon_range: Option<(f64, f64)>,
}

/// Extra margin on the bounding-box prefilter (degrees); the box itself already has
/// sphgeom's 5e-10 rad margin, this covers the degree conversion.
const BOX_MARGIN_DEG: f64 = 1e-7;

/// Convexity is checked (O(n²)) before enabling the prefilter, up to this many vertices.
const MAX_PREFILTER_VERTICES: usize = 64;

impl<'a> PreparedPolygon<'a> {
    /// Precomputes the unit edge normals of `polygon`.
    pub fn new(polygon: &'a ConvexPolygon) -> Self {
        let v = polygon.vertices();
        let n = v.len();
        let normals = (0..n)
            .map(|k| {
                let rc = v[(k + n - 1) % n].robust_cross(&v[k]);
                let len = rc.norm();
                // A zero normal (repeated vertex) never decides: every test falls through.
                if len > 0.0 {
                    rc.scale(1.0 / len)
                } else {
                    Vector3d::default()
                }
            })
            .collect();
        // The box prefilter relies on the polygon being a proper convex polygon (true
        // for hulls; a decoded vertex list might not be one): otherwise it is off.
        let proper = v.len() <= MAX_PREFILTER_VERTICES && first_non_convex(v).is_none();
        if !proper {
            return PreparedPolygon {
                polygon,
                normals,
                lat_range: (f64::NEG_INFINITY, f64::INFINITY),
                lon_range: None,
            };
        }
        let bbox = polygon.bounding_box();
        let lat_range = (
            rad_to_deg(bbox.lat().a) - BOX_MARGIN_DEG,
            rad_to_deg(bbox.lat().b) + BOX_MARGIN_DEG,
        );
        let lon = bbox.lon();
        let lon_range = if lon.is_full() || lon.size() > 0.9 * 2.0 * PI {
            None
        } else {
            Some((
                rad_to_deg(lon.a) - BOX_MARGIN_DEG,
                rad_to_deg(lon.b) + BOX_MARGIN_DEG,
            ))
        };
        PreparedPolygon {
            polygon,
            normals,
            lat_range,
            lon_range,
        }
    }

    /// False only for points certainly outside the polygon (outside its bounding box).
    #[inline]
    fn may_contain(&self, lon_deg: f64, lat_deg: f64) -> bool {
        if lat_deg < self.lat_range.0 || lat_deg > self.lat_range.1 {
            return false;
        }
        match self.lon_range {
            // Only longitudes already in [0, 360) are tested (no costly reduction).
            Some((a, b)) if (0.0..360.0).contains(&lon_deg) => {
                if a <= b {
                    a <= lon_deg && lon_deg <= b
                } else {
                    lon_deg >= a || lon_deg <= b
                }
            }
            _ => true,
        }
    }

    /// Whether the point (degrees, validated by the caller: finite, |lat| <= 90) is
    /// inside; identical to `polygon.contains(&UnitVector3d::from_lonlat_deg(..))`.
    #[inline]
    pub fn contains_lonlat_deg_unchecked(&self, lon_deg: f64, lat_deg: f64) -> bool {
        if lon_deg.abs() < MAX_FAST_DEG {
            let v = fast_vector_deg(lon_deg, lat_deg);
            let mut sure = true;
            for n in &self.normals {
                let d = v.dot(n);
                if d < -MARGIN {
                    return false;
                }
                if d <= MARGIN {
                    sure = false;
                }
            }
            if sure {
                return true;
            }
        }
        self.polygon
            .contains(&UnitVector3d::from_lonlat_deg_unchecked(lon_deg, lat_deg))
    }
}

/// Points per block in [`PreparedPolygon::contains_many_unchecked`]: the block's
/// vectors stay in L1 cache while every edge is tested (loops the compiler vectorizes).
const BLOCK: usize = 256;

impl PreparedPolygon<'_> {
    /// `out[i] = contains(lon[i], lat[i])` for validated degrees, parallel for large
    /// inputs. Same answers as [`PreparedPolygon::contains_lonlat_deg_unchecked`].
    pub fn contains_many_unchecked(&self, lon: &[f64], lat: &[f64], out: &mut [bool]) {
        use rayon::prelude::*;
        let n = out.len().min(lon.len()).min(lat.len());
        let out = &mut out[..n];
        if crate::parallel::should_parallelize(n) {
            out.par_chunks_mut(crate::parallel::CHUNK)
                .enumerate()
                .for_each(|(c, chunk)| {
                    let base = c * crate::parallel::CHUNK;
                    let end = base + chunk.len();
                    self.contains_serial(&lon[base..end], &lat[base..end], chunk);
                });
        } else {
            self.contains_serial(&lon[..n], &lat[..n], out);
        }
    }

    fn contains_serial(&self, lon: &[f64], lat: &[f64], out: &mut [bool]) {
        let mut xs = [0.0f64; BLOCK];
        let mut ys = [0.0f64; BLOCK];
        let mut zs = [0.0f64; BLOCK];
        let mut mind = [0.0f64; BLOCK];
        for start in (0..out.len()).step_by(BLOCK) {
            let m = BLOCK.min(out.len() - start);
            let (lo, la) = (&lon[start..start + m], &lat[start..start + m]);
            for i in 0..m {
                if self.may_contain(lo[i], la[i]) {
                    let v = fast_vector_deg(lo[i], la[i]);
                    (xs[i], ys[i], zs[i]) = (v.x, v.y, v.z);
                    mind[i] = f64::INFINITY;
                } else {
                    // Certainly outside: d = -1 decides "false" below.
                    (xs[i], ys[i], zs[i]) = (0.0, 0.0, 0.0);
                    mind[i] = -1.0;
                }
            }
            for nrm in &self.normals {
                for i in 0..m {
                    let d = xs[i] * nrm.x + ys[i] * nrm.y + zs[i] * nrm.z;
                    mind[i] = mind[i].min(d);
                }
            }
            for i in 0..m {
                let (d, lon_deg) = (mind[i], lo[i]);
                out[start + i] = if lon_deg.abs() >= MAX_FAST_DEG || d.abs() <= MARGIN || d.is_nan()
                {
                    self.polygon
                        .contains(&UnitVector3d::from_lonlat_deg_unchecked(lon_deg, la[i]))
                } else {
                    d > 0.0
                };
            }
        }
    }
}

/// `(sin, cos)` of an angle in degrees, |x| < 1e6, with absolute error below 1e-15.
///
/// The angle is reduced to `[-45°, 45°]` by multiples of 90° (exact for these
/// magnitudes up to one rounding), then Taylor polynomials to degree 15/16 are used,
/// whose truncation error on `[-π/4, π/4]` is below 5e-17.
#[inline]
pub fn sincos_deg(x: f64) -> (f64, f64) {
    // Round to nearest by the 1.5·2^52 trick (`f64::round` is a slow libm call on
    // baseline x86-64); exact for |x/90| < 2^51.
    const ROUNDER: f64 = 6_755_399_441_055_744.0;
    let q = (x * (1.0 / 90.0) + ROUNDER) - ROUNDER;
    let r = x - q * 90.0;
    let t = r * (PI / 180.0);
    let t2 = t * t;
    // Taylor series evaluated with Estrin's scheme (short dependency chains):
    // sin t = t·S(t²), cos t = C(t²), coefficients ±1/k!.
    let t4 = t2 * t2;
    let t8 = t4 * t4;
    let sin_poly = ((1.0 - t2 * (1.0 / 6.0)) + t4 * (1.0 / 120.0 - t2 * (1.0 / 5040.0)))
        + t8 * ((1.0 / 362_880.0 - t2 * (1.0 / 39_916_800.0))
            + t4 * (1.0 / 6_227_020_800.0 - t2 * (1.0 / 1_307_674_368_000.0)));
    let s = t * sin_poly;
    let c = ((1.0 - t2 * 0.5) + t4 * (1.0 / 24.0 - t2 * (1.0 / 720.0)))
        + t8 * ((1.0 / 40_320.0 - t2 * (1.0 / 3_628_800.0))
            + t4 * (1.0 / 479_001_600.0 - t2 * (1.0 / 87_178_291_200.0)))
        + t8 * t8 * (1.0 / 20_922_789_888_000.0);
    // Quadrant k = q mod 4, taken in -2..=2 (q - 4 round(q/4), exact): 0 → (s, c),
    // 1 → (c, -s), ±2 → (-s, -c), -1 → (-c, s). Float selects only, so that loops
    // over many angles vectorize.
    let k = q - 4.0 * ((q * 0.25 + ROUNDER) - ROUNDER);
    let swap = k.abs() == 1.0;
    let (s0, c0) = if swap { (c, s) } else { (s, c) };
    let sin = if (-0.5..=1.5).contains(&k) { s0 } else { -s0 };
    let cos = if (-1.5..=0.5).contains(&k) { c0 } else { -c0 };
    (sin, cos)
}

/// The unit vector of (lon, lat) in degrees from [`sincos_deg`]: within ~2e-15 of
/// the one sphgeom builds when |lon| < [`MAX_FAST_DEG`] (beyond, sphgeom's own
/// conversion to radians rounds by more).
#[inline(always)]
pub fn fast_vector_deg(lon_deg: f64, lat_deg: f64) -> Vector3d {
    let (slon, clon) = sincos_deg(lon_deg);
    let (slat, clat) = sincos_deg(lat_deg);
    Vector3d::new(clon * clat, slon * clat, slat)
}

/// `deg_to_rad` re-exported for the accuracy test below.
#[allow(dead_code)]
fn exact_sincos_deg(x: f64) -> (f64, f64) {
    let r = deg_to_rad(x);
    (r.sin(), r.cos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sincos_error_is_tiny() {
        // Deterministic sweep (LCG), incl. multiples of 45 and 90.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut worst: f64 = 0.0;
        for k in 0..400_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let x = if k % 10 == 0 {
                45.0 * ((k / 10) % 40) as f64 - 720.0
            } else {
                -800.0 + 1600.0 * u
            };
            let (s, c) = sincos_deg(x);
            let (es, ec) = exact_sincos_deg(x);
            worst = worst.max((s - es).abs()).max((c - ec).abs());
        }
        assert!(worst < 2e-15, "worst error {worst:e}");
    }
}
