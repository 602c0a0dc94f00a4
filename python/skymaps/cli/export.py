"""``skymaps export``: every tract or patch with its corners (CSV/JSON/Parquet), or
their regions as DS9, STC-S, GeoJSON or a MOC."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import numpy as np

from ._options import (
    errors_as_messages,
    progress_bar,
    progress_option,
    resolve_skymap,
    skymap_options,
    table_options,
    write_table,
    writing,
)

__all__ = ["export_command"]

REGION_FORMATS = ("ds9", "stcs", "geojson", "moc")


def _regions(table: Any, level: str, no_progress: bool) -> list[tuple[str, Any]]:
    """(label, polygon) per row of a corner table written with ``xyz=True``."""
    from ..geometry import ConvexPolygon

    cols = table.to_pydict()
    k = sum(1 for name in cols if name.startswith("x") and name[1:].isdigit())
    xyz = np.stack([np.stack([cols[f"{a}{i}"] for a in "xyz"], axis=-1) for i in range(k)],
                   axis=1)
    out = []
    for row in progress_bar(no_progress, "regions", level)(range(len(xyz))):
        label = str(cols["tract"][row]) if level == "tract" else \
            f"{cols['tract'][row]}/{cols['patch'][row]}"
        out.append((label, ConvexPolygon.from_vectors(xyz[row], normalize=False)))
    return out


def _write_regions(regions: list[tuple[str, Any]], fmt: str, output: str | None, depth: int,
                   level: str) -> None:
    from .. import interchange

    if fmt == "moc":
        from ..moc import to_ascii, to_mocpy
        from ..pixelization import Healpix

        hp = Healpix(depth)
        cover = None
        for _, region in regions:
            env = hp.envelope(region)
            cover = env if cover is None else cover | env
        if cover is None:
            raise click.UsageError("nothing selected to export")
        if output is None:
            click.echo(to_ascii(cover, depth))
        else:
            moc = to_mocpy(cover, depth)
            suffix = Path(output).suffix.lower()
            with writing(output):
                moc.save(output, format="json" if suffix == ".json" else
                         "ascii" if suffix in (".txt", ".ascii") else "fits", overwrite=True)
        return
    if fmt == "ds9":
        lines = ["# Region file format: DS9 version 4.1", "icrs"]
        for label, region in regions:
            shape = interchange.to_ds9(region).splitlines()[-1]
            lines.append(f"{shape} # text={{{label}}}")
        text = "\n".join(lines) + "\n"
    elif fmt == "stcs":
        text = "".join(f"{label}\t{interchange.to_stcs(r)}\n" for label, r in regions)
    else:
        features = []
        for label, region in regions:
            feature = interchange.to_geojson(region)
            tract, _, patch = label.partition("/")
            feature["properties"]["tract"] = int(tract)
            if patch:
                feature["properties"]["patch"] = int(patch)
            features.append(feature)
        text = json.dumps({"type": "FeatureCollection", "features": features}) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        with writing(output):
            Path(output).write_text(text)


@click.command(
    "export", short_help="Tract/patch corners as tables, or DS9/STC-S/GeoJSON/MOC regions."
)
@skymap_options
@click.option(
    "--level",
    type=click.Choice(["tract", "patch"]),
    default="tract",
    show_default=True,
    help="One row per tract or per patch.",
)
@click.option("--tract", "tracts", type=int, multiple=True, metavar="N",
              help="Only these tracts (repeatable; default: all).")
@click.option("--xyz", is_flag=True, help="Also write unit-vector corners (x0, y0, z0, ...).")
@click.option(
    "--regions",
    "region_format",
    type=click.Choice(REGION_FORMATS),
    help="Write the outer regions as DS9, STC-S (label TAB text per line), GeoJSON "
    "(a FeatureCollection) or a MOC (ASCII to the terminal; FITS, JSON or ASCII file by "
    "suffix) instead of a corner table.",
)
@click.option("--moc-depth", type=click.IntRange(0, 29), default=10, show_default=True,
              help="HEALPix order of --regions moc.")
@table_options
@progress_option
def export_command(preset, config_file, overrides, level, tracts, xyz, region_format, moc_depth,
                   fmt, output, no_progress):
    """Every tract (or patch) of a skymap with its outer corners in degrees (lon0, lat0,
    .., lon3, lat3, counter-clockwise as the butler's regions), as a table; or the same
    regions in DS9, STC-S, GeoJSON or MOC form for Aladin, DS9, TAP services or mocpy.

    \b
    Examples:
      skymaps export --preset hsc_rings_v1 -o tracts.parquet
      skymaps export --preset hsc_rings_v1 --level patch --tract 9813 -o patches.csv
      skymaps export --preset hsc_rings_v1 --tract 9813 --regions ds9 -o 9813.reg
    """
    from ..vertices import corner_table

    if region_format is not None and fmt is not None:
        raise click.UsageError("give --regions or --format, not both")
    with errors_as_messages():
        _, skymap = resolve_skymap(preset, config_file, overrides)
        unknown = [t for t in tracts if not 0 <= t - int(skymap.tract_ids()[0]) < len(skymap)]
        if unknown:
            raise click.BadParameter(f"no tract {unknown[0]} in this skymap "
                                     f"({len(skymap)} tracts)", param_hint="--tract")
        table = corner_table(skymap, level, xyz=xyz or region_format is not None,
                             tracts=sorted(set(tracts)))
        if region_format is not None:
            regions = _regions(table, level, no_progress)
            _write_regions(regions, region_format, output, moc_depth, level)
            return
    write_table(table, fmt, output)
