"""LSST-compatible skymaps (tracts, patches, cells) without the LSST stack.

A skymap built here from an ``lsst.skymap`` config has the same tract ids, patch ids,
regions and SHA1 hash as the one ``lsst.skymap`` builds, so records written from it are
interchangeable with those ``butler register-skymap`` writes.

Names that replace ``lsst.skymap``'s (the camelCase ones are kept as aliases):

==========================================  ==========================================
lsst.skymap                                 skymaps
==========================================  ==========================================
``RingsSkyMap(config)``                     :class:`RingsSkyMap`, :meth:`SkyMap.from_config`
``skyMap[i]``, ``len(skyMap)``              ``skymap[i]``, ``len(skymap)``
``getSha1()``                               :attr:`SkyMap.hash`
``findTract(coord)``                        :meth:`SkyMap.find_tract` (vectorized, exact)
``findTractIdArray(ra, dec, degrees)``      :meth:`SkyMap.find_tract`
``findAllTracts(coord)``                    :meth:`SkyMap.find_all_tracts`
``findTractPatchList(coords)``              :meth:`SkyMap.find_tract_patch_list`
``TractInfo.getId()/tract_id``              :attr:`Tract.id`
``getCtrCoord()/ctr_coord``                 :attr:`Tract.center`
``getWcs()``                                :attr:`Tract.wcs` (:class:`~skymaps.wcs.TractWcs`)
``getBBox()``                               :attr:`Tract.bbox`
``getNumPatches()``                         :attr:`Tract.num_patches`
``getPatchInfo(index)``                     :meth:`Tract.patch`
``findPatch(coord)``                        :meth:`Tract.find_patch`
``getOuterSkyPolygon()``                    :attr:`Tract.outer_polygon`
``getInnerSkyRegion()``                     :attr:`Tract.inner_region`
``PatchInfo.getIndex()/getSequentialIndex`` :attr:`Patch.index` / :attr:`Patch.id`
``getInnerBBox()/getOuterBBox()``           :attr:`Patch.inner_bbox` / :attr:`Patch.outer_bbox`
``get{Inner,Outer}SkyPolygon()``            :attr:`Patch.inner_polygon`, :attr:`Patch.outer_polygon`
``getCellInfo(index)``                      :meth:`Patch.cell`
==========================================  ==========================================

Coordinates are degrees (or astropy quantities / a ``SkyCoord``) and lookups are
vectorized over numpy arrays, exact (the owner's inner region contains the point,
never "nearest centre") and multithreaded.

Where skymaps deliberately differs from lsst.skymap:

* The polar caps' inner region spans every longitude (lsst.skymap builds
  ``Box(LonLat(0, ...), LonLat(2 pi, ...))``, which degenerates to RA 0 only).
* A point on a shared inner-box edge belongs to lsst.skymap's arithmetic answer unless
  rounding puts it a few ulps outside that box, in which case it goes to the neighbour
  whose box contains it; so the owner's inner region always contains the point.
* ``find_tract`` for discrete, equat and dodeca skymaps is the lowest-id tract whose
  inner polygon contains the point (-1 if none); lsst.skymap returns the nearest centre
  even for points outside every tract.
* ``Tract.contains`` and ``find_all_tracts`` test the outer *polygon* (the butler's
  region); lsst.skymap rounds the point to a pixel and tests the pixel box.
* Version 0 rings numbering is reproduced exactly, including its quirk: points at
  RA ~ 0 in the last ring map to the north cap.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from . import _core
from ._coords import lonlat_arrays, restore
from .errors import IdError, InvalidConfigError
from .wcs import TractWcs

__all__ = [
    "Cell",
    "DiscreteSkyMap",
    "DodecaSkyMap",
    "EquatSkyMap",
    "LegacyHealpixSkyMap",
    "Patch",
    "PixelBox",
    "RingsSkyMap",
    "SkyMap",
    "Tract",
    "TractRegion",
]

_DEG = 180.0 / np.pi


class PixelBox(NamedTuple):
    """An integer pixel box (``lsst.geom.Box2I``): first pixel and size."""

    x0: int
    y0: int
    width: int
    height: int

    @property
    def x1(self) -> int:
        """Last pixel along x (inclusive)."""
        return self.x0 + self.width - 1

    @property
    def y1(self) -> int:
        """Last pixel along y (inclusive)."""
        return self.y0 + self.height - 1


def _vertices(flat: np.ndarray) -> np.ndarray:
    return np.asarray(flat, dtype=np.float64).reshape(-1, 3)


def _polygon(flat: np.ndarray) -> Any:
    """A :class:`skymaps.geometry.ConvexPolygon` through vertices already in sphgeom's
    hull order (kept as they are, so the encoding equals lsst.skymap's)."""
    from .geometry import ConvexPolygon

    return ConvexPolygon.from_vectors(_vertices(flat), hull=False)


class TractRegion:
    """A tract's inner region: an RA/Dec box (rings) or a convex polygon.

    ``contains`` uses exactly the test the tract lookups use, so
    ``skymap.find_tract(p) == t`` implies ``skymap[t].inner_region.contains(p)``.
    """

    __slots__ = ("_tract", "kind", "lon_range", "lat_range", "full_lon", "vertices")

    def __init__(self, tract: Tract) -> None:
        self._tract = tract
        desc = tract._core.inner_region()
        self.kind: str = desc[0]
        if self.kind == "box":
            _, lo0, lo1, la0, la1, full = desc
            self.lon_range = (lo0, lo1)
            self.lat_range = (la0, la1)
            self.full_lon = bool(full)
            self.vertices = None
        else:
            self.lon_range = self.lat_range = None
            self.full_lon = False
            self.vertices = _vertices(desc[1])

    def contains(self, lon: Any, lat: Any = None) -> Any:
        """Whether the region contains each point (degrees; boundary included)."""
        flat = lonlat_arrays(lon, lat)
        return restore(self._tract._core.contains(flat.lon, flat.lat, False), flat)

    def __repr__(self) -> str:
        if self.kind == "box":
            return f"TractRegion(box lon={self.lon_range}, lat={self.lat_range})"
        return f"TractRegion(polygon with {len(self.vertices)} vertices)"


class Cell:
    """One cell of a patch (cells tract builder)."""

    __slots__ = ("_tract", "id", "index", "inner_bbox", "outer_bbox")

    def __init__(self, tract: Tract, patch_index: tuple[int, int], index: tuple[int, int]):
        self._tract = tract
        cid, inner, outer = tract._core.cell(*patch_index, *index)
        self.id: int = cid
        self.index: tuple[int, int] = index
        self.inner_bbox = PixelBox(*inner)
        self.outer_bbox = PixelBox(*outer)

    @property
    def inner_polygon(self) -> Any:
        """Sky polygon of the inner box (pixel-edge corners through the tract WCS)."""
        return _polygon(self._tract._core.box_polygon_vertices(tuple(self.inner_bbox)))

    @property
    def outer_polygon(self) -> Any:
        """Sky polygon of the outer box."""
        return _polygon(self._tract._core.box_polygon_vertices(tuple(self.outer_bbox)))

    sequential_index = property(lambda self: self.id)
    getIndex = lambda self: self.index  # noqa: E731
    getSequentialIndex = lambda self: self.id  # noqa: E731
    getInnerBBox = lambda self: self.inner_bbox  # noqa: E731
    getOuterBBox = lambda self: self.outer_bbox  # noqa: E731
    getInnerSkyPolygon = lambda self: self.inner_polygon  # noqa: E731
    getOuterSkyPolygon = lambda self: self.outer_polygon  # noqa: E731

    def __repr__(self) -> str:
        return f"Cell(index={self.index}, id={self.id})"


class Patch:
    """One patch of a tract: inner/outer pixel boxes, sky polygons and cells."""

    __slots__ = ("_tract", "id", "index", "inner_bbox", "outer_bbox", "num_cells")

    def __init__(self, tract: Tract, index: tuple[int, int]):
        self._tract = tract
        pid, inner, outer, ncells = tract._core.patch(*index)
        self.id: int = pid
        self.index: tuple[int, int] = (int(index[0]), int(index[1]))
        self.inner_bbox = PixelBox(*inner)
        self.outer_bbox = PixelBox(*outer)
        self.num_cells: tuple[int, int] = ncells

    @property
    def tract(self) -> Tract:
        """The tract this patch belongs to."""
        return self._tract

    @property
    def inner_polygon_vertices(self) -> np.ndarray:
        """(4, 3) unit vectors of the inner polygon, in sphgeom hull order."""
        return _vertices(self._tract._core.box_polygon_vertices(tuple(self.inner_bbox)))

    @property
    def outer_polygon_vertices(self) -> np.ndarray:
        """(4, 3) unit vectors of the outer polygon, in sphgeom hull order."""
        return _vertices(self._tract._core.box_polygon_vertices(tuple(self.outer_bbox)))

    @property
    def inner_polygon(self) -> Any:
        """Sky polygon of the inner box (``getInnerSkyPolygon``)."""
        return _polygon(self.inner_polygon_vertices)

    @property
    def outer_polygon(self) -> Any:
        """Sky polygon of the outer box (``getOuterSkyPolygon``): the patch region."""
        return _polygon(self.outer_polygon_vertices)

    def cell(self, index: int | tuple[int, int]) -> Cell:
        """The cell with sequential id ``index`` or grid index ``(x, y)``."""
        nx, ny = self.num_cells
        if nx == 0:
            raise IdError(f"patch {self.index} has no cells (legacy tract builder)")
        if isinstance(index, (int, np.integer)):
            if not 0 <= index < nx * ny:
                raise IdError(f"cell id {index} is outside [0, {nx * ny})")
            index = (int(index) % nx, int(index) // nx)
        return Cell(self._tract, self.index, (int(index[0]), int(index[1])))

    def __iter__(self) -> Iterator[Cell]:
        nx, ny = self.num_cells
        for y in range(ny):
            for x in range(nx):
                yield Cell(self._tract, self.index, (x, y))

    def __len__(self) -> int:
        return self.num_cells[0] * self.num_cells[1]

    sequential_index = property(lambda self: self.id)
    getIndex = lambda self: self.index  # noqa: E731
    getSequentialIndex = lambda self: self.id  # noqa: E731
    getInnerBBox = lambda self: self.inner_bbox  # noqa: E731
    getOuterBBox = lambda self: self.outer_bbox  # noqa: E731
    getInnerSkyPolygon = lambda self: self.inner_polygon  # noqa: E731
    getOuterSkyPolygon = lambda self: self.outer_polygon  # noqa: E731
    getCellInfo = cell
    getNumCells = lambda self: self.num_cells  # noqa: E731

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Patch)
            and self._tract == other._tract
            and self.index == other.index
        )

    def __hash__(self) -> int:
        return hash((self._tract.id, self.index))

    def __repr__(self) -> str:
        return f"Patch(tract={self._tract.id}, index={self.index}, id={self.id})"


