//! Fast point → trixel location that still returns sphgeom's ids bit for bit.
//!
//! sphgeom descends from the root octant, and at every level it forms the three edge
//! midpoints with its careful normalisation (five divisions and a square root each)
//! and asks the exact orientation predicate on which side of each medial edge the
//! point lies. Reproducing that step by step ([`Htm::index_unchecked`]) is exact but
//! slow: a long chain of divisions and unpredictable branches per level.
//!
//! Here the same descent runs in cheap floating point, several points at once in
//! SIMD lanes with branch-free child selection, and every decision is *certified*:
//! the point must lie clearly on one side of the medial edge it is tested against.
//! sphgeom's midpoints and ours never drift more than ~1e-15 apart (the test
//! `vertex_drift` measures it; the certificate allows 1e-12), so the sign of every
//! certified test is the sign sphgeom's exact predicate gives for its own vertices.
//! A point too close to a tested edge to be sure (a few in 10^4 at level 20, mostly
//! within ~1e-11 rad of an edge) is located again by the exact descent.
//!
//! The orientation `x · (a × b)` is evaluated as `x · ((a − x) × (b − x))`: the same
//! value in exact arithmetic, but formed from small differences, so that its rounding
//! error scales with the trixel size instead of with 1 — deep trixels are ~1e-7 wide
//! and the plain triple product would not resolve 1e-12 there.

// Lane loops index several arrays in lockstep (that is what makes them vectorize).
#![allow(clippy::needless_range_loop)]

use super::{Htm, ROOT_VERTICES};
use crate::geometry::fast_contains::{fast_vector_deg, MAX_FAST_DEG};
use crate::geometry::{UnitVector3d, Vector3d};
use crate::simd::{run_widest, LaneKernel};

/// Bound on the drift between sphgeom's trixel vertices and ours that the
/// certificates allow for. The drift measured to level 24 is about 1e-15 (the test
/// `vertex_drift` asserts < 5e-14), so this leaves a wide safety factor.
const MARGIN: f64 = 1e-12;

/// Upper bound on the chord diameter of any trixel of level `depth`: 1.42 at the
/// root, 1 at level 1, then about 2.2 × 2^-depth (the test `diameters` checks
/// every trixel to level 8 and random ones deeper).
#[inline(always)]
fn diameter_bound(depth: u8) -> f64 {
    3.0 / (1u64 << depth) as f64
}

/// The certificate threshold for the tests that split a trixel of level `depth`.
///
/// For `x` inside that trixel, `|x − a|`, `|x − b|` and `|b − a|` are all below its
/// diameter `D`. Moving `a` and `b` by δ (the drift between sphgeom's vertices and
/// ours) changes `det = x · (a × b)` by at most δ (|x × a| + |x × b|) + δ² < 3 δ D;
/// moving `x` by ε (a point from the fast `sincos`, ε < 1e-13) changes it by at most
/// ε |a × b| < ε D; rounding in `x · ((a − x) × (b − x))` is under 1e-14 D². So a
/// determinant beyond `6 MARGIN D` has the sign of sphgeom's exact one whenever δ
/// and ε are below MARGIN.
#[inline(always)]
fn tolerance_at(depth: u8) -> f64 {
    MARGIN * 6.0 * diameter_bound(depth)
}

/// The root trixel (0..8) of `v`, by the signs of its components (exact).
#[inline(always)]
pub(super) fn root_of(v: &Vector3d) -> usize {
    // Quadrant of (x, y) counted eastward from +x; the southern roots S0..S3 follow
    // it and the northern ones N0..N3 (roots 4..7) run the other way.
    let quadrant: usize = if v.y > 0.0 {
        if v.x > 0.0 {
            0
        } else {
            1
        }
    } else if v.y == 0.0 {
        if v.x >= 0.0 {
            0
        } else {
            2
        }
    } else if v.x < 0.0 {
        2
    } else {
        3
    };
    if v.z < 0.0 {
        quadrant
    } else {
        7 - quadrant
    }
}

