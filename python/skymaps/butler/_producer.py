"""Records from the Rust core: one call computes every column in parallel."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from .records import SkymapRecords

if TYPE_CHECKING:
    from ..skymap import SkyMap

__all__ = ["base64_array", "produce", "record_chunks", "tract_chunks"]


def _binary(pair: tuple[np.ndarray, np.ndarray]) -> pa.Array:
    data, offsets = pair
    n = len(offsets) - 1
    array = pa.Array.from_buffers(
        pa.large_binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
    return array.cast(pa.binary())


def _release_freed_memory() -> None:
    """Gives the memory the records computation freed back to the system (glibc).

    Each Rust worker thread builds its tracts' rows in its own malloc arena; once they
    are joined into columns those arenas are free but still mapped (about 250 MB for
    ``hsc_rings_v1``), and a registration would then grow its page cache on top of
    them. ``malloc_trim`` unmaps them. Elsewhere (macOS, musl) nothing to do.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is not None:
        trim(0)


def produce(skymap: SkyMap, name: str) -> SkymapRecords:
    """:func:`skymaps.butler.dimension_records`: the rows of the already-built skymap."""
    from .. import _core

    _check_skymap(skymap)
    records = _records(_core.skymap_records(skymap._core), name)
    _release_freed_memory()
    return records


def record_chunks(
    skymap: SkyMap, name: str, patch_rows: int, parallel: bool = True
) -> Iterator[SkymapRecords]:
    """The records of ``skymap`` a range of whole tracts at a time (each about
    ``patch_rows`` patches, at least one tract), in tract order: what
    :func:`tract_chunks` gives of :func:`produce`'s records, computed as they are
    needed, so that a registration writes the first rows while the next are computed
    and never holds all of them. ``parallel=False`` computes each range on the calling
    thread only."""
    from .. import _core

    _check_skymap(skymap)
    counts = _core.tract_patch_counts(skymap._core)
    for start, stop in _ranges(counts, patch_rows):
        yield _records(_core.skymap_records(skymap._core, start, stop, parallel), name)


def _ranges(patch_counts: np.ndarray, patch_rows: int) -> list[tuple[int, int]]:
    """Consecutive ``(start, stop)`` ranges of positions, each starting a new multiple
    of ``patch_rows`` patches (so never empty); ``[(0, 0)]`` for no tracts."""
    if len(patch_counts) == 0:
        return [(0, 0)]
    first_patch = np.concatenate([[0], np.cumsum(patch_counts)[:-1]])
    starts = np.flatnonzero(np.diff(first_patch // max(1, patch_rows))) + 1
    cuts = [0, *starts.tolist(), len(patch_counts)]
    return list(zip(cuts[:-1], cuts[1:], strict=True))


def _check_skymap(skymap: object) -> None:
    from ..skymap import SkyMap

    if not isinstance(skymap, SkyMap):
        raise TypeError(f"expected a skymaps.SkyMap, got {type(skymap).__name__}")


def _records(cols: dict, name: str) -> SkymapRecords:
    """Rust's columns (``_core.skymap_records``) as :class:`SkymapRecords`."""
    records = SkymapRecords.from_columns(
        name=name,
        hash=cols["hash"],
        tract_id=cols["tract_id"],
        tract_region=_binary(cols["tract_region"]),
        patch_tract=cols["patch_tract"],
        patch_id=cols["patch_id"],
        patch_cell_x=cols["patch_cell_x"],
        patch_cell_y=cols["patch_cell_y"],
        patch_region=_binary(cols["patch_region"]),
        tract_overlap_tract=cols["tract_overlap_tract"],
        tract_overlap_pixel=cols["tract_overlap_pixel"],
        patch_overlap_tract=cols["patch_overlap_tract"],
        patch_overlap_patch=cols["patch_overlap_patch"],
        patch_overlap_pixel=cols["patch_overlap_pixel"],
        tract_max=cols["tract_max"],
    )
    # A skymap record gives the largest grid over all tracts, not the largest used index.
    return dataclasses.replace(
        records, patch_nx_max=int(cols["patch_nx_max"]), patch_ny_max=int(cols["patch_ny_max"])
    )


def base64_array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Base64 text of each binary value (parallel in Rust), as an Arrow string array."""
    from .. import _core

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    array = array.cast(pa.large_binary())
    if array.offset != 0:
        array = pa.concat_arrays([array])  # normalise a slice to offset 0
    _, offsets_buf, data_buf = array.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64, count=len(array) + 1)
    data = (
        np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    )
    if offsets[0] != 0:
        start = int(offsets[0])
        data, offsets = data[start:], offsets - start
    text, text_offsets = _core.base64_column(
        np.ascontiguousarray(data), np.ascontiguousarray(offsets)
    )
    return pa.Array.from_buffers(
        pa.large_string(), len(array), [None, pa.py_buffer(text_offsets), pa.py_buffer(text)]
    )


def tract_chunks(records: SkymapRecords, patch_rows: int) -> Iterator[SkymapRecords]:
    """The records of consecutive ranges of whole tracts, each with about ``patch_rows``
    patch rows (at least one tract), in tract order: zero-copy slices of ``records``.

    A registration streams these into the database one after the other, so that only
    one chunk at a time is converted into what the database takes (base64 text,
    driver rows). Every table of ``records`` is sorted by tract, so each chunk is one
    contiguous slice per table.
    """
    tract_ids = records.tract.column("id").to_numpy()
    if len(tract_ids) == 0:
        yield records
        return
    patch_tract = records.patch.column("tract").to_numpy()
    first_patch = np.searchsorted(patch_tract, tract_ids, side="left")
    patch_counts = np.diff(np.append(first_patch, len(patch_tract)))
    tract_overlap = records.tract_overlap.column("tract").to_numpy()
    patch_overlap = records.patch_overlap.column("tract").to_numpy()

    def rows(table: pa.Table, column: np.ndarray, low: int, high: int) -> pa.Table:
        start, stop = np.searchsorted(column, [low, high], side="left")
        return table.slice(int(start), int(stop - start))

    for lo, hi in _ranges(patch_counts, patch_rows):
        low = int(tract_ids[lo])
        high = int(tract_ids[hi - 1]) + 1
        yield dataclasses.replace(
            records,
            tract=records.tract.slice(lo, hi - lo),
            patch=rows(records.patch, patch_tract, low, high),
            tract_overlap=rows(records.tract_overlap, tract_overlap, low, high),
            patch_overlap=rows(records.patch_overlap, patch_overlap, low, high),
        )
