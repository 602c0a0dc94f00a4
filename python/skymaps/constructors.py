"""The skymap classes ``lsst.skymap`` users construct: rings, discrete, equat, dodeca
and the legacy HEALPix skymap, each building its config and the Rust skymap from it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from . import _core
from .errors import InvalidConfigError
from .skymap import SkyMap

__all__ = [
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
