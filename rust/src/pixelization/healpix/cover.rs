//! Exact HEALPix envelopes and interiors.
//!
//! HEALPix pixel edges are straight lines in the HEALPix projection, not great circles
//! on the sphere, so testing a pixel as if it were the spherical polygon of its 4
//! vertices is wrong near the region's boundary. Here every supported region is
//! written as a conjunction of *half-spaces* `n · p >= c` (a convex polygon: one
//! great-circle half-space per edge; a circle: one small-circle half-space; a
//! lon/lat box of width <= 180 deg: two latitude and two meridian half-spaces), and:
//!
//! * a pixel **intersects** the region iff one of its vertices is inside, or a point
//!   of the region chosen in advance (a polygon vertex, the circle centre, ...) falls
//!   in the pixel (the region is then inside the pixel), or some point of a pixel
//!   *edge curve* satisfies every half-space;
//! * a pixel is **inside** the region iff every point of its boundary curves satisfies
//!   every half-space (and, for a circle larger than a hemisphere, the pixel does not
//!   contain the hole).
//!
//! Along an edge curve `p(t)` (a straight segment in the projection, so `t` is the
//! projection-plane parameter) the question "is there a `t` with
//! `min_k (n_k · p(t) - c_k) >= 0`" is answered by branch and bound on `t`: an interval
//! is dropped when, for some half-space, the larger end value plus a bound on the
//! curve's bulge (second-derivative bound times `dt^2 / 8`) is still negative. This
//! follows the true curves down to ~1e-9 of an edge length, far below float noise
//! for the pixel sizes involved.
//!
//! The search is top down over the nested tree: a cell whose bounding cap is outside
//! one half-space is dropped, a cell whose cap is inside all of them is kept whole,
//! the others are split; only cells at the target order on the region's boundary
//! get the exact test. Levels are processed breadth first so that large frontiers run
//! in parallel.

use cdshealpix::nested::Layer;

use crate::geometry::Vector3d;
use crate::rangeset::RangeSet;
use crate::{Error, Result};

/// `n · p >= c` with `n` a unit vector; `theta = acos(c)` is its angular radius.
#[derive(Debug, Clone, Copy)]
pub struct HalfSpace {
    pub n: Vector3d,
    pub c: f64,
    theta: f64,
    /// `sin(theta)`.
    sin_theta: f64,
}

impl HalfSpace {
    fn new(n: Vector3d, c: f64) -> HalfSpace {
        let theta = c.clamp(-1.0, 1.0).acos();
        HalfSpace {
            n,
            c,
            theta,
            sin_theta: theta.sin(),
        }
    }
    #[inline]
    fn eval(&self, p: &Vector3d) -> f64 {
        self.n.dot(p) - self.c
    }
}

/// An intersection of half-spaces plus points known to be inside it.
#[derive(Debug, Clone)]
pub struct Conj {
    halves: Vec<HalfSpace>,
    anchors: Vec<Vector3d>,
    /// A point outside the region that the pixel must not contain for the pixel to be
    /// inside (the anti-centre of a circle larger than a hemisphere).
    hole: Option<Vector3d>,
    /// The cells of `anchors` and `hole` at the target order (filled by `prepared`).
    anchor_cells: Vec<u64>,
    hole_cell: Option<u64>,
}

impl Conj {
    fn contains(&self, p: &Vector3d) -> bool {
        self.halves.iter().all(|h| h.eval(p) >= 0.0)
    }

    /// A copy that knows which cells of `layer` hold its anchors and hole.
    fn prepared(&self, layer: &Layer) -> Conj {
        let mut c = self.clone();
        c.anchor_cells = self.anchors.iter().map(|a| cell_of(layer, a)).collect();
        c.hole_cell = self.hole.map(|h| cell_of(layer, &h));
        c
    }
}

impl CoverShape {
    fn prepared(&self, layer: &Layer) -> CoverShape {
        match self {
            CoverShape::Conj(c) => CoverShape::Conj(c.prepared(layer)),
            CoverShape::WideBox { band, excluded } => CoverShape::WideBox {
                band: band.prepared(layer),
                excluded: excluded.prepared(layer),
            },
            other => other.clone(),
        }
    }
}