class Tract:
    """One tract: WCS, pixel box, patch grid, inner and outer regions."""

    __slots__ = ("_core", "_skymap")

    def __init__(self, skymap: SkyMap, core: Any):
        self._skymap = skymap
        self._core = core

    @property
    def id(self) -> int:
        """Tract id (``tract_id``)."""
        return self._core.id

    tract_id = id

    @property
    def center(self) -> tuple[float, float]:
        """Nominal centre (lon, lat) in degrees (``ctr_coord``)."""
        return self._core.center

    ctr_coord = center

    @property
    def wcs(self) -> TractWcs:
        """The tract WCS (0-based pixels)."""
        return TractWcs._wrap(self._core.wcs)

    @property
    def bbox(self) -> PixelBox:
        """The tract's pixel box (starts at (0, 0))."""
        return PixelBox(*self._core.bbox)

    @property
    def num_patches(self) -> tuple[int, int]:
        """Patches along x and y."""
        return self._core.num_patches

    @property
    def patch_inner_dimensions(self) -> tuple[int, int]:
        """Inner patch size in pixels."""
        return self._core.patch_inner_dimensions

    @property
    def patch_border(self) -> int:
        """Patch border in pixels."""
        return self._core.patch_border

    @property
    def outer_polygon_vertices(self) -> np.ndarray:
        """(4, 3) unit vectors of the outer polygon, in sphgeom hull order."""
        return _vertices(self._core.box_polygon_vertices(tuple(self.bbox)))

    @property
    def outer_polygon(self) -> Any:
        """The tract region: its pixel box on the sky (``getOuterSkyPolygon``)."""
        return _polygon(self.outer_polygon_vertices)

    @property
    def inner_region(self) -> TractRegion:
        """The region this tract owns (``getInnerSkyRegion``)."""
        return TractRegion(self)

    def patch(self, index: int | tuple[int, int]) -> Patch:
        """The patch with sequential id ``index`` or grid index ``(x, y)``."""
        if isinstance(index, (int, np.integer)):
            index = self._core.patch_index(int(index))
        return Patch(self, (int(index[0]), int(index[1])))

    def find_patch(self, lon: Any, lat: Any = None) -> Any:
        """Patch id holding each point's nearest pixel (-1 outside the tract)."""
        flat = lonlat_arrays(lon, lat)
        return restore(self._core.find_patch(flat.lon, flat.lat), flat)

    def find_patch_cell(self, lon: Any, lat: Any = None) -> tuple[Any, Any]:
        """(patch id, cell id within the patch) per point (-1 where none)."""
        flat = lonlat_arrays(lon, lat)
        p, c = self._core.find_patch_cell(flat.lon, flat.lat)
        return restore(p, flat), restore(c, flat)

    def contains(self, lon: Any, lat: Any = None) -> Any:
        """Whether the *outer* region contains each point (``TractInfo.contains``)."""
        flat = lonlat_arrays(lon, lat)
        return restore(self._core.contains(flat.lon, flat.lat, True), flat)

    def find_patch_list(self, lon: Any, lat: Any = None) -> list[Patch]:
        """Patches whose outer boxes may hold the points (``findPatchList``)."""
        x, y = self.wcs.sky_to_pixel(lon, lat)
        x, y = np.atleast_1d(x), np.atleast_1d(y)
        ok = np.isfinite(x) & np.isfinite(y)
        if not ok.any():
            return []
        border = self.patch_border
        x0 = int(np.floor(x[ok].min() + 0.5)) - border
        x1 = int(np.ceil(x[ok].max() - 0.5)) + border
        y0 = int(np.floor(y[ok].min() + 0.5)) - border
        y1 = int(np.ceil(y[ok].max() - 0.5)) + border
        b = self.bbox
        x0, y0, x1, y1 = max(x0, b.x0), max(y0, b.y0), min(x1, b.x1), min(y1, b.y1)
        if x1 < x0 or y1 < y0:
            return []
        w, h = self.patch_inner_dimensions
        return [
            self.patch((ix, iy))
            for ix in range(x0 // w, x1 // w + 1)
            for iy in range(y0 // h, y1 // h + 1)
        ]

    def __iter__(self) -> Iterator[Patch]:
        nx, ny = self.num_patches
        for y in range(ny):
            for x in range(nx):
                yield Patch(self, (x, y))

    def __len__(self) -> int:
        nx, ny = self.num_patches
        return nx * ny

    def __getitem__(self, index: int | tuple[int, int]) -> Patch:
        return self.patch(index)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tract) and self._skymap == other._skymap and self.id == other.id

    def __hash__(self) -> int:
        return hash((self._skymap.hash, self.id))

    def __repr__(self) -> str:
        return f"Tract(id={self.id}, center={self.center})"

    # lsst.skymap TractInfo names.
    getId = lambda self: self.id  # noqa: E731
    getCtrCoord = lambda self: self.center  # noqa: E731
    getWcs = lambda self: self.wcs  # noqa: E731
    getBBox = lambda self: self.bbox  # noqa: E731
    getNumPatches = lambda self: self.num_patches  # noqa: E731
    getPatchInnerDimensions = lambda self: self.patch_inner_dimensions  # noqa: E731
    getPatchBorder = lambda self: self.patch_border  # noqa: E731
    getPatchInfo = patch
    getOuterSkyPolygon = lambda self: self.outer_polygon  # noqa: E731
    getInnerSkyRegion = lambda self: self.inner_region  # noqa: E731
    findPatch = find_patch
    findPatchList = find_patch_list
    getSequentialPatchIndex = lambda self, patch: patch.id  # noqa: E731

    def getSequentialPatchIndexFromPair(self, index: tuple[int, int]) -> int:  # noqa: N802
        return self.num_patches[0] * int(index[1]) + int(index[0])

    def getPatchIndexPair(self, sequential_index: int) -> tuple[int, int]:  # noqa: N802
        return self._core.patch_index(int(sequential_index))


class SkyMap:
    """A skymap: tracts, their patches and cells, and point lookups.

    Build one with :meth:`from_config` (a resolved ``lsst.skymap`` config dict) or
    with a class constructor (:class:`RingsSkyMap`, :class:`DiscreteSkyMap`, ...).

    Examples
    --------
    The HSC skymap (``hsc_rings_v1``) and the same hash the butler stores:

    >>> sky = RingsSkyMap(120, projection="TAN", pixel_scale=0.168, tract_overlap=1 / 60)
    >>> len(sky), sky.hash.hex()
    (18938, 'e29fe9f1008e359f36a3677e7d69cc439376d1e6')
    >>> tract, patch = sky.find_tract_patch(150.25, 2.23)
    >>> int(tract), int(patch), sky[9813].patch(int(patch)).index
    (9813, 40, (4, 4))
    """

    __slots__ = ("_core",)

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
        try:
            text = json.dumps(dict(resolved), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InvalidConfigError(f"skymap config is not JSON-serializable: {exc}") from exc
        core = _core.SkyMapCore.from_json(text)
        target = _CLASSES.get(json.loads(core.config_json())["skymap_class"], SkyMap)
        if not issubclass(target, cls):
            target = cls
        obj = object.__new__(target)
        obj._core = core
        return obj

    @property
    def config(self) -> dict[str, Any]:
        """The resolved config dict."""
        return json.loads(self._core.config_json())

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
        for i in range(len(self)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SkyMap) and self.hash == other.hash

    def __hash__(self) -> int:
        return hash(self.hash)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} tracts, hash={self.hash.hex()[:12]}...)"

    def tract_centers(self) -> tuple[np.ndarray, np.ndarray]:
        """Every tract's nominal centre (lon, lat) in degrees, in id order."""
        return self._core.tract_centers()

    def find_tract(self, lon: Any, lat: Any = None) -> Any:
        """The owning tract id of each point (-1 where no tract owns it).

        Exact: the owner's inner region contains the point (arithmetic for rings,
        polygon containment otherwise). Degrees, broadcast, scalar in -> scalar out.
        """
        flat = lonlat_arrays(lon, lat)
        return restore(self._core.find_tract(flat.lon, flat.lat), flat)

    def find_tract_patch(self, lon: Any, lat: Any = None) -> tuple[Any, Any]:
        """The owning (tract id, patch id) of each point (-1 where none)."""
        flat = lonlat_arrays(lon, lat)
        t, p = self._core.find_tract_patch(flat.lon, flat.lat)
        return restore(t, flat), restore(p, flat)

    def find_all_tracts(self, lon: Any, lat: Any = None) -> Any:
        """Every tract whose outer region contains the points.

        For a scalar point: a sorted list of tract ids. For arrays: a pair
        ``(point_index, tract_id)`` of flat int arrays, sorted by point then tract.
        """
        flat = lonlat_arrays(lon, lat)
        idx, tracts = self._core.find_all_tracts(flat.lon, flat.lat)
        if flat.scalar:
            return [int(t) for t in tracts]
        return idx.astype(np.int64), tracts

    def find_tract_patch_list(self, lon: Any, lat: Any = None) -> list[tuple[Tract, list[Patch]]]:
        """Tracts and patches that may overlap the region spanned by the points
        (``findTractPatchList``)."""
        flat = lonlat_arrays(lon, lat)
        _, tract_ids = self._core.find_all_tracts(flat.lon, flat.lat)
        out = []
        for t in sorted(set(int(i) for i in tract_ids)):
            tract = self[t]
            patches = tract.find_patch_list(flat.lon, flat.lat)
            if patches:
                out.append((tract, patches))
        return out

    # lsst.skymap BaseSkyMap names.
    def getSha1(self) -> bytes:  # noqa: N802
        return self.hash

    def findTract(self, lon: Any, lat: Any = None) -> Tract:  # noqa: N802
        """The owning :class:`Tract` of one point."""
        t = int(self.find_tract(lon, lat))
        if t < 0:
            raise LookupError("no tract owns this point")
        return self[t]

    def findTractIdArray(self, ra: Any, dec: Any, degrees: bool = False) -> np.ndarray:  # noqa: N802
        """``lsst.skymap``'s array lookup: radians unless ``degrees=True``."""
        ra, dec = np.atleast_1d(ra), np.atleast_1d(dec)
        if not degrees:
            ra, dec = np.rad2deg(ra), np.rad2deg(dec)
        return np.atleast_1d(self.find_tract(ra, dec))

    def findAllTracts(self, lon: Any, lat: Any = None) -> list[Tract]:  # noqa: N802
        return [self[t] for t in self.find_all_tracts(lon, lat)]

    findTractPatchList = find_tract_patch_list


