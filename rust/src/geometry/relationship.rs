//! Spatial relationships between regions, as sphgeom's `Relationship` bit set.
//!
//! `a.relate(b)` returns a set of bits, each a *guarantee*:
//! [`DISJOINT`](Relationship::DISJOINT) (1): `a ∩ b = ∅`;
//! [`CONTAINS`](Relationship::CONTAINS) (2): `a ⊇ b`;
//! [`WITHIN`](Relationship::WITHIN) (4): `a ⊆ b`.
//! [`INTERSECTS`](Relationship::INTERSECTS) is the empty set: nothing is guaranteed
//! (the regions may or may not overlap). Relations are conservative: a missing bit
//! never means its negation. `b.relate(a) == a.relate(b).invert()` (CONTAINS and
//! WITHIN swap).

use std::ops::{BitAnd, BitAndAssign, BitOr, BitOrAssign, Not};

/// A set of DISJOINT/CONTAINS/WITHIN bits with sphgeom's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Relationship(u8);

impl Relationship {
    /// No guarantee (the empty bit set).
    pub const INTERSECTS: Relationship = Relationship(0);
    /// The regions have no point in common.
    pub const DISJOINT: Relationship = Relationship(1);
    /// The first region contains the second.
    pub const CONTAINS: Relationship = Relationship(2);
    /// The first region is within the second.
    pub const WITHIN: Relationship = Relationship(4);

    /// From raw bits (only the low three are kept).
    pub const fn from_bits(bits: u8) -> Self {
        Relationship(bits & 7)
    }
    pub const fn bits(self) -> u8 {
        self.0
    }
    /// Whether every bit of `other` is set in `self` (INTERSECTS is always contained).
    pub const fn contains(self, other: Relationship) -> bool {
        self.0 & other.0 == other.0
    }
    pub const fn is_disjoint(self) -> bool {
        self.0 & 1 != 0
    }
    /// The relationship seen from the other region: CONTAINS and WITHIN swap.
    pub const fn invert(self) -> Relationship {
        Relationship((self.0 & 1) | ((self.0 & 2) << 1) | ((self.0 & 4) >> 1))
    }
}

impl BitOr for Relationship {
    type Output = Relationship;
    fn bitor(self, o: Relationship) -> Relationship {
        Relationship(self.0 | o.0)
    }
}
impl BitAnd for Relationship {
    type Output = Relationship;
    fn bitand(self, o: Relationship) -> Relationship {
        Relationship(self.0 & o.0)
    }
}
impl BitOrAssign for Relationship {
    fn bitor_assign(&mut self, o: Relationship) {
        self.0 |= o.0;
    }
}
impl BitAndAssign for Relationship {
    fn bitand_assign(&mut self, o: Relationship) {
        self.0 &= o.0;
    }
}
impl Not for Relationship {
    type Output = Relationship;
    fn not(self) -> Relationship {
        Relationship(!self.0 & 7)
    }
}

/// The relation fixed by emptiness alone, or `None` when neither region is empty:
/// an empty region is disjoint from and within every region, and contains only
/// the empty one.
pub(crate) fn relate_if_empty(self_empty: bool, other_empty: bool) -> Option<Relationship> {
    use Relationship as R;
    match (self_empty, other_empty) {
        (true, true) => Some(R::CONTAINS | R::DISJOINT | R::WITHIN),
        (true, false) => Some(R::DISJOINT | R::WITHIN),
        (false, true) => Some(R::CONTAINS | R::DISJOINT),
        (false, false) => None,
    }
}

/// The relation fixed by fullness alone (for non-empty regions), or `None` when
/// neither region is full.
pub(crate) fn relate_if_full(self_full: bool, other_full: bool) -> Option<Relationship> {
    use Relationship as R;
    match (self_full, other_full) {
        (true, true) => Some(R::CONTAINS | R::WITHIN),
        (true, false) => Some(R::CONTAINS),
        (false, true) => Some(R::WITHIN),
        (false, false) => None,
    }
}

/// sphgeom's `_relationship_to_overlaps`: DISJOINT → false, CONTAINS or WITHIN →
/// true, otherwise unknown.
pub fn relationship_to_overlaps(r: Relationship) -> Option<bool> {
    if r.contains(Relationship::DISJOINT) {
        Some(false)
    } else if (r & (Relationship::CONTAINS | Relationship::WITHIN)).bits() != 0 {
        Some(true)
    } else {
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn invert_swaps() {
        let r = Relationship::CONTAINS | Relationship::DISJOINT;
        assert_eq!(r.invert(), Relationship::WITHIN | Relationship::DISJOINT);
        assert_eq!(Relationship::INTERSECTS.invert(), Relationship::INTERSECTS);
    }
}
