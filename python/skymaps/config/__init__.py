"""Skymap configurations: pex_config-style files, ``key=value`` overrides, TOML, presets.

* :func:`resolve_file` reads a file as given to ``butler register-skymap -C``
  (``config.skyMap.name = "rings"``, ``config.skyMap["rings"].numRings = 120``, ...),
  the text of a pickled skymap config (``config.numRings=120`` on a
  ``RingsSkyMapConfig``), or the TOML form, then applies overrides as ``-c`` does
  (``skyMap['rings'].pixelScale=0.2``, ``name=my_skymap``). pex_config is not needed
  and the file is never executed: see :mod:`skymaps.config.pexconfig`.
* The result is a :class:`ResolvedConfig`: the skymap name and the *resolved config
  dict* that ``skymaps.SkyMap.from_config`` builds (see :mod:`skymaps.config.resolve`).
* :func:`preset_config` gives the real configs of named skymaps (:data:`PRESETS`),
  shipped as register-skymap files in ``skymaps/config/presets/``.

Bad configs raise :class:`skymaps.InvalidConfigError` naming the key and ``file:line``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidConfigError
from .fields import SKYMAP_CLASSES, TRACT_BUILDERS, Location, make_root, make_skymap_config
from .pexconfig import ConfigReader, detect_root, parse
from .resolve import DEFAULT_VERSION, ResolvedConfig, resolve_node, root_from_resolved, validate
from .source import read_source
from .toml import load_toml, loads_toml, to_pex, to_toml

if TYPE_CHECKING:  # pragma: no cover
    from ..skymap import SkyMap

__all__ = [
    "Location",
    "LSST_PRESETS",
    "PRESETS",
    "SURVEY_PRESETS",
    "PRESET_FILES",
    "UNAVAILABLE_PRESETS",
    "SKYMAP_CLASSES",
    "TRACT_BUILDERS",
    "DEFAULT_VERSION",
    "ResolvedConfig",
    "resolve_file",
    "resolve_text",
    "load_config",
    "load_toml",
    "loads_toml",
    "to_toml",
    "to_pex",
    "preset",
    "preset_config",
    "validate",
]

_PRESET_DIR = Path(__file__).resolve().parent / "presets"

#: Named skymaps shipped with skymaps, with their real (registered) configurations.
#: Presets that are real ``lsst.skymap`` configurations (same ids, regions and hash).
LSST_PRESETS: tuple[str, ...] = ("hsc_rings_v1", "decam_rings_v1", "DC2", "lsst_cells_v1")
#: Presets of skymaps' own survey grids (Legacy Surveys bricks, a HEALPix tract grid).
SURVEY_PRESETS: tuple[str, ...] = ("legacysurvey_bricks", "healpix8")
PRESETS: tuple[str, ...] = LSST_PRESETS + SURVEY_PRESETS

#: Named skymaps whose configuration we could not find in any public source.
UNAVAILABLE_PRESETS: dict[str, str] = {
    "lsst_cells_v2": (
        "the LSSTCam skymap lsst_cells_v2 is used by Rubin (DP2), but its configuration "
        "is not published in lsst/skymap, lsst/obs_lsst or any public repository we "
        "could find; register it from its config file with resolve_file()"
    ),
}

def _overrides(overrides: Iterable[str] | Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Normalise overrides to ``(text, None)`` or, for mapping entries, ``(key, value)``."""
    if isinstance(overrides, str):
        return [(overrides, None)]
    if isinstance(overrides, Mapping):
        return [(str(k), v) for k, v in overrides.items()]
    return [(o, None) for o in overrides]


def _apply_overrides(reader: ConfigReader, overrides: Any) -> None:
    for i, (text, value) in enumerate(_overrides(overrides), start=1):
        label = f"<override {i}: {text if value is None else text + '=...'}>"
        if value is None:
            reader.apply_override(text, label)
        else:
            reader.apply_value(text, value, label)


def _finish(reader: ConfigReader, version: int | None, sources: tuple[Path, ...]) -> ResolvedConfig:
    root = reader.root
    if root.spec.class_name == "MakeSkyMapConfig":
        registry = root.registries["skyMap"]
        sky, skymap_class = registry.active, registry.name
        name = root.values["name"]
    else:
        sky = root
        skymap_class = next(k for k, v in SKYMAP_CLASSES.items() if v is root.spec)
        name = None
    config, provenance = resolve_node(sky, skymap_class, version)
    return ResolvedConfig(name, config, sources, provenance)


