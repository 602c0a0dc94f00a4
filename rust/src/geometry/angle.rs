//! Angles the way `lsst.sphgeom` computes them.
//!
//! Bit-compatibility with sphgeom needs more than the right formulas: the *same*
//! floating-point operations in the same order. This module holds the small scalar
//! pieces every region uses: the constants, the reduction of a longitude to
//! `[0, 2π]` (sphgeom's `NormalizedAngle`), degree/radian conversion, and the
//! longitude/latitude of a vector (`LonLat(Vector3d)`).

use super::vector::Vector3d;

/// π as the nearest double (slightly less than π).
pub const PI: f64 = std::f64::consts::PI;
/// Radians per degree, sphgeom's `RAD_PER_DEG`.
pub const RAD_PER_DEG: f64 = 0.017_453_292_519_943_295;
/// Degrees per radian, sphgeom's `DEG_PER_RAD`.
pub const DEG_PER_RAD: f64 = 57.295_779_513_082_32;
/// Maximum error of `asin` for an argument with 1 ulp of error (≈ 3.1 mas).
pub const MAX_ASIN_ERROR: f64 = 1.5e-8;
/// Maximum error of a squared chord length between two unit vectors.
pub const MAX_SQUARED_CHORD_LENGTH_ERROR: f64 = 2.5e-15;
/// The largest ε with `1 + ε == 1` (round to nearest even).
pub const EPSILON: f64 = 1.110_223_024_625_156_5e-16;

/// Degrees to radians with sphgeom's constant (`Angle::fromDegrees`).
#[inline]
pub fn deg_to_rad(deg: f64) -> f64 {
    deg * RAD_PER_DEG
}

/// Radians to degrees with sphgeom's constant (`Angle::asDegrees`).
#[inline]
pub fn rad_to_deg(rad: f64) -> f64 {
    rad * DEG_PER_RAD
}

/// Reduces an angle to `[0, 2π]` exactly as sphgeom's `NormalizedAngle(double)`.
///
/// Note that `2π` itself is kept (sphgeom's normalized range is closed).
#[inline]
pub fn normalize_angle(a_rad: f64) -> f64 {
    if a_rad < 0.0 {
        (a_rad % (2.0 * PI)) + 2.0 * PI
    } else if a_rad > 2.0 * PI {
        a_rad % (2.0 * PI)
    } else {
        a_rad
    }
}

/// Whether `a` is in `[0, 2π]` (sphgeom's `Angle::isNormalized`).
#[inline]
pub fn is_normalized(a_rad: f64) -> bool {
    (0.0..=2.0 * PI).contains(&a_rad)
}

/// Longitude of `v` in `[0, 2π]`, as sphgeom's `LonLat::longitudeOf`.
#[inline]
pub fn longitude_of(v: &Vector3d) -> f64 {
    let d2 = v.x * v.x + v.y * v.y;
    let mut lon = 0.0;
    if d2 != 0.0 {
        lon = v.y.atan2(v.x);
        if lon < 0.0 {
            lon += 2.0 * PI;
        }
    }
    normalize_angle(lon)
}

/// Latitude of `v` in `[-π/2, π/2]`, as sphgeom's `LonLat::latitudeOf`.
#[inline]
pub fn latitude_of(v: &Vector3d) -> f64 {
    let d2 = v.x * v.x + v.y * v.y;
    let mut lat = 0.0;
    if v.z != 0.0 {
        lat = v.z.atan2(d2.sqrt());
        if lat.abs() > 0.5 * PI {
            lat = (0.5 * PI).copysign(lat);
        }
    }
    lat
}

/// The angle between two vectors in `[0, π]` (sphgeom's `NormalizedAngle(v1, v2)`).
#[inline]
pub fn angle_between(v1: &Vector3d, v2: &Vector3d) -> f64 {
    let s = v1.cross(v2).norm();
    let c = v1.dot(v2);
    if s == 0.0 && c == 0.0 {
        0.0
    } else {
        s.atan2(c)
    }
}

/// The counter-clockwise angle from normalized angle `a` to normalized angle `b`
/// (sphgeom's `NormalizedAngle::getAngleTo`).
#[inline]
pub fn angle_to(a: f64, b: f64) -> f64 {
    let d = b - a;
    if d < 0.0 {
        2.0 * PI + d
    } else {
        d
    }
}

/// The midpoint of the counter-clockwise arc from `a` to `b` (`NormalizedAngle::center`).
#[inline]
pub fn center_of(a: f64, b: f64) -> f64 {
    let c = 0.5 * (a + b);
    if a <= b {
        c
    } else if c < PI {
        c + PI
    } else {
        c - PI
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_std() {
        assert_eq!(RAD_PER_DEG, PI / 180.0);
        assert_eq!(90.0 * RAD_PER_DEG, 0.5 * PI);
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize_angle(-0.5), -0.5 + 2.0 * PI);
        assert_eq!(normalize_angle(2.0 * PI), 2.0 * PI);
        assert!(normalize_angle(7.0) < 1.0);
    }
}
