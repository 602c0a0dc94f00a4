//! Points on the unit sphere.
//!
//! [`UnitVector3d`] is the representation every algorithm works with; [`LonLat`] is
//! for input and output. The lon/lat -> vector formula is the one `lsst.sphgeom` uses
//! (`UnitVector3d(LonLat)`), so the same degrees give bit-identical vectors and
//! therefore bit-identical region encodings.

use super::angle::{deg_to_rad, normalize_angle};
use crate::{Error, Result};

/// A vector in R^3 (not necessarily of unit length).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Vector3d {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl Vector3d {
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Vector3d { x, y, z }
    }
    pub fn dot(&self, o: &Vector3d) -> f64 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }
    pub fn cross(&self, o: &Vector3d) -> Vector3d {
        Vector3d::new(
            self.y * o.z - self.z * o.y,
            self.z * o.x - self.x * o.z,
            self.x * o.y - self.y * o.x,
        )
    }
    pub fn squared_norm(&self) -> f64 {
        self.dot(self)
    }
    pub fn norm(&self) -> f64 {
        self.squared_norm().sqrt()
    }
    pub fn is_finite(&self) -> bool {
        self.x.is_finite() && self.y.is_finite() && self.z.is_finite()
    }
    pub fn add(&self, o: &Vector3d) -> Vector3d {
        Vector3d::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
    pub fn sub(&self, o: &Vector3d) -> Vector3d {
        Vector3d::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
    pub fn scale(&self, s: f64) -> Vector3d {
        Vector3d::new(self.x * s, self.y * s, self.z * s)
    }
    pub fn neg(&self) -> Vector3d {
        Vector3d::new(-self.x, -self.y, -self.z)
    }
    /// The unit vector along `self`, or an error for a zero or non-finite vector.
    pub fn normalize(&self) -> Result<UnitVector3d> {
        UnitVector3d::new(self.x, self.y, self.z)
    }

    /// sphgeom's `Vector3d::normalize`: scales by the largest component first (no
    /// overflow or underflow), then by the norm. Returns the unit vector and the
    /// original norm, or `None` for a zero vector. Same operations as sphgeom, so the
    /// same bits.
    pub fn normalized_with_norm(&self) -> Option<(Vector3d, f64)> {
        // sphgeom sorts the components by |value| (ties keep the later one as the
        // largest); only the largest matters for the bits, since `u² + v²` commutes.
        // Branches instead of a sort table: this runs for every polygon vertex.
        let (ax, ay, az) = (self.x.abs(), self.y.abs(), self.z.abs());
        let (w, a, b) = if ax > ay && ax > az {
            (self.x, self.y, self.z)
        } else if ay > az && (ay >= ax || ax.is_nan()) {
            (self.y, self.x, self.z)
        } else {
            (self.z, self.x, self.y)
        };
        if w == 0.0 || w.is_nan() {
            return None;
        }
        let maxabs = w.abs();
        let u = a / maxabs;
        let v = b / maxabs;
        let norm = (1.0 + (u * u + v * v)).sqrt();
        let (u, v, w) = (u / norm, v / norm, 1.0f64.copysign(w) / norm);
        let out = if ax > ay && ax > az {
            Vector3d::new(w, u, v)
        } else if ay > az && (ay >= ax || ax.is_nan()) {
            Vector3d::new(u, w, v)
        } else {
            Vector3d::new(u, v, w)
        };
        Some((out, norm * maxabs))
    }
}

/// A point on the unit sphere. Invariant: finite and of unit norm (to rounding).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UnitVector3d(Vector3d);

impl UnitVector3d {
    /// Normalizes `(x, y, z)` exactly as sphgeom's `UnitVector3d(x, y, z)` (same bits);
    /// errors on zero length or non-finite input.
    pub fn new(x: f64, y: f64, z: f64) -> Result<Self> {
        let v = Vector3d::new(x, y, z);
        match v.normalized_with_norm() {
            Some((u, _)) if v.is_finite() => Ok(UnitVector3d(u)),
            _ => Err(Error::coordinate(format!(
                "cannot make a unit vector from ({x}, {y}, {z}): it must be finite and non-zero"
            ))),
        }
    }

    /// Keeps `(x, y, z)` bit for bit after checking that it is finite and of unit
    /// length within 1e-10 (for stored vertices, which must not be re-normalized).
    ///
    /// # Errors
    /// `InvalidCoordinate` for non-finite or non-unit input.
    pub fn from_unit_checked(x: f64, y: f64, z: f64) -> Result<Self> {
        let n2 = x * x + y * y + z * z;
        let finite = x.is_finite() && y.is_finite() && z.is_finite();
        if !finite || (n2 - 1.0).abs() > 1e-10 {
            return Err(Error::coordinate(format!(
                "({x}, {y}, {z}) is not a finite unit vector (squared norm {n2})"
            )));
        }
        Ok(UnitVector3d(Vector3d::new(x, y, z)))
    }

    /// Trusts the caller that `(x, y, z)` already has unit norm (no rescaling, so
    /// decoded vertices keep their exact bits).
    pub const fn from_normalized(x: f64, y: f64, z: f64) -> Self {
        UnitVector3d(Vector3d::new(x, y, z))
    }

    /// The sphgeom formula: `(cos lon cos lat, sin lon cos lat, sin lat)`.
    /// No validation; see [`UnitVector3d::from_lonlat_deg`].
    pub fn from_lonlat_rad(lon_rad: f64, lat_rad: f64) -> Self {
        let (sin_lon, cos_lon) = (lon_rad.sin(), lon_rad.cos());
        let (sin_lat, cos_lat) = (lat_rad.sin(), lat_rad.cos());
        UnitVector3d(Vector3d::new(cos_lon * cos_lat, sin_lon * cos_lat, sin_lat))
    }

    /// Validated conversion from degrees: finite longitude (any value, it wraps),
    /// latitude in [-90, 90]. Bit-identical to sphgeom's
    /// `UnitVector3d(LonLat.fromDegrees(lon, lat))` (the longitude is first reduced to
    /// `[0, 2π]` as sphgeom's `NormalizedAngle` does).
    pub fn from_lonlat_deg(lon_deg: f64, lat_deg: f64) -> Result<Self> {
        check_lonlat_deg(lon_deg, lat_deg)?;
        Ok(Self::from_lonlat_deg_unchecked(lon_deg, lat_deg))
    }

    /// [`UnitVector3d::from_lonlat_deg`] without validation (for pre-validated input).
    #[inline]
    pub fn from_lonlat_deg_unchecked(lon_deg: f64, lat_deg: f64) -> Self {
        Self::from_lonlat_rad(normalize_angle(deg_to_rad(lon_deg)), deg_to_rad(lat_deg))
    }

    /// sphgeom's `robustCross`: `(v + self) × (v - self)`, twice `self × v` but
    /// accurate for nearly equal vectors.
    #[inline]
    pub fn robust_cross(&self, v: &UnitVector3d) -> Vector3d {
        v.0.add(&self.0).cross(&v.0.sub(&self.0))
    }
    /// `self · (b × c)` in plain floating point (not exact; see `orientation`).
    #[inline]
    pub fn dot_cross(&self, b: &UnitVector3d, c: &UnitVector3d) -> f64 {
        self.0.dot(&b.0.cross(&c.0))
    }
    /// `self - v` as a plain vector.
    #[inline]
    pub fn sub(&self, v: &UnitVector3d) -> Vector3d {
        self.0.sub(&v.0)
    }
    /// Squared chord length to `v` (sphgeom's `(a - b).getSquaredNorm()`).
    #[inline]
    pub fn squared_chord_to(&self, v: &UnitVector3d) -> f64 {
        self.0.sub(&v.0).squared_norm()
    }

    pub fn x(&self) -> f64 {
        self.0.x
    }
    pub fn y(&self) -> f64 {
        self.0.y
    }
    pub fn z(&self) -> f64 {
        self.0.z
    }
    pub fn as_vector(&self) -> &Vector3d {
        &self.0
    }
    pub fn to_array(&self) -> [f64; 3] {
        [self.0.x, self.0.y, self.0.z]
    }
    pub fn dot(&self, o: &UnitVector3d) -> f64 {
        self.0.dot(&o.0)
    }
    pub fn cross(&self, o: &UnitVector3d) -> Vector3d {
        self.0.cross(&o.0)
    }
    pub fn neg(&self) -> UnitVector3d {
        UnitVector3d(self.0.neg())
    }

    /// Longitude in radians, in [0, 2π).
    pub fn lon_rad(&self) -> f64 {
        lon_of(self.0.x, self.0.y)
    }
    /// Latitude in radians, in [-π/2, π/2].
    pub fn lat_rad(&self) -> f64 {
        let (x, y, z) = (self.0.x, self.0.y, self.0.z);
        z.atan2((x * x + y * y).sqrt())
    }
    pub fn to_lonlat(&self) -> LonLat {
        LonLat {
            lon_rad: self.lon_rad(),
            lat_rad: self.lat_rad(),
        }
    }
    /// Great-circle distance to `o`, in radians (stable for tiny and near-π angles).
    pub fn angle_to(&self, o: &UnitVector3d) -> f64 {
        self.cross(o).norm().atan2(self.dot(o))
    }
}

fn lon_of(x: f64, y: f64) -> f64 {
    if x == 0.0 && y == 0.0 {
        return 0.0;
    }
    let lon = y.atan2(x);
    if lon < 0.0 {
        let w = lon + std::f64::consts::TAU;
        // -tiny + 2π rounds to 2π; keep the half-open range.
        if w >= std::f64::consts::TAU {
            0.0
        } else {
            w
        }
    } else {
        lon
    }
}

/// Longitude/latitude in radians.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLat {
    pub lon_rad: f64,
    pub lat_rad: f64,
}

