"""One config schema, owned by the core: the Python config readers accept exactly the
values the Rust core accepts, with the same error class and a message naming the field.

The oracle is the core itself (``SkyMap.from_config`` on the resolved dict); the layer
under test is the pex_config-style reader with its overrides (which keeps only syntax,
type coercion and file:line provenance). Hypothesis walks every field of every kind,
with values of every type, in and out of range, NaN and infinities included.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import skymaps
from skymaps import InvalidConfigError, _core
from skymaps.config import SKYMAP_CLASSES, TRACT_BUILDERS, resolve_file

SCHEMA = json.loads(_core.config_schema())

# A small valid config per kind (cheap to build), set through overrides.
BASE = {
    "rings": {"numRings": 3},
    "discrete": {"raList": [10.0], "decList": [5.0], "radiusList": [1.0]},
    "equat": {},
    "dodeca": {},
    "healpix": {},
    "healpix_grid": {"order": 0},
    "htm_grid": {"level": 0},
    "bricks": {"brickSize": 30.0},
    "headers": {
        "tracts": [
            {"name": "t", "file": "t.fits", "hdu": 0, "naxis": [20, 10],
             "ctype": ["RA---TAN", "DEC--TAN"], "crval": [10.0, 5.0], "crpix": [10.5, 5.5],
             "cd": [[-0.01, 0.0], [0.0, 0.01]]}
        ]
    },
}


def _overrides(kind: str, builder: str, values: dict, builder_values: dict) -> dict:
    out = {"skyMap.name": kind, f"skyMap['{kind}'].tractBuilder.name": builder}
    out.update({f"skyMap['{kind}'].{k}": v for k, v in values.items()})
    out.update(
        {f"skyMap['{kind}'].tractBuilder['{builder}'].{k}": v for k, v in builder_values.items()}
    )
    return out


def _core_config(kind: str, builder: str, values: dict, builder_values: dict) -> dict:
    """The resolved dict the core gets: the table's defaults, then the values."""
    spec = SCHEMA["kinds"][kind]
    config = {"skymap_class": kind, "version": spec["default_version"]}
    config.update({f["name"]: f["default"] for f in spec["fields"]})
    config.update(BASE[kind])
    config.update(values)
    tb = {"name": builder}
    tb.update({f["name"]: f["default"] for f in spec["builder_fields"][builder]})
    tb.update(builder_values)
    config["tractBuilder"] = tb
    return config


def _python_layer(kind, builder, values, builder_values):
    try:
        overrides = _overrides(kind, builder, {**BASE[kind], **values}, builder_values)
        return resolve_file(None, overrides)
    except InvalidConfigError as err:
        return err


def _core_layer(config):
    """None if the core accepts the config (parse and checks), else its exception."""
    if _core.config_problem(config) is None:
        return None
    try:
        skymaps.SkyMap.from_config(config)
    except Exception as err:  # noqa: BLE001 - the class is what is compared
        return err
    raise AssertionError("config_problem and from_config disagree")


def _values_for(field: dict) -> st.SearchStrategy:
    floats = st.floats(allow_nan=True, allow_infinity=True) | st.floats(-400, 400)
    ints = st.integers(-3, 200_000) | st.sampled_from([2**31, -(2**31) - 1, 2**70])
    junk = st.text(max_size=3) | st.none() | st.booleans() | st.just({"a": 1})
    kind = field["type"]
    if kind == "int":
        return ints | floats | junk
    if kind == "float":
        return floats | ints | junk
    if kind == "bool":
        return st.booleans() | st.integers(0, 1) | junk
    if kind == "str":
        return st.sampled_from(["TAN", "STG", "CEA", "tan", "ZEA", "MOL", ""]) | ints | junk
    item = st.integers(-5, 5_000) if kind == "list[int]" else floats
    lists = st.lists(item | junk, min_size=0, max_size=3)
    if field["length"] == 2:
        lists = lists | st.lists(item, min_size=2, max_size=2)
    return lists | st.tuples(item, item) | junk


FIELDS = [
    (kind, None, f)
    for kind in SCHEMA["kind_names"]
    for f in SCHEMA["kinds"][kind]["fields"]
    if kind != "rings" or f["name"] != "numRings"  # numRings: its own test (huge skymaps)
] + [
    (kind, builder, f)
    for kind in ("rings", "dodeca")
    for builder, fields in SCHEMA["kinds"][kind]["builder_fields"].items()
    for f in fields
]


