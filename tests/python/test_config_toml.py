"""skymaps.config TOML form and writers: round trips, errors with lines, hypothesis.

Round trips are checked for every preset (whose values are checked against the real
configs in test_config.py) and for random valid configs of every class, written both
as TOML and as register-skymap pex_config text and parsed back.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skymaps import InvalidConfigError
from skymaps.config import (
    PRESETS,
    load_toml,
    loads_toml,
    preset_config,
    resolve_file,
    resolve_text,
    to_pex,
    to_toml,
    validate,
)

CONFIGS = REPO / "tests" / "data" / "configs"


@pytest.mark.parametrize("name", PRESETS)
def test_preset_round_trip_toml(name, tmp_path):
    cfg = preset_config(name)
    path = tmp_path / f"{name}.toml"
    path.write_text(to_toml(cfg, name=name))
    loaded = load_toml(path)
    assert loaded.name == name
    assert loaded.config == cfg
    assert resolve_file(path).config == cfg


@pytest.mark.parametrize("name", PRESETS)
def test_preset_round_trip_pex(name):
    cfg = preset_config(name)
    back = resolve_text(to_pex(cfg, name=name))
    assert back.name == name and back.config == cfg


def test_sample_toml_files():
    discrete = load_toml(CONFIGS / "discrete.toml")
    assert discrete.name == "my_discrete"
    cfg = discrete.config
    assert cfg["skymap_class"] == "discrete" and cfg["version"] == 0
    assert cfg["decList"] == [-5.0, 30.0] and type(cfg["decList"][1]) is float
    assert cfg["tractOverlap"] == 0.0 and type(cfg["tractOverlap"]) is float
    assert cfg["tractBuilder"] == {
        "name": "legacy",
        "patchInnerDimensions": [4000, 4000],
        "patchBorder": 64,
    }
    assert discrete.provenance["raList"].endswith("discrete.toml:5")
    small = load_toml(CONFIGS / "preset_based.toml")
    expected = preset_config("DC2")
    expected["tractBuilder"]["patchInnerDimensions"] = [2000, 2000]
    assert small.name == "DC2_small_patches" and small.config == expected


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("[skymap]\nnumRings = 3\n", r"<t>:1: \[skymap\] needs class"),
        ('[skymap]\nclass = "hex"\n', r"<t>:2: unknown skymap class 'hex'"),
        ('[skymap]\nclass = "rings"\n', r"numRings is required"),
        ('[skymap]\nclass = "rings"\nnumRings = 3.5\n', r"<t>:3: numRings expects int, got float"),
        ('[skymap]\nclass = "rings"\nnumRings = "3"\n', r"<t>:3: numRings expects int, got str"),
        (
            '[skymap]\nclass = "rings"\nnumRings = 3\nnumRing = 3\n',
            r"<t>:4: unknown field 'numRing'",
        ),
        ('title = "x"\n[skymap]\nclass = "rings"\n', r"<t>:1: unknown top-level key 'title'"),
        ('name = 3\n[skymap]\nclass = "rings"\nnumRings = 3\n', r"<t>:1: name expects a str"),
        ('[skymap]\nclass = "rings"\nnumRings = 3\npatchBorder = 5\n', r"<t>:4: use tractBuilder"),
        ('[skymap]\nclass = "rings"\nnumRings = 3\nversion = 7\n', r"version 7 is not valid"),
        (
            '[skymap]\nclass = "rings"\nnumRings = 3\n[skymap.tractBuilder]\nname = "hex"\n',
            r"<t>:5: unknown tractBuilder 'hex'",
        ),
        (
            '[skymap]\nclass = "discrete"\nraList = [1.0]\n'
            "decList = [1.0, 2.0]\nradiusList = [1.0]\n",
            r"equal lengths",
        ),
        ('[skymap]\nclass = "healpix"\nlog2NSide = 2\nnSide = 5\n', r"<t>:4: nSide 5 disagrees"),
        ('[skymap]\npreset = "lsst_cells_v2"\n', r"<t>:2: unknown preset 'lsst_cells_v2'"),
        ('[skymap]\npreset = "DC2"\nclass = "discrete"\n', r"preset 'DC2' is a 'rings' skymap"),
        ("[skymap\n", r"<t>: invalid TOML"),
        ("name = 1\n", r"<t>:1: name expects a str"),
    ],
)
def test_toml_errors(text, pattern):
    with pytest.raises(InvalidConfigError, match=pattern):
        loads_toml(text, "<t>")


def test_toml_dotted_keys_and_quoted_keys():
    text = 'name = "x"\n[skymap]\nclass = "rings"\n"numRings" = 3\ntractBuilder.name = "cells"\n'
    cfg = loads_toml(text).config
    assert cfg["numRings"] == 3 and cfg["tractBuilder"]["name"] == "cells"
    with pytest.raises(InvalidConfigError, match=r"<t>:6: unknown field 'bad'"):
        loads_toml(text + "tractBuilder.bad = 1\n", "<t>")


# ------------------------------------------------------------------------ hypothesis

finite = {"allow_nan": False, "allow_infinity": False}
# The projections the core evaluates (a ZEA or MOL config is refused by every layer).
projections = st.sampled_from(["TAN", "STG", "CEA"])
positive_floats = st.floats(min_value=1e-6, max_value=1e3, **finite)


@st.composite
def tract_builders(draw):
    if draw(st.booleans()):
        return {
            "name": "legacy",
            "patchInnerDimensions": draw(st.lists(st.integers(1, 100_000), min_size=2, max_size=2)),
            "patchBorder": draw(st.integers(0, 10_000)),
        }
    size = draw(st.integers(1, 10_000))
    return {
        "name": "cells",
        "cellInnerDimensions": [size, size],
        "cellBorder": draw(st.integers(0, 1000)),
        "numCellsPerPatchInner": draw(st.integers(1, 100)),
        "numCellsInPatchBorder": draw(st.integers(0, 10)),
    }


@st.composite
def resolved_configs(draw):
    cls = draw(st.sampled_from(["rings", "discrete", "equat", "dodeca", "healpix"]))
    out = {
        "skymap_class": cls,
        "version": draw(st.sampled_from([0, 1])) if cls == "rings" else 0,
        "projection": draw(projections),
        "pixelScale": draw(positive_floats),
        "tractOverlap": draw(st.floats(min_value=0.0, max_value=10.0, **finite)),
        "rotation": draw(st.floats(min_value=-360.0, max_value=360.0, **finite)),
        "tractBuilder": draw(tract_builders()),
    }
    if cls == "rings":
        out["numRings"] = draw(st.integers(1, 1000))
        raw = draw(st.floats(min_value=0.0, max_value=360.0, exclude_max=True, **finite))
        out["raStart"] = raw
    elif cls == "discrete":
        n = draw(st.integers(1, 5))
        out["raList"] = draw(st.lists(st.floats(0.0, 360.0, **finite), min_size=n, max_size=n))
        out["decList"] = draw(st.lists(st.floats(-90.0, 90.0, **finite), min_size=n, max_size=n))
        out["radiusList"] = draw(
            st.lists(st.floats(1e-6, 89.0, **finite), min_size=n, max_size=n)
        )
    elif cls == "equat":
        out["numTracts"] = draw(st.integers(1, 1000))
        lo = draw(st.floats(-90.0, 89.0, **finite))
        hi = draw(st.floats(lo, 90.0, exclude_min=True, **finite))
        out["decRange"] = [lo, hi]
    elif cls == "dodeca":
        out["withTractsOnPoles"] = draw(st.booleans())
    else:
        out["log2NSide"] = draw(st.integers(0, 6))
        out["nest"] = draw(st.booleans())
        out["nSide"] = 1 << out["log2NSide"]
    return out


names = st.none() | st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20
)

_settings = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(resolved_configs(), names)
def test_random_configs_round_trip_toml(cfg, name):
    back = loads_toml(to_toml(cfg, name=name))
    assert back.config == cfg
    assert back.name == name
    assert validate(cfg) == cfg


@_settings
@given(resolved_configs(), names)
def test_random_configs_round_trip_pex(cfg, name):
    back = resolve_text(to_pex(cfg, name=name), version=cfg["version"])
    assert back.config == cfg
    assert back.name == name
    for key, value in cfg.items():
        if isinstance(value, float):
            assert math.copysign(1.0, back.config[key]) == math.copysign(1.0, value)


@_settings
@given(resolved_configs())
def test_random_configs_overrides_equal_file(cfg):
    """The same settings as -c overrides (no file) give the same config as the file."""
    lines = to_pex(cfg).splitlines()
    overrides = [
        line.removeprefix("config.") for line in lines if line.startswith("config.")
    ]
    back = resolve_file(None, overrides, version=cfg["version"])
    assert back.config == cfg


@_settings
@given(resolved_configs(), st.sampled_from(["projection", "pixelScale", "numRings", "raList"]))
def test_random_configs_one_bad_value_is_reported_with_its_line(cfg, key):
    """Replacing one value by a wrongly typed one names that key and its line."""
    text = to_pex(cfg)
    lines = text.splitlines()
    prefix = f"config.skyMap[{cfg['skymap_class']!r}].{key} = "
    index = next((i for i, line in enumerate(lines) if line.startswith(prefix)), None)
    if index is None:
        return  # this class has no such field
    lines[index] = prefix + ("{'a': 1}" if key != "projection" else "3")
    with pytest.raises(InvalidConfigError, match=rf"<c>:{index + 1}: .*{key}"):
        resolve_text("\n".join(lines) + "\n", label="<c>")


# --------------------------------------------------------------------------- fuzzing

_targets = st.sampled_from(
    [
        "config.name",
        "config.skyMap",
        "config.skyMap.name",
        "config.skyMap['rings'].numRings",
        "config.skyMap['rings'].raStart",
        "config.skyMap.active.pixelScale",
        "config.skyMap['discrete'].raList",
        "config.skyMap['rings'].tractBuilder",
        "config.skyMap['rings'].tractBuilder['cells'].cellInnerDimensions",
        "config.skyMap['equat'].decRange",
        "config.skyMap['healpix'].log2NSide",
        "config.skyMap[3]",
        "config.skyMap['rings'][0]",
        "config.nothing",
        "x",
        "config",
    ]
)
_atoms = st.sampled_from(
    [
        "1", "-2", "0", "1.5", "1e308", "-0.0", "'rings'", "'discrete'", "'cells'", "'TAN'",
        "None", "True", "[1, 2]", "[1.0]", "[]", "(3, 3)", "math.pi", "math.exp(1000)",
        "config.skyMap.name", "config.skyMap['rings'].numRings", "x", "{}", "{1}",
        "lambda: 1", "f'{1}'", "b'x'", "1j", "...", "__file__", "range(3)", "len([1])",
        "os.path.join('a', 'b')", "getPackageDir('nope')", "[i for i in range(3)]",
        "min()", "int('x')", "'a'[5]", "10 ** 400", "2 ** 0.5", "not 1", "1 if 0 else 2",
    ]
)
_ops = st.sampled_from([" + ", " - ", " * ", " / ", " // ", " % ", " ** ", " == ", " and "])


@st.composite
def expressions(draw, depth=0):
    if depth > 2 or draw(st.booleans()):
        return draw(_atoms)
    return f"({draw(expressions(depth + 1))}{draw(_ops)}{draw(expressions(depth + 1))})"


@st.composite
def config_texts(draw):
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        lines.append(f"{draw(_targets)} = {draw(expressions())}")
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None)
@given(config_texts(), st.sampled_from([None, "rings", "discrete"]))
def test_fuzzed_configs_fail_cleanly(text, skymap_class):
    """Whatever the text, the reader returns a valid config or raises InvalidConfigError."""
    try:
        resolved = resolve_text(text, skymap_class=skymap_class)
    except InvalidConfigError as err:
        assert str(err)
        return
    assert validate(resolved.config) == resolved.config


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_fails_cleanly(text):
    for reader in (resolve_text, loads_toml):
        try:
            reader(text)
        except InvalidConfigError:
            pass


# ------------------------------------------------- contract with SkyMap.from_config


@st.composite
def buildable_configs(draw):
    """Valid configs small enough to build quickly, within the tessellation's ranges."""
    cfg = draw(resolved_configs())
    # CEA only where lsst.skymap uses it (equatorial tracts): a polar tract in CEA
    # currently makes the core fail with an internal error (reported to tessellation).
    choices = ["TAN", "STG", "CEA"] if cfg["skymap_class"] == "equat" else ["TAN", "STG"]
    cfg["projection"] = draw(st.sampled_from(choices))
    cfg["tractOverlap"] = min(cfg["tractOverlap"], 5.0)
    # Realistic patches (at most ~2 deg): a patch bigger than the tract it pads can
    # push a tract outside its projection's domain.
    cfg["pixelScale"] = draw(st.floats(0.1, 1.0, **finite))
    tb = cfg["tractBuilder"]
    if tb["name"] == "legacy":
        tb["patchInnerDimensions"] = draw(st.lists(st.integers(1000, 8000), min_size=2, max_size=2))
    else:
        tb["cellInnerDimensions"] = [draw(st.integers(100, 400))] * 2
        tb["numCellsPerPatchInner"] = draw(st.integers(10, 20))
    if cfg["skymap_class"] == "rings":
        cfg["numRings"] = min(cfg["numRings"], 12)
    elif cfg["skymap_class"] == "discrete":
        cfg["radiusList"] = [min(r, 5.0) for r in cfg["radiusList"]]
    elif cfg["skymap_class"] == "equat":
        cfg["numTracts"] = draw(st.integers(6, 24))
        lo = draw(st.floats(-10.0, 9.0, **finite))
        cfg["decRange"] = [lo, draw(st.floats(lo + 0.5, 10.0, **finite))]
    elif cfg["skymap_class"] == "healpix":
        cfg["log2NSide"] = min(cfg["log2NSide"], 2)
        cfg["nSide"] = 1 << cfg["log2NSide"]
    return cfg


