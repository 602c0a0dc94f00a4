"""Skymap configurations shaped as pex_config classes, with provenance.

The fields, types, defaults and checks of every skymap kind and tract builder are the
Rust core's table (:data:`SCHEMA`, from ``rust/src/tessellation/schema.rs``); this module
gives them the shape of the pex_config classes of ``lsst.skymap`` (``BaseSkyMapConfig``
and its subclasses, the ``tractBuilder`` registry) and of ``lsst.pipe.tasks``
(``MakeSkyMapConfig``, the root of the files given to ``butler register-skymap -C``),
without needing pex_config. A configuration is a tree of :class:`ConfigNode` (fields)
and :class:`RegistryNode` (a named choice among configs, like pex_config's
``RegistryField``). Every value set remembers where it was set (file and line), so
errors found later can point at the line responsible.

Defaults follow lsst.skymap, including each class's ``setDefaults`` (DodecaSkyMap:
overlap 3.5 deg, border 250 px, 0.2 arcsec; EquatSkyMap: CEA; HealpixSkyMap: rotation
45 deg), as the core's table states them. The deprecated top-level
``patchInnerDimensions`` / ``patchBorder`` of a skymap config write the *legacy* tract
builder's fields, as lsst.skymap's properties do (so they are ignored when the
``cells`` builder is selected).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import _core
from .._schema import SCHEMA
from ..errors import InvalidConfigError

__all__ = [
    "Location",
    "FieldSpec",
    "NodeSpec",
    "ConfigNode",
    "RegistryNode",
    "SCHEMA",
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

_SCALAR_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "dict": dict}


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
    field name, or ``registry.choice.field``.
    """

    class_name: str
    fields: tuple[FieldSpec, ...]
    registries: tuple[tuple[str, str, str], ...] = ()  # (attribute, registry kind, default)
    aliases: tuple[tuple[str, str, str, str], ...] = ()
    defaults: tuple[tuple[str, Any], ...] = ()

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


# The fields, types, defaults and checks of every skymap kind and tract builder are the
# Rust core's table (``rust/src/tessellation/schema.rs``); this module only gives them the
# shape of pex_config classes. Every value is checked by the core, so the readers accept
# exactly what ``SkyMap.from_config`` builds, with the same message.


def _core_check(owner: str, name: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return _core.config_field_problem(owner, name, value)

    return check


def _field_specs(owner: str, fields: list[dict[str, Any]]) -> tuple[FieldSpec, ...]:
    return tuple(
        FieldSpec(
            f["name"],
            f["type"],
            None if f["required"] else f["default"],
            f["doc"],
            length=f["length"],
            check=_core_check(owner, f["name"]),
        )
        for f in fields
    )


#: Tract builders: registry name -> config class (the first is the default).
TRACT_BUILDERS: dict[str, NodeSpec] = {
    name: NodeSpec(b["config_class"], _field_specs(f"tractBuilder.{name}", b["fields"]))
    for name in SCHEMA["builder_names"]
    for b in (SCHEMA["builders"][name],)
}
_DEFAULT_BUILDER: str = SCHEMA["default_builder"]
_BUILDER_ALIASES = (
    ("patchInnerDimensions", "tractBuilder", "legacy", "patchInnerDimensions"),
    ("patchBorder", "tractBuilder", "legacy", "patchBorder"),
)


def _builder_defaults(kind: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A kind's ``setDefaults`` of tract builder fields, as ``tractBuilder.<b>.<field>``."""
    out = []
    for name, fields in kind["builder_fields"].items():
        base = {f["name"]: f["default"] for f in SCHEMA["builders"][name]["fields"]}
        out += [
            (f"tractBuilder.{name}.{f['name']}", f["default"])
            for f in fields
            if f["default"] != base[f["name"]]
        ]
    return tuple(out)


#: Skymap classes: registry name (as in ``lsst.skymap.skyMapRegistry``) -> config class.
SKYMAP_CLASSES: dict[str, NodeSpec] = {
    name: NodeSpec(
        kind["config_class"],
        _field_specs(name, kind["fields"]),
        registries=(("tractBuilder", "tractBuilder", _DEFAULT_BUILDER),),
        aliases=_BUILDER_ALIASES,
        defaults=_builder_defaults(kind),
    )
    for name in SCHEMA["kind_names"]
    for kind in (SCHEMA["kinds"][name],)
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
        """Validate each field as the core does: set (unless optional), typed, in range.

        Checks that involve several fields (equal list lengths, square cells) are the
        core's too: :func:`skymaps.config.resolve.resolve_node` runs them on the
        resolved dict.

        Raises
        ------
        InvalidConfigError
            Naming the field and, when known, the line that set it.
        """
        for spec in self.spec.fields:
            value = self.values[spec.name]
            if value is None and spec.optional:
                continue
            problem = spec.check(value) if spec.check is not None else None
            if problem is None and value is None:
                problem = f"{spec.name} is required but not set ({spec.doc})"
            if problem:
                raise fail(self.where.get(spec.name) or self.selected_at, problem)


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
