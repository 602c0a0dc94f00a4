//! Integration tests of the public geometry API (pure Rust, no Python).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use skymaps::geometry::{
    orientation, orientation_exact, Circle, ConvexPolygon, LonLatBox, Region, Relationship,
    UnitVector3d, Vector3d,
};

fn ll(lon: f64, lat: f64) -> UnitVector3d {
    UnitVector3d::from_lonlat_deg(lon, lat).unwrap()
}

fn square() -> Vec<UnitVector3d> {
    vec![
        ll(10.0, 20.0),
        ll(11.0, 20.0),
        ll(11.0, 21.0),
        ll(10.0, 21.0),
    ]
}

#[test]
fn orientation_on_exactly_coplanar_and_one_ulp_off() {
    let a = UnitVector3d::from_normalized(1.0, 0.0, 0.0);
    let b = UnitVector3d::from_normalized(0.0, 1.0, 0.0);
    let s = std::f64::consts::FRAC_1_SQRT_2;
    for z in [
        0.0,
        f64::from_bits(1),
        -f64::from_bits(1),
        1e-300,
        -1e-300,
        1e-17,
    ] {
        let c = UnitVector3d::from_normalized(s, s, z);
        let expected = if z > 0.0 {
            1
        } else if z < 0.0 {
            -1
        } else {
            0
        };
        assert_eq!(orientation(&a, &b, &c), expected, "z = {z:e}");
        // Cyclic permutations keep the sign, swaps flip it.
        assert_eq!(orientation(&b, &c, &a), expected);
        assert_eq!(orientation(&b, &a, &c), -expected);
    }
}

#[test]
fn orientation_nearly_equal_vectors() {
    // Three points within a few ulps of each other: the filter cannot decide.
    let base = Vector3d::new(0.6, 0.8, 0.0);
    let ulp = f64::EPSILON;
    let a = UnitVector3d::from_normalized(base.x, base.y, base.z);
    let b = UnitVector3d::from_normalized(base.x + ulp, base.y, base.z + ulp);
    let c = UnitVector3d::from_normalized(base.x + 2.0 * ulp, base.y, base.z + 2.0 * ulp);
    // c - a = 2 (b - a) exactly, so the three rows are linearly dependent.
    assert_eq!(orientation(&a, &b, &c), 0);
    let d = UnitVector3d::from_normalized(base.x + 2.0 * ulp, base.y, base.z + 3.0 * ulp);
    let s = orientation(&a, &b, &d);
    assert_ne!(s, 0);
    assert_eq!(
        s,
        orientation_exact(a.as_vector(), b.as_vector(), d.as_vector())
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The filtered predicate always agrees with exact arithmetic, also for points
    /// made nearly coplanar on purpose.
    #[test]
    fn filter_agrees_with_exact(lon in 0.0f64..360.0, lat in -89.0f64..89.0,
                                t in -1.0f64..1.0, k in 0i32..60) {
        let a = ll(lon, lat);
        let b = ll(lon + 1.0, lat * 0.5);
        // c on the great circle through a and b, then nudged by 2^-k-scaled amounts.
        let mid = a.as_vector().scale(1.0 - t).add(&b.as_vector().scale(t));
        let nudge = a.cross(&b).scale(f64::powi(2.0, -k) * 1e-3 * t);
        let c = mid.add(&nudge).normalize().unwrap();
        prop_assert_eq!(orientation(&a, &b, &c),
                        orientation_exact(a.as_vector(), b.as_vector(), c.as_vector()));
    }

    #[test]
    fn relate_is_antisymmetric(lon in 0.0f64..360.0, lat in -80.0f64..80.0,
                               r1 in 0.001f64..20.0, r2 in 0.001f64..20.0,
                               dlon in -10.0f64..10.0) {
        let p = Region::from(ConvexPolygon::convex_hull(&[
            ll(lon, lat), ll(lon + r1, lat), ll(lon + r1, lat + r1 * 0.5)]).unwrap());
        let c = Region::from(Circle::new(ll(lon + dlon, lat), r2.to_radians()).unwrap());
        let b = Region::from(LonLatBox::new((lon + dlon).rem_euclid(360.0).to_radians(),
            (lon + dlon + r2).rem_euclid(360.0).to_radians(), (lat - 1.0).to_radians(),
            (lat + r2 * 0.3).min(89.0).to_radians()).unwrap());
        for x in [&p, &c, &b] {
            for y in [&p, &c, &b] {
                prop_assert_eq!(y.relate(x), x.relate(y).invert());
                prop_assert_eq!(x.overlaps(y), y.overlaps(x));
            }
            prop_assert!(x.relate(x).contains(Relationship::CONTAINS | Relationship::WITHIN));
            prop_assert_eq!(Region::decode(&x.encode()).unwrap().encode(), x.encode());
        }
    }

    /// Truncated or corrupted encodings give errors, never panics.
    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200), code in 0usize..6) {
        let mut b = bytes;
        if !b.is_empty() {
            b[0] = [b'p', b'c', b'b', b'u', b'i', b'e'][code];
        }
        let _ = Region::decode(&b);
    }
}

