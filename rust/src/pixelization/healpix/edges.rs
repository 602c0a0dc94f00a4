//! Exact tests of one HEALPix cell against a conjunction of half-spaces, following
//! the cell's true edge curves.
//!
//! A cell edge is a straight segment in the HEALPix projection plane, so on the sphere
//! it is a curve `p(t)`, `t` in `[0, 1]`, not a great-circle arc. For a half-space
//! value `f(t) = n · p(t) - c` the second derivative is bounded by a multiple of the
//! edge's squared angular length, so `f` stays within `bulge = len^2 dt^2` of the chord
//! between its end values on any sub-interval of length `dt` (the factor covers the
//! parametrisation's non-uniform speed generously). "Is there a `t` where every
//! half-space holds?" is then answered by branch and bound on `t`, dropping an interval
//! as soon as one half-space is negative on it even with the bulge added; the search
//! stops at `dt = 1e-9`, far below float noise for every pixel size.
//!
//! The cheap cases come first and need no allocation: a vertex inside (envelope) or
//! outside (interior) decides the cell at once, and an edge whose end values keep a
//! half-space beyond the bulge on one side is decided from its ends.

use cdshealpix::nested::Layer;

use super::cover::{Conj, HalfSpace};
use crate::geometry::Vector3d;

/// The projection-plane point `(x, y)` (`x` in [0, 8], `y` in [-2, 2]) at offsets
/// `(dx, dy)` in `[0, 1]` of cell `h` (`(0,0)` is the south vertex, `(1,0)` east,
/// `(1,1)` north, `(0,1)` west).
#[inline]
pub(crate) fn cell_plane_point(layer: &Layer, h: u64, dx: f64, dy: f64) -> (f64, f64) {
    let (cx, cy) = layer.center_of_projected_cell(h);
    let inv = 1.0 / (1u64 << layer.depth()) as f64;
    let mut x = cx + (dx - dy) * inv;
    let y = (cy + (dx + dy - 1.0) * inv).clamp(-2.0, 2.0);
    if x < 0.0 {
        x += 8.0;
    }
    (x, y)
}

/// The unit vector of HEALPix projection-plane point `(x, y)`, `x` in [0, 8], `y` in
/// [-2, 2] (the inverse of the HEALPix projection, as `cdshealpix::unproj` but straight
/// to a vector: no latitude trigonometry).
#[inline]
pub(crate) fn proj_to_vec(x: f64, y: f64) -> Vector3d {
    let odd = (x as u32) | 1;
    let offset = (odd & 7) as f64;
    let pm1 = x - odd as f64;
    let ya = y.abs();
    let (l, z, cos_lat) = if ya <= 1.0 {
        let z = ya * (2.0 / 3.0);
        (pm1, z, ((1.0 - z) * (1.0 + z)).sqrt())
    } else {
        // Collignon part: t = sqrt(3 (1 - |z|)).
        let t = 2.0 - ya;
        let l = if t > 1e-14 {
            (pm1 / t).clamp(-1.0, 1.0)
        } else {
            0.0
        };
        let t2 = t * t / 3.0;
        (l, 1.0 - t2, t * ((2.0 - t2) / 3.0).sqrt())
    };
    let lon = (offset + l) * std::f64::consts::FRAC_PI_4;
    let (s, c) = lon.sin_cos();
    Vector3d::new(cos_lat * c, cos_lat * s, z.copysign(y))
}

/// The point of cell `h` at projection offsets `(dx, dy)`, as a unit vector.
#[inline]
pub(crate) fn cell_point(layer: &Layer, h: u64, dx: f64, dy: f64) -> Vector3d {
    let (x, y) = cell_plane_point(layer, h, dx, dy);
    proj_to_vec(x, y)
}

/// Projection offsets of the vertices S, E, N, W; edge `k` runs from vertex `k` to
/// vertex `k + 1`.
pub(crate) const CORNERS: [(f64, f64); 4] = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];

/// A cell's vertices and, per edge, the bound on how far a half-space value can leave
/// the chord of its end values along the whole edge.
struct CellGeometry<'a> {
    layer: &'a Layer,
    h: u64,
    verts: [Vector3d; 4],
    bulge: [f64; 4],
}

/// An upper bound on the squared angle between unit vectors at chord length
/// `sqrt(chord2)`: `angle = 2 asin(chord / 2) <= chord / sqrt(1 - chord^2 / 4)`.
#[inline]
fn squared_angle_bound(chord2: f64) -> f64 {
    let rest = 1.0 - 0.25 * chord2;
    if rest <= 0.25 {
        // chord >= sqrt(3): the angle is at least 120 deg; pi^2 bounds every angle.
        return std::f64::consts::PI * std::f64::consts::PI;
    }
    chord2 / rest
}

