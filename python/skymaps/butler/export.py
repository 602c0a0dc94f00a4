"""Export of skymap records: a YAML file ``butler import`` accepts, and Parquet.

The YAML follows daf_butler's export format (``description: Butler Data Repository
Export``, ``version: 1.0.2``): one ``type: dimension`` block per element, the hash as
``!!binary`` base64 and regions as ``!<lsst.sphgeom.ConvexPolygon>`` with the hex
encoding. It is written line by line (millions of patches would take minutes through a
YAML emitter); ``tests/python/test_butler_export.py`` imports it into a real repository.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import IO, Any

from ..errors import DecodeError
from .records import SkymapRecords

__all__ = ["export_parquet", "export_yaml"]

# The sphgeom class named in the YAML tag, by the first byte of the encoding.
_REGION_TAGS = {0x70: "ConvexPolygon", 0x62: "Box", 0x63: "Circle", 0x65: "Ellipse"}


def _region_lines(indent: str, encoded: bytes) -> str:
    tag = _REGION_TAGS.get(encoded[0]) if encoded else None
    if tag is None:
        raise DecodeError(f"unknown sphgeom region type byte {encoded[:1].hex()!r}")
    return f"{indent}region: !<lsst.sphgeom.{tag}>\n{indent}  encoded: {encoded.hex()}\n"


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def write_yaml(records: SkymapRecords, stream: IO[str], universe_version: int = 8) -> None:
    """Writes the YAML export of ``records`` to an open text stream."""
    name = _quote(records.name)
    stream.write(
        "description: Butler Data Repository Export\n"
        "version: 1.0.2\n"
        f"universe_version: {universe_version}\n"
        "universe_namespace: daf_butler\n"
        "data:\n"
        "- type: dimension\n  element: skymap\n  records:\n"
        f"  - name: {name}\n"
        f"    hash: !!binary |\n      {base64.b64encode(records.hash).decode('ascii')}\n"
        f"    tract_max: {records.tract_max}\n"
        f"    patch_nx_max: {records.patch_nx_max}\n"
        f"    patch_ny_max: {records.patch_ny_max}\n"
        "- type: dimension\n  element: tract\n  records:\n"
    )
    for tract_id, region in records.iter_tract_rows():
        stream.write(f"  - skymap: {name}\n    id: {tract_id}\n" + _region_lines("    ", region))
    stream.write("- type: dimension\n  element: patch\n  records:\n")
    cols = records.patch.to_pydict()
    for t, i, x, y, region in zip(
        cols["tract"], cols["id"], cols["cell_x"], cols["cell_y"], cols["region"], strict=True
    ):
        stream.write(
            f"  - skymap: {name}\n    tract: {t}\n    id: {i}\n    cell_x: {x}\n    cell_y: {y}\n"
            + _region_lines("    ", region)
        )


def export_yaml(records: SkymapRecords, path: str | Path, universe: Any = None) -> Path:
    """Writes the records to a YAML file for ``butler import REPO --export-file PATH``.

    Parameters
    ----------
    records : SkymapRecords
        From :func:`skymaps.butler.dimension_records`.
    path : str or Path
        Output file.
    universe : lsst.daf.butler.DimensionUniverse, optional
        Its version goes into the header (default: the installed default universe).
    """
    if universe is None:
        from lsst.daf.butler import DimensionUniverse

        universe = DimensionUniverse()
    path = Path(path)
    with open(path, "w", encoding="utf-8") as stream:
        write_yaml(records, stream, universe_version=universe.version)
    return path


def export_parquet(records: SkymapRecords, directory: str | Path) -> dict[str, Path]:
    """Writes ``skymap``, ``tract``, ``patch`` and the two overlap tables as Parquet files.

    Regions are binary columns holding the sphgeom encoding; the hash is binary.
    Returns the path of each file, keyed by table name.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    skymap = pa.table({k: [v] for k, v in records.skymap_row.items()})
    named = {"skymap": skymap}
    for key, table in (
        ("tract", records.tract),
        ("patch", records.patch),
        ("tract_skypix_overlap", records.tract_overlap),
        ("patch_skypix_overlap", records.patch_overlap),
    ):
        named[key] = table.add_column(
            0, "skymap", pa.repeat(records.name, table.num_rows).cast(pa.string())
        )
    out = {}
    for key, table in named.items():
        out[key] = directory / f"{key}.parquet"
        pq.write_table(table, out[key])
    return out
