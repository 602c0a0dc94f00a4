"""The Python skymap surface: constructors, config contract, bad input, aliases."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_refdata_json

import skymaps
from skymaps import (
    DiscreteSkyMap,
    EquatSkyMap,
    IdError,
    InvalidConfigError,
    RingsSkyMap,
    SkyMap,
)

DEFAULTS = load_refdata_json("skymap_configs.json")["lsst_skymap_defaults"]

HSC_CONFIG = {
    "skymap_class": "rings",
    "version": 1,
    "projection": "TAN",
    "pixelScale": 0.168,
    "tractOverlap": 1 / 60,
    "rotation": 0.0,
    "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
    "numRings": 120,
    "raStart": 0.0,
}


def test_constructor_defaults_are_lsst_defaults():
    sky = RingsSkyMap(12)
    cfg = sky.config
    base = DEFAULTS["BaseSkyMapConfig"]
    assert cfg["projection"] == base["projection"]
    assert cfg["pixelScale"] == base["pixelScale_arcsec"]
    assert cfg["tractOverlap"] == base["tractOverlap_deg"]
    assert cfg["rotation"] == base["rotation_deg"]
    legacy = DEFAULTS["LegacyTractBuilderConfig"]
    assert cfg["tractBuilder"] == {
        "name": "legacy",
        "patchInnerDimensions": legacy["patchInnerDimensions"],
        "patchBorder": legacy["patchBorder"],
    }
    assert cfg["raStart"] == DEFAULTS["RingsSkyMapConfig"]["raStart_deg"]
    assert cfg["version"] == DEFAULTS["RingsSkyMap.__init__ version default"]
    cells = RingsSkyMap(12, tract_builder="cells").config["tractBuilder"]
    c = DEFAULTS["CellTractBuilderConfig"]
    assert cells["cellInnerDimensions"] == c["cellInnerDimensions"]
    assert (
        cells["cellBorder"],
        cells["numCellsPerPatchInner"],
        cells["numCellsInPatchBorder"],
    ) == (c["cellBorder"], c["numCellsPerPatchInner"], c["numCellsInPatchBorder"])
    d = DiscreteSkyMap([1.0], [2.0], [0.5]).config
    assert d["version"] == DEFAULTS["DiscreteSkyMap.__init__ version default"]


def test_from_config_roundtrip_and_class():
    sky = SkyMap.from_config(HSC_CONFIG)
    assert isinstance(sky, RingsSkyMap)
    assert sky.config == HSC_CONFIG
    assert SkyMap.from_config(sky.config).hash == sky.hash
    assert sky == RingsSkyMap(120, projection="TAN", pixel_scale=0.168, tract_overlap=1 / 60)
    assert sky.getSha1() == sky.hash and len(sky.hash) == 20


@pytest.mark.parametrize(
    "change,key",
    [
        ({"numRings": "120"}, "numRings"),
        ({"numRings": 0}, "numRings"),
        ({"pixelScale": -1.0}, "pixelScale"),
        ({"projection": "XYZ"}, "XYZ"),
        ({"raStart": 360.0}, "raStart"),
        ({"skymap_class": "hexagons"}, "hexagons"),
        (
            {"tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000], "patchBorder": 1}},
            "patchInnerDimensions",
        ),
        (
            {
                "tractBuilder": {
                    "name": "cells",
                    "cellInnerDimensions": [150, 100],
                    "cellBorder": 50,
                    "numCellsPerPatchInner": 20,
                    "numCellsInPatchBorder": 1,
                }
            },
            "cellInnerDimensions",
        ),
        ({"bogus": 1}, "bogus"),
        ({"version": 2}, "version"),
    ],
)
def test_invalid_config_names_the_key(change, key):
    with pytest.raises(InvalidConfigError, match=key):
        SkyMap.from_config(HSC_CONFIG | change)


def test_missing_key_and_discrete_lengths():
    cfg = dict(HSC_CONFIG)
    del cfg["tractOverlap"]
    with pytest.raises(InvalidConfigError, match="tractOverlap"):
        SkyMap.from_config(cfg)
    with pytest.raises(InvalidConfigError, match="decList"):
        DiscreteSkyMap([1.0, 2.0], [1.0], [1.0, 1.0])
    with pytest.raises(InvalidConfigError):
        SkyMap.from_config([1, 2])
    with pytest.raises(InvalidConfigError):
        SkyMap.from_config(HSC_CONFIG | {"rotation": float("nan")})
    with pytest.raises(TypeError):
        RingsSkyMap(10, pixel_scael=0.2)
    with pytest.raises(TypeError):
        SkyMap()


def test_tract_and_patch_surface():
    sky = SkyMap.from_config(HSC_CONFIG)
    assert len(sky) == 18938
    tract = sky[9813]
    assert tract.id == tract.tract_id == tract.getId() == 9813
    assert tract.num_patches == (9, 9) and len(tract) == 81
    assert tract.bbox.x0 == 0 and tract.bbox.width % 4000 == 0
    patches = list(tract)
    assert [p.id for p in patches] == list(range(81))
    p = tract.patch((0, 8))
    assert p.id == 72 and tract.patch(72).index == (0, 8) and tract[72] == p
    assert tract.getSequentialPatchIndexFromPair((0, 8)) == 72
    assert tract.getPatchIndexPair(72) == (0, 8)
    # Legacy builder: the outer box is clipped to the tract box.
    assert p.outer_bbox.x0 == 0 and p.outer_bbox.y1 == tract.bbox.y1
    assert p.inner_bbox == (0, 32000, 4000, 4000)
    assert p.num_cells == (0, 0)
    with pytest.raises(IdError):
        p.cell(0)
    with pytest.raises(IdError):
        tract.patch(81)
    with pytest.raises(IdError):
        tract.patch((9, 0))
    with pytest.raises(IdError):
        sky[18938]
    with pytest.raises(IdError):
        sky[-1]
    assert sky.findTract(150.25, 2.23) == tract
    np.testing.assert_array_equal(
        sky.findTractIdArray(np.radians([150.25]), np.radians([2.23])), [9813]
    )
    assert sky.findTractIdArray([150.25], [2.23], degrees=True)[0] == 9813
    assert [t.id for t in sky.findAllTracts(150.25, 2.23)] == sky.find_all_tracts(150.25, 2.23)
    pairs = sky.find_tract_patch_list([150.2, 150.3], [2.2, 2.3])
    assert any(t.id == 9813 for t, _ in pairs)
    assert repr(tract).startswith("Tract(id=9813")


def test_cells_surface():
    sky = RingsSkyMap(
        120, projection="TAN", pixel_scale=0.2, tract_overlap=1 / 60, tract_builder="cells"
    )
    tract = sky[5000]
    patch = tract.patch((3, 4))
    assert patch.num_cells == (22, 22) and len(patch) == 484
    cell = patch.cell((0, 0))
    # Border cell: one cell outside the inner patch, grown by the cell border.
    assert cell.inner_bbox == (3 * 3000 - 150, 4 * 3000 - 150, 150, 150)
    assert cell.outer_bbox == (3 * 3000 - 200, 4 * 3000 - 200, 250, 250)
    assert patch.cell(23).index == (1, 1)
    assert [c.id for c in patch][:3] == [0, 1, 2]
    # Cells builder: the outer patch box is not clipped.
    assert tract.patch((0, 0)).outer_bbox.x0 == -200


def test_equat_skymap():
    sky = EquatSkyMap(4, (-1.25, 1.25))
    assert len(sky) == 4 and sky.config["projection"] == "CEA"
    assert sky[1].center == pytest.approx((135.0, 0.0))
    assert sky.find_tract(135.0, 0.0) == 1
    assert sky.find_tract(135.0, 30.0) == -1  # outside every inner region
    assert sky.find_tract(0.0, 0.0) in (0, 3)


def test_polygon_types():
    sky = SkyMap.from_config(HSC_CONFIG)
    poly = sky[9813].outer_polygon
    assert isinstance(poly, skymaps.geometry.ConvexPolygon)
    np.testing.assert_allclose(
        np.asarray(poly.vertices()), sky[9813].outer_polygon_vertices, atol=0
    )


# Face centres from lsst.skymap's pure-numpy detail/dodecahedron.py (lsst/skymap @
# 91c88c04, Dodecahedron(withFacesOnPoles).getFaceCtr(i), rounded to 12 digits).
LSST_DODECA_FACES = {
    False: [
        [0.607061998207, 0.0, 0.794654472292],
        [-0.303530999103, 0.525731112119, 0.794654472292],
        [-0.303530999103, -0.525731112119, 0.794654472292],
        [0.491123473188, 0.850650808352, 0.187592474085],
        [-0.982246946377, -0.0, 0.187592474085],
        [0.491123473188, -0.850650808352, 0.187592474085],
        [0.982246946377, 0.0, -0.187592474085],
        [-0.491123473188, 0.850650808352, -0.187592474085],
        [-0.491123473188, -0.850650808352, -0.187592474085],
        [0.303530999103, 0.525731112119, -0.794654472292],
        [-0.607061998207, -0.0, -0.794654472292],
        [0.303530999103, -0.525731112119, -0.794654472292],
    ],
    True: [
        [-0.0, 0.0, 1.0],
        [0.894427191, -0.0, 0.4472135955],
        [0.27639320225, 0.850650808352, 0.4472135955],
        [-0.72360679775, 0.525731112119, 0.4472135955],
        [-0.72360679775, -0.525731112119, 0.4472135955],
        [0.27639320225, -0.850650808352, 0.4472135955],
        [0.72360679775, 0.525731112119, -0.4472135955],
        [-0.27639320225, 0.850650808352, -0.4472135955],
        [-0.894427191, 0.0, -0.4472135955],
        [-0.27639320225, -0.850650808352, -0.4472135955],
        [0.72360679775, -0.525731112119, -0.4472135955],
        [0.0, -0.0, -1.0],
    ],
}


@pytest.mark.parametrize("on_poles", [False, True])
def test_dodeca_skymap(on_poles):
    sky = skymaps.DodecaSkyMap(on_poles)
    assert len(sky) == 12
    assert sky.config["tractOverlap"] == 3.5 and sky.config["tractBuilder"]["patchBorder"] == 250
    for i, face in enumerate(LSST_DODECA_FACES[on_poles]):
        lon, lat = np.radians(sky[i].center)
        xyz = [np.cos(lon) * np.cos(lat), np.sin(lon) * np.cos(lat), np.sin(lat)]
        np.testing.assert_allclose(xyz, face, atol=1e-11)
    # Every point has exactly one owner: the face whose centre is nearest.
    rng = np.random.default_rng(5)
    lon = rng.uniform(0, 360, 2000)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 2000)))
    owners = sky.find_tract(lon, lat)
    lo, la = np.radians(lon), np.radians(lat)
    pts = np.stack([np.cos(lo) * np.cos(la), np.sin(lo) * np.cos(la), np.sin(la)], -1)
    nearest = np.argmax(pts @ np.array(LSST_DODECA_FACES[on_poles]).T, axis=1)
    np.testing.assert_array_equal(owners, nearest)
    t, p = sky.find_tract_patch(lon, lat)
    assert (p >= 0).all()


def test_legacy_healpix_skymap():
    import healpy

    sky = skymaps.LegacyHealpixSkyMap(2)
    assert len(sky) == 192 and sky.config["rotation"] == 45.0
    # Tract i is HEALPix RING pixel i mirrored in Dec (lsst.skymap's angToCoord).
    lon, lat = sky.tract_centers()
    hlon, hlat = healpy.pix2ang(4, np.arange(192), lonlat=True)
    np.testing.assert_allclose(lon, hlon, atol=1e-10)
    np.testing.assert_allclose(lat, -hlat, atol=1e-10)
    rng = np.random.default_rng(9)
    plon = rng.uniform(0, 360, 3000)
    plat = np.degrees(np.arcsin(rng.uniform(-1, 1, 3000)))
    np.testing.assert_array_equal(
        sky.find_tract(plon, plat), healpy.ang2pix(4, plon, -plat, lonlat=True)
    )
    nest = skymaps.LegacyHealpixSkyMap(2, nest=True)
    np.testing.assert_array_equal(
        nest.find_tract(plon, plat), healpy.ang2pix(4, plon, -plat, lonlat=True, nest=True)
    )
    assert nest.hash != sky.hash
    with pytest.raises(InvalidConfigError, match="log2NSide"):
        skymaps.LegacyHealpixSkyMap(12)
    # The encoding is byte-identical to the butler's tract record.
    records = load_refdata_json("skymap_dimension_records.json")["tracts"]
    rec = next(r for r in records if r["skymap"] == "DC2" and r["tract"] == 4431)
    dc2 = RingsSkyMap(120, projection="TAN", pixel_scale=0.2, tract_overlap=1 / 60)
    ours = dc2[4431].outer_polygon.encode()
    theirs = bytes.fromhex(rec["region_encoded_hex"])
    assert ours[0] == theirs[0] and len(ours) == len(theirs)
    np.testing.assert_allclose(
        np.frombuffer(ours[1:], "<f8"), np.frombuffer(theirs[1:], "<f8"), atol=1e-15
    )
