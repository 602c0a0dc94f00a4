//! Closed angle intervals: latitudes ([`AngleInterval`]) and longitudes that may wrap
//! around 2π ([`NormalizedAngleInterval`]).
//!
//! These follow sphgeom's `AngleInterval` and `NormalizedAngleInterval` operation by
//! operation, because [`LonLatBox`](super::LonLatBox) relations and polygon bounding
//! boxes are built from them and must give sphgeom's answers. An empty latitude
//! interval has `a > b` (or a NaN end); an empty longitude interval has NaN ends.
//! A longitude interval *wraps* when `a > b`: it is then `[a, 2π] ∪ [0, b]`.

use super::angle::{angle_to, center_of, is_normalized, normalize_angle, PI};
use super::relationship::{relate_if_empty, Relationship};
use crate::{Error, Result};

/// A closed interval of (latitude) angles in radians.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AngleInterval {
    pub a: f64,
    pub b: f64,
}

impl Default for AngleInterval {
    fn default() -> Self {
        Self::empty()
    }
}

impl AngleInterval {
    pub const fn new(a: f64, b: f64) -> Self {
        AngleInterval { a, b }
    }
    pub const fn empty() -> Self {
        AngleInterval { a: 1.0, b: 0.0 }
    }
    pub const fn point(x: f64) -> Self {
        AngleInterval { a: x, b: x }
    }
    // NaN ends count as empty, hence the negated comparison.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    pub fn is_empty(&self) -> bool {
        !(self.a <= self.b)
    }
    pub fn center(&self) -> f64 {
        0.5 * (self.a + self.b)
    }
    pub fn size(&self) -> f64 {
        self.b - self.a
    }
    /// Contains `x` (a NaN `x` counts as the empty set, which every interval contains).
    pub fn contains(&self, x: f64) -> bool {
        (self.a <= x && x <= self.b) || x.is_nan()
    }
    pub fn contains_interval(&self, x: &AngleInterval) -> bool {
        if x.is_empty() {
            true
        } else if self.is_empty() {
            false
        } else {
            self.a <= x.a && self.b >= x.b
        }
    }
    pub fn is_disjoint_from(&self, x: &AngleInterval) -> bool {
        if self.is_empty() || x.is_empty() {
            return true;
        }
        self.a > x.b || self.b < x.a
    }
    pub fn intersects(&self, x: &AngleInterval) -> bool {
        !self.is_disjoint_from(x)
    }
    pub fn equals(&self, x: &AngleInterval) -> bool {
        (self.a == x.a && self.b == x.b) || (self.is_empty() && x.is_empty())
    }
    pub fn clip_to(&mut self, x: &AngleInterval) {
        if x.is_empty() {
            *self = *x;
        } else if !self.is_empty() {
            self.a = self.a.max(x.a);
            self.b = self.b.min(x.b);
        }
    }
    pub fn expand_to(&mut self, x: &AngleInterval) {
        if self.is_empty() {
            *self = *x;
        } else if !x.is_empty() {
            self.a = self.a.min(x.a);
            self.b = self.b.max(x.b);
        }
    }
    pub fn expand_to_point(&mut self, x: f64) {
        if self.is_empty() {
            self.a = x;
            self.b = x;
        } else if x < self.a {
            self.a = x;
        } else if x > self.b {
            self.b = x;
        }
    }
    pub fn dilated_by(&self, x: f64) -> AngleInterval {
        if x.is_nan() || self.is_empty() {
            *self
        } else {
            AngleInterval::new(self.a - x, self.b + x)
        }
    }
    pub fn relate(&self, x: &AngleInterval) -> Relationship {
        use Relationship as R;
        if let Some(r) = relate_if_empty(self.is_empty(), x.is_empty()) {
            return r;
        }
        if self.a == x.a && self.b == x.b {
            return R::CONTAINS | R::WITHIN;
        }
        if self.a > x.b || self.b < x.a {
            return R::DISJOINT;
        }
        if self.a <= x.a && self.b >= x.b {
            return R::CONTAINS;
        }
        if x.a <= self.a && x.b >= self.b {
            return R::WITHIN;
        }
        R::INTERSECTS
    }
}

/// A closed interval of normalized angles (longitudes) in `[0, 2π]`, possibly wrapping.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormalizedAngleInterval {
    pub a: f64,
    pub b: f64,
}

