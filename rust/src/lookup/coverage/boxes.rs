//! The relation of a lon/lat box to a convex polygon, decided (up to rounding of
//! about 1e-15 rad) rather than from bounding boxes as sphgeom does.
//!
//! A box `[l1, l2] x [a, b]` is a longitude wedge cut by a latitude band. The wedge
//! (when at most pi wide) is the intersection of two half-spaces bounded by meridian
//! planes, so a convex polygon clipped to it stays convex, and *connected*: its
//! latitudes form one interval. Hence:
//! * box and polygon overlap iff the latitude range of (polygon ∩ wedge) meets `[a, b]`
//!   (wider wedges are split in two);
//! * the box contains the polygon iff the polygon lies in the wedge and its latitude
//!   range lies in `[a, b]`;
//! * the polygon contains the box iff every edge's half-space holds the box: the
//!   minimum of `n . v` over the box (a linear function, minimal at `-n` when the box
//!   holds it, else on the box boundary: corners or the critical points of the four
//!   edges) is not negative; and the box is smaller than a hemisphere.
//!
//! A polygon's latitude range comes from its vertices, the poles it contains, and the
//! points of its edges nearest the poles (a great-circle arc bulges poleward).

use super::clip::{clip_half_space, loop_area};
use crate::geometry::{LonLatBox, Relationship, UnitVector3d, Vector3d};
use std::f64::consts::{FRAC_PI_2, PI, TAU};

/// `box.relate(polygon)`.
pub fn relate_box_polygon(b: &LonLatBox, polygon: &[UnitVector3d]) -> Relationship {
    use Relationship as R;
    let poly: Vec<Vector3d> = polygon.iter().map(|v| *v.as_vector()).collect();
    let (lat, lon) = (b.lat(), b.lon());
    let (a, top) = (lat.a, lat.b);
    let wedges: Vec<(f64, f64)> = if lon.is_full() {
        Vec::new()
    } else {
        let (l1, w) = (lon.a, lon.size());
        if w <= PI {
            vec![(l1, l1 + w)]
        } else {
            vec![(l1, l1 + 0.5 * w), (l1 + 0.5 * w, l1 + w)]
        }
    };
    let overlaps = if wedges.is_empty() {
        meets(lat_range(&poly), a, top)
    } else {
        wedges.iter().any(|&(l1, l2)| {
            let clipped = clip_wedge(&poly, l1, l2);
            !clipped.is_empty() && meets(lat_range(&clipped), a, top)
        })
    };
    if !overlaps {
        return R::DISJOINT;
    }
    let mut out = R::INTERSECTS;
    let (lo, hi) = lat_range(&poly);
    let in_wedge = lon.is_full() || {
        let (l1, w) = (lon.a, lon.size());
        if w <= PI {
            // A wedge of at most pi is convex: the polygon is in it iff its vertices are.
            let (s1, c1) = l1.sin_cos();
            let (s2, c2) = (l1 + w).sin_cos();
            let (east, west) = (Vector3d::new(-s1, c1, 0.0), Vector3d::new(s2, -c2, 0.0));
            poly.iter()
                .all(|v| east.dot(v) >= 0.0 && west.dot(v) >= 0.0)
        } else {
            // Nothing of the polygon may lie in the complementary wedge (< pi).
            let rest = clip_wedge(&poly, l1 + w, l1 + TAU);
            rest.is_empty() || loop_area(&rest) == 0.0
        }
    };
    if in_wedge && lo >= a && hi <= top {
        out |= R::CONTAINS;
    }
    if box_within(b, &poly) {
        out |= R::WITHIN;
    }
    out
}

fn meets((lo, hi): (f64, f64), a: f64, b: f64) -> bool {
    lo <= b && hi >= a
}

