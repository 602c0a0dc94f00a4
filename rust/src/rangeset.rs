//! Sorted, disjoint half-open `u64` ranges: the currency of pixelizations.
//!
//! A [`RangeSet`] is a set of integers in `[0, 2^64)` stored as sorted, disjoint,
//! non-adjacent half-open ranges `[begin, end)`. As in `lsst.sphgeom.RangeSet`, an
//! `end` of `0` stands for `2^64`, so that the full set `[0, 2^64)` (and hence the
//! complement of any set) can be represented with `u64` bounds.
//!
//! Pixelizations return pixel sets as range sets because the pixels covering a region
//! come in long runs of consecutive indices (both HTM and nested HEALPix are
//! hierarchical: a pixel's descendants at a finer level form one range).
//!
//! # Examples
//! ```
//! use skymaps::rangeset::RangeSet;
//! let a = RangeSet::from_ranges(&[(0, 10), (20, 30)]).unwrap();
//! let b = RangeSet::from_ranges(&[(5, 25)]).unwrap();
//! assert_eq!(a.intersection(&b).ranges(), &[(5, 10), (20, 25)]);
//! assert_eq!(a.cardinality(), 20);
//! ```

use crate::{Error, Result};

/// Upper bound of a range as a `u128`, with `end == 0` meaning `2^64`.
#[inline]
fn end128(end: u64) -> u128 {
    if end == 0 {
        1u128 << 64
    } else {
        end as u128
    }
}

/// The inverse of [`end128`].
#[inline]
fn end64(end: u128) -> u64 {
    end as u64 // 2^64 wraps to 0 by design
}

/// A set of `u64` values stored as sorted, disjoint, non-adjacent half-open ranges.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RangeSet {
    ranges: Vec<(u64, u64)>,
}

impl RangeSet {
    /// The empty set.
    pub fn new() -> Self {
        RangeSet { ranges: Vec::new() }
    }

    /// All of `[0, 2^64)`.
    pub fn full() -> Self {
        RangeSet {
            ranges: vec![(0, 0)],
        }
    }

    /// The single range `[begin, end)` (`end == 0` means `2^64`); empty if `begin >= end`.
    pub fn from_range(begin: u64, end: u64) -> Self {
        if (begin as u128) < end128(end) {
            RangeSet {
                ranges: vec![(begin, end)],
            }
        } else {
            RangeSet::new()
        }
    }

    /// A set from arbitrary (unsorted, overlapping) ranges `[begin, end)`; `end == 0`
    /// means `2^64`.
    ///
    /// # Errors
    /// [`Error::InvalidCoordinate`] if a range has `begin > end` (with `end != 0`).
    pub fn from_ranges(ranges: &[(u64, u64)]) -> Result<Self> {
        let mut v: Vec<(u128, u128)> = Vec::with_capacity(ranges.len());
        for &(b, e) in ranges {
            let e = end128(e);
            if (b as u128) > e {
                return Err(Error::coordinate(format!(
                    "range [{b}, {e}) has begin > end; expected begin <= end (end 0 means 2^64)"
                )));
            }
            if (b as u128) < e {
                v.push((b as u128, e));
            }
        }
        Ok(Self::from_sorted_u128(normalize(v)))
    }

    /// A set from individual values (any order, duplicates allowed).
    pub fn from_values(values: &[u64]) -> Self {
        let mut v = values.to_vec();
        v.sort_unstable();
        let mut out: Vec<(u64, u64)> = Vec::new();
        for x in v {
            match out.last_mut() {
                Some(last) if end128(last.1) == x as u128 => last.1 = x.wrapping_add(1),
                Some(last) if end128(last.1) > x as u128 => {}
                _ => out.push((x, x.wrapping_add(1))),
            }
        }
        RangeSet { ranges: out }
    }

    /// Builds from non-empty ranges that are already sorted and disjoint (as produced
    /// by a pixel-finder traversal); ranges that touch are merged.
    pub(crate) fn from_sorted_u128(v: Vec<(u128, u128)>) -> Self {
        let mut merged: Vec<(u128, u128)> = Vec::with_capacity(v.len());
        for (b, e) in v {
            match merged.last_mut() {
                Some(last) if b <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((b, e)),
            }
        }
        RangeSet {
            ranges: merged
                .into_iter()
                .map(|(b, e)| (b as u64, end64(e)))
                .collect(),
        }
    }

