//! Convex spherical polygons (sphgeom `ConvexPolygon`).
//!
//! A convex polygon is the intersection of the half-spaces to the left of its edges;
//! its vertices run counter-clockwise seen from outside the sphere, and it fits in an
//! open hemisphere. A point `v` is inside when `orientation(v, a, b) >= 0` for every
//! edge `a → b` (boundary included), decided with the exact predicate.
//!
//! [`ConvexPolygon::convex_hull`] follows sphgeom's incremental hull (`ConvexPolygon.cc`
//! `computeHull`): start from the first counter-clockwise triangle, then insert each
//! further point, replacing the chain of edges it sees. Using the same traversal and
//! the same exact predicate gives the *same vertices in the same order* as sphgeom for
//! the same input points, which is what makes the encodings byte-identical.
//!
//! Relations are sphgeom's: polygon–polygon and polygon–circle are decided from
//! vertex containment, exact edge-crossing tests and chord-length bounds; polygon–box
//! compares the polygon's bounding box with the box, so it can only report DISJOINT
//! or WITHIN (never CONTAINS), exactly as sphgeom does.

use super::angle::{latitude_of, longitude_of, MAX_SQUARED_CHORD_LENGTH_ERROR, PI};
use super::circle::{
    max_squared_chord_length, min_squared_chord_length, vertices_inside_circle, Circle,
};
use super::interval::{AngleInterval, NormalizedAngleInterval};
use super::lonlat_box::LonLatBox;
use super::orientation::{orientation, orientation_z};
use super::relationship::Relationship;
use super::vector::{UnitVector3d, Vector3d};
use crate::{Error, Result};

const ANTIPODAL: &str = "the convex hull of the points is the entire sphere \
    (they include antipodal points or do not fit in one hemisphere)";

/// A convex polygon on the unit sphere (encoding type byte `'p'`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConvexPolygon {
    vertices: Vec<UnitVector3d>,
}

impl ConvexPolygon {
    /// The convex hull of `points`, with sphgeom's vertex order.
    ///
    /// # Errors
    /// `InvalidRegion` when there are fewer than 3 distinct non-coplanar points (this
    /// includes collinear input: points on one great circle), or when the hull would
    /// be the whole sphere (antipodal points, or points not in one hemisphere).
    ///
    /// # Examples
    /// ```
    /// use skymaps::geometry::{ConvexPolygon, UnitVector3d};
    /// let pts: Vec<_> = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.5, 0.5)]
    ///     .iter()
    ///     .map(|&(lon, lat)| UnitVector3d::from_lonlat_deg(lon, lat))
    ///     .collect::<Result<_, _>>()?;
    /// let poly = ConvexPolygon::convex_hull(&pts)?;
    /// assert_eq!(poly.vertices().len(), 4); // the interior point is dropped
    /// assert!(poly.contains(&UnitVector3d::from_lonlat_deg(0.5, 0.5)?));
    /// # Ok::<(), skymaps::Error>(())
    /// ```
    pub fn convex_hull(points: &[UnitVector3d]) -> Result<Self> {
        let mut pts = points.to_vec();
        let hull_len = compute_hull(&mut pts, &orientation).map_err(|e| match e {
            HullError::NotEnough => Error::region(format!(
                "a convex polygon needs at least 3 distinct points that do not all lie on one \
                 great circle (got {} points)",
                points.len()
            )),
            HullError::Antipodal => Error::region(ANTIPODAL),
        })?;
        pts.truncate(hull_len);
        Ok(ConvexPolygon { vertices: pts })
    }

    /// A polygon from vertices that must already be strictly convex and
    /// counter-clockwise (kept in the given order, no hull).
    ///
    /// # Errors
    /// `InvalidRegion` for fewer than 3 vertices, repeated vertices, or a vertex list
    /// that is not strictly convex and counter-clockwise (the message names the first
    /// offending vertex).
    pub fn from_vertices(vertices: Vec<UnitVector3d>) -> Result<Self> {
        let n = vertices.len();
        if n < 3 {
            return Err(Error::region(format!(
                "a convex polygon needs at least 3 vertices, got {n}"
            )));
        }
        if let Some((k, i)) = first_non_convex(&vertices) {
            return Err(Error::region(format!(
                "the vertices are not a strictly convex counter-clockwise polygon: \
                 vertex {k} is not strictly left of edge {i} -> {}",
                (i + 1) % n
            )));
        }
        Ok(ConvexPolygon { vertices })
    }