/// A region in the form the exact HEALPix search works with.
#[derive(Debug, Clone)]
pub enum CoverShape {
    /// Polygons, circles, boxes up to 180 deg wide.
    Conj(Conj),
    /// A lon/lat box wider than 180 deg: the latitude band minus an open wedge of
    /// longitudes narrower than 180 deg.
    WideBox { band: Conj, excluded: Conj },
    /// The whole sphere.
    Full,
    /// Nothing.
    Empty,
}

fn lonlat_vec(lon: f64, lat: f64) -> Vector3d {
    let (sl, cl) = lon.sin_cos();
    let (sb, cb) = lat.sin_cos();
    Vector3d::new(cl * cb, sl * cb, sb)
}

fn unit(v: Vector3d) -> Result<Vector3d> {
    Ok(*v.normalize()?.as_vector())
}

/// Inward normal of the meridian half-space `lon in [a, a + pi]`.
fn meridian_left(a: f64) -> Vector3d {
    Vector3d::new(-a.sin(), a.cos(), 0.0)
}

impl CoverShape {
    /// A convex polygon from its vertices in counter-clockwise order (as sphgeom keeps
    /// them).
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] for fewer than 3 vertices or a degenerate edge.
    pub fn polygon(vertices: &[Vector3d]) -> Result<CoverShape> {
        if vertices.len() < 3 {
            return Err(Error::region("a polygon needs at least 3 vertices"));
        }
        let mut halves = Vec::with_capacity(vertices.len());
        for i in 0..vertices.len() {
            let (a, b) = (vertices[i], vertices[(i + 1) % vertices.len()]);
            let n = unit(a.cross(&b)).map_err(|_| Error::region("degenerate polygon edge"))?;
            halves.push(HalfSpace::new(n, 0.0));
        }
        Ok(CoverShape::Conj(Conj {
            halves,
            anchors: vertices.to_vec(),
            hole: None,
            anchor_cells: Vec::new(),
            hole_cell: None,
        }))
    }

    /// A circle (spherical cap) of angular radius `radius_rad` around `center`.
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] for a non-finite radius or a zero centre.
    pub fn circle(center: Vector3d, radius_rad: f64) -> Result<CoverShape> {
        if radius_rad.is_nan() {
            return Err(Error::region("circle radius is NaN"));
        }
        if radius_rad < 0.0 {
            return Ok(CoverShape::Empty);
        }
        if radius_rad >= std::f64::consts::PI {
            return Ok(CoverShape::Full);
        }
        let c = unit(center)?;
        let hole = (radius_rad > std::f64::consts::FRAC_PI_2).then(|| c.neg());
        Ok(CoverShape::Conj(Conj {
            halves: vec![HalfSpace::new(c, radius_rad.cos())],
            anchors: vec![c],
            hole,
            anchor_cells: Vec::new(),
            hole_cell: None,
        }))
    }

    /// A lon/lat box: longitudes from `lon_a` eastward to `lon_b` (wrapping through 0 if
    /// `lon_b < lon_a`; `full_lon` for all longitudes), latitudes `[lat_min, lat_max]`,
    /// all in radians.
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] for non-finite bounds.
    pub fn lonlat_box(
        lon_a: f64,
        lon_b: f64,
        full_lon: bool,
        lat_min: f64,
        lat_max: f64,
    ) -> Result<CoverShape> {
        use std::f64::consts::{FRAC_PI_2, PI, TAU};
        if ![lon_a, lon_b, lat_min, lat_max]
            .iter()
            .all(|x| x.is_finite())
        {
            return Err(Error::region("box bounds must be finite"));
        }
        if lat_min > lat_max {
            return Ok(CoverShape::Empty);
        }
        let (lat_min, lat_max) = (lat_min.max(-FRAC_PI_2), lat_max.min(FRAC_PI_2));
        let z = Vector3d::new(0.0, 0.0, 1.0);
        let mut band = Vec::new();
        if lat_min > -FRAC_PI_2 {
            band.push(HalfSpace::new(z, lat_min.sin()));
        }
        if lat_max < FRAC_PI_2 {
            band.push(HalfSpace::new(z.neg(), -lat_max.sin()));
        }
        let mid_lat = 0.5 * (lat_min + lat_max);
        let width = if full_lon {
            TAU
        } else {
            (lon_b - lon_a).rem_euclid(TAU)
        };
        if full_lon || width >= TAU {
            if band.is_empty() {
                return Ok(CoverShape::Full);
            }
            return Ok(CoverShape::Conj(Conj {
                halves: band,
                anchors: vec![lonlat_vec(0.0, mid_lat)],
                hole: None,
                anchor_cells: Vec::new(),
                hole_cell: None,
            }));
        }
        let mid_lon = lon_a + 0.5 * width;
        if width <= PI {
            let mut halves = band;
            halves.push(HalfSpace::new(meridian_left(lon_a), 0.0));
            halves.push(HalfSpace::new(meridian_left(lon_a + width).neg(), 0.0));
            return Ok(CoverShape::Conj(Conj {
                halves,
                anchors: vec![lonlat_vec(mid_lon, mid_lat)],
                hole: None,
                anchor_cells: Vec::new(),
                hole_cell: None,
            }));
        }
        // The excluded longitudes (lon_b, lon_a), narrower than 180 deg.
        let excluded = Conj {
            halves: vec![
                HalfSpace::new(meridian_left(lon_a + width), 0.0),
                HalfSpace::new(meridian_left(lon_a).neg(), 0.0),
            ],
            anchors: vec![],
            hole: None,
            anchor_cells: Vec::new(),
            hole_cell: None,
        };
        Ok(CoverShape::WideBox {
            band: Conj {
                halves: band,
                anchors: vec![lonlat_vec(mid_lon, mid_lat)],
                hole: None,
                anchor_cells: Vec::new(),
                hole_cell: None,
            },
            excluded,
        })
    }
}

