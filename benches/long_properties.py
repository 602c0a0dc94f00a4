"""Long property runs (not CI; the tests keep short versions): ownership, envelopes, memory.

    python benches/long_properties.py                 # 10^7 points, 10^5 regions, 10^8-point memory
    python benches/long_properties.py --quick         # 10^5 points, 10^3 regions, 10^7-point memory

1. **Ownership**, for every preset and every skymap kind: uniform random points plus
   points on tract edges and corners (inner-polygon vertices and edge midpoints), on RA
   0/360 and at the poles. Each must have exactly one owner (``find_tract`` != -1 on a
   full-sky skymap, and the same owner from ``find_tract_patch``), the owner's inner
   region must contain it, and on a sample its patch's inner polygon too. HEALPix
   kinds own by the curved pixel while their inner polygon has great-circle edges
   (documented slivers): points in a sliver are counted, not failed. Points exactly
   on a shared edge (vertices, edge midpoints) are counted apart
   (``on_edge_not_in_inner``): there the owner follows the tessellation's own rule
   (e.g. sphgeom's HTM index) and exact containment may pick the neighbour. Points of
   a tract's inner region beyond its pixel box (discrete circles, dodeca faces) have no
   patch (-1, where lsst.skymap's ``findPatch`` raises): counted as
   ``beyond_patch_grid``; a -1 inside the box is a violation (``patch_missing``).
2. **Envelopes and interiors** of random circles, boxes and polygons (radius 1e-4 to
   60 degrees), each at one HTM level and one HEALPix order down to 20, chosen so its
   envelope has at most ~2,000 pixels. Never miss a pixel: 20 random points inside the
   region and 32 inside it within ~1e-10 of its radius from the boundary map
   (sphgeom ``HtmPixelization.index`` / ``healpy.ang2pix``) to pixels in the envelope;
   interiors never include an outside pixel: every interior pixel (none skipped) has
   its corners and 7 points along each edge inside the region (trixels computed from
   the HTM definition and checked against sphgeom's, ``healpy.boundaries``). HTM
   envelopes are also compared with sphgeom's whole.
3. **Memory of a big lookup**: peak RSS of ``find_tract_patch`` over N points in a
   fresh process, minus the inputs, per point (the two int64 outputs are 16 B/point).

Prints the counts run and the violations found; exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import subprocess
import sys
import time

import numpy as np

import skymaps


def skymaps_to_check(quick: bool, only: list[str] | None = None) -> dict[str, skymaps.SkyMap]:
    """Every preset (healpix8's build takes ~40 s: skipped with --quick) and one small
    skymap of each kind no preset covers (or the ones named in ``only``)."""
    factories = {name: _preset(name) for name in skymaps.config.PRESETS}
    if quick:
        del factories["healpix8"]
    factories.update(
        {
            "discrete(3)": lambda: skymaps.DiscreteSkyMap(
                [10.0, 359.8, 180.0], [-5.0, 0.1, 89.0], [2.0, 1.5, 3.0], pixel_scale=0.2
            ),
            "dodeca": skymaps.DodecaSkyMap,
            "equat(40)": lambda: skymaps.EquatSkyMap(40, [-60.0, 60.0], pixel_scale=0.2),
            "htm_grid(5)": lambda: skymaps.HtmSkyMap(5),
            "healpix_grid(4)": lambda: skymaps.HealpixSkyMap(4),
            "legacy_healpix(3)": lambda: skymaps.LegacyHealpixSkyMap(3),
        }
    )
    return {k: f() for k, f in factories.items() if only is None or k in only}


def _preset(name: str):
    return lambda: skymaps.preset(name)


def uniform(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(0.0, 360.0, n), np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))


def edge_points(skymap: skymaps.SkyMap, max_tracts: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    """Inner-polygon corners and edge midpoints of (up to) max_tracts tracts, RA 0/360
    lines and the poles."""
    lons, lats = [[0.0, 0.0, 360.0, 360.0, 0.0, 180.0]], [[90.0, -90.0, 90.0, -90.0, 0.0, 0.0]]
    lat_line = np.linspace(-90.0, 90.0, 2001)
    lons += [np.zeros_like(lat_line), np.full_like(lat_line, 360.0)]
    lats += [lat_line, lat_line]
    step = max(1, len(skymap) // max_tracts)
    for tract in itertools.islice(iter(skymap), 0, None, step):
        try:
            polygon = tract.inner_polygon
        except skymaps.InvalidRegionError:  # a polar cap: covered by the pole points
            continue
        v = np.asarray(polygon.vertices_xyz(), dtype=float).reshape(-1, 3)
        mids = v + np.roll(v, -1, axis=0)
        for xyz in (v, mids):
            xyz = xyz / np.linalg.norm(xyz, axis=1)[:, None]
            lons.append(np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0])) % 360.0)
            lats.append(np.degrees(np.arcsin(np.clip(xyz[:, 2], -1, 1))))
    return np.concatenate(lons), np.concatenate(lats)


def check_ownership(name, skymap, lon, lat, full_sky: bool, patch_sample: int, rng) -> dict:
    tract = skymap.find_tract(lon, lat)
    t, p = skymap.find_tract_patch(lon, lat)
    bad = {"no_owner": 0, "tract_mismatch": 0, "not_in_inner": 0, "patch_not_in_inner": 0}
    bad["tract_mismatch"] = int(np.count_nonzero(tract != t))
    if full_sky:
        bad["no_owner"] = int(np.count_nonzero(tract < 0))
    owned = np.nonzero(tract >= 0)[0]
    order = owned[np.argsort(tract[owned], kind="stable")]
    ids, starts = np.unique(tract[order], return_index=True)
    for tract_id, group in zip(ids, np.split(order, starts[1:]), strict=True):
        inside = skymap[int(tract_id)].inner_region.contains(lon[group], lat[group])
        bad["not_in_inner"] += int(np.count_nonzero(~np.asarray(inside)))
    for i in rng.choice(owned, size=min(patch_sample, len(owned)), replace=False):
        owner = skymap[int(t[i])]
        if p[i] < 0:
            outside = _outside_patch_grid(owner, float(lon[i]), float(lat[i]))
            key = "beyond_patch_grid" if outside else "patch_missing"
            bad[key] = bad.get(key, 0) + 1
            continue
        patch = owner.patch(int(p[i]))
        if not patch.inner_polygon.contains(float(lon[i]), float(lat[i])):
            key = "patch_not_in_inner"
            if _outside_patch_grid(owner, float(lon[i]), float(lat[i])):
                key = "beyond_patch_grid"  # in the tract's inner region, past its patches
            bad[key] = bad.get(key, 0) + 1
    return bad


#: HEALPix kinds: the owner is the curved pixel, the inner polygon joins its corners by
#: great circles (documented slivers), so "inside the inner polygon" is not expected there.
SLIVERS = ("healpix8", "healpix_grid(4)", "legacy_healpix(3)")
#: Non-TAN projections: a patch's pixel box has curved edges on the sky, its inner
#: polygon joins the corners by great circles (as lsst.skymap's), so slivers again.
CURVED_PATCH_EDGES = ("equat(40)", "dodeca")  # CEA, STG
#: Skymaps that do not cover the whole sky (points outside have no owner).
PARTIAL = ("discrete(3)", "equat(40)")


def _outside_patch_grid(tract, lon: float, lat: float) -> bool:
    """Whether the point's pixel lies outside the tract's pixel box (its patch grid)."""
    x, y = tract.wcs.sky_to_pixel(lon, lat)
    box = tract.bbox
    return not (box.x0 - 0.5 <= x < box.x0 + box.width - 0.5) or not (
        box.y0 - 0.5 <= y < box.y0 + box.height - 0.5
    )


def run_ownership(args, rng) -> int:
    violations = 0
    print("== ownership: exactly one owner, inside its inner region")
    for name, skymap in skymaps_to_check(args.quick, getattr(args, "skymaps", None)).items():
        start = time.perf_counter()
        full_sky = name not in PARTIAL
        totals: dict[str, int] = {}
        n_done = 0
        batches = [edge_points(skymap)]
        for first in range(0, args.points, 1_000_000):
            batches.append(uniform(rng, min(1_000_000, args.points - first)))
        for batch, (lon, lat) in enumerate(batches):
            bad = check_ownership(name, skymap, lon, lat, full_sky, 2_000, rng)
            if name in SLIVERS:
                bad["in_sliver(documented)"] = bad.pop("not_in_inner")
            if name in CURVED_PATCH_EDGES:
                bad["patch_in_sliver(documented)"] = bad.pop("patch_not_in_inner")
            if batch == 0:  # exactly on shared edges: reported apart, see the docstring
                for key in ("not_in_inner", "patch_not_in_inner", "patch_in_sliver(documented)"):
                    if key in bad:
                        bad[f"on_edge:{key}"] = bad.pop(key)
            for k, v in bad.items():
                totals[k] = totals.get(k, 0) + v
            n_done += len(lon)
        found = sum(
            v for k, v in totals.items() if not any(w in k for w in ("sliver", "on_edge", "beyond"))
        )
        violations += found
        print(
            f"{name:22s} {len(skymap):>8,} tracts  {n_done:>12,} points "
            f"({n_done - args.points:,} edge/RA0/pole)  violations {found}  {totals}  "
            f"{time.perf_counter() - start:.0f}s",
            flush=True,
        )
    return violations


def random_region(rng):
    """A random circle, box or polygon (radius log-uniform from 1e-4 to 60 degrees)."""
    lon, lat = uniform(rng, 1)
    lon, lat = float(lon[0]), float(lat[0])
    size = float(10 ** rng.uniform(-4, np.log10(60)))
    kind = rng.integers(3)
    if kind == 0:
        return skymaps.Circle(lon, lat, size)
    if kind == 1:
        lat0 = max(-90.0, lat - size / 2)
        return skymaps.Box(lon, lon + size, lat0, min(90.0, lat0 + size))
    angles = np.sort(rng.uniform(0, 2 * np.pi, rng.integers(3, 7)))
    radius = min(size, 80.0)
    center = skymaps.Circle(lon, lat, radius)
    plon, plat = _offsets(lon, lat, radius, angles)
    try:
        return skymaps.ConvexPolygon.from_lonlat(plon, plat, hull=True)
    except skymaps.InvalidRegionError:
        return center


def _offsets(lon, lat, radius, angles):
    """Points at ``radius`` degrees from (lon, lat) at the given position angles."""
    lat_r, lon_r, r = np.radians(lat), np.radians(lon), np.radians(radius)
    out_lat = np.arcsin(np.sin(lat_r) * np.cos(r) + np.cos(lat_r) * np.sin(r) * np.cos(angles))
    out_lon = lon_r + np.arctan2(
        np.sin(angles) * np.sin(r) * np.cos(lat_r), np.cos(r) - np.sin(lat_r) * np.sin(out_lat)
    )
    return np.degrees(out_lon) % 360.0, np.degrees(out_lat)


def points_inside(region, rng, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Up to k random points inside ``region`` (rejection from its bounding circle)."""
    circle = region.bounding_circle()
    (c_lon, c_lat), radius = circle.center, circle.radius
    n = 50 * k
    cos_r = np.cos(np.radians(min(radius, 180.0)))
    z = rng.uniform(cos_r, 1.0, n)
    angles = rng.uniform(0, 2 * np.pi, n)
    lon, lat = _offsets(c_lon, c_lat, np.degrees(np.arccos(z)), angles)
    keep = np.asarray(region.contains(lon, lat))
    return lon[keep][:k], lat[keep][:k]


def points_near_boundary(region, rng, k: int, steps: int = 34) -> tuple[np.ndarray, np.ndarray]:
    """k points inside ``region`` within ~1e-10 of its radius from its boundary, where
    an envelope is most likely to miss a pixel: bisection along k random rays from the
    bounding circle's centre (none when the centre is outside the region)."""
    circle = region.bounding_circle()
    (c_lon, c_lat), radius = circle.center, min(circle.radius, 180.0)
    if not region.contains(c_lon, c_lat):
        return np.empty(0), np.empty(0)
    angles = rng.uniform(0, 2 * np.pi, k)
    lo, hi = np.zeros(k), np.full(k, radius)
    for _ in range(steps):  # lo stays inside, hi outside (or at the bounding circle)
        mid = 0.5 * (lo + hi)
        inside = np.asarray(region.contains(*_offsets(c_lon, c_lat, mid, angles)))
        lo, hi = np.where(inside, mid, lo), np.where(inside, hi, mid)
    lon, lat = _offsets(c_lon, c_lat, lo, angles)
    keep = np.asarray(region.contains(lon, lat))
    return lon[keep], lat[keep]


#: sphgeom's HTM root triangles (S0..S3, N0..N3), as unit vectors.
_X, _Y, _Z = np.eye(3)
HTM_ROOTS = np.array(
    [
        [_X, -_Z, _Y], [_Y, -_Z, -_X], [-_X, -_Z, -_Y], [-_Y, -_Z, _X],
        [_X, _Z, -_Y], [-_Y, _Z, -_X], [-_X, _Z, _Y], [_Y, _Z, _X],
    ]
)


def htm_triangles(pixels: np.ndarray, level: int) -> np.ndarray:
    """(N, 3, 3) vertices of HTM trixels, by the HTM definition (root triangle, then
    one of four children per level: corner 0, 1, 2 or the middle), vectorised; checked
    against ``sphgeom.HtmPixelization.triangle`` on a sample."""
    pixels = np.asarray(pixels, dtype=np.uint64)
    v = HTM_ROOTS[((pixels >> np.uint64(2 * level)) & np.uint64(7)).astype(np.intp)].copy()
    for shift in range(2 * level - 2, -1, -2):
        child = ((pixels >> np.uint64(shift)) & np.uint64(3)).astype(np.intp)
        m12, m20, m01 = (_unit(v[:, a] + v[:, b]) for a, b in ((1, 2), (2, 0), (0, 1)))
        corner = v[np.arange(len(v)), np.minimum(child, 2)]
        middle = child == 3
        v = np.where(
            middle[:, None, None],
            np.stack([m12, m20, m01], axis=1),
            np.stack(
                [
                    corner,
                    np.choose(child[:, None] % 3, [m01, m12, m20]),
                    np.choose(child[:, None] % 3, [m20, m01, m12]),
                ],
                axis=1,
            ),
        )
    return v


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _edge_samples(corners: np.ndarray, per_edge: int = 7) -> np.ndarray:
    """(N, k, 3) corners plus ``per_edge`` points along each great-circle edge."""
    t = np.arange(1, per_edge + 1)[:, None] / (per_edge + 1)
    edges = [
        _unit(corners[:, None, a] * (1 - t) + corners[:, None, b] * t)
        for a, b in ((0, 1), (1, 2), (2, 0))
    ]
    return np.concatenate([corners, *edges], axis=1)


def _lonlat(xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xyz = xyz.reshape(-1, 3)
    lon = np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0])) % 360.0
    return lon, np.degrees(np.arcsin(np.clip(xyz[:, 2], -1.0, 1.0)))


