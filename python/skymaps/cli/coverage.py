"""``skymaps coverage``: which tracts/patches/cells FITS images or stored regions touch."""

from __future__ import annotations

import click

from ._options import (
    errors_as_messages,
    progress_bar,
    progress_option,
    resolve_skymap,
    skymap_options,
    table_options,
    write_table,
)

__all__ = ["coverage_command"]

_TABLE_SUFFIXES = (".csv", ".parquet", ".pq")


def _read_regions(path: str) -> list[tuple[str, object]]:
    """(label, region) from a table with a ``region`` column of hex (or base64)
    sphgeom encodings, as butler exports store them; an ``id`` column names rows."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from ..errors import SkymapsIOError
    from ..geometry import Region

    try:
        table = pacsv.read_csv(path) if path.endswith(".csv") else pq.read_table(path)
    except Exception as err:  # pyarrow raises several types for unreadable files
        raise SkymapsIOError(f"{path}: cannot read the table: {err}") from err
    if "region" not in table.column_names:
        raise SkymapsIOError(f"{path}: no 'region' column (hex or base64 sphgeom encodings)")
    ids = table.column("id").to_pylist() if "id" in table.column_names else None
    out = []
    for k, text in enumerate(table.column("region").to_pylist()):
        label = f"{path}[{ids[k] if ids else k}]"
        text = str(text)
        try:
            region = Region.decode_hex(text)
        except ValueError:
            try:
                region = Region.decode_base64(text)
            except ValueError as err:
                raise type(err)(f"{label}: {err}") from err
        out.append((label, region))
    return out


def _footprints(
    files: tuple[str, ...], visit: bool, no_progress: bool
) -> list[tuple[str, object]]:
    from ..geometry import UnionRegion
    from ..wcs_footprint import fits_footprints

    out: list[tuple[str, object]] = []
    for path in progress_bar(no_progress, "reading footprints", "file")(files):
        if path.lower().endswith(_TABLE_SUFFIXES):
            out.extend(_read_regions(path))
            continue
        parts = fits_footprints(path)
        if visit:
            out.append((path, UnionRegion(*(p for _, _, p in parts))))
        else:
            out.extend((f"{path}[{i}{':' + name if name else ''}]", p) for i, name, p in parts)
    return out


@click.command(
    "coverage", short_help="Tracts/patches/cells that FITS images or stored regions touch."
)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@skymap_options
@click.option(
    "--level", type=click.Choice(["tract", "patch", "cell"]), default="patch", show_default=True
)
@click.option("--fraction", is_flag=True, help="Add overlap fractions (polygon footprints only).")
@click.option("--visit", is_flag=True, help="One footprint per FITS file (union of its HDUs).")
@table_options
@progress_option
def coverage_command(
    files, preset, config_file, overrides, level, fraction, visit, fmt, output, no_progress
):
    """Exact coverage of FILES: FITS images or multi-extension exposures (one footprint
    per image HDU, from its WCS), or CSV/Parquet tables with a ``region`` column of
    sphgeom encodings. Prints one row per (footprint, tract, patch[, cell])."""
    import pyarrow as pa

    from ..coverage import coverage

    with errors_as_messages():
        _, sky = resolve_skymap(preset, config_file, overrides)  # built once (load_config)
        labelled = _footprints(files, visit, no_progress)
        table = coverage(sky, [r for _, r in labelled], level, fraction)
    labels = pa.array(
        [labelled[i][0] for i in table.column("footprint_id").to_pylist()], pa.string()
    )
    table = table.add_column(0, "source", labels)
    table = table.set_column(
        table.column_names.index("relation"), "relation", table.column("relation").cast(pa.string())
    )
    # CSV on the terminal unless asked otherwise (a table of many rows pipes on).
    write_table(table, "csv" if fmt is None and output is None else fmt, output)
    click.echo(f"{len(labelled)} footprints, {table.num_rows} rows", err=True)
