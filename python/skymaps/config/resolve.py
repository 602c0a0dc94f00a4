"""Turn a config tree into the *resolved config dict* that builds a skymap.

The resolved dict is the contract between the config readers and
``skymaps.SkyMap.from_config``: every key present, lsst.skymap's field names and
units (degrees, arcsec/pixel, pixels)::

    {"skymap_class": "rings", "version": 1, "projection": "TAN", "pixelScale": 0.2,
     "tractOverlap": 0.0166..., "rotation": 0.0,
     "tractBuilder": {"name": "cells", "cellInnerDimensions": [150, 150], ...},
     "numRings": 120, "raStart": 0.0}

Class-specific keys: rings ``numRings``, ``raStart``; discrete ``raList``,
``decList``, ``radiusList``; equat ``numTracts``, ``decRange``; dodeca
``withTractsOnPoles``; healpix ``log2NSide``, ``nSide`` (= 2**log2NSide), ``nest``.
``version`` is the constructor version of lsst.skymap's class (RingsSkyMap: 1, the
numbering fixed in DM-14809; 0 reproduces the older numbering; every other class 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _core
from ..errors import InvalidConfigError
from .fields import (
    SCHEMA,
    SKYMAP_CLASSES,
    TRACT_BUILDERS,
    ConfigNode,
    Location,
    fail,
    make_root,
    make_skymap_config,
)

__all__ = [
    "ResolvedConfig",
    "resolve_node",
    "node_from_resolved",
    "root_from_resolved",
    "DEFAULT_VERSION",
    "validate",
]

#: lsst.skymap's default constructor version per class.
DEFAULT_VERSION: dict[str, int] = {
    name: kind["default_version"] for name, kind in SCHEMA["kinds"].items()
}


@dataclass(frozen=True)
class ResolvedConfig:
    """A fully resolved skymap configuration.

    Attributes
    ----------
    name : str or None
        The skymap name for registration (``config.name``), if the file sets one.
    config : dict
        The resolved config dict (see the module docstring).
    sources : tuple of Path
        Every file read, in order (``config.load`` includes).
    provenance : dict
        Resolved key -> ``"file:line"`` of the assignment that set it; keys left at
        their lsst.skymap default are absent. Tract-builder keys are
        ``"tractBuilder.<field>"``.
    """

    name: str | None
    config: dict[str, Any]
    sources: tuple[Path, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)


def resolve_node(
    sky: ConfigNode, skymap_class: str, version: int | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate a skymap config node and flatten it into a resolved dict.

    Returns the dict and its provenance (key -> ``file:line``).

    Raises
    ------
    InvalidConfigError
        A required value missing (``numRings``), a failed check, unequal discrete
        lists, or a bad version; the message names the key and the line.
    """
    sky.check_values()
    builder_registry = sky.registries["tractBuilder"]
    builder = builder_registry.active
    builder.check_values()

    out: dict[str, Any] = {"skymap_class": skymap_class, "version": _version(skymap_class, version)}
    provenance: dict[str, str] = {}
    for spec in sky.spec.fields:
        out[spec.name] = _plain(sky.values[spec.name])
    tb: dict[str, Any] = {"name": builder_registry.name}
    for spec in builder.spec.fields:
        tb[spec.name] = _plain(builder.values[spec.name])
        if spec.name in builder.where:
            provenance[f"tractBuilder.{spec.name}"] = str(builder.where[spec.name])
    if builder_registry.name_where is not None:
        provenance["tractBuilder.name"] = str(builder_registry.name_where)
    out["tractBuilder"] = tb
    if skymap_class == "healpix":
        out["nSide"] = 1 << out["log2NSide"]
    # The checks that involve several fields are the core's; blame the line of the key.
    problem = _core.config_problem(out)
    if problem is not None:
        key, message = problem
        if key.startswith("tractBuilder."):
            where = builder.where.get(key.split(".", 1)[1]) or builder_registry.name_where
        else:
            where = sky.where.get(key)
        raise fail(where or sky.selected_at, message)
    for key, where in sky.where.items():
        provenance[key] = str(where)
    return out, provenance


def _version(skymap_class: str, version: int | None) -> int:
    if version is None:
        return DEFAULT_VERSION[skymap_class]
    allowed = SCHEMA["kinds"][skymap_class]["versions"]
    if isinstance(version, bool) or version not in allowed:
        raise InvalidConfigError(
            f"version {version!r} is not valid for the {skymap_class!r} skymap; "
            f"allowed: {', '.join(map(str, allowed))}"
        )
    return int(version)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


