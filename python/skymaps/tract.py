"""Tracts, patches and cells: the value objects a :class:`~skymaps.SkyMap` hands out.

Each is a thin view on the Rust tract it came from (ids, pixel boxes, sky polygons and
the point lookups inside one tract); the ``lsst.skymap`` names live in
:mod:`skymaps.compat`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ._chunks import chunked
from ._coords import lonlat_arrays, restore
from .compat import CellCompat, PatchCompat, TractCompat
from .errors import IdError, InvalidRegionError
from .geometry import Region
from .wcs import TractWcs

if TYPE_CHECKING:
    from .skymap import SkyMap

__all__ = ["Cell", "Patch", "PixelBox", "Tract", "TractRegion"]


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


def _region(core: Any) -> Any:
    """The Python region of a core region (a polygon the core built: its exact vertices,
    so ``encode()`` gives the bytes registered in a butler)."""
    from .geometry import _wrap

    return _wrap(core)


class TractRegion(Region):
    """A tract's inner region, a real :class:`~skymaps.geometry.Region`: a lon/lat box
    (rings; every longitude for the polar caps) or a convex polygon.

    ``relate``, ``overlaps``, ``encode``, HTM/HEALPix ``envelope``/``interior`` and MOCs
    see the closed box or polygon. ``contains`` is the ownership test the tract lookups
    use, so ``skymap.find_tract(p) == t`` implies ``skymap[t].inner_region.contains(p)``
    (boundary points included), except in a version-0 rings skymap's hole (no tract owns
    it; see docs/compatibility.md). Boxes are closed and reach 32 eps (7e-15 rad) past
    their edges, in ``contains`` and in the region alike.
    """

    __slots__ = ("_tract",)

    def __init__(self, tract: Tract) -> None:
        object.__setattr__(self, "_core", tract._core.inner_region())
        object.__setattr__(self, "_tract", tract)

    @property
    def kind(self) -> str:
        """``"box"`` or ``"polygon"``."""
        return "box" if self._core.kind == "Box" else "polygon"

    @property
    def region(self) -> Region:
        """The same region as a plain :class:`~skymaps.Box` or
        :class:`~skymaps.ConvexPolygon`."""
        return _region(self._core)

    @property
    def lon_range(self) -> tuple[float, float] | None:
        """(lon_min, lon_max) in degrees of a box (``lon_min > lon_max`` wraps)."""
        return None if self.kind != "box" else self._core.box_params()[:2]

    @property
    def lat_range(self) -> tuple[float, float] | None:
        """(lat_min, lat_max) in degrees of a box."""
        return None if self.kind != "box" else self._core.box_params()[2:]

    @property
    def full_lon(self) -> bool:
        """Whether the box spans every longitude (a polar cap)."""
        if self.kind != "box":
            return False
        lon_min, lon_max, _, _ = self._core.box_params()
        return lon_max - lon_min >= 360.0

    @property
    def vertices(self) -> np.ndarray | None:
        """(N, 3) unit vectors of a polygon."""
        return None if self.kind != "polygon" else self._core.vertices_xyz()

    def contains(self, lon: Any, lat: Any = None) -> Any:
        """Whether the tract owns each point (degrees; boundary included)."""
        flat = lonlat_arrays(lon, lat)
        return restore(self._tract._core.contains(flat.lon, flat.lat, False), flat)

    def __reduce__(self):
        return (_inner_region, (self._tract,))

    def __repr__(self) -> str:
        if self.kind == "box":
            return f"TractRegion(box lon={self.lon_range}, lat={self.lat_range})"
        return f"TractRegion(polygon with {len(self.vertices)} vertices)"


def _inner_region(tract: Tract) -> TractRegion:
    return TractRegion(tract)


def _box_wcs(tract: Tract, bbox: PixelBox) -> TractWcs:
    """The tract WCS in the pixels of an image of ``bbox`` (its first pixel is (0, 0))."""
    core = tract._core.wcs.shifted(-float(bbox.x0), -float(bbox.y0))
    return TractWcs._wrap(core, pixel_shape=(bbox.width, bbox.height))


class Cell(CellCompat):
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
        return _region(self._tract._core.box_polygon(tuple(self.inner_bbox)))

    @property
    def outer_polygon(self) -> Any:
        """Sky polygon of the outer box."""
        return _region(self._tract._core.box_polygon(tuple(self.outer_bbox)))

    @property
    def wcs(self) -> TractWcs:
        """The WCS of an image of this cell's outer box: the tract WCS with its pixel
        origin at the box's first pixel, ``pixel_shape`` the box size (see
        :attr:`Patch.wcs`)."""
        return _box_wcs(self._tract, self.outer_bbox)

    def __repr__(self) -> str:
        return f"Cell(index={self.index}, id={self.id})"


class Patch(PatchCompat):
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
    def cell_inner_dimensions(self) -> tuple[int, int]:
        """Inner cell size in pixels; (0, 0) without cells (legacy builder)."""
        builder = self._tract._skymap.config["tractBuilder"]
        if builder["name"] != "cells":
            return (0, 0)
        w, h = builder["cellInnerDimensions"]
        return (int(w), int(h))

    @property
    def cell_border(self) -> int:
        """Cell border in pixels; 0 without cells (legacy builder)."""
        builder = self._tract._skymap.config["tractBuilder"]
        return int(builder["cellBorder"]) if builder["name"] == "cells" else 0

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
        return _region(self._tract._core.box_polygon(tuple(self.inner_bbox)))

    @property
    def outer_polygon(self) -> Any:
        """Sky polygon of the outer box (``getOuterSkyPolygon``): the patch region, the
        same bytes as the butler's ``patch.region``."""
        return _region(self._tract._core.box_polygon(tuple(self.outer_bbox)))

    @property
    def wcs(self) -> TractWcs:
        """The WCS of an image of this patch (a coadd of its outer box).

        The tract WCS with its pixel origin moved to the outer box's first pixel
        (afw's ``copyAtShiftedPixelOrigin``): local pixel ``(x, y)`` is tract pixel
        ``(x + x0, y + y0)``. ``pixel_shape`` is the outer box size, so ``to_header()``
        writes ``NAXIS1``/``NAXIS2``. ``lsst.skymap``'s ``PatchInfo.getWcs()`` returns
        the tract WCS in tract pixels instead: that is :attr:`Tract.wcs` (and
        ``patch.getWcs()``).
        """
        return _box_wcs(self._tract, self.outer_bbox)

    def cell(self, index: int | tuple[int, int]) -> Cell:
        """The cell with sequential id ``index`` or grid index ``(x, y)``."""
        if isinstance(index, (int, np.integer)):
            index = self.cell_index(index)
        elif self.num_cells[0] == 0:
            raise IdError(f"patch {self.index} has no cells (legacy tract builder)")
        return Cell(self._tract, self.index, (int(index[0]), int(index[1])))

    # Cell id <-> grid index arithmetic is the core's (tessellation::patch).
    def cell_index(self, sequential_index: int) -> tuple[int, int]:
        """Grid index ``(x, y)`` of a sequential cell id."""
        if self.num_cells[0] == 0:
            raise IdError(f"patch {self.index} has no cells (legacy tract builder)")
        return self._tract._core.cell_index(*self.index, int(sequential_index))

    def cell_id(self, index: tuple[int, int]) -> int:
        """Sequential id of the cell at grid index ``(x, y)``."""
        if self.num_cells[0] == 0:
            raise IdError(f"patch {self.index} has no cells (legacy tract builder)")
        return self._tract._core.cell(*self.index, int(index[0]), int(index[1]))[0]

    def __getitem__(self, index: int | tuple[int, int]) -> Cell:
        """``patch[i]`` / ``patch[(x, y)]``: a cell; IndexError outside the grid or
        without cells, as ``PatchInfo.__getitem__``."""
        try:
            return self.cell(index)
        except IdError as e:
            raise IndexError(str(e)) from None

    def __iter__(self) -> Iterator[Cell]:
        nx, ny = self.num_cells
        for y in range(ny):
            for x in range(nx):
                yield Cell(self._tract, self.index, (x, y))

    def __len__(self) -> int:
        return self.num_cells[0] * self.num_cells[1]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Patch)
            and self._tract == other._tract
            and self.index == other.index
        )

    def __hash__(self) -> int:
        return hash((self._tract.id, self.index))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_patch_of, (self._tract, self.index))

    def __repr__(self) -> str:
        b = self.outer_bbox
        return (
            f"Patch(tract={self._tract.id}, index={self.index}, id={self.id}, "
            f"outer_bbox=({b.x0}, {b.y0}, {b.width}x{b.height}))"
        )

    def _repr_html_(self) -> str:
        from .describe import facts_html, patch_facts

        return facts_html(f"Patch {self._tract.id}/{self.id}", patch_facts(self))


