"""Check a skymap's geometry: no gaps, enough overlap, bounded pixel-scale distortion.

:func:`validate` measures, it does not trust the config:

* **Coverage.** A dense, even lattice of points over the sphere (Fibonacci spiral) plus
  points on every tract's inner-region boundary, each also nudged 1e-9 rad inward and
  outward (the seams are where gaps hide). Every point must have an owning tract whose
  inner region holds it and whose outer region (its pixel box, so a patch) reaches it.
  A point that its owner's inner and outer polygons hold but its pixel box does not
  (the sliver where a great-circle polygon edge bulges past a curved STG box edge, as
  in lsst.skymap's discrete tracts: up to a few pixels) has no patch; such points are
  counted in a note, not as gaps.
  For HEALPix kinds the owner is pixel arithmetic with curved edges and the inner
  region the great-circle polygon through the corners (as in lsst.skymap): points in
  the sliver between them are counted in a note, not as gaps. Full-sky kinds must own
  every point; a discrete or equat skymap only the points it claims.
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

#: Kinds whose owner is pixel arithmetic with curved edges (HEALPix), not the polygon.
_CURVED_PIXEL_KINDS = frozenset({"healpix", "healpix_grid"})
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
    notes: list[str] = dataclasses.field(default_factory=list)

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
        lines += [f"note: {n}" for n in self.notes]
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


def _box_boundaries(params: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boundary samples of lon/lat boxes (B, 4: lon0, lon1, lat0, lat1): points (B, M, 3),
    unit outward directions (B, M, 3) and which samples exist (B, M) (no edge at a pole,
    no meridian edges for a box of every longitude)."""
    lon0, lon1, lat0, lat1 = (params[:, i:i + 1] for i in range(4))
    full = lon1 - lon0 >= 360.0
    width = np.where(full, 360.0, (lon1 - lon0) % 360.0)
    t = (np.arange(_EDGE_SAMPLES) + 0.5) / _EDGE_SAMPLES
    along = np.concatenate([[0.0], t, [1.0]])[None, :]
    lons = lon0 + width * along
    ones = np.ones_like(along)
    pts, dirs, ok = [], [], []
    for lat, sign in ((lat0, -1.0), (lat1, 1.0)):
        pts.append(_xyz(lons, lat * ones))
        dirs.append(sign * _xyz(lons, lat * ones + 90.0))  # local north
        ok.append(np.broadcast_to(np.abs(lat) < 90.0, lons.shape))
    lats = lat0 + (lat1 - lat0) * t[None, :]
    for lon, sign in ((lon0, -1.0), (lon1, 1.0)):
        pts.append(_xyz(lon * np.ones_like(lats), lats))
        dirs.append(sign * _xyz(lon * np.ones_like(lats) + 90.0, 0.0 * lats))  # local east
        ok.append(np.broadcast_to(~full, lats.shape))
    return np.concatenate(pts, 1), np.concatenate(dirs, 1), np.concatenate(ok, 1)


