"""``lsst.skymap`` and ``lsst.afw.geom.SkyWcs`` names, in one place.

skymaps' own API is snake_case; code written for ``lsst.skymap`` keeps working because
each class inherits one mixin from here holding its camelCase (and ``lsst.skymap``
property) aliases. Every alias forwards to a skymaps method, so the behaviour lives
once, in the class.

==========================================  ==========================================
lsst.skymap                                 skymaps
==========================================  ==========================================
``RingsSkyMap(config)``                     :class:`~skymaps.RingsSkyMap`,
                                            :meth:`~skymaps.SkyMap.from_config`
``skyMap[i]``, ``len(skyMap)``              ``skymap[i]``, ``len(skymap)``
``getSha1()``                               :attr:`~skymaps.SkyMap.hash`
``findTract(coord)``                        :meth:`~skymaps.SkyMap.find_tract`
``findTractIdArray(ra, dec, degrees)``      :meth:`~skymaps.SkyMap.find_tract`
``findAllTracts(coord)``                    :meth:`~skymaps.SkyMap.find_all_tracts`
``findTractPatchList(coords)``              :meth:`~skymaps.SkyMap.find_tract_patch_list`
``findClosestTractPatchList(coords)``       :meth:`~skymaps.SkyMap.find_tract` + ``find_patch_list``
``getTractOverlap()``                       :attr:`~skymaps.SkyMap.tract_overlap`
``TractInfo.getId()/tract_id``              :attr:`~skymaps.Tract.id`
``getCtrCoord()/ctr_coord``                 :attr:`~skymaps.Tract.center`
``getWcs()``                                :attr:`~skymaps.Tract.wcs`
``getBBox()``                               :attr:`~skymaps.Tract.bbox`
``getNumPatches()``                         :attr:`~skymaps.Tract.num_patches`
``getPatchInfo(index)``                     :meth:`~skymaps.Tract.patch`
``findPatch(coord)``                        :meth:`~skymaps.Tract.find_patch`
``getOuterSkyPolygon()/outer_sky_polygon`` :attr:`~skymaps.Tract.outer_region`
``getInnerSkyRegion()/inner_sky_region``    :attr:`~skymaps.Tract.inner_region`
``getInnerSkyPolygon()/inner_sky_polygon``  :attr:`~skymaps.Tract.inner_polygon`
``getVertexList()/vertex_list``             :attr:`~skymaps.Tract.vertex_list`
``getTractOverlap()/tract_overlap``         :attr:`~skymaps.Tract.tract_overlap`
``PatchInfo.getIndex()/getSequentialIndex`` :attr:`~skymaps.Patch.index` /
                                            :attr:`~skymaps.Patch.id`
``getInnerBBox()/getOuterBBox()``           :attr:`~skymaps.Patch.inner_bbox` /
                                            :attr:`~skymaps.Patch.outer_bbox`
``get{Inner,Outer}SkyPolygon()``            :attr:`~skymaps.Patch.inner_polygon`,
                                            :attr:`~skymaps.Patch.outer_polygon`
``getCellInfo(index)``, ``patch[index]``    :meth:`~skymaps.Patch.cell`
``getWcs()`` (patch, cell): tract pixels    ``getWcs()`` = :attr:`~skymaps.Tract.wcs`;
                                            ``.wcs`` is in patch/cell pixels (differs)
``getCellBorder()/getCellInnerDimensions``  :attr:`~skymaps.Patch.cell_border`,
                                            :attr:`~skymaps.Patch.cell_inner_dimensions`
``getCellIndexPair/getSequentialCellIndex`` :meth:`~skymaps.Patch.cell_index`,
                                            :meth:`~skymaps.Patch.cell_id`
``SkyWcs.pixelToSky/skyToPixel``            :meth:`~skymaps.TractWcs.pixel_to_sky`,
                                            :meth:`~skymaps.TractWcs.sky_to_pixel`
==========================================  ==========================================
"""

# ruff: noqa: N802  (the names are lsst.skymap's)

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["CellCompat", "PatchCompat", "SkyMapCompat", "TractCompat", "TractWcsCompat"]