/// `L` vectors in structure-of-arrays form: `v[component][lane]`, so that every
/// arithmetic step below is one SIMD operation across lanes.
type Lanes<const L: usize> = [[f64; L]; 3];

/// How a midpoint's sum `a + b` is normalised at some depth.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Normalise {
    /// `1 / sqrt(|a + b|²)`: any size of trixel.
    Sqrt,
    /// `(4 − δ)^-1/2` as a series in `t = δ / 4 = 1 − |a + b|² / 4`, with terms up to
    /// `t^6` (for `t < 0.0025`) or `t^2` (for `t < 3e-6`). The vertices of a trixel are
    /// less than its diameter apart, so `δ = |a − b|² < D²` bounds `t`; the first
    /// omitted term is then below 1e-17.
    Series6,
    Series2,
}

impl Normalise {
    #[inline(always)]
    fn at(depth: u8) -> Normalise {
        match depth {
            0..=4 => Normalise::Sqrt,
            5..=9 => Normalise::Series6,
            _ => Normalise::Series2,
        }
    }
}

/// Midpoints of `L` pairs of unit vectors, normalised as `how` says.
#[inline(always)]
fn lanes_midpoint<const L: usize>(a: &Lanes<L>, b: &Lanes<L>, how: Normalise) -> Lanes<L> {
    // Taylor coefficients of (1 − t)^-1/2, halved (|a + b| is about 2).
    const C: [f64; 7] = [
        0.5,
        0.25,
        0.1875,
        0.156_25,
        0.136_718_75,
        0.123_046_875,
        0.112_792_968_75,
    ];
    let mut s = [[0.0; L]; 3];
    for c in 0..3 {
        for l in 0..L {
            s[c][l] = a[c][l] + b[c][l];
        }
    }
    let mut n2 = [0.0; L];
    for l in 0..L {
        n2[l] = s[0][l] * s[0][l] + s[1][l] * s[1][l] + s[2][l] * s[2][l];
    }
    // One loop per method (not a match per lane), so that each vectorizes.
    let mut inv = [0.0; L];
    match how {
        Normalise::Sqrt => {
            for l in 0..L {
                inv[l] = 1.0 / n2[l].sqrt();
            }
        }
        Normalise::Series2 => {
            for l in 0..L {
                let t = 1.0 - 0.25 * n2[l];
                inv[l] = C[0] + t * (C[1] + t * C[2]);
            }
        }
        Normalise::Series6 => {
            for l in 0..L {
                let t = 1.0 - 0.25 * n2[l];
                inv[l] = C[0]
                    + t * (C[1] + t * (C[2] + t * (C[3] + t * (C[4] + t * (C[5] + t * C[6])))));
            }
        }
    }
    for c in 0..3 {
        for l in 0..L {
            s[c][l] *= inv[l];
        }
    }
    s
}

