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

/// The inverse HEALPix projection of plane point `(x, y)` (`x` in [0, 8], `y` in
/// [-2, 2]) in parts: the longitude is `(offset + l) pi / 4`, and `z`, `cos(lat)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unprojected {
    pub offset: u32,
    pub l: f64,
    pub z: f64,
    pub cos_lat: f64,
}

impl Unprojected {
    #[inline]
    pub(crate) fn of(x: f64, y: f64) -> Unprojected {
        let odd = (x as u32) | 1;
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
        Unprojected {
            offset: odd & 7,
            l,
            z: z.copysign(y),
            cos_lat,
        }
    }

    /// The longitude in radians.
    #[inline]
    pub(crate) fn lon(&self) -> f64 {
        (self.offset as f64 + self.l) * std::f64::consts::FRAC_PI_4
    }

    /// The unit vector, given the sine and cosine of the longitude.
    #[inline]
    pub(crate) fn vector(&self, sin_lon: f64, cos_lon: f64) -> Vector3d {
        Vector3d::new(self.cos_lat * cos_lon, self.cos_lat * sin_lon, self.z)
    }
}

/// The unit vector of HEALPix projection-plane point `(x, y)`, `x` in [0, 8], `y` in
/// [-2, 2] (the inverse of the HEALPix projection, as `cdshealpix::unproj` but straight
/// to a vector: no latitude trigonometry).
#[inline]
pub(crate) fn proj_to_vec(x: f64, y: f64) -> Vector3d {
    let u = Unprojected::of(x, y);
    let (s, c) = u.lon().sin_cos();
    u.vector(s, c)
}

/// The point of cell `h` at projection offsets `(dx, dy)`, as a unit vector.
#[cfg(test)]
pub(crate) fn cell_point(layer: &Layer, h: u64, dx: f64, dy: f64) -> Vector3d {
    let (x, y) = cell_plane_point(layer, h, dx, dy);
    proj_to_vec(x, y)
}

/// Projection offsets of the vertices S, E, N, W; edge `k` runs from vertex `k` to
/// vertex `k + 1`.
pub(crate) const CORNERS: [(f64, f64); 4] = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];

/// A cell of the search: its nested id and the projection-plane point of its centre
/// (carried down the tree, so no id decoding per cell; `x` may run up to just past 8,
/// which [`proj_to_vec`] treats as just past 0).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlaneCell {
    pub h: u64,
    pub x: f64,
    pub y: f64,
}

impl PlaneCell {
    /// Cell `h` of `layer`.
    pub(crate) fn of(layer: &Layer, h: u64) -> PlaneCell {
        let (x, y) = layer.center_of_projected_cell(h);
        PlaneCell {
            h,
            x: if x < 0.0 { x + 8.0 } else { x },
            y,
        }
    }

    /// The 4 children of this cell of `depth`, in nested order (S, E, W, N).
    #[inline]
    pub(crate) fn children(&self, depth: u8) -> [PlaneCell; 4] {
        // Child centres sit a quarter of the parent's diagonal away in the plane (all
        // values are dyadic, so these sums are exact).
        let q = 0.5 / (1u64 << depth) as f64;
        let offsets = [(0.0, -q), (q, 0.0), (-q, 0.0), (0.0, q)];
        std::array::from_fn(|k| {
            let x = self.x + offsets[k].0;
            PlaneCell {
                h: 4 * self.h + k as u64,
                x: if x < 0.0 { x + 8.0 } else { x },
                y: self.y + offsets[k].1,
            }
        })
    }

    /// The cell's centre as a unit vector.
    #[cfg(test)]
    pub(crate) fn center(&self) -> Vector3d {
        proj_to_vec(self.x, self.y)
    }

    /// The point at projection offsets `(dx, dy)` (see [`cell_plane_point`]) of this
    /// cell of `depth`.
    #[inline]
    fn point(&self, depth: u8, dx: f64, dy: f64) -> Vector3d {
        let inv = 1.0 / (1u64 << depth) as f64;
        let mut x = self.x + (dx - dy) * inv;
        let y = (self.y + (dx + dy - 1.0) * inv).clamp(-2.0, 2.0);
        if x < 0.0 {
            x += 8.0;
        }
        proj_to_vec(x, y)
    }
}

