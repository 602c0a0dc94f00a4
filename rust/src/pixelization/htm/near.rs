//! The envelope of a small convex polygon, searched from the deepest trixel that
//! strictly contains it, with every trixel's edge planes computed once.
//!
//! The butler needs the level-7 envelope of each of 1.5 million patches, each far
//! smaller than a level-7 trixel. [`find_pixels`] would walk down from the 8 roots
//! for each; here a search instead:
//!
//! * starts from the deepest trixel that strictly contains the polygon, kept in a
//!   [`ContainerChain`] from one polygon to the next: neighbouring patches (a tract's,
//!   in grid order) mostly lie in the same deep trixels, whose vertices, edge planes
//!   and children stay cached;
//! * decides each trixel below it from the trixel's own 3 edge planes against the
//!   polygon's vertices first (the same planes that tell whether a child still
//!   contains the polygon): a polygon vertex strictly inside the trixel means they
//!   intersect, all polygon vertices strictly beyond one edge plane means they are
//!   disjoint. Only the trixels neither proof decides take the per-vertex relation of
//!   [`PolygonTrixels`] (sphgeom's answer, proved or computed exactly);
//! * writes the trixel ids in ascending order as it finds them (a depth-first walk in
//!   child order meets the ids in order), without building a [`RangeSet`].
//!
//! Why it gives sphgeom's envelope. The trixels of one level tile the sphere exactly
//! (siblings share their edge vertices bit for bit), so a polygon strictly inside
//! trixel `t` meets no other trixel of `t`'s level, and the root search (whose relation
//! is exact: DISJOINT only for no common point) drops every trixel off the chain of
//! containers and searches below the deepest one exactly as here. Both plane proofs
//! are geometric: the trixel is the cone of its vertices and lies on the inner side of
//! its edge planes, and the polygon is the cone of its vertices; beyond [`MARGIN`] the
//! floating-point sign of `n · p` (`n` the cross product of two unit vertices, `p` a
//! unit vertex) is the exact orientation's. They need a proper polygon (unit vertices,
//! strictly convex: a polygon vertex strictly inside a trixel then rules out the
//! trixel being within the polygon), which `PolygonTrixels` checks exactly; any other
//! vertex list takes [`find_pixels`] from the roots.
//!
//! The child planes are computed, not inherited: a child's outer edge lies on its
//! parent's great circle only up to the rounding of the midpoint, and that error
//! grows relative to the plane as the trixels shrink.

use super::finder::{find_pixels, TrixelRelation};
use super::{midpoint, PolygonTrixels, ROOT_VERTICES};
use crate::geometry::{UnitVector3d, Vector3d};
use crate::pixelization::{DISJOINT, WITHIN};
use crate::rangeset::RangeSet;

/// Margin on `n · p` beyond which its floating-point sign is the exact orientation's
/// (about 40 times the worst rounding error for unit vectors, as in `polygon.rs`).
const MARGIN: f64 = 1e-13;

/// A trixel: its vertices (counter-clockwise), the planes of its edges and its id.
#[derive(Debug, Clone, Copy, Default)]
struct Trixel {
    vertices: [Vector3d; 3],
    /// `v2 × v0`, `v0 × v1`, `v1 × v2`: positive on the trixel's side.
    planes: [Vector3d; 3],
    id: u64,
}

impl Trixel {
    fn root(r: usize) -> Trixel {
        let [v0, v1, v2] = ROOT_VERTICES[r];
        Trixel {
            vertices: [v0, v1, v2],
            planes: [v2.cross(&v0), v0.cross(&v1), v1.cross(&v2)],
            id: r as u64 + 8,
        }
    }