impl LonLat {
    pub fn from_degrees(lon_deg: f64, lat_deg: f64) -> Result<Self> {
        check_lonlat_deg(lon_deg, lat_deg)?;
        Ok(LonLat {
            lon_rad: normalize_angle(deg_to_rad(lon_deg)),
            lat_rad: deg_to_rad(lat_deg),
        })
    }
    pub fn lon_deg(&self) -> f64 {
        self.lon_rad.to_degrees()
    }
    pub fn lat_deg(&self) -> f64 {
        self.lat_rad.to_degrees()
    }
    pub fn to_vector(&self) -> UnitVector3d {
        UnitVector3d::from_lonlat_rad(self.lon_rad, self.lat_rad)
    }
}

/// The one place that says what a valid (lon, lat) in degrees is.
pub fn check_lonlat_deg(lon_deg: f64, lat_deg: f64) -> Result<()> {
    if !lon_deg.is_finite() || !lat_deg.is_finite() {
        return Err(Error::coordinate(format!(
            "coordinates must be finite, got lon={lon_deg}, lat={lat_deg} (degrees)"
        )));
    }
    if !(-90.0..=90.0).contains(&lat_deg) {
        return Err(Error::coordinate(format!(
            "latitude {lat_deg} deg is outside [-90, 90]"
        )));
    }
    Ok(())
}

