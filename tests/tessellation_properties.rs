//! Ownership properties of the rings skymap, and bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use skymaps::geometry::UnitVector3d;
use skymaps::lookup::{find_all_tracts, find_tract, find_tract_patch, to_lonlat_rad};
use skymaps::tessellation::SkyMap;
use std::sync::OnceLock;

const HSC: &str = r#"{"skymap_class": "rings", "version": 1, "projection": "TAN",
  "pixelScale": 0.168, "tractOverlap": 0.016666666666666666, "rotation": 0.0,
  "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
  "numRings": 120, "raStart": 0.0}"#;

fn hsc() -> &'static SkyMap {
    static SKY: OnceLock<SkyMap> = OnceLock::new();
    SKY.get_or_init(|| SkyMap::from_json(HSC).unwrap())
}

fn check_owner(lon_deg: f64, lat_deg: f64) {
    let sky = hsc();
    let tp = find_tract_patch(sky, &[lon_deg], &[lat_deg]).unwrap();
    let (t, p) = (tp[0], tp[1]);
    assert!(
        t >= 0 && (t as usize) < sky.num_tracts(),
        "({lon_deg}, {lat_deg})"
    );
    let tract = sky.tract(t).unwrap();
    let (lon, lat) = to_lonlat_rad(lon_deg, lat_deg).unwrap();
    assert!(
        tract.inner_contains_lonlat_rad(lon, lat),
        "({lon_deg}, {lat_deg}) -> {t}"
    );
    let v = UnitVector3d::from_lonlat_rad(lon, lat);
    assert!(tract.outer_polygon().contains(&v));
    let patch = tract.patch_by_id(p).unwrap();
    assert!(tract.polygon(&patch.outer_bbox, 0.0).unwrap().contains(&v));
    let (pts, all) = find_all_tracts(sky, &[lon_deg], &[lat_deg]).unwrap();
    assert!(all.contains(&t) && pts.iter().all(|&i| i == 0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn every_point_has_one_owner(lon in -360.0f64..720.0, z in -1.0f64..=1.0) {
        check_owner(lon, z.asin().to_degrees());
    }
}

#[test]
fn special_points() {
    let ring = 180.0 / 121.0;
    let mut lats = vec![90.0, -90.0, 0.0, 89.999999, -89.999999];
    for j in 0..121 {
        lats.push(-90.0 + (j as f64 + 0.5) * ring);
    }
    for lat in lats {
        for lon in [
            0.0,
            360.0,
            -0.0,
            1e-300,
            359.99999999999994,
            180.0,
            720.0,
            -180.0,
        ] {
            check_owner(lon, lat);
        }
    }
}

#[test]
fn bad_input_is_an_error() {
    let sky = hsc();
    assert!(find_tract(sky, &[0.0], &[90.5]).is_err());
    assert!(find_tract(sky, &[f64::NAN], &[0.0]).is_err());
    assert!(find_tract(sky, &[0.0, 1.0], &[0.0]).is_err());
    assert!(sky.tract(18938).is_err() && sky.tract(-1).is_err());
    assert!(sky.tract(0).unwrap().patch([100, 0]).is_err());
}