def _assert_agree(kind, builder, name, value, values, builder_values):
    py = _python_layer(kind, builder, values, builder_values)
    core = _core_layer(_core_config(kind, builder, {**BASE[kind], **values}, builder_values))
    py_ok = not isinstance(py, Exception)
    assert py_ok == (core is None), (kind, builder, name, value, py, core)
    if not py_ok:
        assert type(py) is type(core) is InvalidConfigError
        assert name in str(py) and name in str(core), (str(py), str(core))
    else:
        # What the reader accepted is what the core builds.
        assert _core.config_problem(py.config) is None


@pytest.mark.parametrize(("kind", "builder", "field"), FIELDS, ids=lambda x: str(x)[:40])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_field_same_verdict_in_reader_and_core(kind, builder, field, data):
    value = data.draw(_values_for(field), label=field["name"])
    name = field["name"]
    builder_name = builder or "legacy"
    if builder is None:
        _assert_agree(kind, builder_name, name, value, {name: value}, {})
    else:
        _assert_agree(kind, builder_name, name, value, {}, {name: value})


@pytest.mark.parametrize("log2_nside", range(30))
def test_log2nside_one_range_in_every_layer(log2_nside):
    """The reader used to accept 0..29 and the core 0..6: now one range, one message."""
    _assert_agree("healpix", "legacy", "log2NSide", log2_nside, {"log2NSide": log2_nside}, {})
    ok = log2_nside <= 6
    if not ok:
        with pytest.raises(InvalidConfigError, match=r"^log2NSide must be in \[0, 6\]"):
            skymaps.LegacyHealpixSkyMap(log2_nside)
    elif log2_nside <= 2:  # built (tracts are built eagerly: 12 * 4**n)
        sky = skymaps.LegacyHealpixSkyMap(log2_nside)
        assert len(sky) == 12 * 4**log2_nside


@pytest.mark.parametrize("num_rings", [-1, 0, 1, 100_000, 100_001, 2**40])
def test_num_rings_range_agrees(num_rings):
    _assert_agree("rings", "legacy", "numRings", num_rings, {"numRings": num_rings}, {})


def test_readers_take_fields_and_defaults_from_the_core():
    for kind, spec in SCHEMA["kinds"].items():
        node = SKYMAP_CLASSES[kind]
        assert [f.name for f in node.fields] == [f["name"] for f in spec["fields"]]
        for f, g in zip(node.fields, spec["fields"], strict=True):
            assert (f.kind, f.default, f.doc) == (g["type"], g["default"], g["doc"])
    assert list(TRACT_BUILDERS) == SCHEMA["builder_names"]
    # lsst.skymap's setDefaults, stated once: dodeca's patch border and pixel scale.
    dodeca = skymaps.DodecaSkyMap()
    assert dodeca.config["pixelScale"] == 0.2
    assert dodeca.config["tractBuilder"]["patchBorder"] == 250
    assert skymaps.LegacyHealpixSkyMap().config["rotation"] == 45.0
    assert skymaps.EquatSkyMap().config["projection"] == "CEA"


def test_constructors_use_the_table_defaults():
    """A constructor with only its required arguments equals the reader's defaults."""
    for kind, cls, args in [
        ("rings", skymaps.RingsSkyMap, (3,)),
        ("discrete", skymaps.DiscreteSkyMap, ([10.0], [5.0], [1.0])),
        ("equat", skymaps.EquatSkyMap, ()),
        ("dodeca", skymaps.DodecaSkyMap, ()),
        ("healpix", skymaps.LegacyHealpixSkyMap, ()),
    ]:
        sky = cls(*args)
        read = resolve_file(None, _overrides(kind, "legacy", BASE[kind], {}))
        assert sky.config == skymaps.SkyMap.from_config(read.config).config
        assert sky.hash == skymaps.SkyMap.from_config(read.config).hash
    with pytest.raises(InvalidConfigError, match="numRings is required"):
        skymaps.RingsSkyMap(None)
    with pytest.raises(TypeError, match="unexpected keyword"):
        skymaps.RingsSkyMap(3, pixel_scal=0.2)


def test_nan_is_refused_naming_the_field_everywhere():
    for make in (
        lambda: skymaps.RingsSkyMap(3, pixel_scale=math.nan),
        lambda: resolve_file(None, {"skyMap.name": "rings", "skyMap['rings'].numRings": 3,
                                    "skyMap['rings'].pixelScale": math.nan}),
        lambda: skymaps.SkyMap.from_config(
            _core_config("rings", "legacy", {"pixelScale": math.nan}, {})
        ),
    ):
        with pytest.raises(InvalidConfigError, match="pixelScale must be finite"):
            make()
