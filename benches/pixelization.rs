//! Criterion benches for the pixelization kernels: ids "layer/op/size".

use criterion::{criterion_group, criterion_main, Criterion};
use skymaps::geometry::{Circle, Region, UnitVector3d};
use skymaps::pixelization::{Healpix, Htm};
use std::hint::black_box;

fn points(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut s: u64 = 42;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| (360.0 * next(), (2.0 * next() - 1.0).asin().to_degrees()))
        .unzip()
}

fn bench(c: &mut Criterion) {
    let (lon, lat) = points(100_000);
    let hp = Healpix::new(12, true).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("healpix/index_nest_o12/100k", |b| {
        b.iter(|| black_box(hp.index_many_deg(&lon, &lat)))
    });
    let htm = Htm::new(20).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("htm/index_l20/100k", |b| {
        b.iter(|| black_box(htm.index_many_deg(&lon, &lat)))
    });
    let center = UnitVector3d::from_lonlat_deg(30.0, 40.0).unwrap_or_else(|e| panic!("{e}"));
    let circle =
        Region::Circle(Circle::new(center, 1f64.to_radians()).unwrap_or_else(|e| panic!("{e}")));
    let htm12 = Htm::new(12).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("htm/envelope_circle1deg_l12/1", |b| {
        b.iter(|| black_box(htm12.envelope(&circle, 0)))
    });
    c.bench_function("healpix/envelope_circle1deg_o12/1", |b| {
        b.iter(|| black_box(hp.envelope(&circle)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
