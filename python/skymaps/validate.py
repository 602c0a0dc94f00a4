"""Check a skymap's geometry: no gaps, enough overlap, bounded pixel-scale distortion.

:func:`validate` measures, it does not trust the config:

* **Coverage.** A dense, even lattice of points over the sphere (Fibonacci spiral) plus
  points on every tract's inner-region boundary, each also nudged 1e-9 rad inward and
  outward (the seams are where gaps hide). Every point must have an owning tract whose
  inner region holds it, and a patch of that tract (its pixel box reaches the point).
  Full-sky kinds must own every point; a discrete or equat skymap only the points it
  claims.
* **Tract overlap.** At each boundary sample ``p`` of tract ``T``, with ``U`` the owner
  just across the seam, the overlap of the two tracts there is the distance from ``p``
  to the edge of ``T``'s outer polygon plus the distance to the edge of ``U``'s (each
  positive inside). Its minimum must reach the configured ``tractOverlap``.
* **Patch overlap.** In every distinct patch grid (tracts with the same pixel box and
  patch layout share one), the inner boxes must tile the tract box and neighbouring
  outer boxes must overlap by twice the patch border (the configured patch overlap),
  except where the legacy builder clips them at the tract edge.
* **Distortion.** The local pixel scale (through the tract WCS) on a 5x5 grid over each
  tract's box, against the configured ``pixelScale``; the worst per tract.

The point lookups are the library's Rust kernels over numpy arrays; the per-tract work
is a few vectorized calls per tract. For skymaps of more than ``max_tracts`` tracts the
overlap and distortion are measured on an even sample of tracts (the report says how
many); coverage always uses every point.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["ValidationReport", "validate", "FULL_SKY_KINDS"]

#: Kinds whose tracts must own every point of the sphere.
FULL_SKY_KINDS = frozenset({"rings", "dodeca", "healpix", "healpix_grid", "htm_grid", "bricks"})

_NUDGE_RAD = 1e-9
_EDGE_SAMPLES = 6


@dataclasses.dataclass
class ValidationReport:
    """What :func:`validate` measured. ``problems`` is empty when the skymap is sound."""

    kind: str
    num_tracts: int
    full_sky: bool
    num_points: int
    num_gaps: int
    gap_examples: list[tuple[float, float, str]]
    tract_overlap_config_deg: float
    tract_overlap_min_deg: float | None
    tract_overlap_worst_tract: int | None
    patch_overlap_config_px: int
    patch_overlap_min_px: int | None
    patch_tiling_errors: int
    distortion_max: float
    distortion_worst_tract: int | None
    tracts_measured: int
    per_tract: dict[str, np.ndarray]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self, pixel_scale_arcsec: float | None = None) -> str:
        """A few lines for people."""
        lines = [
            f"skymap: {self.kind}, {self.num_tracts} tracts"
            + ("" if self.full_sky else " (not full-sky: only claimed points checked)"),
            f"coverage: {self.num_points} points (lattice + tract boundaries), "
            f"{self.num_gaps} without an owner holding them",
        ]
        sampled = (
            ""
            if self.tracts_measured == self.num_tracts
            else f" (on {self.tracts_measured} of {self.num_tracts} tracts)"
        )
        if self.tract_overlap_min_deg is not None:
            lines.append(
                f"tract overlap: min {self.tract_overlap_min_deg * 3600:.3f} arcsec at tract "
                f"{self.tract_overlap_worst_tract}, configured "
                f"{self.tract_overlap_config_deg * 3600:.3f} arcsec{sampled}"
            )
        if self.patch_overlap_min_px is not None:
            lines.append(
                f"patch overlap: min {self.patch_overlap_min_px} px, configured "
                f"{self.patch_overlap_config_px} px (2 x border); "
                f"{self.patch_tiling_errors} patch tiling errors"
            )
        lines.append(
            f"pixel-scale distortion: worst {self.distortion_max:.4%} at tract "
            f"{self.distortion_worst_tract}{sampled}"
        )
        lines += [f"PROBLEM: {p}" for p in self.problems]
        lines.append("OK" if self.ok else f"FAILED: {len(self.problems)} problem(s)")
        return "\n".join(lines)


def _lattice(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points evenly over the sphere (Fibonacci spiral), degrees."""
    i = np.arange(n, dtype=np.float64)
    z = 1.0 - (2.0 * i + 1.0) / n
    lon = np.degrees((i * np.pi * (3.0 - np.sqrt(5.0))) % (2 * np.pi))
    return lon, np.degrees(np.arcsin(z))


