//! Ownership properties of the rings skymap, and bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use skymaps::geometry::UnitVector3d;
use skymaps::lookup::{
    find_all_tracts, find_tract, find_tract_patch, owner_patch_unchecked, owner_tract_unchecked,
    to_lonlat_rad,
};
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
    assert!(tract.outer_contains_vector(&v));
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

/// The float `k` representable values from `x` in magnitude (`k` < 0: toward zero).
/// Zero steps to the smallest subnormal.
fn ulp_step(x: f64, k: i64) -> f64 {
    if x == 0.0 {
        return k.signum() as f64 * f64::from_bits(1);
    }
    f64::from_bits((x.to_bits() as i64 + k) as u64)
}

/// Points that stress the lookup: pseudo-random (uniform on the sphere), ring seams
/// and tract RA edges with ulp neighbours, RA 0/360, the poles, and pixels within
/// 1e-9 px of patch boundaries in a few tracts.
fn stress_points(sky: &SkyMap, n_random: usize) -> (Vec<f64>, Vec<f64>) {
    let (mut lon, mut lat) = (Vec::new(), Vec::new());
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..n_random {
        lon.push(360.0 * next());
        lat.push((2.0 * next() - 1.0).asin().to_degrees());
    }
    let ring = 180.0 / 121.0;
    let mut lats = vec![90.0, -90.0, 0.0, 89.999999, -89.999999];
    for j in 0..121 {
        let edge: f64 = -90.0 + (j as f64 + 0.5) * ring;
        lats.extend([
            edge,
            ulp_step(edge, 1),
            ulp_step(edge, -1),
            edge + 1e-9,
            edge - 1e-9,
        ]);
    }
    let mut lons = vec![
        0.0,
        360.0,
        -0.0,
        1e-300,
        359.99999999999994,
        180.0,
        720.0,
        -180.0,
    ];
    for k in 0..40 {
        let edge: f64 = 360.0 * (k as f64 + 0.5) / 40.0;
        lons.extend([edge, ulp_step(edge, 1), ulp_step(edge, -1)]);
    }
    for &la in &lats {
        for &lo in &lons {
            lon.push(lo);
            lat.push(la);
        }
    }
    for t in [0i64, 1, 500, 9000, 9712, 18937] {
        let tract = sky.tract(t).unwrap();
        let [nx, ny] = tract.num_patches();
        let inner = tract.patch_inner_dimensions();
        for i in 0..=nx {
            for j in 0..=ny {
                for (dx, dy) in [(0.0, 0.0), (1e-9, 0.0), (-1e-9, 1e-9), (0.0, -1e-9)] {
                    let x = (i * inner[0]) as f64 - 0.5 + dx;
                    let y = (j * inner[1]) as f64 - 0.5 + dy;
                    let (lo, la) = tract.wcs().pixel_to_sky_rad(x, y).unwrap();
                    lon.push(lo.to_degrees());
                    lat.push(la.to_degrees());
                }
            }
        }
    }
    (lon, lat)
}

/// The compact lookup table (`find_tract_patch`) gives exactly the ids of the general
/// path through each tract's full WCS (`owner_patch_unchecked`).
#[test]
fn fast_patch_lookup_equals_general_path() {
    let sky = hsc();
    let (lon, lat) = stress_points(sky, 300_000);
    let fast = find_tract_patch(sky, &lon, &lat).unwrap();
    for (i, (&lo, &la)) in lon.iter().zip(&lat).enumerate() {
        let (lon_rad, lat_rad) = to_lonlat_rad(lo, la).unwrap();
        let t = owner_tract_unchecked(sky, lo, la, lon_rad, lat_rad);
        let p = owner_patch_unchecked(sky.tract(t).unwrap(), lon_rad, lat_rad);
        assert_eq!([fast[2 * i], fast[2 * i + 1]], [t, p], "({lo}, {la})");
    }
}
