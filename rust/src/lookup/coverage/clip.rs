//! Intersection of two convex spherical polygons, and its area.
//!
//! The intersection of two convex polygons is convex: clip one by the half-space to
//! the left of every edge of the other (Sutherland–Hodgman on the sphere). An edge
//! `a -> b` bounds the half-space `{v : v . (a x b) >= 0}`; where a clipped edge
//! `p -> q` crosses that plane the crossing point is `s_p q - s_q p` (normalized, sign
//! chosen so it lies on the minor arc), `s = v . (a x b)`.
//!
//! Crossing points are rounded to double precision, so the clipped polygon is exact to
//! about 1e-16 rad per vertex, and its area (Van Oosterom–Strackee fan, as
//! [`ConvexPolygon::area`]) to about 1e-15 of the polygons' areas: far below any
//! astrophysical use of an overlap fraction.

use crate::geometry::{ConvexPolygon, UnitVector3d, Vector3d};

/// Vertices of `subject ∩ clip` (counter-clockwise, possibly with near-duplicate
/// points), empty when the polygons do not overlap in a set of positive area.
pub fn clip_vertices(subject: &[UnitVector3d], clip: &[UnitVector3d]) -> Vec<Vector3d> {
    let mut poly: Vec<Vector3d> = subject.iter().map(|v| *v.as_vector()).collect();
    let n = clip.len();
    for k in 0..n {
        poly = clip_half_space(&poly, &clip[k].cross(&clip[(k + 1) % n]));
        if poly.is_empty() {
            break;
        }
    }
    poly
}

/// The part of a convex vertex loop in the half-space `{v : v . normal >= 0}`; empty
/// when fewer than 3 vertices remain.
pub fn clip_half_space(poly: &[Vector3d], normal: &Vector3d) -> Vec<Vector3d> {
    let m = poly.len();
    let mut next = Vec::with_capacity(m + 2);
    if m < 3 {
        return next;
    }
    for i in 0..m {
        let (p, q) = (poly[i], poly[(i + 1) % m]);
        let (sp, sq) = (normal.dot(&p), normal.dot(&q));
        if sp >= 0.0 {
            next.push(p);
        }
        if (sp > 0.0 && sq < 0.0) || (sp < 0.0 && sq > 0.0) {
            let x = q.scale(sp).sub(&p.scale(sq));
            let x = if sp > 0.0 { x } else { x.neg() };
            if let Some((unit, _)) = x.normalized_with_norm() {
                next.push(unit);
            }
        }
    }
    if next.len() < 3 {
        next.clear();
    }
    next
}

/// Area (steradians) of a convex vertex loop, counter-clockwise; 0 for fewer than 3.
pub fn loop_area(v: &[Vector3d]) -> f64 {
    if v.len() < 3 {
        return 0.0;
    }
    let a = &v[0];
    let mut total = 0.0;
    for k in 1..v.len() - 1 {
        let (b, c) = (&v[k], &v[k + 1]);
        let det = a.dot(&b.sub(a).cross(&c.sub(a)));
        let denom = 1.0 + a.dot(b) + b.dot(c) + c.dot(a);
        total += 2.0 * det.atan2(denom);
    }
    total.max(0.0)
}

/// Area of the intersection of two convex polygons (steradians).
pub fn intersection_area(a: &[UnitVector3d], b: &[UnitVector3d]) -> f64 {
    loop_area(&clip_vertices(a, b))
}

/// The intersection of several convex polygons as one polygon (its hull, sphgeom's
/// vertex order), or `None` when it is empty or has no area.
pub fn intersect_polygons(polys: &[&ConvexPolygon]) -> Option<ConvexPolygon> {
    let (first, rest) = polys.split_first()?;
    let mut current = first.vertices().to_vec();
    for p in rest {
        let clipped = clip_vertices(&current, p.vertices());
        current = clipped.iter().filter_map(|v| v.normalize().ok()).collect();
        if current.len() < 3 {
            return None;
        }
    }
    ConvexPolygon::convex_hull(&current).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn square(lon0: f64, lat0: f64, size: f64) -> ConvexPolygon {
        let pts: Vec<UnitVector3d> = [(0.0, 0.0), (size, 0.0), (size, size), (0.0, size)]
            .iter()
            .map(|&(x, y)| UnitVector3d::from_lonlat_deg(lon0 + x, lat0 + y).unwrap())
            .collect();
        ConvexPolygon::convex_hull(&pts).unwrap()
    }

    #[test]
    fn self_intersection_is_the_polygon() {
        let p = square(10.0, 10.0, 1.0);
        let a = intersection_area(p.vertices(), p.vertices());
        assert!((a - p.area()).abs() < 1e-12 * p.area(), "{a} {}", p.area());
    }

    #[test]
    fn disjoint_and_nested() {
        let (p, q) = (square(0.0, 0.0, 1.0), square(5.0, 0.0, 1.0));
        assert_eq!(intersection_area(p.vertices(), q.vertices()), 0.0);
        let inner = square(0.25, 0.25, 0.5);
        let a = intersection_area(p.vertices(), inner.vertices());
        assert!((a - inner.area()).abs() < 1e-12 * inner.area());
        let a = intersection_area(inner.vertices(), p.vertices());
        assert!((a - inner.area()).abs() < 1e-12 * inner.area());
    }

    #[test]
    fn partial_overlap_across_ra_zero() {
        let p = square(-0.5, 0.0, 1.0);
        let q = square(0.0, 0.5, 1.0);
        let a = intersection_area(p.vertices(), q.vertices());
        let b = intersection_area(q.vertices(), p.vertices());
        // Symmetric, and close to the quarter of a lon/lat square (the edges here are
        // great circles, so not exactly).
        assert!((a - b).abs() < 1e-12 * a, "{a} {b}");
        let approx = square(0.0, 0.5, 0.5).area();
        assert!((a - approx).abs() < 1e-3 * approx, "{a} {approx}");
        let both = intersect_polygons(&[&p, &q]).unwrap();
        assert!((both.area() - a).abs() < 1e-12 * a);
        assert!(intersect_polygons(&[&p, &square(40.0, 0.0, 1.0)]).is_none());
    }
}