    /// A polygon from its outline: the vertices in order around the boundary.
    ///
    /// A counter-clockwise outline is kept as given (sphgeom's hull keeps such input
    /// in order too, so the encoding equals `sphgeom.ConvexPolygon(points)`'s); a
    /// clockwise one is accepted and built as the convex hull of the same points,
    /// again sphgeom's vertices. Anything else is refused rather than replaced by its
    /// hull, which would be a bigger region than the caller drew.
    ///
    /// # Errors
    /// `InvalidRegion` for points that make no polygon (as [`Self::convex_hull`]),
    /// or an outline that is non-convex, self-intersecting or has a degenerate corner
    /// (the message says which; see `geometry/outline.rs`).
    ///
    /// # Examples
    /// ```
    /// use skymaps::geometry::{ConvexPolygon, UnitVector3d};
    /// let l_shape: Vec<_> = [(0., 0.), (2., 0.), (2., 1.), (1., 1.), (1., 2.), (0., 2.)]
    ///     .iter()
    ///     .map(|&(lon, lat)| UnitVector3d::from_lonlat_deg(lon, lat))
    ///     .collect::<Result<_, _>>()?;
    /// let err = ConvexPolygon::from_outline(l_shape).unwrap_err();
    /// assert!(err.to_string().contains("non-convex"));
    /// # Ok::<(), skymaps::Error>(())
    /// ```
    pub fn from_outline(vertices: Vec<UnitVector3d>) -> Result<Self> {
        if vertices.len() < 3 {
            return Self::from_vertices(vertices);
        }
        if first_non_convex(&vertices).is_none() {
            return Ok(ConvexPolygon { vertices });
        }
        // Points that make no polygon at all (too few distinct, on one great circle,
        // not in a hemisphere) get the hull's own message: no outline would do.
        let hull = Self::convex_hull(&vertices)?;
        let clockwise: Vec<UnitVector3d> = vertices.iter().rev().copied().collect();
        if first_non_convex(&clockwise).is_none() {
            return Ok(hull);
        }
        Err(Error::region(super::outline::outline_problem(&vertices)))
    }

    /// Vertices taken as they are (decoding); at least 3 are required.
    pub(crate) fn from_vertices_unchecked(vertices: Vec<UnitVector3d>) -> Self {
        ConvexPolygon { vertices }
    }

    /// The vertices, counter-clockwise.
    pub fn vertices(&self) -> &[UnitVector3d] {
        &self.vertices
    }

    /// Whether `v` is inside or on the boundary (exact).
    #[inline]
    pub fn contains(&self, v: &UnitVector3d) -> bool {
        vertices_contain(&self.vertices, v)
    }

    /// sphgeom's equality: same vertices in the same cyclic order.
    pub fn equals(&self, p: &ConvexPolygon) -> bool {
        let (a, b) = (&self.vertices, &p.vertices);
        if a.len() != b.len() {
            return false;
        }
        let Some(f) = b.iter().position(|v| *v == a[0]) else {
            return false;
        };
        (0..a.len()).all(|k| a[k] == b[(f + k) % b.len()])
    }

    /// Relation to another polygon (sphgeom's; exact for polygons).
    pub fn relate_polygon(&self, p: &ConvexPolygon) -> Relationship {
        relate_vertices(&self.vertices, &p.vertices)
    }

    /// Relation to a circle (sphgeom's conservative test).
    pub fn relate_circle(&self, c: &Circle) -> Relationship {
        relate_vertices_circle(&self.vertices, c)
    }

    /// Relation to a box: from the polygon's bounding box, so only DISJOINT or WITHIN
    /// can be reported (as in sphgeom).
    pub fn relate_box(&self, b: &LonLatBox) -> Relationship {
        relate_vertices_box(&self.vertices, b)
    }

    /// Centroid direction (sphgeom `getCentroid`, Brock 1974).
    pub fn centroid(&self) -> UnitVector3d {
        vertices_centroid(&self.vertices)
    }

    /// A circle containing the polygon (sphgeom `getBoundingCircle`).
    pub fn bounding_circle(&self) -> Circle {
        vertices_bounding_circle(&self.vertices)
    }

    /// A lon/lat box containing the polygon (sphgeom `getBoundingBox`).
    pub fn bounding_box(&self) -> LonLatBox {
        vertices_bounding_box(&self.vertices)
    }

    /// Area in steradians (sum of fan triangles, each by the Van Oosterom–Strackee
    /// formula with edge differences so that tiny polygons stay accurate).
    pub fn area(&self) -> f64 {
        let v = &self.vertices;
        let a = v[0].as_vector();
        let mut total = 0.0;
        for k in 1..v.len() - 1 {
            let (b, c) = (v[k].as_vector(), v[k + 1].as_vector());
            let det = a.dot(&b.sub(a).cross(&c.sub(a)));
            let denom = 1.0 + a.dot(b) + b.dot(c) + c.dot(a);
            total += 2.0 * det.atan2(denom);
        }
        total
    }
}

