//! EquatSkyMap for every tract count 1..=30: it builds, its inner boxes tile the band
//! with exactly one owner per point, and its outer regions hold the inner ones.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use skymaps::geometry::UnitVector3d;
use skymaps::lookup::{find_all_tracts, find_tract, to_lonlat_rad};
use skymaps::tessellation::SkyMap;
use std::sync::OnceLock;

const DEC: [f64; 2] = [-1.25, 1.25];

fn equat(n: i64) -> SkyMap {
    SkyMap::from_json(&format!(
        r#"{{"skymap_class": "equat", "version": 0, "projection": "CEA",
        "pixelScale": 0.333, "tractOverlap": 1.0, "rotation": 0.0,
        "tractBuilder": {{"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100}},
        "numTracts": {n}, "decRange": [{}, {}]}}"#,
        DEC[0], DEC[1]
    ))
    .unwrap()
}

fn all() -> &'static Vec<SkyMap> {
    static MAPS: OnceLock<Vec<SkyMap>> = OnceLock::new();
    MAPS.get_or_init(|| (1..=30).map(equat).collect())
}

/// Brute force: every tract whose closed RA/Dec box holds the point, from the
/// configuration alone.
fn box_owners(n: i64, lon_deg: f64, lat_deg: f64) -> Vec<i64> {
    if !(DEC[0]..=DEC[1]).contains(&lat_deg) {
        return vec![];
    }
    let w = 360.0 / n as f64;
    (0..n)
        .filter(|&i| {
            let (a, b) = (w * i as f64, w * (i + 1) as f64);
            // RA 0 is also RA 360, the end of the last tract.
            [lon_deg, lon_deg + 360.0]
                .iter()
                .any(|&l| l >= a - 1e-9 && l <= b + 1e-9)
        })
        .collect()
}

fn check(n: i64, lon_deg: f64, lat_deg: f64) {
    let sky = &all()[n as usize - 1];
    let t = find_tract(sky, &[lon_deg], &[lat_deg]).unwrap()[0];
    let expected = box_owners(n, lon_deg.rem_euclid(360.0), lat_deg);
    if expected.is_empty() {
        assert_eq!(t, -1, "n={n} ({lon_deg}, {lat_deg})");
        return;
    }
    assert!(
        expected.contains(&t),
        "n={n} ({lon_deg}, {lat_deg}) -> {t}, expected {expected:?}"
    );
    // Exactly one owner: no other tract's inner region claims an interior point.
    let (lon, lat) = to_lonlat_rad(lon_deg, lat_deg).unwrap();
    let claiming: Vec<usize> = (0..sky.num_tracts())
        .filter(|&i| sky.tracts()[i].inner_contains_lonlat_rad(lon, lat))
        .collect();
    if expected.len() == 1 {
        assert_eq!(claiming, vec![t as usize], "n={n} ({lon_deg}, {lat_deg})");
    }
    // The owner's outer region holds the point, and so does its pixel box.
    let v = UnitVector3d::from_lonlat_rad(lon, lat);
    let tract = sky.tract(t).unwrap();
    assert!(
        tract.outer_contains_vector(&v),
        "n={n} ({lon_deg}, {lat_deg})"
    );
    let (px, py) = tract.wcs().sky_to_pixel_rad(lon, lat).unwrap();
    assert!(
        tract.patch_index_at_pixel(px, py).is_some(),
        "n={n} ({lon_deg}, {lat_deg})"
    );
    let (_, hits) = find_all_tracts(sky, &[lon_deg], &[lat_deg]).unwrap();
    assert!(hits.contains(&t));
}

#[test]
fn every_tract_count_builds_with_upstream_counts() {
    for (k, sky) in all().iter().enumerate() {
        assert_eq!(sky.num_tracts(), k + 1);
    }
}

#[test]
fn tract_edges_and_poles() {
    for n in 1..=30i64 {
        let w = 360.0 / n as f64;
        for i in 0..=n {
            for d in [-1e-9, 0.0, 1e-9] {
                for lat in [DEC[0], 0.0, DEC[1], DEC[1] + 1e-9, DEC[0] - 1e-9] {
                    check(n, w * i as f64 + d, lat);
                }
            }
        }
        for lat in [-90.0, 90.0, 45.0] {
            check(n, 0.0, lat);
        }
    }
}

#[test]
fn wide_tracts_have_box_outer_regions() {
    let one = &all()[0].tracts()[0];
    assert!(one.outer_polygon().is_none());
    // Every RA at the equator is inside the one tract's outer region.
    for k in 0..3600 {
        let v = UnitVector3d::from_lonlat_deg(k as f64 / 10.0, 0.0).unwrap();
        assert!(one.outer_contains_vector(&v));
    }
    // From 3 tracts on, each tract is a polygon (lsst.skymap's outer region).
    for sky in &all()[2..] {
        assert!(sky.tracts().iter().all(|t| t.outer_polygon().is_some()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn every_point_has_at_most_one_owner(n in 1i64..=30, lon in -360.0f64..720.0, z in -1.0f64..=1.0) {
        check(n, lon, z.asin().to_degrees());
    }
    #[test]
    fn every_band_point_has_one_owner(n in 1i64..=30, lon in 0.0f64..360.0, lat in DEC[0]..=DEC[1]) {
        check(n, lon, lat);
    }
}
