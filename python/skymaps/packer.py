"""Data IDs ``{tract, patch[, band]}`` as integers, as ``lsst.skymap`` packs them.

``lsst.skymap.packers.SkyMapDimensionPacker`` turns a skymap data ID into one integer
(``n_tracts`` = the skymap record's ``tract_max``, ``n_patches`` =
``patch_nx_max * patch_ny_max``)::

    id = patch + n_patches * (tract + n_tracts * band_index)     # band_index 0 without a band
    max_bits = (n_tracts * n_patches * max(n_bands, 1) - 1).bit_length()

and pipelines (``lsst.meas.base.IdGenerator``) put that id above a per-catalog counter
to make object and source ids (:meth:`DimensionPacker.object_ids`). The band table is
data (see ``docs/packers.md``): the built-in table gives lsst.skymap's integers, and a
survey's own bands are appended through the skymap config's ``packer`` key
(:meth:`skymaps.SkyMap.with_packer`, a TOML ``[packer]`` table) without renumbering
the others. The packer config is not part of the skymap hash, as in lsst.skymap.

Examples
--------
On ``hsc_rings_v1`` (18,938 tracts, 9x9 patches) the default packer keeps lsst.skymap's
28 band slots:

>>> import skymaps
>>> sky = skymaps.preset("hsc_rings_v1")
>>> packer = sky.packer()
>>> packer.max_bits, packer.pack(9813, 40, "i")
(26, 6930805)
>>> packer.unpack(6930805)
(9813, 40, 'i')
>>> sky.packer(n_bands=0).pack(9813, 40)
794893
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import IdError, InvalidConfigError, ShapeMismatchError

if TYPE_CHECKING:
    from .skymap import SkyMap

__all__ = ["DimensionPacker", "packer_config"]

#: "argument not given" (for ``n_bands``, None means "the table's size").
UNSET: Any = object()


def packer_config(
    stored: Mapping[str, Any] | None,
    bands: Any = None,
    n_bands: Any = UNSET,
) -> dict[str, Any]:
    """The packer config of ``stored`` (a skymap config's ``packer`` value) changed by
    ``bands`` (a sequence of names to append, or a ``{name: index}`` table replacing
    the table) and ``n_bands`` (None: the table's size; 0: no band)."""
    config = dict(stored or {})
    if isinstance(bands, Mapping):
        config["bands"] = {str(k): v for k, v in bands.items()}
        config.pop("extraBands", None)
    elif isinstance(bands, str):
        config["extraBands"] = [*config.get("extraBands", []), bands]
    elif bands is not None:
        config["extraBands"] = [*config.get("extraBands", []), *bands]
    if n_bands is not UNSET:
        config["nBands"] = n_bands
    return config


def _int_array(value: Any, what: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "iu" and not (array.size == 0 and array.dtype.kind == "f"):
        raise IdError(f"{what} must be integers, got {array.dtype} values")
    return array.astype(np.int64, copy=False)


def _scalar_or_array(array: np.ndarray, scalar: bool) -> Any:
    return array.item() if scalar else array


class DimensionPacker:
    """Packs ``{tract, patch[, band]}`` data IDs of one skymap into integers.

    Get one from :meth:`skymaps.SkyMap.packer`. Inputs broadcast (numpy rules); a
    scalar data ID gives a Python ``int``.

    Attributes
    ----------
    bands : dict
        Band name -> index (the table; index 0 is lsst.skymap's ``None`` slot).
    n_bands : int
        Band slots reserved in the id (0: the ids carry no band).
    n_tracts, n_patches : int
        ``tract_max`` and ``patch_nx_max * patch_ny_max`` of the skymap.
    max_bits : int
        Bits of the largest id (lsst.skymap's ``maxBits``).
    """

    __slots__ = (
        "bands",
        "n_bands",
        "n_tracts",
        "n_patches",
        "max_bits",
        "_sorted_names",
        "_sorted_index",
        "_indices",
        "_names",
    )

    def __init__(self, skymap: SkyMap, config: Mapping[str, Any] | None = None) -> None:
        layout = skymap._core.packer_layout(None if config is None else dict(config))
        table, self.n_bands, self.n_tracts, self.n_patches, self.max_bits = layout
        self.bands: dict[str, int] = dict(table)
        # The table sorted by name (pack) and by index (unpack), for binary searches
        # (indices may be sparse: no array as long as the largest index).
        dtype = f"<U{max(map(len, self.bands), default=1)}"
        by_name = sorted(self.bands)
        self._sorted_names = np.array(by_name, dtype=dtype)
        self._sorted_index = np.array([self.bands[b] for b in by_name], dtype=np.int64)
        by_index = sorted(self.bands, key=self.bands.__getitem__)
        self._indices = np.array([self.bands[b] for b in by_index], dtype=np.int64)
        self._names = np.array(by_index, dtype=dtype)

    def __repr__(self) -> str:
        return (
            f"DimensionPacker(n_tracts={self.n_tracts}, n_patches={self.n_patches}, "
            f"n_bands={self.n_bands}, max_bits={self.max_bits})"
        )

    @property
    def has_band(self) -> bool:
        """Whether the ids carry a band (``n_bands != 0``)."""
        return self.n_bands != 0

    def band_index(self, band: Any) -> Any:
        """The table index of each band name (``IdError`` for a band not in the table
        or beyond ``n_bands``)."""
        names = np.asarray(band)
        if names.dtype.kind not in "UO" and names.size:
            raise IdError(f"bands must be band names (str), got {names.dtype} values")
        names = names.astype(str, copy=False)
        # A binary search in the sorted table: O(n log k) fixed-width compares, about
        # far cheaper than np.unique (a sort of all n names).
        table, keys, table_index = self._sorted_names, names, self._sorted_index
        if len(table):
            pos = np.minimum(np.searchsorted(table, keys), len(table) - 1)
            found = np.asarray(table[pos] == keys)
        else:  # an empty table: no band is known
            pos, found = np.zeros(names.shape, np.int64), np.zeros(names.shape, bool)
        if not np.all(found):
            name = str(names[~np.asarray(found)].flat[0])
            raise IdError(
                f"band {name!r} is not in the packer's band table; expected one of "
                f"{list(self.bands)} (add bands with SkyMap.with_packer(extra_bands=...))"
            )
        indices = table_index[pos]
        too_big = np.asarray(indices >= max(self.n_bands, 1))
        if np.any(too_big):
            name, index = str(names[too_big].flat[0]), int(indices[too_big].flat[0])
            raise IdError(
                f"band {name!r} has index {index}, beyond the {self.n_bands} band "
                "slots of this packer"
            )
        return _scalar_or_array(indices, names.ndim == 0)

    def pack(self, tract: Any, patch: Any, band: Any = None) -> Any:
        """The packed id of each data ID.

        Parameters
        ----------
        tract, patch : int or array of int
            Tract ids and patch ids (sequential, ``cell_y * nx + cell_x``).
        band : str or array of str, optional
            Band names; required when the packer has bands (``n_bands != 0``), refused
            otherwise.

        Raises
        ------
        IdError
            A tract or patch outside ``[0, n_tracts)`` / ``[0, n_patches)``, a band not
            in the table, a missing or unexpected band.
        """
        if self.has_band and band is None:
            raise IdError(
                "this packer packs {tract, patch, band}; pass band=..., or use "
                "skymap.packer(n_bands=0) for {tract, patch}"
            )
        if not self.has_band and band is not None:
            raise IdError("this packer packs {tract, patch} only (n_bands=0); drop band")
        t = _int_array(tract, "tract ids")
        p = _int_array(patch, "patch ids")
        b = np.asarray(self.band_index(band)) if band is not None else np.zeros((), np.int64)
        try:
            t, p, b = np.broadcast_arrays(t, p, b)
        except ValueError:
            raise ShapeMismatchError(
                f"tract, patch and band shapes {np.shape(tract)}, {np.shape(patch)}, "
                f"{np.shape(band)} do not broadcast"
            ) from None
        self._check_range(t, self.n_tracts, "tract")
        self._check_range(p, self.n_patches, "patch")
        packed = p + self.n_patches * (t + self.n_tracts * b)
        return _scalar_or_array(packed, packed.ndim == 0)

    @staticmethod
    def _check_range(values: np.ndarray, stop: int, what: str) -> None:
        bad = (values < 0) | (values >= stop)
        if bad.any():
            first = values[bad].flat[0]
            raise IdError(
                f"{what} id {first} is out of range for this packer; expected 0 <= {what} "
                f"< {stop} ({int(bad.sum())} bad value(s))"
            )

    def unpack(self, ids: Any) -> tuple[Any, ...]:
        """``(tract, patch)``, or ``(tract, patch, band)`` with band names, of each id.

        Raises
        ------
        IdError
            An id outside ``[0, n_tracts * n_patches * max(n_bands, 1))``, or whose band
            index names no band.
        """
        packed = _int_array(ids, "packed ids")
        scalar = packed.ndim == 0
        count = self.n_tracts * self.n_patches * max(self.n_bands, 1)
        self._check_range(packed, count, "packed")
        rest, patch = np.divmod(packed, self.n_patches)
        index, tract = np.divmod(rest, self.n_tracts)
        if not self.has_band:
            return _scalar_or_array(tract, scalar), _scalar_or_array(patch, scalar)
        if len(self._indices):
            pos = np.minimum(np.searchsorted(self._indices, index), len(self._indices) - 1)
            missing = np.asarray(self._indices[pos] != index)
        else:
            pos, missing = np.zeros(index.shape, np.int64), np.ones(index.shape, bool)
        if np.any(missing):
            first, band_index = packed[missing].flat[0], index[missing].flat[0]
            raise IdError(f"packed id {first} has band index {band_index}, which names no band")
        bands = self._names[pos]
        return (
            _scalar_or_array(tract, scalar),
            _scalar_or_array(patch, scalar),
            bands.item() if scalar else bands,
        )

    # -- object and source ids (lsst.meas.base.IdGenerator) ------------------------------

    def counter_bits(self, n_releases: int = 1) -> int:
        """Bits left for the per-catalog counter below a packed id and release
        (``IdFactory.computeReservedFromMaxBits``: 63 minus the upper bits)."""
        if isinstance(n_releases, bool) or not isinstance(n_releases, (int, np.integer)):
            raise InvalidConfigError(f"n_releases must be an int >= 1, got {n_releases!r}")
        if n_releases < 1:
            raise InvalidConfigError(f"n_releases must be an int >= 1, got {n_releases!r}")
        return 63 - self.max_bits - (int(n_releases) - 1).bit_length()

    def object_ids(
        self,
        tract: Any,
        patch: Any,
        band: Any = None,
        *,
        counter: Any,
        release_id: int = 0,
        n_releases: int = 1,
    ) -> Any:
        """Object/source ids the way pipelines make them: the packed id (and release)
        above a counter, ``counter + ((packed + release_id << max_bits) << counter_bits)``.

        ``lsst.afw.table.IdFactory`` starts counters at 1. ``IdError`` for a counter
        outside ``[0, 2**counter_bits)`` or a release outside ``[0, n_releases)``.
        """
        bits = self.counter_bits(n_releases)
        if not 0 <= release_id < n_releases:
            raise IdError(f"release_id {release_id} is outside [0, {n_releases})")
        packed = np.asarray(self.pack(tract, patch, band))
        counters = _int_array(counter, "counters")
        self._check_range(counters, 1 << bits, "counter")
        catalog = packed + (int(release_id) << self.max_bits)
        out = (catalog << bits) + counters
        return _scalar_or_array(out, out.ndim == 0)

    def unpack_object_ids(self, ids: Any, n_releases: int = 1) -> tuple[Any, ...]:
        """``(release_id, tract, patch[, band], counter)`` of object/source ids made by
        :meth:`object_ids` with the same ``n_releases``."""
        bits = self.counter_bits(n_releases)
        values = _int_array(ids, "object ids")
        if np.any(values < 0):
            raise IdError("object ids are never negative")
        catalog, counter = values >> bits, values & ((1 << bits) - 1)
        release, packed = catalog >> self.max_bits, catalog & ((1 << self.max_bits) - 1)
        self._check_range(release, n_releases, "release")
        scalar = values.ndim == 0
        return (
            _scalar_or_array(release, scalar),
            *self.unpack(packed),
            _scalar_or_array(counter, scalar),
        )
