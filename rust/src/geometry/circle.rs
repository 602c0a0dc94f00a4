//! Circles (spherical caps): all points within an opening angle of a center.
//!
//! A circle stores its center, its opening angle θ (radians) and the squared chord
//! length `4 sin²(θ/2)` that the containment test uses: `v` is inside when
//! `|v - center|² <= chord²`. As in sphgeom, a negative (or NaN) squared chord length
//! is the empty circle and one of 4 or more the full sphere. Relations with other
//! circles compare angles with a margin of `4 × MAX_ASIN_ERROR`, so they are
//! conservative, never wrong.

use super::angle::{angle_between, MAX_ASIN_ERROR, MAX_SQUARED_CHORD_LENGTH_ERROR, PI};
use super::relationship::{relate_if_empty, relate_if_full, Relationship};
use super::vector::{UnitVector3d, Vector3d};
use crate::{Error, Result};

/// A spherical cap (sphgeom `Circle`, encoding type byte `'c'`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    center: UnitVector3d,
    squared_chord_length: f64,
    opening_angle_rad: f64,
}

impl Circle {
    /// The circle of `opening_angle_rad` around `center` (≥ π gives the full sphere).
    ///
    /// # Errors
    /// `InvalidRegion` for a NaN, infinite or negative opening angle.
    ///
    /// # Examples
    /// ```
    /// use skymaps::geometry::{Circle, UnitVector3d};
    /// let c = Circle::new(UnitVector3d::from_lonlat_deg(10.0, 20.0)?, 0.01)?;
    /// assert!(c.contains(&UnitVector3d::from_lonlat_deg(10.0, 20.5)?));
    /// # Ok::<(), skymaps::Error>(())
    /// ```
    pub fn new(center: UnitVector3d, opening_angle_rad: f64) -> Result<Self> {
        if !opening_angle_rad.is_finite() || opening_angle_rad < 0.0 {
            return Err(Error::region(format!(
                "circle radius {opening_angle_rad} rad must be finite and >= 0"
            )));
        }
        Ok(Circle {
            center,
            squared_chord_length: squared_chord_length_for(opening_angle_rad),
            opening_angle_rad,
        })
    }

    /// The circle of squared chord length `cl2` (sphgeom `Circle(c, double)`).
    pub fn from_squared_chord_length(center: UnitVector3d, cl2: f64) -> Self {
        Circle {
            center,
            squared_chord_length: cl2,
            opening_angle_rad: opening_angle_for(cl2),
        }
    }

    /// All three fields as stored (used by decoding; no validation).
    pub fn from_parts(
        center: UnitVector3d,
        squared_chord_length: f64,
        opening_angle_rad: f64,
    ) -> Self {
        Circle {
            center,
            squared_chord_length,
            opening_angle_rad,
        }
    }

    pub fn empty() -> Self {
        Circle::from_parts(UnitVector3d::from_normalized(0.0, 0.0, 1.0), -1.0, -1.0)
    }
    pub fn full() -> Self {
        Circle::from_squared_chord_length(UnitVector3d::from_normalized(0.0, 0.0, 1.0), 4.0)
    }

    pub fn center(&self) -> &UnitVector3d {
        &self.center
    }
    pub fn squared_chord_length(&self) -> f64 {
        self.squared_chord_length
    }
    pub fn opening_angle_rad(&self) -> f64 {
        self.opening_angle_rad
    }
    // NaN counts as empty, hence the negated comparison.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    pub fn is_empty(&self) -> bool {
        !(self.squared_chord_length >= 0.0)
    }
    pub fn is_full(&self) -> bool {
        self.squared_chord_length >= 4.0
    }

    /// Whether `v` is in the circle (boundary included).
    #[inline]
    pub fn contains(&self, v: &UnitVector3d) -> bool {
        self.is_full() || v.squared_chord_to(&self.center) <= self.squared_chord_length
    }

    /// Area in steradians: `π × chord²` (clamped to `[0, 4π]`).
    pub fn area(&self) -> f64 {
        PI * self.squared_chord_length.clamp(0.0, 4.0).max(0.0)
    }

    /// sphgeom's equality: both empty, both full, or identical fields.
    pub fn equals(&self, c: &Circle) -> bool {
        (self.is_empty() && c.is_empty())
            || (self.is_full() && c.is_full())
            || (self.center == c.center
                && self.squared_chord_length == c.squared_chord_length
                && self.opening_angle_rad == c.opening_angle_rad)
    }

    /// Whether the circles certainly have no point in common.
    pub fn is_disjoint_from(&self, x: &Circle) -> bool {
        if self.is_empty() || x.is_empty() {
            return true;
        }
        if self.is_full() || x.is_full() {
            return false;
        }
        let cc = angle_between(self.center.as_vector(), x.center.as_vector());
        cc > self.opening_angle_rad + x.opening_angle_rad + 4.0 * MAX_ASIN_ERROR
    }

    /// Relation to another circle (sphgeom `Circle::relate(Circle)`).
    pub fn relate_circle(&self, c: &Circle) -> Relationship {
        use Relationship as R;
        if let Some(r) = relate_if_empty(self.is_empty(), c.is_empty())
            .or_else(|| relate_if_full(self.is_full(), c.is_full()))
        {
            return r;
        }
        if self.equals(c) {
            return R::CONTAINS | R::WITHIN;
        }
        let cc = angle_between(self.center.as_vector(), c.center.as_vector());
        let (a, b) = (self.opening_angle_rad, c.opening_angle_rad);
        if cc > a + b + 4.0 * MAX_ASIN_ERROR {
            return R::DISJOINT;
        }
        if cc + b + 4.0 * MAX_ASIN_ERROR <= a {
            R::CONTAINS
        } else if cc + a + 4.0 * MAX_ASIN_ERROR <= b {
            R::WITHIN
        } else {
            R::INTERSECTS
        }
    }
}