def _builder(
    tract_builder: str,
    patch_inner_dimensions: Sequence[int],
    patch_border: int,
    cell_inner_dimensions: Sequence[int],
    cell_border: int,
    num_cells_per_patch_inner: int,
    num_cells_in_patch_border: int,
) -> dict[str, Any]:
    if tract_builder == "legacy":
        return {
            "name": "legacy",
            "patchInnerDimensions": list(patch_inner_dimensions),
            "patchBorder": patch_border,
        }
    if tract_builder == "cells":
        return {
            "name": "cells",
            "cellInnerDimensions": list(cell_inner_dimensions),
            "cellBorder": cell_border,
            "numCellsPerPatchInner": num_cells_per_patch_inner,
            "numCellsInPatchBorder": num_cells_in_patch_border,
        }
    raise InvalidConfigError(f'tract_builder must be "legacy" or "cells", got {tract_builder!r}')


def _common(kw: dict[str, Any], projection: str) -> dict[str, Any]:
    """Base config fields with lsst.skymap defaults (BaseSkyMapConfig)."""
    return {
        "projection": kw.pop("projection", projection),
        "pixelScale": kw.pop("pixel_scale", 0.333),
        "tractOverlap": kw.pop("tract_overlap", 1.0),
        "rotation": kw.pop("rotation", 0.0),
        "tractBuilder": _builder(
            kw.pop("tract_builder", "legacy"),
            kw.pop("patch_inner_dimensions", (4000, 4000)),
            kw.pop("patch_border", 100),
            kw.pop("cell_inner_dimensions", (150, 150)),
            kw.pop("cell_border", 50),
            kw.pop("num_cells_per_patch_inner", 20),
            kw.pop("num_cells_in_patch_border", 1),
        ),
    }