/// The polygon clipped to the wedge `lon in [l1, l2]` (`l2 - l1 <= pi`).
fn clip_wedge(poly: &[Vector3d], l1: f64, l2: f64) -> Vec<Vector3d> {
    let (s1, c1) = l1.sin_cos();
    let (s2, c2) = l2.sin_cos();
    let east_of_l1 = Vector3d::new(-s1, c1, 0.0);
    let west_of_l2 = Vector3d::new(s2, -c2, 0.0);
    let once = clip_half_space(poly, &east_of_l1);
    clip_half_space(&once, &west_of_l2)
}

fn loop_contains(poly: &[Vector3d], v: &Vector3d) -> bool {
    let n = poly.len();
    (0..n).all(|k| poly[k].cross(&poly[(k + 1) % n]).dot(v) >= 0.0)
}

/// Latitude range (radians) of a convex vertex loop.
fn lat_range(poly: &[Vector3d]) -> (f64, f64) {
    let (mut zmin, mut zmax) = (f64::INFINITY, f64::NEG_INFINITY);
    let n = poly.len();
    for k in 0..n {
        let (p, q) = (&poly[k], &poly[(k + 1) % n]);
        let norm = p.norm();
        zmin = zmin.min(p.z / norm);
        zmax = zmax.max(p.z / norm);
        let Some((nrm, _)) = p.cross(q).normalized_with_norm() else {
            continue;
        };
        // The point of the great circle nearest the north pole, and its antipode.
        let Some((m, _)) = Vector3d::new(-nrm.z * nrm.x, -nrm.z * nrm.y, 1.0 - nrm.z * nrm.z)
            .normalized_with_norm()
        else {
            continue;
        };
        for e in [m, m.neg()] {
            if p.cross(&e).dot(&nrm) > 0.0 && e.cross(q).dot(&nrm) > 0.0 {
                zmin = zmin.min(e.z);
                zmax = zmax.max(e.z);
            }
        }
    }
    if loop_contains(poly, &Vector3d::new(0.0, 0.0, 1.0)) {
        zmax = 1.0;
    }
    if loop_contains(poly, &Vector3d::new(0.0, 0.0, -1.0)) {
        zmin = -1.0;
    }
    (zmin.clamp(-1.0, 1.0).asin(), zmax.clamp(-1.0, 1.0).asin())
}

/// Whether the polygon contains the box (see the module docs).
fn box_within(b: &LonLatBox, poly: &[Vector3d]) -> bool {
    if b.area() >= TAU {
        return false;
    }
    let (lat, lon) = (b.lat(), b.lon());
    let full = lon.is_full();
    let (l1, l2) = if full {
        (0.0, TAU)
    } else {
        (lon.a, lon.a + lon.size())
    };
    let in_lon = |x: f64| full || (x - l1).rem_euclid(TAU) <= l2 - l1;
    let in_lat = |x: f64| x >= lat.a && x <= lat.b;
    let point = |lo: f64, la: f64| {
        let (sl, cl) = lo.sin_cos();
        let (sa, ca) = la.sin_cos();
        Vector3d::new(ca * cl, ca * sl, sa)
    };
    let n = poly.len();
    (0..n).all(|k| {
        let nrm = poly[k].cross(&poly[(k + 1) % n]);
        // The minimum of nrm . v over the sphere is at -nrm.
        let (lo_min, la_min) = (
            (-nrm.y).atan2(-nrm.x),
            (-nrm.z).atan2((nrm.x * nrm.x + nrm.y * nrm.y).sqrt()),
        );
        if in_lon(lo_min) && in_lat(la_min) {
            return false;
        }
        let mut candidates = Vec::with_capacity(10);
        for la in [lat.a, lat.b] {
            if !full {
                candidates.push(point(l1, la));
                candidates.push(point(l2, la));
            }
            if in_lon(lo_min) {
                candidates.push(point(lo_min, la));
            }
        }
        if !full {
            for l in [l1, l2] {
                let k = nrm.x * l.cos() + nrm.y * l.sin();
                let phi = (-nrm.z).atan2(-k);
                if phi.abs() <= FRAC_PI_2 && in_lat(phi) {
                    candidates.push(point(l, phi));
                }
            }
        }
        candidates.iter().all(|v| nrm.dot(v) >= 0.0)
    })
}
