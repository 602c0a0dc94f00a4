"""Dimension packers against lsst.skymap's packer layout and real dimension records.

Oracles: the integers of lsst.skymap's ``SkyMapDimensionPacker`` worked out by hand from
its definition and its own tests (``tests/test_packers.py``: ``tract_max=5``,
``patch_nx_max = patch_ny_max = 3``, data ID tract 2 / patch 6 / band g;
``SUPPORTED_FILTERS`` gives ``g`` index 2), and the butler ``skymap`` records in
refdata (``tract_max``, ``patch_nx_max``, ``patch_ny_max`` as registered by the LSST
stack), never our own output.
"""

from __future__ import annotations

import functools
import pickle

import numpy as np
import pytest
from conftest import load_refdata_json
from hypothesis import given, settings
from hypothesis import strategies as st

import skymaps
from skymaps import IdError, InvalidConfigError
from skymaps.config import loads_toml, to_toml

#: lsst.skymap's SUPPORTED_FILTERS after its None slot, in order (index = position + 1).
LSST_BANDS = list("ugrizyUBGVRIZYJHK") + [
    f"N{d}" for d in (387, 515, 656, 816, 921, 1010, 419, 540, 708, 964)
]

KINDS = {
    "rings": lambda: skymaps.RingsSkyMap(7, ra_start=10.0, tract_builder="cells"),
    "discrete": lambda: skymaps.DiscreteSkyMap([0.0, 150.0], [89.0, 2.2], [1.0, 0.4]),
    "equat": lambda: skymaps.EquatSkyMap(6),
    "dodeca": lambda: skymaps.DodecaSkyMap(True),
    "healpix": lambda: skymaps.LegacyHealpixSkyMap(1, nest=True),
    "healpix_grid": lambda: skymaps.HealpixSkyMap(0),
    "htm_grid": lambda: skymaps.HtmSkyMap(0),
    "bricks": lambda: skymaps.BrickSkyMap(10.0),
}


@functools.cache
def _preset(name: str) -> skymaps.SkyMap:
    return skymaps.preset(name)


def _five_tracts_of_3x3() -> skymaps.SkyMap:
    """A skymap whose records are lsst.skymap's test record: tract_max 5, 3x3 patches."""
    sky = skymaps.DiscreteSkyMap(
        [10.0, 40.0, 70.0, 100.0, 130.0], [0.0] * 5, [0.25] * 5, pixel_scale=0.2, tract_overlap=0.0
    )
    assert (sky.tract_max, sky.patch_nx_max, sky.patch_ny_max) == (5, 3, 3)
    return sky


def test_lsst_skymap_packer_test_values() -> None:
    sky = _five_tracts_of_3x3()
    # testWithoutFilter / test_from_config_no_bands: 6 + 9 * 2, maxBits of 5*9 - 1.
    no_band = sky.packer(n_bands=0)
    assert (no_band.pack(2, 6), no_band.max_bits) == (24, 6)
    assert no_band.unpack(24) == (2, 6)
    # testWithFilter / test_from_config_default_bands: 28 slots, g = 2.
    packer = sky.packer()
    assert (packer.n_bands, packer.bands["g"]) == (28, 2)
    assert (packer.pack(2, 6, "g"), packer.max_bits) == (24 + 2 * 45, 11)
    assert packer.unpack(114) == (2, 6, "g")
    # test_from_config: bands {"r": 0, "g": 1}, n_bands 3.
    custom = sky.packer({"r": 0, "g": 1}, n_bands=3)
    assert (custom.pack(2, 6, "g"), custom.max_bits) == (24 + 45, 8)
    assert custom.unpack(69) == (2, 6, "g")


def test_sparse_band_table() -> None:
    # lsst.skymap's ``bands`` config allows any indices below n_bands.
    packer = _preset("DC2").packer({"x": 0, "y": 10**6}, n_bands=10**6 + 1)
    ids = packer.pack([5, 6], [7, 8], ["y", "x"])
    assert ids.tolist() == [7 + 49 * (5 + 18938 * 10**6), 8 + 49 * 6]
    tract, patch, band = packer.unpack(ids)
    assert (tract.tolist(), patch.tolist(), band.tolist()) == ([5, 6], [7, 8], ["y", "x"])
    with pytest.raises(IdError, match="band index 1, which names no band"):
        packer.unpack(49 * 18938)


def test_builtin_band_table_is_lsst_skymaps() -> None:
    bands = _five_tracts_of_3x3().packer().bands
    assert bands == {b: i for i, b in enumerate(LSST_BANDS, start=1)}


