"""Coverage: which tracts, patches and cells a region, a footprint or a visit touches.

Every answer is exact: a tract/patch/cell is reported when its **outer** polygon (the
region a butler stores for it) shares a point with the region, with the relation seen
from the region (``"contains"``: the region contains the tract/patch/cell;
``"within"``: the region lies inside it; ``"partial"``: they overlap otherwise).
Candidates come from the skymap's layout (ring arithmetic, a band index), each is
then tested with exact spherical predicates (sphgeom's for polygons); see the Rust
module ``lookup::coverage`` for the precision of circles, boxes and unions.

The inverse question, "which of these visits overlap tract 9813 / patch 40?", is the
same table grouped the other way: compute it once for all visit (or detector)
regions, e.g. from ``butler.query_dimension_records("visit")`` or
``"visit_detector_region"`` records (their ``region`` attribute is an
``lsst.sphgeom`` region, accepted as is), then select::

    table = coverage(sky, [rec.region for rec in records], level="patch")
    mask = pc.and_(pc.equal(table["tract"], 9813), pc.equal(table["patch"], 40))
    visits = [records[i].id for i in table.filter(mask)["footprint_id"].to_pylist()]

(``pc`` is ``pyarrow.compute``.) Unlike a butler spatial query, which matches HTM
pixel envelopes (a superset), this answer is exact.

Examples
--------
>>> import skymaps
>>> sky = skymaps.preset("hsc_rings_v1")
>>> square = skymaps.ConvexPolygon.from_lonlat([150.0, 150.2, 150.2, 150.0], [2.0, 2.0, 2.2, 2.2])
>>> table = overlapping(sky, square, level="patch")
>>> sorted(set(table.column("tract").to_pylist()))
[9813]
>>> table.column_names
['tract', 'patch', 'relation']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _core
from .errors import ShapeMismatchError
from .geometry import _as_region

__all__ = ["overlapping", "coverage", "coverage_from_vertices", "RELATIONS"]

#: Relation names, indexed by the codes the core returns.
RELATIONS = ("partial", "contains", "within")
_LEVELS = ("tract", "patch", "cell")
_INDEXES: dict[int, tuple[Any, Any]] = {}


def _index(skymap: Any) -> Any:
    """The (cached) coverage index of a skymap; built once per skymap (~10 ms)."""
    core = skymap._core
    hit = _INDEXES.get(id(core))
    if hit is None or hit[0] is not core:
        if len(_INDEXES) >= 8:
            _INDEXES.pop(next(iter(_INDEXES)))
        hit = (core, _core.CoverageIndex(core))
        _INDEXES[id(core)] = hit
    return hit[1]


def _check_level(level: str) -> str:
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {_LEVELS}, got {level!r}")
    return level


_RELATION_NAMES: list[Any] = []


def _relation_names() -> Any:
    """The relation dictionary as an Arrow array (built once)."""
    if not _RELATION_NAMES:
        import pyarrow as pa

        _RELATION_NAMES.append(pa.array(list(RELATIONS)))
    return _RELATION_NAMES[0]


def _table(columns: tuple, level: str, fraction: bool, with_footprint: bool, pandas: bool) -> Any:
    import pyarrow as pa

    # The core returns int64 ids and int8 relation codes: Arrow takes them as they are.
    footprint, tract, patch, cell, relation, region_fraction, target_fraction = columns
    names, arrays = [], []
    if with_footprint:
        names.append("footprint_id")
        arrays.append(pa.array(footprint))
    names.append("tract")
    arrays.append(pa.array(tract))
    if level != "tract":
        names.append("patch")
        arrays.append(pa.array(patch))
    if level == "cell":
        names.append("cell")
        arrays.append(pa.array(cell))
    names.append("relation")
    arrays.append(pa.DictionaryArray.from_arrays(pa.array(relation), _relation_names()))
    if fraction:
        names += ["region_fraction", f"{level}_fraction"]
        arrays += [pa.array(region_fraction), pa.array(target_fraction)]
    table = pa.Table.from_arrays(arrays, names=names)
    return table.to_pandas() if pandas else table


def overlapping(
    skymap: Any, region: Any, level: str = "tract", fraction: bool = False, *, pandas: bool = False
) -> Any:
    """Every tract, patch or cell of ``skymap`` whose outer region overlaps ``region``.

    Parameters
    ----------
    skymap : skymaps.SkyMap
    region : skymaps.Region or lsst.sphgeom.Region
        A convex polygon, circle, box, union, or intersection of convex polygons.
    level : {"tract", "patch", "cell"}
    fraction : bool
        Also return ``region_fraction`` (share of the region's area inside the
        tract/patch/cell) and ``<level>_fraction`` (share of the tract/patch/cell's
        area inside the region), from exact spherical intersection areas (convex
        polygon regions only).
    pandas : bool
        Return a ``pandas.DataFrame`` instead of a ``pyarrow.Table``.

    Returns
    -------
    pyarrow.Table
        Columns ``tract`` [, ``patch``] [, ``cell``], ``relation`` (dictionary of
        ``"partial"``, ``"contains"``, ``"within"``) [, fractions], sorted by tract,
        patch, cell. Patch ids are sequential (``nx * y + x``); cell ids count in the
        patch's own cell grid.

    Raises
    ------
    skymaps.InvalidRegionError
        Fractions of a non-polygon region, or an intersection with a non-polygon operand.
    skymaps.InvalidConfigError
        ``level="cell"`` on a skymap without cells.
    """
    columns = _index(skymap).overlapping(_as_region(region)._core, _check_level(level), fraction)
    return _table(columns, level, fraction, False, pandas)


def _is_wcs(obj: Any) -> bool:
    return type(obj).__name__ == "WCS" and hasattr(obj, "all_pix2world")


def coverage(
    skymap: Any,
    footprints: Sequence[Any],
    level: str = "tract",
    fraction: bool = False,
    *,
    pandas: bool = False,
) -> Any:
    """The coverage of many footprints, computed in parallel, as one long table.

    Parameters
    ----------
    skymap : skymaps.SkyMap
    footprints : sequence
        Each item a region (skymaps or sphgeom), an astropy ``WCS`` with
        ``pixel_shape`` set (its footprint from :func:`skymaps.footprint`),
        or a ``(lon, lat)`` pair of vertex arrays in degrees (their convex hull).
    level, fraction, pandas
        As :func:`overlapping`.

    Returns
    -------
    pyarrow.Table
        ``footprint_id`` (the index in ``footprints``), then the columns of
        :func:`overlapping`; sorted by footprint, tract, patch, cell. A footprint
        that overlaps nothing has no row; a bad footprint raises (naming its index),
        it is never skipped.
    """
    from .geometry import ConvexPolygon
    from .wcs_footprint import footprint as wcs_footprint

    regions = []
    for i, item in enumerate(footprints):
        try:
            if _is_wcs(item):
                region = wcs_footprint(item)
            elif isinstance(item, tuple) and len(item) == 2:
                region = ConvexPolygon.from_lonlat(*item, hull=True)
            else:
                region = _as_region(item)
        except (ValueError, TypeError) as err:
            raise type(err)(f"footprint {i}: {err}") from err
        regions.append(region._core)
    columns = _index(skymap).overlapping_regions(regions, _check_level(level), fraction)
    return _table(columns, level, fraction, True, pandas)


def coverage_from_vertices(
    skymap: Any,
    lon: Any,
    lat: Any,
    level: str = "tract",
    fraction: bool = False,
    *,
    pandas: bool = False,
) -> Any:
    """:func:`coverage` of convex polygons given as vertex arrays (the fast path).

    Parameters
    ----------
    lon, lat : array_like or sequence of array_like
        Degrees: either ``(N, K)`` arrays (N footprints of K vertices) or two
        sequences of N 1-D arrays (ragged: any number of vertices each). Footprint
        ``i`` is the convex hull of its vertices.

    Raises
    ------
    skymaps.InvalidCoordinateError, skymaps.InvalidRegionError
        NaN vertices, |lat| > 90, or a degenerate (zero-area) footprint, naming its index.
    skymaps.ShapeMismatchError
        lon and lat that do not match.
    """
    lon_flat, offsets = _ragged(lon, "lon")
    lat_flat, lat_offsets = _ragged(lat, "lat")
    if lon_flat.shape != lat_flat.shape or not np.array_equal(offsets, lat_offsets):
        raise ShapeMismatchError("lon and lat must have the same (ragged) shape")
    columns = _index(skymap).overlapping_ragged(
        lon_flat, lat_flat, offsets, _check_level(level), fraction
    )
    return _table(columns, level, fraction, True, pandas)


def _ragged(values: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Flat float64 values and uint64 offsets from an (N, K) array or N 1-D arrays."""
    if isinstance(values, np.ndarray) and values.ndim == 2:
        n, k = values.shape
        flat = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
        return flat, np.arange(n + 1, dtype=np.uint64) * np.uint64(k)
    parts = [np.asarray(v, dtype=np.float64) for v in values]
    if any(p.ndim != 1 for p in parts):
        raise ShapeMismatchError(f"{name} must be an (N, K) array or a sequence of 1-D arrays")
    sizes = np.array([p.size for p in parts], dtype=np.uint64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.uint64)
    flat = np.concatenate(parts) if parts else np.empty(0)
    return np.ascontiguousarray(flat, dtype=np.float64), offsets