class SkyMapCompat:
    """``lsst.skymap.BaseSkyMap`` names for :class:`~skymaps.SkyMap`."""

    __slots__ = ()

    def getSha1(self) -> bytes:
        return self.hash

    def findTract(self, lon: Any, lat: Any = None) -> Any:
        """The owning :class:`~skymaps.Tract` of one point."""
        t = int(self.find_tract(lon, lat))
        if t < 0:
            raise LookupError("no tract owns this point")
        return self[t]

    def findTractIdArray(self, ra: Any, dec: Any, degrees: bool = False) -> np.ndarray:
        """``lsst.skymap``'s array lookup: radians unless ``degrees=True``."""
        ra, dec = np.atleast_1d(ra), np.atleast_1d(dec)
        if not degrees:
            ra, dec = np.rad2deg(ra), np.rad2deg(dec)
        return np.atleast_1d(self.find_tract(ra, dec))

    def findAllTracts(self, lon: Any, lat: Any = None) -> list[Any]:
        return [self[t] for t in self.find_all_tracts(lon, lat)]

    def findTractPatchList(self, lon: Any, lat: Any = None) -> list[Any]:
        return self.find_tract_patch_list(lon, lat)

    def getTractOverlap(self) -> float:
        return self.tract_overlap

    def findClosestTractPatchList(self, lon: Any, lat: Any = None) -> list[Any]:
        """For each point's owning tract (in point order, each tract once), the
        patches of that tract the points may fall on (``findClosestTractPatchList``)."""
        from ._coords import lonlat_arrays

        flat = lonlat_arrays(lon, lat)
        out: list[Any] = []
        seen: set[int] = set()
        for t in np.atleast_1d(self.find_tract(flat.lon, flat.lat)):
            if t < 0 or int(t) in seen:
                continue
            seen.add(int(t))
            patches = self[int(t)].find_patch_list(flat.lon, flat.lat)
            if patches:
                out.append((self[int(t)], patches))
        return out


class TractCompat:
    """``lsst.skymap.TractInfo`` names for :class:`~skymaps.Tract`."""

    __slots__ = ()

    @property
    def tract_id(self) -> int:
        """Tract id (``TractInfo.tract_id``)."""
        return self.id

    @property
    def ctr_coord(self) -> tuple[float, float]:
        """Nominal centre in degrees (``TractInfo.ctr_coord``)."""
        return self.center

    def getId(self) -> int:
        return self.id

    def getCtrCoord(self) -> tuple[float, float]:
        return self.center

    def getWcs(self) -> Any:
        return self.wcs

    def getBBox(self) -> Any:
        return self.bbox

    def getNumPatches(self) -> tuple[int, int]:
        return self.num_patches

    def getPatchInnerDimensions(self) -> tuple[int, int]:
        return self.patch_inner_dimensions

    def getPatchBorder(self) -> int:
        return self.patch_border

    def getPatchInfo(self, index: Any) -> Any:
        return self.patch(index)

    @property
    def inner_sky_region(self) -> Any:
        """The region this tract owns (``TractInfo.inner_sky_region``)."""
        return self.inner_region

    @property
    def outer_sky_polygon(self) -> Any:
        """The tract's outer region (``TractInfo.outer_sky_polygon``; a Box for a
        tract wider than a hemisphere, see :attr:`~skymaps.Tract.outer_region`)."""
        return self.outer_region

    @property
    def inner_sky_polygon(self) -> Any:
        """Hull of the vertex list (``TractInfo.inner_sky_polygon``)."""
        return self.inner_polygon

    def getOuterSkyPolygon(self) -> Any:
        return self.outer_region

    def getInnerSkyRegion(self) -> Any:
        return self.inner_region

    def getInnerSkyPolygon(self) -> Any:
        return self.inner_polygon

    def getTractOverlap(self) -> float:
        return self.tract_overlap

    def getVertexList(self) -> Any:
        return self.vertex_list

    def findPatch(self, lon: Any, lat: Any = None) -> Any:
        """The :class:`~skymaps.Patch` holding one point's nearest pixel; LookupError
        (:class:`~skymaps.errors.IdError`) outside the tract, as ``TractInfo.findPatch``."""
        from .errors import IdError

        ids = np.atleast_1d(self.find_patch(lon, lat))
        if ids.size != 1:
            raise IdError(f"findPatch takes one point, got {ids.size}")
        if ids[0] < 0:
            raise IdError(f"the point is not in tract {self.id}")
        return self.patch(int(ids[0]))

    def findPatchList(self, lon: Any, lat: Any = None) -> list[Any]:
        return self.find_patch_list(lon, lat)

    def getSequentialPatchIndex(self, patch: Any) -> int:
        return patch.id

    def getSequentialPatchIndexFromPair(self, index: tuple[int, int]) -> int:
        return self.patch((int(index[0]), int(index[1]))).id

    def getPatchIndexPair(self, sequential_index: int) -> tuple[int, int]:
        return self._core.patch_index(int(sequential_index))


