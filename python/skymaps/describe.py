"""The facts people ask of a skymap or a tract, in one place: ``skymaps info`` prints
them and the notebook views (``_repr_html_``) show them.

Sizes of "a typical tract" are those of the middle tract by id (tracts of a rings
skymap differ a little with declination; ``skymaps info --tract N`` gives any one).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

__all__ = ["skymap_facts", "tract_facts", "patch_facts", "facts_html"]

_SPHERE_DEG2 = 4 * np.pi * (180 / np.pi) ** 2


def _deg(px: float, scale_arcsec: float) -> float:
    return px * scale_arcsec / 3600.0


def skymap_facts(skymap: Any) -> dict[str, Any]:
    """Kind, counts, grid, pixel scale, typical tract and patch sizes and areas, overlap
    and hash of a skymap, as an ordered dict of plain values."""
    config = skymap.config
    core = skymap._core
    scale = float(config["pixelScale"])
    ids = skymap.tract_ids()
    tract = skymap[int(ids[len(ids) // 2])]
    bbox = tract.bbox
    nx, ny = tract.num_patches
    patch = tract.patch((nx // 2, ny // 2))
    builder = config.get("tractBuilder", {}) or {}
    facts: dict[str, Any] = {
        "kind": core.kind,
        "class": core.class_name,
        "tracts": len(skymap),
        "tract ids": f"{int(ids[0])}..{int(ids[-1])}",
        "patch grid (max)": f"{skymap.patch_nx_max} x {skymap.patch_ny_max}",
        "tract builder": builder.get("name", "legacy"),
    }
    if builder.get("name") == "cells":
        cx, cy = patch.num_cells
        inner = builder["numCellsPerPatchInner"]
        facts["cells per patch"] = (
            f"{cx} x {cy} ({inner} x {inner} inner + {builder['numCellsInPatchBorder']} "
            f"border cell each side)"
        )
        facts["cell size (px)"] = "{} x {}, border {} px".format(
            *builder["cellInnerDimensions"], builder["cellBorder"]
        )
    facts.update(
        {
            "projection": config.get("projection"),
            "pixel scale (arcsec)": scale,
            "tract overlap (deg)": float(config.get("tractOverlap", 0.0)),
            "mean tract area (deg2)": _SPHERE_DEG2 / len(skymap),
            "typical tract": int(tract.id),
            "tract size (px)": f"{bbox.width} x {bbox.height}",
            "tract size (deg)": f"{_deg(bbox.width, scale):.4f} x {_deg(bbox.height, scale):.4f}",
            "tract outer area (deg2)": float(tract.outer_region.area_deg2()),
            "tract inner area (deg2)": float(tract.inner_region.area_deg2()),
            "patches in tract": f"{nx} x {ny}",
            "patch inner size (px)": "{} x {}".format(*tract.patch_inner_dimensions),
            "patch inner size (deg)": "{:.4f} x {:.4f}".format(
                *(_deg(v, scale) for v in tract.patch_inner_dimensions)
            ),
            "patch border (px)": int(tract.patch_border),
            "patch outer area (deg2)": float(patch.outer_polygon.area_deg2()),
            "hash": skymap.hash.hex(),
        }
    )
    return facts


def tract_facts(tract: Any) -> dict[str, Any]:
    """Centre, corners, WCS, box and patch grid of one tract."""
    wcs = tract.wcs
    lon, lat = tract.outer_region.lonlat() if hasattr(tract.outer_region, "lonlat") else ([], [])
    inner = tract.inner_region
    facts: dict[str, Any] = {
        "tract": int(tract.id),
        "name": tract.name,
        "center (deg)": [float(c) for c in tract.center],
        "outer corners (deg)": [[float(a), float(b)] for a, b in zip(lon, lat, strict=True)],
        "inner region": inner.kind,
    }
    if inner.kind == "box":
        facts["inner lon range (deg)"] = list(inner.lon_range)
        facts["inner lat range (deg)"] = list(inner.lat_range)
    else:
        ilon, ilat = inner.region.lonlat()
        facts["inner corners (deg)"] = [
            [float(a), float(b)] for a, b in zip(ilon, ilat, strict=True)
        ]
    facts.update(
        {
            "bbox (x0, y0, w, h)": list(tract.bbox),
            "wcs projection": wcs.projection,
            "wcs crval (deg)": list(wcs.crval),
            "wcs crpix (0-based)": list(wcs.crpix),
            "wcs cd (deg/px)": [list(r) for r in wcs.cd],
            "patches": "{} x {}".format(*tract.num_patches),
        }
    )
    return facts


def patch_facts(patch: Any) -> dict[str, Any]:
    """Id, index, boxes, corners and cells of one patch."""
    lon, lat = patch.outer_polygon.lonlat()
    return {
        "tract": int(patch.tract.id),
        "patch": int(patch.id),
        "index": list(patch.index),
        "inner bbox (x0, y0, w, h)": list(patch.inner_bbox),
        "outer bbox (x0, y0, w, h)": list(patch.outer_bbox),
        "outer corners (deg)": [[float(a), float(b)] for a, b in zip(lon, lat, strict=True)],
        "cells": "{} x {}".format(*patch.num_cells),
    }


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return str(value)


def facts_html(title: str, facts: dict[str, Any]) -> str:
    """A small HTML table of facts (for notebooks)."""
    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(_text(v))}</td></tr>"
        for k, v in facts.items()
    )
    return f"<div><strong>{html.escape(title)}</strong><table>{rows}</table></div>"