    /// The 4 children (see `super::children`): 9 cross products for 12 planes, since
    /// the middle child's edges are its siblings' inner edges reversed (`b × a` is
    /// `-(a × b)` bit for bit).
    fn children(&self) -> [Trixel; 4] {
        let [t0, t1, t2] = self.vertices;
        let m12 = midpoint(&t1, &t2);
        let m20 = midpoint(&t2, &t0);
        let m01 = midpoint(&t0, &t1);
        let inner0 = m01.cross(&m20);
        let inner1 = m12.cross(&m01);
        let inner2 = m20.cross(&m12);
        let id = 4 * self.id;
        [
            Trixel {
                vertices: [t0, m01, m20],
                planes: [m20.cross(&t0), t0.cross(&m01), inner0],
                id,
            },
            Trixel {
                vertices: [t1, m12, m01],
                planes: [m01.cross(&t1), t1.cross(&m12), inner1],
                id: id + 1,
            },
            Trixel {
                vertices: [t2, m20, m12],
                planes: [m12.cross(&t2), t2.cross(&m20), inner2],
                id: id + 2,
            },
            Trixel {
                vertices: [m12, m20, m01],
                planes: [inner1.neg(), inner2.neg(), inner0.neg()],
                id: id + 3,
            },
        ]
    }
}

/// What a trixel's edge planes prove about a polygon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Planes {
    /// Every polygon vertex strictly inside: the polygon lies in the trixel.
    Contain,
    /// Some polygon vertex strictly inside: they intersect (the trixel is not within
    /// the polygon either, as that vertex would then be interior to the polygon).
    Intersect,
    /// Every polygon vertex strictly beyond one edge plane: no common point.
    Disjoint,
    /// Neither.
    Unknown,
}

/// The polygon's vertices for [`relate_planes`]: up to 4 as 4 lanes per coordinate
/// (a patch box; a triangle repeats its first vertex, which changes no answer), so
/// that the 12 dot products of a trixel vectorize; larger polygons as they are.
enum Points<'a> {
    Lanes([[f64; 4]; 3]),
    Slice(&'a [UnitVector3d]),
}

impl<'a> Points<'a> {
    fn new(vertices: &'a [UnitVector3d]) -> Self {
        if !(1..=4).contains(&vertices.len()) {
            return Points::Slice(vertices);
        }
        let lane = |k: usize| vertices[if k < vertices.len() { k } else { 0 }].as_vector();
        let v = [lane(0), lane(1), lane(2), lane(3)];
        Points::Lanes([v.map(|p| p.x), v.map(|p| p.y), v.map(|p| p.z)])
    }
}

fn relate_planes(t: &Trixel, points: &Points) -> Planes {
    let (all_in, any_in, beyond) = match points {
        Points::Lanes([xs, ys, zs]) => {
            // Per lane the least of its 3 plane distances (inside: above the margin),
            // per plane the greatest over the lanes (all beyond: below minus the
            // margin). Comparisons, not f64::min/max: one instruction each (the
            // values are finite).
            let lo = |a: f64, b: f64| if a < b { a } else { b };
            let hi = |a: f64, b: f64| if a > b { a } else { b };
            let dist = |n: &Vector3d| -> [f64; 4] {
                std::array::from_fn(|i| n.x * xs[i] + n.y * ys[i] + n.z * zs[i])
            };
            let [d0, d1, d2] = [dist(&t.planes[0]), dist(&t.planes[1]), dist(&t.planes[2])];
            let least: [f64; 4] = std::array::from_fn(|i| lo(lo(d0[i], d1[i]), d2[i]));
            let greatest = |d: [f64; 4]| hi(hi(d[0], d[1]), hi(d[2], d[3]));
            let least_in = lo(lo(least[0], least[1]), lo(least[2], least[3]));
            let most_in = hi(hi(least[0], least[1]), hi(least[2], least[3]));
            let beyond = lo(lo(greatest(d0), greatest(d1)), greatest(d2));
            (least_in > MARGIN, most_in > MARGIN, beyond < -MARGIN)
        }
        Points::Slice(points) => {
            let [n0, n1, n2] = &t.planes;
            let (mut all_in, mut any_in) = (true, false);
            let mut beyond = [true; 3];
            for p in *points {
                let p = p.as_vector();
                let d = [n0.dot(p), n1.dot(p), n2.dot(p)];
                let inside = d[0] > MARGIN && d[1] > MARGIN && d[2] > MARGIN;
                all_in &= inside;
                any_in |= inside;
                for (b, x) in beyond.iter_mut().zip(d) {
                    *b &= x < -MARGIN;
                }
            }
            (all_in, any_in, beyond[0] || beyond[1] || beyond[2])
        }
    };
    if all_in {
        Planes::Contain
    } else if any_in {
        Planes::Intersect
    } else if beyond {
        Planes::Disjoint
    } else {
        Planes::Unknown
    }
}

