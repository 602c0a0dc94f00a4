//! A convex polygon seen in a TAN tract's pixel frame: the relation to a pixel box
//! (a patch, a cell, the tract itself) decided with a few multiplications whenever it
//! is certain, so that the exact spherical test runs only for the rare close calls.
//!
//! In a gnomonic (TAN) projection every great circle is a straight line, and a linear
//! WCS keeps it straight; so a convex spherical polygon in front of the tangent point
//! is, in pixel coordinates, the convex polygon of its projected vertices, and a pixel
//! box is the spherical quadrilateral through its corners. The spherical relation of
//! the two is therefore the plane relation of the two pictures.
//!
//! The pictures are computed, not ideal: a projected vertex may be off by
//! [`position_error`] pixels (the rounding of the projection, and of the deprojected
//! box corners the exact test would use; the bound is about 10^4 times the worst
//! rounding). A relation is reported only when it holds with that margin on every
//! input, i.e. when the exact test on the same unit vectors must give it too:
//! * disjoint: a separating line (an edge of the polygon, or an axis of the box);
//! * contains (the polygon holds the box): every box corner inside every edge;
//! * within (the box holds the polygon): every vertex strictly inside the box;
//! * partial: overlap is certain (a box corner inside the polygon or a vertex inside
//!   the box), and each containment is excluded by a corner or vertex on the far side.
//!
//! Anything else returns `None` and the caller runs the exact test.

use crate::geometry::{Relationship, UnitVector3d};
use crate::projection::Projection;
use crate::tessellation::{PixelBox, Tract};

/// Smallest cosine of the angle between a vertex and the tangent point for which a
/// projection is used (about 84 degrees: beyond, pixels grow without bound).
pub const MIN_FRONT_COS: f64 = 0.1;

/// Largest pixel coordinate (absolute) for which the error bound below is used.
const MAX_COORD: f64 = 1e9;

/// A bound on the error (pixels) of a projected vertex or of a box corner's sky
/// position, for coordinates up to `m` pixels: the projection rounds to a few units
/// of 1e-16 relative (`n_z >= 0.1` keeps the division tame), far below this.
fn position_error(m: f64) -> f64 {
    1e-6 + 1e-12 * m
}

/// A convex polygon's vertices in one tract's pixel frame, with each edge's inward
/// unit normal and the margin its side tests need.
#[derive(Debug, Clone)]
pub struct PixelPolygon {
    points: Vec<[f64; 2]>,
    /// Per edge `k` (from `points[k]` to `points[k + 1]`): inward unit normal.
    normals: Vec<[f64; 2]>,
    /// Per edge: how far a point must be from the edge's line to be on a certain side.
    margins: Vec<f64>,
    /// `[x_min, x_max, y_min, y_max]` of the vertices.
    bounds: [f64; 4],
    /// The position error bound of vertices and box corners.
    error: f64,
}