class Tract(TractCompat):
    """One tract: WCS, pixel box, patch grid, inner and outer regions."""

    __slots__ = ("_core", "_skymap")

    def __init__(self, skymap: SkyMap, core: Any):
        self._skymap = skymap
        self._core = core

    @property
    def id(self) -> int:
        """Tract id (``tract_id``)."""
        return self._core.id

    @property
    def name(self) -> str:
        """The tract's name: the tile name for tilings (a brick's ``RRRRpDDD``), else
        the id as text."""
        return self._skymap.tract_name(self.id)

    @property
    def center(self) -> tuple[float, float]:
        """Nominal centre (lon, lat) in degrees (``ctr_coord``)."""
        return self._core.center

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
    def tract_overlap(self) -> float:
        """Minimum overlap with neighbouring tracts, degrees (the config value)."""
        return float(self._skymap.config["tractOverlap"])

    @property
    def vertex_list(self) -> np.ndarray:
        """(n, 2) lon/lat degrees of the vertices that define the inner region
        (``TractInfo.vertex_list``): the skymap's corners for equat, dodeca and HEALPix
        tracts; the pixel box corners moved 0.001 pixel inward for rings and discrete."""
        return np.asarray(self._core.vertex_list(), dtype=np.float64).reshape(-1, 2)

    @property
    def inner_polygon(self) -> Any:
        """Convex hull of :attr:`vertex_list` (``TractInfo.inner_sky_polygon``).

        Raises :class:`~skymaps.errors.InvalidRegionError` for a tract 180 degrees wide
        or more (an equat skymap of 1 or 2 tracts), which has no such polygon."""
        from .geometry import Circle, ConvexPolygon

        lon, lat = self.vertex_list.T
        # A tract 180 degrees wide or more has a vertex a hemisphere from its centre.
        if not np.all(Circle(*self.center, 90.0 - 1e-7).contains(lon, lat)):
            raise InvalidRegionError(
                f"tract {self.id} is 180 degrees wide or more and has no inner polygon; "
                "use inner_region"
            )
        return ConvexPolygon.from_lonlat(lon, lat, hull=True)

    @property
    def outer_region(self) -> Any:
        """The tract region: its pixel box on the sky, the same bytes as the butler's
        ``tract.region``. A convex polygon, or for a tract wider than a hemisphere
        (equat with 1 or 2 tracts) a :class:`~skymaps.Box`."""
        return _region(self._core.outer_region())

    @property
    def outer_polygon_vertices(self) -> np.ndarray:
        """(4, 3) unit vectors of the outer polygon, in sphgeom hull order."""
        return self.outer_polygon.vertices()

    @property
    def outer_polygon(self) -> Any:
        """The tract region as a polygon (``getOuterSkyPolygon``); see
        :attr:`outer_region` for tracts wider than a hemisphere."""
        from .geometry import ConvexPolygon

        region = self.outer_region
        if not isinstance(region, ConvexPolygon):
            raise InvalidRegionError(
                f"tract {self.id} is wider than a hemisphere and has no outer polygon; "
                "use outer_region (a Box)"
            )
        return region

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
        (patches,) = chunked(lambda a, b: (self._core.find_patch(a, b),), flat.lon, flat.lat)
        return restore(patches, flat)

    def find_patch_cell(self, lon: Any, lat: Any = None) -> tuple[Any, Any]:
        """(patch id, cell id within the patch) per point (-1 where none)."""
        flat = lonlat_arrays(lon, lat)
        p, c = chunked(self._core.find_patch_cell, flat.lon, flat.lat)
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

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickles as (skymap, id); the skymap pickles as its config.
        return (_tract_of, (self._skymap, self.id))

    def __repr__(self) -> str:
        lon, lat = self.center
        nx, ny = self.num_patches
        return f"Tract(id={self.id}, center=({lon:.6f}, {lat:.6f}), patches={nx}x{ny})"

    def _repr_html_(self) -> str:
        from .describe import facts_html, tract_facts

        return facts_html(f"Tract {self.id}", tract_facts(self))


def _tract_of(skymap: SkyMap, tract_id: int) -> Tract:
    return skymap[tract_id]


def _patch_of(tract: Tract, index: tuple[int, int]) -> Patch:
    return tract.patch(index)
