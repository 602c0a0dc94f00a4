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
//! `min_k (n_k · p(t) - c_k) >= 0`" is answered by branch and bound on `t` (see
//! `edges`). This follows the true curves down to ~1e-9 of an edge length,
//! far below float noise for the pixel sizes involved.
//!
//! Only cells at the target order on the region's boundary get that exact test. The
//! search finds them top down over the nested tree: a cell whose bounding cap (centre
//! plus a per-depth radius, `bounds`) is outside one half-space is dropped, a
//! cell whose cap is inside all of them is kept whole, the others are split. For a
//! region with a small bounding cap the search does not start from the 12 base cells:
//! a ring scan (`ring_scan`) lists the cells of a depth where the region spans
//! up to ~1,000 cells and classes most of them from per-ring longitude arcs, without
//! trigonometry per cell; at the target order it also decides cells whose centre is
//! inside (envelope) or outside (interior) the region. Each starting cell is then
//! searched depth first, which yields its pixel ranges already sorted, in parallel when
//! there is enough work. Every shortcut is a conservative filter: a cell it cannot
//! decide goes on to the exact test.

use cdshealpix::nested::Layer;

use super::bounds::{DepthBound, DOT_SLACK};
use super::edges::{
    cell_intersects, cell_intersects_open, cell_plane_point, cell_within, PlaneCell, Unprojected,
};
use super::ring_scan::{cells_near, CentreTest, Label};
use crate::geometry::Vector3d;
use crate::rangeset::RangeSet;
use crate::{Error, Result};

/// `n · p >= c` with `n` a unit vector; `theta = acos(c)` is its angular radius.
#[derive(Debug, Clone, Copy)]
pub struct HalfSpace {
    pub n: Vector3d,
    pub c: f64,
    /// `acos(c)`, the cap's angular radius.
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
    /// The closed complement `n · p <= c`, as `-n · p >= -c`.
    fn complement(&self) -> HalfSpace {
        HalfSpace {
            n: self.n.neg(),
            c: -self.c,
            theta: std::f64::consts::PI - self.theta,
            sin_theta: self.sin_theta,
        }
    }
    #[inline]
    pub(crate) fn eval(&self, p: &Vector3d) -> f64 {
        self.n.dot(p) - self.c
    }
}

/// An intersection of half-spaces plus points known to be inside it.
#[derive(Debug, Clone)]
pub struct Conj {
    pub(crate) halves: Vec<HalfSpace>,
    anchors: Vec<Vector3d>,
    /// A point outside the region that the pixel must not contain for the pixel to be
    /// inside (the anti-centre of a circle larger than a hemisphere).
    hole: Option<Vector3d>,
    /// The cells of `anchors` and `hole` at the target order (filled by `prepared`).
    pub(crate) anchor_cells: Vec<u64>,
    pub(crate) hole_cell: Option<u64>,
    /// A cap (centre, angular radius < pi) containing the whole region, if known.
    cap: Option<(Vector3d, f64)>,
}

impl Conj {
    fn new(halves: Vec<HalfSpace>, anchors: Vec<Vector3d>) -> Conj {
        Conj {
            halves,
            anchors,
            hole: None,
            anchor_cells: Vec::new(),
            hole_cell: None,
            cap: None,
        }
    }

    pub(crate) fn contains(&self, p: &Vector3d) -> bool {
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
        let mut conj = Conj::new(halves, vertices.to_vec());
        conj.cap = polygon_cap(vertices, &conj.halves);
        Ok(CoverShape::Conj(conj))
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
        let mut conj = Conj::new(vec![HalfSpace::new(c, radius_rad.cos())], vec![c]);
        conj.hole = hole;
        conj.cap = Some((c, radius_rad));
        Ok(CoverShape::Conj(conj))
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
            return Ok(CoverShape::Conj(Conj::new(
                band,
                vec![lonlat_vec(0.0, mid_lat)],
            )));
        }
        let mid_lon = lon_a + 0.5 * width;
        if width <= PI {
            let mut halves = band;
            halves.push(HalfSpace::new(meridian_left(lon_a), 0.0));
            halves.push(HalfSpace::new(meridian_left(lon_a + width).neg(), 0.0));
            return Ok(CoverShape::Conj(Conj::new(
                halves,
                vec![lonlat_vec(mid_lon, mid_lat)],
            )));
        }
        // The excluded longitudes (lon_b, lon_a), narrower than 180 deg.
        let excluded = Conj::new(
            vec![
                HalfSpace::new(meridian_left(lon_a + width), 0.0),
                HalfSpace::new(meridian_left(lon_a).neg(), 0.0),
            ],
            vec![],
        );
        Ok(CoverShape::WideBox {
            band: Conj::new(band, vec![lonlat_vec(mid_lon, mid_lat)]),
            excluded,
        })
    }
}

