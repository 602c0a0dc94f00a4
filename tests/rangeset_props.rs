//! RangeSet against `BTreeSet<u64>` (brute force), with proptest.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use skymaps::rangeset::RangeSet;
use std::collections::BTreeSet;

fn to_set(r: &RangeSet) -> BTreeSet<u64> {
    r.values().collect()
}

proptest! {
    #[test]
    fn algebra_matches_btreeset(a in proptest::collection::vec(0u64..300, 0..80),
                                b in proptest::collection::vec(0u64..300, 0..80)) {
        let (sa, sb): (BTreeSet<u64>, BTreeSet<u64>) = (a.iter().copied().collect(), b.iter().copied().collect());
        let (ra, rb) = (RangeSet::from_values(&a), RangeSet::from_values(&b));
        prop_assert_eq!(to_set(&ra.union(&rb)), &sa | &sb);
        prop_assert_eq!(to_set(&ra.intersection(&rb)), &sa & &sb);
        prop_assert_eq!(to_set(&ra.difference(&rb)), &sa - &sb);
        prop_assert_eq!(to_set(&ra.symmetric_difference(&rb)), &sa ^ &sb);
        prop_assert_eq!(ra.cardinality(), sa.len() as u128);
        prop_assert_eq!(ra.complement().complement(), ra.clone());
        prop_assert!(ra.union(&ra.complement()).is_full());
        for x in 0..310u64 {
            prop_assert_eq!(ra.contains(x), sa.contains(&x));
        }
    }

    #[test]
    fn simplify_and_coarsen_are_supersets(a in proptest::collection::vec(0u64..10_000, 0..100),
                                          n in 1usize..10, bits in 0u32..12) {
        let r = RangeSet::from_values(&a);
        let s = r.simplify(n);
        prop_assert!(s.num_ranges() <= n);
        prop_assert!(s.is_superset(&r));
        let c = r.coarsen_bits(bits);
        prop_assert!(c.is_superset(&r));
        for &(b, e) in c.ranges() {
            prop_assert_eq!(b % (1u64 << bits), 0);
            prop_assert_eq!(e % (1u64 << bits), 0);
        }
    }

    #[test]
    fn insert_in_any_order(a in proptest::collection::vec((0u64..500, 1u64..20), 0..40)) {
        let mut r = RangeSet::new();
        let mut s = BTreeSet::new();
        for &(b, len) in &a {
            r.insert(b, b + len);
            s.extend(b..b + len);
        }
        prop_assert_eq!(to_set(&r), s);
    }
}

#[test]
fn full_range_edges() {
    let top = RangeSet::from_values(&[u64::MAX]);
    assert_eq!(top.ranges(), &[(u64::MAX, 0)]);
    assert_eq!(top.complement().cardinality(), (1u128 << 64) - 1);
    assert!(RangeSet::from_ranges(&[(5, 3)]).is_err());
    assert!(RangeSet::full().scaled(2).is_err());
    assert_eq!(
        RangeSet::from_range(1, 3).scaled(4).unwrap().ranges(),
        &[(4, 12)]
    );
}
