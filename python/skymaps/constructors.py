"""The skymap classes ``lsst.skymap`` users construct: rings, discrete, equat, dodeca
and the legacy HEALPix skymap, each building its config and the Rust skymap from it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _core
from .errors import IdError, InvalidConfigError
from .skymap import SkyMap

__all__ = [
    "HealpixSkyMap",
    "HtmSkyMap",
    "BoxTilingSkyMap",
    "BrickSkyMap",
    "DiscreteSkyMap",
    "DodecaSkyMap",
    "EquatSkyMap",
    "LegacyHealpixSkyMap",
    "RingsSkyMap",
]


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


class RingsSkyMap(SkyMap, kind="rings"):
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


class DiscreteSkyMap(SkyMap, kind="discrete"):
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


class EquatSkyMap(SkyMap, kind="equat"):
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


class DodecaSkyMap(SkyMap, kind="dodeca"):
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


class LegacyHealpixSkyMap(SkyMap, kind="healpix"):
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


#: Legacy Surveys coadds are 3600 px of 0.262 arcsec for 0.25 deg bricks: 4.8% wider.
_COADD_MARGIN = 3600 * 0.262 / 3600 / 0.25


class BrickSkyMap(SkyMap, kind="bricks"):
    """Legacy Surveys (DECaLS/DESI) bricks, or any RA/Dec-box tiling, as a skymap.

    Rows of constant Dec height ``bricksize`` (centred at ``-90 + i * bricksize``, polar
    caps of half height), each cut into equal RA divisions: ``(360 / bricksize) *
    cos(dec_lo)`` rounded up to a multiple of ``column_multiple`` (even for bricks),
    where ``dec_lo`` is the row edge nearest the equator. Tract id = ``BRICKID`` (from
    ``first_id``); names, ids, rows, columns, ``BRICKQ``, edges and centres are
    ``desiutil.brick.Bricks``'s, bit for bit, and so are owners: the brick whose
    RA/Dec bounds hold the point, a point on an edge going to the brick north/east of
    it (``BRICK_PRIMARY``). Each brick is a tract with the Legacy Surveys coadd WCS:
    TAN centred on the brick, 0.262 arcsec/px, 3600 x 3600 px, one patch by default.

    Parameters
    ----------
    bricksize : float, default 0.25
        Row height in degrees; must divide 180.
    column_multiple : int, default 2
        Number of columns per row is rounded up to a multiple of this.
    naming : {"legacysurvey", "id"}, default "legacysurvey"
        ``RRRRpDDD`` names, or the id as text (for other surveys' grids).
    first_id : int, default 1
        Id of the south-cap tile (``BRICKID`` starts at 1).
    tract_dimensions : (int, int), optional
        Coadd size in pixels; the brick centre is at its middle (FITS CRPIX = n/2 + 0.5).
        Default: as the Legacy Surveys coadds, 4.8% wider than a brick row
        (``round(1.048 * bricksize * 3600 / pixel_scale)``: 3600 for 0.25 deg bricks at
        0.262 arcsec/px). Every brick's RA/Dec box then lies inside its coadd (the
        butler's tract region) except in the three rows beside each polar cap, whose
        constant-Dec edges bend out of the square (96 bricks of 662,174); pass larger
        dimensions if those must be covered too.
    pixel_scale : float, default 0.262
        Arcseconds per pixel.
    projection : str, default "TAN"
    patch_inner_dimensions : (int, int), default ``tract_dimensions``
        One patch per brick unless set.
    patch_border : int, default 0

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

    def __init__(
        self,
        bricksize: float = 0.25,
        *,
        column_multiple: int = 2,
        naming: str = "legacysurvey",
        first_id: int = 1,
        tract_dimensions: Sequence[int] | None = None,
        pixel_scale: float = 0.262,
        projection: str = "TAN",
        patch_inner_dimensions: Sequence[int] | None = None,
        patch_border: int = 0,
        rotation: float = 0.0,
    ):
        if tract_dimensions is None:
            side = round(_COADD_MARGIN * float(bricksize) * 3600.0 / float(pixel_scale))
            tract_dimensions = (side, side)
        config = {
            "skymap_class": "bricks",
            "version": 0,
            "projection": projection,
            "pixelScale": pixel_scale,
            "tractOverlap": 0.0,
            "rotation": rotation,
            "tractBuilder": _builder(
                "legacy",
                list(patch_inner_dimensions or tract_dimensions),
                patch_border,
                (150, 150),
                50,
                20,
                1,
            ),
            "brickSize": bricksize,
            "columnMultiple": column_multiple,
            "naming": naming,
            "firstId": first_id,
            "tractDimensions": [int(v) for v in tract_dimensions],
        }
        _init_from(self, config)

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
        """Ids of bricks by name (``BRICKID``); raises :class:`IdError` for an unknown
        name."""
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
        out.update(zip(("ra", "dec", "ra1", "ra2", "dec1", "dec2", "area"), floats, strict=True))
        return out


#: A generic RA/Dec-box tiling is a brick skymap with its own row height, column rule,
#: naming and pixel grid.
BoxTilingSkyMap = BrickSkyMap


class HealpixSkyMap(SkyMap, kind="healpix_grid"):
    """One tract per HEALPix pixel at ``order``, in the standard orientation.

    Tract id = the pixel's NESTED id, identical to ``healpy.ang2pix(2**order, ra, dec,
    nest=True, lonlat=True)`` for every point (unlike lsst.skymap's deprecated
    ``HealpixSkyMap``, :class:`LegacyHealpixSkyMap`, which mirrors the pixels in Dec).
    Each tract has a WCS centred on its pixel and a pixel box around the pixel's
    corners grown by half the overlap. The owner of a point is the pixel holding it;
    a tract's inner polygon joins the pixel's four corners by great circles, so it
    differs from the curved pixel by thin slivers. ``order`` is at most 8.

    Parameters
    ----------
    order : int
        HEALPix order (``nside = 2**order``), 0..8.
    projection : str, default "TAN"
    pixel_scale : float, default 0.2
        Arcseconds per pixel.
    tract_overlap : float, default 1/60
        Degrees.

    Examples
    --------
    >>> from skymaps import HealpixSkyMap
    >>> sky = HealpixSkyMap(order=2)
    >>> len(sky), int(sky.find_tract(45.0, 10.0))
    (192, 100)
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + _COMMON_DOC

    def __init__(self, order: int, **kw: Any):
        kw.setdefault("pixel_scale", 0.2)
        kw.setdefault("tract_overlap", 1 / 60)
        config = {"skymap_class": "healpix_grid", "version": 0, **_common(kw, "TAN")}
        config.update(order=order)
        _no_extra(kw)
        _init_from(self, config)


class HtmSkyMap(SkyMap, kind="htm_grid"):
    """One tract per HTM trixel at ``level``; tract ids are sphgeom's trixel ids
    (``HtmPixelization(level).index``), from ``8 * 4**level``.

    The tract's inner polygon is the trixel itself, so the owner's inner region holds
    every point it owns. ``level`` is at most 8.

    Parameters
    ----------
    level : int
        HTM level, 0..8.
    projection : str, default "TAN"
    pixel_scale : float, default 0.2
    tract_overlap : float, default 1/60

    Examples
    --------
    >>> from skymaps import HtmSkyMap
    >>> sky = HtmSkyMap(level=3)
    >>> len(sky), int(sky.tract_ids()[0])
    (512, 512)
    """

    __slots__ = ()
    __doc__ = (__doc__ or "") + _COMMON_DOC

    def __init__(self, level: int, **kw: Any):
        kw.setdefault("pixel_scale", 0.2)
        kw.setdefault("tract_overlap", 1 / 60)
        config = {"skymap_class": "htm_grid", "version": 0, **_common(kw, "TAN")}
        config.update(level=level)
        _no_extra(kw)
        _init_from(self, config)