def resolve_file(
    path: str | Path | None,
    overrides: Iterable[str] | Mapping[str, Any] = (),
    *,
    skymap_class: str | None = None,
    version: int | None = None,
) -> ResolvedConfig:
    """Read a skymap config file, apply overrides, and resolve it.

    Parameters
    ----------
    path : str, Path or None
        A pex_config-style file (``.py``, or any suffix but ``.toml``) or a TOML file
        (``.toml``). None starts from the register-skymap defaults (then only
        ``overrides`` configure it).
    overrides : iterable of str, or mapping
        ``key=value`` strings as for ``-c`` (``skyMap.name=rings``,
        ``skyMap['rings'].numRings=120``, ``name=hsc``); values are Python literals or
        bare strings. A mapping ``{key: value}`` gives the values directly.
    skymap_class : str, optional
        For files that set fields directly on ``config`` and do not say which class
        they configure (no ``assert type(config)`` line, no class-specific field).
    version : int, optional
        The lsst.skymap constructor version (default: the class default, 1 for rings).

    Returns
    -------
    ResolvedConfig
        The skymap name (``config.name``; None if not set) and the resolved dict.

    Raises
    ------
    InvalidConfigError
        Unknown key, wrong type, missing ``numRings``, unequal discrete lists,
        unsupported Python; the message starts with ``file:line:``.

    Examples
    --------
    >>> from skymaps.config import resolve_file, PRESET_FILES
    >>> r = resolve_file(PRESET_FILES["DC2"], ["skyMap['rings'].pixelScale=0.25"])
    >>> r.name, r.config["pixelScale"], r.config["numRings"]
    ('DC2', 0.25, 120)
    """
    if skymap_class is not None and skymap_class not in SKYMAP_CLASSES:
        raise InvalidConfigError(
            f"unknown skymap class {skymap_class!r}; choose one of {', '.join(SKYMAP_CLASSES)}"
        )
    if path is not None and Path(path).suffix.lower() == ".toml":
        loaded = load_toml(path)
        if not overrides and version is None:
            return loaded
        root, toml_version = root_from_resolved(loaded.config, loaded.name)
        reader = ConfigReader(root)
        _apply_overrides(reader, overrides)
        finished = _finish(reader, toml_version if version is None else version, loaded.sources)
        provenance = {**loaded.provenance, **finished.provenance}
        config = finished.config
        if "packer" in loaded.config:  # not a pex_config field: kept from the TOML file
            config = {**config, "packer": loaded.config["packer"]}
        return ResolvedConfig(finished.name, config, finished.sources, provenance)
    if path is None:
        root = make_root() if skymap_class is None else make_skymap_config(skymap_class)
        reader = ConfigReader(root)
        _apply_overrides(reader, overrides)
        return _finish(reader, version, ())
    path = Path(path)
    text = read_source(path)
    root = detect_root(parse(text, str(path)), str(path), skymap_class)
    reader = ConfigReader(root)
    reader.read_file(path)
    _apply_overrides(reader, overrides)
    return _finish(reader, version, tuple(reader.sources))


def resolve_text(
    text: str,
    overrides: Iterable[str] | Mapping[str, Any] = (),
    *,
    skymap_class: str | None = None,
    version: int | None = None,
    label: str = "<config>",
) -> ResolvedConfig:
    """Like :func:`resolve_file`, for pex_config text (``config.load`` is relative to
    the current directory; ``label`` names the text in errors)."""
    root = detect_root(parse(text, label), label, skymap_class)
    reader = ConfigReader(root)
    reader.read_text(text, label)
    _apply_overrides(reader, overrides)
    return _finish(reader, version, tuple(reader.sources))


#: Preset name -> the shipped register-skymap config file (usable with ``-C``).
PRESET_FILES: dict[str, Path] = {name: _PRESET_DIR / f"{name}.pex" for name in PRESETS}


def preset_config(name: str) -> dict[str, Any]:
    """The resolved config dict of a named skymap (one of :data:`PRESETS`).

    Raises
    ------
    InvalidConfigError
        An unknown name, or one whose config is not public (``lsst_cells_v2``).

    Examples
    --------
    >>> cfg = preset_config("lsst_cells_v1")
    >>> cfg["tractBuilder"]["name"], cfg["pixelScale"], cfg["numRings"]
    ('cells', 0.2, 120)
    """
    if name in UNAVAILABLE_PRESETS:
        raise InvalidConfigError(f"preset {name!r} is not available: {UNAVAILABLE_PRESETS[name]}")
    if name not in PRESET_FILES:
        raise InvalidConfigError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    return resolve_file(PRESET_FILES[name]).config


def _skymap_class():
    try:
        from ..skymap import SkyMap
    except ImportError as err:  # pragma: no cover - until the tessellation layer exists
        raise ImportError(f"skymaps.SkyMap is not available in this build: {err}") from err
    return SkyMap


def preset(name: str) -> SkyMap:
    """The :class:`skymaps.SkyMap` of a named skymap (one of :data:`PRESETS`)."""
    return _skymap_class().from_config(preset_config(name))


def load_config(
    path: str | Path | None,
    overrides: Iterable[str] | Mapping[str, Any] = (),
    *,
    skymap_class: str | None = None,
    version: int | None = None,
) -> tuple[str | None, SkyMap]:
    """Read a skymap config file (see :func:`resolve_file`) and build its skymap.

    Returns
    -------
    name : str or None
        ``config.name``, the name to register the skymap under (None if unset).
    skymap : SkyMap
        ``skymaps.SkyMap.from_config`` of the resolved config.
    """
    resolved = resolve_file(path, overrides, skymap_class=skymap_class, version=version)
    return resolved.name, _skymap_class().from_config(resolved.config)