def _same(a, b) -> bool:
    """Equal, with floats allowed 2 ulp apart (see test_from_config_keeps_floats_exactly)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= 2 * math.ulp(max(abs(a), abs(b)))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b and type(a) is type(b)


def _skymap_class():
    import skymaps

    if getattr(skymaps, "SkyMap", None) is None:
        pytest.skip("skymaps.SkyMap not available")
    return skymaps.SkyMap


@settings(max_examples=40, deadline=None)
@given(buildable_configs())
def test_resolved_configs_build_skymaps(cfg):
    """Every config the readers produce is accepted by SkyMap.from_config unchanged."""
    skymap_cls = _skymap_class()
    back = loads_toml(to_toml(cfg)).config
    try:
        sm = skymap_cls.from_config(back)
    except ValueError as err:
        # The tessellation may refuse geometry a config can describe (e.g. a projection
        # that cannot hold a tract); it must say so clearly (a ValueError subclass such
        # as InvalidConfigError), never with an internal error.
        assert str(err)
        return
    assert _same(sm.config, cfg)


def test_from_config_keeps_floats_exactly():
    # Every float must survive the trip into the core bit for bit: one ulp off in any
    # config value changes the skymap hash. (Before serde_json's float_roundtrip
    # feature, about 1 in 9 random values came back 1-2 ulp off.)
    cfg = preset_config("DC2")
    cfg["rotation"] = 97.85768186633811
    assert _skymap_class().from_config(cfg).config["rotation"] == 97.85768186633811
    rng = np.random.default_rng(20261121)
    cfg = preset_config("hsc_rings_v1")
    cfg["numRings"] = 3  # small: only the floats matter here
    for value in rng.uniform(0.0, 360.0, 300):
        cfg["raStart"] = float(value)
        assert _skymap_class().from_config(cfg).config["raStart"] == float(value)
