//! Longitude/latitude boxes (sphgeom `Box`).
//!
//! A box is a closed longitude interval (which may wrap through 0, e.g. 350°..10°)
//! times a closed latitude interval. Its edges of constant longitude are great-circle
//! arcs, its edges of constant latitude are small circles, so it is not a polygon.
//! Point containment converts the point to lon/lat exactly as sphgeom does, which
//! makes boundary points behave identically.

use super::angle::{latitude_of, longitude_of, MAX_ASIN_ERROR, MAX_SQUARED_CHORD_LENGTH_ERROR, PI};
use super::circle::{
    max_squared_chord_length, min_squared_chord_length, squared_chord_length_for,
    vertices_inside_circle, Circle,
};
use super::interval::{AngleInterval, NormalizedAngleInterval};
use super::relationship::{relate_if_empty, relate_if_full, Relationship};
use super::vector::{UnitVector3d, Vector3d};
use crate::{Error, Result};

/// A lon/lat box (encoding type byte `'b'`). Rust's `Box` is taken, hence the name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLatBox {
    lon: NormalizedAngleInterval,
    lat: AngleInterval,
}

impl LonLatBox {
    /// The box `[lon_min, lon_max] × [lat_min, lat_max]` (radians). When
    /// `lon_min > lon_max` (both in `[0, 2π]`) the box wraps through longitude 0; ends
    /// outside `[0, 2π]` are reduced (sphgeom `Box.fromRadians(lon_min, lat_min,
    /// lon_max, lat_max)`), and a span of 2π or more is all longitudes.
    ///
    /// # Errors
    /// `InvalidCoordinate` for non-finite values or latitudes outside `[-π/2, π/2]`;
    /// `InvalidRegion` when `lat_min > lat_max`, or when `lon_min > lon_max` with an end
    /// outside `[0, 2π]`.
    ///
    /// # Examples
    /// ```
    /// use skymaps::geometry::{LonLatBox, UnitVector3d};
    /// let b = LonLatBox::new(350f64.to_radians(), 10f64.to_radians(), -0.1, 0.1)?;
    /// assert!(b.contains(&UnitVector3d::from_lonlat_deg(0.0, 0.0)?));
    /// # Ok::<(), skymaps::Error>(())
    /// ```
    pub fn new(
        lon_min_rad: f64,
        lon_max_rad: f64,
        lat_min_rad: f64,
        lat_max_rad: f64,
    ) -> Result<Self> {
        let all = [lon_min_rad, lon_max_rad, lat_min_rad, lat_max_rad];
        if all.iter().any(|v| !v.is_finite()) {
            return Err(Error::coordinate(format!(
                "box bounds must be finite, got lon [{lon_min_rad}, {lon_max_rad}], \
                 lat [{lat_min_rad}, {lat_max_rad}] (radians)"
            )));
        }
        for lat in [lat_min_rad, lat_max_rad] {
            if lat.abs() > 0.5 * PI {
                return Err(Error::coordinate(format!(
                    "box latitude {lat} rad is outside [-π/2, π/2]"
                )));
            }
        }
        if lat_min_rad > lat_max_rad {
            return Err(Error::region(format!(
                "box lat_min {lat_min_rad} rad is greater than lat_max {lat_max_rad} rad"
            )));
        }
        let lon = NormalizedAngleInterval::from_angles(lon_min_rad, lon_max_rad)?;
        Ok(Self::from_intervals(
            lon,
            AngleInterval::new(lat_min_rad, lat_max_rad),
        ))
    }

    /// From intervals, clipping latitudes to `[-π/2, π/2]` (sphgeom's invariants).
    pub fn from_intervals(lon: NormalizedAngleInterval, lat: AngleInterval) -> Self {
        let mut b = LonLatBox { lon, lat };
        b.enforce_invariants();
        b
    }

    /// The box as decoded from raw radians (sphgeom `Box::decode`).
    pub(crate) fn from_encoded(lon_a: f64, lon_b: f64, lat_a: f64, lat_b: f64) -> Result<Self> {
        let lon = NormalizedAngleInterval::from_angles(lon_a, lon_b)
            .map_err(|e| Error::decode(format!("invalid box longitudes: {e}")))?;
        Ok(Self::from_intervals(lon, AngleInterval::new(lat_a, lat_b)))
    }

    pub fn empty() -> Self {
        LonLatBox {
            lon: NormalizedAngleInterval::empty(),
            lat: AngleInterval::empty(),
        }
    }
    pub fn full() -> Self {
        Self::from_intervals(NormalizedAngleInterval::full(), all_latitudes())
    }

    fn enforce_invariants(&mut self) {
        self.lat.clip_to(&all_latitudes());
        if self.lat.is_empty() {
            self.lon = NormalizedAngleInterval::empty();
        } else if self.lon.is_empty() {
            self.lat = AngleInterval::empty();
        }
    }

