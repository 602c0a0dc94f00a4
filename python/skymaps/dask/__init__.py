"""skymaps on dask: tract/patch assignment and coverage past one machine.

Needs the ``dask`` extra (``pip install "skymaps[dask]"``: ``dask[dataframe]`` and
``distributed``). Two functions, each the single-process one run partition by partition:

* :func:`assign` adds ``tract``, ``patch`` (and ``cell``) columns to a catalogue: a dask
  DataFrame, a pandas DataFrame, or an LSDB catalogue;
* :func:`coverage` turns a dask collection of footprints into the long coverage table
  ``(footprint_id, tract[, patch[, cell]], relation[, fractions])`` as a dask DataFrame.

The skymap ships to the workers as its config and hash (a few hundred bytes), is built
once per worker process and kept; the first task on a ``distributed`` worker sizes
skymaps' Rust thread pool to that worker's ``nthreads`` (see :mod:`skymaps.threads`), so
``n_workers * threads_per_worker`` threads run in all, never one per core per worker.

Rows without a position (NaN/missing ra or dec) get ``<NA>`` tract/patch/cell
(nullable ``Int64`` columns); ``-1`` means no tract owns the point, as in
:meth:`SkyMap.find_tract_patch`; infinite or ``|dec| > 90`` positions raise
:class:`skymaps.InvalidCoordinateError` naming the row. See ``docs/dask.md``.

Examples
--------
>>> import pandas as pd, skymaps
>>> from skymaps.dask import assign
>>> sky = skymaps.preset("hsc_rings_v1")
>>> frame = pd.DataFrame({"ra": [150.1, float("nan")], "dec": [2.1, 2.1]})
>>> assign(frame, sky)
      ra  dec  tract  patch
0  150.1  2.1   9813     32
1    NaN  2.1   <NA>   <NA>
"""

from __future__ import annotations

from typing import Any

try:
    import dask
    import dask.dataframe as dd
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        'skymaps.dask needs dask: pip install "skymaps[dask]" (dask[dataframe], distributed)'
    ) from exc

from ..coverage import _check_level
from ..skymap import SkyMap
from ._assign import assign_frame, assign_partition, level_columns
from ._coverage import empty_table, frame_partition, items_partition
from ._workers import SkyMapSpec

__all__ = ["assign", "coverage", "SkyMapSpec"]


def _is_lsdb(obj: Any) -> bool:
    """An LSDB catalogue (HATS-partitioned): it has an ``hc_structure`` and a dask frame."""
    return hasattr(obj, "hc_structure") and hasattr(obj, "to_dask_dataframe")


def _lsdb_radec(catalog: Any, ra: str | None, dec: str | None) -> tuple[str, str]:
    info = catalog.hc_structure.catalog_info
    return ra or info.ra_column, dec or info.dec_column


def assign(
    df: Any,
    skymap: SkyMap,
    ra: str | None = None,
    dec: str | None = None,
    level: str = "patch",
) -> Any:
    """``df`` with ``tract``, ``patch`` (level ``"patch"``) and ``cell`` (level ``"cell"``)
    columns: the owner of each row's position, as :meth:`SkyMap.find_tract_patch`.

    Parameters
    ----------
    df : dask.dataframe.DataFrame, pandas.DataFrame or lsdb.Catalog
        Positions in degrees in columns ``ra``, ``dec``.
    skymap : skymaps.SkyMap
    ra, dec : str, optional
        Column names; ``"ra"``/``"dec"`` by default (an LSDB catalogue's own columns).
    level : {"tract", "patch", "cell"}
        ``"cell"`` adds the cell id within the patch (skymaps with cells only).

    Returns
    -------
    Same kind as ``df``
        Lazy for dask and LSDB (``map_partitions``, one task per partition, same
        partitions and divisions). The new columns are nullable ``Int64``: ``-1``
        where no tract owns the point, ``<NA>`` where ra or dec is NaN or missing.

    Raises
    ------
    skymaps.InvalidCoordinateError
        When computed, for an infinite position or ``|dec| > 90``, naming the row.
    skymaps.InvalidConfigError
        ``level="cell"`` on a skymap without cells.
    ValueError
        An unknown level, or ``df`` already has a ``tract``/``patch``/``cell`` column.
    """
    level_columns(level)
    if _is_lsdb(df):
        ra, dec = _lsdb_radec(df, ra, dec)
        meta = assign_frame(df.to_dask_dataframe()._meta, skymap, ra, dec, level)
        return df.map_partitions(
            assign_partition, SkyMapSpec.of(skymap), ra, dec, level, meta=meta
        )
    ra, dec = ra or "ra", dec or "dec"
    if isinstance(df, dd.DataFrame):
        meta = assign_frame(df._meta, skymap, ra, dec, level)
        return df.map_partitions(
            assign_partition, SkyMapSpec.of(skymap), ra, dec, level, meta=meta
        )
    return assign_frame(df, skymap, ra, dec, level)