class _BoxesCompat:
    """Names ``PatchInfo`` and ``CellInfo`` share."""

    __slots__ = ()

    @property
    def sequential_index(self) -> int:
        """Sequential id (``sequential_index``)."""
        return self.id

    def getIndex(self) -> tuple[int, int]:
        return self.index

    def getSequentialIndex(self) -> int:
        return self.id

    def getInnerBBox(self) -> Any:
        return self.inner_bbox

    def getOuterBBox(self) -> Any:
        return self.outer_bbox

    def getInnerSkyPolygon(self) -> Any:
        return self.inner_polygon

    def getOuterSkyPolygon(self) -> Any:
        return self.outer_polygon

    @property
    def inner_sky_polygon(self) -> Any:
        """Sky polygon of the inner box (``inner_sky_polygon``)."""
        return self.inner_polygon

    @property
    def outer_sky_polygon(self) -> Any:
        """Sky polygon of the outer box (``outer_sky_polygon``)."""
        return self.outer_polygon

    def getWcs(self) -> Any:
        """The tract WCS in tract pixels, as ``PatchInfo``/``CellInfo.getWcs()`` return
        it (the patch or cell image's own WCS is ``.wcs``)."""
        return self._tract.wcs


class PatchCompat(_BoxesCompat):
    """``lsst.skymap.PatchInfo`` names for :class:`~skymaps.Patch`."""

    __slots__ = ()

    def getCellInfo(self, index: Any) -> Any:
        return self.cell(index)

    def getNumCells(self) -> tuple[int, int]:
        return self.num_cells

    def getCellBorder(self) -> int:
        return self.cell_border

    def getCellInnerDimensions(self) -> tuple[int, int]:
        return self.cell_inner_dimensions

    def getCellIndexPair(self, sequential_index: int) -> tuple[int, int]:
        """IndexError without cells or outside the grid, as ``PatchInfo``."""
        return self._as_index_error(self.cell_index, sequential_index)

    def getSequentialCellIndexFromPair(self, index: tuple[int, int]) -> int:
        return self._as_index_error(self.cell_id, index)

    def getSequentialCellIndex(self, cell: Any) -> int:
        return self._as_index_error(self.cell_id, cell.index)

    def _as_index_error(self, f: Any, arg: Any) -> Any:
        from .errors import IdError

        try:
            return f(arg)
        except IdError as e:
            raise IndexError(str(e)) from None


class CellCompat(_BoxesCompat):
    """``lsst.skymap.CellInfo`` names for :class:`~skymaps.Cell`."""

    __slots__ = ()


class TractWcsCompat:
    """``lsst.afw.geom.SkyWcs`` names for :class:`~skymaps.TractWcs`."""

    __slots__ = ()

    def pixelToSky(self, x: Any, y: Any) -> tuple[Any, Any]:
        return self.pixel_to_sky(x, y)

    def skyToPixel(self, lon: Any, lat: Any = None) -> tuple[Any, Any]:
        return self.sky_to_pixel(lon, lat)
