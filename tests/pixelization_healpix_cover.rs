//! Exact HEALPix covers against brute-force dense sampling of every pixel.
#![allow(clippy::unwrap_used)]

use skymaps::geometry::Vector3d;
use skymaps::pixelization::healpix::cover::CoverShape;
use skymaps::pixelization::Healpix;

fn v(lon_deg: f64, lat_deg: f64) -> Vector3d {
    let (lo, la) = (lon_deg.to_radians(), lat_deg.to_radians());
    Vector3d::new(lo.cos() * la.cos(), lo.sin() * la.cos(), la.sin())
}

/// Dense samples of pixel `h` (nested, `order`): an n x n grid including the boundary.
fn samples(order: u8, h: u64, n: usize) -> Vec<Vector3d> {
    let hp = Healpix::new(order as i64, true).unwrap();
    let b = hp.pixel_boundary(h, n as u32).unwrap();
    let mut out: Vec<Vector3d> = b
        .iter()
        .map(|&(lo, la)| v(lo.to_degrees(), la.to_degrees()))
        .collect();
    // a few interior points along the cell diagonals
    let (clon, clat) = cdshealpix::nested::get(order).center(h);
    out.push(v(clon.to_degrees(), clat.to_degrees()));
    out
}

fn check(shape: &CoverShape, inside: impl Fn(&Vector3d) -> bool, order: u8) {
    let hp = Healpix::new(order as i64, true).unwrap();
    let env = hp.envelope_shape(shape);
    let int = hp.interior_shape(shape);
    assert!(env.is_superset(&int));
    for h in 0..hp.npix() {
        let s = samples(order, h, 24);
        let any = s.iter().any(&inside);
        let all = s.iter().all(&inside);
        if any {
            assert!(
                env.contains(h),
                "pixel {h} has a sample inside but is not in the envelope"
            );
        }
        if int.contains(h) {
            assert!(
                all,
                "pixel {h} is in the interior but a boundary sample is outside"
            );
        }
    }
}

#[test]
fn polygon_cover_is_exact_against_sampling() {
    // A quadrilateral crossing RA 0 and a triangle around the north pole.
    let quad = [
        v(350.0, -10.0),
        v(15.0, -12.0),
        v(20.0, 25.0),
        v(355.0, 20.0),
    ];
    let shape = CoverShape::polygon(&quad).unwrap();
    let normals: Vec<Vector3d> = (0..4).map(|i| quad[i].cross(&quad[(i + 1) % 4])).collect();
    check(&shape, |p| normals.iter().all(|n| n.dot(p) >= 0.0), 4);

    let tri = [v(0.0, 70.0), v(120.0, 70.0), v(240.0, 70.0)];
    let shape = CoverShape::polygon(&tri).unwrap();
    let normals: Vec<Vector3d> = (0..3).map(|i| tri[i].cross(&tri[(i + 1) % 3])).collect();
    check(&shape, |p| normals.iter().all(|n| n.dot(p) >= 0.0), 3);
}

#[test]
fn circle_and_box_covers_are_exact_against_sampling() {
    let c = v(10.0, -89.0);
    let r = 7f64.to_radians();
    let shape = CoverShape::circle(c, r).unwrap();
    check(&shape, |p| p.dot(&c) >= r.cos(), 4);

    let big = v(200.0, 30.0);
    let shape = CoverShape::circle(big, 2.0).unwrap();
    check(&shape, |p| p.dot(&big) >= 2f64.cos(), 2);

    // A box across RA 0 and a box wider than 180 degrees.
    for (a, b, lat0, lat1) in [
        (340.0f64, 30.0f64, -20.0f64, 10.0f64),
        (100.0, 330.0, 5.0, 60.0),
    ] {
        let shape = CoverShape::lonlat_box(
            a.to_radians(),
            b.to_radians(),
            false,
            lat0.to_radians(),
            lat1.to_radians(),
        )
        .unwrap();
        let inside = |p: &Vector3d| {
            let lat = p.z.asin().to_degrees();
            let lon = p.y.atan2(p.x).to_degrees().rem_euclid(360.0);
            let dl = (lon - a).rem_euclid(360.0);
            lat >= lat0 && lat <= lat1 && dl <= (b - a).rem_euclid(360.0)
        };
        check(&shape, inside, 4);
    }
}

#[test]
fn ring_scheme_cover_is_the_nested_cover_renumbered() {
    let shape = CoverShape::circle(v(45.0, 45.0), 0.2).unwrap();
    let nest = Healpix::new(6, true).unwrap();
    let ring = Healpix::new(6, false).unwrap();
    let a = nest.envelope_shape(&shape);
    let b = ring.envelope_shape(&shape);
    let mut conv: Vec<u64> = a.values().map(|h| nest.nest_to_ring(h).unwrap()).collect();
    conv.sort_unstable();
    assert_eq!(conv, b.values().collect::<Vec<_>>());
}