def _no_extra(kw: dict[str, Any]) -> None:
    if kw:
        raise TypeError(f"unexpected keyword arguments: {sorted(kw)}")


def _init_from(obj: SkyMap, config: dict[str, Any]) -> None:
    obj._core = _core.SkyMapCore.from_json(json.dumps(config, allow_nan=False))


_COMMON_DOC = """
    projection : str, default "STG"
        FITS projection code (TAN, STG, CEA).
    pixel_scale : float, default 0.333
        Arcseconds per pixel.
    tract_overlap : float, default 1.0
        Minimum overlap between adjacent tracts, degrees.
    rotation : float, default 0
        WCS rotation, degrees.
    tract_builder : {"legacy", "cells"}
        How tracts are cut into patches.
    patch_inner_dimensions, patch_border
        Legacy builder: patch size and border in pixels (4000x4000, 100).
    cell_inner_dimensions, cell_border, num_cells_per_patch_inner, num_cells_in_patch_border
        Cells builder (150x150, 50, 20, 1).
"""


class RingsSkyMap(SkyMap):
    """``lsst.skymap.RingsSkyMap``: ``num_rings`` Dec rings plus two polar caps.

    Parameters
    ----------
    num_rings : int
        Number of rings (required, as in lsst.skymap).
    ra_start : float, default 0
        RA of the first tract of each ring, degrees.
    version : int, default 1
        0 for the pre-DM-14809 tract numbering of old repositories.
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + _COMMON_DOC

    def __init__(self, num_rings: int, ra_start: float = 0.0, *, version: int = 1, **kw: Any):
        config = {"skymap_class": "rings", "version": version, **_common(kw, "STG")}
        config.update(numRings=num_rings, raStart=ra_start)
        _no_extra(kw)
        _init_from(self, config)


class DiscreteSkyMap(SkyMap):
    """``lsst.skymap.DiscreteSkyMap``: one tract per (ra, dec, radius), degrees.

    Parameters
    ----------
    ra_list, dec_list, radius_list : sequence of float
        Tract centres and radii in degrees (equal lengths).
    version : int, default 0
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + _COMMON_DOC

    def __init__(
        self,
        ra_list: Sequence[float],
        dec_list: Sequence[float],
        radius_list: Sequence[float],
        *,
        version: int = 0,
        **kw: Any,
    ):
        config = {"skymap_class": "discrete", "version": version, **_common(kw, "STG")}
        config.update(
            raList=[float(v) for v in ra_list],
            decList=[float(v) for v in dec_list],
            radiusList=[float(v) for v in radius_list],
        )
        _no_extra(kw)
        _init_from(self, config)


