"""Skymaps, tracts, patches and tract WCSs pickle as their config (hash checked on
load): small enough to ship to many workers, and the unpickled skymap answers every
lookup exactly as the original (brute-force comparison on 10^5 random points)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import skymaps
from skymaps import InvalidConfigError
from skymaps.config import PRESETS

KINDS = {
    "rings": lambda: skymaps.RingsSkyMap(7, ra_start=10.0, tract_builder="cells"),
    "rings_v0": lambda: skymaps.RingsSkyMap(5, version=0),
    "discrete": lambda: skymaps.DiscreteSkyMap([0.0, 359.5, 150.0], [89.0, -3.0, 2.2], [1.0] * 3),
    "equat": lambda: skymaps.EquatSkyMap(6),
    "dodeca": lambda: skymaps.DodecaSkyMap(True),
    "healpix": lambda: skymaps.LegacyHealpixSkyMap(2, nest=True),
}

# Measured pickled sizes are about 300-450 bytes; the target is 2 KB per skymap.
MAX_PICKLE_BYTES = 2048


def _points(n: int = 100_000, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(0.0, 360.0, n)
    lat = np.rad2deg(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    # RA = 0/360, the poles and the equator are where owners change.
    edge_lon = np.array([0.0, 360.0, 0.0, 180.0, 359.999999999, 0.0])
    edge_lat = np.array([0.0, 0.0, 90.0, -90.0, 89.9999, -45.0])
    return np.concatenate([lon, edge_lon]), np.concatenate([lat, edge_lat])


def _assert_same(sky: skymaps.SkyMap, back: skymaps.SkyMap) -> None:
    assert type(back) is type(sky)
    assert back.hash == sky.hash and back.config == sky.config and len(back) == len(sky)
    lon, lat = _points()
    t0, p0 = sky.find_tract_patch(lon, lat)
    t1, p1 = back.find_tract_patch(lon, lat)
    np.testing.assert_array_equal(t0, t1)
    np.testing.assert_array_equal(p0, p1)
    np.testing.assert_array_equal(sky.find_tract(lon, lat), back.find_tract(lon, lat))


@pytest.mark.parametrize("preset", PRESETS)
def test_presets_round_trip_small(preset):
    sky = skymaps.preset(preset)
    data = pickle.dumps(sky)
    assert len(data) < MAX_PICKLE_BYTES, len(data)
    skymaps.skymap._UNPICKLED.clear()  # rebuild from the config, not the cache
    _assert_same(sky, pickle.loads(data))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_round_trips(kind):
    sky = KINDS[kind]()
    data = pickle.dumps(sky, protocol=pickle.HIGHEST_PROTOCOL)
    assert len(data) < MAX_PICKLE_BYTES
    skymaps.skymap._UNPICKLED.clear()
    _assert_same(sky, pickle.loads(data))


def test_tract_patch_and_wcs_round_trip():
    sky = KINDS["rings"]()
    tract = sky[len(sky) // 2]
    back = pickle.loads(pickle.dumps(tract))
    assert back == tract and back.bbox == tract.bbox
    assert len(pickle.dumps(tract)) < MAX_PICKLE_BYTES
    patch = tract.patch(3)
    assert pickle.loads(pickle.dumps(patch)) == patch
    wcs = pickle.loads(pickle.dumps(tract.wcs))
    x, y = np.meshgrid(np.linspace(-10, 5000, 40), np.linspace(-10, 5000, 40))
    np.testing.assert_array_equal(wcs.pixel_to_sky(x, y), tract.wcs.pixel_to_sky(x, y))
    lon, lat = _points(2000)
    np.testing.assert_array_equal(wcs.sky_to_pixel(lon, lat), tract.wcs.sky_to_pixel(lon, lat))


def test_many_tracts_unpickle_one_skymap():
    sky = skymaps.preset("hsc_rings_v1")
    data = pickle.dumps([sky[i] for i in range(0, 18938, 997)])
    skymaps.skymap._UNPICKLED.clear()
    before = skymaps._core.skymap_builds()
    tracts = pickle.loads(data)
    assert skymaps._core.skymap_builds() - before == 1
    assert len({id(t._skymap) for t in tracts}) == 1


def test_hash_is_checked_on_load():
    sky = KINDS["equat"]()
    _, (config_json, hash_) = sky.__reduce__()
    with pytest.raises(InvalidConfigError, match="pickled with hash"):
        skymaps.skymap._unpickle(config_json, bytes(20))
    assert skymaps.skymap._unpickle(config_json, hash_) == sky