impl Default for NormalizedAngleInterval {
    fn default() -> Self {
        Self::empty()
    }
}

impl NormalizedAngleInterval {
    pub const fn empty() -> Self {
        NormalizedAngleInterval {
            a: f64::NAN,
            b: f64::NAN,
        }
    }
    pub const fn full() -> Self {
        NormalizedAngleInterval {
            a: 0.0,
            b: 2.0 * PI,
        }
    }
    /// From already-normalized ends, kept as given.
    pub const fn from_normalized(a: f64, b: f64) -> Self {
        NormalizedAngleInterval { a, b }
    }
    /// A single (normalized) angle.
    pub const fn point(x: f64) -> Self {
        NormalizedAngleInterval { a: x, b: x }
    }

    /// sphgeom's `NormalizedAngleInterval(Angle x, Angle y)`: ends outside `[0, 2π]`
    /// are reduced; an interval of 2π or more is full.
    ///
    /// # Errors
    /// `InvalidRegion` when an end is not normalized and `x > y` (ambiguous).
    pub fn from_angles(x: f64, y: f64) -> Result<Self> {
        if x.is_nan() || y.is_nan() {
            return Ok(Self::empty());
        }
        if !is_normalized(x) || !is_normalized(y) {
            if x > y {
                return Err(Error::region(format!(
                    "longitude interval [{x}, {y}] rad: when an end is outside [0, 2π] the \
                     start must not exceed the end"
                )));
            }
            if y - x >= 2.0 * PI {
                return Ok(Self::full());
            }
        }
        Ok(NormalizedAngleInterval {
            a: normalize_angle(x),
            b: normalize_angle(y),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.a.is_nan() || self.b.is_nan()
    }
    pub fn is_full(&self) -> bool {
        self.a == 0.0 && self.b == 2.0 * PI
    }
    pub fn wraps(&self) -> bool {
        self.a > self.b
    }
    pub fn center(&self) -> f64 {
        center_of(self.a, self.b)
    }
    pub fn size(&self) -> f64 {
        angle_to(self.a, self.b)
    }
    pub fn equals(&self, x: &NormalizedAngleInterval) -> bool {
        (self.a == x.a && self.b == x.b) || (self.is_empty() && x.is_empty())
    }
    /// Contains the normalized angle `x` (NaN counts as the empty set).
    pub fn contains(&self, x: f64) -> bool {
        if x.is_nan() {
            return true;
        }
        self.intersects_point(x)
    }
    pub fn intersects_point(&self, x: f64) -> bool {
        if self.wraps() {
            x <= self.b || self.a <= x
        } else {
            self.a <= x && x <= self.b
        }
    }
    pub fn contains_interval(&self, x: &NormalizedAngleInterval) -> bool {
        if x.is_empty() {
            return true;
        }
        if self.is_empty() {
            return false;
        }
        if x.wraps() {
            if !self.wraps() {
                return self.is_full();
            }
        } else if self.wraps() {
            return x.a >= self.a || x.b <= self.b;
        }
        x.a >= self.a && x.b <= self.b
    }
    pub fn is_disjoint_from(&self, x: &NormalizedAngleInterval) -> bool {
        if x.is_empty() || self.is_empty() {
            return true;
        }
        if x.wraps() {
            return if self.wraps() {
                false
            } else {
                x.a > self.b && x.b < self.a
            };
        }
        if self.wraps() {
            return self.a > x.b && self.b < x.a;
        }
        x.b < self.a || x.a > self.b
    }
    pub fn intersects(&self, x: &NormalizedAngleInterval) -> bool {
        !self.is_disjoint_from(x)
    }

    pub fn relate(&self, x: &NormalizedAngleInterval) -> Relationship {
        use Relationship as R;
        if let Some(r) = relate_if_empty(self.is_empty(), x.is_empty()) {
            return r;
        }
        if self.a == x.a && self.b == x.b {
            return R::CONTAINS | R::WITHIN;
        }
        let (a, b) = (self.a, self.b);
        if self.wraps() {
            if x.wraps() {
                if a <= x.a && b >= x.b {
                    return R::CONTAINS;
                }
                if a >= x.a && b <= x.b {
                    return R::WITHIN;
                }
                return R::INTERSECTS;
            }
            if x.is_full() {
                return R::WITHIN;
            }
            if a <= x.a || b >= x.b {
                return R::CONTAINS;
            }
            return if a > x.b && b < x.a {
                R::DISJOINT
            } else {
                R::INTERSECTS
            };
        }
        if x.wraps() {
            if self.is_full() {
                return R::CONTAINS;
            }
            if x.a <= a || x.b >= b {
                return R::WITHIN;
            }
            return if x.a > b && x.b < a {
                R::DISJOINT
            } else {
                R::INTERSECTS
            };
        }
        if a <= x.a && b >= x.b {
            return R::CONTAINS;
        }
        if a >= x.a && b <= x.b {
            return R::WITHIN;
        }
        if a <= x.b && b >= x.a {
            R::INTERSECTS
        } else {
            R::DISJOINT
        }
    }

    /// An interval containing the intersection (sphgeom `clipTo`: the shorter
    /// candidate when the intersection has two pieces).
    pub fn clip_to(&mut self, x: &NormalizedAngleInterval) {
        if x.is_empty() {
            *self = Self::empty();
        } else if self.contains(x.a) {
            if self.contains(x.b) {
                if self.size() >= x.size() {
                    *self = *x;
                }
            } else {
                self.a = x.a;
            }
        } else if self.contains(x.b) {
            self.b = x.b;
        } else if !x.intersects_point(self.a) {
            *self = Self::empty();
        }
    }

    /// Smallest interval containing this one and the normalized angle `x`.
    pub fn expand_to_point(&mut self, x: f64) {
        if self.is_empty() {
            *self = Self::point(x);
        } else if !self.contains(x) {
            if angle_to(x, self.a) > angle_to(self.b, x) {
                self.b = x;
            } else {
                self.a = x;
            }
        }
    }

    /// Smallest interval containing this one and `x`.
    pub fn expand_to(&mut self, x: &NormalizedAngleInterval) {
        if x.is_empty() {
            return;
        }
        if self.contains(x.a) {
            if self.contains(x.b) {
                if self.wraps() != x.wraps() {
                    *self = Self::full();
                }
            } else {
                self.b = x.b;
            }
        } else if self.contains(x.b) {
            self.a = x.a;
        } else if self.is_empty() || x.contains(self.a) {
            *self = *x;
        } else if angle_to(self.b, x.a) < angle_to(x.b, self.a) {
            self.b = x.b;
        } else {
            self.a = x.a;
        }
    }

    /// Grows (or, for negative `x`, shrinks) both ends by `x` radians.
    pub fn dilated_by(&self, x: f64) -> NormalizedAngleInterval {
        if self.is_empty() || self.is_full() || x == 0.0 || x.is_nan() {
            return *self;
        }
        let mut a = self.a - x;
        let mut b = self.b + x;
        if x > 0.0 {
            if x >= PI {
                return Self::full();
            }
            if self.wraps() {
                if a <= b {
                    return Self::full();
                }
            } else {
                if a < 0.0 {
                    a += 2.0 * PI;
                    if a <= b {
                        return Self::full();
                    }
                }
                if b > 2.0 * PI {
                    b -= 2.0 * PI;
                    if a <= b {
                        return Self::full();
                    }
                }
            }
        } else {
            if x <= -PI {
                return Self::empty();
            }
            if self.wraps() {
                if a > 2.0 * PI {
                    a -= 2.0 * PI;
                    if a > b {
                        return Self::empty();
                    }
                }
                if b < 0.0 {
                    b += 2.0 * PI;
                    if a > b {
                        return Self::empty();
                    }
                }
            } else if a > b {
                return Self::empty();
            }
        }
        // Both ends are now in range or the interval is ordered, so this cannot fail.
        Self::from_angles(a, b).unwrap_or_else(|_| Self::full())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_relations() {
        let w = NormalizedAngleInterval::from_angles(-0.1, 0.1).unwrap();
        assert!(w.wraps());
        assert!(w.contains(0.0) && w.contains(2.0 * PI - 0.05) && !w.contains(1.0));
        let x = NormalizedAngleInterval::from_normalized(1.0, 2.0);
        assert_eq!(w.relate(&x), Relationship::DISJOINT);
        assert!(NormalizedAngleInterval::from_angles(0.3, -0.3).is_err());
    }

    #[test]
    fn dilation_can_fill() {
        let x = NormalizedAngleInterval::from_normalized(0.5, 6.0);
        assert!(x.dilated_by(0.5).is_full());
    }
}