/// The smaller of two finite numbers. (Unlike `f64::min`, which must return the
/// non-NaN operand, this is a single instruction on every SIMD width; without AVX-512
/// `f64::min` over lanes does not vectorize.)
#[inline(always)]
fn smaller(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// `v − x`, lane by lane.
#[inline(always)]
fn lanes_offset<const L: usize>(v: &Lanes<L>, x: &Lanes<L>) -> Lanes<L> {
    let mut out = [[0.0; L]; 3];
    for c in 0..3 {
        for l in 0..L {
            out[c][l] = v[c][l] - x[c][l];
        }
    }
    out
}

/// `x · (a × b)` lane by lane, given the offsets `da = a − x` and `db = b − x`.
/// `x · (da × db)` equals `x · (a × b)` exactly in real arithmetic, but is formed from
/// small vectors near `x`, so its rounding error scales with the trixel size squared
/// instead of with 1 (deep trixels are ~1e-7 wide; the plain triple product could not
/// resolve 1e-12 there). Its sign says on which side of the great circle `a → b` the
/// point is (`>= 0`: left).
#[inline(always)]
fn lanes_det<const L: usize>(x: &Lanes<L>, da: &Lanes<L>, db: &Lanes<L>) -> [f64; L] {
    let mut det = [0.0; L];
    for l in 0..L {
        let cx = da[1][l] * db[2][l] - da[2][l] * db[1][l];
        let cy = da[2][l] * db[0][l] - da[0][l] * db[2][l];
        let cz = da[0][l] * db[1][l] - da[1][l] * db[0][l];
        det[l] = x[0][l] * cx + x[1][l] * cy + x[2][l] * cz;
    }
    det
}

/// `if side >= 0 { a } else { b }` lane by lane (a blend, not a branch).
#[inline(always)]
fn lanes_select<const L: usize>(side: &[f64; L], a: &Lanes<L>, b: &Lanes<L>) -> Lanes<L> {
    let mut out = [[0.0; L]; 3];
    for c in 0..3 {
        for l in 0..L {
            out[c][l] = if side[l] >= 0.0 { a[c][l] } else { b[c][l] };
        }
    }
    out
}

/// The certified descent for `L` points at once (see the module docs). Returns the
/// ids and, per lane, whether every decision was certified; uncertain lanes must be
/// located again exactly.
#[inline(always)]
fn locate_lanes<const L: usize>(level: u8, points: &[Vector3d; L]) -> ([u64; L], [bool; L]) {
    let mut x = [[0.0; L]; 3];
    let mut t = [[[0.0; L]; 3]; 3];
    // The id is accumulated in floating point (exact: below 2^53 for every level), so
    // that the whole descent stays in one kind of SIMD register.
    let mut id = [0.0f64; L];
    for (l, p) in points.iter().enumerate() {
        let r = root_of(p);
        id[l] = (r + 8) as f64;
        for (c, value) in [p.x, p.y, p.z].into_iter().enumerate() {
            x[c][l] = value;
        }
        for (k, vertex) in ROOT_VERTICES[r].iter().enumerate() {
            t[k][0][l] = vertex.x;
            t[k][1][l] = vertex.y;
            t[k][2][l] = vertex.z;
        }
    }
    // The smallest `|det| − tolerance` met so far: the lane is certain while > 0. The
    // root is chosen by the signs of the coordinates, so they must be clear of 0 too.
    let mut slack = [0.0; L];
    for (l, p) in points.iter().enumerate() {
        slack[l] = smaller(smaller(p.x.abs(), p.y.abs()), p.z.abs()) - MARGIN;
    }
    for depth in 0..level {
        let how = Normalise::at(depth);
        let m01 = lanes_midpoint(&t[0], &t[1], how);
        let m12 = lanes_midpoint(&t[1], &t[2], how);
        let m20 = lanes_midpoint(&t[2], &t[0], how);
        let (d01, d12, d20) = (
            lanes_offset(&m01, &x),
            lanes_offset(&m12, &x),
            lanes_offset(&m20, &x),
        );
        let s0 = lanes_det(&x, &d01, &d20);
        let s1 = lanes_det(&x, &d12, &d01);
        let s2 = lanes_det(&x, &d20, &d12);
        let tolerance = tolerance_at(depth);
        for l in 0..L {
            // Child 0 if left of m01 → m20, else 1 if left of m12 → m01, else 2 if
            // left of m20 → m12, else 3. All three tests must be certain (simpler and
            // vectorizes better than certifying only the deciding ones; it declines
            // a few more points).
            let child = if s0[l] >= 0.0 {
                0.0
            } else if s1[l] >= 0.0 {
                1.0
            } else if s2[l] >= 0.0 {
                2.0
            } else {
                3.0
            };
            let closest = smaller(smaller(s0[l].abs(), s1[l].abs()), s2[l].abs());
            slack[l] = smaller(slack[l], closest - tolerance);
            id[l] = 4.0 * id[l] + child;
        }
        // Children (sphgeom's vertex order): 0 = [v0, m01, m20], 1 = [v1, m12, m01],
        // 2 = [v2, m20, m12], 3 = [m12, m20, m01].
        let first = lanes_select(
            &s0,
            &t[0],
            &lanes_select(&s1, &t[1], &lanes_select(&s2, &t[2], &m12)),
        );
        let second = lanes_select(&s0, &m01, &lanes_select(&s1, &m12, &m20));
        let third = lanes_select(
            &s0,
            &m20,
            &lanes_select(&s1, &m01, &lanes_select(&s2, &m12, &m01)),
        );
        t = [first, second, third];
    }
    (id.map(|i| i as u64), slack.map(|s| s > 0.0))
}

/// Where the points of a batch come from.
trait Points {
    /// The point for the certified descent: sphgeom's vector for it, or one within
    /// 1e-13 of that (the certificates allow for the difference), or `None` to use
    /// [`Points::exact`].
    fn fast(&self, i: usize) -> Option<Vector3d>;
    /// [`Points::fast`] for the `B` points from `start` (all present), written as a
    /// fixed-length loop without branches so that it vectorizes; returns `false` if
    /// some of them need [`Points::exact`] instead (their lanes are then garbage).
    fn fast_batch<const B: usize>(&self, start: usize, lanes: &mut [Vector3d; B]) -> bool;
    /// The vector sphgeom would build, for the points the descent declines.
    fn exact(&self, i: usize) -> Vector3d;
}

/// Unit vectors, used as they are.
struct Vectors<'a>(&'a [Vector3d]);

