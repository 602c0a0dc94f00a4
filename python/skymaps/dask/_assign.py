"""Tract/patch(/cell) columns for every row of a catalogue, one partition at a time.

Each partition is looked up with the single-process functions
(:meth:`SkyMap.find_tract`, :meth:`SkyMap.find_tract_patch`, :meth:`Tract.find_patch_cell`)
on its worker, so the answer is the same number for number. The new columns are pandas
nullable ``Int64``: ``-1`` where no tract owns the point (as the single-process
functions), ``<NA>`` where the row has no position (NaN or missing ra or dec).
Positions that exist but cannot be on the sky (infinite, ``|dec| > 90``) raise
:class:`skymaps.InvalidCoordinateError` naming the row: a corrupt value stops the job
rather than vanishing into a null.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InvalidConfigError, InvalidCoordinateError
from ..skymap import SkyMap
from ._workers import SkyMapSpec, skymap_of

__all__ = ["LEVELS", "assign_frame", "assign_partition", "level_columns"]

LEVELS = ("tract", "patch", "cell")


def level_columns(level: str) -> tuple[str, ...]:
    """The columns :func:`assign_frame` adds for ``level``."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    return LEVELS[: LEVELS.index(level) + 1]


def check_level(skymap: SkyMap, level: str, columns: Any) -> tuple[str, ...]:
    """The new column names; errors for a cell level without cells or a name clash."""
    names = level_columns(level)
    if level == "cell" and skymap.config.get("tractBuilder", {}).get("name") != "cells":
        raise InvalidConfigError("level='cell' needs a skymap with the cells tract builder")
    clash = [n for n in names if n in columns]
    if clash:
        raise ValueError(f"the frame already has column(s) {clash}; rename or drop them first")
    return names


def _degrees(column: Any) -> np.ndarray:
    """A float64 array of a pandas column, with missing values (pd.NA, None) as NaN."""
    return np.ascontiguousarray(column.to_numpy(dtype=np.float64, na_value=np.nan))


def _check_finite(frame: Any, lon: np.ndarray, lat: np.ndarray, present: np.ndarray) -> None:
    bad = present & ~(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidCoordinateError(
            f"row {frame.index[i]!r}: ra={lon[i]!r}, dec={lat[i]!r} is not a sky position "
            "(need finite degrees, |dec| <= 90; NaN means no position and gives <NA>)"
        )


def _lookup(sky: SkyMap, lon: np.ndarray, lat: np.ndarray, level: str) -> list[np.ndarray]:
    """tract[, patch[, cell]] id arrays of valid positions (-1 where none)."""
    if level == "tract":
        return [np.asarray(sky.find_tract(lon, lat), dtype=np.int64)]
    tract, patch = sky.find_tract_patch(lon, lat)
    out = [np.asarray(tract, dtype=np.int64), np.asarray(patch, dtype=np.int64)]
    if level == "cell":
        cell = np.full(lon.shape, -1, dtype=np.int64)
        order = np.argsort(tract, kind="stable")
        bounds = np.flatnonzero(np.diff(tract[order])) + 1
        for rows in np.split(order, bounds):
            if rows.size and tract[rows[0]] >= 0:
                _, cell[rows] = sky[int(tract[rows[0]])].find_patch_cell(lon[rows], lat[rows])
        out.append(cell)
    return out


def assign_frame(frame: Any, sky: SkyMap, ra: str, dec: str, level: str) -> Any:
    """``frame`` (pandas) with tract[/patch[/cell]] ``Int64`` columns added."""
    import pandas as pd

    names = check_level(sky, level, frame.columns)
    lon, lat = _degrees(frame[ra]), _degrees(frame[dec])
    present = ~(np.isnan(lon) | np.isnan(lat))
    _check_finite(frame, lon, lat, present)
    ids = _lookup(sky, lon[present], lat[present], level)
    columns = {}
    for name, values in zip(names, ids, strict=True):
        full = np.full(len(frame), -1, dtype=np.int64)
        full[present] = values
        columns[name] = pd.arrays.IntegerArray(full, ~present)
    return frame.assign(**{n: pd.Series(v, index=frame.index) for n, v in columns.items()})


def assign_partition(frame: Any, spec: SkyMapSpec, ra: str, dec: str, level: str) -> Any:
    """:func:`assign_frame` on a worker: the skymap comes from its spec."""
    return assign_frame(frame, skymap_of(spec), ra, dec, level)