def node_from_resolved(
    resolved: dict[str, Any], where: dict[str, Location] | None = None, source: str = "<dict>"
) -> tuple[ConfigNode, str, int | None]:
    """Rebuild a config tree from a (possibly partial) resolved-style dict.

    Keys left out take lsst.skymap's defaults for the class. Derived keys (``nSide``)
    are checked against what they derive from. ``where`` maps keys to locations used
    in error messages. Returns the node, the class and the version (None if absent).

    Raises
    ------
    InvalidConfigError
        Unknown keys, wrong types, a missing or unknown ``skymap_class``.
    """
    where = where or {}
    data = dict(resolved)
    skymap_class = data.pop("skymap_class", None)
    if skymap_class is None:
        raise fail(where.get("skymap_class"), f"{source}: the skymap class is missing")
    if skymap_class not in SKYMAP_CLASSES:
        raise fail(
            where.get("skymap_class"),
            f"unknown skymap class {skymap_class!r}; choose one of {', '.join(SKYMAP_CLASSES)}",
        )
    node = make_skymap_config(skymap_class)
    version = data.pop("version", None)
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise fail(where.get("version"), f"version expects int, got {version!r}")
    n_side = data.pop("nSide", None) if skymap_class == "healpix" else None
    data.pop("packer", None)  # the packer choice is not part of the config tree
    builder = data.pop("tractBuilder", None)
    aliases = {a[0] for a in node.spec.aliases}
    for key, value in data.items():
        if key in aliases:
            raise fail(
                where.get(key),
                f"use tractBuilder.{key} (with tractBuilder name 'legacy') instead of {key!r}",
            )
        node.set_field(key, value, where.get(key))
    if builder is not None:
        if not isinstance(builder, dict):
            raise fail(where.get("tractBuilder"), f"tractBuilder must be a table, got {builder!r}")
        builder = dict(builder)
        registry = node.registries["tractBuilder"]
        name = builder.pop("name", "legacy")
        if name not in TRACT_BUILDERS:
            raise fail(
                where.get("tractBuilder.name"),
                f"unknown tractBuilder {name!r}; choose one of {', '.join(TRACT_BUILDERS)}",
            )
        registry.select(name, where.get("tractBuilder.name"))
        chosen = registry.active
        for key, value in builder.items():
            chosen.set_field(key, value, where.get(f"tractBuilder.{key}"))
    if n_side is not None:
        log2 = node.values["log2NSide"]
        if not isinstance(n_side, int) or isinstance(n_side, bool) or n_side != 1 << log2:
            raise fail(
                where.get("nSide"),
                f"nSide {n_side!r} disagrees with log2NSide {log2} (2**log2NSide)",
            )
    return node, skymap_class, version


def validate(resolved: dict[str, Any]) -> dict[str, Any]:
    """Check a resolved dict (types, ranges, required keys) and return it normalised.

    Missing class-specific keys take their defaults, so a minimal dict such as
    ``{"skymap_class": "rings", "numRings": 120}`` is completed.

    Raises
    ------
    InvalidConfigError
        As :func:`resolve_node` and :func:`node_from_resolved`.
    """
    node, skymap_class, version = node_from_resolved(resolved)
    out = resolve_node(node, skymap_class, version)[0]
    if resolved.get("packer") is not None:  # checked by the core, not a config-tree field
        out["packer"] = resolved["packer"]
        problem = _core.config_problem(out)
        if problem is not None:
            raise InvalidConfigError(problem[1])
    return out


def root_from_resolved(
    resolved: dict[str, Any], name: str | None = None
) -> tuple[ConfigNode, int | None]:
    """A ``MakeSkyMapConfig`` tree selecting the skymap of a resolved dict.

    Overrides in register-skymap syntax (``skyMap['rings'].numRings=...``) can then be
    applied to a config that came from TOML or a preset. Returns the root and version.
    """
    node, skymap_class, version = node_from_resolved(resolved)
    root = make_root()
    root.set_field("name", name, None)
    registry = root.registries["skyMap"]
    registry.select(skymap_class, None)
    node.label = registry.active.label
    registry.replace_choice(skymap_class, node)
    return root, version