/// A point of cell `h` given by projection-plane offsets `(dx, dy)` in `[0, 1]`
/// (`(0,0)` is the south vertex, `(1,0)` east, `(1,1)` north, `(0,1)` west), as
/// (lon, lat) radians (`cell_point` gives the same point as a unit vector).
pub(crate) fn cell_point_lonlat(layer: &Layer, h: u64, dx: f64, dy: f64) -> (f64, f64) {
    let (x, y) = cell_plane_point(layer, h, dx, dy);
    cdshealpix::unproj(x, y)
}

/// The projection-plane point `(x, y)` (`x` in [0, 8], `y` in [-2, 2]) at offsets
/// `(dx, dy)` of cell `h`, as in [`cell_point_lonlat`].
#[inline]
fn cell_plane_point(layer: &Layer, h: u64, dx: f64, dy: f64) -> (f64, f64) {
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
fn proj_to_vec(x: f64, y: f64) -> Vector3d {
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

#[inline]
fn cell_point(layer: &Layer, h: u64, dx: f64, dy: f64) -> Vector3d {
    let (x, y) = cell_plane_point(layer, h, dx, dy);
    proj_to_vec(x, y)
}

const CORNERS: [(f64, f64); 4] = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];

fn angle(a: &Vector3d, b: &Vector3d) -> f64 {
    a.cross(b).norm().atan2(a.dot(b))
}

/// Relationship of a cell's bounding cap with a conjunction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rel {
    Disjoint,
    Within,
    Maybe,
}

fn cap_vs_conj(center: &Vector3d, rho: f64, c: &Conj) -> Rel {
    use std::f64::consts::PI;
    let (sin_rho, cos_rho) = rho.sin_cos();
    let mut within = true;
    for h in &c.halves {
        // angle(n, centre) > theta + rho  <=>  n.centre < cos(theta + rho), and
        // angle(n, centre) + rho <= theta <=>  n.centre >= cos(theta - rho).
        let d = h.n.dot(center);
        if h.theta + rho < PI && d < h.c * cos_rho - h.sin_theta * sin_rho {
            return Rel::Disjoint;
        }
        if !(h.theta >= rho && d >= h.c * cos_rho + h.sin_theta * sin_rho) {
            within = false;
        }
    }
    if within {
        Rel::Within
    } else {
        Rel::Maybe
    }
}

fn cap_vs_shape(center: &Vector3d, rho: f64, s: &CoverShape) -> Rel {
    match s {
        CoverShape::Full => Rel::Within,
        CoverShape::Empty => Rel::Disjoint,
        CoverShape::Conj(c) => cap_vs_conj(center, rho, c),
        CoverShape::WideBox { band, excluded } => {
            match (
                cap_vs_conj(center, rho, band),
                cap_vs_conj(center, rho, excluded),
            ) {
                (Rel::Disjoint, _) | (_, Rel::Within) => Rel::Disjoint,
                (Rel::Within, Rel::Disjoint) => Rel::Within,
                _ => Rel::Maybe,
            }
        }
    }
}

