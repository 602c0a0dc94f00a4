//! The patch of `find_tract_patch` is in its tract's patch grid, or -1 exactly where the
//! point's nearest pixel is outside the tract's pixel box (lsst.skymap's `findPatch`
//! raises `LookupError` there), on the fused TAN path and the general path alike.
//!
//! One ring (a legal lsst.skymap config) makes many such points: the ring's inner
//! boxes are 120 degrees wide, its pixel boxes are built around a 60-degree circle.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use skymaps::lookup::{find_tract_patch, owner_patch_unchecked, to_lonlat_rad};
use skymaps::tessellation::SkyMap;

const ONE_RING: &str = r#"{"skymap_class": "rings", "version": 1, "projection": "TAN",
  "pixelScale": 20.0, "tractOverlap": 0.016666666666666666, "rotation": 0.0,
  "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
  "numRings": 1, "raStart": 0.0}"#;

#[test]
fn one_ring_patch_is_in_grid_or_none_where_the_pixel_is_outside_the_box() {
    let sky = SkyMap::from_json(ONE_RING).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let n = 200_000;
    let mut lon: Vec<f64> = (0..n).map(|_| 360.0 * next()).collect();
    let mut lat: Vec<f64> = (0..n)
        .map(|_| (2.0 * next() - 1.0).asin().to_degrees())
        .collect();
    lon.extend([0.0, 360.0, 60.0, 300.0, 0.0, 180.0]);
    lat.extend([90.0, -90.0, 45.0, -45.0, 0.0, 29.9]);
    let tp = find_tract_patch(&sky, &lon, &lat).unwrap();
    let mut outside = 0usize;
    for (i, (&lo, &la)) in lon.iter().zip(&lat).enumerate() {
        let (t, p) = (tp[2 * i], tp[2 * i + 1]);
        let tract = sky.tract(t).unwrap();
        let (lon_rad, lat_rad) = to_lonlat_rad(lo, la).unwrap();
        // The fused path (TAN tracts, near the tangent point) equals the general one.
        assert_eq!(
            p,
            owner_patch_unchecked(tract, lon_rad, lat_rad),
            "({lo}, {la})"
        );
        let [nx, ny] = tract.num_patches();
        assert!(
            p == -1 || (0..nx * ny).contains(&p),
            "({lo}, {la}) -> {t}/{p}"
        );
        let in_box = tract
            .wcs()
            .sky_to_pixel_rad(lon_rad, lat_rad)
            .map(|(x, y)| ((x + 0.5).floor(), (y + 0.5).floor()))
            .is_some_and(|(x, y)| {
                x.is_finite() && y.is_finite() && tract.bbox().contains(x as i64, y as i64)
            });
        assert_eq!(p >= 0, in_box, "({lo}, {la}) -> {t}/{p}");
        outside += usize::from(!in_box);
    }
    assert!(
        outside > 10_000,
        "the case this test is about occurs: {outside}"
    );
}