impl Points for Vectors<'_> {
    #[inline(always)]
    fn fast(&self, i: usize) -> Option<Vector3d> {
        Some(self.0[i])
    }
    #[inline(always)]
    fn fast_batch<const B: usize>(&self, start: usize, lanes: &mut [Vector3d; B]) -> bool {
        lanes.copy_from_slice(&self.0[start..start + B]);
        true
    }
    #[inline(always)]
    fn exact(&self, i: usize) -> Vector3d {
        self.0[i]
    }
}

/// Validated (lon, lat) in degrees: the fast vector comes from a polynomial `sincos`
/// (error < 1e-15), except for huge longitudes, whose reduction to radians in
/// sphgeom's conversion rounds by more than that.
struct LonLatDeg<'a> {
    lon: &'a [f64],
    lat: &'a [f64],
}

impl Points for LonLatDeg<'_> {
    #[inline(always)]
    fn fast(&self, i: usize) -> Option<Vector3d> {
        let (lon, lat) = (self.lon[i], self.lat[i]);
        (lon.abs() < MAX_FAST_DEG).then(|| fast_vector_deg(lon, lat))
    }
    #[inline(always)]
    fn fast_batch<const B: usize>(&self, start: usize, lanes: &mut [Vector3d; B]) -> bool {
        let (lon, lat) = (&self.lon[start..start + B], &self.lat[start..start + B]);
        let mut all_fast = true;
        for l in 0..B {
            lanes[l] = fast_vector_deg(lon[l], lat[l]);
            all_fast &= lon[l].abs() < MAX_FAST_DEG;
        }
        all_fast
    }
    #[inline(always)]
    fn exact(&self, i: usize) -> Vector3d {
        *UnitVector3d::from_lonlat_deg_unchecked(self.lon[i], self.lat[i]).as_vector()
    }
}

