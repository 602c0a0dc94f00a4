//! sphgeom's trixel–polygon relation, prepared once per polygon for the pixel finder.
//!
//! sphgeom relates a trixel to a convex polygon from vertex containment and exact edge
//! crossings (`relate_vertices`): WITHIN when all 3 trixel vertices are inside the
//! polygon, INTERSECTS when some vertex of either lies in the other or two edges cross,
//! DISJOINT otherwise. The finder only needs the DISJOINT and WITHIN bits, and gets
//! them here with the same answers but far less work:
//!
//! * Whether a trixel vertex is inside the polygon is computed once per vertex (a
//!   midpoint is shared by 4 children), from the edge-plane normals `a × b`: the
//!   floating-point `n · v` has an absolute error below ~3e-15 for unit vectors, so
//!   beyond [`MARGIN`] its sign is the exact orientation's; closer calls use the exact
//!   orientation itself.
//! * A trixel with no vertex inside is DISJOINT when its 3 vertices lie strictly on
//!   the outer side of one edge plane (beyond the margin): the trixel is the cone of
//!   its vertices, so it lies wholly outside that plane while the polygon lies inside
//!   it; no polygon vertex can be in the trixel and no edge can cross it, which is what
//!   sphgeom's exact tests would find.
//! * The same two proofs run from the trixel's side: a polygon vertex strictly inside
//!   the trixel (INTERSECTS), or every polygon vertex strictly beyond one trixel edge
//!   plane (DISJOINT; the trixel is on the inner side of its own edge planes).
//! * Every other trixel (a few per level, near the polygon's corners) gets sphgeom's
//!   full relation.
//!
//! The proofs are geometric, so they hold for proper polygons only: unit vertices
//! (the margins assume them) and strict convexity (every vertex strictly left of
//! every other edge, checked exactly per call). A decoded vertex list that is neither
//! goes through sphgeom's relation for every trixel.

use super::finder::TrixelRelation;
use crate::geometry::{orientation, relate_vertices, UnitVector3d, Vector3d};
use crate::pixelization::{DISJOINT, WITHIN};

/// Decision margin on `n · v` (with `n = a × b` of unit vectors): about 40 times the
/// worst rounding error of that dot product.
const MARGIN: f64 = 1e-13;

/// Largest deviation of a vertex norm from 1 for which [`MARGIN`] is trusted.
const MAX_NORM_ERROR: f64 = 1e-9;

/// A convex polygon's vertex list with its edge planes, for [`super::find_pixels`].
pub(crate) struct PolygonTrixels<'a> {
    vertices: &'a [UnitVector3d],
    /// `normals[k] = vertices[k - 1] × vertices[k]`, the plane of edge `k` (the edge
    /// order of `vertices_contain`); positive on the inner side.
    normals: Normals,
    /// False for vertex lists the proofs were not made for (non-unit vectors, not
    /// strictly convex): every decision then takes sphgeom's relation.
    fast: bool,
    /// Squared edge chord above which a trixel counts as large next to the polygon
    /// (twice the polygon's rough radius, squared): only orders the work.
    big_trixel_chord2: f64,
}

/// The vertex before vertex `k` of `n` (no division in the per-polygon loops).
#[inline]
fn previous(k: usize, n: usize) -> usize {
    if k == 0 {
        n - 1
    } else {
        k - 1
    }
}

/// Edge planes kept in place for small polygons (no allocation per patch).
const INLINE_NORMALS: usize = 8;

enum Normals {
    Inline([Vector3d; INLINE_NORMALS], usize),
    Heap(Vec<Vector3d>),
}

impl std::ops::Deref for Normals {
    type Target = [Vector3d];
    #[inline]
    fn deref(&self) -> &[Vector3d] {
        match self {
            Normals::Inline(v, n) => &v[..*n],
            Normals::Heap(v) => v,
        }
    }
}

