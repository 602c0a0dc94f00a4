"""The long coverage table of many footprints, one partition at a time.

Each partition goes through the single-process :func:`skymaps.coverage.coverage` (or
:func:`~skymaps.coverage.coverage_from_vertices`) on its worker; only ``footprint_id``
changes, from the position inside the partition to the footprint's id: its position in
the whole bag, or the frame's ``id`` column or index. A bad footprint raises, naming its
id, as the single-process functions do; none is skipped.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import coverage as single
from ..geometry import Region
from ..skymap import SkyMap
from ._workers import SkyMapSpec, skymap_of

__all__ = ["empty_table", "items_partition", "frame_partition"]


def empty_table(sky: SkyMap, level: str, fraction: bool) -> Any:
    """The (empty) pandas table of the single-process function: the dask ``meta``."""
    return single.coverage(sky, [], level, fraction, pandas=True)


def _as_footprint(item: Any) -> Any:
    """Encoded region bytes (as a butler stores them) decoded; anything else as is."""
    if isinstance(item, (bytes, bytearray, memoryview)):
        return Region.decode(bytes(item))
    return item


def _located(err: Exception, ids: np.ndarray, one: Any) -> Exception:
    """``err`` again, naming the id of the first footprint that fails on its own."""
    for i, fid in enumerate(ids):
        try:
            one(i)
        except (ValueError, TypeError) as first:
            return type(first)(f"footprint id {int(fid)}: {first}")
    return err


def _with_ids(table: Any, ids: np.ndarray) -> Any:
    table["footprint_id"] = ids[table["footprint_id"].to_numpy()].astype(np.int64)
    return table


def _regions(sky: SkyMap, items: list, ids: np.ndarray, level: str, fraction: bool) -> Any:
    items = [_as_footprint(item) for item in items]
    try:
        table = single.coverage(sky, items, level, fraction, pandas=True)
    except (ValueError, TypeError) as err:
        raise _located(
            err, ids, lambda i: single.coverage(sky, items[i : i + 1], level, fraction)
        ) from err
    return _with_ids(table, ids)


def _vertices(sky: SkyMap, lon: list, lat: list, ids: np.ndarray, level: str, fraction: bool):
    try:
        table = single.coverage_from_vertices(sky, lon, lat, level, fraction, pandas=True)
    except (ValueError, TypeError) as err:
        raise _located(
            err,
            ids,
            lambda i: single.coverage_from_vertices(sky, lon[i : i + 1], lat[i : i + 1], level),
        ) from err
    return _with_ids(table, ids)


def items_partition(items: Any, offset: int, spec: SkyMapSpec, level: str, fraction: bool) -> Any:
    """The table of a bag partition: footprint ids count from ``offset``."""
    items = list(items)
    ids = np.arange(offset, offset + len(items), dtype=np.int64)
    return _regions(skymap_of(spec), items, ids, level, fraction)


def frame_ids(frame: Any, id: str | None) -> np.ndarray:
    """The footprint ids of a frame's rows: its ``id`` column, else its index."""
    from pandas.api.types import is_integer_dtype

    values = frame[id] if id is not None else frame.index
    if not is_integer_dtype(values.dtype) or values.isna().any():
        what = f"column {id!r}" if id is not None else "the frame's index"
        raise TypeError(f"footprint ids come from {what}: integers, not {values.dtype}")
    return values.to_numpy(dtype=np.int64)


def frame_partition(
    frame: Any,
    spec: SkyMapSpec,
    level: str,
    fraction: bool,
    region: str | None,
    lon: str,
    lat: str,
    id: str | None,
) -> Any:
    """The table of a frame partition: footprints from a region column or vertex columns."""
    sky = skymap_of(spec)
    ids = frame_ids(frame, id)
    if region is not None:
        return _regions(sky, list(frame[region]), ids, level, fraction)
    return _vertices(sky, _ragged(frame[lon]), _ragged(frame[lat]), ids, level, fraction)


def _ragged(column: Any) -> list[np.ndarray]:
    """One float64 array per row of a column of vertex lists (Arrow list or object)."""
    import pandas as pd

    dtype = column.dtype
    if isinstance(dtype, pd.ArrowDtype) and hasattr(dtype.pyarrow_dtype, "value_type"):
        import pyarrow as pa

        lists = pa.chunked_array(pa.array(column)).combine_chunks()
        if lists.null_count:
            i = int(np.flatnonzero(column.isna().to_numpy())[0])
            raise TypeError(f"column {column.name!r} has no vertices in row {column.index[i]!r}")
        offsets = lists.offsets.to_numpy()
        values = lists.flatten().to_numpy(zero_copy_only=False).astype(np.float64)
        return np.split(values, offsets[1:-1] - offsets[0])
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        raise TypeError(
            f"column {column.name!r} holds strings, not vertex arrays: give it an Arrow list "
            "dtype, e.g. pd.ArrowDtype(pa.list_(pa.float64())) (dask turns object columns "
            "into strings)"
        )
    return [np.asarray(v, dtype=np.float64) for v in column]