    fn as_u128(&self) -> impl Iterator<Item = (u128, u128)> + '_ {
        self.ranges.iter().map(|&(b, e)| (b as u128, end128(e)))
    }

    /// The ranges, sorted; `end == 0` means `2^64`.
    pub fn ranges(&self) -> &[(u64, u64)] {
        &self.ranges
    }

    /// Number of ranges.
    pub fn num_ranges(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.ranges == [(0, 0)]
    }

    /// Number of values in the set (`2^64` for the full set, hence `u128`).
    pub fn cardinality(&self) -> u128 {
        self.as_u128().map(|(b, e)| e - b).sum()
    }

    /// Whether `x` is in the set (binary search).
    pub fn contains(&self, x: u64) -> bool {
        let i = self.ranges.partition_point(|&(b, _)| b <= x);
        i > 0 && (x as u128) < end128(self.ranges[i - 1].1)
    }

    /// Whether every value of `other` is in `self`.
    pub fn is_superset(&self, other: &RangeSet) -> bool {
        other.difference(self).is_empty()
    }

    /// Iterates over the values (beware: may be huge).
    pub fn values(&self) -> impl Iterator<Item = u64> + '_ {
        self.as_u128().flat_map(|(b, e)| (b..e).map(|x| x as u64))
    }

    /// Appends `[begin, end)`; fast when ranges arrive in increasing order.
    pub fn insert(&mut self, begin: u64, end: u64) {
        let (b, e) = (begin as u128, end128(end));
        if b >= e {
            return;
        }
        if let Some(last) = self.ranges.last_mut() {
            let (lb, le) = (last.0 as u128, end128(last.1));
            if b >= lb {
                if b <= le {
                    if e > le {
                        last.1 = end64(e);
                    }
                    return;
                }
                self.ranges.push((begin, end));
                return;
            }
        } else {
            self.ranges.push((begin, end));
            return;
        }
        *self = self.union(&RangeSet::from_range(begin, end));
    }

    fn combine(&self, other: &RangeSet, keep: impl Fn(bool, bool) -> bool) -> RangeSet {
        // Sweep over the sorted boundaries of both sets.
        let mut bounds: Vec<u128> =
            Vec::with_capacity(2 * (self.ranges.len() + other.ranges.len()));
        for (b, e) in self.as_u128().chain(other.as_u128()) {
            bounds.push(b);
            bounds.push(e);
        }
        bounds.sort_unstable();
        bounds.dedup();
        let mut out: Vec<(u128, u128)> = Vec::new();
        let (mut ia, mut ib) = (0usize, 0usize);
        let a: Vec<(u128, u128)> = self.as_u128().collect();
        let b: Vec<(u128, u128)> = other.as_u128().collect();
        for w in bounds.windows(2) {
            let (lo, hi) = (w[0], w[1]);
            while ia < a.len() && a[ia].1 <= lo {
                ia += 1;
            }
            while ib < b.len() && b[ib].1 <= lo {
                ib += 1;
            }
            let in_a = ia < a.len() && a[ia].0 <= lo;
            let in_b = ib < b.len() && b[ib].0 <= lo;
            if keep(in_a, in_b) {
                match out.last_mut() {
                    Some(last) if last.1 == lo => last.1 = hi,
                    _ => out.push((lo, hi)),
                }
            }
        }
        Self::from_sorted_u128(out)
    }

    /// `self ∪ other`.
    pub fn union(&self, other: &RangeSet) -> RangeSet {
        self.combine(other, |a, b| a || b)
    }

    /// `self ∩ other`.
    pub fn intersection(&self, other: &RangeSet) -> RangeSet {
        self.combine(other, |a, b| a && b)
    }

    /// `self \ other`.
    pub fn difference(&self, other: &RangeSet) -> RangeSet {
        self.combine(other, |a, b| a && !b)
    }

    /// `(self \ other) ∪ (other \ self)`.
    pub fn symmetric_difference(&self, other: &RangeSet) -> RangeSet {
        self.combine(other, |a, b| a != b)
    }

    /// The complement over `[0, 2^64)`.
    pub fn complement(&self) -> RangeSet {
        let mut out: Vec<(u128, u128)> = Vec::with_capacity(self.ranges.len() + 1);
        let mut prev = 0u128;
        for (b, e) in self.as_u128() {
            if b > prev {
                out.push((prev, b));
            }
            prev = e;
        }
        if prev < (1u128 << 64) {
            out.push((prev, 1u128 << 64));
        }
        Self::from_sorted_u128(out)
    }

    /// A superset with at most `max_ranges` ranges, obtained by filling the smallest
    /// gaps between consecutive ranges (`max_ranges == 0` means no limit).
    pub fn simplify(&self, max_ranges: usize) -> RangeSet {
        if max_ranges == 0 || self.ranges.len() <= max_ranges {
            return self.clone();
        }
        let r: Vec<(u128, u128)> = self.as_u128().collect();
        // Keep the (len - max_ranges) smallest gaps filled; ties broken by position.
        let mut gaps: Vec<(u128, usize)> = (1..r.len()).map(|i| (r[i].0 - r[i - 1].1, i)).collect();
        let n_fill = r.len() - max_ranges;
        gaps.select_nth_unstable(n_fill - 1);
        let mut fill = vec![false; r.len()];
        for &(_, i) in &gaps[..n_fill] {
            fill[i] = true;
        }
        let mut out: Vec<(u128, u128)> = Vec::with_capacity(max_ranges);
        for (i, &(b, e)) in r.iter().enumerate() {
            if fill[i] {
                if let Some(last) = out.last_mut() {
                    last.1 = e;
                    continue;
                }
            }
            out.push((b, e));
        }
        Self::from_sorted_u128(out)
    }

    /// sphgeom's `simplify(n)`: expands every range outward to multiples of `2^n`.
    pub fn coarsen_bits(&self, n: u32) -> RangeSet {
        if n == 0 || self.is_empty() {
            return self.clone();
        }
        if n >= 64 {
            return RangeSet::full();
        }
        let m = (1u128 << n) - 1;
        let mut out: Vec<(u128, u128)> = Vec::with_capacity(self.ranges.len());
        for (b, e) in self.as_u128() {
            let (b, e) = (b & !m, (e + m) & !m);
            match out.last_mut() {
                Some(last) if last.1 >= b => last.1 = last.1.max(e),
                _ => out.push((b, e)),
            }
        }
        Self::from_sorted_u128(out)
    }

    /// Multiplies every bound by `factor` (e.g. `4^k` to go `k` levels finer in a
    /// quad-tree pixelization).
    ///
    /// # Errors
    /// [`Error::InvalidCoordinate`] if a bound overflows `u64`.
    pub fn scaled(&self, factor: u64) -> Result<RangeSet> {
        let mut out = Vec::with_capacity(self.ranges.len());
        for (b, e) in self.as_u128() {
            let (b2, e2) = (b * factor as u128, e * factor as u128);
            if e2 > (1u128 << 64) {
                return Err(Error::coordinate(format!(
                    "scaling range [{b}, {e}) by {factor} overflows 2^64"
                )));
            }
            out.push((b2, e2));
        }
        Ok(Self::from_sorted_u128(normalize(out)))
    }
}