/// The one check of lon/lat *arrays* in degrees: equal lengths, then every point valid
/// (one cheap pass, so hot loops can run unchecked); the error names the first bad point.
///
/// # Errors
/// [`Error::ShapeMismatch`] for unequal lengths, [`Error::InvalidCoordinate`] (as
/// [`check_lonlat_deg`], prefixed with the point index) for a bad point.
pub fn check_lonlat_arrays(lon_deg: &[f64], lat_deg: &[f64]) -> Result<()> {
    if lon_deg.len() != lat_deg.len() {
        return Err(Error::shape(format!(
            "lon has {} values but lat has {}; expected the same length",
            lon_deg.len(),
            lat_deg.len()
        )));
    }
    let ok = lon_deg
        .iter()
        .zip(lat_deg)
        .all(|(&lo, &la)| lo.is_finite() && (-90.0..=90.0).contains(&la));
    if !ok {
        for (i, (&lo, &la)) in lon_deg.iter().zip(lat_deg).enumerate() {
            check_lonlat_deg(lo, la).map_err(|e| Error::coordinate(format!("point {i}: {e}")))?;
        }
    }
    Ok(())
}

/// Validates and converts one position: lon wrapped into [0, 2pi) radians, lat radians.
///
/// # Errors
/// [`Error::InvalidCoordinate`] for non-finite values or a latitude outside [-90, 90].
pub fn lonlat_deg_to_rad(lon_deg: f64, lat_deg: f64) -> Result<(f64, f64)> {
    check_lonlat_deg(lon_deg, lat_deg)?;
    Ok(lonlat_deg_to_rad_unchecked(lon_deg, lat_deg))
}