def _polygon_boundaries(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boundary samples of convex polygons (P, K, 3): vertices and points along each
    edge, with unit outward directions; as :func:`_box_boundaries`."""
    a, b = v, np.roll(v, -1, axis=1)
    outward = -_unit(np.cross(a, b))
    f = np.concatenate([[0.0], (np.arange(_EDGE_SAMPLES) + 0.5) / _EDGE_SAMPLES])
    f = f[None, :, None, None]
    p = _unit((1 - f) * a[:, None] + f * b[:, None])  # (P, F, K, 3)
    d = np.broadcast_to(outward[:, None], p.shape)
    n = p.shape[1] * p.shape[2]
    return p.reshape(len(v), n, 3), d.reshape(len(v), n, 3), np.ones((len(v), n), bool)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _inward_normals(v: np.ndarray) -> np.ndarray:
    """Unit inward edge normals of counter-clockwise polygons (..., K, 3)."""
    return _unit(np.cross(v, np.roll(v, -1, axis=-2)))


def _depths(normals: np.ndarray, rows: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Signed distance (rad) of each point from the edge of its polygon (positive inside);
    NaN where the polygon is unknown (a box)."""
    dots = np.einsum("nkj,nj->nk", normals[rows], p)
    return np.arcsin(np.clip(dots, -1.0, 1.0)).min(axis=1)


def _outer_vertices(tc: Any) -> np.ndarray | None:
    """The outer polygon's vertices (K, 3); None for a box (a tract wider than a
    hemisphere)."""
    region = tc.outer_region()
    return region.vertices_xyz() if region.kind == "ConvexPolygon" else None


def _normal_table(vertices: list[np.ndarray | None]) -> np.ndarray:
    """(N, K, 3) inward edge normals of polygons, padded by repeating an edge; NaN rows
    for boxes."""
    k = max((len(v) for v in vertices if v is not None), default=3)
    out = np.full((len(vertices), k, 3), np.nan)
    by_count: dict[int, list[int]] = {}
    for i, v in enumerate(vertices):
        if v is not None:
            by_count.setdefault(len(v), []).append(i)
    for count, rows in by_count.items():
        n = _inward_normals(np.stack([vertices[i] for i in rows]).astype(np.float64))
        out[rows, :count] = n
        out[rows, count:] = n[:, :1]
    return out


def _boundaries(
    boxes: list[tuple[int, tuple[float, ...]]],
    polygons: list[tuple[int, np.ndarray]],
    ids: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every boundary sample (N, 3), its outward direction (N, 3) and its tract id."""
    parts = []
    if boxes:
        rows = np.array([k for k, _ in boxes])
        parts.append((rows, *_box_boundaries(np.array([b for _, b in boxes], dtype=np.float64))))
    by_count: dict[int, list[tuple[int, np.ndarray]]] = {}
    for k, v in polygons:
        by_count.setdefault(len(v), []).append((k, v))
    for group in by_count.values():
        rows = np.array([k for k, _ in group])
        parts.append((rows, *_polygon_boundaries(np.stack([v for _, v in group]))))
    pts, dirs, owners = [], [], []
    for rows, p, d, ok in parts:
        pts.append(p[ok])
        dirs.append(d[ok])
        owners.append(np.broadcast_to(ids[rows][:, None], ok.shape)[ok])
    if not pts:
        return np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0, np.int64)
    return np.concatenate(pts), np.concatenate(dirs), np.concatenate(owners)


# Where the local pixel scale is measured: a 5x5 grid over the tract box (fractions of
# its size), each point with its neighbours one pixel along x and along y.
_GRID = np.linspace(0.0, 1.0, 5)
_FX, _FY = (g.ravel() for g in np.meshgrid(_GRID, _GRID))
_FX3, _FY3 = np.tile(_FX, 3), np.tile(_FY, 3)
_DX = np.concatenate([np.zeros(25), np.ones(25), np.zeros(25)])
_DY = np.concatenate([np.zeros(25), np.zeros(25), np.ones(25)])


def _scale_probe(tc: Any) -> tuple[np.ndarray, np.ndarray]:
    """Sky positions of the distortion probe pixels of one tract (75 points)."""
    x0, y0, w, h = tc.bbox
    return tc.wcs.pixel_to_sky(x0 - 0.5 + _FX3 * (w - 1) + _DX, y0 - 0.5 + _FY3 * (h - 1) + _DY)


def _distortions(lon: np.ndarray, lat: np.ndarray, nominal_deg: float) -> np.ndarray:
    """Worst relative deviation of the local pixel scale from the nominal one, per tract
    (rows of 75 probe positions)."""
    v = _xyz(lon, lat).reshape(len(lon), 3, 25, 3)
    worst = np.zeros(len(lon))
    for k in (1, 2):
        chord = np.linalg.norm(v[:, k] - v[:, 0], axis=-1)
        sep = np.degrees(2 * np.arcsin(chord / 2))
        worst = np.maximum(worst, np.abs(sep / nominal_deg - 1.0).max(axis=1))
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

    # Per tract: its inner region, outer polygon, probe positions and patch grid (the
    # few Rust calls per tract); the arithmetic on them is done for all tracts at once.
    tract_cores: dict[int, Any] = {}
    boxes: list[tuple[int, tuple[float, ...]]] = []
    polygons: list[tuple[int, np.ndarray]] = []
    outer: dict[int, np.ndarray | None] = {}
    probe_lon = np.empty((len(measured), 75))
    probe_lat = np.empty((len(measured), 75))
    grids: dict[tuple[Any, ...], tuple[int, int]] = {}
    iterable = progress(measured) if progress else measured
    for k, t in enumerate(iterable):
        tc = core.tract(int(t))
        tract_cores[int(t)] = tc
        inner = tc.inner_region()
        if inner.kind == "Box":
            boxes.append((k, inner.box_params()))
        else:
            polygons.append((k, inner.vertices_xyz()))
        outer[int(t)] = _outer_vertices(tc)
        probe_lon[k], probe_lat[k] = _scale_probe(tc)
        key = (tc.bbox, tc.num_patches, tc.patch_inner_dimensions, tc.patch_border)
        if key not in grids:
            grids[key] = _patch_grid(tc)
    distortion = _distortions(probe_lon, probe_lat, nominal_deg)
    p, d, owner_t = _boundaries(boxes, polygons, measured)
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
    outside_inner = np.zeros(len(lon), dtype=bool)
    if full_sky:
        why[~claimed] = "no owning tract"
    no_patch = claimed & (patch < 0)
    why[no_patch] = "owner's pixel box does not reach it (no patch)"
    sliver = np.zeros(len(lon), dtype=bool)
    idx = np.flatnonzero(claimed)
    order = idx[np.argsort(owner[idx], kind="stable")]
    tracts, starts = np.unique(owner[order], return_index=True)
    for t, group in zip(tracts, np.split(order, starts[1:]), strict=True):
        tc = tract_cores.get(int(t)) or core.tract(int(t))
        reached = tc.contains(lon[group], lat[group], True)
        why[group[~reached]] = "owner's outer region (pixel box) does not reach it"
        held = tc.contains(lon[group], lat[group], False)
        # Held by the inner and outer polygons but not by the pixel box: the sliver
        # where a great-circle edge bulges past a curved (STG) box edge (lsst.skymap's
        # own regions; its findPatch raises LookupError there). A note, not a gap.
        sliver[group[reached & held & no_patch[group]]] = True
        outside_inner[group[~held]] = True
    notes = []
    if kind in _CURVED_PIXEL_KINDS:
        # A HEALPix pixel's edges are curves; its inner region is the great-circle
        # polygon through its corners (as in lsst.skymap): slivers differ by design.
        if outside_inner.any():
            notes.append(
                f"{int(outside_inner.sum())} owned points lie in the sliver between a HEALPix "
                "pixel's curved edge and its great-circle inner polygon (by design)"
            )
    else:
        why[outside_inner & (why == "")] = "owner's inner region does not hold it"
    if sliver.any():
        why[sliver] = ""
        notes.append(
            f"{int(sliver.sum())} owned points lie in the sliver between a tract's "
            "great-circle polygon and its curved pixel-box edge, which has no pixels and "
            "so no patch (as in lsst.skymap, whose findPatch raises LookupError there)"
        )
    bad = np.flatnonzero(why != "")
    examples = [(float(lon[i]), float(lat[i]), str(why[i])) for i in bad[:5]]

    # Tract overlap across each seam sample: depth in T's outer polygon + in U's.
    across = core.find_tract(lon_o, lat_o)
    valid = (across >= 0) & (across != owner_t)
    needed = np.unique(np.concatenate([owner_t[valid], across[valid]]))
    for t in needed:
        if int(t) not in outer:
            outer[int(t)] = _outer_vertices(core.tract(int(t)))
    normals = _normal_table([outer[int(t)] for t in needed])
    row_t = np.searchsorted(needed, owner_t[valid])
    row_u = np.searchsorted(needed, across[valid])
    overlap = np.full(len(p), np.inf)
    overlap[valid] = _depths(normals, row_t, p[valid]) + _depths(normals, row_u, p[valid])
    per_tract_overlap = np.full(len(measured), np.inf)
    finite = np.isfinite(overlap)  # NaN (boxes) and inf (no neighbour) are left out
    np.minimum.at(per_tract_overlap, np.searchsorted(measured, owner_t[finite]),
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

    worst_d = int(np.nanargmax(distortion)) if len(distortion) else None
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
        notes=notes,
    )
