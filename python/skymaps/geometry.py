"""Exact spherical regions compatible with ``lsst.sphgeom``.

Classes mirror sphgeom's: :class:`ConvexPolygon`, :class:`Circle`, :class:`Box`,
:class:`UnionRegion` and :class:`IntersectionRegion`, all :class:`Region` s with

* ``contains(lon, lat)``: vectorized point containment (degrees, numpy broadcasting,
  astropy ``SkyCoord``/``Quantity`` accepted; scalar in, scalar out). Boundaries are
  included, and the answer is exact (sphgeom's orientation predicate);
* ``relate(other)``: a :class:`Relationship` (DISJOINT/CONTAINS/WITHIN bits, sphgeom's
  values and semantics: conservative, a missing bit guarantees nothing);
* ``overlaps(other)``: ``True``, ``False`` or ``None`` (unknown);
* ``encode()``: sphgeom's bytes (``Region.encode()``), plus ``to_base64()`` (the butler
  SQL form) and ``to_hex()`` (butler YAML exports); ``Region.decode*`` read them back.

Coordinates are degrees. ``ConvexPolygon.from_lonlat(lon, lat, hull=True)`` gives the
same vertices, bit for bit, as
``lsst.sphgeom.ConvexPolygon([UnitVector3d(LonLat.fromDegrees(lon, lat)), ...])``, so
encodings match byte for byte; by default (an outline) the same holds for every convex
outline, and anything else raises instead of being hulled.

Examples
--------
>>> from skymaps.geometry import Box, Circle, ConvexPolygon, Region, Relationship
>>> square = ConvexPolygon.from_lonlat([359.5, 0.5, 0.5, 359.5], [-0.5, -0.5, 0.5, 0.5])
>>> bool(square.contains(0.0, 0.0)), bool(square.contains(180.0, 0.0))
(True, False)
>>> square.contains([0.1, 10.0], [0.1, 0.0]).tolist()
[True, False]
>>> Circle(0.0, 0.0, 2.0).relate(square) == Relationship.CONTAINS
True
>>> square.overlaps(Box(359.0, 1.0, -1.0, 1.0)) is None  # polygon-box: may be unknown
True
>>> Region.decode(square.encode()) == square
True
>>> round(square.area_deg2(), 3)  # great-circle edges: slightly more than 1
1.0
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterator
from typing import Any

import numpy as np

from . import _core
from ._coords import as_flat_float, lonlat_arrays, restore, to_degrees
from .errors import InvalidRegionError, ShapeMismatchError

__all__ = [
    "Relationship",
    "Region",
    "ConvexPolygon",
    "Circle",
    "Box",
    "UnionRegion",
    "IntersectionRegion",
    "overlaps_many",
]

STERADIAN_TO_DEG2 = (180.0 / np.pi) ** 2


class Relationship(enum.IntFlag):
    """Spatial relationship bits, with ``lsst.sphgeom``'s values.

    ``a.relate(b)`` sets DISJOINT when the regions certainly share no point, CONTAINS
    when ``a`` certainly contains ``b`` and WITHIN when ``a`` is certainly inside ``b``.
    ``INTERSECTS`` (0) is the empty set: no guarantee either way.
    """

    INTERSECTS = 0
    DISJOINT = 1
    CONTAINS = 2
    WITHIN = 4

    def invert(self) -> Relationship:
        """The relationship seen from the other region (CONTAINS and WITHIN swap)."""
        v = int(self)
        return Relationship((v & 1) | ((v & 2) << 1) | ((v & 4) >> 1))


def _wrap(core: Any) -> Region:
    cls = _KINDS[core.kind]
    obj = object.__new__(cls)
    object.__setattr__(obj, "_core", core)
    return obj


def _sphgeom():
    try:
        import lsst.sphgeom as sphgeom
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise ImportError("lsst.sphgeom is not installed (pip install lsst-sphgeom)") from exc
    return sphgeom


class Region:
    """Base class of all regions (sphgeom ``Region``). Immutable."""

    __slots__ = ("_core",)
    _core: Any

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    # ----- decoding -------------------------------------------------------------
    @staticmethod
    def decode(data: bytes) -> Region:
        """Decode sphgeom bytes (sphgeom ``Region.decode``).

        Raises
        ------
        skymaps.DecodeError
            For empty, truncated or garbage bytes, or an unsupported type (ellipse).
        """
        return _wrap(_core._decode(bytes(data)))

    @staticmethod
    def decode_base64(text: str) -> Region:
        """Decode base64 text as stored by butler SQL registries (sphgeom
        ``Region.decodeBase64``; ``:``-separated parts are a union)."""
        return _wrap(_core._decode_base64(str(text)))

    @staticmethod
    def decode_hex(text: str) -> Region:
        """Decode hex text as stored in butler YAML exports."""
        return _wrap(_core._decode_hex(str(text)))

    @staticmethod
    def from_sphgeom(region: Any) -> Region:
        """Convert an ``lsst.sphgeom`` region (through its encoding)."""
        return Region.decode(region.encode())

    def to_sphgeom(self) -> Any:
        """The equivalent ``lsst.sphgeom`` region (needs lsst-sphgeom)."""
        return _sphgeom().Region.decode(self.encode())

    # ----- encoding -------------------------------------------------------------
    def encode(self) -> bytes:
        """sphgeom's binary encoding (``Region.encode()``)."""
        return self._core.encode()

    def to_base64(self) -> str:
        """Base64 of :meth:`encode` (the butler's SQL form)."""
        return self._core.to_base64()

    def to_hex(self) -> str:
        """Lower-case hex of :meth:`encode` (the butler's YAML export form)."""
        return self._core.to_hex()

    # ----- queries --------------------------------------------------------------
    def contains(self, lon: Any, lat: Any = None) -> Any:
        """Whether points are inside (boundary included).

        Parameters
        ----------
        lon, lat : array_like or astropy Quantity
            Degrees, broadcast together; or a single ``SkyCoord`` as ``lon``.

        Returns
        -------
        bool or numpy.ndarray of bool
            In the broadcast shape of the inputs (a scalar for scalar input).

        Notes
        -----
        sphgeom equivalent: ``region.contains(lon_rad, lat_rad)`` (vectorized).
        """
        flat = lonlat_arrays(lon, lat)
        return restore(self._core.contains_lonlat(flat.lon, flat.lat), flat)

    def contains_xyz(self, xyz: Any) -> Any:
        """Containment for unit vectors given as an (..., 3) array."""
        a = np.asarray(xyz, dtype=np.float64)
        if a.shape[-1:] != (3,):
            raise ShapeMismatchError(f"xyz must have a last axis of length 3, got {a.shape}")
        out = self._core.contains_xyz(as_flat_float(a))
        return out.reshape(a.shape[:-1]) if a.ndim > 1 else out[0]

    def relate(self, other: Region) -> Relationship:
        """The :class:`Relationship` of this region to ``other`` (sphgeom ``relate``)."""
        return Relationship(self._core.relate(_as_region(other)._core))

    def overlaps(self, other: Region) -> bool | None:
        """``True``/``False`` when known, ``None`` when sphgeom's tests cannot tell."""
        return self._core.overlaps(_as_region(other)._core)

    def contains_region(self, other: Region) -> bool:
        """Whether this region certainly contains ``other``."""
        return bool(self.relate(other) & Relationship.CONTAINS)

    def is_within(self, other: Region) -> bool:
        """Whether this region is certainly inside ``other``."""
        return bool(self.relate(other) & Relationship.WITHIN)

    def is_disjoint_from(self, other: Region) -> bool:
        """Whether the regions certainly share no point."""
        return bool(self.relate(other) & Relationship.DISJOINT)

    def intersects(self, other: Region) -> bool:
        """``not is_disjoint_from(other)`` (sphgeom ``intersects``)."""
        return not self.is_disjoint_from(other)

    def is_empty(self) -> bool:
        return self._core.is_empty()

    def area(self) -> float:
        """Area in steradians."""
        a = self._core.area()
        if a is None:
            raise InvalidRegionError(f"the area of a {type(self).__name__} is not available")
        return a

    def area_deg2(self) -> float:
        """Area in square degrees."""
        return self.area() * STERADIAN_TO_DEG2

    def bounding_circle(self) -> Circle:
        """A circle containing the region (sphgeom ``getBoundingCircle``)."""
        return _wrap(self._core.bounding_circle())  # type: ignore[return-value]

    def bounding_box(self) -> Box:
        """A lon/lat box containing the region (sphgeom ``getBoundingBox``)."""
        return _wrap(self._core.bounding_box())  # type: ignore[return-value]

    # ----- interchange (skymaps.interchange) -------------------------------------
    def to_moc(self, depth: int = 10) -> Any:
        """A ``mocpy.MOC`` of the HEALPix cells at ``depth`` that touch the region."""
        from .interchange import to_moc

        return to_moc(self, depth)

    def to_regions(self) -> Any:
        """astropy-regions sky region(s) (needs the ``regions`` package)."""
        from .interchange import to_regions

        return to_regions(self)

    def to_ds9(self) -> str:
        """DS9 region text (icrs)."""
        from .interchange import to_ds9

        return to_ds9(self)

    def to_stcs(self) -> str:
        """STC-S text (``Polygon ICRS ...``, ``Circle ICRS ...``)."""
        from .interchange import to_stcs

        return to_stcs(self)

    def to_geojson(self) -> dict[str, Any]:
        """A GeoJSON Feature (``[ra, dec]`` coordinates)."""
        from .interchange import to_geojson

        return to_geojson(self)

    @staticmethod
    def from_stcs(text: str) -> Region:
        """The region of STC-S text (see :func:`skymaps.interchange.from_stcs`)."""
        from .interchange import from_stcs

        return from_stcs(text)

    @staticmethod
    def from_ds9(text: str) -> Region:
        """The region of DS9 region text (needs the ``regions`` package)."""
        from .interchange import from_ds9

        return from_ds9(text)

    @staticmethod
    def from_regions(obj: Any) -> Region:
        """The region of astropy-regions sky region(s)."""
        from .interchange import from_regions

        return from_regions(obj)

    @staticmethod
    def from_geojson(obj: Any) -> Region:
        """The region of a GeoJSON object or text."""
        from .interchange import from_geojson

        return from_geojson(obj)

    # ----- Python protocol ------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Region):
            return NotImplemented
        return self._core.equals(other._core)

    def __hash__(self) -> int:
        # Consistent with __eq__ (sphgeom equality: polygons up to vertex rotation,
        # all empty circles/boxes equal, all full circles equal).
        return hash((type(self).__name__, self._hash_key()))

    def _hash_key(self) -> Any:
        if self.is_empty():
            return "empty"
        return self.encode()

    def __reduce__(self):
        return (Region.decode, (self.encode(),))

    def __repr__(self) -> str:
        return f"{type(self).__name__}.decode_hex({self.to_hex()!r})"