/// A cap (centre, angular radius) that contains cell `h`: cdshealpix's bound on the
/// centre-to-vertex distance at that latitude, with a 15% margin for the curvature of
/// the edges.
fn bounding_cap(layer: &Layer, h: u64) -> (Vector3d, f64) {
    let c = cell_point(layer, h, 0.5, 0.5);
    let lon = c.y.atan2(c.x).rem_euclid(std::f64::consts::TAU);
    let lat = c.z.clamp(-1.0, 1.0).asin();
    let r = cdshealpix::largest_center_to_vertex_distance(layer.depth(), lon, lat);
    (c, r * 1.15 + 1e-15)
}

/// Is there a point on edge `k` of cell `h` (from vertex `k` to vertex `k + 1`) where
/// every half-space value is `>= 0` (or `> 0` if `strict`)?
fn exists_on_edge(
    layer: &Layer,
    h: u64,
    k: usize,
    verts: &[Vector3d; 4],
    halves: &[HalfSpace],
    strict: bool,
) -> bool {
    let (a, b) = (CORNERS[k], CORNERS[(k + 1) % 4]);
    let point = |t: f64| cell_point(layer, h, a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
    let ok = |v: f64| if strict { v > 0.0 } else { v >= 0.0 };
    let (p0, p1) = (verts[k], verts[(k + 1) % 4]);
    // Bound on |d^2 (n.p) / dt^2|: the edge's angular length squared, with a generous
    // factor for the non-uniform speed of the parametrisation. A half-space value is
    // then within `m / 8` of the chord between its end values.
    let len = angle(&p0, &p1);
    let m = 8.0 * len * len + 1e-300;
    // Keep only the half-spaces that can matter on this edge: one violated at both
    // ends beyond the bulge rules the edge out; one satisfied at both ends beyond the
    // bulge holds along the whole edge.
    let mut active: Vec<&HalfSpace> = Vec::with_capacity(4);
    let (mut all0, mut all1) = (true, true);
    for hs in halves {
        let (f0, f1) = (hs.eval(&p0), hs.eval(&p1));
        all0 &= ok(f0);
        all1 &= ok(f1);
        if f0.max(f1) + m / 8.0 < 0.0 {
            return false;
        }
        if f0.min(f1) - m / 8.0 <= 0.0 {
            active.push(hs);
        }
    }
    if all0 || all1 {
        return true;
    }
    if active.is_empty() {
        return true;
    }
    // Branch and bound over t; values of the active half-spaces live in one arena.
    let n = active.len();
    let mut arena: Vec<f64> = Vec::with_capacity(8 * n);
    arena.extend(active.iter().map(|hs| hs.eval(&p0)));
    arena.extend(active.iter().map(|hs| hs.eval(&p1)));
    let mut stack: Vec<(f64, f64, usize, usize)> = vec![(0.0, 1.0, 0, n)];
    while let Some((t0, t1, i0, i1)) = stack.pop() {
        let dt = t1 - t0;
        let bulge = m * dt * dt / 8.0;
        let prunable = (0..n).any(|j| {
            let hi = arena[i0 + j].max(arena[i1 + j]) + bulge;
            hi < 0.0 || (strict && hi <= 0.0)
        });
        if prunable || dt < 1e-9 {
            continue;
        }
        let tm = 0.5 * (t0 + t1);
        let pm = point(tm);
        let im = arena.len();
        arena.extend(active.iter().map(|hs| hs.eval(&pm)));
        if arena[im..].iter().all(|&v| ok(v)) {
            return true;
        }
        stack.push((t0, tm, i0, im));
        stack.push((tm, t1, im, i1));
    }
    false
}

/// The cell of `layer` containing `p`.
fn cell_of(layer: &Layer, p: &Vector3d) -> u64 {
    let v = crate::geometry::UnitVector3d::from_normalized(p.x, p.y, p.z);
    layer.hash(v.lon_rad(), v.lat_rad())
}

/// Does cell `h` (at the layer's depth) intersect the conjunction?
fn cell_vertices(layer: &Layer, h: u64) -> [Vector3d; 4] {
    CORNERS.map(|(dx, dy)| cell_point(layer, h, dx, dy))
}

fn cell_intersects(layer: &Layer, h: u64, c: &Conj) -> bool {
    let verts = cell_vertices(layer, h);
    if verts.iter().any(|v| c.contains(v)) {
        return true;
    }
    if c.anchor_cells.contains(&h) {
        return true;
    }
    (0..4).any(|k| exists_on_edge(layer, h, k, &verts, &c.halves, false))
}

/// Is the whole of cell `h` inside the conjunction?
fn cell_within(layer: &Layer, h: u64, c: &Conj) -> bool {
    if c.hole_cell == Some(h) {
        return false;
    }
    let verts = cell_vertices(layer, h);
    for hs in &c.halves {
        let outside = [HalfSpace::new(hs.n.neg(), -hs.c)];
        if (0..4).any(|k| exists_on_edge(layer, h, k, &verts, &outside, true)) {
            return false;
        }
    }
    true
}

fn final_test(layer: &Layer, h: u64, shape: &CoverShape, interior: bool) -> bool {
    match shape {
        CoverShape::Full => true,
        CoverShape::Empty => false,
        CoverShape::Conj(c) => {
            if interior {
                cell_within(layer, h, c)
            } else {
                cell_intersects(layer, h, c)
            }
        }
        CoverShape::WideBox { band, excluded } => {
            if interior {
                cell_within(layer, h, band) && !cell_intersects_open(layer, h, excluded)
            } else {
                // band minus the open wedge == band ∩ (closed complement of the wedge),
                // and that complement is the union of two half-spaces.
                let mut hit = false;
                for hs in &excluded.halves {
                    let mut halves = band.halves.clone();
                    halves.push(HalfSpace::new(hs.n.neg(), -hs.c));
                    let part = Conj {
                        halves,
                        anchors: vec![],
                        hole: None,
                        anchor_cells: Vec::new(),
                        hole_cell: None,
                    };
                    if cell_intersects(layer, h, &part) {
                        hit = true;
                        break;
                    }
                }
                hit || band.anchor_cells.contains(&h)
            }
        }
    }
}

/// Does cell `h` meet the *open* region `{n_k · p > c_k}`?
fn cell_intersects_open(layer: &Layer, h: u64, c: &Conj) -> bool {
    let verts = cell_vertices(layer, h);
    if verts
        .iter()
        .any(|p| c.halves.iter().all(|hs| hs.eval(p) > 0.0))
    {
        return true;
    }
    (0..4).any(|k| exists_on_edge(layer, h, k, &verts, &c.halves, true))
}

/// Frontier size from which cells are classified in parallel.
const PARALLEL_MIN_CELLS: usize = 512;

/// Nested pixels at `order` that intersect (`interior == false`) or lie inside the shape.
pub fn cover_nested(shape: &CoverShape, order: u8, interior: bool) -> RangeSet {
    let shape = &shape.prepared(cdshealpix::nested::get(order));
    let mut found: Vec<(u64, u64)> = Vec::new();
    let mut frontier: Vec<u64> = (0..12).collect();
    for depth in 0..=order {
        let layer = cdshealpix::nested::get(depth);
        let shift = 2 * (order - depth) as u32;
        let classify = |&h: &u64| {
            let (c, rho) = bounding_cap(layer, h);
            let rel = cap_vs_shape(&c, rho, shape);
            if rel == Rel::Maybe && depth == order {
                let hit = final_test(layer, h, shape, interior);
                (if hit { Rel::Within } else { Rel::Disjoint }, h)
            } else {
                (rel, h)
            }
        };
        // Classifying one cell takes ~1 us: only large frontiers are worth threads.
        let decided: Vec<(Rel, u64)> = if frontier.len() >= PARALLEL_MIN_CELLS {
            crate::parallel::map_items(&frontier, classify)
        } else {
            frontier.iter().map(classify).collect()
        };
        let mut next = Vec::new();
        for (rel, h) in decided {
            match rel {
                Rel::Within => found.push((h << shift, (h + 1) << shift)),
                Rel::Disjoint => {}
                Rel::Maybe => next.extend((0..4).map(|k| 4 * h + k)),
            }
        }
        frontier = next;
        if frontier.is_empty() {
            break;
        }
    }
    RangeSet::from_ranges(&found).unwrap_or_default()
}