/// The trixels, root first, that strictly contained the last polygon searched with
/// it, and the children of the trixels subdivided lately: the next polygon (a
/// neighbour) starts from the deepest container that still contains it, and mostly
/// subdivides the same trixels again.
#[derive(Debug, Clone, Default)]
pub struct ContainerChain {
    trixels: Vec<Trixel>,
    memo: ChildrenMemo,
}

/// The children of recently subdivided trixels, in [`MEMO_SLOTS`] slots chosen by id
/// (a newer trixel replaces an older one in its slot). Id 0 (no trixel) marks an
/// empty slot.
#[derive(Debug, Clone, Default)]
struct ChildrenMemo {
    slots: Vec<(u64, [Trixel; 4])>,
}

/// Slots of [`ChildrenMemo`]: the trixels one polygon search subdivides (a few per
/// level below its container) and those of its neighbours, in 40 KB.
const MEMO_SLOTS: usize = 64;

impl ChildrenMemo {
    fn children(&mut self, t: &Trixel) -> &[Trixel; 4] {
        if self.slots.is_empty() {
            self.slots = vec![(0, [Trixel::default(); 4]); MEMO_SLOTS];
        }
        let slot = &mut self.slots[(t.id ^ (t.id >> 6)) as usize % MEMO_SLOTS];
        if slot.0 != t.id {
            *slot = (t.id, t.children());
        }
        &slot.1
    }
}

/// The search below the containers: the polygon, the target level and where the
/// trixel ranges go.
struct Search<'r, 'v, F> {
    relation: &'r PolygonTrixels<'v>,
    points: Points<'v>,
    level: u8,
    memo: &'r mut ChildrenMemo,
    emit: F,
}

impl<F: FnMut(u64, u64)> Search<'_, '_, F> {
    /// Trixel `t` at `depth`, whose planes said `planes`: emitted whole, dropped or
    /// searched below.
    fn visit(&mut self, t: &Trixel, planes: Planes, depth: u8) {
        let bits = match planes {
            Planes::Disjoint => return,
            Planes::Contain | Planes::Intersect => 0,
            Planes::Unknown => {
                // sphgeom's relation from the vertex flags (proved or exact).
                let hint = self.relation.root_hint();
                let inside = t.vertices.map(|v| self.relation.vertex(&v, &hint));
                self.relation.relate_trixel(&t.vertices, &inside, &hint).0
            }
        };
        if bits & DISJOINT != 0 {
            return;
        }
        let shift = 2 * u32::from(self.level - depth);
        if bits & WITHIN != 0 || depth == self.level {
            (self.emit)(t.id << shift, (t.id + 1) << shift);
            return;
        }
        self.visit_children(t, depth + 1);
    }

    /// The children of `t` (at `depth`), in id order.
    fn visit_children(&mut self, t: &Trixel, depth: u8) {
        let children = self.memo.children(t);
        let planes = children.each_ref().map(|c| relate_planes(c, &self.points));
        self.visit_related_children(t, planes, depth);
    }

    /// The children of `t` (at `depth`), whose planes said `planes`, in id order. Only
    /// those searched further are copied out of the memo.
    fn visit_related_children(&mut self, t: &Trixel, planes: [Planes; 4], depth: u8) {
        for (k, p) in planes.into_iter().enumerate() {
            match p {
                Planes::Disjoint => {}
                Planes::Contain | Planes::Intersect if depth == self.level => {
                    let id = 4 * t.id + k as u64;
                    (self.emit)(id, id + 1);
                }
                _ => {
                    // (A deeper search may have taken `t`'s memo slot: then made again.)
                    let child = self.memo.children(t)[k];
                    self.visit(&child, p, depth);
                }
            }
        }
    }
}

