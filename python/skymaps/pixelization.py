"""HTM and HEALPix pixelizations.

:class:`Htm` numbers trixels exactly as ``lsst.sphgeom.HtmPixelization`` (levels
0..24); :class:`Healpix` finds pixels exactly as ``healpy.ang2pix(..., lonlat=True)``
(orders 0..29, nested or ring). Both take coordinates in degrees (numbers, arrays that
broadcast, astropy quantities or a ``SkyCoord``) and give results in the input's shape.
Pixel sets (envelopes, interiors, universes) are :class:`skymaps.RangeSet` objects.

Examples
--------
>>> from skymaps import Htm, Healpix
>>> int(Htm(7).index(45.0, 30.0)) >> 14  # the level-0 trixel
15
>>> Htm.to_string(Htm.from_string("N32000000"))
'N32000000'
>>> hp = Healpix(4)
>>> int(hp.index(0.0, 90.0))  # the north pole: last pixel of base pixel 0
255
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _core
from . import moc as moc  # noqa: F401  (makes skymaps.moc available)
from ._coords import lonlat_arrays, restore
from .errors import IdError

__all__ = ["Htm", "Healpix", "RangeSet"]

RangeSet = _core.RangeSet


def _ids(ids: Any) -> tuple[np.ndarray, tuple[int, ...], bool]:
    """Pixel ids as a flat uint64 array; negative or non-integer ids are refused."""
    a = np.asarray(ids)
    if a.dtype.kind not in "iu":
        if a.size == 0:
            a = a.astype(np.uint64)
        else:
            raise IdError(f"pixel ids must be integers, got dtype {a.dtype}")
    if a.dtype.kind == "i" and a.size and a.min() < 0:
        raise IdError(f"pixel ids must be >= 0, got {a.min()}")
    return np.ascontiguousarray(a.reshape(-1), dtype=np.uint64), a.shape, a.ndim == 0


def _back(out: np.ndarray, shape: tuple[int, ...], scalar: bool) -> Any:
    out = out.reshape(shape)
    return out[()] if scalar else out


def _core_region(region: Any) -> Any:
    """The ``_core`` region behind a Python region object (or the object itself)."""
    return getattr(region, "_core", getattr(region, "_region", region))


class Htm:
    """Hierarchical Triangular Mesh at ``level`` (0..24), ids as in lsst.sphgeom.

    Parameters
    ----------
    level : int
        Subdivision level; there are ``8 * 4**level`` trixels, with ids in
        ``[8 * 4**level, 16 * 4**level)``.

    Raises
    ------
    InvalidCoordinateError
        If ``level`` is outside 0..24.
    """

    MAX_LEVEL = 24

    def __init__(self, level: int) -> None:
        self._core = _core.Htm(int(level))

    @property
    def level(self) -> int:
        """The subdivision level."""
        return self._core.level

    @property
    def npix(self) -> int:
        """Number of trixels, ``8 * 4**level``."""
        return self._core.num_pixels()

    def universe(self) -> RangeSet:
        """All trixel ids of this level."""
        return self._core.universe()

    def index(self, lon: Any, lat: Any = None) -> Any:
        """Trixel ids (uint64) of points in degrees; broadcasts; SkyCoord accepted.

        Raises
        ------
        InvalidCoordinateError
            For NaN/infinite coordinates or ``|lat| > 90``.
        """
        flat = lonlat_arrays(lon, lat)
        return restore(self._core.index(flat.lon, flat.lat), flat)

    def pixel_vertices(self, i: int) -> np.ndarray:
        """The trixel's vertices as a (3, 3) array of unit vectors, counter-clockwise.

        Raises
        ------
        IdError
            If ``i`` is not a trixel id of this level.
        """
        return self._core.pixel_vertices(_one_id(i))

    def pixel(self, i: int) -> Any:
        """The trixel as a :class:`skymaps.geometry.ConvexPolygon` (bit-identical to
        ``HtmPixelization.triangle``). Like sphgeom, any valid HTM id is accepted,
        whatever its level.

        Raises
        ------
        IdError
            If ``i`` is not an HTM id of any level.
        """
        from .geometry import _wrap

        i = _one_id(i)
        level = _core.Htm.level_of(i)
        core = self._core if level in (-1, self.level) else _core.Htm(level)
        return _wrap(core.pixel(i))

    def envelope(self, region: Any, max_ranges: int = 0) -> RangeSet:
        """Trixels that intersect ``region`` (a superset), as sphgeom's ``envelope``.

        ``max_ranges > 0`` coarsens the answer (outward) to at most that many ranges,
        with sphgeom's rule.
        """
        return self._core.envelope(_core_region(region), int(max_ranges))

    def interior(self, region: Any, max_ranges: int = 0) -> RangeSet:
        """Trixels entirely inside ``region`` (a subset), as sphgeom's ``interior``."""
        return self._core.interior(_core_region(region), int(max_ranges))

    def envelope_pixels_many(self, regions: Any, max_ranges: int = 0) -> list[np.ndarray]:
        """:meth:`envelope` of many regions at once (in parallel), as one uint64 array of
        trixel ids per region (the butler's skypix overlap rows)."""
        return self._core.envelope_pixels_many([_core_region(r) for r in regions],
                                               int(max_ranges))

    @staticmethod
    def level_of(i: int) -> int:
        """The level of an HTM id, or -1 if it is not one."""
        return _core.Htm.level_of(_one_id(i))

    @staticmethod
    def to_string(i: int) -> str:
        """The trixel name, e.g. ``'N32000000'``."""
        return _core.Htm.to_string(_one_id(i))

    @staticmethod
    def from_string(name: str) -> int:
        """The id of a trixel name made by :meth:`to_string`."""
        return _core.Htm.from_string(name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Htm) and other.level == self.level

    def __hash__(self) -> int:
        return hash(("Htm", self.level))

    def __repr__(self) -> str:
        return f"Htm({self.level})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Htm, (self.level,))