/// The first `(vertex k, edge i)` with vertex `k` not strictly left of edge
/// `i -> i+1`, or `None` when the vertices are strictly convex and counter-clockwise.
pub(crate) fn first_non_convex(vertices: &[UnitVector3d]) -> Option<(usize, usize)> {
    let n = vertices.len();
    for i in 0..n {
        let (a, b) = (&vertices[i], &vertices[(i + 1) % n]);
        for (k, v) in vertices.iter().enumerate() {
            if k != i && k != (i + 1) % n && orientation(v, a, b) <= 0 {
                return Some((k, i));
            }
        }
    }
    None
}

/// Whether `v` is in the polygon with counter-clockwise `vertices`.
#[inline]
pub fn vertices_contain(vertices: &[UnitVector3d], v: &UnitVector3d) -> bool {
    vertices_contain_with(vertices, v, &orientation)
}

/// An orientation predicate: the exact one, or a filtered one that may give up.
pub(crate) trait Orient: Fn(&UnitVector3d, &UnitVector3d, &UnitVector3d) -> i32 {}
impl<F: Fn(&UnitVector3d, &UnitVector3d, &UnitVector3d) -> i32> Orient for F {}

#[inline]
pub(crate) fn vertices_contain_with<O: Orient>(
    vertices: &[UnitVector3d],
    v: &UnitVector3d,
    orient: &O,
) -> bool {
    let Some(mut prev) = vertices.last() else {
        return false;
    };
    for cur in vertices {
        if orient(v, prev, cur) < 0 {
            return false;
        }
        prev = cur;
    }
    true
}

/// sphgeom's polygon–polygon relation on raw vertex lists.
pub fn relate_vertices(v1: &[UnitVector3d], v2: &[UnitVector3d]) -> Relationship {
    relate_vertices_with(v1, v2, &orientation)
}

pub(crate) fn relate_vertices_with<O: Orient>(
    v1: &[UnitVector3d],
    v2: &[UnitVector3d],
    orient: &O,
) -> Relationship {
    use Relationship as R;
    let (mut all1, mut any1, mut all2, mut any2) = (true, false, true, false);
    for v in v1 {
        let b = vertices_contain_with(v2, v, orient);
        all1 &= b;
        any1 |= b;
    }
    for v in v2 {
        let b = vertices_contain_with(v1, v, orient);
        all2 &= b;
        any2 |= b;
    }
    if all1 || all2 {
        let mut r = R::INTERSECTS;
        if all1 {
            r |= R::WITHIN;
        }
        if all2 {
            r |= R::CONTAINS;
        }
        return r;
    }
    if any1 || any2 {
        return R::INTERSECTS;
    }
    // No vertex of either polygon is inside the other: look for a proper edge crossing.
    let (n1, n2) = (v1.len(), v2.len());
    for i in 0..n1 {
        let (a, b) = (&v1[(i + n1 - 1) % n1], &v1[i]);
        for j in 0..n2 {
            let (c, d) = (&v2[(j + n2 - 1) % n2], &v2[j]);
            let acd = orient(a, c, d);
            let bdc = orient(b, d, c);
            if acd == bdc && acd != 0 {
                let cba = orient(c, b, a);
                let dab = orient(d, a, b);
                if cba == dab && cba == acd {
                    return R::INTERSECTS;
                }
            }
        }
    }
    R::DISJOINT
}

/// sphgeom's polygon–circle relation on a raw vertex list.
pub fn relate_vertices_circle(verts: &[UnitVector3d], c: &Circle) -> Relationship {
    use Relationship as R;
    if c.is_empty() {
        return R::CONTAINS | R::DISJOINT;
    }
    if c.is_full() {
        return R::WITHIN;
    }
    let Some(inside) = vertices_inside_circle(verts, c) else {
        return R::INTERSECTS;
    };
    let cl2 = c.squared_chord_length();
    let center = c.center();
    let n = verts.len();
    let cv = center.as_vector();
    if inside {
        for k in 0..n {
            let (a, b) = (&verts[(k + n - 1) % n], &verts[k]);
            let nrm = a.robust_cross(b);
            let d = max_squared_chord_length(cv, a.as_vector(), b.as_vector(), &nrm);
            if d > cl2 - MAX_SQUARED_CHORD_LENGTH_ERROR {
                return R::INTERSECTS;
            }
        }
        if vertices_contain(verts, &center.neg()) {
            return R::INTERSECTS;
        }
        return R::WITHIN;
    }
    for k in 0..n {
        let (a, b) = (&verts[(k + n - 1) % n], &verts[k]);
        let nrm = a.robust_cross(b);
        let d = min_squared_chord_length(cv, a.as_vector(), b.as_vector(), &nrm);
        if d < cl2 + MAX_SQUARED_CHORD_LENGTH_ERROR {
            return R::INTERSECTS;
        }
    }
    if vertices_contain(verts, center) {
        return R::CONTAINS;
    }
    R::DISJOINT
}