    pub fn lon(&self) -> &NormalizedAngleInterval {
        &self.lon
    }
    pub fn lat(&self) -> &AngleInterval {
        &self.lat
    }
    pub fn is_empty(&self) -> bool {
        self.lat.is_empty()
    }
    pub fn is_full(&self) -> bool {
        self.lon.is_full() && self.lat.equals(&all_latitudes())
    }
    /// sphgeom equality (all empty boxes are equal).
    pub fn equals(&self, b: &LonLatBox) -> bool {
        self.lon.equals(&b.lon) && self.lat.equals(&b.lat)
    }

    /// Whether the point (lon, lat in radians, lon normalized) is in the box.
    #[inline]
    pub fn contains_lonlat_rad(&self, lon_rad: f64, lat_rad: f64) -> bool {
        self.lat.contains(lat_rad) && self.lon.contains(lon_rad)
    }

    /// Whether `v` is in the box (boundary included).
    #[inline]
    pub fn contains(&self, v: &UnitVector3d) -> bool {
        let p = v.as_vector();
        self.contains_lonlat_rad(longitude_of(p), latitude_of(p))
    }

    /// Area in steradians: `Δlon × |sin lat_max − sin lat_min|`.
    pub fn area(&self) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        let dz = self.lat.b.sin() - self.lat.a.sin();
        (self.lon.size() * dz).abs()
    }

    /// Relation to another box (exact: interval comparisons only).
    pub fn relate_box(&self, b: &LonLatBox) -> Relationship {
        let r1 = self.lon.relate(&b.lon);
        let r2 = self.lat.relate(&b.lat);
        ((r1 & r2) & (Relationship::CONTAINS | Relationship::WITHIN))
            | ((r1 | r2) & Relationship::DISJOINT)
    }

    /// Whether the boxes share a point (exact).
    pub fn intersects_box(&self, b: &LonLatBox) -> bool {
        self.lat.intersects(&b.lat) && self.lon.intersects(&b.lon)
    }

    /// Smallest box containing both (sphgeom `Box::expandTo(Box)`).
    pub(crate) fn expand_to(&mut self, b: &LonLatBox) {
        self.lon.expand_to(&b.lon);
        self.lat.expand_to(&b.lat);
    }

    /// A box containing the intersection (sphgeom `Box::clipTo(Box)`).
    pub(crate) fn clip_to(&mut self, b: &LonLatBox) {
        self.lon.clip_to(&b.lon);
        self.lat.clip_to(&b.lat);
        self.enforce_invariants();
    }

    /// The four corners in sphgeom's order: (a, a), (a, b), (b, a), (b, b) as (lon, lat).
    fn corners(&self) -> [UnitVector3d; 4] {
        let (lo, la) = (self.lon, self.lat);
        [
            UnitVector3d::from_lonlat_rad(lo.a, la.a),
            UnitVector3d::from_lonlat_rad(lo.a, la.b),
            UnitVector3d::from_lonlat_rad(lo.b, la.a),
            UnitVector3d::from_lonlat_rad(lo.b, la.b),
        ]
    }

    /// Relation to a circle (sphgeom `Box::relate(Circle)`).
    pub fn relate_circle(&self, c: &Circle) -> Relationship {
        use Relationship as R;
        if let Some(r) = relate_if_empty(self.is_empty(), c.is_empty())
            .or_else(|| relate_if_full(self.is_full(), c.is_full()))
        {
            return r;
        }
        let verts = self.corners();
        let Some(inside) = vertices_inside_circle(&verts, c) else {
            return R::INTERSECTS;
        };
        let cl2 = c.squared_chord_length();
        let center = c.center();
        let norms = [meridian_normal(self.lon.a), meridian_normal(self.lon.b)];
        let cv = center.as_vector();
        if inside {
            for i in 0..2 {
                let d = max_squared_chord_length(
                    cv,
                    verts[2 * i + 1].as_vector(),
                    verts[2 * i].as_vector(),
                    &norms[i],
                );
                if d > cl2 - MAX_SQUARED_CHORD_LENGTH_ERROR {
                    return R::INTERSECTS;
                }
            }
            let anti = center.neg();
            let (alon, alat) = (
                longitude_of(anti.as_vector()),
                latitude_of(anti.as_vector()),
            );
            if self.lon.contains(alon) {
                let a = (alat - self.lat.a).abs().min((alat - self.lat.b).abs());
                let d = squared_chord_length_for(PI - a);
                if d > cl2 - MAX_SQUARED_CHORD_LENGTH_ERROR {
                    return R::INTERSECTS;
                }
            }
            if self.contains_lonlat_rad(alon, alat) {
                return R::INTERSECTS;
            }
            return R::WITHIN;
        }
        for i in 0..2 {
            let d = min_squared_chord_length(
                cv,
                verts[2 * i + 1].as_vector(),
                verts[2 * i].as_vector(),
                &norms[i],
            );
            if d < cl2 + MAX_SQUARED_CHORD_LENGTH_ERROR {
                return R::INTERSECTS;
            }
        }
        let (clon, clat) = (longitude_of(cv), latitude_of(cv));
        if self.lon.contains(clon) {
            let a = (clat - self.lat.a).abs().min((clat - self.lat.b).abs());
            let d = squared_chord_length_for(a);
            if d < cl2 + MAX_SQUARED_CHORD_LENGTH_ERROR {
                return R::INTERSECTS;
            }
        }
        if self.contains_lonlat_rad(clon, clat) {
            return R::CONTAINS;
        }
        R::DISJOINT
    }

    /// A circle containing the box (sphgeom `Box::getBoundingCircle`).
    pub fn bounding_circle(&self) -> Circle {
        if self.is_empty() {
            return Circle::empty();
        }
        if self.is_full() {
            return Circle::full();
        }
        let w = self.lon.size();
        if w <= PI {
            let verts = self.corners();
            let c = (0.5 * w).cos();
            let (phi1, phi2, phi3) = if c == 0.0 {
                (
                    (0.5 * PI).copysign(self.lat.a),
                    (0.5 * PI).copysign(self.lat.b),
                    0.0,
                )
            } else {
                (
                    (self.lat.a.tan() / c).atan(),
                    (self.lat.b.tan() / c).atan(),
                    (c * self.lat.center().tan()).atan(),
                )
            };
            let lon_c = self.lon.center();
            let p = if phi1 <= phi3 && phi3 <= phi2 {
                UnitVector3d::from_lonlat_rad(lon_c, phi3)
            } else {
                let p1 = UnitVector3d::from_lonlat_rad(lon_c, phi1);
                let p2 = UnitVector3d::from_lonlat_rad(lon_c, phi2);
                if p1.dot(&verts[0]) > p2.dot(&verts[1]) {
                    p2
                } else {
                    p1
                }
            };
            let mut cl2 = p.squared_chord_to(&verts[0]);
            for v in &verts[1..] {
                cl2 = cl2.max(p.squared_chord_to(v));
            }
            return Circle::from_squared_chord_length(
                p,
                cl2 + 2.0 * MAX_SQUARED_CHORD_LENGTH_ERROR,
            );
        }
        let (mut r, mut v) = if self.lat.a.abs() <= self.lat.b.abs() {
            (
                0.5 * PI - self.lat.a,
                UnitVector3d::from_normalized(0.0, 0.0, 1.0),
            )
        } else {
            (
                self.lat.b + 0.5 * PI,
                UnitVector3d::from_normalized(-0.0, -0.0, -1.0), // sphgeom: -Z() keeps signed zeros
            )
        };
        if !self.lon.is_full() && 0.5 * w < r {
            r = 0.5 * w;
            v = UnitVector3d::from_lonlat_rad(self.lon.center(), 0.0);
        }
        let angle = r + 4.0 * MAX_ASIN_ERROR;
        Circle::from_parts(v, squared_chord_length_for(angle), angle)
    }
}