impl<'a> CellGeometry<'a> {
    fn new(layer: &'a Layer, h: u64) -> CellGeometry<'a> {
        let verts = CORNERS.map(|(dx, dy)| cell_point(layer, h, dx, dy));
        let bulge = std::array::from_fn(|k| {
            let chord = verts[k].sub(&verts[(k + 1) % 4]);
            squared_angle_bound(chord.squared_norm()) + 1e-300
        });
        CellGeometry {
            layer,
            h,
            verts,
            bulge,
        }
    }

    /// The point at parameter `t` of edge `k`.
    fn edge_point(&self, k: usize, t: f64) -> Vector3d {
        let (a, b) = (CORNERS[k], CORNERS[(k + 1) % 4]);
        cell_point(
            self.layer,
            self.h,
            a.0 + t * (b.0 - a.0),
            a.1 + t * (b.1 - a.1),
        )
    }

    /// Is there a point on edge `k` where every half-space value is `>= 0` (or `> 0`
    /// if `strict`)? With `negate`, the values are those of the complements
    /// (`c - n · p`).
    fn exists_on_edge(&self, k: usize, halves: &[HalfSpace], negate: bool, strict: bool) -> bool {
        let sign = if negate { -1.0 } else { 1.0 };
        let ok = |v: f64| if strict { v > 0.0 } else { v >= 0.0 };
        let (p0, p1) = (&self.verts[k], &self.verts[(k + 1) % 4]);
        let bulge = self.bulge[k];
        let (mut all0, mut all1, mut undecided) = (true, true, 0usize);
        for hs in halves {
            let (f0, f1) = (sign * hs.eval(p0), sign * hs.eval(p1));
            all0 &= ok(f0);
            all1 &= ok(f1);
            // Negative along the whole edge: no point of the edge qualifies.
            if f0.max(f1) + bulge < 0.0 {
                return false;
            }
            // Positive along the whole edge: this half-space does not constrain it.
            if f0.min(f1) - bulge <= 0.0 {
                undecided += 1;
            }
        }
        if all0 || all1 || undecided == 0 {
            return true;
        }
        self.search_edge(k, halves, sign, strict)
    }

    /// Branch and bound along edge `k` over the half-spaces that neither end value
    /// settles (see the module docs).
    fn search_edge(&self, k: usize, halves: &[HalfSpace], sign: f64, strict: bool) -> bool {
        let ok = |v: f64| if strict { v > 0.0 } else { v >= 0.0 };
        let (p0, p1) = (&self.verts[k], &self.verts[(k + 1) % 4]);
        let m = self.bulge[k];
        let active: Vec<&HalfSpace> = halves
            .iter()
            .filter(|hs| (sign * hs.eval(p0)).min(sign * hs.eval(p1)) - m <= 0.0)
            .collect();
        let n = active.len();
        // Values of the active half-spaces at every visited t live in one arena.
        let mut arena: Vec<f64> = Vec::with_capacity(8 * n);
        arena.extend(active.iter().map(|hs| sign * hs.eval(p0)));
        arena.extend(active.iter().map(|hs| sign * hs.eval(p1)));
        let mut stack: Vec<(f64, f64, usize, usize)> = vec![(0.0, 1.0, 0, n)];
        while let Some((t0, t1, i0, i1)) = stack.pop() {
            let dt = t1 - t0;
            let bulge = m * dt * dt;
            let prunable = (0..n).any(|j| {
                let hi = arena[i0 + j].max(arena[i1 + j]) + bulge;
                hi < 0.0 || (strict && hi <= 0.0)
            });
            if prunable || dt < 1e-9 {
                continue;
            }
            let tm = 0.5 * (t0 + t1);
            let pm = self.edge_point(k, tm);
            let im = arena.len();
            arena.extend(active.iter().map(|hs| sign * hs.eval(&pm)));
            if arena[im..].iter().all(|&v| ok(v)) {
                return true;
            }
            stack.push((t0, tm, i0, im));
            stack.push((tm, t1, im, i1));
        }
        false
    }
}

/// Does cell `h` (at the layer's depth) intersect the closed conjunction?
pub(crate) fn cell_intersects(layer: &Layer, h: u64, c: &Conj) -> bool {
    if c.anchor_cells.contains(&h) {
        return true;
    }
    let g = CellGeometry::new(layer, h);
    if g.verts.iter().any(|v| c.contains(v)) {
        return true;
    }
    (0..4).any(|k| g.exists_on_edge(k, &c.halves, false, false))
}

/// Does cell `h` meet the *open* conjunction `{n_k · p > c_k}`?
pub(crate) fn cell_intersects_open(layer: &Layer, h: u64, c: &Conj) -> bool {
    let g = CellGeometry::new(layer, h);
    if g
        .verts
        .iter()
        .any(|p| c.halves.iter().all(|hs| hs.eval(p) > 0.0))
    {
        return true;
    }
    (0..4).any(|k| g.exists_on_edge(k, &c.halves, false, true))
}

/// Is the whole of cell `h` inside the closed conjunction?
pub(crate) fn cell_within(layer: &Layer, h: u64, c: &Conj) -> bool {
    if c.hole_cell == Some(h) {
        return false;
    }
    let g = CellGeometry::new(layer, h);
    // A vertex strictly outside one half-space decides at once.
    if g
        .verts
        .iter()
        .any(|p| c.halves.iter().any(|hs| hs.eval(p) < 0.0))
    {
        return false;
    }
    // Otherwise look for an edge point strictly outside, one half-space at a time.
    !c.halves.iter().any(|hs| {
        (0..4).any(|k| g.exists_on_edge(k, std::slice::from_ref(hs), true, true))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squared_angle_bound_is_an_upper_bound() {
        for i in 0..=200 {
            let angle = std::f64::consts::PI * i as f64 / 200.0;
            let chord = 2.0 * (0.5 * angle).sin();
            let b = squared_angle_bound(chord * chord);
            assert!(b >= angle * angle * (1.0 - 1e-12), "{angle}: {b}");
        }
    }
}