impl PixelPolygon {
    /// The polygon with these (convex, ordered) vertices in `tract`'s pixel frame, or
    /// `None` when the frame is not a linear TAN one, a vertex is 84 degrees or more
    /// from the tangent point `tangent`, or the picture is too large or degenerate
    /// for the error bounds.
    pub fn new(
        tract: &Tract,
        tangent: &UnitVector3d,
        vertices: &[UnitVector3d],
    ) -> Option<PixelPolygon> {
        let wcs = tract.wcs();
        if wcs.projection() != Projection::Tan || !wcs.is_linear() || vertices.len() < 3 {
            return None;
        }
        let kernel = wcs.sky_to_pixel_kernel();
        let mut points = Vec::with_capacity(vertices.len());
        let mut bounds = [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for v in vertices {
            if v.dot(tangent) < MIN_FRONT_COS {
                return None;
            }
            let (x, y) = kernel.vector_to_pixel(v.to_array())?;
            if !x.is_finite() || !y.is_finite() {
                return None;
            }
            bounds = [
                bounds[0].min(x),
                bounds[1].max(x),
                bounds[2].min(y),
                bounds[3].max(y),
            ];
            points.push([x, y]);
        }
        let dims = tract.bbox().dims;
        let m = bounds
            .iter()
            .fold((dims[0].max(dims[1]) as f64) + 1.0, |a, b| a.max(b.abs()));
        if m > MAX_COORD {
            return None;
        }
        let n = points.len();
        // Twice the signed area: its sign is the orientation of the picture (the
        // WCS may mirror), certain when far above the rounding of the sum.
        let area2: f64 = (0..n)
            .map(|k| {
                let (p, q) = (points[k], points[(k + 1) % n]);
                p[0] * q[1] - q[0] * p[1]
            })
            .sum();
        if area2.is_nan() || area2.abs() <= 1e-10 * m * m {
            return None;
        }
        let sign = area2.signum();
        let error = position_error(m);
        let mut normals = Vec::with_capacity(n);
        let mut margins = Vec::with_capacity(n);
        for k in 0..n {
            let (p, q) = (points[k], points[(k + 1) % n]);
            let (ex, ey) = (q[0] - p[0], q[1] - p[1]);
            let len = (ex * ex + ey * ey).sqrt(); // no overflow: |e| <= 3e9
            if len.is_nan() || len <= 0.0 {
                return None;
            }
            normals.push([-sign * ey / len, sign * ex / len]);
            // Moving both ends of the edge by `error` turns its line by at most
            // 2 error / len, which moves it by that times the lever arm (at most 3m
            // from the edge start) at a tested point; the point itself moves by
            // `error` too.
            margins.push(error * (2.0 + 6.0 * m / len));
        }
        Some(PixelPolygon {
            points,
            normals,
            margins,
            bounds,
            error,
        })
    }

    /// `[x_min, x_max, y_min, y_max]` of the projected vertices (they bound the
    /// polygon).
    pub fn bounds(&self) -> [f64; 4] {
        self.bounds
    }

    /// `polygon.relate(box)` for a pixel box (edges at -0.5 / +0.5) when certain
    /// (the module docs), else `None`. Same values as
    /// [`crate::geometry::relate_vertices`] on the sphere.
    pub fn relate_box(&self, b: &PixelBox) -> Option<Relationship> {
        use Relationship as R;
        let [[x0, y0], _, [x1, y1], _] = b.edge_corners();
        let [px0, px1, py0, py1] = self.bounds;
        let e = self.error;
        if px1 < x0 - e || px0 > x1 + e || py1 < y0 - e || py0 > y1 + e {
            return Some(R::DISJOINT);
        }
        let corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
        let mut corner_in = [true; 4];
        let mut corner_out = [false; 4];
        for ((p, nrm), &margin) in self.points.iter().zip(&self.normals).zip(&self.margins) {
            let mut all_out = true;
            for (c, corner) in corners.iter().enumerate() {
                let d = nrm[0] * (corner[0] - p[0]) + nrm[1] * (corner[1] - p[1]);
                corner_in[c] &= d > margin;
                let out = d < -margin;
                corner_out[c] |= out;
                all_out &= out;
            }
            if all_out {
                return Some(R::DISJOINT);
            }
        }
        let corners_in = corner_in.iter().filter(|&&b| b).count();
        let any_corner_out = corner_out.iter().any(|&b| b);
        if corners_in == 4 {
            return Some(R::INTERSECTS | R::CONTAINS);
        }
        let (mut vertices_in, mut any_vertex_out) = (0, false);
        for &[x, y] in &self.points {
            if x > x0 + e && x < x1 - e && y > y0 + e && y < y1 - e {
                vertices_in += 1;
            } else if x < x0 - e || x > x1 + e || y < y0 - e || y > y1 + e {
                any_vertex_out = true;
            }
        }
        if vertices_in == self.points.len() {
            return Some(R::INTERSECTS | R::WITHIN);
        }
        let overlap = corners_in > 0 || vertices_in > 0;
        let not_within = any_vertex_out || corners_in > 0;
        let not_contains = any_corner_out || vertices_in > 0;
        (overlap && not_within && not_contains).then_some(R::INTERSECTS)
    }
}
