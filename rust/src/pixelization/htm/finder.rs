//! Top-down search for the trixels that intersect (envelope) or lie inside (interior)
//! a region, with sphgeom's semantics for `max_ranges`.
//!
//! The traversal visits the 8 roots, asks the region how it relates to each trixel,
//! drops disjoint trixels, keeps trixels within the region whole, and subdivides the
//! rest down to the target level. When the result grows beyond `max_ranges` ranges,
//! the effective level is reduced by one and the ranges are rounded to that level:
//! outward for an envelope (so it stays a superset), inward for an interior (so it
//! stays a subset). This is exactly what `lsst.sphgeom`'s `PixelFinder` does, so the
//! same region gives the same ranges.
//!
//! Each trixel vertex is shared by several trixels (the 3 edge midpoints of a parent
//! are vertices of all 4 children), so a region can compute something per vertex once,
//! when the vertex is made ([`TrixelRelation::vertex`]), and read it in every trixel
//! that has that vertex; for a polygon that is whether the vertex lies inside. A
//! trixel can also pass a hint to its children ([`TrixelRelation::Hint`]): for a
//! polygon, the edges that its children can still cross.

use super::{midpoint, ROOT_VERTICES};
use crate::geometry::Vector3d;
use crate::pixelization::{DISJOINT, WITHIN};
use crate::rangeset::RangeSet;

/// How a region relates to a trixel given by its 3 vertices: the relationship bits
/// of the *trixel* with respect to the region (`DISJOINT`: no common point;
/// `WITHIN`: the trixel is inside the region). Conservative answers (0) are allowed
/// and mean "maybe intersecting".
pub trait TrixelRelation {
    /// What the region remembers about one trixel vertex.
    type Vertex: Copy;
    /// What a trixel tells its children (for a polygon: which edges can still matter).
    type Hint: Copy;
    /// The hint for the 8 root trixels.
    fn root_hint(&self) -> Self::Hint;
    /// Computed once per vertex of the children of a trixel whose children get
    /// `hint`, and passed to every trixel that has the vertex.
    fn vertex(&self, v: &Vector3d, hint: &Self::Hint) -> Self::Vertex;
    /// The relationship bits of trixel `t`, whose vertices carry `s` and whose parent
    /// gave `hint`; and the hint for its children.
    fn relate_trixel(
        &self,
        t: &[Vector3d; 3],
        s: &[Self::Vertex; 3],
        hint: &Self::Hint,
    ) -> (u8, Self::Hint);
}

struct Finder<'a, R: TrixelRelation + ?Sized> {
    region: &'a R,
    interior_only: bool,
    level: i32,
    desired_level: i32,
    max_ranges: usize,
    ranges: RangeSet,
}

impl<R: TrixelRelation + ?Sized> Finder<'_, R> {
    fn visit(
        &mut self,
        t: &[Vector3d; 3],
        s: &[R::Vertex; 3],
        hint: &R::Hint,
        index: u64,
        level: i32,
    ) {
        if level > self.level {
            return;
        }
        let (r, hint) = self.region.relate_trixel(t, s, hint);
        if r & DISJOINT != 0 {
            return;
        }
        if r & WITHIN != 0 {
            self.insert(index, level);
            return;
        }
        if level == self.level {
            if !self.interior_only {
                self.insert(index, level);
            }
            return;
        }
        // The children of `t` (see `super::children`), their vertex data made once.
        let m12 = midpoint(&t[1], &t[2]);
        let m20 = midpoint(&t[2], &t[0]);
        let m01 = midpoint(&t[0], &t[1]);
        let (s12, s20, s01) = (
            self.region.vertex(&m12, &hint),
            self.region.vertex(&m20, &hint),
            self.region.vertex(&m01, &hint),
        );
        let (i, h, l) = (4 * index, &hint, level + 1);
        self.visit(&[t[0], m01, m20], &[s[0], s01, s20], h, i, l);
        self.visit(&[t[1], m12, m01], &[s[1], s12, s01], h, i + 1, l);
        self.visit(&[t[2], m20, m12], &[s[2], s20, s12], h, i + 2, l);
        self.visit(&[m12, m20, m01], &[s12, s20, s01], h, i + 3, l);
    }

    fn insert(&mut self, index: u64, level: i32) {
        let mut shift = 2 * (self.desired_level - level) as u32;
        self.ranges.insert(index << shift, (index + 1) << shift);
        while self.ranges.num_ranges() > self.max_ranges {
            self.level -= 1;
            shift += 2;
            self.ranges = if self.interior_only {
                self.ranges.complement().coarsen_bits(shift).complement()
            } else {
                self.ranges.coarsen_bits(shift)
            };
        }
    }
}

/// The trixels at `level` that intersect the region (`interior_only == false`) or lie
/// inside it (`true`), with at most `max_ranges` ranges (0: no limit).
pub fn find_pixels<R: TrixelRelation + ?Sized>(
    region: &R,
    level: u8,
    max_ranges: usize,
    interior_only: bool,
) -> RangeSet {
    let mut f = Finder {
        region,
        interior_only,
        level: level as i32,
        desired_level: level as i32,
        max_ranges: if max_ranges == 0 {
            usize::MAX
        } else {
            max_ranges
        },
        ranges: RangeSet::new(),
    };
    let hint = region.root_hint();
    for (r, t) in ROOT_VERTICES.iter().enumerate() {
        let s = t.map(|v| region.vertex(&v, &hint));
        f.visit(t, &s, &hint, r as u64 + 8, 0);
    }
    f.ranges
}
