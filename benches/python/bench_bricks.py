"""Survey grids: brick id and brick name of N random points, skymaps against
``desiutil.brick.Bricks`` (the DESI reference code), and point -> (HEALPix tract,
patch) against healpy's ``ang2pix``, and point -> HTM tract against lsst.sphgeom's
``HtmPixelization.index`` (per point from Python, timed on a subset and scaled), in one
run, with the ratios.

Goals (issue 11): >= 3x desiutil for ids, >= 20x for names (10M points, 2 cores).
Also times the owning (brick, patch) lookup and building the 662,174-brick skymap.

Usage: ``python benches/python/bench_bricks.py [--quick] [-n N]``.
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import best_of, record

import skymaps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1M points, one repeat")
    ap.add_argument("-n", type=int, default=10_000_000)
    args = ap.parse_args()
    n = 1_000_000 if args.quick else args.n
    repeat = 1 if args.quick else 3
    from desiutil.brick import Bricks

    rng = np.random.default_rng(1)
    ra = rng.uniform(0, 360, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))

    t_build = best_of(lambda: skymaps.BrickSkyMap(), 1)
    sky = skymaps.BrickSkyMap()
    desi = Bricks(0.25)
    ids = sky.find_tract(ra, dec)
    assert np.array_equal(ids, desi.brickid(ra, dec)), "brick ids differ from desiutil"
    rows = []
    t_ours = best_of(lambda: sky.find_tract(ra, dec), repeat)
    t_desi = best_of(lambda: desi.brickid(ra, dec), repeat)
    rows.append(("brick id", t_ours, t_desi))
    t_ours_n = best_of(lambda: sky.brick_names(sky.find_tract(ra, dec)), repeat)
    t_desi_n = best_of(lambda: desi.brickname(ra, dec), repeat)
    rows.append(("brick name", t_ours_n, t_desi_n))
    sky.find_tract_patch(ra[:10], dec[:10])  # builds the patch table once
    t_tp = best_of(lambda: sky.find_tract_patch(ra, dec), repeat)

    import healpy

    order = 6
    hpx = skymaps.HealpixSkyMap(order=order)
    tracts, _ = hpx.find_tract_patch(ra, dec)
    expected = healpy.ang2pix(2**order, ra, dec, nest=True, lonlat=True)
    assert np.array_equal(tracts, expected), "HEALPix tract ids differ from healpy"
    t_hpx = best_of(lambda: hpx.find_tract_patch(ra, dec), repeat)
    t_healpy = best_of(lambda: healpy.ang2pix(2**order, ra, dec, nest=True, lonlat=True), repeat)
    rows.append((f"hpx{order} t,p", t_hpx, t_healpy))
    level = 6
    htm_row = bench_htm_tracts(ra, dec, level, repeat)
    if htm_row is not None:
        rows.append(htm_row)
    peers = {
        "brick id": "desiutil",
        "brick name": "desiutil",
        f"hpx{order} t,p": "healpy ang2pix",
        f"htm{level} tract": "lsst.sphgeom index (scaled)",
    }
    tasks = {f"hpx{order} t,p": f"point -> HEALPix{order} tract,patch",
             f"htm{level} tract": f"point -> HTM{level} tract"}
    for name, ours, theirs in rows:
        task = tasks.get(name, f"point -> {name}")
        record(task, "skymaps", ours, n)
        record(task, peers[name], theirs, n)
    record("point -> (brick, patch)", "skymaps", t_tp, n)

    print(f"{n:,} random points; skymaps.BrickSkyMap() built in {t_build:.2f} s")
    print(f"{'task':<12} {'skymaps M/s':>12} {'peer M/s':>13} {'ratio':>7}  (peer: desiutil;")
    print("  healpy ang2pix for the HEALPix tract grid, which gives the tract id alone;")
    print("  lsst.sphgeom HtmPixelization.index per point for the HTM tract grid)")
    for name, ours, theirs in rows:
        print(
            f"{name:<12} {n / ours / 1e6:>12.1f} {n / theirs / 1e6:>13.2f} {theirs / ours:>6.1f}x"
        )
    print(f"{'brick,patch':<12} {n / t_tp / 1e6:>12.1f} {'-':>13} {'':>7}")


def bench_htm_tracts(ra, dec, level, repeat):
    """(row name, skymaps seconds, sphgeom seconds scaled to all points) for
    point -> ``HtmSkyMap(level)`` tract, or None without lsst.sphgeom."""
    try:
        import lsst.sphgeom as sg
    except ImportError:
        print("lsst.sphgeom not installed: no HTM tract row")
        return None
    sky = skymaps.HtmSkyMap(level=level)
    ours = sky.find_tract(ra, dec)
    t_ours = best_of(lambda: sky.find_tract(ra, dec), repeat)
    pix = sg.HtmPixelization(level)
    m = min(len(ra), 200_000)

    def sphgeom_ids():
        pts = zip(ra[:m].tolist(), dec[:m].tolist(), strict=True)
        return np.array(
            [pix.index(sg.UnitVector3d(sg.LonLat.fromDegrees(a, d))) for a, d in pts],
            dtype=np.int64,
        )

    ref = sphgeom_ids()
    assert np.array_equal(ours[:m], ref), "HTM tract ids differ from sphgeom"
    t_sphgeom = best_of(sphgeom_ids, 1) * len(ra) / m
    return (f"htm{level} tract", t_ours, t_sphgeom)


if __name__ == "__main__":
    main()