def _xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def _lonlat(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = v / np.linalg.norm(v, axis=-1, keepdims=True)
    lon = np.degrees(np.arctan2(v[..., 1], v[..., 0])) % 360.0
    return lon, np.degrees(np.arcsin(np.clip(v[..., 2], -1.0, 1.0)))


def _boundary(core: Any) -> tuple[np.ndarray, np.ndarray]:
    """Points on a tract's inner boundary (N, 3) and unit outward directions (N, 3)."""
    region = core.inner_region()
    t = (np.arange(_EDGE_SAMPLES) + 0.5) / _EDGE_SAMPLES
    if region.kind == "Box":
        lon0, lon1, lat0, lat1 = region.box_params()
        width = lon1 - lon0 if lon1 - lon0 >= 360.0 else (lon1 - lon0) % 360.0
        pts, dirs = [], []
        lons = lon0 + width * np.concatenate([[0.0], t, [1.0]])
        for lat, sign in ((lat0, -1.0), (lat1, 1.0)):
            if abs(lat) < 90.0:
                p = _xyz(lons, np.full(lons.shape, lat))
                north = _xyz(lons, np.full(lons.shape, lat + 90.0))  # local north
                pts.append(p)
                dirs.append(sign * north)
        if width < 360.0:
            lats = lat0 + (lat1 - lat0) * t
            for lon, sign in ((lon0, -1.0), (lon1, 1.0)):
                p = _xyz(np.full(lats.shape, lon), lats)
                east = _xyz(np.full(lats.shape, lon + 90.0), np.zeros(lats.shape))
                pts.append(p)
                dirs.append(sign * east)
        return np.concatenate(pts), np.concatenate(dirs)
    v = np.asarray(region.vertices_xyz(), dtype=np.float64).reshape(-1, 3)
    a, b = v, np.roll(v, -1, axis=0)
    inward = np.cross(a, b)
    inward /= np.linalg.norm(inward, axis=1, keepdims=True)
    f = np.concatenate([[0.0], t])[:, None, None]
    p = (1 - f) * a[None] + f * b[None]
    p /= np.linalg.norm(p, axis=-1, keepdims=True)
    d = np.broadcast_to(-inward[None], p.shape)
    return p.reshape(-1, 3), d.reshape(-1, 3)


def _inward_normals(core: Any) -> np.ndarray | None:
    """Unit inward normals of a tract's outer polygon edges (None for a box)."""
    region = core.outer_region()
    if region.kind != "ConvexPolygon":
        return None
    v = np.asarray(region.vertices_xyz(), dtype=np.float64).reshape(-1, 3)
    n = np.cross(v, np.roll(v, -1, axis=0))
    return n / np.linalg.norm(n, axis=1, keepdims=True)


def _depth(normals: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Signed distance (rad) of points from a convex polygon's edge (positive inside)."""
    return np.arcsin(np.clip(p @ normals.T, -1.0, 1.0)).min(axis=1)


def _distortion(core: Any, nominal_deg: float) -> float:
    """Worst relative deviation of the local pixel scale from the nominal one."""
    x0, y0, w, h = core.bbox
    gx, gy = np.meshgrid(np.linspace(x0 - 0.5, x0 + w - 1.5, 5),
                         np.linspace(y0 - 0.5, y0 + h - 1.5, 5))
    gx, gy = gx.ravel(), gy.ravel()
    wcs = core.wcs
    base = _xyz(*wcs.pixel_to_sky(gx, gy))
    worst = 0.0
    for dx, dy in ((1.0, 0.0), (0.0, 1.0)):
        step = _xyz(*wcs.pixel_to_sky(gx + dx, gy + dy))
        sep = 2 * np.degrees(np.arcsin(np.linalg.norm(step - base, axis=1) / 2))
        worst = max(worst, float(np.abs(sep / nominal_deg - 1.0).max()))
    return worst


def _patch_grid(core: Any) -> tuple[int, int]:
    """(min overlap of neighbouring outer boxes in px, inner-tiling errors) of a tract."""
    nx, ny = core.num_patches
    inner = np.empty((ny, nx, 4), dtype=np.int64)
    outer = np.empty((ny, nx, 4), dtype=np.int64)
    for y in range(ny):
        for x in range(nx):
            _, ib, ob, _ = core.patch(x, y)
            inner[y, x], outer[y, x] = ib, ob
    bx0, by0, bw, bh = core.bbox
    errors = 0
    # Inner boxes tile the tract box: contiguous rows and columns from its first pixel.
    errors += int(np.count_nonzero(inner[:, 0, 0] != bx0) + np.count_nonzero(inner[0, :, 1] != by0))
    errors += int(np.count_nonzero(inner[:, 1:, 0] != inner[:, :-1, 0] + inner[:, :-1, 2]))
    errors += int(np.count_nonzero(inner[1:, :, 1] != inner[:-1, :, 1] + inner[:-1, :, 3]))
    errors += int(inner[0, -1, 0] + inner[0, -1, 2] < bx0 + bw)
    errors += int(inner[-1, 0, 1] + inner[-1, 0, 3] < by0 + bh)
    overlaps = []
    if nx > 1:
        overlaps.append(outer[:, :-1, 0] + outer[:, :-1, 2] - outer[:, 1:, 0])
    if ny > 1:
        overlaps.append(outer[:-1, :, 1] + outer[:-1, :, 3] - outer[1:, :, 1])
    least = min((int(o.min()) for o in overlaps), default=-1)
    return least, errors


def validate(
    skymap: Any,
    *,
    num_points: int = 400_000,
    max_tracts: int = 25_000,
    progress: Callable[[Any], Any] | None = None,
) -> ValidationReport:
    """Measure a skymap's coverage, overlaps and distortion (see the module doc).

    Parameters
    ----------
    skymap : SkyMap
    num_points : int
        Lattice points over the sphere (tract boundary points come on top).
    max_tracts : int
        Above this many tracts, overlaps and distortion are measured on an even sample.
    progress : callable, optional
        Wraps the iterable of tracts measured (for example ``tqdm``).

    Examples
    --------
    >>> import skymaps
    >>> report = skymaps.validate.validate(skymaps.preset("hsc_rings_v1"), num_points=10_000)
    >>> report.ok, report.num_gaps
    (True, 0)
    """
    core = skymap._core
    config = skymap.config
    kind = core.kind
    full_sky = kind in FULL_SKY_KINDS
    nominal_deg = float(config["pixelScale"]) / 3600.0
    overlap_cfg = float(config.get("tractOverlap", 0.0))
    ids = skymap.tract_ids()
    if len(ids) > max_tracts:
        measured = ids[np.linspace(0, len(ids) - 1, max_tracts).round().astype(np.int64)]
    else:
        measured = ids

    # Per-tract boundaries, outer-edge normals, distortion and patch grids.
    tract_cores = {}
    bpts, bdirs, bowner = [], [], []
    distortion = np.empty(len(measured))
    grids: dict[tuple[Any, ...], tuple[int, int]] = {}
    iterable = progress(measured) if progress else measured
    for k, t in enumerate(iterable):
        tc = core.tract(int(t))
        tract_cores[int(t)] = tc
        p, d = _boundary(tc)
        bpts.append(p)
        bdirs.append(d)
        bowner.append(np.full(len(p), int(t)))
        distortion[k] = _distortion(tc, nominal_deg)
        key = (tc.bbox, tc.num_patches, tc.patch_inner_dimensions, tc.patch_border)
        if key not in grids:
            grids[key] = _patch_grid(tc)
    p = np.concatenate(bpts)
    d = np.concatenate(bdirs)
    owner_t = np.concatenate(bowner)
    inside = p - _NUDGE_RAD * d
    outside = p + _NUDGE_RAD * d

    # Coverage: the lattice plus every boundary point, nudged both ways.
    lon_l, lat_l = _lattice(int(num_points))
    lon_i, lat_i = _lonlat(inside)
    lon_o, lat_o = _lonlat(outside)
    lon = np.concatenate([lon_l, lon_i, lon_o])
    lat = np.concatenate([lat_l, lat_i, lat_o])
    owner, patch = core.find_tract_patch(lon, lat)
    claimed = owner >= 0
    why = np.full(len(lon), "", dtype=object)
    if full_sky:
        why[~claimed] = "no owning tract"
    why[claimed & (patch < 0)] = "owner's pixel box does not reach it (no patch)"
    idx = np.flatnonzero(claimed)
    order = idx[np.argsort(owner[idx], kind="stable")]
    tracts, starts = np.unique(owner[order], return_index=True)
    for t, group in zip(tracts, np.split(order, starts[1:])):
        held = core.tract(int(t)).contains(lon[group], lat[group], False)
        why[group[~held]] = "owner's inner region does not hold it"
    bad = np.flatnonzero(why != "")
    examples = [(float(lon[i]), float(lat[i]), str(why[i])) for i in bad[:5]]

    # Tract overlap across each seam sample: depth in T's outer polygon + in U's.
    across = core.find_tract(lon_o, lat_o)
    overlap = np.full(len(p), np.inf)
    normals: dict[int, np.ndarray | None] = {}

    def normals_of(t: int) -> np.ndarray | None:
        if t not in normals:
            tc = tract_cores.get(t) or core.tract(t)
            normals[t] = _inward_normals(tc)
        return normals[t]

    pairs = np.stack([owner_t, across], axis=1)
    valid = (across >= 0) & (across != owner_t)
    for (t, u) in np.unique(pairs[valid], axis=0):
        sel = np.flatnonzero(valid & (owner_t == t) & (across == u))
        nt, nu = normals_of(int(t)), normals_of(int(u))
        if nt is None or nu is None:
            continue
        overlap[sel] = _depth(nt, p[sel]) + _depth(nu, p[sel])
    per_tract_overlap = np.full(len(measured), np.inf)
    pos = {int(t): k for k, t in enumerate(measured)}
    finite = np.isfinite(overlap)
    np.minimum.at(per_tract_overlap, [pos[int(t)] for t in owner_t[finite]],
                  np.degrees(overlap[finite]))
    have_overlap = np.isfinite(per_tract_overlap)
    if have_overlap.any():
        worst = int(np.argmin(np.where(have_overlap, per_tract_overlap, np.inf)))
        overlap_min: float | None = float(per_tract_overlap[worst])
        overlap_tract: int | None = int(measured[worst])
    else:
        overlap_min, overlap_tract = None, None

    border = int(next(iter(grids))[3]) if grids else 0
    grid_overlaps = [g[0] for g in grids.values() if g[0] >= 0]
    patch_min = min(grid_overlaps) if grid_overlaps else None
    tiling_errors = sum(g[1] for g in grids.values())

    worst_d = int(np.argmax(distortion)) if len(distortion) else None
    problems = []
    if len(bad):
        problems.append(
            f"{len(bad)} of {len(lon)} points have no owner holding them, e.g. "
            f"({examples[0][0]:.9f}, {examples[0][1]:.9f}): {examples[0][2]}"
        )
    # 1e-9 deg: the boundary samples sit on edges computed in floating point.
    if overlap_min is not None and overlap_min < overlap_cfg - 1e-9:
        problems.append(
            f"tract overlap {overlap_min * 3600:.4f} arcsec at tract {overlap_tract} is less "
            f"than the configured {overlap_cfg * 3600:.4f} arcsec"
        )
    if patch_min is not None and patch_min < 2 * border:
        problems.append(f"neighbouring patches overlap by {patch_min} px, less than 2 x border "
                        f"= {2 * border} px")
    if tiling_errors:
        problems.append(f"{tiling_errors} patch inner boxes do not tile their tract box")
    return ValidationReport(
        kind=kind,
        num_tracts=len(ids),
        full_sky=full_sky,
        num_points=len(lon),
        num_gaps=len(bad),
        gap_examples=examples,
        tract_overlap_config_deg=overlap_cfg,
        tract_overlap_min_deg=overlap_min,
        tract_overlap_worst_tract=overlap_tract,
        patch_overlap_config_px=2 * border,
        patch_overlap_min_px=patch_min,
        patch_tiling_errors=tiling_errors,
        distortion_max=float(distortion[worst_d]) if worst_d is not None else 0.0,
        distortion_worst_tract=int(measured[worst_d]) if worst_d is not None else None,
        tracts_measured=len(measured),
        per_tract={
            "tract": np.asarray(measured, dtype=np.int64),
            "overlap_deg": np.where(have_overlap, per_tract_overlap, np.nan),
            "distortion": distortion,
        },
        problems=problems,
    )