REAL_RECORDS = [
    r for r in load_refdata_json("skymap_dimension_records.json")["skymaps"]
    if r["name"] in skymaps.config.PRESETS
]


@pytest.mark.parametrize("record", REAL_RECORDS, ids=lambda r: r["source"]["path"])
def test_layout_from_real_records(record: dict) -> None:
    sky = _preset(record["name"])
    n_patches = record["patch_nx_max"] * record["patch_ny_max"]
    assert sky.hash.hex() == record["hash_hex"]
    for n_bands in (0, 28):
        packer = sky.packer(n_bands=n_bands)
        assert (packer.n_tracts, packer.n_patches) == (record["tract_max"], n_patches)
        count = record["tract_max"] * n_patches * max(n_bands, 1)
        assert packer.max_bits == (count - 1).bit_length()
    # The largest id of the band layout: last band slot, last tract, last patch.
    packer = sky.packer()
    last = packer.pack(record["tract_max"] - 1, n_patches - 1, "N964")
    assert last == record["tract_max"] * n_patches * 28 - 1


def test_real_patch_records_pack() -> None:
    records = load_refdata_json("skymap_dimension_records.json")
    maxima = {r["name"]: r for r in records["skymaps"]}
    for rec in records["patches"]:
        name = rec.get("skymap")
        if name not in skymaps.config.PRESETS:
            continue
        m = maxima[name]
        n_patches = m["patch_nx_max"] * m["patch_ny_max"]
        packer = _preset(name).packer(n_bands=0)
        assert packer.pack(rec["tract"], rec["patch"]) == rec["patch"] + n_patches * rec["tract"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_round_trips_every_tract_and_patch(kind: str) -> None:
    sky = KINDS[kind]()
    packer = sky.packer()
    rng = np.random.default_rng(17)
    tract = np.repeat(sky.tract_ids(), packer.n_patches)
    patch = np.tile(np.arange(packer.n_patches), len(sky))
    if len(tract) > 100_000:  # grid skymaps have ~10^5 patches per tract: a sample
        keep = np.union1d([0, len(tract) - 1], rng.choice(len(tract), 100_000, replace=False))
        tract, patch = tract[keep], patch[keep]
    band = rng.choice(LSST_BANDS, len(tract))
    ids = packer.pack(tract, patch, band)
    assert ids.dtype == np.int64 and ids.min() >= 0 and ids.max() < 1 << packer.max_bits
    assert len(np.unique(ids)) == len(ids)
    t, p, b = packer.unpack(ids)
    np.testing.assert_array_equal(t, tract)
    np.testing.assert_array_equal(p, patch)
    np.testing.assert_array_equal(b, band)


def test_hsc_every_tract_and_patch_without_band() -> None:
    sky = _preset("hsc_rings_v1")
    packer = sky.packer(n_bands=0)
    # Every tract's patch ids (cell_y * nx + cell_x over its own grid).
    per_tract = [t.num_patches[0] * t.num_patches[1] for t in sky]
    tract = np.repeat(sky.tract_ids(), per_tract)
    patch = np.concatenate([np.arange(n) for n in per_tract])
    assert len(patch) == 1_533_978  # the patch rows of hsc_rings_v1
    ids = packer.pack(tract, patch)
    assert packer.max_bits == 21 and ids.max() < 1 << 21
    t, p = packer.unpack(ids)
    np.testing.assert_array_equal(t, tract)
    np.testing.assert_array_equal(p, patch)


@settings(max_examples=60, deadline=None)
@given(
    tract=st.integers(0, 18937),
    patch=st.integers(0, 80),
    band=st.sampled_from(LSST_BANDS),
)
def test_scalar_round_trip_hsc(tract: int, patch: int, band: str) -> None:
    packer = _hsc_packer()
    packed = packer.pack(tract, patch, band)
    assert isinstance(packed, int)
    # lsst.skymap's _pack, written out with Python ints.
    assert packed == patch + 81 * tract + (LSST_BANDS.index(band) + 1) * 81 * 18938
    assert packer.unpack(packed) == (tract, patch, band)


def _hsc_packer() -> skymaps.packer.DimensionPacker:
    return _preset("hsc_rings_v1").packer()


def test_broadcasting_and_shapes() -> None:
    packer = _hsc_packer()
    ids = packer.pack(np.array([[9813], [9615]]), np.arange(3), "i")
    assert ids.shape == (2, 3)
    t, p, b = packer.unpack(ids)
    assert t.shape == p.shape == b.shape == (2, 3)
    assert b[1, 2] == "i" and t[1, 0] == 9615
    assert packer.pack([], [], np.array([], dtype=str)).shape == (0,)


def test_clear_errors() -> None:
    packer = _hsc_packer()
    with pytest.raises(IdError, match="tract id 18938 is out of range"):
        packer.pack(18938, 0, "g")
    with pytest.raises(IdError, match="patch id -1"):
        packer.pack(0, -1, "g")
    with pytest.raises(IdError, match="band 'N395' is not in"):
        packer.pack(0, 0, ["g", "N395"])
    with pytest.raises(IdError, match="pass band"):
        packer.pack(0, 0)
    with pytest.raises(IdError, match="drop band"):
        _preset("hsc_rings_v1").packer(n_bands=0).pack(0, 0, "g")
    with pytest.raises(IdError, match="out of range"):
        packer.unpack(1 << packer.max_bits)
    with pytest.raises(IdError, match="out of range"):
        packer.unpack(-5)
    with pytest.raises(IdError, match="names no band"):
        packer.unpack(17)  # band index 0 is lsst.skymap's None slot
    with pytest.raises(IdError, match="integers"):
        packer.unpack(1.5)
    with pytest.raises(IdError, match="beyond the 3 band slots"):
        _preset("DC2").packer(n_bands=3).pack(0, 0, "i")
    with pytest.raises(InvalidConfigError, match="already in the band table"):
        _preset("DC2").packer(["g"])
    with pytest.raises(InvalidConfigError, match="share index"):
        _preset("DC2").packer({"a": 1, "b": 1})
    with pytest.raises(InvalidConfigError, match="63 bits"):
        _preset("DC2").packer(n_bands=1 << 45)


def test_extra_bands_keep_existing_numbers_and_are_stored() -> None:
    base = _preset("hsc_rings_v1")
    sky = base.with_packer(["N395", "N1040"])
    assert sky.hash == base.hash  # the packer choice is not hashed, as in lsst.skymap
    packer = sky.packer()
    assert packer.bands == {**base.packer().bands, "N395": 28, "N1040": 29}
    assert packer.n_bands == 30
    assert packer.pack(9813, 40, "g") == base.packer(n_bands=30).pack(9813, 40, "g")
    # Stored: pickles, the config dict and TOML keep it.
    for back in (
        pickle.loads(pickle.dumps(sky)),
        skymaps.SkyMap.from_config(sky.config),
        skymaps.SkyMap.from_config(loads_toml(to_toml(sky.config)).config),
    ):
        assert back.packer().bands == packer.bands
        assert back.packer().pack(9813, 40, "N1040") == packer.pack(9813, 40, "N1040")
    # The skymap without the choice still unpickles as itself.
    assert pickle.loads(pickle.dumps(base)).packer().n_bands == 28


def test_toml_packer_table() -> None:
    text = """
name = "merian"
[skymap]
preset = "hsc_rings_v1"
[packer]
extraBands = ["N395"]
nBands = 32
"""
    config = loads_toml(text).config
    sky = skymaps.SkyMap.from_config(config)
    assert sky.hash == _preset("hsc_rings_v1").hash
    assert (sky.packer().n_bands, sky.packer().bands["N395"]) == (32, 28)
    bad = text.replace('["N395"]', '["g"]')
    with pytest.raises(InvalidConfigError, match=r"<toml>:\d+: packer: band .g. is already"):
        loads_toml(bad)


def test_object_ids_as_meas_base_makes_them() -> None:
    packer = _hsc_packer().__class__(_preset("hsc_rings_v1"), {"nBands": 0})
    # IdGenerator: counter_bits = 63 - maxBits (IdFactory.computeReservedFromMaxBits).
    assert packer.counter_bits() == 63 - 21
    ids = packer.object_ids(9813, 40, counter=np.arange(1, 4))
    packed = 40 + 81 * 9813
    np.testing.assert_array_equal(ids, [(packed << 42) + c for c in (1, 2, 3)])
    release, tract, patch, counter = packer.unpack_object_ids(ids)
    assert (release[0], tract[0], patch[0], list(counter)) == (0, 9813, 40, [1, 2, 3])
    with_release = packer.object_ids(9813, 40, counter=5, release_id=2, n_releases=4)
    assert with_release == ((packed + (2 << 21)) << 40) + 5
    assert packer.unpack_object_ids(with_release, n_releases=4) == (2, 9813, 40, 5)
    with pytest.raises(IdError, match="counter id"):
        packer.object_ids(9813, 40, counter=1 << 42)
