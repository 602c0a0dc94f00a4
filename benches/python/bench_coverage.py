"""Coverage benchmarks: footprints -> (tract, patch) tables on hsc_rings_v1.

Times in one run, on the same footprints:

* skymaps: one 62-CCD DECam-like visit -> (tract, patch) table (as one union region,
  and as 62 detector footprints; goal < 200 us), and a batch of N detector footprints
  (goal >= 500,000 footprints/s on 2 cores);
* the lsst.skymap-style vertex-bbox approach (``findTractPatchList``: tracts whose
  outer region holds a vertex, patches from the vertices' pixel bounding box; here
  through skymaps' own ``find_tract_patch_list``), which also reports how many
  (footprint, patch) pairs it misses or adds compared with the exact answer;
* lsst.sphgeom brute force: every patch of every tract near the footprint (numpy
  bounding-circle prefilter), on a sample of footprints.

Usage: ``python benches/python/bench_coverage.py [--quick]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _timing import best_of, record

import skymaps
from skymaps import coverage as cov

DEG = np.pi / 180
DECAM_ROWS = [3, 4, 5, 6, 6, 7, 7, 6, 6, 5, 4, 3]


def tangent_to_sky(lon0, lat0, dx, dy):
    """Gnomonic deprojection of offsets (degrees) around (lon0, lat0); arrays (..., K)."""
    lon0, lat0 = np.radians(lon0)[..., None], np.radians(lat0)[..., None]
    x, y = np.radians(dx), np.radians(dy)
    cx, cy, cz = np.cos(lat0) * np.cos(lon0), np.cos(lat0) * np.sin(lon0), np.sin(lat0)
    ex, ey = -np.sin(lon0), np.cos(lon0)
    nx, ny, nz = -np.sin(lat0) * np.cos(lon0), -np.sin(lat0) * np.sin(lon0), np.cos(lat0)
    vx, vy, vz = cx + x * ex + y * nx, cy + x * ey + y * ny, cz + y * nz
    norm = np.sqrt(vx * vx + vy * vy + vz * vz)
    return np.degrees(np.arctan2(vy, vx)) % 360, np.degrees(np.arcsin(vz / norm))


def decam_visit(lon0, lat0):
    """(62, 4) vertex arrays of a DECam-like visit."""
    w, h = 2048 * 0.263 / 3600, 4096 * 0.263 / 3600
    dx, dy = [], []
    for r, n in enumerate(DECAM_ROWS):
        y0 = (r - len(DECAM_ROWS) / 2) * w * 1.05
        for k in range(n):
            x0 = (k - n / 2) * h * 1.02
            dx.append([x0, x0 + h, x0 + h, x0])
            dy.append([y0, y0, y0 + w, y0 + w])
    dx, dy = np.array(dx), np.array(dy)
    return tangent_to_sky(np.full(len(dx), lon0), np.full(len(dx), lat0), dx, dy)


def random_detectors(rng, n):
    """(n, 4) vertex arrays: HSC-sized detectors (0.1 x 0.2 deg) at random positions."""
    lon0 = rng.uniform(0, 360, n)
    lat0 = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    a, b = 0.05, 0.1
    dx = np.broadcast_to([-a, a, a, -a], (n, 4))
    dy = np.broadcast_to([-b, -b, b, b], (n, 4))
    return tangent_to_sky(lon0, lat0, dx, dy)


def pairs(table):
    d = table.to_pydict()
    return set(zip(d["footprint_id"], d["tract"], d["patch"], strict=True))


def vertex_bbox_pairs(sky, lon, lat):
    out = set()
    for i in range(len(lon)):
        for tract, patches in sky.find_tract_patch_list(lon[i], lat[i]):
            out.update((i, tract.id, p.id) for p in patches)
    return out


def sphgeom_brute(sky, lon, lat):
    import lsst.sphgeom as sg

    verts = np.array([t.outer_polygon_vertices for t in sky])
    centre = verts.sum(axis=1)
    centre /= np.linalg.norm(centre, axis=1)[:, None]
    radius = np.arccos(np.einsum("tk,tvk->tv", centre, verts).min(axis=1))
    patches: dict[int, list] = {}

    def run():
        out = set()
        for i in range(len(lon)):
            pts = [
                sg.UnitVector3d(sg.LonLat.fromDegrees(a, b))
                for a, b in zip(lon[i], lat[i], strict=True)
            ]
            region = sg.ConvexPolygon(pts)
            c = region.getBoundingCircle()
            v = np.array([c.getCenter().x(), c.getCenter().y(), c.getCenter().z()])
            near = np.nonzero(
                np.arccos(np.clip(centre @ v, -1, 1)) <= radius + c.getOpeningAngle().asRadians()
            )[0]
            for t in near:
                if t not in patches:
                    patches[t] = [
                        (p.id, sg.Region.decode(p.outer_polygon.encode())) for p in sky[int(t)]
                    ]
                for pid, poly in patches[t]:
                    if not region.relate(poly) & sg.DISJOINT:
                        out.add((i, int(t), pid))
        return out

    run()  # build the patch polygons once, outside the timing
    t0 = time.perf_counter()
    result = run()
    return result, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_batch = 10_000 if args.quick else 100_000
    n_peer = 300 if args.quick else 2_000
    repeat = 3 if args.quick else 5

    sky = skymaps.preset("hsc_rings_v1")
    cov.overlapping(sky, skymaps.Circle(0, 0, 0.1))  # build the index outside the timings
    rng = np.random.default_rng(0)

    print(f"hsc_rings_v1, {skymaps._core.get_parallelism() and 'parallel' or 'serial'}")
    vlon, vlat = decam_visit(150.1, 2.2)
    union = skymaps.UnionRegion(
        *(skymaps.ConvexPolygon.from_lonlat(a, b) for a, b in zip(vlon, vlat, strict=True))
    )
    t_union = best_of(lambda: cov.overlapping(sky, union, "patch"), 20)
    t_ccds = best_of(lambda: cov.coverage_from_vertices(sky, vlon, vlat, "patch"), 20)
    record("62-CCD visit (union) -> patches", "skymaps", t_union, 1)
    record("62-CCD visit (detectors) -> patches", "skymaps", t_ccds, 1)
    rows = cov.coverage_from_vertices(sky, vlon, vlat, "patch").num_rows
    print(
        f"62-CCD visit -> (tract, patch): union region {t_union * 1e6:8.0f} us; "
        f"62 detector footprints {t_ccds * 1e6:8.0f} us ({rows} rows)  [goal < 200 us]"
    )

    lon, lat = random_detectors(rng, n_batch)
    t_batch = best_of(lambda: cov.coverage_from_vertices(sky, lon, lat, "patch"), repeat)
    exact = cov.coverage_from_vertices(sky, lon, lat, "patch")
    task = "detector footprints -> (tract, patch)"
    record(task, "skymaps", t_batch, n_batch)
    print(
        f"batch of {n_batch:,} detectors -> (tract, patch): {t_batch:.3f} s = "
        f"{n_batch / t_batch:,.0f} footprints/s, {exact.num_rows:,} rows  [goal >= 500,000/s]"
    )

    sub_lon, sub_lat = lon[:n_peer], lat[:n_peer]
    exact_sub = pairs(cov.coverage_from_vertices(sky, sub_lon, sub_lat, "patch"))
    t0 = time.perf_counter()
    bbox = vertex_bbox_pairs(sky, sub_lon, sub_lat)
    t_bbox = time.perf_counter() - t0
    record(task, "vertex bbox (findTractPatchList)", t_bbox, n_peer)
    print(
        f"vertex-bbox (lsst.skymap findTractPatchList style), {n_peer:,} detectors: "
        f"{n_peer / t_bbox:,.0f} footprints/s (skymaps is "
        f"{t_bbox / (t_batch / n_batch * n_peer):,.0f}x faster); "
        f"misses {len(exact_sub - bbox)}, extra {len(bbox - exact_sub)} of {len(exact_sub)} pairs"
    )
    brute, t_brute = sphgeom_brute(sky, sub_lon, sub_lat)
    record(task, "lsst.sphgeom brute force", t_brute, n_peer)
    print(
        f"sphgeom brute force, {n_peer:,} detectors: {n_peer / t_brute:,.0f} footprints/s; "
        f"skymaps is {t_brute / (t_batch / n_batch * n_peer):,.0f}x faster; "
        f"identical pairs: {brute == exact_sub}"
    )


if __name__ == "__main__":
    main()
