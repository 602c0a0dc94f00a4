"""The skymap classes users construct: ``lsst.skymap``'s rings, discrete, equat, dodeca
and the legacy HEALPix skymap, and skymaps' own survey grids: Legacy Surveys bricks
(any RA/Dec-box tiling), HEALPix and HTM tract grids.

Each builds its config through the core's schema (:mod:`skymaps._schema`): argument
names, defaults (including ``lsst.skymap``'s ``setDefaults``) and checks come from that
one table, and so do the ``Parameters`` sections of these docstrings. An argument left
out (or None) takes the table's default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._schema import config_from_args, parameters_doc
from .errors import IdError, InvalidConfigError
from .skymap import SkyMap

__all__ = [
    "BoxTilingSkyMap",
    "BrickSkyMap",
    "HealpixSkyMap",
    "HtmSkyMap",
    "DiscreteSkyMap",
    "DodecaSkyMap",
    "EquatSkyMap",
    "LegacyHealpixSkyMap",
    "RingsSkyMap",
]


def _build(obj: SkyMap, kind: str, args: dict[str, Any]) -> None:
    SkyMap._init_core(obj, config_from_args(kind, args))


class RingsSkyMap(SkyMap, kind="rings"):
    """``lsst.skymap.RingsSkyMap``: ``num_rings`` Dec rings plus two polar caps.

    ``version=0`` gives the pre-DM-14809 tract numbering of old repositories.
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + parameters_doc("rings")

    def __init__(self, num_rings: int, ra_start: float | None = None, **kw: Any):
        _build(self, "rings", dict(kw, num_rings=num_rings, ra_start=ra_start))


class DiscreteSkyMap(SkyMap, kind="discrete"):
    """``lsst.skymap.DiscreteSkyMap``: one tract per (ra, dec, radius), degrees."""

    __slots__ = ()
    __doc__ = (__doc__ or "") + parameters_doc("discrete")

    def __init__(
        self,
        ra_list: Sequence[float],
        dec_list: Sequence[float],
        radius_list: Sequence[float],
        **kw: Any,
    ):
        args = dict(kw, ra_list=ra_list, dec_list=dec_list, radius_list=radius_list)
        _build(self, "discrete", args)


class EquatSkyMap(SkyMap, kind="equat"):
    """``lsst.skymap.EquatSkyMap``: ``num_tracts`` tracts around the equator."""

    __slots__ = ()
    __doc__ = (__doc__ or "") + parameters_doc("equat")

    def __init__(
        self, num_tracts: int | None = None, dec_range: Sequence[float] | None = None, **kw: Any
    ):
        _build(self, "equat", dict(kw, num_tracts=num_tracts, dec_range=dec_range))


class DodecaSkyMap(SkyMap, kind="dodeca"):
    """``lsst.skymap.DodecaSkyMap``: 12 tracts on the faces of a dodecahedron."""

    __slots__ = ()
    __doc__ = (__doc__ or "") + parameters_doc("dodeca")

    def __init__(self, with_tracts_on_poles: bool | None = None, **kw: Any):
        _build(self, "dodeca", dict(kw, with_tracts_on_poles=with_tracts_on_poles))


class LegacyHealpixSkyMap(SkyMap, kind="healpix"):
    """``lsst.skymap``'s deprecated ``HealpixSkyMap`` (for existing repositories).

    One tract per HEALPix pixel, **mirrored in Dec** as that class does (it maps the
    HEALPix colatitude ``theta`` to Dec ``theta - 90 deg``): tract ``i`` is HEALPix
    pixel ``i`` reflected through the equator. Owners use the HEALPix arithmetic.
    ``log2_nside`` is at most 6 here: tracts are built eagerly (``lsst.skymap`` builds
    them on demand).
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + parameters_doc("healpix")

    def __init__(self, log2_nside: int | None = None, nest: bool | None = None, **kw: Any):
        _build(self, "healpix", dict(kw, log2_nside=log2_nside, nest=nest))


class HealpixSkyMap(SkyMap, kind="healpix_grid"):
    """One tract per HEALPix pixel at ``order``, in the standard orientation.

    Tract id = the pixel's NESTED id, identical to ``healpy.ang2pix(2**order, ra, dec,
    nest=True, lonlat=True)`` for every point (unlike lsst.skymap's deprecated
    ``HealpixSkyMap``, :class:`LegacyHealpixSkyMap`, which mirrors the pixels in Dec).
    Each tract has a WCS centred on its pixel and a pixel box around the pixel's corners
    grown by half the overlap. The owner of a point is the pixel holding it; a tract's
    inner polygon joins the pixel's four corners by great circles, so it differs from
    the curved pixel by thin slivers. ``order`` is at most 8 (tracts are built eagerly).

    Examples
    --------
    >>> from skymaps import HealpixSkyMap
    >>> sky = HealpixSkyMap(order=2)
    >>> len(sky), int(sky.find_tract(100.0, -30.0))
    (192, 80)
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + parameters_doc("healpix_grid")

    def __init__(self, order: int, **kw: Any):
        _build(self, "healpix_grid", dict(kw, order=order))


