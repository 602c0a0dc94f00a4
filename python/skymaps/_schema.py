"""The Rust core's config schema (``rust/src/tessellation/schema.rs``), read once.

Every skymap kind's fields, types, defaults, docs and tract builders come from there;
the config readers (:mod:`skymaps.config`) and the constructor classes
(:mod:`skymaps.constructors`) both use this table instead of restating it.
"""

from __future__ import annotations

import json
from typing import Any

from . import _core
from .errors import InvalidConfigError

__all__ = ["SCHEMA", "config_from_args", "parameters_doc"]

#: ``kinds`` (per kind: fields, builder_fields, versions, ...), ``kind_names``,
#: ``builders``, ``builder_names``, ``default_builder``.
SCHEMA: dict[str, Any] = json.loads(_core.config_schema())


def _plain(field: dict[str, Any], value: Any) -> Any:
    """Sequences (numpy arrays, tuples) of list fields as lists; the core checks items."""
    if field["type"].startswith("list") and not isinstance(value, (str, bytes, dict)):
        try:
            return list(value)
        except TypeError:
            return value
    return value


def config_from_args(kind: str, args: dict[str, Any]) -> dict[str, Any]:
    """The resolved config of ``kind`` from constructor keyword arguments.

    ``args`` uses the snake_case names of the schema (``pixel_scale``, ``num_rings``,
    ``tract_builder``, ``version``); a missing or None argument takes the table's
    default. Arguments are consumed; any left over is a ``TypeError``.
    """
    spec = SCHEMA["kinds"][kind]

    def take(field: dict[str, Any]) -> Any:
        value = args.pop(field["arg"], None)
        return field["default"] if value is None else _plain(field, value)

    version = args.pop("version", None)
    config: dict[str, Any] = {
        "skymap_class": kind,
        "version": spec["default_version"] if version is None else version,
    }
    for field in spec["fields"]:
        config[field["name"]] = take(field)
    builder = args.pop("tract_builder", None) or SCHEMA["default_builder"]
    if builder not in spec["builder_fields"]:
        raise InvalidConfigError(
            f"tract_builder must be one of {', '.join(map(repr, SCHEMA['builder_names']))}, "
            f"got {builder!r}"
        )
    tract_builder: dict[str, Any] = {"name": builder}
    for name, fields in spec["builder_fields"].items():
        for field in fields:
            value = take(field)  # the other builder's arguments are accepted and unused
            if name == builder:
                tract_builder[field["name"]] = value
    config["tractBuilder"] = tract_builder
    if args:
        raise TypeError(f"unexpected keyword arguments: {sorted(args)}")
    return config


def _describe(field: dict[str, Any]) -> str:
    default = "required" if field["required"] else f"default {field['default']!r}"
    head = f"    {field['arg']} : {field['type']}, {default}\n"
    return head + f"        {field['doc']} (``{field['name']}``).\n"


def parameters_doc(kind: str) -> str:
    """A numpydoc ``Parameters`` section of a kind's constructor, from the table."""
    spec = SCHEMA["kinds"][kind]
    own = [f for f in spec["fields"] if f["name"] in spec["own_fields"]]
    common = [f for f in spec["fields"] if f["name"] not in spec["own_fields"]]
    text = "\n    Parameters\n    ----------\n"
    text += "".join(_describe(f) for f in own + common)
    versions = ", ".join(map(str, spec["versions"]))
    text += (
        f"    version : int, default {spec['default_version']}\n"
        f"        ``lsst.skymap`` constructor version (one of {versions}).\n"
        f"    tract_builder : {{{', '.join(map(repr, SCHEMA['builder_names']))}}}, "
        f"default {SCHEMA['default_builder']!r}\n"
        "        How tracts are cut into patches; then the builder's own arguments:\n"
    )
    for fields in spec["builder_fields"].values():
        text += "".join(_describe(f) for f in fields)
    return text
