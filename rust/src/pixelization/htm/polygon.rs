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
//!   the outer side of one edge plane (beyond the margin) and every polygon vertex lies
//!   on the inner side (checked exactly, once per edge): the trixel is the cone of its
//!   vertices, so it lies wholly outside that plane, and no polygon vertex can be in
//!   it and no edge can cross it, which is what sphgeom's exact tests would find.
//! * The same two proofs run from the trixel's side: a polygon vertex strictly inside
//!   the trixel (INTERSECTS), or every polygon vertex strictly beyond one trixel edge
//!   plane (DISJOINT; the trixel is on the inner side of its own edge planes).
//! * Every other trixel (a few per level, near the polygon's corners) gets sphgeom's
//!   full relation.

use std::cell::Cell;

use super::finder::TrixelRelation;
use crate::geometry::{orientation, relate_vertices, UnitVector3d, Vector3d};
use crate::pixelization::{DISJOINT, WITHIN};

/// Decision margin on `n · v` (with `n = a × b` of unit vectors): about 40 times the
/// worst rounding error of that dot product.
const MARGIN: f64 = 1e-13;

/// Largest deviation of a vertex norm from 1 for which [`MARGIN`] is trusted.
const MAX_NORM_ERROR: f64 = 1e-9;

/// Whether an edge plane may be used to prove disjointness (all polygon vertices on
/// its inner side): not yet known, yes, no.
const UNKNOWN: u8 = 0;
const SEPARATES: u8 = 1;
const DOES_NOT_SEPARATE: u8 = 2;

/// A convex polygon's vertex list with its edge planes, for [`super::find_pixels`].
pub(crate) struct PolygonTrixels<'a> {
    vertices: &'a [UnitVector3d],
    /// `normals[k] = vertices[k - 1] × vertices[k]`, the plane of edge `k` (the edge
    /// order of `vertices_contain`); positive on the inner side.
    normals: Vec<Vector3d>,
    /// Per edge: [`UNKNOWN`], [`SEPARATES`] or [`DOES_NOT_SEPARATE`], found lazily.
    separates: Vec<Cell<u8>>,
    /// False for vertex lists the margins were not derived for (non-unit vectors):
    /// every decision then takes the exact path.
    fast: bool,
}

impl<'a> PolygonTrixels<'a> {
    pub(crate) fn new(vertices: &'a [UnitVector3d]) -> Self {
        let n = vertices.len();
        let normals = (0..n)
            .map(|k| vertices[(k + n - 1) % n].cross(&vertices[k]))
            .collect();
        let fast = n >= 3
            && vertices.iter().all(|v| {
                let v = v.as_vector();
                v.is_finite() && (v.norm() - 1.0).abs() <= MAX_NORM_ERROR
            });
        PolygonTrixels {
            vertices,
            normals,
            separates: vec![Cell::new(UNKNOWN); n],
            fast,
        }
    }

    /// The edge `k` as (start, end).
    #[inline]
    fn edge(&self, k: usize) -> (&UnitVector3d, &UnitVector3d) {
        let n = self.vertices.len();
        (&self.vertices[(k + n - 1) % n], &self.vertices[k])
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

    /// Whether every polygon vertex is on the inner side of edge `k` (exact; computed
    /// the first time it is asked).
    fn edge_separates(&self, k: usize) -> bool {
        let state = self.separates[k].get();
        if state != UNKNOWN {
            return state == SEPARATES;
        }
        let ok = self.vertices.iter().all(|p| self.side(k, p) >= 0);
        self.separates[k].set(if ok { SEPARATES } else { DOES_NOT_SEPARATE });
        ok
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

impl TrixelRelation for PolygonTrixels<'_> {
    /// Whether the vertex is inside the polygon (boundary included), exactly as
    /// `vertices_contain`.
    type Vertex = bool;

    #[inline]
    fn vertex(&self, v: &Vector3d) -> bool {
        let p = UnitVector3d::from_normalized(v.x, v.y, v.z);
        if !self.fast {
            return crate::geometry::vertices_contain(self.vertices, &p);
        }
        (0..self.normals.len()).all(|k| self.side(k, &p) >= 0)
    }

    fn relate_trixel(&self, t: &[Vector3d; 3], inside: &[bool; 3]) -> u8 {
        // sphgeom: all trixel vertices inside -> WITHIN; some -> INTERSECTS.
        if inside[0] && inside[1] && inside[2] {
            return WITHIN;
        }
        if inside[0] || inside[1] || inside[2] {
            return 0;
        }
        if self.fast {
            for (k, n) in self.normals.iter().enumerate() {
                if t.iter().all(|v| n.dot(v) < -MARGIN) && self.edge_separates(k) {
                    return DISJOINT;
                }
            }
            if let Some(r) = self.trixel_planes(t) {
                return r;
            }
        }
        let tv = t.map(|p| UnitVector3d::from_normalized(p.x, p.y, p.z));
        relate_vertices(&tv, self.vertices).bits()
    }
}