/// [`lonlat_deg_to_rad`] without validation (after [`check_lonlat_arrays`]).
#[inline]
pub fn lonlat_deg_to_rad_unchecked(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    let wrapped = if (0.0..360.0).contains(&lon_deg) {
        lon_deg
    } else {
        lon_deg.rem_euclid(360.0)
    };
    let lon = wrapped.to_radians();
    (
        if lon >= std::f64::consts::TAU {
            0.0
        } else {
            lon
        },
        lat_deg.to_radians(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// sphgeom's `Vector3d::normalize` with its sort table (the previous implementation
    /// here): the reference for the branch version's bits.
    fn normalized_by_table(c: [f64; 3]) -> Option<[f64; 3]> {
        const ORDER: [[usize; 3]; 8] = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [0, 1, 2],
            [0, 1, 2],
            [2, 0, 1],
            [1, 2, 0],
            [2, 1, 0],
        ];
        let [ax, ay, az] = c.map(f64::abs);
        let index =
            (usize::from(ax > az) << 2) + (usize::from(ax > ay) << 1) + usize::from(ay > az);
        let [iu, iv, iw] = ORDER[index];
        let w = c[iw];
        if w == 0.0 || w.is_nan() {
            return None;
        }
        let (u, v) = (c[iu] / w.abs(), c[iv] / w.abs());
        let norm = (1.0 + (u * u + v * v)).sqrt();
        let mut out = [0.0; 3];
        out[iu] = u / norm;
        out[iv] = v / norm;
        out[iw] = 1.0f64.copysign(w) / norm;
        Some(out)
    }

    fn assert_same_bits(c: [f64; 3]) {
        let got = Vector3d::new(c[0], c[1], c[2])
            .normalized_with_norm()
            .map(|(v, _)| [v.x, v.y, v.z].map(f64::to_bits));
        let want = normalized_by_table(c).map(|v| v.map(f64::to_bits));
        assert_eq!(got, want, "{c:?}");
    }

    #[test]
    fn normalization_ties_match_sphgeom_table() {
        let values = [0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 1e-300, f64::NAN, 3.0];
        for &x in &values {
            for &y in &values {
                for &z in &values {
                    assert_same_bits([x, y, z]);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn normalization_matches_sphgeom_table(c in proptest::array::uniform3(-2.0f64..2.0)) {
            assert_same_bits(c);
        }
    }

    #[test]
    fn lonlat_roundtrip() {
        let v = UnitVector3d::from_lonlat_deg(350.0, -45.0).unwrap();
        assert!((v.lon_rad().to_degrees() - 350.0).abs() < 1e-12);
        assert!((v.lat_rad().to_degrees() + 45.0).abs() < 1e-12);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(UnitVector3d::from_lonlat_deg(f64::NAN, 0.0).is_err());
        assert!(UnitVector3d::from_lonlat_deg(0.0, 90.0001).is_err());
        assert!(UnitVector3d::new(0.0, 0.0, 0.0).is_err());
    }

    #[test]
    fn lon_is_half_open() {
        let v = UnitVector3d::new(1.0, -1e-300, 0.0).unwrap();
        assert!(v.lon_rad() < std::f64::consts::TAU);
    }
}