class HtmSkyMap(SkyMap, kind="htm_grid"):
    """One tract per HTM trixel at ``level``; tract ids are sphgeom's trixel ids
    (``HtmPixelization(level).index``), from ``8 * 4**level``.

    The tract's inner polygon is the trixel itself (sphgeom's vertices, bit for bit).
    ``level`` is at most 8 (tracts are built eagerly).

    Examples
    --------
    >>> from skymaps import HtmSkyMap
    >>> sky = HtmSkyMap(level=3)
    >>> len(sky), int(sky.tract_ids()[0])
    (512, 512)
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + parameters_doc("htm_grid")

    def __init__(self, level: int, **kw: Any):
        _build(self, "htm_grid", dict(kw, level=level))


class BrickSkyMap(SkyMap, kind="bricks"):
    """Legacy Surveys (DECaLS/DESI) bricks, or any RA/Dec-box tiling, as a skymap.

    Rows of constant Dec height ``bricksize`` (centred at ``-90 + i * bricksize``, polar
    caps of half height), each cut into equal RA divisions: ``(360 / bricksize) *
    cos(dec_lo)`` rounded up to a multiple of ``column_multiple`` (even for bricks),
    where ``dec_lo`` is the row edge nearest the equator. Tract id = ``BRICKID`` (from
    ``first_id``); names, ids, rows, columns, ``BRICKQ``, edges, centres and owners are
    ``desiutil.brick.Bricks``'s, bit for bit (one deliberate difference: a longitude
    such as ``-1e-300``, which ``% 360`` rounds up to 360, belongs to the row's last
    brick, where desiutil steps into the next row). A point on a Dec edge belongs to
    the brick north of it; on an RA edge to the east one unless desiutil's
    ``ra / 360 * n`` rounds below the integer (then the west one); either way the
    owner's closed RA/Dec box holds the point.

    Each brick is a tract with the Legacy Surveys coadd WCS: TAN centred on the brick,
    0.262 arcsec/px, 3600 x 3600 px for 0.25 deg bricks, one patch. The brick's box lies
    inside its coadd (the butler's tract region) except in the three rows beside each
    polar cap (96 of 662,174 bricks), whose constant-Dec edges bend out of the square;
    give ``tract_dimensions`` if those must be covered too. A generic RA/Dec-box tiling
    is the same class with its own ``bricksize``, ``column_multiple`` and
    ``naming="id"``.

    Examples
    --------
    >>> from skymaps import BrickSkyMap
    >>> bricks = BrickSkyMap()
    >>> len(bricks), int(bricks.find_tract(352.1, 0.3))
    (662174, 333216)
    >>> bricks.brick_names(333216), bricks[333216].name
    ('3521p002', '3521p002')
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + parameters_doc("bricks")

    def __init__(self, bricksize: float | None = None, **kw: Any):
        _build(self, "bricks", dict(kw, bricksize=bricksize))

    def tract_name(self, tract_id: int) -> str:
        return str(self.brick_names(int(tract_id)))

    def brick_names(self, ids: Any) -> Any:
        """Names of bricks by id (``BRICKNAME``); array in, array of str out."""
        arr = np.asarray(ids)
        flat = np.ascontiguousarray(arr, dtype=np.int64).ravel()
        codes, width = self._core.tile_names(flat)
        names = codes.view(f"<U{max(width, 1)}").reshape(arr.shape)
        return str(names) if arr.ndim == 0 else names

    def brick_ids(self, names: Any) -> Any:
        """Ids of bricks by name (``BRICKID``); :class:`IdError` for an unknown name."""
        arr = np.asarray(names)
        if arr.dtype.kind not in "US":
            raise InvalidConfigError(f"brick names must be strings, got {arr.dtype}")
        try:
            encoded = np.char.encode(arr, "ascii") if arr.dtype.kind == "U" else arr
        except UnicodeEncodeError as exc:
            raise IdError(f"brick names are ASCII; got {names!r}") from exc
        flat = np.ascontiguousarray(encoded).ravel()
        ids = self._core.tile_ids(flat.tobytes(), flat.dtype.itemsize)
        return int(ids[0]) if arr.ndim == 0 else ids.reshape(arr.shape)

    def brick_table(self, ids: Any = None) -> dict[str, np.ndarray]:
        """The columns of ``desiutil.brick.Bricks.to_table()`` (lower-case names) for
        ``ids`` (default: every brick): brickname, brickid, brickq, brickrow, brickcol,
        ra, dec, ra1, ra2, dec1, dec2, area."""
        ids = self.tract_ids() if ids is None else np.asarray(ids, dtype=np.int64).ravel()
        row, col, q, floats = self._core.tile_columns(np.ascontiguousarray(ids))
        out = {"brickname": self.brick_names(ids), "brickid": ids, "brickq": q}
        out.update(brickrow=row, brickcol=col)
        names = ("ra", "dec", "ra1", "ra2", "dec1", "dec2", "area")
        out.update(zip(names, floats, strict=True))
        return out


#: A generic RA/Dec-box tiling is a brick skymap with its own row height, column rule
#: and naming.
BoxTilingSkyMap = BrickSkyMap