def coverage(
    footprints: Any,
    skymap: SkyMap,
    level: str = "tract",
    fraction: bool = False,
    *,
    region: str | None = None,
    lon: str = "lon",
    lat: str = "lat",
    id: str | None = None,
) -> Any:
    """The long coverage table of a dask collection of footprints, as a dask DataFrame.

    Parameters
    ----------
    footprints : dask.bag.Bag, dask.dataframe.DataFrame, pandas.DataFrame or lsdb.Catalog
        A bag of anything :func:`skymaps.coverage.coverage` takes (regions, sphgeom
        regions, encoded region bytes, astropy WCSs, ``(lon, lat)`` vertex pairs); its
        ``footprint_id`` is the position in the bag. Or a frame with one footprint per
        row: a ``region`` column (regions or encoded bytes), else ``lon``/``lat``
        columns of vertex arrays in degrees (their convex hull, as
        :func:`skymaps.coverage.coverage_from_vertices`); its ``footprint_id`` is the
        ``id`` column, else the frame's (integer) index.
    skymap : skymaps.SkyMap
    level, fraction
        As :func:`skymaps.coverage.overlapping`.
    region, lon, lat, id : str, optional
        Column names for frames.

    Returns
    -------
    dask.dataframe.DataFrame
        The columns and dtypes of ``coverage(..., pandas=True)``, one output partition
        per input partition, rows sorted by footprint, tract, patch, cell inside each.
        Footprints that overlap nothing have no row; a bad footprint raises when
        computed, naming its id.
    """
    import dask.bag as db

    _check_level(level)
    spec = SkyMapSpec.of(skymap)
    meta = empty_table(skymap, level, fraction)
    if _is_lsdb(footprints):
        footprints = footprints.to_dask_dataframe()
    if isinstance(footprints, db.Bag):
        parts = footprints.map_partitions(list).to_delayed()
        counts = [dask.delayed(len)(p) for p in parts]
        offsets = dask.delayed(_offsets)(counts)
        tables = [
            dask.delayed(items_partition)(p, offsets[i], spec, level, fraction)
            for i, p in enumerate(parts)
        ]
        return dd.from_delayed(tables, meta=meta, verify_meta=False)
    args = (spec, level, fraction, region, lon, lat, id)
    if isinstance(footprints, dd.DataFrame):
        return footprints.map_partitions(
            frame_partition, *args, meta=meta, align_dataframes=False, clear_divisions=True
        )
    if hasattr(footprints, "columns"):  # pandas
        return dd.from_pandas(frame_partition(footprints, *args), npartitions=1)
    raise TypeError(
        "footprints must be a dask Bag or DataFrame, a pandas DataFrame or an LSDB catalogue, "
        f"got {type(footprints).__name__}"
    )


def _offsets(counts: list[int]) -> list[int]:
    out, total = [], 0
    for n in counts:
        out.append(total)
        total += n
    return out