#[test]
fn hull_is_independent_of_interior_points_and_ccw() {
    let base = ConvexPolygon::convex_hull(&square()).unwrap();
    let mut pts = square();
    pts.insert(2, ll(10.5, 20.5));
    pts.push(ll(10.2, 20.9));
    let with_interior = ConvexPolygon::convex_hull(&pts).unwrap();
    assert!(base.equals(&with_interior));
    let v = base.vertices();
    for k in 0..v.len() {
        let (a, b, c) = (&v[k], &v[(k + 1) % v.len()], &v[(k + 2) % v.len()]);
        assert_eq!(orientation(a, b, c), 1);
    }
    // Hull of the hull's own vertices is the same polygon, bit for bit.
    assert_eq!(
        ConvexPolygon::convex_hull(v).unwrap().encode(),
        base.encode()
    );
}

#[test]
fn hull_errors() {
    let err = |pts: &[UnitVector3d]| ConvexPolygon::convex_hull(pts).unwrap_err().to_string();
    assert!(err(&[]).contains("at least 3"));
    assert!(err(&[ll(1.0, 1.0); 5]).contains("at least 3"));
    assert!(err(&[ll(0.0, 0.0), ll(10.0, 0.0), ll(20.0, 0.0)]).contains("great circle"));
    let x = UnitVector3d::from_normalized(1.0, 0.0, 0.0);
    let y = UnitVector3d::from_normalized(0.0, 1.0, 0.0);
    assert!(err(&[x, x.neg(), y]).contains("antipodal"));
    let ring: Vec<_> = (0..8)
        .map(|k| ll(45.0 * k as f64, 10.0))
        .chain([ll(0.0, -80.0)])
        .collect();
    assert!(err(&ring).contains("entire sphere"));
    // Non-convex vertex list where a convex polygon is required.
    let dart = vec![
        ll(0.0, 0.0),
        ll(2.0, 0.0),
        ll(1.0, 1.0),
        ll(2.0, 2.0),
        ll(0.0, 2.0),
    ];
    assert!(ConvexPolygon::from_vertices(dart)
        .unwrap_err()
        .to_string()
        .contains("convex"));
}

#[test]
fn polygon_containing_a_pole_and_crossing_ra0() {
    let cap: Vec<_> = (0..6).map(|k| ll(60.0 * k as f64 + 5.0, 80.0)).collect();
    let p = ConvexPolygon::convex_hull(&cap).unwrap();
    assert!(p.contains(&UnitVector3d::from_normalized(0.0, 0.0, 1.0)));
    let bb = p.bounding_box();
    assert!(bb.lon().is_full() && bb.lat().b == std::f64::consts::FRAC_PI_2);
    let across =
        ConvexPolygon::convex_hull(&[ll(359.0, -1.0), ll(1.0, -1.0), ll(1.0, 1.0), ll(359.0, 1.0)])
            .unwrap();
    assert!(across.contains(&ll(0.0, 0.0)) && across.contains(&ll(359.5, 0.5)));
    assert!(!across.contains(&ll(180.0, 0.0)));
    // Close to the lon/lat box with the same corners.
    let (area, boxed) = (
        across.area(),
        2f64.to_radians() * 2.0 * 1f64.to_radians().sin(),
    );
    assert!(area > boxed && area < 1.001 * boxed); // great-circle edges bulge poleward
    let octant = ConvexPolygon::convex_hull(&[
        UnitVector3d::from_normalized(1.0, 0.0, 0.0),
        UnitVector3d::from_normalized(0.0, 1.0, 0.0),
        UnitVector3d::from_normalized(0.0, 0.0, 1.0),
    ])
    .unwrap();
    assert!((octant.area() - std::f64::consts::FRAC_PI_2).abs() < 1e-15);
}