fn angle(a: &Vector3d, b: &Vector3d) -> f64 {
    a.cross(b).norm().atan2(a.dot(b))
}

/// A cap containing a convex polygon: around the normalised sum of its vertices, out to
/// the farthest vertex. Valid when every vertex satisfies every edge half-space (the
/// polygon is then the set of positive combinations of its vertices, and a cap narrower
/// than a hemisphere contains those); `None` otherwise or for a cap of 90 deg or more.
fn polygon_cap(vertices: &[Vector3d], halves: &[HalfSpace]) -> Option<(Vector3d, f64)> {
    let convex = vertices
        .iter()
        .all(|v| halves.iter().all(|hs| hs.n.dot(v) >= -1e-12 * v.norm()));
    if !convex {
        return None;
    }
    let sum = vertices
        .iter()
        .filter_map(|v| v.normalized_with_norm())
        .fold(Vector3d::new(0.0, 0.0, 0.0), |acc, (u, _)| acc.add(&u));
    let center = unit(sum).ok()?;
    let radius = vertices
        .iter()
        .map(|v| angle(&center, v))
        .fold(0.0f64, f64::max)
        + 1e-9;
    (radius < std::f64::consts::FRAC_PI_2 - 1e-6).then_some((center, radius))
}

/// A point of cell `h` given by projection-plane offsets `(dx, dy)` in `[0, 1]`
/// (`(0,0)` is the south vertex, `(1,0)` east, `(1,1)` north, `(0,1)` west), as
/// (lon, lat) radians.
pub(crate) fn cell_point_lonlat(layer: &Layer, h: u64, dx: f64, dy: f64) -> (f64, f64) {
    let (x, y) = cell_plane_point(layer, h, dx, dy);
    cdshealpix::unproj(x, y)
}

/// The cell of `layer` containing `p`.
fn cell_of(layer: &Layer, p: &Vector3d) -> u64 {
    let v = crate::geometry::UnitVector3d::from_normalized(p.x, p.y, p.z);
    layer.hash(v.lon_rad(), v.lat_rad())
}

/// Relationship of a cell (through its bounding cap) with the region.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rel {
    Disjoint,
    Within,
    Maybe,
}

/// Per half-space thresholds on `n · centre` at one depth: below `lo` the cell's cap is
/// outside the half-space, from `hi` on it is inside.
#[derive(Clone, Copy)]
struct Thresholds {
    lo: f64,
    hi: f64,
}

impl Thresholds {
    fn of(hs: &HalfSpace, bound: &DepthBound) -> Thresholds {
        use std::f64::consts::PI;
        // angle(n, centre) > theta + rho  <=>  n.centre < cos(theta + rho), and
        // angle(n, centre) + rho <= theta <=>  n.centre >= cos(theta - rho).
        let lo = if hs.theta + bound.rho < PI {
            hs.c * bound.cos_rho - hs.sin_theta * bound.sin_rho - DOT_SLACK
        } else {
            f64::NEG_INFINITY
        };
        let hi = if hs.theta >= bound.rho {
            hs.c * bound.cos_rho + hs.sin_theta * bound.sin_rho + DOT_SLACK
        } else {
            f64::INFINITY
        };
        Thresholds { lo, hi }
    }
}

