//! The two geometric primitives HTM needs, on raw `Vector3d`s: sphgeom's exact
//! orientation test and sphgeom's normalisation (both from [`crate::geometry`]), so
//! that trixel midpoints and point-in-trixel decisions are bit-identical to sphgeom's.

use crate::geometry::{UnitVector3d, Vector3d};

/// Sign of `a · (b × c)` (exact), as sphgeom's `orientation`.
#[inline]
pub fn orientation(a: &Vector3d, b: &Vector3d, c: &Vector3d) -> i32 {
    let u = |v: &Vector3d| UnitVector3d::from_normalized(v.x, v.y, v.z);
    crate::geometry::orientation(&u(a), &u(b), &u(c))
}

/// sphgeom's `Vector3d::normalize` (same bits). `v` must be non-zero; a zero vector
/// (impossible for the midpoint of two trixel vertices) is returned unchanged.
#[inline]
pub fn normalize_like_sphgeom(v: &Vector3d) -> Vector3d {
    v.normalized_with_norm().map_or(*v, |(u, _)| u)
}