class EquatSkyMap(SkyMap):
    """``lsst.skymap.EquatSkyMap``: ``num_tracts`` tracts around the equator.

    Parameters
    ----------
    num_tracts : int, default 4
    dec_range : (float, float), default (-1.25, 1.25)
        Declination range, degrees.
    projection : str, default "CEA"
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + _COMMON_DOC

    def __init__(
        self, num_tracts: int = 4, dec_range: Sequence[float] = (-1.25, 1.25), **kw: Any
    ):
        config = {"skymap_class": "equat", "version": 0, **_common(kw, "CEA")}
        config.update(numTracts=num_tracts, decRange=[float(v) for v in dec_range])
        _no_extra(kw)
        _init_from(self, config)


class DodecaSkyMap(SkyMap):
    """``lsst.skymap.DodecaSkyMap``: 12 tracts on the faces of a dodecahedron.

    Defaults are ``DodecaSkyMapConfig.setDefaults``: STG, 0.2 arcsec pixels, 3.5 deg
    overlap, 4000x4000 patches with a 250 pixel border.

    Parameters
    ----------
    with_tracts_on_poles : bool, default False
        Centre a tract on each pole (else a vertex sits on each pole).
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + _COMMON_DOC

    def __init__(self, with_tracts_on_poles: bool = False, **kw: Any):
        kw.setdefault("pixel_scale", 0.2)
        kw.setdefault("tract_overlap", 3.5)
        kw.setdefault("patch_border", 250)
        config = {"skymap_class": "dodeca", "version": 0, **_common(kw, "STG")}
        config.update(withTractsOnPoles=bool(with_tracts_on_poles))
        _no_extra(kw)
        _init_from(self, config)


