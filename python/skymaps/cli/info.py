"""``skymaps info``: what a skymap is (kind, counts, sizes, hash), or one tract in full."""

from __future__ import annotations

import json
from typing import Any

import click

from ._options import (
    errors_as_messages,
    resolve_skymap,
    skymap_options,
    table_options,
    write_table,
    writing,
)

__all__ = ["info_command", "patches_table"]


def patches_table(tract: Any) -> Any:
    """Every patch of a tract: id, index, inner/outer boxes and outer corners (degrees)."""
    import pyarrow as pa

    rows: dict[str, list[Any]] = {k: [] for k in (
        "patch", "patch_x", "patch_y", "inner_x0", "inner_y0", "inner_width", "inner_height",
        "outer_x0", "outer_y0", "outer_width", "outer_height", "center_lon", "center_lat")}
    corners: list[list[float]] = []
    for patch in tract:
        poly = patch.outer_polygon
        lon, lat = poly.lonlat()
        c_lon, c_lat = patch.inner_polygon.centroid()
        for key, value in zip(rows, (
            patch.id, *patch.index, *patch.inner_bbox, *patch.outer_bbox, c_lon, c_lat
        ), strict=True):
            rows[key].append(value)
        corners.append([float(v) for pair in zip(lon, lat, strict=True) for v in pair])
    table = pa.table(rows)
    return table.append_column("outer_corners", pa.array(corners, pa.list_(pa.float64())))


def _facts_table(facts: dict[str, Any]) -> Any:
    import pyarrow as pa

    from ..describe import _text

    return pa.table({"field": list(facts), "value": [_text(v) for v in facts.values()]})


@click.command("info", short_help="Describe a skymap, or one tract in full.")
@skymap_options
@click.option("--tract", "tract_id", type=int, metavar="N", help="Describe tract N in full.")
@table_options
def info_command(preset, config_file, overrides, tract_id, fmt, output):
    """Describe a skymap: kind, tract count, patch grid, cells, pixel scale, tract and
    patch sizes and areas, overlap and hash.

    With --tract N: that tract's centre, corners, inner region, WCS and its patches
    (as a table: with --format csv or parquet only the patch table is written).

    \b
    Examples:
      skymaps info --preset hsc_rings_v1
      skymaps info --preset hsc_rings_v1 --tract 9813 --format json
    """
    from ..describe import skymap_facts, tract_facts

    with errors_as_messages():
        name, skymap = resolve_skymap(preset, config_file, overrides)
        if tract_id is None:
            facts = {"name": name, **skymap_facts(skymap)}
            patches = None
        else:
            tract = skymap[tract_id]
            facts = tract_facts(tract)
            patches = patches_table(tract)
    if fmt == "json" or (fmt is None and output and output.endswith(".json")):
        doc: dict[str, Any] = dict(facts)
        if patches is not None:
            doc["patch_list"] = patches.to_pylist()
        text = json.dumps(doc, indent=1) + "\n"
        if output:
            with writing(output), open(output, "w") as f:
                f.write(text)
        else:
            click.echo(text, nl=False)
        return
    if patches is not None and fmt in ("csv", "parquet"):
        write_table(patches, fmt, output)
        return
    write_table(_facts_table(facts), fmt, output)
    if patches is not None and output is None:
        click.echo()
        write_table(patches.drop_columns(["outer_corners"]), "table", None)
