"""``skymaps find``: which tract, patch and cell own a point, and every tract holding it."""

from __future__ import annotations

from typing import Any

import click
import numpy as np

from ._options import (
    errors_as_messages,
    resolve_skymap,
    skymap_options,
    table_options,
    write_table,
)

__all__ = ["find_command", "find_table"]


def _check_coordinates(lon: np.ndarray, lat: np.ndarray, label: Any) -> None:
    """One clear message for the first unusable coordinate."""
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise click.BadParameter(
            f"coordinates must be finite numbers, got ({lon[i]}, {lat[i]})", param_hint=label(i)
        )
    bad = np.abs(lat) > 90.0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise click.BadParameter(
            f"latitude must be in [-90, 90], got {lat[i]}", param_hint=label(i)
        )


def find_table(skymap: Any, lon: np.ndarray, lat: np.ndarray) -> Any:
    """A ``pyarrow.Table``: per point its owning tract, patch (id, x, y) and cell (cells
    builder), and the sorted list of every tract whose outer region holds it."""
    import pyarrow as pa

    tract, patch = skymap.find_tract_patch(lon, lat)
    tract = np.atleast_1d(tract)
    patch = np.atleast_1d(patch)
    cell = np.full(len(lon), -1, dtype=np.int64)
    px = np.full(len(lon), -1, dtype=np.int64)
    py = np.full(len(lon), -1, dtype=np.int64)
    for t in np.unique(tract[tract >= 0]):
        sel = np.flatnonzero(tract == t)
        tr = skymap[int(t)]
        _, cells = tr.find_patch_cell(lon[sel], lat[sel])
        cell[sel] = cells
        nx = tr.num_patches[0]
        ok = patch[sel] >= 0
        px[sel[ok]] = patch[sel[ok]] % nx
        py[sel[ok]] = patch[sel[ok]] // nx
    idx, all_tracts = skymap.find_all_tracts(lon, lat)
    splits = np.searchsorted(idx, np.arange(1, len(lon)))
    containing = [a.tolist() for a in np.split(all_tracts, splits)]
    columns = {
        "lon": pa.array(lon, pa.float64()),
        "lat": pa.array(lat, pa.float64()),
        "tract": pa.array(tract, pa.int64()),
        "patch": pa.array(patch, pa.int64()),
        "patch_x": pa.array(px, pa.int64()),
        "patch_y": pa.array(py, pa.int64()),
        "cell": pa.array(cell, pa.int64()),
        "tracts": pa.array(containing, pa.list_(pa.int64())),
    }
    return pa.table(columns)


def _read_points(path: str, lon_column: str, lat_column: str) -> tuple[np.ndarray, np.ndarray]:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from ..errors import SkymapsIOError

    try:
        table = pq.read_table(path) if path.lower().endswith((".parquet", ".pq")) else \
            pacsv.read_csv(path)
    except Exception as err:  # pyarrow raises several types for unreadable files
        raise SkymapsIOError(f"{path}: cannot read the table: {err}") from None
    missing = [c for c in (lon_column, lat_column) if c not in table.column_names]
    if missing:
        raise click.BadParameter(
            f"{path}: no column {missing[0]!r} (columns: {', '.join(table.column_names)}); "
            "choose with --lon-column/--lat-column"
        )
    try:
        lon = np.asarray(table.column(lon_column).to_numpy(zero_copy_only=False), np.float64)
        lat = np.asarray(table.column(lat_column).to_numpy(zero_copy_only=False), np.float64)
    except (TypeError, ValueError) as err:
        raise click.BadParameter(f"{path}: coordinates must be numbers: {err}") from None
    return lon, lat


@click.command(
    "find",
    short_help="Owning tract/patch/cell of points, and every tract holding them.",
    context_settings={"ignore_unknown_options": True},
)
@click.argument("lon", type=float, required=False)
@click.argument("lat", type=float, required=False)
@skymap_options
@click.option(
    "--table",
    "table_path",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=str),
    help="Many points: a CSV or Parquet table with lon/lat columns (degrees).",
)
@click.option("--lon-column", default="ra", show_default=True, help="Longitude column of --table.")
@click.option("--lat-column", default="dec", show_default=True, help="Latitude column of --table.")
@table_options
def find_command(lon, lat, preset, config_file, overrides, table_path, lon_column, lat_column,
                 fmt, output):
    """Which tract, patch and cell own the point LON LAT (degrees), and every tract
    whose outer region contains it (neighbouring tracts overlap).

    \b
    Examples:
      skymaps find 150.25 2.23 --preset hsc_rings_v1
      skymaps find --table points.csv --preset lsst_cells_v1 -o found.parquet

    A point no tract owns (outside a discrete skymap) gets tract -1. Negative
    longitudes and longitudes past 360 wrap.
    """
    if table_path is None and (lon is None or lat is None):
        raise click.UsageError("give LON LAT, or --table FILE for many points")
    if table_path is not None and lon is not None:
        raise click.UsageError("give either LON LAT or --table FILE, not both")
    with errors_as_messages():
        if table_path is not None:
            lons, lats = _read_points(table_path, lon_column, lat_column)
            _check_coordinates(lons, lats, lambda i: f"{table_path} row {i + 1}")
        else:
            lons, lats = np.array([lon]), np.array([lat])
            _check_coordinates(lons, lats, lambda i: "LON LAT")
        _, skymap = resolve_skymap(preset, config_file, overrides)
        table = find_table(skymap, lons, lats)
    write_table(table, fmt, output)