/// The cheap cap test of one depth for one conjunction.
struct ConjTest {
    normals: Vec<(Vector3d, Thresholds)>,
}

impl ConjTest {
    fn new(c: &Conj, bound: &DepthBound) -> ConjTest {
        ConjTest {
            normals: c
                .halves
                .iter()
                .map(|hs| (hs.n, Thresholds::of(hs, bound)))
                .collect(),
        }
    }

    #[inline]
    fn relate(&self, center: &Vector3d) -> Rel {
        let mut within = true;
        for (n, t) in &self.normals {
            let d = n.dot(center);
            if d < t.lo {
                return Rel::Disjoint;
            }
            within &= d >= t.hi;
        }
        if within {
            Rel::Within
        } else {
            Rel::Maybe
        }
    }
}

/// The cheap test of every cell of one depth against the shape.
struct DepthTest {
    cap_center: Vector3d,
    far_cos: f64,
    kind: DepthTestKind,
}

enum DepthTestKind {
    Conj(ConjTest),
    WideBox { band: ConjTest, excluded: ConjTest },
}

impl DepthTest {
    /// A placeholder for depths above the starting depth (never consulted).
    fn unused() -> DepthTest {
        DepthTest {
            cap_center: Vector3d::new(0.0, 0.0, 1.0),
            far_cos: f64::NEG_INFINITY,
            kind: DepthTestKind::Conj(ConjTest {
                normals: Vec::new(),
            }),
        }
    }

    /// `None` for the full and empty shapes (no cell needs testing).
    fn new(shape: &CoverShape, depth: u8) -> Option<DepthTest> {
        let cap = match shape {
            CoverShape::Conj(c) => c.cap,
            _ => None,
        };
        let bound = DepthBound::new(depth, cap);
        let kind = match shape {
            CoverShape::Conj(c) => DepthTestKind::Conj(ConjTest::new(c, &bound)),
            CoverShape::WideBox { band, excluded } => DepthTestKind::WideBox {
                band: ConjTest::new(band, &bound),
                excluded: ConjTest::new(excluded, &bound),
            },
            CoverShape::Full | CoverShape::Empty => return None,
        };
        Some(DepthTest {
            cap_center: cap.map_or(Vector3d::new(0.0, 0.0, 1.0), |c| c.0),
            far_cos: bound.far_cos,
            kind,
        })
    }

    #[inline]
    fn relate(&self, center: &Vector3d) -> Rel {
        if self.cap_center.dot(center) < self.far_cos {
            return Rel::Disjoint;
        }
        match &self.kind {
            DepthTestKind::Conj(t) => t.relate(center),
            DepthTestKind::WideBox { band, excluded } => {
                match (band.relate(center), excluded.relate(center)) {
                    (Rel::Disjoint, _) | (_, Rel::Within) => Rel::Disjoint,
                    (Rel::Within, Rel::Disjoint) => Rel::Within,
                    _ => Rel::Maybe,
                }
            }
        }
    }
}

/// The exact decision for a cell of `depth` (the target order) that the cap test left
/// open; `center` is the cell's centre.
fn final_test(
    cell: &PlaneCell,
    depth: u8,
    center: &Vector3d,
    shape: &CoverShape,
    interior: bool,
) -> bool {
    match shape {
        CoverShape::Full => true,
        CoverShape::Empty => false,
        CoverShape::Conj(c) => {
            if interior {
                cell_within(cell, depth, center, c)
            } else {
                cell_intersects(cell, depth, center, c)
            }
        }
        CoverShape::WideBox { band, excluded } => {
            if interior {
                cell_within(cell, depth, center, band)
                    && !cell_intersects_open(cell, depth, excluded)
            } else {
                // band minus the open wedge == band ∩ (closed complement of the wedge),
                // and that complement is the union of two half-spaces.
                band.anchor_cells.contains(&cell.h)
                    || excluded.halves.iter().any(|hs| {
                        let mut halves = band.halves.clone();
                        halves.push(hs.complement());
                        cell_intersects(cell, depth, center, &Conj::new(halves, vec![]))
                    })
            }
        }
    }
}

