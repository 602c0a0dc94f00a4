"""Skymap benchmarks: point lookups and building every tract/patch polygon.

Times skymaps and its peers in one run and prints a table of throughput and ratios:

* ``find_tract_patch`` on N random points of hsc_rings_v1 (goal, issue 17: >= 1.5x the
  throughput of healpy's single-threaded ``ang2pix`` at nside 1024, timed on the same
  points);
* ``find_tract`` alone, and ``lsst.skymap``'s own vectorized ring arithmetic
  (``findTractIdArray``, reproduced here in numpy because lsst.skymap cannot be
  installed) as the peer;
* building every tract and patch outer polygon of hsc_rings_v1 (18,938 tracts,
  1,533,978 patches; goal < 1 s).

Usage: ``python benches/python/bench_skymap.py [--quick]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _timing import best_of, record

import skymaps

HSC = dict(projection="TAN", pixel_scale=0.168, tract_overlap=1 / 60)


def lsst_find_tract_id_array(ring_nums: np.ndarray, ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
    """lsst.skymap RingsSkyMap.findTractIdArray's numpy arithmetic (radians)."""
    num_rings = len(ring_nums)
    ring_size = np.pi / (num_rings + 1)
    first = ring_size * 0.5 - 0.5 * np.pi
    ring = np.zeros(len(dec), dtype=np.int32)
    ring[dec < first] = -1
    ring[dec > -first] = num_rings
    mid = (dec >= first) & (dec <= -first)
    ring[mid] = ((dec[mid] - first) / ring_size).astype(np.int32)
    out = np.full(len(ra), -1, dtype=np.int32)
    out[ring == -1] = 0
    out[ring == num_rings] = ring_nums.sum() + 1
    idx = np.where(out < 0)[0]
    cum = np.cumsum(np.insert(ring_nums, 0, 0))
    wrap = ra[idx] % (2 * np.pi)
    t = (wrap / (2 * np.pi / ring_nums[ring[idx]]) + 0.5).astype(np.int32)
    t[t == ring_nums[ring[idx]]] = 0
    out[idx] = cum[ring[idx]] + t + 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="seconds-long smoke run")
    args = ap.parse_args()
    n = 1_000_000 if args.quick else 10_000_000
    repeat = 1 if args.quick else 3

    t0 = time.perf_counter()
    sky = skymaps.RingsSkyMap(120, **HSC)
    build = time.perf_counter() - t0

    rng = np.random.default_rng(42)
    lon = rng.uniform(0.0, 360.0, n)
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))

    rows: list[tuple[str, str, float, float]] = []  # (what, who, seconds, items)
    rows.append(("build skymap (18,938 tracts)", "skymaps", build, 18938))

    t = best_of(lambda: sky.find_tract_patch(lon, lat), repeat)
    rows.append(("find_tract_patch", "skymaps", t, n))
    t = best_of(lambda: sky.find_tract(lon, lat), repeat)
    rows.append(("find_tract", "skymaps", t, n))
    ring_nums = np.array(
        [
            int(2 * np.pi * np.cos(min(abs(s), abs(s + np.pi / 121))) / (np.pi / 121)) + 1
            for s in ((np.pi / 121) * (i + 0.5) - np.pi / 2 for i in range(120))
        ]
    )
    ra_r, dec_r = np.radians(lon), np.radians(lat)
    theirs = lsst_find_tract_id_array(ring_nums, ra_r, dec_r)
    agree = np.mean(theirs == sky.find_tract(lon, lat))
    t = best_of(lambda: lsst_find_tract_id_array(ring_nums, ra_r, dec_r), repeat)
    rows.append(("find_tract", "lsst.skymap numpy (findTractIdArray)", t, n))
    try:
        import healpy

        t = best_of(lambda: healpy.ang2pix(1024, lon, lat, lonlat=True), repeat)
        rows.append(("ang2pix nside=1024 (reference speed)", "healpy", t, n))
    except ImportError:
        pass

    tract_ids = list(range(2000 if args.quick else len(sky)))
    t0 = time.perf_counter()
    verts, counts = sky._core._outer_polygon_vertices(tract_ids)
    t = time.perf_counter() - t0
    n_poly = len(tract_ids) + int(counts.sum())
    assert verts.size == n_poly * 12
    rows.append(
        (
            f"outer polygons ({len(tract_ids)} tracts + {int(counts.sum())} patches)",
            "skymaps",
            t,
            n_poly,
        )
    )

    if not args.quick:
        t0 = time.perf_counter()
        built = sky._core._build_outer_polygons()
        t = time.perf_counter() - t0
        rows.append((f"build all outer polygons in Rust ({built})", "skymaps", t, built))

    for what, who, sec, items in rows:
        if who == "healpy":  # the reference speed for a point lookup
            record("find_tract_patch", "healpy ang2pix (reference)", sec, items)
        else:
            record(what, who, sec, items)
    ref = {r[0]: r for r in rows if r[1] == "skymaps"}
    print(f"{'benchmark':<52} {'library':<38} {'time s':>9} {'M items/s':>10} {'ratio':>7}")
    for what, who, sec, items in rows:
        mine = ref.get(what)
        ratio = f"{sec / mine[2]:7.2f}" if mine and who != "skymaps" else "      -"
        print(f"{what:<52} {who:<38} {sec:9.4f} {items / sec / 1e6:10.2f} {ratio}")
    hp = [r for r in rows if r[1] == "healpy"]
    if hp:
        mine = ref["find_tract_patch"]
        print(
            f"\nfind_tract_patch / healpy ang2pix throughput: "
            f"{(mine[3] / mine[2]) / (hp[0][3] / hp[0][2]):.2f}x"
        )
    print(
        f"find_tract agrees with lsst.skymap's arithmetic on {agree:.6%} of points "
        "(differences only at last-ulp boundary cases)"
    )


if __name__ == "__main__":
    main()
