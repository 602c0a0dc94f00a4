//! Criterion bench of HTM envelopes of 1-degree convex polygons (the kernel behind
//! `Htm.envelope`, without Python): ids "htm/envelope_polygon1deg_l<level>/40".

use criterion::{criterion_group, criterion_main, Criterion};
use skymaps::geometry::{ConvexPolygon, Region, UnitVector3d};
use skymaps::pixelization::Htm;
use std::hint::black_box;

/// 40 random convex polygons of 3 to 7 vertices on circles of radius 1 degree.
fn polygons() -> Vec<Region> {
    let mut s: u64 = 7;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..40)
        .map(|_| {
            let (lon, lat) = (360.0 * next(), (1.9 * next() - 0.95).asin().to_degrees());
            let nv = 3 + (5.0 * next()) as usize;
            let pts: Vec<UnitVector3d> = (0..nv)
                .map(|_| {
                    let (s, c) = (std::f64::consts::TAU * next()).sin_cos();
                    let dlon = c / lat.to_radians().cos();
                    UnitVector3d::from_lonlat_deg((lon + dlon).rem_euclid(360.0), lat + s)
                        .unwrap_or_else(|e| panic!("{e}"))
                })
                .collect();
            Region::ConvexPolygon(
                ConvexPolygon::convex_hull(&pts).unwrap_or_else(|e| panic!("{e}")),
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let regions = polygons();
    for level in [7, 12, 16] {
        let htm = Htm::new(level).unwrap_or_else(|e| panic!("{e}"));
        c.bench_function(&format!("htm/envelope_polygon1deg_l{level}/40"), |b| {
            b.iter(|| {
                for r in &regions {
                    black_box(htm.envelope(r, 0));
                }
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