impl<'a> PolygonTrixels<'a> {
    pub(crate) fn new(vertices: &'a [UnitVector3d]) -> Self {
        let n = vertices.len();
        let normal = |k: usize| vertices[previous(k, n)].cross(&vertices[k]);
        let normals = if n <= INLINE_NORMALS {
            let mut inline = [Vector3d::default(); INLINE_NORMALS];
            for (k, slot) in inline.iter_mut().enumerate().take(n) {
                *slot = normal(k);
            }
            Normals::Inline(inline, n)
        } else {
            Normals::Heap((0..n).map(normal).collect())
        };
        // |norm² - 1| <= e implies |norm - 1| <= e / 2 (no square root per vertex).
        let unit = vertices.iter().all(|v| {
            let v = v.as_vector();
            v.is_finite() && (v.squared_norm() - 1.0).abs() <= MAX_NORM_ERROR
        });
        // A rough centre and radius: the normalised vertex sum, the farthest vertex.
        let sum = vertices
            .iter()
            .fold(Vector3d::default(), |acc, v| acc.add(v.as_vector()));
        let centre = sum.scale(1.0 / sum.norm().max(f64::MIN_POSITIVE));
        let radius2 = vertices
            .iter()
            .map(|v| v.as_vector().sub(&centre).squared_norm())
            .fold(0.0, |a, b| if b > a { b } else { a });
        let mut prepared = PolygonTrixels {
            vertices,
            normals,
            fast: false,
            big_trixel_chord2: 4.0 * radius2,
        };
        prepared.fast = n >= 3 && unit && prepared.strictly_convex();
        prepared
    }

    /// The polygon's vertices.
    pub(crate) fn vertices(&self) -> &[UnitVector3d] {
        self.vertices
    }

    /// Whether the vertex list is a proper polygon (unit vertices, strictly convex),
    /// for which the geometric proofs hold.
    pub(crate) fn is_fast(&self) -> bool {
        self.fast
    }

    /// Whether every vertex lies strictly left of every edge it is not on (exact, as
    /// `ConvexPolygon::from_vertices` requires).
    fn strictly_convex(&self) -> bool {
        let n = self.vertices.len();
        (0..n).all(|k| {
            let (a, b) = (previous(k, n), k);
            self.vertices
                .iter()
                .enumerate()
                .all(|(j, p)| j == a || j == b || self.side(k, p) > 0)
        })
    }

    /// The edge `k` as (start, end).
    #[inline]
    fn edge(&self, k: usize) -> (&UnitVector3d, &UnitVector3d) {
        let n = self.vertices.len();
        (&self.vertices[previous(k, n)], &self.vertices[k])
    }

    /// The sign of `orientation(p, a, b)` for edge `k` (exact), using the
    /// floating-point plane test when it is far enough from 0.
    #[inline]
    fn side(&self, k: usize, p: &UnitVector3d) -> i32 {
        let d = self.normals[k].dot(p.as_vector());
        if d > MARGIN {
            1
        } else if d < -MARGIN {
            -1
        } else {
            let (a, b) = self.edge(k);
            orientation(p, a, b)
        }
    }
}

impl PolygonTrixels<'_> {
    /// The same proofs from the trixel's side, for a trixel with no vertex inside the
    /// polygon: a polygon vertex strictly inside the trixel means INTERSECTS (0); all
    /// polygon vertices strictly beyond one trixel edge plane mean DISJOINT (the trixel
    /// lies on the inner side of its own edge planes). `None`: undecided.
    fn trixel_planes(&self, t: &[Vector3d; 3]) -> Option<u8> {
        let planes = [t[2].cross(&t[0]), t[0].cross(&t[1]), t[1].cross(&t[2])];
        let mut all_beyond = [true; 3];
        for p in self.vertices {
            let d = planes.map(|n| n.dot(p.as_vector()));
            if d.iter().all(|&x| x > MARGIN) {
                return Some(0);
            }
            for (beyond, x) in all_beyond.iter_mut().zip(d) {
                *beyond &= x < -MARGIN;
            }
        }
        all_beyond.contains(&true).then_some(DISJOINT)
    }
}

impl PolygonTrixels<'_> {
    /// Calls `f` on each edge in `mask` (on every edge of a polygon with more than 64,
    /// which has no masks) until it returns false; true if it never did.
    #[inline]
    fn all_edges_in(&self, mask: EdgeMask, mut f: impl FnMut(usize) -> bool) -> bool {
        let n = self.normals.len();
        if n > MAX_MASKED_EDGES {
            return (0..n).all(f);
        }
        let mut m = mask;
        while m != 0 {
            let k = m.trailing_zeros() as usize;
            m &= m - 1;
            if !f(k) {
                return false;
            }
        }
        true
    }
}

/// Bit `k` set: edge `k` may still cross the trixel's descendants. Cleared once a
/// trixel lies strictly (beyond [`DROP_MARGIN`]) on the inner side of the edge plane:
/// its descendants lie in its cone (up to ~1e-14 of midpoint rounding over 24 levels),
/// so every vertex below it is inside that plane by more than [`MARGIN`], and skipping
/// the edge changes no answer.
type EdgeMask = u64;

const MAX_MASKED_EDGES: usize = 64;

/// See [`EdgeMask`]: 4 times [`MARGIN`], far above the drift of nested midpoints.
const DROP_MARGIN: f64 = 4.0 * MARGIN;

