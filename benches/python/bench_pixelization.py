"""Pixelization benchmarks: skymaps against healpy, cdshealpix, astropy-healpix,
lsst.sphgeom, esutil and mocpy, timed in one run.

Run ``python benches/python/bench_pixelization.py`` (or ``--quick`` for a seconds-long
smoke run, ``--covers-only`` to skip the point lookups). Prints throughput and ratios;
peers that are not installed are skipped.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _timing import record


def best_of(fn, repeat):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


#: The task the next rows time (printed above them; recorded with them).
_task = ""


def section(title, task):
    global _task
    _task = task
    print(title)


def row(name, n, t, ref=None):
    """Print a timing and record it: ``name`` is the library (skymaps' rows start
    with "skymaps", or "polygon: skymaps" / "circle: skymaps")."""
    shape, _, library = name.rpartition(": ")
    task = f"{_task}, {shape}" if shape else _task
    record(task, "skymaps" if library.startswith("skymaps") else library, t, n)
    rate = n / t if t > 0 else float("inf")
    ratio = f"{ref / t:8.2f}x" if ref is not None else "        "
    print(f"  {name:<38s} {t * 1e3:10.2f} ms {rate / 1e6:10.2f} M/s {ratio}")


def bench_points_healpix(n, repeat, order=12):
    import skymaps

    rng = np.random.default_rng(0)
    ra = rng.uniform(0, 360, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    nside = 1 << order
    section(f"\npoint -> HEALPix nested, order {order}, {n:,} points "
            f"(ratio = peer time / skymaps time; RAYON threads={os.cpu_count()})",
            f"point -> HEALPix order {order}")
    t_us, ours = best_of(lambda: skymaps.Healpix(order).index(ra, dec), repeat)
    row(f"skymaps.Healpix({order}).index", n, t_us)
    try:
        import healpy as hp

        t, ref = best_of(lambda: hp.ang2pix(nside, ra, dec, nest=True, lonlat=True), repeat)
        assert (ref == ours).all()
        row("healpy.ang2pix", n, t, t)
        print(f"    skymaps speed-up vs healpy: {t / t_us:.2f}x")
    except ImportError:
        print("  healpy: not installed")
    try:
        import astropy.units as u
        import cdshealpix

        lon, lat = ra * u.deg, dec * u.deg
        t, theirs = best_of(
            lambda: cdshealpix.lonlat_to_healpix(lon, lat, order, num_threads=0), repeat
        )
        row("cdshealpix (all threads)", n, t)
        print(f"    skymaps speed-up vs cdshealpix all threads: {t / t_us:.2f}x"
              f" (same ids on {np.mean(theirs == ours):.6%} of points)")
    except ImportError:
        print("  cdshealpix: not installed")
    try:
        import astropy.units as u
        from astropy_healpix import core as ahp

        lon_q, lat_q = ra * u.deg, dec * u.deg
        t, _ = best_of(lambda: ahp.lonlat_to_healpix(lon_q, lat_q, nside, order="nested"),
                       repeat)
        row("astropy_healpix.lonlat_to_healpix", n, t)
        print(f"    skymaps speed-up vs astropy-healpix: {t / t_us:.2f}x")
    except ImportError:
        print("  astropy-healpix: not installed")


def bench_points_htm(n, n_sphgeom, repeat):
    import skymaps

    rng = np.random.default_rng(1)
    ra = rng.uniform(0, 360, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    section(f"\npoint -> HTM level 20, {n:,} points", "point -> HTM level 20")
    t_us, ours = best_of(lambda: skymaps.Htm(20).index(ra, dec), repeat)
    row("skymaps.Htm(20).index", n, t_us)
    try:
        import lsst.sphgeom as sg

        pix = sg.HtmPixelization(20)
        m = n_sphgeom

        def run():
            pts = zip(ra[:m].tolist(), dec[:m].tolist(), strict=True)
            return np.array([pix.index(sg.UnitVector3d(sg.LonLat.fromDegrees(a, d)))
                             for a, d in pts], dtype=np.uint64)

        t, ref = best_of(run, 1)
        assert (ref == ours[:m]).all()
        t_scaled = t * n / m
        row(f"lsst.sphgeom (per point, {m:,} scaled)", n, t_scaled)
        print(f"    skymaps speed-up vs sphgeom: {t_scaled / t_us:.1f}x")
    except ImportError:
        print("  lsst.sphgeom: not installed")
    try:
        import esutil  # noqa: F401

        h = esutil.htm.HTM(20)
        t, theirs = best_of(lambda: h.lookup_id(ra, dec), repeat)
        row("esutil.htm.lookup_id", n, t)
        same = float(np.mean(theirs.astype(np.uint64) == ours))
        print(f"    skymaps speed-up vs esutil: {t / t_us:.1f}x "
              f"(esutil gives sphgeom's id for {same:.2%} of the points)")
    except ImportError:
        print("  esutil: not installed (pip install esutil)")


def _random_polygons(rng, count, radius_deg):
    out = []
    for _ in range(count):
        ra0 = rng.uniform(0, 360)
        dec0 = np.degrees(np.arcsin(rng.uniform(-0.95, 0.95)))
        nv = rng.integers(3, 8)
        pa = np.sort(rng.uniform(0, 2 * np.pi, nv))
        c = np.array([np.cos(np.radians(ra0)) * np.cos(np.radians(dec0)),
                      np.sin(np.radians(ra0)) * np.cos(np.radians(dec0)), np.sin(np.radians(dec0))])
        e = np.cross([0, 0, 1.0], c)
        e /= np.linalg.norm(e)
        nrt = np.cross(c, e)
        r = np.radians(radius_deg)
        verts = [np.cos(r) * c + np.sin(r) * (np.cos(p) * e + np.sin(p) * nrt) for p in pa]
        out.append(np.array(verts))
    return out


def _timed_loop(fn, items, repeat):
    return best_of(lambda: [fn(x) for x in items], repeat)


def bench_covers(count, repeat):
    import skymaps
    from skymaps.geometry import Circle, ConvexPolygon

    rng = np.random.default_rng(2)
    polys = _random_polygons(rng, count, 1.0)
    regions = [ConvexPolygon.from_vectors(p, hull=True) for p in polys]
    centers = [(float(rng.uniform(0, 360)),
                float(np.degrees(np.arcsin(rng.uniform(-0.95, 0.95))))) for _ in range(count)]
    circles = [Circle(a, d, 1.0) for a, d in centers]
    for order in (8, 12, 16):
        nside = 2**order
        hpx = skymaps.Healpix(order)
        section(f"\nregion (1 deg) -> HEALPix cover, order {order}, {count} regions",
                f"1-deg region -> HEALPix{order} cover")
        t_us, _ = _timed_loop(hpx.envelope, regions, repeat)
        row("polygon: skymaps envelope (exact)", count, t_us)
        t_uc, _ = _timed_loop(hpx.envelope, circles, repeat)
        row("circle: skymaps envelope (exact)", count, t_uc)
        try:
            import healpy as hp

            t, _ = _timed_loop(
                lambda p, n=nside: hp.query_polygon(n, p, inclusive=True, nest=True), polys, repeat)
            row("polygon: healpy query_polygon inclusive", count, t)
            print(f"    polygon speed-up vs healpy inclusive: {t / t_us:.2f}x")
            vecs = [hp.ang2vec(a, d, lonlat=True) for a, d in centers]
            t, _ = _timed_loop(
                lambda v, n=nside: hp.query_disc(n, v, np.radians(1.0), inclusive=True, nest=True),
                vecs, repeat)
            row("circle: healpy query_disc inclusive", count, t)
            print(f"    circle speed-up vs healpy inclusive: {t / t_uc:.2f}x")
        except ImportError:
            print("  healpy: not installed")
        try:
            import astropy.units as u
            import cdshealpix.nested as cn
            from astropy.coordinates import Latitude, Longitude

            lonlat = [(Longitude(np.arctan2(p[:, 1], p[:, 0]) * u.rad),
                       Latitude(np.arcsin(p[:, 2]) * u.rad)) for p in polys]
            t, _ = _timed_loop(
                lambda ll, o=order: cn.polygon_search(ll[0], ll[1], o, flat=True), lonlat, repeat)
            row("polygon: cdshealpix polygon_search", count, t)
            print(f"    polygon speed-up vs cdshealpix: {t / t_us:.2f}x")
            cc = [(Longitude(a * u.deg), Latitude(d * u.deg)) for a, d in centers]
            t, _ = _timed_loop(
                lambda c, o=order: cn.cone_search(c[0], c[1], 1.0 * u.deg, o, flat=True),
                cc, repeat)
            row("circle: cdshealpix cone_search (approx)", count, t)
            print(f"    circle speed-up vs cdshealpix: {t / t_uc:.2f}x")
            import mocpy

            t, _ = _timed_loop(
                lambda ll, o=order: mocpy.MOC.from_polygon(ll[0], ll[1], max_depth=o),
                lonlat, repeat)
            row("polygon: mocpy MOC.from_polygon", count, t)
            print(f"    polygon speed-up vs mocpy: {t / t_us:.2f}x")
        except ImportError:
            print("  cdshealpix/mocpy: not installed")
    print("\npolygon -> HTM envelope (max_ranges=0) vs lsst.sphgeom")
    try:
        import lsst.sphgeom as sg
    except ImportError:
        print("  lsst.sphgeom: not installed")
        return
    sgpolys = [sg.Region.decode(r.encode()) for r in regions]
    for level in (7, 12, 16):
        htm = skymaps.Htm(level)
        pix = sg.HtmPixelization(level)
        t_us, ours = _timed_loop(htm.envelope, regions, repeat)
        t, ref = _timed_loop(pix.envelope, sgpolys, repeat)
        same = all(o.ranges().tolist() == [list(x) for x in r]
                   for o, r in zip(ours, ref, strict=True))
        record(f"polygon -> HTM{level} envelope", "skymaps", t_us, len(regions))
        record(f"polygon -> HTM{level} envelope", "lsst.sphgeom", t, len(regions))
        print(f"  level {level:2d}: skymaps {t_us * 1e3:8.1f} ms, sphgeom {t * 1e3:8.1f} ms, "
              f"speed-up {t / t_us:5.2f}x, identical={same}")
        t_b, _ = best_of(lambda h=htm: h.envelope_pixels_many(regions), repeat)
        print(f"            envelope_pixels_many (parallel, pixel lists): {t_b * 1e3:8.1f} ms")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="seconds-long smoke run")
    ap.add_argument("--covers-only", action="store_true",
                    help="only the region -> pixels covers (skip the point lookups)")
    args = ap.parse_args()
    n = 200_000 if args.quick else 10_000_000
    repeat = 1 if args.quick else 3
    if not args.covers_only:
        bench_points_healpix(n, repeat, order=10)  # issue 17's row
        bench_points_healpix(n, repeat)
        bench_points_htm(n if args.quick else 2_000_000, 20_000 if args.quick else 200_000,
                         repeat)
    # Covers of single regions take micro- to milliseconds: take the best of more runs.
    bench_covers(10 if args.quick else 40, 1 if args.quick else 7)


if __name__ == "__main__":
    main()
