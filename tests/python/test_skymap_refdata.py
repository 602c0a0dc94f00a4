"""Rebuild the real lsst.skymap records of tests/data/refdata from their configs."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from conftest import REFDATA, load_refdata_json

import skymaps
from skymaps import SkyMap

CONFIGS = load_refdata_json("skymap_configs.json")
RECORDS = load_refdata_json("skymap_dimension_records.json")
FACTS = load_refdata_json("published_facts.json")


def resolved_config(entry: dict) -> dict:
    """The resolved config dict, built from refdata's config / config_normalised."""
    norm, cfg = entry["config_normalised"], entry["config"]
    if norm["tractBuilder"].startswith("cells"):
        builder = {
            "name": "cells",
            "cellInnerDimensions": norm["cellInnerDimensions"],
            "cellBorder": norm["cellBorder"],
            "numCellsPerPatchInner": norm["numCellsPerPatchInner"],
            "numCellsInPatchBorder": norm["numCellsInPatchBorder"],
        }
    else:
        builder = {
            "name": "legacy",
            "patchInnerDimensions": norm["patchInnerDimensions"],
            "patchBorder": norm["patchBorder"],
        }
    version = entry["constructor_version_arg"]
    out = {
        "version": version if isinstance(version, int) else 0,
        "projection": norm["projection"],
        "pixelScale": norm["pixelScale"],
        "tractOverlap": norm["tractOverlap"],
        "rotation": norm["rotation"],
        "tractBuilder": builder,
    }
    if entry["class"].endswith("RingsSkyMap"):
        out.update(skymap_class="rings", numRings=cfg["numRings"], raStart=cfg["raStart"])
    else:
        out.update(
            skymap_class="discrete",
            raList=cfg["raList"],
            decList=cfg["decList"],
            radiusList=cfg["radiusList"],
        )
    return out


@pytest.fixture(scope="module")
def maps() -> dict[str, SkyMap]:
    return {e["name"]: SkyMap.from_config(resolved_config(e)) for e in CONFIGS["skymaps"]}


def test_every_hash(maps):
    for entry in CONFIGS["skymaps"]:
        assert maps[entry["name"]].hash.hex() == entry["computed_hash_hex"], entry["name"]
    for rec in RECORDS["skymaps"]:
        sky = maps[rec["name"]]
        assert sky.hash.hex() == rec["hash_hex"]
        assert (sky.tract_max, sky.patch_nx_max, sky.patch_ny_max) == (
            rec["tract_max"],
            rec["patch_nx_max"],
            rec["patch_ny_max"],
        )


def _xyz(rec: dict) -> np.ndarray:
    return np.array([v["xyz"] for v in rec["vertices"]])


def test_tract_records(maps):
    assert RECORDS["tracts"]
    for rec in RECORDS["tracts"]:
        tract = maps[rec["skymap"]][rec["tract"]]
        ours = tract.outer_polygon_vertices
        # Same vertex order (sphgeom hull order), every vertex within 1e-13 rad.
        assert ours.shape == (len(rec["vertices"]), 3)
        np.testing.assert_allclose(ours, _xyz(rec), rtol=0, atol=1e-13)


def test_patch_records(maps):
    assert len(RECORDS["patches"]) >= 60
    for rec in RECORDS["patches"]:
        tract = maps[rec["skymap"]][rec["tract"]]
        patch = tract.patch(rec["patch"])
        assert patch.index == (rec["cell_x"], rec["cell_y"])
        assert tract.patch(patch.index).id == rec["patch"]
        np.testing.assert_allclose(patch.outer_polygon_vertices, _xyz(rec), rtol=0, atol=1e-13)