/// Everything one cover query needs, shared by the (possibly parallel) subtrees.
struct Search<'a> {
    shape: &'a CoverShape,
    tests: Vec<DepthTest>,
    order: u8,
    interior: bool,
}

impl Search<'_> {
    #[inline]
    fn classify(&self, depth: u8, cell: &PlaneCell, center: &Vector3d) -> Rel {
        let rel = self.tests[depth as usize].relate(center);
        if rel == Rel::Maybe && depth == self.order {
            if final_test(cell, depth, center, self.shape, self.interior) {
                Rel::Within
            } else {
                Rel::Disjoint
            }
        } else {
            rel
        }
    }

    /// The pixel range of a cell of `depth` kept whole.
    #[inline]
    fn range(&self, depth: u8, h: u64) -> (u64, u64) {
        let shift = 2 * (self.order - depth) as u32;
        (h << shift, (h + 1) << shift)
    }

    /// Depth-first search below `cell` (of `depth`): appends the ranges found, in
    /// increasing order. `parent` is the parent's longitude (its plane offset and
    /// parameter, see [`Unprojected`]) with its sine and cosine, if known.
    ///
    /// A child's longitude differs from its parent's by a small angle, so its sine and
    /// cosine follow by one rotation (a short series for the small angle) instead of a
    /// sine and cosine per cell. Each rotation rounds by ~1e-16; the ~1e-14 this can add
    /// up to over 29 levels stays within [`DOT_SLACK`] and the exact tests' centre
    /// margin, and vertices are always computed afresh.
    fn descend(
        &self,
        depth: u8,
        cell: PlaneCell,
        parent: Option<(u32, f64, f64, f64)>,
        out: &mut Vec<(u64, u64)>,
    ) {
        let u = Unprojected::of(cell.x, cell.y);
        let (sin, cos) = match parent {
            Some((offset, l, s, c)) => {
                let (sd, cd) = sin_cos_small(lon_step(offset, l, &u));
                (s * cd + c * sd, c * cd - s * sd)
            }
            None => u.lon().sin_cos(),
        };
        let center = u.vector(sin, cos);
        match self.classify(depth, &cell, &center) {
            Rel::Within => out.push(self.range(depth, cell.h)),
            Rel::Disjoint => {}
            Rel::Maybe => {
                for child in cell.children(depth) {
                    self.descend(depth + 1, child, Some((u.offset, u.l, sin, cos)), out);
                }
            }
        }
    }
}

/// The longitude of `u` minus that of plane offset `offset` and parameter `l`, in
/// radians, folded into `[-pi, pi)`.
#[inline]
fn lon_step(offset: u32, l: f64, u: &Unprojected) -> f64 {
    let mut units = (u.offset as f64 - offset as f64) + (u.l - l);
    if units >= 4.0 {
        units -= 8.0;
    } else if units < -4.0 {
        units += 8.0;
    }
    units * std::f64::consts::FRAC_PI_4
}

/// `(sin d, cos d)`, by series for `|d| < 0.01` (truncation below 1e-20).
#[inline]
fn sin_cos_small(d: f64) -> (f64, f64) {
    if d.abs() >= 0.01 {
        return d.sin_cos();
    }
    let d2 = d * d;
    let s = d * (1.0 - d2 / 6.0 * (1.0 - d2 / 20.0 * (1.0 - d2 / 42.0)));
    let c = 1.0 - d2 / 2.0 * (1.0 - d2 / 12.0 * (1.0 - d2 / 30.0 * (1.0 - d2 / 56.0)));
    (s, c)
}

/// Most cells the ring scan may hand to the tree search as starting points.
const MAX_START_CELLS: f64 = 1024.0;

/// Estimated cells to classify (cells to search times 4 per level below them) from
/// which the starting cells' subtrees are searched in parallel.
const PARALLEL_MIN_WORK: f64 = 2048.0;

/// A starting point of the search.
#[derive(Clone, Copy)]
enum Start {
    /// A cell the ring scan found inside the region.
    Whole(u64),
    /// A cell to search.
    Search(PlaneCell),
}

