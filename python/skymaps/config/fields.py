"""The schema of skymap configurations: classes, fields, types and defaults.

This mirrors the pex_config classes of ``lsst.skymap`` (``BaseSkyMapConfig`` and its
subclasses, the ``tractBuilder`` registry) and of ``lsst.pipe.tasks``
(``MakeSkyMapConfig``, the root of the files given to ``butler register-skymap -C``),
without needing pex_config. A configuration is a tree of :class:`ConfigNode` (fields)
and :class:`RegistryNode` (a named choice among configs, like pex_config's
``RegistryField``). Every value set remembers where it was set (file and line), so
errors found later can point at the line responsible.

Defaults follow lsst.skymap, including each class's ``setDefaults`` (DodecaSkyMap:
overlap 3.5 deg, border 250 px, 0.2 arcsec; EquatSkyMap: CEA; HealpixSkyMap: rotation
45 deg). The deprecated top-level ``patchInnerDimensions`` / ``patchBorder`` of a
skymap config write the *legacy* tract builder's fields, as lsst.skymap's properties
do (so they are ignored when the ``cells`` builder is selected).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidConfigError

__all__ = [
    "Location",
    "FieldSpec",
    "NodeSpec",
    "ConfigNode",
    "RegistryNode",
    "SKYMAP_CLASSES",
    "TRACT_BUILDERS",
    "CONFIG_CLASS_NAMES",
    "make_root",
    "make_skymap_config",
    "fail",
]


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file (or ``<override N>``) and a 1-based line."""

    source: str
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}"


def fail(where: Location | None, message: str) -> InvalidConfigError:
    """Build an :class:`InvalidConfigError` prefixed with ``file:line:`` when known."""
    return InvalidConfigError(f"{where}: {message}" if where is not None else message)


# ----------------------------------------------------------------------------- fields

_SCALAR_TYPES = {"int": int, "float": float, "str": str, "bool": bool}


@dataclass(frozen=True)
class FieldSpec:
    """One pex_config field: ``kind`` is int, float, str, bool, list[int] or list[float].

    ``check`` returns an error text for a bad (but well-typed) value, or None.
    ``length`` is the required length of a list field.
    """

    name: str
    kind: str
    default: Any
    doc: str
    optional: bool = False
    length: int | None = None
    check: Callable[[Any], str | None] | None = None

    def coerce(self, value: Any, where: Location | None) -> Any:
        """Type-check ``value`` as pex_config does (an int is fine where a float is wanted).

        Raises
        ------
        InvalidConfigError
            A value of the wrong type, naming the field and the expected type.
        """
        if value is None:
            return None  # pex_config accepts None; a required field fails at validation
        if self.kind.startswith("list["):
            if not isinstance(value, (list, tuple)):
                raise fail(
                    where,
                    f"{self.name} expects a list of {self.kind[5:-1]}, got {_describe(value)}",
                )
            item_kind = self.kind[5:-1]
            items = []
            for i, item in enumerate(value):
                try:
                    items.append(_coerce_scalar(item_kind, item))
                except TypeError:
                    raise fail(
                        where,
                        f"{self.name}[{i}] expects {item_kind}, got {_describe(item)}",
                    ) from None
            return items
        try:
            return _coerce_scalar(self.kind, value)
        except TypeError:
            raise fail(where, f"{self.name} expects {self.kind}, got {_describe(value)}") from None


def _coerce_scalar(kind: str, value: Any) -> Any:
    if kind == "float":
        # bool is an int subclass, but True for a pixel scale is surely a mistake.
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
    elif isinstance(value, _SCALAR_TYPES[kind]):
        return value
    raise TypeError(kind)


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


# ----------------------------------------------------------------------- node specs


@dataclass(frozen=True)
class NodeSpec:
    """A pex_config ``Config`` class: fields, registries, aliases and defaults.

    ``aliases`` map a deprecated name to ``(registry, choice, field)``; ``defaults`` are
    the overrides of a ``setDefaults`` method as ``(path, value)`` with ``path`` a
    field name, or ``registry.choice.field``. ``validate`` checks a whole node.
    """

    class_name: str
    fields: tuple[FieldSpec, ...]
    registries: tuple[tuple[str, str, str], ...] = ()  # (attribute, registry kind, default)
    aliases: tuple[tuple[str, str, str, str], ...] = ()
    defaults: tuple[tuple[str, Any], ...] = ()
    validate: Callable[[ConfigNode], None] | None = None

    def field(self, name: str) -> FieldSpec | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def attribute_names(self) -> list[str]:
        return (
            [f.name for f in self.fields]
            + [r[0] for r in self.registries]
            + [a[0] for a in self.aliases]
        )


def _positive(x: Any) -> str | None:
    return None if x > 0 else f"must be > 0, got {x!r}"