/// Sorts and merges overlapping or adjacent ranges.
fn normalize(mut v: Vec<(u128, u128)>) -> Vec<(u128, u128)> {
    v.sort_unstable();
    let mut out: Vec<(u128, u128)> = Vec::with_capacity(v.len());
    for (b, e) in v {
        match out.last_mut() {
            Some(last) if last.1 >= b => last.1 = last.1.max(e),
            _ => out.push((b, e)),
        }
    }
    out
}

impl std::ops::BitOr for &RangeSet {
    type Output = RangeSet;
    fn bitor(self, o: &RangeSet) -> RangeSet {
        self.union(o)
    }
}

impl std::ops::BitAnd for &RangeSet {
    type Output = RangeSet;
    fn bitand(self, o: &RangeSet) -> RangeSet {
        self.intersection(o)
    }
}

impl std::ops::Sub for &RangeSet {
    type Output = RangeSet;
    fn sub(self, o: &RangeSet) -> RangeSet {
        self.difference(o)
    }
}

impl std::ops::Not for &RangeSet {
    type Output = RangeSet;
    fn not(self) -> RangeSet {
        self.complement()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn values_roundtrip() {
        let s = RangeSet::from_values(&[5, 3, 4, 10, 11, u64::MAX]);
        assert_eq!(s.ranges(), &[(3, 6), (10, 12), (u64::MAX, 0)]);
        assert_eq!(s.cardinality(), 6);
        assert!(s.contains(u64::MAX) && s.contains(4) && !s.contains(6));
    }

    #[test]
    fn complement_of_full() {
        assert!(RangeSet::full().complement().is_empty());
        assert!(RangeSet::new().complement().is_full());
        assert_eq!(RangeSet::full().cardinality(), 1u128 << 64);
    }

    #[test]
    fn simplify_fills_small_gaps() {
        let s = RangeSet::from_ranges(&[(0, 1), (2, 3), (10, 11), (100, 101)]).unwrap();
        assert_eq!(s.simplify(2).ranges(), &[(0, 11), (100, 101)]);
        assert_eq!(s.simplify(1).ranges(), &[(0, 101)]);
    }

    #[test]
    fn coarsen_like_sphgeom() {
        let s = RangeSet::from_ranges(&[(5, 6), (9, 10)]).unwrap();
        assert_eq!(s.coarsen_bits(2).ranges(), &[(4, 12)]);
    }
}