def _as_region(obj: Any) -> Region:
    if isinstance(obj, Region):
        return obj
    if hasattr(obj, "encode") and type(obj).__module__.startswith("lsst.sphgeom"):
        return Region.from_sphgeom(obj)
    raise TypeError(f"expected a skymaps Region, got {type(obj).__name__}")


@contextlib.contextmanager
def _outline_hint(hull: bool) -> Iterator[None]:
    """Adds to an outline's error how to ask for the convex hull instead."""
    try:
        yield
    except InvalidRegionError as err:
        if hull or not str(err).startswith(("the outline", "degenerate corner")):
            raise
        raise InvalidRegionError(
            f"{err}; pass hull=True to get the convex hull of the points instead"
        ) from None


class ConvexPolygon(Region):
    """A convex spherical polygon (sphgeom ``ConvexPolygon``).

    Build with :meth:`from_lonlat` or :meth:`from_vectors` from an outline (vertices in
    order, which must be convex), or from any points with ``hull=True`` (their convex
    hull). Vertices are counter-clockwise, in sphgeom's order.
    """

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use ConvexPolygon.from_lonlat(...) or ConvexPolygon.from_vectors(...)")

    @staticmethod
    def from_lonlat(lon: Any, lat: Any = None, *, hull: bool = False) -> ConvexPolygon:
        """Polygon from vertices in degrees (or one ``SkyCoord``).

        Parameters
        ----------
        lon, lat : array_like
            Vertex longitudes and latitudes in degrees.
        hull : bool
            ``False`` (default): the points are the polygon's outline, in order around
            its boundary. Counter-clockwise outlines are kept as given; clockwise ones
            are accepted (reversed: the vertices come back counter-clockwise). A
            non-convex, self-intersecting or degenerate outline is refused, never
            silently replaced by a bigger region. ``True``: the convex hull of the
            points, in any order, like ``lsst.sphgeom.ConvexPolygon(points)``.

        In both modes a convex outline gives sphgeom's vertices bit for bit (sphgeom's
        hull keeps a counter-clockwise outline in order).

        Raises
        ------
        skymaps.InvalidCoordinateError
            NaN/inf or |lat| > 90.
        skymaps.InvalidRegionError
            Fewer than 3 distinct points, points on one great circle, antipodal
            points / no hemisphere containing them, or (``hull=False``) an outline
            that is not convex, self-intersecting or with a degenerate corner (the
            message says which).

        Examples
        --------
        >>> l_shape = ([0, 2, 2, 1, 1, 0], [0, 0, 1, 1, 2, 2])
        >>> ConvexPolygon.from_lonlat(*l_shape)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        skymaps.errors.InvalidRegionError: the outline is non-convex: ...; pass hull=True ...
        >>> len(ConvexPolygon.from_lonlat(*l_shape, hull=True))
        5
        """
        flat = lonlat_arrays(lon, lat)
        with _outline_hint(hull):
            return _wrap(_core._polygon_from_lonlat(flat.lon, flat.lat, hull))  # type: ignore[return-value]

    @staticmethod
    def from_vectors(xyz: Any, *, hull: bool = False, normalize: bool = True) -> ConvexPolygon:
        """Polygon from an (N, 3) array of vectors.

        With ``normalize=True`` (default) each row is normalized like sphgeom's
        ``UnitVector3d(x, y, z)``; with ``False`` rows must already be unit vectors
        (within 1e-10) and are kept bit for bit, like ``UnitVector3d.fromNormalized``
        (use this to rebuild a polygon from stored vertices). ``hull`` as in
        :meth:`from_lonlat`: by default the rows are an outline that must be convex.
        """
        a = np.asarray(xyz, dtype=np.float64)
        if a.ndim != 2 or a.shape[1] != 3:
            raise ShapeMismatchError(f"xyz must have shape (N, 3), got {a.shape}")
        with _outline_hint(hull):
            return _wrap(_core._polygon_from_xyz(as_flat_float(a), hull, normalize))  # type: ignore[return-value]

    def vertices(self) -> np.ndarray:
        """Vertices as an (N, 3) float64 array (sphgeom ``getVertices``)."""
        return self._core.vertices_xyz()

    vertices_xyz = vertices

    def lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        """Vertex longitudes (in [0, 360)) and latitudes, degrees."""
        return self._core.vertices_lonlat()

    def centroid(self) -> tuple[float, float]:
        """Centroid (lon, lat) in degrees (sphgeom ``getCentroid``)."""
        return self._core.centroid()

    def __len__(self) -> int:
        return len(self.vertices())

    def _hash_key(self) -> Any:
        return frozenset(map(tuple, self.vertices().tolist()))