def _non_negative(x: Any) -> str | None:
    return None if x >= 0 else f"must be >= 0, got {x!r}"


def _all_positive(xs: Any) -> str | None:
    return None if all(x > 0 for x in xs) else f"entries must be > 0, got {xs!r}"


def _projection(x: str) -> str | None:
    ok = len(x) == 3 and x.isascii() and x.isalnum() and x.upper() == x
    return None if ok else f"must be a 3-letter FITS projection code such as 'TAN', got {x!r}"


def _ra_start(x: float) -> str | None:
    return None if 0.0 <= x < 360.0 else f"must be in [0, 360), got {x!r}"


def _log2_nside(x: int) -> str | None:
    return None if 0 <= x <= 29 else f"must be in [0, 29], got {x!r}"


def _finite(x: float) -> str | None:
    return None if x == x and abs(x) != float("inf") else f"must be finite, got {x!r}"


def _and(*checks: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    def check(x: Any) -> str | None:
        for c in checks:
            problem = c(x)
            if problem:
                return problem
        return None

    return check


_LEGACY_FIELDS = (
    FieldSpec(
        "patchInnerDimensions",
        "list[int]",
        [4000, 4000],
        "dimensions of inner region of patches (x,y pixels)",
        length=2,
        check=_all_positive,
    ),
    FieldSpec(
        "patchBorder",
        "int",
        100,
        "border between patch inner and outer bbox (pixels)",
        check=_non_negative,
    ),
)


def _validate_cells(node: ConfigNode) -> None:
    dims = node.values["cellInnerDimensions"]
    if dims is not None and len(dims) == 2 and dims[0] != dims[1]:
        raise fail(
            node.where.get("cellInnerDimensions"),
            f"cellInnerDimensions must be equal (square cells), got {dims!r}",
        )


_CELL_FIELDS = (
    FieldSpec(
        "cellInnerDimensions",
        "list[int]",
        [150, 150],
        "dimensions of inner region of cells (x,y pixels)",
        length=2,
        check=_all_positive,
    ),
    FieldSpec(
        "cellBorder",
        "int",
        50,
        "Border between cell inner and outer bbox (pixels)",
        check=_non_negative,
    ),
    FieldSpec(
        "numCellsPerPatchInner", "int", 20, "Number of cells per inner patch.", check=_positive
    ),
    FieldSpec(
        "numCellsInPatchBorder",
        "int",
        1,
        "Number of cells in the patch border (outside the inner patch region).",
        check=_non_negative,
    ),
)

#: Tract builders: registry name -> config class.
TRACT_BUILDERS: dict[str, NodeSpec] = {
    "legacy": NodeSpec("LegacyTractBuilderConfig", _LEGACY_FIELDS),
    "cells": NodeSpec("CellTractBuilderConfig", _CELL_FIELDS, validate=_validate_cells),
}

_BASE_FIELDS = (
    FieldSpec(
        "tractOverlap",
        "float",
        1.0,
        "minimum overlap between adjacent sky tracts, on the sky (deg)",
        check=_and(_finite, _non_negative),
    ),
    FieldSpec(
        "pixelScale",
        "float",
        0.333,
        "nominal pixel scale (arcsec/pixel)",
        check=_and(_finite, _positive),
    ),
    FieldSpec(
        "projection", "str", "STG", "one of the FITS WCS projection codes", check=_projection
    ),
    FieldSpec("rotation", "float", 0.0, "Rotation for WCS (deg)", check=_finite),
)
_BASE_REGISTRIES = (("tractBuilder", "tractBuilder", "legacy"),)
_BASE_ALIASES = (
    ("patchInnerDimensions", "tractBuilder", "legacy", "patchInnerDimensions"),
    ("patchBorder", "tractBuilder", "legacy", "patchBorder"),
)


def _validate_discrete(node: ConfigNode) -> None:
    lists = {k: node.values[k] or [] for k in ("raList", "decList", "radiusList")}
    lengths = {k: len(v) for k, v in lists.items()}
    if len(set(lengths.values())) != 1:
        detail = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        culprit = max(
            (k for k in lists if k in node.where),
            key=lambda k: node.where[k].line,
            default=None,
        )
        raise fail(
            node.where.get(culprit) if culprit else None,
            f"discrete skymap lists must have equal lengths: {detail}",
        )
    if lengths["raList"] == 0:
        raise fail(
            node.selected_at,
            "discrete skymap needs at least one tract: raList, decList and radiusList are empty",
        )
    for ra in lists["raList"]:
        if not math.isfinite(ra):
            raise fail(node.where.get("raList"), f"raList entries must be finite, got {ra}")
    for dec in lists["decList"]:
        if not -90.0 <= dec <= 90.0:
            raise fail(
                node.where.get("decList"), f"decList entries must be in [-90, 90], got {dec}"
            )
    for radius in lists["radiusList"]:
        if not 0.0 < radius < 180.0:
            raise fail(
                node.where.get("radiusList"),
                f"radiusList entries must be in (0, 180), got {radius}",
            )


def _validate_equat(node: ConfigNode) -> None:
    lo, hi = node.values["decRange"]
    if not -90.0 <= lo < hi <= 90.0:
        raise fail(
            node.where.get("decRange"),
            f"decRange must be [low, high] with -90 <= low < high <= 90, got {[lo, hi]!r}",
        )


def _skymap_spec(
    class_name: str,
    fields: tuple[FieldSpec, ...],
    defaults: tuple[tuple[str, Any], ...] = (),
    validate: Callable[[ConfigNode], None] | None = None,
) -> NodeSpec:
    return NodeSpec(
        class_name,
        _BASE_FIELDS + fields,
        registries=_BASE_REGISTRIES,
        aliases=_BASE_ALIASES,
        defaults=defaults,
        validate=validate,
    )


#: Skymap classes: registry name (as in ``lsst.skymap.skyMapRegistry``) -> config class.
SKYMAP_CLASSES: dict[str, NodeSpec] = {
    "rings": _skymap_spec(
        "RingsSkyMapConfig",
        (
            FieldSpec("numRings", "int", None, "Number of rings", check=_positive),
            FieldSpec(
                "raStart",
                "float",
                0.0,
                "Starting center RA for each ring (degrees)",
                check=_ra_start,
            ),
        ),
    ),
    "discrete": _skymap_spec(
        "DiscreteSkyMapConfig",
        (
            FieldSpec("raList", "list[float]", [], "Right Ascensions of tract centers (deg)"),
            FieldSpec("decList", "list[float]", [], "Declinations of tract centers (deg)"),
            FieldSpec("radiusList", "list[float]", [], "Radii of tracts (degrees)"),
        ),
        validate=_validate_discrete,
    ),
    "equat": _skymap_spec(
        "EquatSkyMapConfig",
        (
            FieldSpec(
                "numTracts",
                "int",
                4,
                "number of tracts; warning: TAN projection requires at least 3",
                check=_positive,
            ),
            FieldSpec(
                "decRange", "list[float]", [-1.25, 1.25], "range of declination (deg)", length=2
            ),
        ),
        defaults=(("projection", "CEA"),),
        validate=_validate_equat,
    ),
    "dodeca": _skymap_spec(
        "DodecaSkyMapConfig",
        (
            FieldSpec(
                "withTractsOnPoles",
                "bool",
                False,
                "if True center a tract on each pole, else put a vertex on each pole",
            ),
        ),
        defaults=(
            ("tractOverlap", 3.5),
            ("tractBuilder.legacy.patchBorder", 250),
            ("pixelScale", 10.0 / 50.0),
            ("tractBuilder.legacy.patchInnerDimensions", [4000, 4000]),
            ("projection", "STG"),
        ),
    ),
    "healpix": _skymap_spec(
        "HealpixSkyMapConfig",
        (
            FieldSpec(
                "log2NSide",
                "int",
                0,
                "Number of sides, expressed in powers of 2",
                check=_log2_nside,
            ),
            FieldSpec("nest", "bool", False, "Use NEST ordering instead of RING?"),
        ),
        defaults=(("rotation", 45.0),),
    ),
}

#: pex_config class names (as in ``assert type(config)==...`` lines) -> skymap class.
CONFIG_CLASS_NAMES: dict[str, str] = {
    spec.class_name: name for name, spec in SKYMAP_CLASSES.items()
}

#: The root of ``butler register-skymap -C`` files (pipe_tasks' ``MakeSkyMapConfig``).
ROOT_SPEC = NodeSpec(
    "MakeSkyMapConfig",
    (FieldSpec("name", "str", None, "Name assigned to created skymap in butler registry", True),),
    registries=(("skyMap", "skyMap", "dodeca"),),
)

_REGISTRY_CHOICES = {"skyMap": SKYMAP_CLASSES, "tractBuilder": TRACT_BUILDERS}


# ------------------------------------------------------------------------ live nodes


class ConfigNode:
    """A config instance: field values (with where each was set) and sub-registries."""

    def __init__(self, spec: NodeSpec, label: str) -> None:
        self.spec = spec
        self.label = label  # e.g. config.skyMap['rings'], for messages
        self.values: dict[str, Any] = {f.name: _copy(f.default) for f in spec.fields}
        self.where: dict[str, Location] = {}
        self.registries: dict[str, RegistryNode] = {
            attr: RegistryNode(attr, kind, default, f"{label}.{attr}")
            for attr, kind, default in spec.registries
        }
        self.selected_at: Location | None = None  # set on skymap choices when selected
        for path, value in spec.defaults:
            self._apply_default(path, value)

    def _apply_default(self, path: str, value: Any) -> None:
        parts = path.split(".")
        if len(parts) == 1:
            self.values[path] = _copy(value)
        else:
            registry, choice, field = parts
            self.registries[registry].choice(choice).values[field] = _copy(value)

    def suggest(self, name: str) -> str:
        """A 'did you mean' hint and the list of valid attribute names."""
        known = self.spec.attribute_names()
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{hint} (known: {', '.join(sorted(known))})"

    def set_field(self, name: str, value: Any, where: Location | None) -> None:
        """Set a field, or a deprecated alias, with pex_config's type rules.

        Raises
        ------
        InvalidConfigError
            Unknown field name or a value of the wrong type.
        """
        for alias, registry, choice, field in self.spec.aliases:
            if alias == name:
                self.registries[registry].choice(choice).set_field(field, value, where)
                return
        spec = self.spec.field(name)
        if spec is None:
            raise fail(
                where, f"unknown field {name!r} of {self.spec.class_name}{self.suggest(name)}"
            )
        self.values[name] = spec.coerce(value, where)
        if where is not None:
            self.where[name] = where

    def get_field(self, name: str, where: Location | None) -> Any:
        for alias, registry, choice, field in self.spec.aliases:
            if alias == name:
                return self.registries[registry].choice(choice).get_field(field, where)
        if self.spec.field(name) is None:
            raise fail(
                where, f"unknown field {name!r} of {self.spec.class_name}{self.suggest(name)}"
            )
        return _copy(self.values[name])

    def check_values(self) -> None:
        """Validate as pex_config's ``validate``: required values, lengths, checks.

        Raises
        ------
        InvalidConfigError
            Naming the field and, when known, the line that set it.
        """
        for spec in self.spec.fields:
            value = self.values[spec.name]
            where = self.where.get(spec.name)
            if value is None:
                if spec.optional:
                    continue
                raise fail(
                    where or self.selected_at,
                    f"{self.label}.{spec.name} is required but not set ({spec.doc})",
                )
            if spec.length is not None and len(value) != spec.length:
                raise fail(
                    where,
                    f"{spec.name} must have {spec.length} entries, got {len(value)}: {value!r}",
                )
            if spec.check is not None:
                problem = spec.check(value)
                if problem:
                    raise fail(where, f"{spec.name} {problem}")
        if self.spec.validate is not None:
            self.spec.validate(self)


class RegistryNode:
    """A pex_config ``RegistryField``: one config per choice and the selected ``name``."""

    def __init__(self, attr: str, kind: str, default: str, label: str) -> None:
        self.attr = attr
        self.choices_spec = _REGISTRY_CHOICES[kind]
        self.label = label
        self.name = default
        self.name_where: Location | None = None
        self._choices: dict[str, ConfigNode] = {}

    def choice(self, key: Any, where: Location | None = None) -> ConfigNode:
        """The config of one choice (created with its defaults on first use)."""
        if key not in self.choices_spec:
            raise fail(
                where,
                f"unknown {self.attr} {key!r}; "
                f"choose one of {', '.join(map(repr, self.choices_spec))}",
            )
        node = self._choices.get(key)
        if node is None:
            node = ConfigNode(self.choices_spec[key], f"{self.label}[{key!r}]")
            self._choices[key] = node
        return node

    def select(self, key: Any, where: Location | None) -> None:
        if not isinstance(key, str):
            raise fail(where, f"{self.label}.name expects a str, got {_describe(key)}")
        self.choice(key, where).selected_at = where
        self.name = key
        self.name_where = where

    def replace_choice(self, key: str, node: ConfigNode) -> None:
        """Install a prepared config for one choice (keeps its selection state)."""
        node.selected_at = self.choice(key).selected_at
        self._choices[key] = node

    @property
    def active(self) -> ConfigNode:
        return self.choice(self.name, self.name_where)


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def make_root() -> ConfigNode:
    """A fresh ``MakeSkyMapConfig`` (``config.name``, ``config.skyMap``)."""
    return ConfigNode(ROOT_SPEC, "config")


def make_skymap_config(skymap_class: str) -> ConfigNode:
    """A fresh config of one skymap class, e.g. ``RingsSkyMapConfig`` for ``"rings"``."""
    if skymap_class not in SKYMAP_CLASSES:
        raise InvalidConfigError(
            f"unknown skymap class {skymap_class!r}; choose one of {', '.join(SKYMAP_CLASSES)}"
        )
    return ConfigNode(SKYMAP_CLASSES[skymap_class], "config")