/// Calls `emit(begin, end)` for the trixel ranges, ascending and disjoint, of the
/// level-`level` envelope (no range limit) of the polygon of `relation`: the trixels
/// of `find_pixels(relation, level, 0, false)` (see the module docs), searched from
/// the deepest trixel of `chain` that still strictly contains the polygon, and
/// leaving in `chain` the containers of this polygon.
pub(crate) fn envelope_near(
    relation: &PolygonTrixels<'_>,
    level: u8,
    chain: &mut ContainerChain,
    mut emit: impl FnMut(u64, u64),
) {
    if !relation.is_fast() {
        for &(begin, end) in find_pixels(relation, level, 0, false).ranges() {
            emit(begin, end);
        }
        return;
    }
    let chain_trixels = &mut chain.trixels;
    let mut search = Search {
        relation,
        points: Points::new(relation.vertices()),
        level,
        memo: &mut chain.memo,
        emit,
    };
    let points = &search.points;
    while chain_trixels
        .last()
        .is_some_and(|t| relate_planes(t, points) != Planes::Contain)
    {
        chain_trixels.pop();
    }
    if chain_trixels.is_empty() {
        let roots: [Trixel; 8] = std::array::from_fn(Trixel::root);
        let planes = roots.map(|t| relate_planes(&t, points));
        match planes.iter().position(|&p| p == Planes::Contain) {
            Some(r) => chain_trixels.push(roots[r]),
            None => {
                // On a root edge: every root is searched, in id order.
                for (t, p) in roots.iter().zip(planes) {
                    search.visit(t, p, 0);
                }
                return;
            }
        }
    }
    loop {
        let depth = chain_trixels.len() - 1;
        let Some(deepest) = chain_trixels.last() else {
            return;
        };
        if depth >= usize::from(level) {
            // The polygon lies in one trixel of the target level (or finer).
            let shift = 2 * (depth - usize::from(level)) as u32;
            let id = deepest.id >> shift;
            (search.emit)(id, id + 1);
            return;
        }
        let children = search.memo.children(deepest);
        let planes = children
            .each_ref()
            .map(|c| relate_planes(c, &search.points));
        if let Some(k) = planes.iter().position(|&p| p == Planes::Contain) {
            chain_trixels.push(children[k]);
            continue;
        }
        search.visit_related_children(deepest, planes, depth as u8 + 1);
        return;
    }
}

