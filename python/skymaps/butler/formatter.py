"""The ``skyMap`` dataset: our own storage class and a JSON formatter (no pickle).

``lsst.skymap`` stores the skymap object as a pickle, which runs code on load and ties
the repository to one Python class layout. skymaps stores a small JSON document instead:
the resolved configuration, the name and the hash. Reading it rebuilds the skymap with
``SkyMap.from_config`` and checks that the rebuilt skymap has the stored hash.

Storage class ``SkymapsSkyMap`` (pytype ``skymaps.SkyMap``) and its formatter are written
into the ``butler.yaml`` of repositories that skymaps creates, so any process can
``butler.get("skyMap", skymap=...)``. For an existing repository they are registered in
the running process by :func:`ensure_storage_class` (importing :mod:`skymaps.butler`
does it).
"""

from __future__ import annotations

import json
from typing import Any

from lsst.daf.butler import FormatterV2
from lsst.resources import ResourcePath

from ..errors import DecodeError
from ._database import register_formatter

__all__ = [
    "FORMAT_VERSION",
    "STORAGE_CLASS",
    "SkymapFormatter",
    "dataset_document",
    "ensure_storage_class",
    "repo_config",
    "skymap_from_document",
]

STORAGE_CLASS = "SkymapsSkyMap"
PYTYPE = "skymaps.SkyMap"
FORMATTER = "skymaps.butler.formatter.SkymapFormatter"
FORMAT_VERSION = 1
_FORMAT = "skymaps.skymap"


def repo_config() -> dict[str, Any]:
    """Configuration entries that make the storage class known to every reader of a repo."""
    return {
        "storageClasses": {STORAGE_CLASS: {"pytype": PYTYPE}},
        "datastore": {"formatters": {STORAGE_CLASS: FORMATTER}},
    }


def ensure_storage_class(butler: Any = None) -> None:
    """Registers the storage class in this process (and the formatter with ``butler``)."""
    from lsst.daf.butler import StorageClassConfig, StorageClassFactory

    factory = StorageClassFactory()
    if STORAGE_CLASS not in factory:
        # The same route as a repository's butler.yaml, so both definitions compare equal.
        factory.addFromConfig(
            StorageClassConfig({"storageClasses": repo_config()["storageClasses"]})
        )
    register_formatter(butler, STORAGE_CLASS, FORMATTER)


def _checked(skymap: Any) -> Any:
    import skymaps

    if not isinstance(skymap, skymaps.SkyMap):
        raise TypeError(f"the skyMap dataset is a skymaps.SkyMap, got {type(skymap).__name__}")
    return skymap


def dataset_document(skymap: Any, name: str) -> dict[str, Any]:
    """The JSON document stored for ``skymap`` registered as ``name``."""
    skymap = _checked(skymap)
    return {
        "format": _FORMAT,
        "version": FORMAT_VERSION,
        "name": name,
        "hash": skymap.hash.hex(),
        "config": skymap.config,
    }


def skymap_from_document(document: dict[str, Any]) -> Any:
    """Rebuilds the skymap from :func:`dataset_document` output, checking its hash."""
    import skymaps

    if document.get("format") != _FORMAT or document.get("version") != FORMAT_VERSION:
        raise DecodeError(
            f"not a skymaps skyMap document (format {document.get('format')!r}, "
            f"version {document.get('version')!r}); expected {_FORMAT!r} version {FORMAT_VERSION}"
        )
    skymap = skymaps.SkyMap.from_config(document["config"])
    rebuilt = skymap.hash.hex()
    if rebuilt != document["hash"]:
        raise DecodeError(
            f"skyMap {document['name']!r}: the stored config rebuilds a skymap with hash "
            f"{rebuilt}, but the stored hash is {document['hash']}"
        )
    return skymap


class SkymapFormatter(FormatterV2):
    """Reads and writes a skymaps skymap as a JSON document (config + name + hash)."""

    default_extension = ".json"
    unsupported_parameters = None
    can_read_from_uri = True

    def read_from_uri(
        self, uri: ResourcePath, component: str | None = None, expected_size: int = -1
    ) -> Any:
        try:
            document = json.loads(uri.read())
        except ValueError as err:
            raise DecodeError(f"{uri}: not JSON ({err})") from err
        return skymap_from_document(document)

    def to_bytes(self, in_memory_dataset: Any) -> bytes:
        name = str(self.data_id["skymap"]) if self.data_id is not None else ""
        return json.dumps(dataset_document(in_memory_dataset, name), indent=1).encode()