/// Fills `out[i]` with the trixel of point `i`, `B` points at a time (enough
/// independent work to hide the latency of one descent, and whole SIMD vectors).
#[inline(always)]
fn locate_batches<const B: usize, P: Points>(htm: &Htm, out: &mut [u64], points: &P) {
    let mut start = 0;
    for dst in out.chunks_mut(B) {
        let mut lanes = [Vector3d::new(1.0, 0.0, 0.0); B];
        if dst.len() < B || !points.fast_batch(start, &mut lanes) {
            for (l, lane) in lanes.iter_mut().enumerate().take(dst.len()) {
                *lane = points
                    .fast(start + l)
                    .unwrap_or_else(|| exact_point(points, start + l));
            }
        }
        let (ids, certain) = locate_lanes::<B>(htm.level(), &lanes);
        for (l, slot) in dst.iter_mut().enumerate() {
            *slot = if certain[l] {
                ids[l]
            } else {
                locate_exactly(htm, points, start + l)
            };
        }
        start += B;
    }
}

// The rare paths stay out of line: inlined, the compiler may evaluate the library
// `sin`/`cos` of the exact conversion for every lane and blend the results.
#[cold]
#[inline(never)]
fn exact_point<P: Points>(points: &P, i: usize) -> Vector3d {
    points.exact(i)
}

#[cold]
#[inline(never)]
fn locate_exactly<P: Points>(htm: &Htm, points: &P, i: usize) -> u64 {
    htm.index_unchecked(&points.exact(i))
}

/// [`locate_batches`] as a [`LaneKernel`], run at the widest SIMD width.
struct Locate<'a, P> {
    htm: &'a Htm,
    out: &'a mut [u64],
    points: &'a P,
}

impl<P: Points> LaneKernel for Locate<'_, P> {
    #[inline(always)]
    fn run<const B: usize>(&mut self) {
        locate_batches::<B, P>(self.htm, self.out, self.points)
    }

    // 16 points in flight at every width (measured at level 20: on AVX2 1.6x faster
    // than 8, and as fast as 32; on the baseline 1.2x faster than 4).
    #[inline(always)]
    fn run_avx2(&mut self) {
        self.run::<16>()
    }

    #[inline(always)]
    fn run_baseline(&mut self) {
        self.run::<16>()
    }
}

/// The level-`level` trixel of `v` if every decision is certified, else `None`.
#[inline]
pub(super) fn locate_certified(level: u8, v: &Vector3d) -> Option<u64> {
    let (id, certain) = locate_lanes::<1>(level, &[*v]);
    certain[0].then_some(id[0])
}

impl Htm {
    /// The trixel containing `v`, as [`Htm::index_unchecked`] (same ids) but by the
    /// certified fast descent, falling back to the exact one when a point is too close
    /// to an edge to be sure.
    #[inline]
    pub fn locate(&self, v: &Vector3d) -> u64 {
        locate_certified(self.level(), v).unwrap_or_else(|| self.index_unchecked(v))
    }

    /// [`Htm::locate`] for many points (`out.len()` must equal `points.len()`), in
    /// SIMD batches.
    pub fn locate_many(&self, points: &[Vector3d], out: &mut [u64]) {
        let n = out.len().min(points.len());
        let points = Vectors(points);
        run_widest(&mut Locate {
            htm: self,
            out: &mut out[..n],
            points: &points,
        })
    }