#[test]
fn box_wraps_and_relates() {
    let b = LonLatBox::new(350f64.to_radians(), 10f64.to_radians(), -0.1, 0.1).unwrap();
    assert!(
        b.contains(&ll(0.0, 0.0)) && b.contains(&ll(355.0, 0.0)) && !b.contains(&ll(20.0, 0.0))
    );
    let inner = LonLatBox::new(355f64.to_radians(), 5f64.to_radians(), -0.05, 0.05).unwrap();
    assert_eq!(b.relate_box(&inner), Relationship::CONTAINS);
    assert!(LonLatBox::new(0.3, -0.3, 0.0, 0.1).is_err());
    assert!(LonLatBox::new(0.0, 1.0, 0.2, 0.1).is_err());
    assert!(LonLatBox::new(0.0, f64::NAN, 0.0, 0.1).is_err());
}

#[test]
fn codec_text_forms_and_truncation() {
    let p = Region::from(ConvexPolygon::convex_hull(&square()).unwrap());
    let bytes = p.encode();
    assert_eq!(bytes[0], b'p');
    assert_eq!(bytes.len(), 1 + 4 * 24);
    assert_eq!(Region::decode_hex(&p.to_hex()).unwrap(), p);
    assert_eq!(Region::decode_base64(&p.to_base64()).unwrap(), p);
    for n in 0..bytes.len() {
        let r = Region::decode(&bytes[..n]);
        assert_eq!(r.is_ok(), n == 73, "prefix of {n} bytes");
    }
    let u = Region::union(vec![
        p.clone(),
        Region::from(Circle::new(ll(0.0, 0.0), 0.1).unwrap()),
    ]);
    let enc = u.encode();
    assert_eq!(enc[0], b'u');
    assert_eq!(Region::decode(&enc).unwrap(), u);
    for n in 1..enc.len() {
        // A prefix ending exactly after an operand is a valid, shorter union.
        let whole_operand = n == 1 || n == 1 + 8 + bytes.len();
        assert_eq!(
            Region::decode(&enc[..n]).is_ok(),
            whole_operand,
            "union prefix {n}"
        );
    }
    let two = format!("{}:{}", p.to_base64(), p.to_base64());
    assert!(matches!(Region::decode_base64(&two).unwrap(), Region::Union(v) if v.len() == 2));
    assert!(Region::decode(b"e").is_err());
}

#[test]
fn batch_overlaps_equal_exact_path_also_when_touching() {
    use skymaps::geometry::overlaps_polygon_pairs_lonlat_deg;
    let mut state = 99u64;
    let mut rnd = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)];
    let (mut lon1, mut lat1, mut lon2, mut lat2) = (vec![], vec![], vec![], vec![]);
    for k in 0..2000 {
        let (c_lon, c_lat) = (rnd() * 358.0, rnd() * 170.0 - 85.5);
        // Shared edges, shared vertices, tiny gaps and overlaps, random offsets.
        let (dx, dy) = match k % 5 {
            0 => (1.0, 0.0),
            1 => (1.0, 1.0),
            2 => (1.0 + 1e-13, 0.5),
            3 => (1.0 - 1e-13, -0.5),
            _ => (rnd() * 2.0 - 1.0, rnd() * 2.0 - 1.0),
        };
        for (a, b) in square {
            lon1.push(c_lon + a);
            lat1.push(c_lat + b);
            lon2.push(c_lon + a + dx);
            lat2.push((c_lat + b + dy).clamp(-90.0, 90.0));
        }
    }
    let fast = overlaps_polygon_pairs_lonlat_deg(&lon1, &lat1, 4, &lon2, &lat2, 4).unwrap();
    for (i, &fast_answer) in fast.iter().enumerate() {
        let poly = |lon: &[f64], lat: &[f64]| {
            let pts: Vec<_> = (4 * i..4 * i + 4).map(|j| ll(lon[j], lat[j])).collect();
            ConvexPolygon::convex_hull(&pts).unwrap()
        };
        let exact = !poly(&lon1, &lat1)
            .relate_polygon(&poly(&lon2, &lat2))
            .is_disjoint();
        assert_eq!(fast_answer, exact, "pair {i}");
    }
    assert!(overlaps_polygon_pairs_lonlat_deg(
        &[0.0, 1.0, 2.0],
        &[0.0; 3],
        3,
        &[0.0, 1.0, 1.0],
        &[0.0, 0.0, 1.0],
        3
    )
    .is_err());
}