def _one_id(i: Any) -> int:
    if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)):
        raise IdError(f"a pixel id must be an integer, got {i!r}")
    if int(i) < 0:
        raise IdError(f"pixel ids must be >= 0, got {i}")
    if int(i) >= 2**64:
        raise IdError(f"pixel id {i} does not fit in 64 bits")
    return int(i)


class Healpix:
    """HEALPix at ``order`` (0..29, ``nside = 2**order``), nested or ring scheme.

    Point lookup is identical to ``healpy.ang2pix(nside, lon, lat, nest=nested,
    lonlat=True)``, boundary points included; ids are int64 like healpy's.

    Raises
    ------
    InvalidCoordinateError
        If ``order`` is outside 0..29.
    """

    MAX_ORDER = 29

    def __init__(self, order: int, nested: bool = True) -> None:
        self._core = _core.Healpix(int(order), bool(nested))

    @property
    def order(self) -> int:
        return self._core.order

    @property
    def nested(self) -> bool:
        return self._core.nested

    @property
    def nside(self) -> int:
        return self._core.nside

    @property
    def npix(self) -> int:
        return self._core.npix

    def universe(self) -> RangeSet:
        """All pixel ids, ``[0, npix)``."""
        return self._core.universe()

    def index(self, lon: Any, lat: Any = None) -> Any:
        """Pixel ids (int64) of points in degrees; broadcasts; SkyCoord accepted."""
        flat = lonlat_arrays(lon, lat)
        return restore(self._core.index(flat.lon, flat.lat), flat)

    def nest_to_ring(self, ids: Any) -> Any:
        """Nested ids of this order -> ring ids (int64). Raises IdError for bad ids."""
        a, shape, scalar = _ids(ids)
        return _back(self._core.nest_to_ring(a), shape, scalar)

    def ring_to_nest(self, ids: Any) -> Any:
        """Ring ids of this order -> nested ids (int64). Raises IdError for bad ids."""
        a, shape, scalar = _ids(ids)
        return _back(self._core.ring_to_nest(a), shape, scalar)

    def pixel_vertices(self, i: int) -> np.ndarray:
        """The 4 vertices (S, E, N, W) of pixel ``i`` (in this scheme) as (lon, lat) deg."""
        return self._core.pixel_vertices(_one_id(i))

    def pixel_boundary(self, i: int, step: int = 1) -> np.ndarray:
        """``4 * step`` points (lon, lat degrees) along the curved boundary of pixel ``i``,
        counter-clockwise from the south vertex."""
        return self._core.pixel_boundary(_one_id(i), int(step))

    def pixel(self, i: int) -> Any:
        """Pixel ``i`` as a :class:`skymaps.geometry.ConvexPolygon`: the hull of 4 points
        per side of its boundary, as ``lsst.sphgeom.HealpixPixelization.pixel`` makes it
        (an approximation: HEALPix edges are curved)."""
        from .geometry import ConvexPolygon

        lon, lat = self.pixel_boundary(i, 4).T
        return ConvexPolygon.from_lonlat(lon, lat, hull=True)

    def envelope(self, region: Any, *, sphgeom_compatible: bool = False) -> RangeSet:
        """Exactly the pixels that intersect ``region`` (nested or ring ids).

        ``sphgeom_compatible=True`` gives the conservative superset
        ``lsst.sphgeom.HealpixPixelization.envelope`` returns (pixels 4 orders finer
        that touch the region, dilated by their neighbours, taken back to this order),
        for joins that must match a butler using sphgeom.
        """
        return self._core.envelope(_core_region(region), bool(sphgeom_compatible))

    def interior(self, region: Any) -> RangeSet:
        """Exactly the pixels entirely inside ``region`` (nested or ring ids)."""
        return self._core.interior(_core_region(region))

    def query_polygon(self, lon: Any, lat: Any = None, *, interior: bool = False) -> RangeSet:
        """Exact cover of the convex polygon with these vertices (degrees, counter-
        clockwise, or an (N, 3) array of unit vectors as ``lon`` alone): every pixel that
        intersects it, or with ``interior=True`` every pixel entirely inside it."""
        if lat is None:
            xyz = np.asarray(lon, dtype=np.float64).reshape(-1, 3)
        else:
            flat = lonlat_arrays(lon, lat)
            lo, la = np.radians(flat.lon), np.radians(flat.lat)
            xyz = np.stack([np.cos(lo) * np.cos(la), np.sin(lo) * np.cos(la), np.sin(la)], axis=1)
        return self._core.cover_polygon(np.ascontiguousarray(xyz.reshape(-1)), bool(interior))

    def query_disc(self, lon: float, lat: float, radius: float, *,
                   interior: bool = False) -> RangeSet:
        """Exact cover of the circle of ``radius`` degrees around (lon, lat)."""
        return self._core.cover_circle(float(lon), float(lat), float(radius), bool(interior))

    def query_box(self, lon_min: float, lon_max: float, lat_min: float, lat_max: float, *,
                  interior: bool = False) -> RangeSet:
        """Exact cover of a lon/lat box (degrees; longitudes run east from ``lon_min`` to
        ``lon_max`` and wrap through 0 when ``lon_max < lon_min``)."""
        return self._core.cover_box(float(lon_min), float(lon_max), float(lat_min),
                                    float(lat_max), bool(interior))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Healpix)
            and other.order == self.order
            and other.nested == self.nested
        )

    def __hash__(self) -> int:
        return hash(("Healpix", self.order, self.nested))

    def __repr__(self) -> str:
        return f"Healpix({self.order}, nested={self.nested})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Healpix, (self.order, self.nested))