/// [`envelope_near`] as a [`RangeSet`].
pub(crate) fn envelope_near_ranges(
    relation: &PolygonTrixels<'_>,
    level: u8,
    chain: &mut ContainerChain,
) -> RangeSet {
    let mut ranges = RangeSet::new();
    envelope_near(relation, level, chain, |begin, end| {
        ranges.insert(begin, end);
    });
    ranges
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::geometry::ConvexPolygon;
    use proptest::prelude::*;

    fn polygon(points: &[(f64, f64)]) -> Option<ConvexPolygon> {
        let v: Vec<UnitVector3d> = points
            .iter()
            .map(|&(lon, lat)| UnitVector3d::from_lonlat_deg(lon, lat).unwrap())
            .collect();
        ConvexPolygon::convex_hull(&v).ok()
    }

    /// The search with a chain carried over gives the root search's trixels, in
    /// ascending order, for every polygon of a run.
    fn check_run(polygons: &[ConvexPolygon], level: u8) {
        let mut chain = ContainerChain::default();
        for p in polygons {
            let relation = PolygonTrixels::new(p.vertices());
            let want = find_pixels(&relation, level, 0, false);
            let mut got: Vec<(u64, u64)> = Vec::new();
            envelope_near(&relation, level, &mut chain, |b, e| got.push((b, e)));
            assert!(got.windows(2).all(|w| w[0].1 <= w[1].0), "{got:?}");
            let mut ranges = RangeSet::new();
            for &(b, e) in &got {
                ranges.insert(b, e);
            }
            assert_eq!(ranges, want, "level {level}, {:?}", p.vertices());
        }
    }

    /// A row of `n` square-ish polygons of `size` degrees from (lon, lat) eastwards,
    /// overlapping by a tenth (as patches do).
    fn row(lon: f64, lat: f64, size: f64, n: usize) -> Vec<ConvexPolygon> {
        let scale = lat.to_radians().cos().max(1e-3);
        (0..n)
            .filter_map(|k| {
                let a = lon + 0.9 * size * k as f64 / scale;
                let b = a + size / scale;
                let (c, d) = ((lat - size / 2.0).max(-90.0), (lat + size / 2.0).min(90.0));
                polygon(&[(a, c), (b, c), (b, d), (a, d)])
            })
            .collect()
    }

    #[test]
    fn the_children_planes_are_the_cross_products_of_their_vertices() {
        let mut trixels: Vec<Trixel> = (0..8).map(Trixel::root).collect();
        for _ in 0..5 {
            trixels = trixels.iter().flat_map(Trixel::children).collect();
        }
        for t in &trixels {
            let [v0, v1, v2] = t.vertices;
            let want = [v2.cross(&v0), v0.cross(&v1), v1.cross(&v2)];
            for (got, want) in t.planes.iter().zip(want) {
                assert_eq!([got.x, got.y, got.z], [want.x, want.y, want.z]);
            }
            assert_eq!(
                t.vertices,
                crate::pixelization::Htm::trixel_vertices(t.id).unwrap()
            );
        }
    }

    #[test]
    fn rows_across_root_edges_poles_and_ra_zero() {
        for (lon, lat) in [
            (359.5, 0.0),
            (89.7, 10.0),
            (10.0, -0.05),
            (0.0, 89.9),
            (45.0, -89.95),
            (179.8, 45.0),
        ] {
            for size in [1e-6, 0.2, 3.0] {
                let polygons = row(lon, lat, size, 12);
                for level in [0, 3, 7, 12] {
                    check_run(&polygons, level);
                }
            }
        }
    }

    #[test]
    fn polygons_larger_than_trixels_and_trixels_as_polygons() {
        // Whole trixels within the polygon (WITHIN) and polygons that are trixels.
        let big = polygon(&[(10.0, 10.0), (50.0, 10.0), (50.0, 50.0), (10.0, 50.0)]).unwrap();
        let cap = polygon(&[(0.0, 60.0), (120.0, 60.0), (240.0, 60.0)]).unwrap();
        let trixels: Vec<ConvexPolygon> = ["N0", "S3", "N012", "S2301", "N3210012"]
            .iter()
            .map(|name| {
                let id = crate::pixelization::Htm::from_string(name).unwrap();
                let t = crate::pixelization::Htm::trixel_vertices(id).unwrap();
                let v = t.map(|p| UnitVector3d::from_normalized(p.x, p.y, p.z));
                ConvexPolygon::from_vertices(v.to_vec()).unwrap()
            })
            .collect();
        for level in [0, 2, 5, 9] {
            check_run(&[big.clone(), cap.clone()], level);
            check_run(&trixels, level);
        }
    }

    #[test]
    fn improper_vertex_lists_take_the_root_search() {
        let ll = |lon: f64, lat: f64| UnitVector3d::from_lonlat_deg(lon, lat).unwrap();
        let clockwise = ConvexPolygon::from_vertices_unchecked(vec![
            ll(10.0, 10.0),
            ll(10.0, 10.2),
            ll(10.2, 10.0),
        ]);
        assert!(!PolygonTrixels::new(clockwise.vertices()).is_fast());
        check_run(&[clockwise], 7);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn random_polygons_of_3_to_10_vertices_match_the_root_search(
            lon in 0.0f64..360.0,
            lat in -90.0f64..=90.0,
            log_size in -5.0f64..1.5,
            angles in proptest::collection::vec(0.0f64..360.0, 3..10),
            level in 0u8..12,
        ) {
            // Hulls of points around (lon, lat): lanes (up to 4) and longer lists.
            let size = 10f64.powf(log_size);
            let pts = crate::pixelization::htm::points_around(lon, lat, size, &angles);
            if let Some(p) = polygon(&pts) {
                check_run(&[p.clone(), p], level);
            }
        }

        #[test]
        fn random_rows_match_the_root_search(
            lon in 0.0f64..360.0,
            lat in -90.0f64..=90.0,
            log_size in -6.0f64..1.0,
            n in 1usize..8,
            level in 0u8..14,
        ) {
            check_run(&row(lon, lat, 10f64.powf(log_size), n), level);
        }
    }
}
