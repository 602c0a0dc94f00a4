//! Criterion benches of the geometry kernels: ids "geometry/<op>/<size>".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use skymaps::geometry::{orientation, ConvexPolygon, PreparedPolygon, UnitVector3d};

fn lcg(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1);
    (*state >> 11) as f64 / (1u64 << 53) as f64
}

fn polygon() -> ConvexPolygon {
    let pts: Vec<UnitVector3d> = [
        (10.0, -20.0),
        (40.0, -15.0),
        (45.0, 10.0),
        (25.0, 30.0),
        (5.0, 5.0),
    ]
    .iter()
    .filter_map(|&(lon, lat)| UnitVector3d::from_lonlat_deg(lon, lat).ok())
    .collect();
    ConvexPolygon::convex_hull(&pts).unwrap_or_else(|e| panic!("bench polygon: {e}"))
}

fn bench(c: &mut Criterion) {
    let poly = polygon();
    let n = 100_000;
    let mut s = 1u64;
    let lon: Vec<f64> = (0..n).map(|_| 60.0 * lcg(&mut s)).collect();
    let lat: Vec<f64> = (0..n).map(|_| 70.0 * lcg(&mut s) - 35.0).collect();
    let mut g = c.benchmark_group("geometry");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("contains_lonlat_prepared", n), |b| {
        let prepared = PreparedPolygon::new(&poly);
        let mut out = vec![false; n];
        b.iter(|| prepared.contains_many_unchecked(&lon, &lat, &mut out));
    });
    g.bench_function(BenchmarkId::new("contains_lonlat_plain", n), |b| {
        b.iter(|| {
            (0..n)
                .filter(|&i| {
                    poly.contains(&UnitVector3d::from_lonlat_deg_unchecked(lon[i], lat[i]))
                })
                .count()
        });
    });
    let vs: Vec<UnitVector3d> = (0..n)
        .map(|i| UnitVector3d::from_lonlat_deg_unchecked(lon[i], lat[i]))
        .collect();
    g.bench_function(BenchmarkId::new("orientation", n), |b| {
        b.iter(|| {
            vs.windows(3)
                .map(|w| orientation(&w[0], &w[1], &w[2]))
                .sum::<i32>()
        });
    });
    g.bench_function(BenchmarkId::new("hull4_and_relate", n / 100), |b| {
        b.iter(|| {
            vs.chunks_exact(8)
                .take(n / 100)
                .filter_map(|w| {
                    let a = ConvexPolygon::convex_hull(&w[..4]).ok()?;
                    let b = ConvexPolygon::convex_hull(&w[4..]).ok()?;
                    Some(a.relate_polygon(&b).is_disjoint())
                })
                .count()
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