class LegacyHealpixSkyMap(SkyMap):
    """``lsst.skymap``'s deprecated ``HealpixSkyMap`` (for existing repositories).

    One tract per HEALPix pixel, **mirrored in Dec** as that class does (it maps the
    HEALPix colatitude ``theta`` to Dec ``theta - 90 deg``): tract ``i`` is HEALPix
    pixel ``i`` reflected through the equator. Owners use the HEALPix arithmetic.
    Defaults: STG, rotation 45 deg, RING ordering. ``log2_nside`` is at most 6 here.

    Parameters
    ----------
    log2_nside : int, default 0
    nest : bool, default False
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + _COMMON_DOC

    def __init__(self, log2_nside: int = 0, nest: bool = False, **kw: Any):
        kw.setdefault("rotation", 45.0)
        config = {"skymap_class": "healpix", "version": 0, **_common(kw, "STG")}
        config.update(log2NSide=log2_nside, nSide=1 << int(log2_nside), nest=bool(nest))
        _no_extra(kw)
        _init_from(self, config)


_CLASSES: dict[str, type[SkyMap]] = {
    "healpix": LegacyHealpixSkyMap,
    "rings": RingsSkyMap,
    "discrete": DiscreteSkyMap,
    "equat": EquatSkyMap,
    "dodeca": DodecaSkyMap,
}