impl TrixelRelation for PolygonTrixels<'_> {
    /// Whether the vertex is inside the polygon (boundary included), exactly as
    /// `vertices_contain`.
    type Vertex = bool;
    type Hint = EdgeMask;

    fn root_hint(&self) -> EdgeMask {
        let n = self.normals.len();
        if n >= MAX_MASKED_EDGES {
            u64::MAX
        } else {
            (1u64 << n) - 1
        }
    }

    #[inline]
    fn vertex(&self, v: &Vector3d, mask: &EdgeMask) -> bool {
        let p = UnitVector3d::from_normalized(v.x, v.y, v.z);
        if !self.fast {
            return crate::geometry::vertices_contain(self.vertices, &p);
        }
        self.all_edges_in(*mask, |k| self.side(k, &p) >= 0)
    }

    fn relate_trixel(
        &self,
        t: &[Vector3d; 3],
        inside: &[bool; 3],
        mask: &EdgeMask,
    ) -> (u8, EdgeMask) {
        // sphgeom: all trixel vertices inside -> WITHIN; some -> INTERSECTS.
        if inside[0] && inside[1] && inside[2] {
            return (WITHIN, 0);
        }
        if !self.fast {
            let tv = t.map(|p| UnitVector3d::from_normalized(p.x, p.y, p.z));
            return (relate_vertices(&tv, self.vertices).bits(), *mask);
        }
        let none_inside = !(inside[0] || inside[1] || inside[2]);
        // A trixel much larger than the polygon is best decided from its own planes
        // (it usually contains a polygon vertex, or has the whole polygon beyond one
        // of its edges); both kinds of proof give sphgeom's answer, so only the order
        // of the work changes. Its children keep all edges (always allowed).
        let big = t[0].sub(&t[1]).squared_norm() > self.big_trixel_chord2;
        if none_inside && big {
            if let Some(r) = self.trixel_planes(t) {
                return (r, *mask);
            }
        }
        let masked = self.normals.len() <= MAX_MASKED_EDGES;
        let mut child_mask = *mask;
        let not_disjoint = self.all_edges_in(*mask, |k| {
            let n = &self.normals[k];
            let d0 = n.dot(&t[0]);
            if d0 > DROP_MARGIN {
                if masked && n.dot(&t[1]) > DROP_MARGIN && n.dot(&t[2]) > DROP_MARGIN {
                    child_mask &= !(1u64 << k);
                }
                true
            } else {
                // Strictly outside one edge plane (impossible with a vertex inside).
                !(d0 < -MARGIN && n.dot(&t[1]) < -MARGIN && n.dot(&t[2]) < -MARGIN)
            }
        });
        if !not_disjoint {
            return (DISJOINT, 0);
        }
        if !none_inside {
            return (0, child_mask);
        }
        if !big {
            if let Some(r) = self.trixel_planes(t) {
                return (r, child_mask);
            }
        }
        let tv = t.map(|p| UnitVector3d::from_normalized(p.x, p.y, p.z));
        (relate_vertices(&tv, self.vertices).bits(), child_mask)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::geometry::{vertices_contain, ConvexPolygon};
    use crate::pixelization::htm::{Htm, ROOT_VERTICES};
    use proptest::prelude::*;

    /// Walks every trixel down to `max_level` that sphgeom's relation does not call
    /// disjoint, checking the prepared relation's vertex flags and DISJOINT/WITHIN
    /// bits against sphgeom's (`vertices_contain`, `relate_vertices`).
    fn check_against_sphgeom(poly: &ConvexPolygon, max_level: u32) {
        let prepared = PolygonTrixels::new(poly.vertices());
        let mask = DISJOINT | WITHIN;
        let root = prepared.root_hint();
        let mut stack: Vec<([Vector3d; 3], u32, EdgeMask)> =
            ROOT_VERTICES.iter().map(|t| (*t, 0, root)).collect();
        while let Some((t, level, hint)) = stack.pop() {
            let tv = t.map(|p| UnitVector3d::from_normalized(p.x, p.y, p.z));
            let inside = t.map(|p| prepared.vertex(&p, &hint));
            for (flag, v) in inside.iter().zip(&tv) {
                assert_eq!(*flag, vertices_contain(poly.vertices(), v));
            }
            let want = relate_vertices(&tv, poly.vertices()).bits() & mask;
            let (got, child_hint) = prepared.relate_trixel(&t, &inside, &hint);
            assert_eq!(got & mask, want, "{t:?}");
            if want == 0 && level < max_level {
                stack.extend(super::super::children(&t).map(|c| (c, level + 1, child_hint)));
            }
        }
    }

    fn lonlat_polygon(points: &[(f64, f64)]) -> ConvexPolygon {
        let v: Vec<UnitVector3d> = points
            .iter()
            .map(|&(lon, lat)| UnitVector3d::from_lonlat_deg(lon, lat).unwrap())
            .collect();
        ConvexPolygon::convex_hull(&v).unwrap()
    }

    #[test]
    fn trixels_as_polygons() {
        // Edges on trixel edges and vertices on trixel vertices: exact ties everywhere.
        for name in ["N0", "S3", "N012", "S2301", "N3210012"] {
            let id = Htm::from_string(name).unwrap();
            let t = Htm::trixel_vertices(id).unwrap();
            let v = t
                .map(|p| UnitVector3d::from_normalized(p.x, p.y, p.z))
                .to_vec();
            let depth = Htm::level_of(id).unwrap() as u32 + 3;
            check_against_sphgeom(&ConvexPolygon::from_vertices(v).unwrap(), depth);
        }
    }

    #[test]
    fn polygons_on_coordinate_planes_and_poles() {
        for lon0 in [0.0, 90.0, 180.0, 270.0] {
            for size in [1e-4, 0.5, 20.0] {
                let square = [
                    (lon0, 0.0),
                    (lon0 + size, 0.0),
                    (lon0 + size, size),
                    (lon0, size),
                ];
                check_against_sphgeom(&lonlat_polygon(&square), 8);
                let cap = [
                    (lon0, 90.0 - size),
                    (lon0 + 120.0, 90.0 - size),
                    (lon0 + 240.0, 90.0 - size),
                ];
                check_against_sphgeom(&lonlat_polygon(&cap), 8);
            }
        }
    }

    #[test]
    fn non_unit_vertices_take_the_exact_path() {
        let v = [(1.0, 0.0, 0.0), (0.0, 2.0, 0.0), (0.0, 0.0, 3.0)]
            .map(|(x, y, z)| UnitVector3d::from_normalized(x, y, z));
        let poly = ConvexPolygon::from_vertices(v.to_vec()).unwrap();
        assert!(!PolygonTrixels::new(poly.vertices()).fast);
        check_against_sphgeom(&poly, 4);
    }

    #[test]
    fn improper_vertex_lists_take_sphgeom_relation() {
        // What decoding may hand over: clockwise, self-crossing, repeated or collinear
        // vertices. No proof applies; the answers must still be sphgeom's.
        let ll = |lon: f64, lat: f64| UnitVector3d::from_lonlat_deg(lon, lat).unwrap();
        let lists = [
            vec![ll(0.0, 0.0), ll(0.0, 10.0), ll(10.0, 0.0)],
            vec![ll(0.0, 0.0), ll(10.0, 10.0), ll(10.0, 0.0), ll(0.0, 10.0)],
            vec![ll(0.0, 0.0), ll(10.0, 0.0), ll(10.0, 0.0), ll(5.0, 10.0)],
            vec![ll(0.0, 0.0), ll(60.0, 0.0), ll(120.0, 0.0)],
            vec![ll(0.0, 0.0), ll(90.0, 0.0), ll(180.0, 0.0), ll(270.0, 0.0)],
        ];
        for v in lists {
            let poly = ConvexPolygon::from_vertices_unchecked(v);
            assert!(!PolygonTrixels::new(poly.vertices()).fast);
            check_against_sphgeom(&poly, 6);
        }
    }

    #[test]
    fn polygons_of_more_than_64_edges_have_no_masks() {
        let ring: Vec<(f64, f64)> = (0..100).map(|k| (k as f64 * 3.6, 60.0)).collect();
        let poly = lonlat_polygon(&ring);
        assert_eq!(poly.vertices().len(), 100);
        assert!(PolygonTrixels::new(poly.vertices()).fast);
        check_against_sphgeom(&poly, 7);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn random_polygons_match_sphgeom_relation(
            lon in 0.0f64..360.0,
            lat in -90.0f64..=90.0,
            log_size in -5.0f64..1.9,
            angles in proptest::collection::vec(0.0f64..360.0, 3..10),
        ) {
            let size = 10f64.powf(log_size);
            let pts = crate::pixelization::htm::points_around(lon, lat, size, &angles);
            let v: Vec<UnitVector3d> = pts
                .iter()
                .map(|&(lo, la)| UnitVector3d::from_lonlat_deg(lo, la).unwrap())
                .collect();
            if let Ok(poly) = ConvexPolygon::convex_hull(&v) {
                let depth = ((90.0 / size).log2().max(0.0) as u32 + 4).min(14);
                check_against_sphgeom(&poly, depth);
            }
        }
    }
}
