"""skymaps.config: pex_config-style files, overrides, errors and presets.

Oracles: the real skymap configs and butler registry hashes in
tests/data/refdata/skymap_configs.json (pickled lsst.skymap configs, obs-package config
files, SHA1 hashes from real registries), lsst.skymap's documented defaults in the same
file, and the field definitions read from lsst/skymap's source (cited where used).
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest
from conftest import REPO, load_refdata_json

import skymaps
from skymaps import InvalidConfigError
from skymaps.config import (
    LSST_PRESETS,
    PRESET_FILES,
    PRESETS,
    SURVEY_PRESETS,
    preset_config,
    resolve_file,
    resolve_text,
    validate,
)

CONFIGS = REPO / "tests" / "data" / "configs"
REF = load_refdata_json("skymap_configs.json")
REF_SKYMAPS = {s["name"]: s for s in REF["skymaps"]}
CLASS_OF = {
    "lsst.skymap.ringsSkyMap.RingsSkyMap": "rings",
    "lsst.skymap.discreteSkyMap.DiscreteSkyMap": "discrete",
}


def lsst_sha1(resolved: dict) -> str:
    """lsst.skymap's skymap hash, from the recipe in tests/data/refdata/README.md.

    Independent of skymaps' own hashing: used here to check that a resolved config
    reproduces *exactly* the values of a registered skymap.
    """
    cls = {"rings": "RingsSkyMap", "discrete": "DiscreteSkyMap"}[resolved["skymap_class"]]
    tb = resolved["tractBuilder"]
    common = (
        resolved["tractOverlap"],
        resolved["pixelScale"],
        resolved["projection"].encode("ascii"),
        resolved["rotation"],
    )
    if tb["name"] == "legacy":
        packed = struct.pack("<iiidd3sd", *tb["patchInnerDimensions"], tb["patchBorder"], *common)
    else:
        packed = struct.pack(
            "<iiiiidd3sd",
            *tb["cellInnerDimensions"],
            tb["cellBorder"],
            tb["numCellsPerPatchInner"],
            tb["numCellsInPatchBorder"],
            *common,
        )
    sha = hashlib.sha1(cls.encode("ascii"))
    sha.update(packed)
    if cls == "RingsSkyMap":
        sha.update(struct.pack("<id", resolved["numRings"], resolved["raStart"]))
    else:
        fmt = f"<{len(resolved['radiusList'])}d"
        for key in ("raList", "decList", "radiusList"):
            sha.update(struct.pack(fmt, *resolved[key]))
    return sha.hexdigest()


def expected_from_pickle(ref: dict) -> dict:
    """The resolved dict implied by a refdata pickled config (its flat 'config' keys)."""
    cfg = ref["config"]
    builder = cfg.get("tractBuilder.name", "legacy")
    out = {
        "skymap_class": CLASS_OF[ref["class"]],
        "projection": cfg["projection"],
        "pixelScale": cfg["pixelScale"],
        "tractOverlap": cfg["tractOverlap"],
        "rotation": cfg["rotation"],
    }
    fields = {
        "legacy": ("patchInnerDimensions", "patchBorder"),
        "cells": (
            "cellInnerDimensions",
            "cellBorder",
            "numCellsPerPatchInner",
            "numCellsInPatchBorder",
        ),
    }[builder]
    tb = {"name": builder}
    for f in fields:
        tb[f] = cfg.get(f"tractBuilder['{builder}'].{f}", cfg.get(f))
    out["tractBuilder"] = tb
    for key in ("numRings", "raStart", "raList", "decList", "radiusList"):
        if key in cfg:
            out[key] = cfg[key]
    return out


def assert_matches(resolved: dict, expected: dict) -> None:
    for key, value in expected.items():
        assert resolved[key] == value, key
        assert type(resolved[key]) is type(value), key


# ------------------------------------------------------------------ refdata: pickles


PICKLED = [s for s in REF["skymaps"] if s.get("config_pex_text")]


def test_refdata_has_pickled_texts():
    assert {s["name"] for s in PICKLED} >= {
        "hsc_rings_v1",
        "DC2",
        "decam_rings_v1",
        "lsst_cells_v1",
    }


@pytest.mark.parametrize("ref", PICKLED, ids=lambda s: s["name"])
def test_pickled_config_text(ref):
    resolved = resolve_text(ref["config_pex_text"], label=ref["name"])
    assert resolved.name is None  # a bare skymap config has no registration name
    assert_matches(resolved.config, expected_from_pickle(ref))
    assert resolved.config["version"] == ref["constructor_version_arg"]
    assert lsst_sha1(resolved.config) == ref["computed_hash_hex"]
    for registry_hash in ref["registry_hash_hex"]:
        assert lsst_sha1(resolved.config) == registry_hash


@pytest.mark.parametrize("ref", PICKLED, ids=lambda s: s["name"])
def test_pickled_config_text_as_file(ref, tmp_path):
    path = tmp_path / "config.py"
    path.write_text(ref["config_pex_text"])
    resolved = resolve_file(path)
    assert_matches(resolved.config, expected_from_pickle(ref))
    assert resolved.sources == (path.resolve(),)


# ------------------------------------------------------- refdata: obs-package files


CONFIG_FILES = {(c["repo"], c["path"]): c["text"] for c in REF["config_files"] if c["text"]}


def write(tmp_path: Path, rel: str, text: str) -> Path:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("repo", "path", "skymap"),
    [
        ("lsst/obs_subaru", "config/hsc/makeSkyMap.py", "hsc_rings_v1"),
        ("lsst/obs_decam", "config/makeSkyMap.py", "decam_rings_v1"),
        ("lsst/obs_lsst", "config/makeSkyMap.py", "DC2"),
        ("lsst/ci_hsc_gen3", "configs/skymap.py", "discrete/ci_hsc"),
    ],
)
def test_obs_package_files_reproduce_registered_skymaps(tmp_path, repo, path, skymap):
    resolved = resolve_file(write(tmp_path, path, CONFIG_FILES[(repo, path)]))
    ref = REF_SKYMAPS[skymap]
    assert_matches(resolved.config, expected_from_pickle(ref))
    assert lsst_sha1(resolved.config) == ref["registry_hash_hex"][0]
    if skymap == "discrete/ci_hsc":
        assert resolved.name == "ci_hsc"  # config.name in the file
        assert resolved.config["version"] == 0  # DiscreteSkyMap's default
    else:
        assert resolved.name is None


def test_obs_subaru_default_selects_discrete(tmp_path):
    """obs_subaru config/makeSkyMap.py: discrete, and the healpix settings stay inactive."""
    text = CONFIG_FILES[("lsst/obs_subaru", "config/makeSkyMap.py")]
    resolved = resolve_file(write(tmp_path, "makeSkyMap.py", text)).config
    defaults = REF["lsst_skymap_defaults"]
    assert resolved["skymap_class"] == "discrete"
    assert resolved["raList"] == [5.5, 10.7]
    assert resolved["decList"] == [-0.6, 41.3]
    assert resolved["radiusList"] == [0.5, 0.8]
    assert resolved["pixelScale"] == 0.168
    # Everything else is lsst.skymap's BaseSkyMapConfig / legacy builder default.
    base = defaults["BaseSkyMapConfig"]
    assert resolved["projection"] == base["projection"]
    assert resolved["tractOverlap"] == base["tractOverlap_deg"]
    assert resolved["rotation"] == base["rotation_deg"]
    legacy = defaults["LegacyTractBuilderConfig"]
    assert resolved["tractBuilder"] == {"name": "legacy", **legacy}
    assert resolved["version"] == defaults["DiscreteSkyMap.__init__ version default"]


def test_obs_subaru_chain_as_convert_repo_does(tmp_path):
    """convertRepo.py loads ../makeSkyMap.py then makeSkyMap.py: that is hsc_rings_v1."""
    write(
        tmp_path, "config/makeSkyMap.py", CONFIG_FILES[("lsst/obs_subaru", "config/makeSkyMap.py")]
    )
    write(
        tmp_path,
        "config/hsc/makeSkyMap.py",
        CONFIG_FILES[("lsst/obs_subaru", "config/hsc/makeSkyMap.py")],
    )
    top = write(
        tmp_path,
        "config/hsc/convert.py",
        "import os.path\n"
        'config.load(os.path.join(os.path.dirname(__file__), "..", "makeSkyMap.py"))\n'
        'config.load("makeSkyMap.py")\nconfig.name = "hsc_rings_v1"\n',
    )
    resolved = resolve_file(top)
    assert resolved.name == "hsc_rings_v1"
    assert lsst_sha1(resolved.config) == REF_SKYMAPS["hsc_rings_v1"]["registry_hash_hex"][0]
    assert len(resolved.sources) == 3


def test_get_package_dir(tmp_path, monkeypatch):
    write(
        tmp_path,
        "obs_foo/config/makeSkyMap.py",
        CONFIG_FILES[("lsst/obs_lsst", "config/makeSkyMap.py")],
    )
    top = write(
        tmp_path,
        "mine.py",
        "from lsst.utils import getPackageDir\n"
        'config.load(os.path.join(getPackageDir("obs_foo"), "config", "makeSkyMap.py"))\n'
        'config.name = "DC2"\n',
    )
    monkeypatch.delenv("OBS_FOO_DIR", raising=False)
    with pytest.raises(InvalidConfigError, match=r"mine.py:2: .*OBS_FOO_DIR"):
        resolve_file(top)
    monkeypatch.setenv("OBS_FOO_DIR", str(tmp_path / "obs_foo"))
    resolved = resolve_file(top)
    assert lsst_sha1(resolved.config) == REF_SKYMAPS["DC2"]["registry_hash_hex"][0]


# ------------------------------------------------------------------------- presets


REGISTERED = {"hsc_rings_v1", "decam_rings_v1", "DC2"}


def test_preset_names():
    assert set(LSST_PRESETS) == {"hsc_rings_v1", "decam_rings_v1", "DC2", "lsst_cells_v1"}
    assert set(SURVEY_PRESETS) == {"legacysurvey_bricks", "healpix8"}
    assert PRESETS == LSST_PRESETS + SURVEY_PRESETS
    for name in PRESETS:
        assert PRESET_FILES[name].is_file()


@pytest.mark.parametrize("name", LSST_PRESETS)
def test_preset_matches_real_config(name):
    cfg = preset_config(name)
    ref = REF_SKYMAPS[name]
    assert_matches(cfg, expected_from_pickle(ref))
    assert cfg["version"] == ref["constructor_version_arg"]
    assert lsst_sha1(cfg) == ref["computed_hash_hex"]
    if name in REGISTERED:
        assert lsst_sha1(cfg) == ref["registry_hash_hex"][0]


@pytest.mark.parametrize("name", PRESETS)
def test_preset_file_names_itself(name):
    assert resolve_file(PRESET_FILES[name]).name == name


def test_lsst_cells_v2_is_not_invented():
    with pytest.raises(InvalidConfigError, match="lsst_cells_v2.*not available"):
        preset_config("lsst_cells_v2")
    with pytest.raises(InvalidConfigError, match="unknown preset 'nope'"):
        preset_config("nope")


def test_preset_returns_a_copy():
    cfg = preset_config("DC2")
    cfg["tractBuilder"]["patchBorder"] = 1
    assert preset_config("DC2")["tractBuilder"]["patchBorder"] == 100


def test_preset_skymap_hash_matches_registry():
    """Once the tessellation layer exists: preset skymaps hash like the real ones."""
    if getattr(skymaps, "SkyMap", None) is None:
        pytest.skip("skymaps.SkyMap (tessellation branch) not merged yet")
    for name in LSST_PRESETS:
        sm = skymaps.preset(name)
        ref = REF_SKYMAPS[name]
        assert sm.hash.hex() == ref["computed_hash_hex"]
        for registry_hash in ref["registry_hash_hex"]:
            assert sm.hash.hex() == registry_hash
        assert len(sm) == ref["ring_layout"]["num_tracts_total"]
        assert sm.config == preset_config(name)  # the skymap keeps the resolved dict


# ------------------------------------------------------------------------ defaults


def test_default_skymap_is_dodeca_with_its_set_defaults():
    """MakeSkyMapConfig.skyMap defaults to 'dodeca' (pipe_tasks registerSkymap.py);
    DodecaSkyMapConfig.setDefaults: overlap 3.5, border 250, 10/50 arcsec, STG."""
    cfg = resolve_file(None, ["name=x"])
    assert cfg.name == "x"
    assert cfg.config == {
        "skymap_class": "dodeca",
        "version": 0,
        "projection": "STG",
        "pixelScale": 0.2,
        "tractOverlap": 3.5,
        "rotation": 0.0,
        "tractBuilder": {
            "name": "legacy",
            "patchInnerDimensions": [4000, 4000],
            "patchBorder": 250,
        },
        "withTractsOnPoles": False,
    }


def test_class_defaults_follow_lsst_skymap():
    defaults = REF["lsst_skymap_defaults"]
    base = defaults["BaseSkyMapConfig"]
    equat = resolve_file(None, ["skyMap.name=equat"]).config
    assert equat["projection"] == "CEA"  # EquatSkyMapConfig.setDefaults
    assert equat["numTracts"] == 4 and equat["decRange"] == [-1.25, 1.25]
    assert equat["pixelScale"] == base["pixelScale_arcsec"]
    assert equat["tractOverlap"] == base["tractOverlap_deg"]
    healpix = resolve_file(None, ["skyMap.name=healpix", "skyMap['healpix'].log2NSide=3"]).config
    assert healpix["rotation"] == 45.0  # HealpixSkyMapConfig.setDefaults
    assert healpix["nSide"] == 8 and healpix["nest"] is False
    assert healpix["projection"] == base["projection"]
    rings = resolve_file(None, ["skyMap=rings", "skyMap['rings'].numRings=3"]).config
    assert rings["raStart"] == defaults["RingsSkyMapConfig"]["raStart_deg"]
    assert rings["version"] == defaults["RingsSkyMap.__init__ version default"]
    cells = resolve_file(
        None, ["skyMap=rings", "skyMap['rings'].numRings=3", "skyMap['rings'].tractBuilder=cells"]
    ).config
    assert cells["tractBuilder"] == {"name": "cells", **defaults["CellTractBuilderConfig"]}


def test_deprecated_patch_fields_write_the_legacy_builder():
    """BaseSkyMapConfig.patchInnerDimensions/patchBorder are properties on
    tractBuilder['legacy'] (lsst.skymap baseSkyMap.py): ignored under 'cells'."""
    legacy = resolve_text("config.numRings = 5\nconfig.patchBorder = 7\n").config
    assert legacy["tractBuilder"]["patchBorder"] == 7
    cells = resolve_text(
        "config.numRings = 5\nconfig.tractBuilder.name = 'cells'\n"
        "config.patchInnerDimensions = [10, 10]\n"
    ).config
    assert cells["tractBuilder"]["cellInnerDimensions"] == [150, 150]
    assert "patchInnerDimensions" not in cells["tractBuilder"]
    read_back = resolve_text(
        "config.numRings = 5\nconfig.patchBorder = 9\nconfig.tractBuilder['legacy'].patchBorder = "
        "config.patchBorder + 1\n"
    ).config
    assert read_back["tractBuilder"]["patchBorder"] == 10


def test_int_accepted_for_float_and_registry_forms():
    text = (
        'config.skyMap = "rings"\n'
        "config.skyMap.active.numRings = 10\n"
        "config.skyMap['rings'].pixelScale = 1\n"
        "config.skyMap['rings'].tractBuilder['cells'].cellBorder = 3\n"
        "config.skyMap['rings'].tractBuilder = 'cells'\n"
        "config.skyMap['rings'].tractBuilder.active.numCellsInPatchBorder = 0\n"
        "config.skyMap['rings'].raStart = 360 - 1.5 * 2\n"
    )
    cfg = resolve_text(text).config
    assert cfg["pixelScale"] == 1.0 and type(cfg["pixelScale"]) is float
    assert cfg["tractBuilder"]["cellBorder"] == 3
    assert cfg["tractBuilder"]["numCellsInPatchBorder"] == 0
    assert cfg["raStart"] == 357.0


def test_sample_files():
    loaded = resolve_file(CONFIGS / "register_rings_with_load.py")
    assert loaded.name == "rings_from_load"
    assert loaded.config["tractBuilder"]["name"] == "cells"
    assert loaded.config["tractOverlap"] == 1.0 / 60
    assert [p.name for p in loaded.sources] == ["register_rings_with_load.py", "rings_base.py"]
    assert loaded.provenance["numRings"].endswith("rings_base.py:4")
    assert loaded.provenance["pixelScale"].endswith("register_rings_with_load.py:5")
    pickled = resolve_file(CONFIGS / "rings_pickled_style.py").config
    assert pickled["tractBuilder"] == {
        "name": "legacy",
        "patchInnerDimensions": [2000, 2000],
        "patchBorder": 50,
    }
    assert pickled["raStart"] == 0.5 and pickled["numRings"] == 60
    assert pickled["pixelScale"] == pytest.approx(0.25, rel=1e-15)


def test_skymap_class_hint_for_common_fields_only():
    text = "config.pixelScale = 0.3\n"
    with pytest.raises(InvalidConfigError, match="cannot tell which skymap class"):
        resolve_text(text)
    cfg = resolve_text(text, ["numTracts=6"], skymap_class="equat").config
    assert cfg["skymap_class"] == "equat" and cfg["numTracts"] == 6 and cfg["pixelScale"] == 0.3


def test_version_argument():
    assert resolve_file(PRESET_FILES["DC2"], version=0).config["version"] == 0
    with pytest.raises(InvalidConfigError, match="version 2"):
        resolve_file(PRESET_FILES["DC2"], version=2)
    with pytest.raises(InvalidConfigError, match="version 1 .*discrete"):
        resolve_text(
            "config.raList=[1.0]\nconfig.decList=[0.0]\nconfig.radiusList=[1.0]\n", version=1
        )


# ------------------------------------------------------------------------ overrides


def test_overrides_pex_c_syntax():
    r = resolve_file(
        PRESET_FILES["hsc_rings_v1"],
        [
            "name=my_hsc",
            "skyMap['rings'].numRings=60",
            'skyMap["rings"].tractOverlap=2.0/60',
            "skyMap.active.projection=STG",  # bare string
            "skyMap['rings'].tractBuilder['legacy'].patchInnerDimensions=[2000, 2000]",
        ],
    )
    assert r.name == "my_hsc"
    assert r.config["numRings"] == 60
    assert r.config["tractOverlap"] == 2.0 / 60
    assert r.config["projection"] == "STG"
    assert r.config["tractBuilder"]["patchInnerDimensions"] == [2000, 2000]
    assert r.provenance["numRings"] == "<override 2: skyMap['rings'].numRings=60>:1"


def test_overrides_switch_class_and_builder():
    r = resolve_file(
        PRESET_FILES["DC2"],
        [
            "skyMap.name=discrete",
            "skyMap['discrete'].raList=[1]",
            "skyMap['discrete'].decList=[2]",
            "skyMap['discrete'].radiusList=[0.5]",
        ],
    )
    assert r.config["skymap_class"] == "discrete"
    assert r.config["raList"] == [1.0] and r.config["pixelScale"] == 0.333  # discrete's own default
    r = resolve_file(PRESET_FILES["DC2"], ["skyMap['rings'].tractBuilder=cells"])
    assert r.config["tractBuilder"]["name"] == "cells"


def test_overrides_text_values_for_string_fields():
    assert resolve_file(None, ["name=123"]).name == "123"
    assert resolve_file(None, ["name = 'quoted'"]).name == "quoted"
    assert resolve_file(None, ["name=hsc rings"]).name == "hsc rings"


def test_overrides_mapping_and_no_file():
    r = resolve_file(None, {"skyMap.name": "rings", "skyMap['rings'].numRings": 7, "name": "tiny"})
    assert r.name == "tiny" and r.config["numRings"] == 7


def test_override_errors():
    with pytest.raises(
        InvalidConfigError, match=r"<override 1: skyMap\['rings'\].numRing=3>:1: unknown"
    ):
        resolve_file(PRESET_FILES["DC2"], ["skyMap['rings'].numRing=3"])
    with pytest.raises(InvalidConfigError, match="expected key=value"):
        resolve_file(PRESET_FILES["DC2"], ["numRings"])
    with pytest.raises(InvalidConfigError, match="numRings expects int, got str 'many'"):
        resolve_file(PRESET_FILES["DC2"], ["skyMap['rings'].numRings=many"])
    with pytest.raises(InvalidConfigError, match="not a config field path"):
        resolve_file(PRESET_FILES["DC2"], ["1+1=2"])
    with pytest.raises(InvalidConfigError, match="unknown skyMap 'ringz'"):
        resolve_file(PRESET_FILES["DC2"], ["skyMap.name=ringz"])


def test_overrides_on_toml():
    r = resolve_file(CONFIGS / "discrete.toml", ["skyMap['discrete'].pixelScale=0.3", "name=other"])
    assert (
        r.name == "other" and r.config["pixelScale"] == 0.3 and r.config["raList"] == [10.0, 200.5]
    )


# --------------------------------------------------------------------------- errors


BROKEN = CONFIGS / "broken"


@pytest.mark.parametrize(
    ("file", "pattern"),
    [
        (
            "unknown_key.pex",
            r"unknown_key.pex:3: unknown field 'numRing' .*did you mean 'numRings'",
        ),
        ("string_num_rings.pex", r"string_num_rings.pex:3: numRings expects int, got str '120'"),
        ("missing_num_rings.pex", r"missing_num_rings.pex:2: .*numRings is required"),
        (
            "discrete_unequal.pex",
            r"discrete_unequal.pex:4: .*equal lengths: "
            r"raList has 2, decList has 2, radiusList has 1",
        ),
        ("runs_code.pex", r"runs_code.pex:3: os has no supported attribute 'system'"),
        ("cycle_a.pex", r"config.load cycle"),
        ("syntax_error.pex", r"syntax_error.pex:2: invalid syntax"),
        ("unknown_key.toml", r"unknown_key.toml:9: unknown field 'cellInnerDimension'"),
        ("wrong_type.toml", r"wrong_type.toml:4: pixelScale expects float, got str 'fine'"),
    ],
)
def test_broken_files(file, pattern):
    with pytest.raises(InvalidConfigError, match=pattern):
        resolve_file(BROKEN / file)


def test_broken_file_ran_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidConfigError):
        resolve_file(BROKEN / "runs_code.pex")
    assert not (tmp_path / "SHOULD_NOT_EXIST").exists()


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("config.numRings = 120.0\n", r"<t>:1: numRings expects int, got float 120.0"),
        ("config.numRings = True\n", r"numRings expects int, got bool"),
        ("config.numRings = 0\n", r"<t>:1: numRings must be in \[1, 100000\], got 0"),
        ("config.numRings = 3\nconfig.raStart = 360\n", r"<t>:2: raStart must be in \[0, 360\)"),
        ("config.numRings = 3\nconfig.pixelScale = True\n", "pixelScale expects float, got bool"),
        ("config.numRings = 3\nconfig.pixelScale = -1\n", "pixelScale must be > 0"),
        (
            "config.numRings = 3\nconfig.projection = 'tangent'\n",
            r'<t>:2: projection must be one of "TAN", "STG", "CEA", got "tangent"',
        ),
        (
            "config.numRings = 3\nconfig.patchInnerDimensions = [1, 2, 3]\n",
            r"<t>:2: patchInnerDimensions must have 2",
        ),
        ("config.numRings = 3\nconfig.patchInnerDimensions = 4000\n", "expects a list of int"),
        (
            "config.numRings = 3\nconfig.patchInnerDimensions = [4000, 'a']\n",
            r"patchInnerDimensions\[1\] expects int",
        ),
        (
            "config.numRings = 3\nconfig.tractBuilder = 'cells'\n"
            "config.tractBuilder['cells'].cellInnerDimensions = [100, 150]\n",
            r"<t>:3: cellInnerDimensions must be equal",
        ),
        (
            "config.numRings = 3\nconfig.tractBuilder = 'hex'\n",
            r"<t>:2: unknown tractBuilder 'hex'",
        ),
        ("config.numRings = 3\nconfig.tractBuilder['legacy'] = 4\n", r"<t>:2: cannot assign to"),
        ("config.numRings = 3\nconfig.numRings += 1\n", r"<t>:2: augmented assignment"),
        ("config.numRings = 10**10**10\n", r"<t>:1: power too large"),
        ("config.numRings = 1 / 0\n", r"<t>:1: cannot evaluate"),
        ("config.numRings = len('x' * 10)\n", r"unsupported operation"),
        ("config.numRings = __import__('os')\n", r"<t>:1: name '__import__' is not defined"),
        ("config.numRings = open('/etc/passwd')\n", r"name 'open' is not defined"),
        ("config.numRings = (lambda: 3)()\n", r"unsupported expression \(Lambda\)"),
        ("config.numRings = 3\nwhile True:\n    pass\n", r"<t>:2: unsupported statement \(While\)"),
        ("config.numRings = 3\ndef f():\n    pass\n", r"unsupported statement \(FunctionDef\)"),
        ("config.numRings = 3\nassert config.numRings == 3\n", r"<t>:2: only 'assert type"),
        ("config.numRings = [i for i in range(10**9)][0]\n", r"range of 1000000000 items"),
        ("config.numRings = 3\nconfig.load('/nonexistent/x.py')\n", r"cannot read config file"),
        ("config.numRings = 3\nconfig = 4\n", r"cannot rebind 'config'"),
        ("config.numRings = math.system\n", r"math has no supported attribute 'system'"),
        ("config.numRings = 3\nconfig.raStart = config.__class__\n", r"unknown field '__class__'"),
        (
            "import lsst.pex.config\nassert type(config)==lsst.pex.config.Config\n",
            r"<t>:2: config class 'Config' is not a skymap config",
        ),
        ("config.numRings = 3\nconfig.raList = [1.0]\n", r"fields of several skymap classes"),
    ],
)
def test_errors_name_key_and_line(text, pattern):
    with pytest.raises(InvalidConfigError, match=pattern):
        resolve_text(text, label="<t>")


def test_file_without_config_lines_is_register_skymap_default():
    # Like an empty -C file: MakeSkyMapConfig defaults (dodeca), and no name.
    r = resolve_text("x = 5\nimport os\n")
    assert r.name is None and r.config["skymap_class"] == "dodeca"


def test_register_skymap_root_errors():
    with pytest.raises(
        InvalidConfigError, match=r"<t>:2: unknown field 'numRings' of MakeSkyMapConfig"
    ):
        resolve_text("config.name = 'x'\nconfig.numRings = 3\n", label="<t>")
    with pytest.raises(InvalidConfigError, match=r"<t>:1: name expects str"):
        resolve_text("config.name = 5\n", label="<t>")
    with pytest.raises(InvalidConfigError, match=r"<t>:1: unknown skyMap 'hexes'"):
        resolve_text("config.skyMap = 'hexes'\n", label="<t>")
    with pytest.raises(
        InvalidConfigError, match=r"<t>:1: .*skyMap has no settable attribute 'names'"
    ):
        resolve_text("config.skyMap.names = ['rings']\n", label="<t>")
    # Values for an inactive class are checked for type, but not required.
    assert (
        resolve_text("config.skyMap['rings'].pixelScale = 0.1\n").config["skymap_class"] == "dodeca"
    )


def test_discrete_errors():
    base = "config.raList = [1.0, 2.0]\nconfig.decList = [0.0, 1.0]\n"
    with pytest.raises(InvalidConfigError, match=r"<t>:3: .*radiusList has 3"):
        resolve_text(base + "config.radiusList = [1.0, 1.0, 1.0]\n", label="<t>")
    with pytest.raises(InvalidConfigError, match="at least one tract"):
        resolve_text("config.raList = []\n", label="<t>")
    with pytest.raises(InvalidConfigError, match=r"<t>:2: decList entries must be in \[-90, 90\]"):
        resolve_text(
            "config.raList = [1.0]\nconfig.decList = [91]\nconfig.radiusList = [1]\n", label="<t>"
        )
    # The core's range (a tract's box must fit in one hemisphere), in every layer.
    with pytest.raises(InvalidConfigError, match=r"<t>:3: radiusList entries must be in \(0, 90\)"):
        resolve_text(
            "config.raList = [1.0]\nconfig.decList = [0]\nconfig.radiusList = [0]\n", label="<t>"
        )


def test_load_mismatched_class(tmp_path):
    rings = write(tmp_path, "rings.py", PICKLED[0]["config_pex_text"])
    top = write(tmp_path, "top.py", f"config.skyMap = 'rings'\nconfig.load({str(rings)!r})\n")
    with pytest.raises(
        InvalidConfigError, match="configures a RingsSkyMapConfig but is loaded into"
    ):
        resolve_file(top)
    ok = write(
        tmp_path, "ok.py", "config.skyMap = 'rings'\nconfig.skyMap['rings'].load('rings.py')\n"
    )
    assert lsst_sha1(resolve_file(ok).config) == PICKLED[0]["computed_hash_hex"]


def test_missing_file():
    with pytest.raises(InvalidConfigError, match="cannot read config file"):
        resolve_file(CONFIGS / "does_not_exist.py")
    with pytest.raises(InvalidConfigError, match="cannot read config file"):
        resolve_file(CONFIGS / "does_not_exist.toml")


def test_errors_are_value_errors():
    assert issubclass(InvalidConfigError, ValueError)


def test_validate_completes_minimal_dicts():
    cfg = validate({"skymap_class": "rings", "numRings": 120, "pixelScale": 0.2})
    assert cfg["tractBuilder"] == {
        "name": "legacy",
        "patchInnerDimensions": [4000, 4000],
        "patchBorder": 100,
    }
    with pytest.raises(InvalidConfigError, match="nSide 5 disagrees"):
        validate({"skymap_class": "healpix", "log2NSide": 2, "nSide": 5})
    with pytest.raises(InvalidConfigError, match="skymap class is missing"):
        validate({"numRings": 3})
    with pytest.raises(InvalidConfigError, match="use tractBuilder.patchBorder"):
        validate({"skymap_class": "rings", "numRings": 3, "patchBorder": 3})


def test_load_config_builds_skymap_when_available(tmp_path):
    if getattr(skymaps, "SkyMap", None) is None:
        pytest.skip("skymaps.SkyMap (tessellation branch) not merged yet")
    name, sm = skymaps.load_config(PRESET_FILES["DC2"])
    assert name == "DC2"
    assert sm.hash.hex() == REF_SKYMAPS["DC2"]["registry_hash_hex"][0]
    assert len(sm) == REF_SKYMAPS["DC2"]["ring_layout"]["num_tracts_total"]
    ci_hsc = write(tmp_path, "skymap.py", CONFIG_FILES[("lsst/ci_hsc_gen3", "configs/skymap.py")])
    name, sm = skymaps.load_config(ci_hsc)
    assert name == "ci_hsc" and len(sm) == 1
    assert sm.hash.hex() == REF_SKYMAPS["discrete/ci_hsc"]["registry_hash_hex"][0]
    name, sm = skymaps.load_config(
        CONFIGS / "preset_based.toml", ["skyMap['rings'].pixelScale=0.168"]
    )
    assert name == "DC2_small_patches" and sm.config["pixelScale"] == 0.168


def test_saved_make_skymap_config_text():
    """The shape of ``MakeSkyMapConfig.save()`` output: every class written, unset
    required fields as None, registry names last (pex_config's save order)."""
    text = (
        "import lsst.skymap.ringsSkyMap\n"
        "import lsst.pipe.tasks.script.registerSkymap\n"
        "assert type(config)==lsst.pipe.tasks.script.registerSkymap.MakeSkyMapConfig, 'x'\n"
        "config.name='hsc_rings_v1'\n"
        "config.skyMap['dodeca'].withTractsOnPoles=False\n"
        "config.skyMap['discrete'].raList=[]\n"
        "config.skyMap['rings'].tractBuilder['legacy'].patchInnerDimensions=[4000, 4000]\n"
        "config.skyMap['rings'].tractBuilder['legacy'].patchBorder=100\n"
        "config.skyMap['rings'].tractBuilder.name='legacy'\n"
        "config.skyMap['rings'].tractOverlap=0.016666666666666666\n"
        "config.skyMap['rings'].pixelScale=0.168\n"
        "config.skyMap['rings'].projection='TAN'\n"
        "config.skyMap['rings'].rotation=0.0\n"
        "config.skyMap['rings'].numRings=120\n"
        "config.skyMap['rings'].raStart=0.0\n"
        "config.skyMap['healpix'].log2NSide=0\n"
        "config.skyMap['healpix'].nest=False\n"
        "config.skyMap['equat'].decRange=[-1.25, 1.25]\n"
        "config.skyMap.name='rings'\n"
    )
    resolved = resolve_text(text)
    assert resolved.name == "hsc_rings_v1"
    assert lsst_sha1(resolved.config) == REF_SKYMAPS["hsc_rings_v1"]["registry_hash_hex"][0]
    unset = text.replace("numRings=120", "numRings=None")
    assert resolve_text(unset.replace("name='rings'", "name='dodeca'")).config["skymap_class"] == (
        "dodeca"
    )
    with pytest.raises(InvalidConfigError, match=r"<s>:14: .*numRings is required"):
        resolve_text(unset, label="<s>")


def test_discrete_cells_with_expressions():
    """Constructs seen in CI skymap configs: arithmetic radii, deprecated patch fields
    next to cells-builder fields, the builder chosen by assigning its name."""
    text = (
        'config.skyMap["discrete"].projection = "TAN"\n'
        'config.skyMap["discrete"].raList = [56.6]\n'
        'config.skyMap["discrete"].decList = [-36.4]\n'
        "# 7 patches of 4000 px at 0.2 arcsec, as a radius in degrees\n"
        'config.skyMap["discrete"].radiusList = [6.4 / 9]\n'
        'config.skyMap["discrete"].patchInnerDimensions = [4000, 4000]\n'
        'config.skyMap["discrete"].tractBuilder["cells"].cellInnerDimensions = [400, 400]\n'
        'config.skyMap["discrete"].tractBuilder["cells"].numCellsPerPatchInner = 10\n'
        'config.skyMap["discrete"].tractBuilder["cells"].cellBorder = 0\n'
        'config.skyMap["discrete"].tractBuilder["cells"].numCellsInPatchBorder = 0\n'
        'config.skyMap["discrete"].tractBuilder = "cells"\n'
        'config.skyMap.name = "discrete"\n'
        'config.name = "discrete/example/4k"\n'
    )
    r = resolve_text(text)
    assert r.name == "discrete/example/4k"
    assert r.config["radiusList"] == [6.4 / 9]
    assert r.config["tractBuilder"] == {
        "name": "cells",
        "cellInnerDimensions": [400, 400],
        "cellBorder": 0,
        "numCellsPerPatchInner": 10,
        "numCellsInPatchBorder": 0,
    }
    assert r.provenance["tractBuilder.name"] == "<config>:11"
