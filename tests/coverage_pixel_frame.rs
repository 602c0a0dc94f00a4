//! The pixel-frame shortcut of coverage against the exact spherical test: whenever
//! `PixelPolygon::relate_box` decides a relation, it equals sphgeom's exact
//! polygon–polygon relation of the same unit vectors (the patch box through its four
//! corners). Quads are drawn in a tract's pixel frame, some with vertices placed
//! exactly on patch edges (the close calls the shortcut must leave undecided).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use skymaps::geometry::{relate_vertices, ConvexPolygon, UnitVector3d};
use skymaps::lookup::coverage::pixel_frame::PixelPolygon;
use skymaps::lookup::coverage::TractIndex;
use skymaps::tessellation::{PixelBox, SkyMap, Tract};
use std::sync::OnceLock;

const HSC: &str = r#"{"skymap_class": "rings", "version": 1, "projection": "TAN",
  "pixelScale": 0.168, "tractOverlap": 0.016666666666666666, "rotation": 0.0,
  "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
  "numRings": 120, "raStart": 0.0}"#;

fn hsc() -> &'static (SkyMap, TractIndex) {
    static SKY: OnceLock<(SkyMap, TractIndex)> = OnceLock::new();
    SKY.get_or_init(|| {
        let s = SkyMap::from_json(HSC).unwrap();
        let i = TractIndex::new(&s);
        (s, i)
    })
}

fn box_polygon(tract: &Tract, b: &PixelBox) -> Vec<UnitVector3d> {
    tract.polygon(b, 0.0).unwrap().vertices().to_vec()
}

/// Decided relations over every patch (and the tract box) equal the exact ones;
/// returns how many were decided.
fn check(tract_index: usize, pixels: &[[f64; 2]]) -> usize {
    let (sky, index) = hsc();
    let tract = &sky.tracts()[tract_index];
    let points: Vec<UnitVector3d> = pixels
        .iter()
        .map(|&[x, y]| tract.wcs().pixel_to_unit_vector(x, y).unwrap())
        .collect();
    let Ok(poly) = ConvexPolygon::convex_hull(&points) else {
        return 0;
    };
    let Some(picture) = PixelPolygon::new(tract, index.tangent(tract_index), poly.vertices())
    else {
        return 0;
    };
    let mut boxes: Vec<PixelBox> = tract.patches().map(|p| p.outer_bbox).collect();
    boxes.push(tract.bbox());
    let mut decided = 0;
    for b in &boxes {
        if let Some(rel) = picture.relate_box(b) {
            let exact = relate_vertices(poly.vertices(), &box_polygon(tract, b));
            assert_eq!(
                rel, exact,
                "tract {tract_index}, box {b:?}, quad {pixels:?}"
            );
            decided += 1;
        }
    }
    decided
}

/// A coordinate either free or snapped onto a patch outer-box edge (pixel edges at
/// -0.5 and +0.5 of the inner grid grown by the 100-pixel border).
fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -3000.0..40000.0f64,
        1 => (0i64..10, prop::bool::ANY, prop::bool::ANY).prop_map(|(k, grow, low)| {
            let edge = (k * 4000) as f64 + if grow { if low { -100.0 } else { 100.0 } } else { 0.0 };
            edge - 0.5
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn decided_relations_are_exact(
        tract in prop_oneof![0usize..20, 9000usize..9100, 18900usize..18938],
        a in (coordinate(), coordinate()),
        b in (coordinate(), coordinate()),
        c in (coordinate(), coordinate()),
        d in (coordinate(), coordinate()),
    ) {
        check(tract, &[[a.0, a.1], [b.0, b.1], [c.0, c.1], [d.0, d.1]]);
    }

    #[test]
    fn small_quads_are_exact(
        tract in 0usize..18938,
        x in -500.0..37000.0f64,
        y in -500.0..37000.0f64,
        w in 1.0..3000.0f64,
        h in 1.0..6000.0f64,
        turn in 0.0..std::f64::consts::TAU,
    ) {
        let (s, c) = turn.sin_cos();
        let quad: Vec<[f64; 2]> = [(-w, -h), (w, -h), (w, h), (-w, h)]
            .iter()
            .map(|&(u, v)| [x + c * u - s * v, y + s * u + c * v])
            .collect();
        check(tract, &quad);
    }
}

#[test]
fn most_relations_of_detectors_are_decided_in_pixels() {
    // A detector-sized quad inside a tract: the shortcut should settle nearly all of
    // the patches it is compared with (otherwise it saves nothing).
    let decided = check(
        9813,
        &[
            [5000.0, 7000.0],
            [7100.0, 7050.0],
            [7050.0, 11100.0],
            [4950.0, 11000.0],
        ],
    );
    let (sky, _) = hsc();
    assert_eq!(decided, sky.tracts()[9813].patches().count() + 1);
}