/// A cell's vertices and, per edge, the bound on how far a half-space value can leave
/// the chord of its end values along the whole edge.
struct CellGeometry<'a> {
    cell: &'a PlaneCell,
    depth: u8,
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

/// The vertices of a cell, computed one at a time until `stop` holds for one.
fn vertices_until(
    cell: &PlaneCell,
    depth: u8,
    stop: impl Fn(&Vector3d) -> bool,
) -> Result<[Vector3d; 4], ()> {
    let mut verts = [Vector3d::new(0.0, 0.0, 0.0); 4];
    for (k, &(dx, dy)) in CORNERS.iter().enumerate() {
        verts[k] = cell.point(depth, dx, dy);
        if stop(&verts[k]) {
            return Err(());
        }
    }
    Ok(verts)
}

impl<'a> CellGeometry<'a> {
    fn new(cell: &'a PlaneCell, depth: u8, verts: [Vector3d; 4]) -> CellGeometry<'a> {
        let bulge = std::array::from_fn(|k| {
            let chord = verts[k].sub(&verts[(k + 1) % 4]);
            squared_angle_bound(chord.squared_norm()) + 1e-300
        });
        CellGeometry {
            cell,
            depth,
            verts,
            bulge,
        }
    }

    /// The point at parameter `t` of edge `k`.
    fn edge_point(&self, k: usize, t: f64) -> Vector3d {
        let (a, b) = (CORNERS[k], CORNERS[(k + 1) % 4]);
        self.cell
            .point(self.depth, a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
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
    /// settles (see the module docs). Each pending interval carries its end values for
    /// up to [`INLINE_HALVES`] active half-spaces, so the common case allocates nothing.
    fn search_edge(&self, k: usize, halves: &[HalfSpace], sign: f64, strict: bool) -> bool {
        let (p0, p1) = (&self.verts[k], &self.verts[(k + 1) % 4]);
        let m = self.bulge[k];
        let mut active = [0usize; INLINE_HALVES];
        let mut n = 0;
        for (i, hs) in halves.iter().enumerate() {
            if (sign * hs.eval(p0)).min(sign * hs.eval(p1)) - m <= 0.0 {
                if n == INLINE_HALVES {
                    return self.search_edge_many(k, halves, sign, strict);
                }
                active[n] = i;
                n += 1;
            }
        }
        let search = InlineSearch {
            geometry: self,
            k,
            halves,
            active: &active[..n],
            sign,
            strict,
        };
        search.halve(0.0, 1.0, &search.values(p0), &search.values(p1))
    }

    /// [`Self::search_edge`] for more than [`INLINE_HALVES`] active half-spaces.
    fn search_edge_many(&self, k: usize, halves: &[HalfSpace], sign: f64, strict: bool) -> bool {
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

/// Active half-spaces an edge search keeps inline (more fall back to the heap).
const INLINE_HALVES: usize = 6;

/// The branch and bound of [`CellGeometry::search_edge`], recursing on halves of the
/// parameter interval (depth-first, at most 30 levels as intervals stop at 1e-9).
struct InlineSearch<'g, 'a> {
    geometry: &'g CellGeometry<'a>,
    k: usize,
    halves: &'g [HalfSpace],
    active: &'g [usize],
    sign: f64,
    strict: bool,
}

impl InlineSearch<'_, '_> {
    fn values(&self, p: &Vector3d) -> [f64; INLINE_HALVES] {
        let mut v = [0.0; INLINE_HALVES];
        for (slot, &i) in v.iter_mut().zip(self.active) {
            *slot = self.sign * self.halves[i].eval(p);
        }
        v
    }

    /// Is there a qualifying point in `(t0, t1)`, given the values at both ends?
    fn halve(
        &self,
        t0: f64,
        t1: f64,
        v0: &[f64; INLINE_HALVES],
        v1: &[f64; INLINE_HALVES],
    ) -> bool {
        let n = self.active.len();
        let dt = t1 - t0;
        let bulge = self.geometry.bulge[self.k] * dt * dt;
        let prunable = (0..n).any(|j| {
            let hi = v0[j].max(v1[j]) + bulge;
            hi < 0.0 || (self.strict && hi <= 0.0)
        });
        if prunable || dt < 1e-9 {
            return false;
        }
        let tm = 0.5 * (t0 + t1);
        let vm = self.values(&self.geometry.edge_point(self.k, tm));
        let ok = |v: &f64| if self.strict { *v > 0.0 } else { *v >= 0.0 };
        if vm[..n].iter().all(ok) {
            return true;
        }
        self.halve(tm, t1, &vm, v1) || self.halve(t0, tm, v0, &vm)
    }
}

/// Margin on half-space values at a cell centre for deciding a cell from its centre
/// alone (rounding leaves those values off by a few 1e-16).
const CENTER_MARGIN: f64 = 1e-13;

/// Does the cell (of `depth`, centre vector `center`) intersect the closed conjunction?
pub(crate) fn cell_intersects(cell: &PlaneCell, depth: u8, center: &Vector3d, c: &Conj) -> bool {
    if c.anchor_cells.contains(&cell.h) {
        return true;
    }
    // The centre, then any vertex, inside: the cell meets the region.
    if c.halves.iter().all(|hs| hs.eval(center) >= CENTER_MARGIN) {
        return true;
    }
    let Ok(verts) = vertices_until(cell, depth, |v| c.contains(v)) else {
        return true;
    };
    let g = CellGeometry::new(cell, depth, verts);
    (0..4).any(|k| g.exists_on_edge(k, &c.halves, false, false))
}

/// Does the cell meet the *open* conjunction `{n_k · p > c_k}`?
pub(crate) fn cell_intersects_open(cell: &PlaneCell, depth: u8, c: &Conj) -> bool {
    let open = |p: &Vector3d| c.halves.iter().all(|hs| hs.eval(p) > 0.0);
    let Ok(verts) = vertices_until(cell, depth, open) else {
        return true;
    };
    let g = CellGeometry::new(cell, depth, verts);
    (0..4).any(|k| g.exists_on_edge(k, &c.halves, false, true))
}

/// Is the whole cell (of `depth`, centre vector `center`) inside the closed conjunction?
pub(crate) fn cell_within(cell: &PlaneCell, depth: u8, center: &Vector3d, c: &Conj) -> bool {
    if c.hole_cell == Some(cell.h) {
        return false;
    }
    // The centre, then any vertex, strictly outside one half-space decides at once.
    if c.halves.iter().any(|hs| hs.eval(center) <= -CENTER_MARGIN) {
        return false;
    }
    let outside = |p: &Vector3d| c.halves.iter().any(|hs| hs.eval(p) < 0.0);
    let Ok(verts) = vertices_until(cell, depth, outside) else {
        return false;
    };
    let g = CellGeometry::new(cell, depth, verts);
    // Otherwise look for an edge point strictly outside, one half-space at a time.
    !c.halves
        .iter()
        .any(|hs| (0..4).any(|k| g.exists_on_edge(k, std::slice::from_ref(hs), true, true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carried_cell_centres_match_cdshealpix() {
        let mut cells: Vec<PlaneCell> = (0..12)
            .map(|h| PlaneCell::of(cdshealpix::nested::get(0), h))
            .collect();
        for depth in 0..6u8 {
            let layer = cdshealpix::nested::get(depth);
            for c in &cells {
                let (x, y) = cell_plane_point(layer, c.h, 0.5, 0.5);
                assert!(x == c.x && y == c.y, "{depth} {c:?}");
                for (dx, dy) in CORNERS {
                    let a = cell_point(layer, c.h, dx, dy);
                    let b = c.point(depth, dx, dy);
                    assert!(a.sub(&b).norm() == 0.0, "{depth} {c:?}");
                }
            }
            cells = cells.iter().flat_map(|c| c.children(depth)).collect();
        }
    }

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
