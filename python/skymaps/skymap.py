"""LSST-compatible skymaps (tracts, patches, cells) without the LSST stack.

A skymap built here from an ``lsst.skymap`` config has the same tract ids, patch ids,
regions and SHA1 hash as the one ``lsst.skymap`` builds, so records written from it are
interchangeable with those ``butler register-skymap`` writes.

The ``lsst.skymap`` names (``getSha1``, ``findTract``, ...) are kept as aliases; the
table of them is in :mod:`skymaps.compat`. Tract, patch and cell objects are in
:mod:`skymaps.tract`, the constructor classes in :mod:`skymaps.constructors`.

Coordinates are degrees (or astropy quantities / a ``SkyCoord``) and lookups are
vectorized over numpy arrays, exact (the owner's inner region contains the point,
never "nearest centre") and multithreaded.

Where skymaps deliberately differs from lsst.skymap (the full table, with how to get
the upstream answer where needed, is docs/compatibility.md):

* The polar caps' inner region spans every longitude (lsst.skymap builds
  ``Box(LonLat(0, ...), LonLat(2 pi, ...))``, which degenerates to RA 0 only).
* Rings: a point on a shared inner-box edge gets lsst.skymap's own ``findTract`` id
  (its box contains the point to 32 eps); only in version 0's hole does no inner region
  contain the point, and then the north cap is returned, as lsst.skymap does.
* ``find_tract`` for discrete, equat and dodeca skymaps is the lowest-id tract whose
  inner region contains the point (-1 if none); lsst.skymap returns the nearest centre
  even for points outside every tract. Equat inner regions are RA/Dec boxes, and the
  outer region of an equat tract wider than a hemisphere is a lon/lat box.
* ``Tract.contains`` and ``find_all_tracts`` test the outer *polygon* (the butler's
  region); lsst.skymap rounds the point to a pixel and tests the pixel box.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core
from ._chunks import chunked, chunked_into, chunked_pairs
from ._coords import lonlat_arrays, restore
from .compat import SkyMapCompat
from .errors import InvalidConfigError
from .packer import UNSET as _UNSET
from .tract import Patch, Tract

if TYPE_CHECKING:
    from .packer import DimensionPacker

__all__ = ["SkyMap"]


class SkyMap(SkyMapCompat):
    """A skymap: tracts, their patches and cells, and point lookups.

    Build one with :meth:`from_config` (a resolved ``lsst.skymap`` config dict) or
    with a class constructor (:class:`RingsSkyMap`, :class:`DiscreteSkyMap`, ...).

    Examples
    --------
    The HSC skymap (``hsc_rings_v1``) and the same hash the butler stores:

    >>> from skymaps import RingsSkyMap
    >>> sky = RingsSkyMap(120, projection="TAN", pixel_scale=0.168, tract_overlap=1 / 60)
    >>> len(sky), sky.hash.hex()
    (18938, 'e29fe9f1008e359f36a3677e7d69cc439376d1e6')
    >>> tract, patch = sky.find_tract_patch(150.25, 2.23)
    >>> int(tract), int(patch), sky[9813].patch(int(patch)).index
    (9813, 40, (4, 4))
    """

    __slots__ = ("_core", "__weakref__")

    #: The skymap class (constructor) of each ``skymap_class`` kind; filled by subclasses
    #: declaring ``kind=...``.
    _classes: dict[str, type[SkyMap]] = {}

    def __init_subclass__(cls, kind: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind is not None:
            SkyMap._classes[kind] = cls

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(
            "use SkyMap.from_config(dict) or a skymap class such as RingsSkyMap(...)"
        )

    @classmethod
    def from_config(cls, resolved: Mapping[str, Any]) -> SkyMap:
        """Build the skymap described by a resolved config dict.

        Parameters
        ----------
        resolved : dict
            ``lsst.skymap`` field names with every key present: ``skymap_class``
            (``"rings"``, ``"discrete"``, ``"equat"``, ``"dodeca"``, ``"healpix"``),
            ``version``, ``projection``, ``pixelScale`` (arcsec), ``tractOverlap``
            (deg), ``rotation`` (deg), ``tractBuilder`` (a dict with ``name``) and the
            class's own fields (``numRings``/``raStart``, ``raList``/``decList``/
            ``radiusList``, ...).

        Raises
        ------
        InvalidConfigError
            Naming the missing, unknown or invalid key.
        """
        if not isinstance(resolved, Mapping):
            raise InvalidConfigError(f"skymap config must be a dict, got {type(resolved)}")
        core = _core.SkyMapCore.from_config(dict(resolved))
        target = SkyMap._classes.get(core.kind, SkyMap)
        if not issubclass(target, cls):
            target = cls
        obj = object.__new__(target)
        obj._core = core
        return obj

    def _init_core(self, config: dict[str, Any]) -> None:
        """Build the Rust skymap of a resolved config (the constructor classes' last step)."""
        self._core = _core.SkyMapCore.from_config(config)

    def __reduce__(self) -> tuple[Any, ...]:
        # A skymap pickles as its config (a few hundred bytes) and its hash, checked on
        # load; the tracts are rebuilt, once per process (see _unpickle).
        return (_unpickle, (self._core.config_json(), self.hash))

    @property
    def config(self) -> dict[str, Any]:
        """The resolved config dict."""
        return json.loads(self._core.config_json())

    @property
    def tract_overlap(self) -> float:
        """Minimum overlap between neighbouring tracts, degrees (the config value)."""
        return float(self.config["tractOverlap"])

    @property
    def hash(self) -> bytes:
        """The 20-byte SHA1 ``lsst.skymap`` computes for this config (``getSha1``)."""
        return self._core.hash

    def dimension_records(self, name: str) -> Any:
        """The butler ``skymap``/``tract``/``patch`` records of this skymap as ``name``.

        Built in parallel in Rust (ids, cell indices, sphgeom-encoded outer polygons and
        the HTM level-7 overlap rows); see :func:`skymaps.butler.dimension_records`.
        Columnar (Arrow) through the result's tables, daf_butler records through its
        ``butler_records(universe)``. Needs the ``butler`` extra (pyarrow).
        """
        from .butler.records import dimension_records

        return dimension_records(self, name)

    def packer(self, bands: Any = None, *, n_bands: Any = _UNSET) -> DimensionPacker:
        """The dimension packer of this skymap: ``{tract, patch[, band]}`` as integers,
        lsst.skymap's ``SkyMapDimensionPacker`` layout (see :mod:`skymaps.packer`).

        Parameters
        ----------
        bands : list of str or dict, optional
            Band names to append to the stored band table (a list), or a whole
            ``{name: index}`` table (a dict, as lsst.skymap's ``bands`` config). The
            default is the table stored with the skymap (:meth:`with_packer`): the
            built-in lsst.skymap bands unless it adds its own.
        n_bands : int or None, optional
            Band slots; None for the table's size (lsst.skymap's default), 0 for ids
            without a band. Defaults to the stored choice.

        Raises
        ------
        InvalidConfigError
            A repeated band or index, or ids that would not fit in 63 bits.
        """
        from .packer import DimensionPacker, packer_config

        if bands is None and n_bands is _UNSET:
            return DimensionPacker(self)
        return DimensionPacker(self, packer_config(self.config.get("packer"), bands, n_bands))

    def with_packer(
        self, extra_bands: Any = None, *, bands: Any = None, n_bands: Any = _UNSET
    ) -> SkyMap:
        """This skymap with a packer choice stored in its config (pickles, TOML and
        ``to_config`` keep it), so that packed ids are reproducible.

        ``extra_bands`` (names) are appended to the band table without renumbering it;
        ``bands`` replaces the table (``{name: index}``); ``n_bands`` as in
        :meth:`packer`. The skymap hash does not change (lsst.skymap does not hash
        packer configs either), so the result compares equal to this skymap (same
        tracts); compare ``config`` to tell packer choices apart.
        """
        from .packer import packer_config

        config = self.config
        packer = packer_config(config.get("packer"), bands, n_bands)
        if extra_bands is not None:
            packer = packer_config(packer, list(extra_bands))
        config["packer"] = packer
        return SkyMap.from_config(config)

    @property
    def tract_max(self) -> int:
        """Number of tracts (the butler ``skymap`` record's ``tract_max``)."""
        return self._core.tract_max

    @property
    def patch_nx_max(self) -> int:
        """Largest number of patches along x in any tract."""
        return self._core.patch_nx_max

    @property
    def patch_ny_max(self) -> int:
        """Largest number of patches along y in any tract."""
        return self._core.patch_ny_max

    def __len__(self) -> int:
        return len(self._core)

    def __getitem__(self, tract_id: int) -> Tract:
        if not isinstance(tract_id, (int, np.integer)):
            raise TypeError(f"tract id must be an int, got {type(tract_id).__name__}")
        return Tract(self, self._core.tract(int(tract_id)))

    def __iter__(self) -> Iterator[Tract]:
        for i in self.tract_ids():
            yield self[int(i)]

    def tract_ids(self) -> np.ndarray:
        """Every tract id, in order (``0..len-1``; from 1 for Legacy Surveys bricks)."""
        first = self._core.first_tract_id
        return np.arange(first, first + len(self), dtype=np.int64)

    def tract_name(self, tract_id: int) -> str:
        """The name of a tract: its tile name for tilings, else its id as text."""
        self._core.tract(int(tract_id))  # IdError for an unknown id
        return str(int(tract_id))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SkyMap) and self.hash == other.hash

    def __hash__(self) -> int:
        return hash(self.hash)

    def __copy__(self) -> SkyMap:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> SkyMap:
        return self

    def __repr__(self) -> str:
        config = self.config
        scale = config.get("pixelScale")
        parts = [f"{self._core.kind}", f"{len(self)} tracts"]
        if scale is not None:
            parts.append(f'{config.get("projection", "")} {scale}"/px'.strip())
        parts.append(f"hash={self.hash.hex()[:12]}...")
        return f"{type(self).__name__}({', '.join(parts)})"

    def _repr_html_(self) -> str:
        """A table of the skymap's facts (:func:`skymaps.describe.skymap_facts`)."""
        from .describe import facts_html, skymap_facts

        return facts_html(type(self).__name__, skymap_facts(self))

    def tract_centers(self) -> tuple[np.ndarray, np.ndarray]:
        """Every tract's nominal centre (lon, lat) in degrees, in id order."""
        return self._core.tract_centers()

    def find_tract(self, lon: Any, lat: Any = None) -> Any:
        """The owning tract id of each point (-1 where no tract owns it).

        Exact: the owner's inner region contains the point (arithmetic for rings,
        polygon containment otherwise). Degrees, broadcast, scalar in -> scalar out.
        """
        flat = lonlat_arrays(lon, lat)
        (tracts,) = chunked(lambda a, b: (self._core.find_tract(a, b),), flat.lon, flat.lat)
        return restore(tracts, flat)

    def find_tract_patch(self, lon: Any, lat: Any = None) -> tuple[Any, Any]:
        """The owning (tract id, patch id) of each point (-1 where none).

        As lsst.skymap's ``findTract`` then ``findPatch``: the patch is the one whose
        inner box holds the point's nearest pixel. Both are -1 where no tract owns the
        point. The patch alone is -1 where the
        owner's pixel box does not hold that pixel, exactly where lsst.skymap's
        ``findPatch`` raises ``LookupError``. That happens where tracts reach past their
        pixels: on odd configurations (``numRings=1``), on the presets only where
        ``skymaps validate`` reports it (DC2's first ring beside the south cap, the
        polar Legacy Surveys bricks), and in the sliver, a few pixels wide, where a
        discrete tract's great-circle inner polygon bulges past its curved (STG)
        pixel-box edge (docs/compatibility.md). A patch id is never outside the tract's
        patch grid.
        """
        flat = lonlat_arrays(lon, lat)
        into = self._core._find_tract_patch_into
        t, p = chunked_into(into, flat.lon, flat.lat, (np.int64, np.int64))
        return restore(t, flat), restore(p, flat)

    def find_all_tracts(self, lon: Any, lat: Any = None) -> Any:
        """Every tract whose outer region contains the points.

        For a scalar point: a sorted list of tract ids. For arrays: a pair
        ``(point_index, tract_id)`` of flat int arrays, sorted by point then tract.
        """
        flat = lonlat_arrays(lon, lat)
        idx, tracts = chunked_pairs(self._core.find_all_tracts, flat.lon, flat.lat)
        if flat.scalar:
            return [int(t) for t in tracts]
        return idx, tracts

    def overlapping(
        self, region: Any, level: str = "tract", fraction: bool = False, *, pandas: bool = False
    ) -> Any:
        """Every tract, patch or cell whose outer region overlaps ``region``, exactly,
        with the relation; a ``pyarrow.Table`` (see :func:`skymaps.coverage.overlapping`)."""
        from .coverage import overlapping

        return overlapping(self, region, level, fraction, pandas=pandas)

    def find_tract_patch_list(self, lon: Any, lat: Any = None) -> list[tuple[Tract, list[Patch]]]:
        """Tracts and patches that may overlap the region spanned by the points
        (``findTractPatchList``)."""
        flat = lonlat_arrays(lon, lat)
        _, tract_ids = chunked_pairs(self._core.find_all_tracts, flat.lon, flat.lat)
        out = []
        for t in sorted(set(int(i) for i in tract_ids)):
            tract = self[t]
            patches = tract.find_patch_list(flat.lon, flat.lat)
            if patches:
                out.append((tract, patches))
        return out


#: Skymaps unpickled in this process, by hash: unpickling the many tracts of one skymap
#: (say one per dask task) builds that skymap once.
#: Keyed by hash and config: the packer choice is in the config but not in the hash.
_UNPICKLED: weakref.WeakValueDictionary[tuple[bytes, str], SkyMap] = (
    weakref.WeakValueDictionary()
)


def _unpickle(config_json: str, hash_: bytes) -> SkyMap:
    sky = _UNPICKLED.get((hash_, config_json))
    if sky is not None:
        return sky
    sky = SkyMap.from_config(json.loads(config_json))
    if sky.hash != hash_:
        raise InvalidConfigError(
            f"unpickled skymap has hash {sky.hash.hex()}, but it was pickled with hash "
            f"{hash_.hex()}: the pickle comes from an incompatible skymaps version"
        )
    _UNPICKLED[(hash_, config_json)] = sky
    return sky