/// The depth at which to start the search: for a region with a small bounding cap, the
/// deepest depth (up to `order`) where about [`MAX_START_CELLS`] cell centres lie
/// within reach of the cap; otherwise 0.
fn start_depth(shape: &CoverShape, order: u8) -> u8 {
    let CoverShape::Conj(Conj {
        cap: Some((_, radius)),
        ..
    }) = shape
    else {
        return 0;
    };
    // About 3 4^d (R + rho_d)^2 centres lie within R + rho_d (12 4^d cells on 4 pi sr).
    let reach = |d: u8| radius + super::bounds::global_radius(d);
    let estimate = |d: u8| 3.0 * (1u64 << (2 * d as u32)) as f64 * reach(d) * reach(d);
    (1..=order)
        .rev()
        .find(|&d| estimate(d) <= MAX_START_CELLS)
        .unwrap_or(0)
}

/// The cells of `depth` to start from, sorted by id: the 12 base cells at depth 0, or
/// else those a ring scan finds near the region's bounding cap, classed by the cap
/// tests of that depth.
fn start_cells(
    shape: &CoverShape,
    depth: u8,
    test: &DepthTest,
    order: u8,
    interior: bool,
) -> Vec<Start> {
    let layer = cdshealpix::nested::get(depth);
    let (
        CoverShape::Conj(
            conj @ Conj {
                cap: Some((center, radius)),
                ..
            },
        ),
        DepthTestKind::Conj(conj_test),
    ) = (shape, &test.kind)
    else {
        // No bounding cap: `start_depth` chose 0.
        return (0..12u64 << (2 * depth as u32))
            .map(|h| Start::Search(PlaneCell::of(layer, h)))
            .collect();
    };
    if depth == 0 {
        return (0..12)
            .map(|h| Start::Search(PlaneCell::of(layer, h)))
            .collect();
    }
    // A cell meeting the cap has its centre within the cap radius plus the cell radius,
    // and the local radius bound holds for every such cell.
    let local = DepthBound::new(depth, Some((*center, *radius))).rho;
    let tests: Vec<CentreTest> = conj_test
        .normals
        .iter()
        .zip(&conj.halves)
        .map(|((n, t), hs)| CentreTest {
            n: *n,
            lo: t.lo,
            mid: hs.c,
            hi: t.hi,
        })
        .collect();
    // At the target order a cell whose centre is in the region intersects it, and one
    // whose centre is outside it is not inside it.
    let final_depth = depth == order;
    cells_near(depth, center, radius + local, &tests)
        .into_iter()
        .filter_map(|(h, label)| match label {
            Label::Within => Some(Start::Whole(h)),
            Label::CentreInside if final_depth && !interior => Some(Start::Whole(h)),
            Label::CentreOutside if final_depth && interior => None,
            _ => Some(Start::Search(PlaneCell::of(layer, h))),
        })
        .collect()
}