    /// The trixels of validated (lon, lat) points in degrees (finite, |lat| <= 90),
    /// equal to sphgeom's for `UnitVector3d(LonLat.fromDegrees(lon, lat))`. The
    /// descent starts from a fast polynomial `sincos` (error < 1e-15); declined points
    /// are redone from sphgeom's own conversion.
    pub fn locate_many_lonlat_deg_unchecked(&self, lon: &[f64], lat: &[f64], out: &mut [u64]) {
        let n = out.len().min(lon.len()).min(lat.len());
        let points = LonLatDeg { lon, lat };
        run_widest(&mut Locate {
            htm: self,
            out: &mut out[..n],
            points: &points,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::geometry::UnitVector3d;

    /// A small deterministic generator (xorshift), so the tests need no crate.
    struct Rng(u64);
    impl Rng {
        fn next_f64(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
        fn unit(&mut self) -> Vector3d {
            let z = 2.0 * self.next_f64() - 1.0;
            let phi = std::f64::consts::TAU * self.next_f64();
            let r = (1.0 - z * z).sqrt();
            Vector3d::new(r * phi.cos(), r * phi.sin(), z)
        }
    }

    #[test]
    fn random_points_match_the_exact_descent_at_every_level() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut uncertain = 0;
        for i in 0..20_000 {
            let v = rng.unit();
            let level = (i % 25) as u8;
            let htm = Htm::new(level as i64).unwrap();
            match locate_certified(level, &v) {
                Some(id) => assert_eq!(id, htm.index_unchecked(&v), "level {level} {v:?}"),
                None => uncertain += 1,
            }
        }
        // Random points essentially never fall within 1e-12 of an edge.
        assert!(uncertain < 40, "{uncertain} uncertain");
    }

    /// Points on and within a few ulp of trixel edges and vertices: the fast path must
    /// either agree or decline; `locate` must always agree.
    #[test]
    fn points_on_edges_are_declined_or_agree() {
        let mut rng = Rng(12345);
        let mut declined = 0;
        for i in 0..3_000 {
            let level = (i % 21) as u8;
            let htm = Htm::new(level as i64).unwrap();
            let id = htm.index_unchecked(&rng.unit());
            let t = Htm::trixel_vertices(id).unwrap();
            // A vertex, an edge midpoint (a vertex of the next level), and points
            // nudged off them by 1e-16..1e-9.
            let (a, b) = (t[i % 3], t[(i + 1) % 3]);
            let w = rng.next_f64();
            let on_edge = a.scale(w).add(&b.scale(1.0 - w));
            let nudge = 10f64.powi(-16 + (i % 8) as i32);
            for p in [a, on_edge, on_edge.add(&rng.unit().scale(nudge))] {
                let u = UnitVector3d::new(p.x, p.y, p.z).unwrap();
                let v = u.as_vector();
                for lv in [level, level + 1, level + 3] {
                    let h = Htm::new(lv as i64).unwrap();
                    let exact = h.index_unchecked(v);
                    match locate_certified(lv, v) {
                        Some(fast) => assert_eq!(fast, exact, "level {lv} {v:?}"),
                        None => declined += 1,
                    }
                    assert_eq!(h.locate(v), exact);
                }
            }
        }
        assert!(declined > 0, "edge points must exercise the exact fallback");
    }

    /// The bound the margin rests on: sphgeom's midpoints (built with its exact
    /// normalisation) and the fast ones never drift apart by more than 5e-14, down to
    /// level 24, on random descents. (The margin is 20 times that.)
    #[test]
    fn vertex_drift() {
        let mut rng = Rng(777);
        let mut worst = 0.0f64;
        for _ in 0..2_000 {
            let v = rng.unit();
            let id = Htm::new(24).unwrap().index_unchecked(&v);
            let mut exact = ROOT_VERTICES[((id >> 48) & 7) as usize];
            let lanes = |t: &[Vector3d; 3]| t.map(|p| [[p.x], [p.y], [p.z]]);
            let mut fast = lanes(&exact);
            for depth in 0..24u8 {
                let child = ((id >> (2 * (23 - depth))) & 3) as usize;
                exact = super::super::children(&exact)[child];
                let how = Normalise::at(depth);
                let m01 = lanes_midpoint(&fast[0], &fast[1], how);
                let m12 = lanes_midpoint(&fast[1], &fast[2], how);
                let m20 = lanes_midpoint(&fast[2], &fast[0], how);
                fast = [
                    [fast[0], m01, m20],
                    [fast[1], m12, m01],
                    [fast[2], m20, m12],
                    [m12, m20, m01],
                ][child];
                for (e, f) in exact.iter().zip(&fast) {
                    let d = (e.x - f[0][0]).abs() + (e.y - f[1][0]).abs() + (e.z - f[2][0]).abs();
                    worst = worst.max(d);
                }
            }
        }
        eprintln!("worst drift {worst:e}");
        assert!(worst < 5e-14, "drift {worst:e}");
    }

    /// [`diameter_bound`] holds for every trixel to level 7 and random deeper ones.
    #[test]
    fn diameters() {
        fn diameter(t: &[Vector3d; 3]) -> f64 {
            let d = |a: &Vector3d, b: &Vector3d| a.sub(b).norm();
            d(&t[0], &t[1]).max(d(&t[1], &t[2])).max(d(&t[2], &t[0]))
        }
        let mut level: Vec<[Vector3d; 3]> = ROOT_VERTICES.to_vec();
        for depth in 0..=7u8 {
            let worst = level.iter().map(diameter).fold(0.0, f64::max);
            assert!(worst < diameter_bound(depth), "level {depth}: {worst}");
            level = level.iter().flat_map(super::super::children).collect();
        }
        let mut rng = Rng(4242);
        for _ in 0..2_000 {
            let v = rng.unit();
            for depth in 8..=24u8 {
                let id = Htm::new(depth as i64).unwrap().index_unchecked(&v);
                let t = Htm::trixel_vertices(id).unwrap();
                assert!(diameter(&t) < diameter_bound(depth));
            }
        }
    }

    /// The batched SIMD path (every width the CPU offers, and the tails) gives the
    /// exact descent's ids.
    #[test]
    fn batches_match_the_exact_descent() {
        let mut rng = Rng(99);
        let points: Vec<Vector3d> = (0..1_003).map(|_| rng.unit()).collect();
        for level in [0, 1, 5, 9, 10, 16, 24] {
            let htm = Htm::new(level).unwrap();
            let exact: Vec<u64> = points.iter().map(|p| htm.index_unchecked(p)).collect();
            let mut out = vec![0; points.len()];
            htm.locate_many(&points, &mut out);
            assert_eq!(out, exact, "level {level}");
            let mut out4 = vec![0; points.len()];
            locate_batches::<4, _>(&htm, &mut out4, &Vectors(&points));
            let mut out8 = vec![0; points.len()];
            locate_batches::<8, _>(&htm, &mut out8, &Vectors(&points));
            assert_eq!(out8, exact, "level {level}");
            let mut out16 = vec![0; points.len()];
            locate_batches::<16, _>(&htm, &mut out16, &Vectors(&points));
            assert_eq!(out16, exact, "level {level}");
            assert_eq!(out4, exact, "level {level}");
        }
    }

    /// From degrees: the fast `sincos` start gives sphgeom's ids, including RA 0/360,
    /// the poles, negative and huge longitudes (which take sphgeom's conversion).
    #[test]
    fn lonlat_batches_match_sphgeoms_conversion() {
        let mut rng = Rng(2024);
        let mut lon: Vec<f64> = (0..2_000).map(|_| 720.0 * rng.next_f64() - 360.0).collect();
        let mut lat: Vec<f64> = (0..2_000)
            .map(|_| (2.0 * rng.next_f64() - 1.0).asin().to_degrees())
            .collect();
        for (a, d) in [
            (0.0, 0.0),
            (360.0, 0.0),
            (-0.0, 45.0),
            (359.999_999_999_999_9, -45.0),
            (12.0, 90.0),
            (250.0, -90.0),
            (1e5 + 0.3, 10.0),
            (-2.5e6, -30.0),
            (90.0, 0.0),
            (180.0, 1e-300),
        ] {
            lon.push(a);
            lat.push(d);
        }
        for level in [0, 3, 8, 14, 20, 24] {
            let htm = Htm::new(level).unwrap();
            let mut out = vec![0; lon.len()];
            htm.locate_many_lonlat_deg_unchecked(&lon, &lat, &mut out);
            for i in 0..lon.len() {
                let v = UnitVector3d::from_lonlat_deg_unchecked(lon[i], lat[i]);
                assert_eq!(
                    out[i],
                    htm.index_unchecked(v.as_vector()),
                    "{} {}",
                    lon[i],
                    lat[i]
                );
            }
        }
    }
}