class Circle(Region):
    """A circle (spherical cap) of ``radius`` degrees around (lon, lat)
    (sphgeom ``Circle(UnitVector3d(LonLat.fromDegrees(lon, lat)),
    Angle.fromDegrees(radius))``)."""

    __slots__ = ()

    def __init__(self, lon: Any, lat: Any, radius: Any) -> None:
        lon_d, lat_d, r_d = (float(to_degrees(x)) for x in (lon, lat, radius))
        object.__setattr__(self, "_core", _core._circle(lon_d, lat_d, r_d))

    @property
    def center(self) -> tuple[float, float]:
        """(lon, lat) of the center in degrees."""
        lon, lat, _, _ = self._core.circle_params()
        return lon, lat

    @property
    def radius(self) -> float:
        """Opening angle in degrees."""
        return self._core.circle_params()[2]

    def _hash_key(self) -> Any:
        if self.is_empty():
            return "empty"
        if self._core.circle_params()[3] >= 4.0:
            return "full"
        return self.encode()


class Box(Region):
    """A lon/lat box in degrees, closed; wraps through RA 0 when ``lon_min > lon_max``
    (sphgeom ``Box.fromDegrees(lon_min, lat_min, lon_max, lat_max)``)."""

    __slots__ = ()

    def __init__(self, lon_min: Any, lon_max: Any, lat_min: Any, lat_max: Any) -> None:
        vals = (float(to_degrees(x)) for x in (lon_min, lon_max, lat_min, lat_max))
        object.__setattr__(self, "_core", _core._box(*vals))

    @property
    def lon_range(self) -> tuple[float, float]:
        a, b, _, _ = self._core.box_params()
        return a, b

    @property
    def lat_range(self) -> tuple[float, float]:
        _, _, a, b = self._core.box_params()
        return a, b


