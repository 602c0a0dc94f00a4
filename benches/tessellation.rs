//! Criterion benches for the tessellation core: building a rings skymap, owner lookups
//! and outer polygons.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use skymaps::lookup::find_tract_patch_split;
use skymaps::tessellation::SkyMap;
use std::hint::black_box;

const HSC: &str = r#"{"skymap_class": "rings", "version": 1, "projection": "TAN",
  "pixelScale": 0.168, "tractOverlap": 0.016666666666666666, "rotation": 0.0,
  "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
  "numRings": 120, "raStart": 0.0}"#;

fn points(n: usize) -> (Vec<f64>, Vec<f64>) {
    // A deterministic low-discrepancy spread over the sphere.
    let golden = 0.618_033_988_749_895_f64;
    (0..n)
        .map(|i| {
            let u = (i as f64 + 0.5) / n as f64;
            (
                (i as f64 * golden).fract() * 360.0,
                (2.0 * u - 1.0).asin().to_degrees(),
            )
        })
        .unzip()
}

fn benches(c: &mut Criterion) {
    c.bench_function("tessellation/build_hsc_rings/18938", |b| {
        b.iter(|| SkyMap::from_json(black_box(HSC)).unwrap())
    });
    let sky = SkyMap::from_json(HSC).unwrap();
    let (lon, lat) = points(1_000_000);
    c.bench_function("lookup/find_tract_patch/1M", |b| {
        b.iter(|| find_tract_patch_split(&sky, black_box(&lon), black_box(&lat)).unwrap())
    });
    c.bench_function("tessellation/patch_outer_polygons/100_tracts", |b| {
        b.iter(|| {
            for t in &sky.tracts()[9000..9100] {
                black_box(t.patch_outer_polygons().unwrap());
            }
        })
    });
}

criterion_group! {
    name = group;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(group);