/// Nested pixels at `order` that intersect (`interior == false`) or lie inside the shape.
///
/// A depth-first search from the starting cells (see `start_cells`; in parallel when
/// their subtrees are deep), each subtree yielding its ranges in order.
///
/// # Examples
/// ```
/// use skymaps::geometry::Vector3d;
/// use skymaps::pixelization::healpix::cover::{cover_nested, CoverShape};
/// use skymaps::pixelization::Healpix;
/// // A 0.5 deg circle on the equator at RA 0, order 8 (pixels of ~0.23 deg).
/// let shape = CoverShape::circle(Vector3d::new(1.0, 0.0, 0.0), 0.5f64.to_radians()).unwrap();
/// let envelope = cover_nested(&shape, 8, false);
/// let interior = cover_nested(&shape, 8, true);
/// assert!(envelope.is_superset(&interior) && !interior.is_empty());
/// let centre = Healpix::new(8, true).unwrap().index_lonlat_deg(0.0, 0.0).unwrap();
/// assert!(interior.contains(centre));
/// ```
pub fn cover_nested(shape: &CoverShape, order: u8, interior: bool) -> RangeSet {
    let npix = 12u64 << (2 * order as u32);
    match shape {
        CoverShape::Full => return RangeSet::from_range(0, npix),
        CoverShape::Empty => return RangeSet::new(),
        _ => {}
    }
    let shape = &shape.prepared(cdshealpix::nested::get(order));
    let depth = start_depth(shape, order);
    let tests: Option<Vec<DepthTest>> = (0..=order)
        .map(|d| {
            if d < depth {
                Some(DepthTest::unused())
            } else {
                DepthTest::new(shape, d)
            }
        })
        .collect();
    let Some(tests) = tests else {
        return RangeSet::new();
    };
    let starts = start_cells(shape, depth, &tests[depth as usize], order, interior);
    let search = Search {
        shape,
        tests,
        order,
        interior,
    };
    let run = |start: &Start, out: &mut Vec<(u64, u64)>| match *start {
        Start::Whole(h) => out.push(search.range(depth, h)),
        Start::Search(cell) => search.descend(depth, cell, None, out),
    };
    let mut found: Vec<(u64, u64)> = Vec::with_capacity(starts.len());
    let to_search = starts
        .iter()
        .filter(|s| matches!(s, Start::Search(_)))
        .count();
    let work = to_search as f64 * 4f64.powi((order - depth) as i32);
    if to_search > 1 && work >= PARALLEL_MIN_WORK {
        // A few chunks per thread balance the load without a vector per cell.
        let chunk = starts
            .len()
            .div_ceil(8 * rayon::current_num_threads())
            .max(1);
        let chunks: Vec<&[Start]> = starts.chunks(chunk).collect();
        let parts = crate::parallel::map_items(&chunks, |chunk| {
            let mut out = Vec::with_capacity(4 * chunk.len());
            for start in *chunk {
                run(start, &mut out);
            }
            out
        });
        for part in parts {
            found.extend(part);
        }
    } else {
        for start in &starts {
            run(start, &mut found);
        }
    }
    sorted_rangeset(found)
}