def _outside_pixels(region, samples: np.ndarray) -> int:
    """How many pixels (rows of (N, k, 3) sample points) have a point outside ``region``."""
    if len(samples) == 0:
        return 0
    inside = np.asarray(region.contains(*_lonlat(samples))).reshape(samples.shape[:2])
    return int(np.count_nonzero(~inside.all(axis=1)))


#: At most about this many pixels in a region's envelope: every interior pixel is
#: checked, so the level is chosen per region to keep the count bounded.
MAX_PIXELS = 2_000


def _deepest(region_sr: float, pixel_sr_at_0: float, cap: int) -> int:
    """The deepest level/order (pixels 4x smaller each) whose pixel count over
    ``region_sr`` stays near MAX_PIXELS."""
    level = int(np.floor(np.log(MAX_PIXELS * pixel_sr_at_0 / max(region_sr, 1e-30)) / np.log(4)))
    return int(np.clip(level, 0, cap))


def _pick_level(rng, deepest: int) -> int:
    """Mostly the deepest levels (small pixels along the edge), sometimes any level."""
    if rng.random() < 0.2:
        return int(rng.integers(0, deepest + 1))
    return max(0, deepest - int(rng.integers(0, 4)))


def run_envelopes(args, rng) -> int:
    """Envelopes never miss a pixel, interiors never include an outside one, on
    ``args.regions`` random regions (see :func:`check_region`); prints the counts."""
    print("== envelopes never miss a pixel, interiors never include an outside one")
    counts: dict[str, int] = {}
    start = time.perf_counter()
    report = max(1, args.regions // 10)
    for i in range(args.regions):
        for key, value in check_region(random_region(rng), rng).items():
            counts[key] = counts.get(key, 0) + value
        if (i + 1) % report == 0 or i + 1 == args.regions:
            print(f"{counts}  {time.perf_counter() - start:.0f}s", flush=True)
    return sum(counts.get(k, 0) for k in ("missed", "outside", "htm_differs", "geometry_differs"))


def check_region(region, rng) -> dict[str, int]:
    """One region at one HTM level and one HEALPix order, each chosen so its envelope
    has at most ~MAX_PIXELS pixels (deep levels for small regions, up to 20):

    * missed: of 20 random points inside and 32 inside within ~1e-10 of a radius of the
      boundary, how many fall in a pixel (sphgeom ``HtmPixelization.index`` /
      ``healpy.ang2pix``) that is not in the envelope;
    * outside: how many interior pixels (every one) have a corner or one of 7 points
      along an edge outside the region (HTM trixels from :func:`htm_triangles`;
      HEALPix boundaries from ``healpy.boundaries``);
    * htm_differs: the HTM envelope is not sphgeom's;
    * geometry_differs: :func:`htm_triangles` disagrees with sphgeom's triangle.
    """
    import healpy
    import lsst.sphgeom as sg

    c: dict[str, int] = dict.fromkeys(
        ("regions", "points", "htm_envelope_pixels", "htm_interior_pixels",
         "healpix_envelope_pixels", "healpix_interior_pixels", "missed", "outside",
         "htm_differs", "geometry_differs"), 0,
    )  # fmt: skip
    c["regions"] = 1
    inside, near_edge = points_inside(region, rng, 20), points_near_boundary(region, rng, 32)
    lon, lat = (np.concatenate(pair) for pair in zip(inside, near_edge, strict=True))
    c["points"] = len(lon)
    bounding = region.bounding_circle()
    area = 2 * np.pi * (1 - np.cos(np.radians(min(bounding.radius, 180.0))))

    level = _pick_level(rng, _deepest(area, np.pi / 2, 20))
    htm, oracle = skymaps.Htm(level), sg.HtmPixelization(level)
    envelope = htm.envelope(region)
    pixels = envelope.pixels()
    c["htm_envelope_pixels"] = len(pixels)
    theirs = oracle.envelope(region.to_sphgeom())
    c["htm_differs"] = int(_ranges(theirs) != _ranges(envelope))
    index = np.array(
        [
            oracle.index(sg.UnitVector3d(sg.LonLat.fromDegrees(a, b)))
            for a, b in zip(lon, lat, strict=True)
        ],
        dtype=np.uint64,
    )
    c["missed"] += int(np.count_nonzero(~np.isin(index, pixels)))
    interior = htm.interior(region).pixels()
    c["htm_interior_pixels"] = len(interior)
    if len(interior):
        triangles = htm_triangles(interior, level)
        k = int(rng.integers(len(interior)))
        expected = [[v.x(), v.y(), v.z()] for v in oracle.triangle(int(interior[k])).getVertices()]
        c["geometry_differs"] = int(not np.allclose(triangles[k], expected, rtol=0, atol=1e-15))
        c["outside"] += _outside_pixels(region, _edge_samples(triangles))

    order = _pick_level(rng, _deepest(area, np.pi / 3, 20))
    nside = 2**order
    hp = skymaps.Healpix(order)
    pixels = hp.envelope(region).pixels()
    c["healpix_envelope_pixels"] = len(pixels)
    index = healpy.ang2pix(nside, lon, lat, nest=True, lonlat=True)
    c["missed"] += int(np.count_nonzero(~np.isin(index, pixels)))
    interior = hp.interior(region).pixels()
    c["healpix_interior_pixels"] = len(interior)
    if len(interior):
        xyz = healpy.boundaries(nside, interior.astype(np.int64), step=8, nest=True)
        c["outside"] += _outside_pixels(region, np.transpose(xyz.reshape(-1, 3, 32), (0, 2, 1)))
    return c


def _ranges(rangeset) -> list[tuple[int, int]]:
    return [tuple(map(int, r)) for r in rangeset.ranges()]


MEMORY = """
import sys, numpy as np, skymaps

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

n = int(sys.argv[1])
skymap = skymaps.preset("hsc_rings_v1")
rng = np.random.default_rng(0)
lon = rng.uniform(0, 360, n)
lat = rng.uniform(-90, 90, n)
skymap.find_tract_patch(lon[:1000], lat[:1000])  # lazily built tables first
open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to now
before = status("VmRSS")
t, p = skymap.find_tract_patch(lon, lat)
print((status("VmHWM") - before) / n)
"""


def run_memory(args) -> None:
    print(f"== memory: find_tract_patch over {args.memory_points:,} points")
    out = subprocess.run(
        [sys.executable, "-c", MEMORY, str(args.memory_points)],
        capture_output=True, text=True, check=True,
    )
    per_point = float(out.stdout.strip())
    print(f"peak RSS growth {per_point:.1f} B/point (outputs: 16 B/point)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--points", type=int)
    parser.add_argument("--regions", type=int)
    parser.add_argument("--memory-points", type=int)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--only", choices=["ownership", "envelopes", "memory"])
    parser.add_argument("--skymaps", nargs="+", help="only these (names as printed)")
    args = parser.parse_args()
    args.points = args.points or (10**5 if args.quick else 10**7)
    args.regions = args.regions or (10**3 if args.quick else 10**5)
    args.memory_points = args.memory_points or (10**7 if args.quick else 10**8)
    rng = np.random.default_rng(args.seed)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    violations = 0
    if args.only in (None, "ownership"):
        violations += run_ownership(args, rng)
    if args.only in (None, "envelopes"):
        violations += run_envelopes(args, rng)
    if args.only in (None, "memory"):
        run_memory(args)
    print(f"violations: {violations}")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