/// `4 sin²(θ/2)`; −1 for negative θ (empty), 4 for θ ≥ π (full).
pub fn squared_chord_length_for(opening_angle_rad: f64) -> f64 {
    if opening_angle_rad < 0.0 {
        return -1.0;
    }
    if opening_angle_rad >= PI {
        return 4.0;
    }
    let s = (0.5 * opening_angle_rad).sin();
    4.0 * s * s
}

/// Inverse of [`squared_chord_length_for`].
pub fn opening_angle_for(cl2: f64) -> f64 {
    if cl2 < 0.0 {
        return -1.0;
    }
    if cl2 >= 4.0 {
        return PI;
    }
    2.0 * (0.5 * cl2.sqrt()).asin()
}

/// Minimum squared chord length between `v` and the points of the great-circle edge
/// `a → b` with normal `n` when the closest point is inside the edge, else 4.
pub(crate) fn min_squared_chord_length(
    v: &Vector3d,
    a: &Vector3d,
    b: &Vector3d,
    n: &Vector3d,
) -> f64 {
    let vxn = v.cross(n);
    if vxn.dot(a) > 0.0 && vxn.dot(b) < 0.0 {
        let s = v.dot(n).abs();
        let c = vxn.norm();
        let theta = if c == 0.0 { 0.5 * PI } else { (s / c).atan() };
        return squared_chord_length_for(theta);
    }
    4.0
}

/// Maximum squared chord length between `v` and the edge interior, else 0.
pub(crate) fn max_squared_chord_length(
    v: &Vector3d,
    a: &Vector3d,
    b: &Vector3d,
    n: &Vector3d,
) -> f64 {
    let vxn = v.cross(n);
    if vxn.dot(a) < 0.0 && vxn.dot(b) > 0.0 {
        let s = v.dot(n).abs();
        let c = -vxn.norm();
        return squared_chord_length_for(s.atan2(c));
    }
    0.0
}

/// Whether every vertex lies strictly inside `c` (`Some(true)`) or every one strictly
/// outside (`Some(false)`, also for no vertices); `None` when they straddle the
/// boundary or one is within rounding error of it (the polygon/box relation is then
/// INTERSECTS).
pub(crate) fn vertices_inside_circle(verts: &[UnitVector3d], c: &Circle) -> Option<bool> {
    let cl2 = c.squared_chord_length();
    let center = c.center();
    let mut inside = false;
    for (k, v) in verts.iter().enumerate() {
        let d = v.squared_chord_to(center);
        if (d - cl2).abs() < MAX_SQUARED_CHORD_LENGTH_ERROR {
            return None;
        }
        let b = d < cl2;
        if k == 0 {
            inside = b;
        } else if inside != b {
            return None;
        }
    }
    Some(inside)
}

impl Circle {
    /// A circle containing both (sphgeom `Circle::expandedTo(Circle)`).
    pub fn expanded_to(&self, x: &Circle) -> Circle {
        if self.is_empty() || x.is_full() {
            return *x;
        }
        if x.is_empty() || self.is_full() {
            return *self;
        }
        let cc = angle_between(self.center.as_vector(), x.center.as_vector());
        if cc + x.opening_angle_rad + 4.0 * MAX_ASIN_ERROR <= self.opening_angle_rad {
            return *self;
        }
        if cc + self.opening_angle_rad + 4.0 * MAX_ASIN_ERROR <= x.opening_angle_rad {
            return *x;
        }
        let o = 0.5 * (cc + self.opening_angle_rad + x.opening_angle_rad);
        if o + 2.0 * MAX_ASIN_ERROR >= PI {
            return Circle::full();
        }
        let n = orthogonal_to_pair(self.center.as_vector(), x.center.as_vector());
        let r = o - self.opening_angle_rad;
        let c = self.center.as_vector();
        let moved = c.scale(r.cos()).add(&n.cross(c).scale(r.sin()));
        let center = moved.normalize().unwrap_or(self.center);
        let angle = o + MAX_ASIN_ERROR;
        Circle::from_parts(center, squared_chord_length_for(angle), angle)
    }

    /// A circle containing the intersection (sphgeom `Circle::clippedTo(Circle)`).
    pub fn clipped_to(&self, x: &Circle) -> Circle {
        if self.is_empty() || x.is_full() {
            return *self;
        }
        if self.is_full() || x.is_empty() {
            return *x;
        }
        let (a, b) = (self.opening_angle_rad, x.opening_angle_rad);
        let cc = angle_between(self.center.as_vector(), x.center.as_vector());
        if cc > a + b + 4.0 * MAX_ASIN_ERROR {
            return Circle::empty();
        }
        if b < a {
            *x
        } else {
            *self
        }
    }
}

/// sphgeom `UnitVector3d::orthogonalTo(v1, v2)`: a unit normal of the plane of both.
fn orthogonal_to_pair(v1: &Vector3d, v2: &Vector3d) -> Vector3d {
    let n = v2.add(v1).cross(&v2.sub(v1));
    if n == Vector3d::default() {
        let o = if v1.x.abs() > v1.y.abs() {
            Vector3d::new(-v1.z, 0.0, v1.x)
        } else {
            Vector3d::new(0.0, v1.z, -v1.y)
        };
        return o.normalized_with_norm().map_or(o, |(u, _)| u);
    }
    n.normalized_with_norm().map_or(n, |(u, _)| u)
}