def test_version0_tract_centres():
    entry = next(e for e in CONFIGS["skymaps"] if e["name"] == "hsc_rings_v1")
    sky = SkyMap.from_config(resolved_config(entry) | {"version": 0})
    known = FACTS["facts"]["lsst_skymap_test_known_tract_centres"]["values"]
    assert known
    for fact in known:
        assert fact["version"] == 0
        lon, lat = sky[fact["tract"]].center
        assert lon == pytest.approx(fact["ra_deg"], abs=1e-12)
        assert lat == pytest.approx(fact["dec_deg"], abs=1e-12)
    # Version 1 moves the RA = 0 tracts; the version is not part of the hash.
    v1 = SkyMap.from_config(resolved_config(entry))
    assert v1[9712].center[1] == pytest.approx(2.2314049586776834, abs=1e-12)
    assert sky.hash == v1.hash


def test_hsc_pdr2_published_patch_corners(maps):
    """HSC-SSP PDR2 tract 9812 patch 0,0: inner-patch corner pixel centres."""
    fact = FACTS["facts"]["hsc_pdr2_tracts_patches_quote"]["values"]
    tract = maps["hsc_rings_v1"][fact["tract"]]
    inner = tract.patch((0, 0)).inner_bbox
    xs = np.array([inner.x0, inner.x1, inner.x1, inner.x0], dtype=float)
    ys = np.array([inner.y0, inner.y0, inner.y1, inner.y1], dtype=float)
    ra, dec = tract.wcs.pixel_to_sky(xs, ys)
    np.testing.assert_allclose(ra, [c[0] for c in fact["corners"][:4]], atol=2e-9)
    np.testing.assert_allclose(dec, [c[1] for c in fact["corners"][:4]], atol=2e-9)


def _unit(ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
    ra, dec = np.radians(ra), np.radians(dec)
    return np.stack([np.cos(ra) * np.cos(dec), np.sin(ra) * np.cos(dec), np.sin(dec)], -1)


def test_lsst_cells_v1_inner_tract_boxes(maps):
    sky = maps["lsst_cells_v1"]
    with open(REFDATA / "lsst_cells_v1_tract_inner_radec.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(sky) == 18938
    for row in rows:
        region = sky[int(row["tract"])].inner_region
        assert region.kind == "box"
        ras = [float(row[f"ra{k}"]) for k in range(4)]
        decs = [float(row[f"dec{k}"]) for k in range(4)]
        lat0, lat1 = region.lat_range
        assert min(decs) == pytest.approx(lat0, abs=1e-12)
        assert max(decs) == pytest.approx(lat1, abs=1e-12)
        if region.full_lon:
            # lsst.skymap's cap box degenerates to RA 0..0 (NormalizedAngle(2 pi) = 0);
            # ours spans every longitude (see the README of skymaps.skymap).
            assert ras == [0.0] * 4
            continue
        # Corners: (lon_min, lat_min), (lon_max, lat_min), (lon_max, lat_max), (lon_min, lat_max)
        lon0, lon1 = region.lon_range
        ours = _unit(np.array([lon0, lon1, lon1, lon0]), np.array([lat0, lat0, lat1, lat1]))
        theirs = _unit(np.array(ras), np.array(decs))
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-13)


def test_lsst_cells_v1_inner_patch_polygons(maps):
    sky = maps["lsst_cells_v1"]
    with open(REFDATA / "lsst_cells_v1_patch_inner_sample.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 7000
    for row in rows:
        patch = sky[int(row["tract"])].patch(int(row["patch"]))
        assert patch.index == (int(row["patch_x"]), int(row["patch_y"]))
        ras = np.array([float(row[f"ra{k}"]) for k in range(4)])
        decs = np.array([float(row[f"dec{k}"]) for k in range(4)])
        np.testing.assert_allclose(
            patch.inner_polygon_vertices, _unit(ras, decs), rtol=0, atol=1e-13
        )
    # Cells builder: outer patch boxes are not clipped to the tract.
    first = sky[100].patch((0, 0))
    assert first.outer_bbox.x0 == -200 and first.num_cells == (22, 22)
    assert skymaps.PixelBox(*first.inner_bbox) == (0, 0, 3000, 3000)