/// A range set from sorted, disjoint cell ranges, merging adjacent ones.
fn sorted_rangeset(ranges: Vec<(u64, u64)>) -> RangeSet {
    let mut merged: Vec<(u128, u128)> = Vec::with_capacity(ranges.len());
    for (b, e) in ranges {
        match merged.last_mut() {
            Some(last) if last.1 == b as u128 => last.1 = e as u128,
            _ => merged.push((b as u128, e as u128)),
        }
    }
    RangeSet::from_sorted_u128(merged)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The exact per-cell decision, without any pruning.
    fn brute(shape: &CoverShape, order: u8, interior: bool, cells: &[u64]) -> Vec<u64> {
        let layer = cdshealpix::nested::get(order);
        let shape = shape.prepared(layer);
        cells
            .iter()
            .copied()
            .filter(|&h| {
                let cell = PlaneCell::of(layer, h);
                final_test(&cell, order, &cell.center(), &shape, interior)
            })
            .collect()
    }

    fn check(shape: &CoverShape, order: u8, candidates: &[u64]) {
        for interior in [false, true] {
            let got: Vec<u64> = cover_nested(shape, order, interior).values().collect();
            let want = brute(shape, order, interior, candidates);
            assert_eq!(got, want, "order {order} interior {interior} {shape:?}");
        }
    }

    use crate::test_random::next_uniform as lcg;

    fn centres(state: &mut u64) -> Vec<(f64, f64)> {
        let mut out = vec![
            (0.0, 90.0),
            (10.0, -90.0),
            (0.0, 0.0),
            (359.999, 41.81),
            (45.0, -41.81),
            (0.0, 89.99),
            (180.0, -89.9),
        ];
        for _ in 0..5 {
            out.push((
                360.0 * lcg(state),
                (2.0 * lcg(state) - 1.0).asin().to_degrees(),
            ));
        }
        out
    }

    fn polygon_around(
        lon: f64,
        lat: f64,
        radius_rad: f64,
        n: usize,
        state: &mut u64,
    ) -> CoverShape {
        let c = lonlat_vec(lon.to_radians(), lat.to_radians());
        let e =
            unit(Vector3d::new(0.0, 0.0, 1.0).cross(&c)).unwrap_or(Vector3d::new(1.0, 0.0, 0.0));
        let north = c.cross(&e);
        let mut angles: Vec<f64> = (0..n).map(|_| std::f64::consts::TAU * lcg(state)).collect();
        angles.sort_by(f64::total_cmp);
        let verts: Vec<Vector3d> = angles
            .iter()
            .map(|a| {
                c.scale(radius_rad.cos())
                    .add(&e.scale(radius_rad.sin() * a.cos()))
                    .add(&north.scale(radius_rad.sin() * a.sin()))
            })
            .collect();
        CoverShape::polygon(&verts).unwrap()
    }

    /// Longitudes carried down 29 levels by rotations stay within the slack the cap
    /// tests allow, in the equatorial zone and in the polar caps.
    #[test]
    fn rotated_centre_longitudes_stay_accurate() {
        for (base, pick) in [
            (4u64, [1usize, 2]),
            (5, [2, 3]),
            (0, [3, 1]),
            (9, [0, 2]),
            (4, [2, 2]),
        ] {
            let mut cell = PlaneCell::of(cdshealpix::nested::get(0), base);
            let mut u = Unprojected::of(cell.x, cell.y);
            let (mut s, mut c) = u.lon().sin_cos();
            for depth in 0..29u8 {
                cell = cell.children(depth)[pick[depth as usize % 2]];
                let v = Unprojected::of(cell.x, cell.y);
                let (sd, cd) = sin_cos_small(lon_step(u.offset, u.l, &v));
                (s, c) = (s * cd + c * sd, c * cd - s * sd);
                u = v;
                let exact = cell.center();
                let err = exact.sub(&u.vector(s, c)).norm();
                assert!(err < 1e-14, "base {base} depth {depth}: {err}");
            }
        }
    }

    #[test]
    fn small_angle_sin_cos_match_libm() {
        for i in -100..=100 {
            let d = i as f64 * 1e-4 + 1e-7;
            let (s, c) = sin_cos_small(d);
            assert!(
                (s - d.sin()).abs() < 2e-17 && (c - d.cos()).abs() < 2e-16,
                "{d}"
            );
        }
    }

    /// Whole sphere at low orders: every cell is a candidate.
    #[test]
    fn search_equals_the_exact_test_everywhere_at_low_orders() {
        let mut state = 1;
        for (lon, lat) in centres(&mut state) {
            for radius in [1e-4, 0.05, 0.4, 1.2, 2.0] {
                let c = lonlat_vec(lon.to_radians(), lat.to_radians());
                let order = if radius < 0.01 { 5 } else { 3 };
                let all: Vec<u64> = (0..12u64 << (2 * order)).collect();
                check(&CoverShape::circle(c, radius).unwrap(), order, &all);
                if radius < 1.5 {
                    let p = polygon_around(lon, lat, radius, 5, &mut state);
                    check(&p, order, &all);
                }
            }
        }
    }

    /// Deep orders: candidates from cdshealpix's cone coverage with a wide margin.
    #[test]
    fn search_equals_the_exact_test_near_small_regions_at_deep_orders() {
        let mut state = 7;
        for (lon, lat) in centres(&mut state) {
            for (order, radius) in [(8u8, 0.02), (12, 2e-3), (16, 1.5e-4), (20, 1e-5)] {
                let c = lonlat_vec(lon.to_radians(), lat.to_radians());
                let margin = 4.0 * super::super::bounds::global_radius(order);
                let candidates: Vec<u64> = cdshealpix::nested::cone_coverage_approx(
                    order,
                    lon.to_radians(),
                    lat.to_radians(),
                    radius + margin,
                )
                .to_flat_array()
                .to_vec();
                check(&CoverShape::circle(c, radius).unwrap(), order, &candidates);
                let p = polygon_around(lon, lat, radius, 6, &mut state);
                check(&p, order, &candidates);
            }
        }
    }
}
