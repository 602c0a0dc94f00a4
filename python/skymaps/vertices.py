"""Corner tables of a whole skymap: every tract and patch with its outer-polygon
vertices, without a coordinate in hand ("give me every tract and patch with its
corners").

The polygons come in bulk from the Rust kernel that writes butler records
(:func:`skymaps.butler.dimension_records` uses the same one), as sphgeom encodings,
and are unpacked here with numpy: no Python object per patch. Vertices are in
sphgeom hull order (counter-clockwise), the same as the butler's regions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _core
from .errors import SkymapsError

__all__ = [
    "outer_vertices",
    "tract_vertices",
    "patch_vertices",
    "vertex_shift_arcsec",
    "corner_table",
]

# sphgeom's encoding of a ConvexPolygon: one type byte, then the vertices as
# little-endian float64 x, y, z.
_POLYGON_CODE = 0x70


def _unpack(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """(N, K, 3) vertices of N encoded polygons that all have K vertices."""
    sizes = np.diff(offsets)
    if len(sizes) == 0:
        return np.zeros((0, 4, 3))
    if np.any(sizes != sizes[0]) or (sizes[0] - 1) % 24:
        raise SkymapsError("the skymap's regions are not polygons of one vertex count")
    rows = np.asarray(data, dtype=np.uint8)[offsets[0]:offsets[-1]].reshape(len(sizes), sizes[0])
    if np.any(rows[:, 0] != _POLYGON_CODE):
        raise SkymapsError("the skymap's regions are not all polygons (a tract wider than "
                           "a hemisphere is a box)")
    k = (int(sizes[0]) - 1) // 24
    return np.ascontiguousarray(rows[:, 1:]).view("<f8").reshape(len(sizes), k, 3)


def outer_vertices(skymap: Any) -> dict[str, np.ndarray]:
    """Every tract's and patch's outer polygon in one pass (Rust, in parallel).

    Returns ``tract_id`` (T,), ``tract_xyz`` (T, 4, 3), ``patch_tract``, ``patch_id``,
    ``patch_x``, ``patch_y`` (P,) and ``patch_xyz`` (P, 4, 3)."""
    rows = _core.skymap_records(skymap._core)
    tract_xyz = _unpack(*rows["tract_region"])
    patch_xyz = _unpack(*rows["patch_region"])
    return {
        "tract_id": rows["tract_id"],
        "tract_xyz": tract_xyz,
        "patch_tract": rows["patch_tract"],
        "patch_id": rows["patch_id"],
        "patch_x": rows["patch_cell_x"],
        "patch_y": rows["patch_cell_y"],
        "patch_xyz": patch_xyz,
    }


def tract_vertices(skymap: Any, ids: Any) -> np.ndarray:
    """(len(ids), K, 3) outer polygon vertices of some tracts (no patches computed)."""
    core = skymap._core
    rows = []
    for t in ids:
        region = core.tract(int(t)).outer_region()
        if region.kind != "ConvexPolygon":
            raise SkymapsError(f"tract {int(t)} is wider than a hemisphere: its outer region "
                               "is a box, not a polygon with corners")
        rows.append(region.vertices_xyz())
    return np.stack(rows) if rows else np.zeros((0, 4, 3))


def patch_vertices(tract: Any) -> np.ndarray:
    """(patches, 4, 3) outer polygon vertices of one tract's patches, by patch id."""
    return np.stack([p.outer_polygon_vertices for p in tract])


def vertex_shift_arcsec(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per polygon (leading axes), the largest angle between matching vertices of ``a``
    and ``b`` (..., K, 3), in arcsec; the vertex lists may start at different corners
    (the best cyclic match is used)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    best = None
    for r in range(a.shape[-2]):
        rolled = np.roll(b, r, axis=-2)
        chord = np.linalg.norm(a - rolled, axis=-1)
        worst = np.max(2 * np.arcsin(np.clip(chord / 2, 0.0, 1.0)), axis=-1)
        best = worst if best is None else np.minimum(best, worst)
    assert best is not None
    return np.degrees(best) * 3600.0


def _lonlat(xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon = np.degrees(np.arctan2(xyz[..., 1], xyz[..., 0])) % 360.0
    lat = np.degrees(np.arcsin(np.clip(xyz[..., 2], -1.0, 1.0)))
    return lon, lat


def _some_vertices(skymap: Any, tracts: Any) -> dict[str, np.ndarray]:
    """:func:`outer_vertices` restricted to some tracts (built one by one)."""
    ts = [skymap[int(t)] for t in tracts]
    patches = [p for t in ts for p in t]
    return {
        "tract_id": np.array([t.id for t in ts], dtype=np.int64),
        "tract_xyz": np.stack([t.outer_polygon_vertices for t in ts]),
        "patch_tract": np.array([p.tract.id for p in patches], dtype=np.int64),
        "patch_id": np.array([p.id for p in patches], dtype=np.int64),
        "patch_x": np.array([p.index[0] for p in patches], dtype=np.int64),
        "patch_y": np.array([p.index[1] for p in patches], dtype=np.int64),
        "patch_xyz": np.stack([p.outer_polygon_vertices for p in patches]),
    }


def corner_table(
    skymap: Any, level: str = "tract", xyz: bool = False, tracts: Any = None
) -> Any:
    """A ``pyarrow.Table`` of every tract (``level="tract"``) or patch (``"patch"``)
    with its outer corners: ``lon0, lat0 .. lon3, lat3`` in degrees (and ``x0, y0, z0 ..``
    unit vectors with ``xyz=True``, for exact round trips). ``tracts``: only these
    (default: all, computed in bulk)."""
    import pyarrow as pa

    if level not in ("tract", "patch"):
        raise ValueError(f"level must be 'tract' or 'patch', got {level!r}")
    if level == "tract":
        ids = skymap.tract_ids() if tracts is None or len(tracts) == 0 else \
            np.asarray(tracts, dtype=np.int64)
        cols: dict[str, Any] = {"tract": ids}
        verts = tract_vertices(skymap, ids)
    else:
        v = outer_vertices(skymap) if tracts is None or len(tracts) == 0 else \
            _some_vertices(skymap, tracts)
        cols = {"tract": v["patch_tract"], "patch": v["patch_id"],
                "patch_x": v["patch_x"], "patch_y": v["patch_y"]}
        verts = v["patch_xyz"]
    lon, lat = _lonlat(verts)
    for k in range(verts.shape[1]):
        cols[f"lon{k}"] = lon[:, k]
        cols[f"lat{k}"] = lat[:, k]
    if xyz:
        for k in range(verts.shape[1]):
            for j, axis in enumerate("xyz"):
                cols[f"{axis}{k}"] = verts[:, k, j]
    return pa.table({k: pa.array(np.asarray(c)) for k, c in cols.items()})
