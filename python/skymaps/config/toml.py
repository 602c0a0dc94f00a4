"""A declarative TOML form for skymap configs, and writers for TOML and pex_config text.

Schema (every key but ``[skymap] class`` optional; missing ones take lsst.skymap's
defaults for the class, including its ``setDefaults``)::

    name = "hsc_rings_v1"          # the skymap name used for registration

    [skymap]
    class = "rings"                # rings | discrete | equat | dodeca | healpix
    version = 1                    # constructor version (RingsSkyMap 0 or 1)
    numRings = 120
    raStart = 0.0
    projection = "TAN"
    pixelScale = 0.168             # arcsec/pixel
    tractOverlap = 0.016666666666666666   # degrees
    rotation = 0.0                 # degrees

    [skymap.tractBuilder]
    name = "legacy"                # or "cells" (cellInnerDimensions, cellBorder, ...)
    patchInnerDimensions = [4000, 4000]
    patchBorder = 100

An optional ``[packer]`` table stores how data IDs are packed into integers (see
:mod:`skymaps.packer`; not part of the skymap hash)::

    [packer]
    extraBands = ["N395", "N1040"]   # appended to lsst.skymap's band table
    nBands = 32                      # band slots (default: the table's size; 0: no band)

``[skymap] preset = "lsst_cells_v1"`` starts from a shipped preset and changes only the
keys given (a different ``tractBuilder.name`` starts that builder from its defaults).
Field names and units are lsst.skymap's, so the file reads like the resolved dict.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any

from .. import _core
from ..errors import InvalidConfigError
from .fields import SKYMAP_CLASSES, Location, fail
from .resolve import ResolvedConfig, node_from_resolved, resolve_node
from .source import read_source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["load_toml", "loads_toml", "to_toml", "to_pex"]

_TOP_KEYS = {"name", "skymap", "packer"}
_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def load_toml(path: str | Path) -> ResolvedConfig:
    """Read a skymap config in the TOML form (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The ``.toml`` file.

    Returns
    -------
    ResolvedConfig
        Its name and resolved config dict.

    Raises
    ------
    InvalidConfigError
        Invalid TOML, unknown keys, wrong types or missing values, as ``file:line:``.
    """
    path = Path(path)
    text = read_source(path)
    resolved = loads_toml(text, str(path))
    return ResolvedConfig(resolved.name, resolved.config, (path.resolve(),), resolved.provenance)


def loads_toml(text: str, label: str = "<toml>") -> ResolvedConfig:
    """Like :func:`load_toml`, from TOML text (``label`` names it in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InvalidConfigError(f"{label}: invalid TOML: {err}") from None
    lines = _key_lines(text, label)

    def at(*key: str) -> Location | None:
        return lines.get(key)

    for key in data:
        if key not in _TOP_KEYS:
            raise fail(
                at(key),
                f"unknown top-level key {key!r} (expected 'name', [skymap] and [packer])",
            )
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise fail(at("name"), f"name expects a str, got {name!r}")
    skymap = data.get("skymap")
    if not isinstance(skymap, dict):
        raise InvalidConfigError(f"{label}: a [skymap] table is required")
    skymap = dict(skymap)
    if "skymap_class" in skymap:
        raise fail(at("skymap", "skymap_class"), "use 'class' for the skymap class")
    preset_name = skymap.pop("preset", None)
    if "class" in skymap:
        skymap["skymap_class"] = skymap.pop("class")
    if preset_name is not None:
        skymap = _merge_preset(preset_name, skymap, at("skymap", "preset"))
    elif "skymap_class" not in skymap:
        raise fail(
            at("skymap"),
            f"[skymap] needs class = one of {', '.join(map(repr, SKYMAP_CLASSES))} (or preset)",
        )
    where: dict[str, Location] = {}
    for key_path, loc in lines.items():
        if key_path[:1] != ("skymap",) or len(key_path) < 2:
            continue
        dotted = ".".join(key_path[1:])
        where["skymap_class" if dotted == "class" else dotted] = loc
    node, skymap_class, version = node_from_resolved(skymap, where, label)
    config, provenance = resolve_node(node, skymap_class, version)
    if "packer" in data:
        config["packer"] = data["packer"]
        problem = _core.config_problem(config)
        if problem is not None:
            raise fail(at("packer"), problem[1])
        provenance["packer"] = str(at("packer"))
    return ResolvedConfig(name, config, (), provenance)


def _merge_preset(preset_name: Any, skymap: dict[str, Any], where: Location | None) -> dict:
    from . import PRESETS, preset_config

    if preset_name not in PRESETS:
        raise fail(where, f"unknown preset {preset_name!r}; choose one of {', '.join(PRESETS)}")
    base = preset_config(preset_name)
    if skymap.get("skymap_class", base["skymap_class"]) != base["skymap_class"]:
        raise fail(
            where,
            f"preset {preset_name!r} is a {base['skymap_class']!r} skymap, "
            f"not {skymap['skymap_class']!r}",
        )
    if base["skymap_class"] == "healpix" and "log2NSide" in skymap:
        base.pop("nSide", None)
    merged = {**base, **{k: v for k, v in skymap.items() if k != "tractBuilder"}}
    builder = skymap.get("tractBuilder")
    if isinstance(builder, dict):
        same = builder.get("name", base["tractBuilder"]["name"]) == base["tractBuilder"]["name"]
        merged["tractBuilder"] = {**base["tractBuilder"], **builder} if same else dict(builder)
    elif builder is not None:
        merged["tractBuilder"] = builder
    return merged


def _key_lines(text: str, label: str) -> dict[tuple[str, ...], Location]:
    """Map each key path (table parts + key parts) to the line that sets it."""
    table: tuple[str, ...] = ()
    out: dict[tuple[str, ...], Location] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = tuple(_split_dotted(header.group(1)))
            out.setdefault(table, Location(label, number))
            continue
        key = _KEY.match(line)
        if key:
            out.setdefault(table + tuple(_split_dotted(key.group(1))), Location(label, number))
    return out


def _split_dotted(key: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", key)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


# --------------------------------------------------------------------------- writers


def _toml_string(text: str) -> str:
    """A TOML basic string: escape quotes, backslashes and control characters only."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidConfigError(f"cannot write non-finite value {value!r}")
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise InvalidConfigError(f"cannot write {value!r} as TOML")


#: Keys written first in a table entry (the image's identity before its WCS).
_FIRST_KEYS = {"name": 0, "file": 1, "hdu": 2, "naxis": 3, "ctype": 4}


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def to_toml(resolved: dict[str, Any], name: str | None = None) -> str:
    """Write a resolved config dict in the TOML form read by :func:`load_toml`.

    Examples
    --------
    >>> from skymaps.config import preset_config, loads_toml
    >>> text = to_toml(preset_config("DC2"), name="DC2")
    >>> loads_toml(text).config == preset_config("DC2")
    True
    """
    out = []
    if name is not None:
        out.append(f"name = {_toml_value(name)}")
        out.append("")
    out.append("[skymap]")
    out.append(f"class = {_toml_value(resolved['skymap_class'])}")
    tables = {k: v for k, v in resolved.items() if _is_tables(v)}
    for key, value in resolved.items():
        if key in ("skymap_class", "tractBuilder", "nSide", "packer") or key in tables:
            continue
        out.append(f"{key} = {_toml_value(value)}")
    out.append("")
    out.append("[skymap.tractBuilder]")
    for key, value in resolved["tractBuilder"].items():
        out.append(f"{key} = {_toml_value(value)}")
    packer = resolved.get("packer")
    if packer is not None:
        out.extend(_packer_toml(packer))
    # Lists of tables (a headers skymap's images) as [[skymap.<key>]] blocks, one per entry.
    for key, entries in tables.items():
        for entry in entries:
            out.append("")
            out.append(f"[[skymap.{key}]]")
            ordered = sorted(entry.items(), key=lambda kv: _FIRST_KEYS.get(kv[0], len(_FIRST_KEYS)))
            out.extend(f"{k} = {_toml_value(v)}" for k, v in ordered)
    return "\n".join(out) + "\n"


def _packer_toml(packer: dict[str, Any]) -> list[str]:
    """The ``[packer]`` table (and ``[packer.bands]`` for a replaced band table)."""
    out = ["", "[packer]"]
    for key, value in packer.items():
        if key != "bands" and value is not None:
            out.append(f"{key} = {_toml_value(value)}")
    if packer.get("bands") is not None:
        out.append("")
        out.append("[packer.bands]")
        for band, index in packer["bands"].items():
            out.append(f"{_toml_string(band)} = {_toml_value(index)}")
    return out


def _py_value(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidConfigError(f"cannot write non-finite value {value!r}")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_py_value(v) for v in value) + "]"
    return repr(value)


def to_pex(resolved: dict[str, Any], name: str | None = None) -> str:
    """Write a resolved config dict as a ``butler register-skymap -C`` config file.

    The constructor ``version`` is not a pex_config field (lsst.skymap uses its class
    default); it is written as a comment.

    Examples
    --------
    >>> from skymaps.config import preset_config, resolve_text
    >>> text = to_pex(preset_config("hsc_rings_v1"), name="hsc_rings_v1")
    >>> resolve_text(text).config == preset_config("hsc_rings_v1")
    True
    """
    cls = resolved["skymap_class"]
    sky = f"config.skyMap[{cls!r}]"
    out = []
    if name is not None:
        out.append(f"config.name = {name!r}")
    out.append(f"config.skyMap.name = {cls!r}")
    out.append(f"# constructor version {resolved['version']} (not a pex_config field)")
    for key, value in resolved.items():
        if key in ("skymap_class", "version", "tractBuilder", "nSide", "packer"):
            continue
        out.append(f"{sky}.{key} = {_py_value(value)}")
    if resolved.get("packer") is not None:
        out.append(f"# packer {resolved['packer']!r} (not a makeSkyMap field; kept by TOML)")
    builder = resolved["tractBuilder"]
    out.append(f"{sky}.tractBuilder.name = {builder['name']!r}")
    for key, value in builder.items():
        if key != "name":
            out.append(f"{sky}.tractBuilder[{builder['name']!r}].{key} = {_py_value(value)}")
    return "\n".join(out) + "\n"