/// sphgeom's polygon–box relation (bounding box comparison) on a raw vertex list.
pub fn relate_vertices_box(verts: &[UnitVector3d], b: &LonLatBox) -> Relationship {
    vertices_bounding_box(verts).relate_box(b) & (Relationship::DISJOINT | Relationship::WITHIN)
}

/// sphgeom's polygon centroid on a raw vertex list.
pub fn vertices_centroid(verts: &[UnitVector3d]) -> UnitVector3d {
    let mut cm = Vector3d::default();
    let n = verts.len();
    for k in 0..n {
        let (i, j) = (&verts[(k + n - 1) % n], &verts[k]);
        let v = i.robust_cross(j);
        let (unit, norm) = v.normalized_with_norm().unwrap_or((v, 0.0));
        let s = 0.5 * norm;
        let c = i.dot(j);
        let a = if s == 0.0 && c == 0.0 {
            0.0
        } else {
            s.atan2(c)
        };
        cm = cm.add(&unit.scale(a));
    }
    // A valid polygon has a non-zero centroid sum; fall back to the first vertex.
    cm.normalize().unwrap_or(verts[0])
}

/// sphgeom's polygon bounding circle on a raw vertex list.
pub fn vertices_bounding_circle(verts: &[UnitVector3d]) -> Circle {
    let c = vertices_centroid(verts);
    let cl2 = verts
        .iter()
        .fold(0.0f64, |m, v| m.max(v.squared_chord_to(&c)));
    Circle::from_squared_chord_length(c, cl2 + 2.0 * MAX_SQUARED_CHORD_LENGTH_ERROR)
}

/// sphgeom's polygon bounding box on a raw vertex list.
pub fn vertices_bounding_box(verts: &[UnitVector3d]) -> LonLatBox {
    const EPS: f64 = 5.0e-10; // ~0.1 milli-arcsecond
    let mut bbox = LonLatBox::empty();
    let (mut have_cw, mut have_ccw) = (false, false);
    let n = verts.len();
    for k in 0..n {
        let (i, j) = (&verts[(k + n - 1) % n], &verts[k]);
        let (lon, lat) = (longitude_of(j.as_vector()), latitude_of(j.as_vector()));
        let vertex_box = LonLatBox::from_intervals(
            NormalizedAngleInterval::point(lon).dilated_by(EPS),
            AngleInterval::point(lat).dilated_by(EPS),
        );
        bbox.expand_to(&vertex_box);
        if !have_cw || !have_ccw {
            let o = orientation_z(i, j);
            have_ccw |= o > 0;
            have_cw |= o < 0;
        }
        let nrm = i.robust_cross(j);
        let v = Vector3d::new(
            -nrm.x * nrm.z,
            -nrm.y * nrm.z,
            nrm.x * nrm.x + nrm.y * nrm.y,
        );
        if v != Vector3d::default() {
            let zni = i.y() * nrm.x - i.x() * nrm.y;
            let znj = j.y() * nrm.x - j.x() * nrm.y;
            if zni > 0.0 && znj < 0.0 {
                let mut lat_iv = *bbox.lat();
                lat_iv.expand_to_point(latitude_of(&v) + EPS);
                bbox = LonLatBox::from_intervals(*bbox.lon(), lat_iv);
            } else if zni < 0.0 && znj > 0.0 {
                let mut lat_iv = *bbox.lat();
                lat_iv.expand_to_point(latitude_of(&v.neg()) - EPS);
                bbox = LonLatBox::from_intervals(*bbox.lon(), lat_iv);
            }
        }
    }
    if !have_cw {
        let north = LonLatBox::from_intervals(
            NormalizedAngleInterval::full(),
            AngleInterval::point(0.5 * PI),
        );
        bbox.expand_to(&north);
    } else if !have_ccw {
        let south = LonLatBox::from_intervals(
            NormalizedAngleInterval::full(),
            AngleInterval::point(-0.5 * PI),
        );
        bbox.expand_to(&south);
    }
    bbox
}

