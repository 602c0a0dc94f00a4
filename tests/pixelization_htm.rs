//! HTM properties: hierarchy, trixel geometry, envelope ⊇ interior, brute-force
//! coverage of random points (the sphgeom comparisons are in tests/python/test_htm.py).
#![allow(clippy::unwrap_used)]

use skymaps::geometry::{Circle, ConvexPolygon, Region, UnitVector3d};
use skymaps::pixelization::Htm;

fn pseudo_random(n: usize) -> Vec<(f64, f64)> {
    // a small LCG: deterministic, no extra dependency
    let mut s: u64 = 0x1234_5678_9abc_def0;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| (360.0 * next(), (2.0 * next() - 1.0).asin().to_degrees()))
        .collect()
}

#[test]
fn ids_are_hierarchical_and_centroids_index_home() {
    let deep = Htm::new(18).unwrap();
    for (lon, lat) in pseudo_random(2000) {
        let id = deep.index_lonlat_deg(lon, lat).unwrap();
        for level in [0u8, 5, 11, 17] {
            let coarse = Htm::new(level as i64)
                .unwrap()
                .index_lonlat_deg(lon, lat)
                .unwrap();
            assert_eq!(coarse, id >> (2 * (18 - level as u32)));
        }
        let t = Htm::trixel_vertices(id).unwrap();
        let c = t[0].add(&t[1]).add(&t[2]).normalize().unwrap();
        assert_eq!(deep.index(&c), id);
    }
    assert!(Htm::new(25).is_err());
    assert!(Htm::new(3).unwrap().pixel_vertices(8).is_err());
}

#[test]
fn envelopes_cover_points_inside_and_contain_interiors() {
    let center = UnitVector3d::from_lonlat_deg(359.5, -30.0).unwrap();
    let circle = Region::Circle(Circle::new(center, 3f64.to_radians()).unwrap());
    let pts: Vec<UnitVector3d> = [(358.0, -31.0), (1.5, -29.0), (0.5, -33.0), (357.0, -28.0)]
        .iter()
        .map(|&(a, b)| UnitVector3d::from_lonlat_deg(a, b).unwrap())
        .collect();
    let poly = Region::ConvexPolygon(ConvexPolygon::convex_hull(&pts).unwrap());
    let htm = Htm::new(9).unwrap();
    for region in [&circle, &poly] {
        let env = htm.envelope(region, 0);
        let int = htm.interior(region, 0);
        assert!(env.is_superset(&int) && !int.is_empty());
        for (lon, lat) in pseudo_random(200_000) {
            let v = UnitVector3d::from_lonlat_deg(lon, lat).unwrap();
            let id = htm.index(&v);
            if region.contains(&v) {
                assert!(env.contains(id));
            } else {
                assert!(!int.contains(id));
            }
        }
        // max_ranges coarsens outward for envelopes, inward for interiors
        let env4 = htm.envelope(region, 4);
        let int4 = htm.interior(region, 4);
        assert!(env4.num_ranges() <= 4 && env4.is_superset(&env));
        assert!(int4.num_ranges() <= 4 && int.is_superset(&int4));
    }
    let many = htm.envelope_pixels_many(&[circle.clone(), poly.clone()], 0);
    assert_eq!(
        many[0],
        htm.envelope(&circle, 0).values().collect::<Vec<_>>()
    );
}