class _CompoundRegion(Region):
    """Shared body of :class:`UnionRegion` and :class:`IntersectionRegion`."""

    __slots__ = ()
    _IS_UNION: bool

    def __init__(self, *operands: Region) -> None:
        cores = [_as_region(r)._core for r in operands]
        object.__setattr__(self, "_core", _core._compound(cores, self._IS_UNION))

    def operands(self) -> list[Region]:
        return [_wrap(c) for c in self._core.operands()]

    def _hash_key(self) -> Any:
        return tuple(hash(r) for r in self.operands())


class UnionRegion(_CompoundRegion):
    """Points in any operand (sphgeom ``UnionRegion``)."""

    __slots__ = ()
    _IS_UNION = True


class IntersectionRegion(_CompoundRegion):
    """Points in every operand (sphgeom ``IntersectionRegion``)."""

    __slots__ = ()
    _IS_UNION = False


_KINDS: dict[str, type[Region]] = {
    "ConvexPolygon": ConvexPolygon,
    "Circle": Circle,
    "Box": Box,
    "UnionRegion": UnionRegion,
    "IntersectionRegion": IntersectionRegion,
}


def overlaps_many(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> np.ndarray:
    """Whether polygon pairs overlap, building each polygon (convex hull) in Rust.

    Parameters
    ----------
    lon1, lat1 : array_like, shape (N, K1)
        Vertices (degrees) of the first polygon of each pair.
    lon2, lat2 : array_like, shape (N, K2)
        Vertices of the second polygon.

    Returns
    -------
    numpy.ndarray of bool, shape (N,)
        ``ConvexPolygon.from_lonlat(lon1[i], lat1[i], hull=True).overlaps(...)`` for each pair.
    """
    a_lon, a_lat = np.broadcast_arrays(to_degrees(lon1), to_degrees(lat1))
    b_lon, b_lat = np.broadcast_arrays(to_degrees(lon2), to_degrees(lat2))
    if a_lon.ndim != 2 or b_lon.ndim != 2 or a_lon.shape[0] != b_lon.shape[0]:
        raise ShapeMismatchError(
            f"vertex arrays must have shapes (N, K1) and (N, K2), got {a_lon.shape} and "
            f"{b_lon.shape}"
        )
    return _core._overlaps_many(
        as_flat_float(a_lon),
        as_flat_float(a_lat),
        a_lon.shape[1],
        as_flat_float(b_lon),
        as_flat_float(b_lat),
        b_lon.shape[1],
    )