/// `[-π/2, π/2]`.
pub(crate) fn all_latitudes() -> AngleInterval {
    AngleInterval::new(-0.5 * PI, 0.5 * PI)
}

/// Normal of the meridian plane at longitude `a` (sphgeom `orthogonalTo(NormalizedAngle)`).
fn meridian_normal(a: f64) -> Vector3d {
    Vector3d::new(-a.sin(), a.cos(), 0.0)
}

/// Half the longitude width of the box around a circle of radius `r` centered at
/// latitude `lat` (sphgeom `Box::halfWidthForCircle`).
pub(crate) fn half_width_for_circle(r: f64, lat: f64) -> f64 {
    if r <= 0.0 {
        return 0.0;
    }
    if lat.abs() + r >= 0.5 * PI {
        return PI;
    }
    let s = (r.sin() / lat.cos()).abs();
    if s >= 1.0 {
        return 0.5 * PI;
    }
    s.asin()
}

impl Circle {
    /// A lon/lat box containing the circle (sphgeom `Circle::getBoundingBox`).
    pub fn bounding_box(&self) -> LonLatBox {
        let cv = self.center().as_vector();
        let (clon, clat) = (longitude_of(cv), latitude_of(cv));
        let h = self.opening_angle_rad() + 2.0 * MAX_ASIN_ERROR;
        let w = super::angle::normalize_angle(half_width_for_circle(h, clat) + MAX_ASIN_ERROR);
        LonLatBox::from_intervals(
            NormalizedAngleInterval::point(clon).dilated_by(w),
            AngleInterval::point(clat).dilated_by(h),
        )
    }

    /// Relation to a box: the inverse of the box's relation to this circle.
    pub fn relate_box(&self, b: &LonLatBox) -> Relationship {
        b.relate_circle(self).invert()
    }
}
