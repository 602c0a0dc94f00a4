//! Coverage against brute force in the core: every tract's outer polygon related
//! exactly, for random regions anywhere (poles, RA 0), and box relations against
//! point sampling.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use skymaps::geometry::{Circle, ConvexPolygon, LonLatBox, Region, Relationship, UnitVector3d};
use skymaps::lookup::coverage::{overlapping, Level, Prepared, TractIndex};
use skymaps::tessellation::SkyMap;
use std::sync::OnceLock;

const HSC: &str = r#"{"skymap_class": "rings", "version": 1, "projection": "TAN",
  "pixelScale": 0.168, "tractOverlap": 0.016666666666666666, "rotation": 0.0,
  "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
  "numRings": 120, "raStart": 0.0}"#;

const DODECA: &str = r#"{"skymap_class": "dodeca", "version": 0, "projection": "STG",
  "pixelScale": 1.0, "tractOverlap": 3.5, "rotation": 0.0,
  "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
  "withTractsOnPoles": false}"#;

fn sky(text: &'static str) -> &'static (SkyMap, TractIndex) {
    static HSC_SKY: OnceLock<(SkyMap, TractIndex)> = OnceLock::new();
    static DODECA_SKY: OnceLock<(SkyMap, TractIndex)> = OnceLock::new();
    let cell = if text == HSC { &HSC_SKY } else { &DODECA_SKY };
    cell.get_or_init(|| {
        let s = SkyMap::from_json(text).unwrap();
        let i = TractIndex::new(&s);
        (s, i)
    })
}

fn quad(lon: f64, lat: f64, a: f64, b: f64) -> Region {
    let c = UnitVector3d::from_lonlat_deg(lon, lat).unwrap();
    let east = UnitVector3d::from_lonlat_deg(lon + 90.0, 0.0).unwrap();
    let north = c.cross(&east);
    let pts: Vec<UnitVector3d> = [(-a, -b), (a, -b), (a * 0.6, b), (-a, b * 0.9)]
        .iter()
        .map(|&(x, y)| {
            let (x, y) = (x.to_radians(), y.to_radians());
            c.as_vector()
                .add(&east.as_vector().scale(x))
                .add(&north.scale(y))
                .normalize()
                .unwrap()
        })
        .collect();
    Region::from(ConvexPolygon::convex_hull(&pts).unwrap())
}

fn brute_tracts(sky: &SkyMap, region: &Region) -> Vec<i64> {
    (0..sky.num_tracts())
        .filter(|&t| {
            let poly = sky.tracts()[t].outer_region().clone();
            !region.relate(&poly).is_disjoint()
        })
        .map(|t| t as i64)
        .collect()
}

fn check(text: &'static str, region: Region) {
    let (sky, index) = sky(text);
    let prepared = Prepared::new(&region).unwrap();
    let got: Vec<i64> = overlapping(sky, index, &prepared, Level::Tract, false)
        .unwrap()
        .iter()
        .map(|h| h.tract)
        .collect();
    assert_eq!(got, brute_tracts(sky, &region), "{region:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn rings_tracts_equal_brute_force(
        lon in -2.0f64..362.0,
        lat in prop_oneof![-90.0f64..90.0, 86.0f64..90.0, -90.0f64..-86.0],
        a in 0.001f64..6.0,
        b in 0.001f64..6.0,
    ) {
        check(HSC, quad(lon.rem_euclid(360.0), lat.clamp(-89.9, 89.9), a, b));
    }

    #[test]
    fn dodeca_tracts_equal_brute_force(
        lon in 0.0f64..360.0, lat in -89.0f64..89.0, r in 0.01f64..20.0,
    ) {
        let c = UnitVector3d::from_lonlat_deg(lon, lat).unwrap();
        check(DODECA, Region::from(Circle::new(c, r.to_radians()).unwrap()));
        check(DODECA, quad(lon, lat, r / 2.0, r / 3.0));
    }
}

/// Box relations against dense sampling of the patch polygons of one tract.
#[test]
fn box_relations_are_sound() {
    let (sky, index) = sky(HSC);
    let boxes: [(f64, f64, f64, f64); 4] = [
        (359.7, 0.3, -0.4, 0.4),
        (149.9, 150.3, 1.8, 2.6),
        (0.0, 360.0, 88.0, 90.0),
        (100.0, 300.0, -90.0, -89.0),
    ];
    for (l1, l2, a, b) in boxes {
        let bx = LonLatBox::new(
            f64::to_radians(l1),
            f64::to_radians(l2),
            a.to_radians(),
            b.to_radians(),
        )
        .unwrap();
        let prepared = Prepared::new(&Region::from(bx)).unwrap();
        let hits = overlapping(sky, index, &prepared, Level::Patch, false).unwrap();
        for hit in hits.iter().take(40) {
            let tract = sky.tract(hit.tract).unwrap();
            let patch = tract.patch_by_id(hit.patch).unwrap();
            let poly = tract.polygon(&patch.outer_bbox, 0.0).unwrap();
            let rel = prepared.relate(poly.vertices());
            // Pixel grid samples of the patch: CONTAINS means all of them in the box.
            let [[x0, y0], _, [x1, y1], _] = patch.outer_bbox.edge_corners();
            let mut any = false;
            let mut all = true;
            for i in 0..=20 {
                for j in 0..=20 {
                    let (x, y) = (
                        x0 + (x1 - x0) * i as f64 / 20.0,
                        y0 + (y1 - y0) * j as f64 / 20.0,
                    );
                    let v = tract.wcs().pixel_to_unit_vector(x, y).unwrap();
                    let inside = bx.contains(&v);
                    any |= inside;
                    all &= inside;
                }
            }
            if rel.contains(Relationship::CONTAINS) {
                assert!(all, "{l1} {l2} {a} {b}: {hit:?}");
            }
            if any {
                assert!(!rel.is_disjoint());
            }
        }
    }
}