pub(crate) enum HullError {
    NotEnough,
    Antipodal,
}

/// Makes `points[0..2]` two distinct points; returns the index of the next unread
/// point.
fn find_plane(points: &mut [UnitVector3d]) -> std::result::Result<usize, HullError> {
    if points.is_empty() {
        return Err(HullError::NotEnough);
    }
    let v0 = points[0];
    let mut k = 1;
    while k < points.len() {
        if v0 == points[k].neg() {
            return Err(HullError::Antipodal);
        }
        if v0 != points[k] {
            break;
        }
        k += 1;
    }
    if k >= points.len() {
        return Err(HullError::NotEnough);
    }
    points[1] = points[k];
    Ok(k + 1)
}

/// Makes `points[0..3]` a counter-clockwise triangle; returns the next unread index.
fn find_triangle<O: Orient>(
    points: &mut [UnitVector3d],
    orient: &O,
) -> std::result::Result<usize, HullError> {
    let mut k = find_plane(points)?;
    // Distinct, non-antipodal points have a non-zero robust cross product.
    let n = points[0]
        .robust_cross(&points[1])
        .normalize()
        .map_err(|_| HullError::NotEnough)?;
    while k < points.len() {
        let v = points[k];
        let ccw = orient(&points[0], &points[1], &v);
        if ccw > 0 {
            break;
        } else if ccw < 0 {
            points.swap(0, 1);
            break;
        }
        // v is on the great circle through points[0] and points[1].
        let (v0, v1) = (points[0], points[1]);
        if v == v0 || v == v1 {
            k += 1;
            continue;
        }
        if v == v0.neg() || v == v1.neg() {
            return Err(HullError::Antipodal);
        }
        let v0v = orient(&n, &v0, &v);
        let vv1 = orient(&n, &v, &v1);
        if v0v == vv1 {
            // v is inside the arc (v0, v1).
            k += 1;
            continue;
        }
        let v0v1 = orient(&n, &v0, &v1);
        if v0v1 == -vv1 {
            points[1] = v;
            k += 1;
            continue;
        }
        if -v0v == v0v1 {
            points[0] = v;
            k += 1;
            continue;
        }
        return Err(HullError::Antipodal);
    }
    if k >= points.len() {
        return Err(HullError::NotEnough);
    }
    points[2] = points[k];
    Ok(k + 1)
}

/// sphgeom's incremental hull, in place; returns the hull length (`points[..len]`).
pub(crate) fn compute_hull<O: Orient>(
    points: &mut [UnitVector3d],
    orient: &O,
) -> std::result::Result<usize, HullError> {
    let mut hull_end = 3;
    let start = find_triangle(points, orient)?;
    for k in start..points.len() {
        let v = points[k];
        // Orientation of each hull edge (i, j) as seen from v; find where the run of
        // counter-clockwise edges starts (to_ccw) and ends (from_ccw).
        let mut to_ccw = hull_end;
        let mut from_ccw = hull_end;
        let first_ccw = orient(&v, &points[hull_end - 1], &points[0]) > 0;
        let mut prev_ccw = first_ccw;
        let mut i = 0;
        for j in 1..hull_end {
            if orient(&v, &points[i], &points[j]) > 0 {
                if !prev_ccw {
                    to_ccw = i;
                    prev_ccw = true;
                }
            } else if prev_ccw {
                from_ccw = j;
                prev_ccw = false;
            }
            i = j;
        }
        if first_ccw {
            if !prev_ccw {
                to_ccw = i;
            }
        } else if prev_ccw {
            from_ccw = 0;
        }
        if to_ccw == hull_end {
            if first_ccw {
                continue; // v is inside the current hull
            }
            return Err(HullError::Antipodal);
        }
        // Insert v at from_ccw and drop the vertices strictly between from_ccw and to_ccw.
        if to_ccw < from_ccw {
            if to_ccw != 0 {
                points.copy_within(to_ccw..from_ccw, 0);
            }
            let at = from_ccw - to_ccw;
            points[at] = v;
            hull_end = at + 1;
        } else if to_ccw > from_ccw {
            points[from_ccw] = v;
            let next = from_ccw + 1;
            if to_ccw != next {
                points.copy_within(to_ccw..hull_end, next);
                hull_end = next + (hull_end - to_ccw);
            }
        } else {
            if from_ccw == 0 {
                points[hull_end] = v;
            } else {
                points.copy_within(from_ccw..hull_end, from_ccw + 1);
                points[from_ccw] = v;
            }
            hull_end += 1;
        }
    }
    Ok(hull_end)
}
