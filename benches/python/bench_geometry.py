"""Benchmark skymaps.geometry against lsst.sphgeom and a numpy baseline, in one run.

* point-in-polygon: 10M random points against one polygon: ``ConvexPolygon.contains``
  (degrees) vs sphgeom's vectorized ``contains(lon_rad, lat_rad)`` vs numpy (unit
  vectors dotted with precomputed edge normals; not exact near edges);
* polygon-pair overlaps, construction included: 1M pairs of 4-vertex polygons given
  as lon/lat arrays: ``skymaps.geometry.overlaps_many`` vs a Python loop building
  ``lsst.sphgeom.ConvexPolygon`` pairs and calling ``overlaps`` (timed on a subset and
  reported as a rate).

Run: ``python benches/python/bench_geometry.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _timing import record

import skymaps
from skymaps.geometry import ConvexPolygon, overlaps_many


def best_of(fn, repeat):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def polygon_vertices(rng, n, radius_deg, k=4):
    lon0 = rng.uniform(0, 360, n)[:, None]
    lat0 = np.degrees(np.arcsin(rng.uniform(-0.95, 0.95, n)))[:, None]
    ang = np.sort(rng.uniform(0, 2 * np.pi, (n, k)), axis=1)
    la0, r = np.radians(lat0), np.radians(radius_deg)
    lat = np.arcsin(np.sin(la0) * np.cos(r) + np.cos(la0) * np.sin(r) * np.cos(ang))
    dlon = np.arctan2(np.sin(ang) * np.sin(r) * np.cos(la0), np.cos(r) - np.sin(la0) * np.sin(lat))
    return (lon0 + np.degrees(dlon)) % 360, np.degrees(lat)


def numpy_contains(vertices_xyz, lon, lat):
    lo, la = np.radians(lon), np.radians(lat)
    cl = np.cos(la)
    xyz = np.stack([np.cos(lo) * cl, np.sin(lo) * cl, np.sin(la)], axis=1)
    normals = np.cross(vertices_xyz, np.roll(vertices_xyz, -1, axis=0))
    return np.all(xyz @ normals.T >= 0, axis=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="seconds-long smoke run")
    args = ap.parse_args()
    import lsst.sphgeom as sphgeom

    rng = np.random.default_rng(42)
    n_points = 100_000 if args.quick else 10_000_000
    n_pairs = 10_000 if args.quick else 1_000_000
    n_sphgeom_pairs = 2_000 if args.quick else 50_000
    repeat = 1 if args.quick else 3

    print(
        f"skymaps {skymaps.__version__}, rayon threads: parallel={skymaps._core.get_parallelism()}"
    )
    rows = []

    # ---- point in polygon ---------------------------------------------------------
    plon = np.array([10.0, 40.0, 45.0, 25.0, 5.0])
    plat = np.array([-20.0, -15.0, 10.0, 30.0, 5.0])
    poly = ConvexPolygon.from_lonlat(plon, plat, hull=True)
    spoly = poly.to_sphgeom()
    lon = rng.uniform(0, 60, n_points)
    lat = np.degrees(np.arcsin(rng.uniform(-0.6, 0.6, n_points)))
    t_us, ours = best_of(lambda: poly.contains(lon, lat), repeat)
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    t_sg, theirs = best_of(lambda: spoly.contains(lon_r, lat_r), repeat)
    t_np, base = best_of(lambda: numpy_contains(poly.vertices(), lon, lat), repeat)
    assert np.array_equal(ours, theirs), "contains differs from sphgeom"
    print(
        f"numpy baseline disagrees on {(base != ours).sum()} of {n_points} points (no exact test)"
    )
    rows.append(("contains, skymaps", n_points / t_us, 1.0))
    record("point in polygon", "skymaps", t_us, n_points)
    record("point in polygon", "lsst.sphgeom (radians in)", t_sg, n_points)
    record("point in polygon", "numpy baseline (inexact)", t_np, n_points)
    rows.append(("contains, sphgeom (radians in)", n_points / t_sg, t_sg / t_us))
    rows.append(("contains, numpy baseline", n_points / t_np, t_np / t_us))

    # ---- polygon-pair overlaps ----------------------------------------------------
    lon1, lat1 = polygon_vertices(rng, n_pairs, 0.5)
    lon2 = (lon1 + rng.uniform(-1, 1, (n_pairs, 1))) % 360
    lat2 = np.clip(lat1 + rng.uniform(-1, 1, (n_pairs, 1)), -90, 90)
    t_ov, flags = best_of(lambda: overlaps_many(lon1, lat1, lon2, lat2), repeat)

    def sphgeom_pairs():
        LonLat, UV, CP = sphgeom.LonLat, sphgeom.UnitVector3d, sphgeom.ConvexPolygon
        out = np.empty(n_sphgeom_pairs, dtype=bool)
        for i in range(n_sphgeom_pairs):
            a = CP([UV(LonLat.fromDegrees(x, y)) for x, y in zip(lon1[i], lat1[i], strict=True)])
            b = CP([UV(LonLat.fromDegrees(x, y)) for x, y in zip(lon2[i], lat2[i], strict=True)])
            out[i] = a.overlaps(b)
        return out

    t_sgo, sflags = best_of(sphgeom_pairs, 1)
    assert np.array_equal(flags[:n_sphgeom_pairs], sflags), "overlaps differs from sphgeom"
    rate_us, rate_sg = n_pairs / t_ov, n_sphgeom_pairs / t_sgo
    record("polygon pair overlaps (+construction)", "skymaps", t_ov, n_pairs)
    record("polygon pair overlaps (+construction)", "lsst.sphgeom", t_sgo, n_sphgeom_pairs)
    rows.append(("overlaps pairs (+construction), skymaps", rate_us, 1.0))
    rows.append(("overlaps pairs (+construction), sphgeom", rate_sg, rate_us / rate_sg))

    print(f"\n{'benchmark':45s} {'items/s':>14s} {'skymaps speed-up':>17s}")
    for name, rate, ratio in rows:
        print(f"{name:45s} {rate:14.3e} {ratio:16.1f}x")
    print(
        f"\ngoals: contains >= 3x sphgeom (got {t_sg / t_us:.1f}x); "
        f"overlaps >= 1e7 pairs/s (got {rate_us:.2e})"
    )


if __name__ == "__main__":
    main()
