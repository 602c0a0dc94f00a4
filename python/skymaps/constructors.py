"""The skymap classes ``lsst.skymap`` users construct: rings, discrete, equat, dodeca
and the legacy HEALPix skymap.

Each builds its config through the core's schema (:mod:`skymaps._schema`): argument
names, defaults (including ``lsst.skymap``'s ``setDefaults``) and checks come from that
one table, and so do the ``Parameters`` sections of these docstrings. An argument left
out (or None) takes the table's default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._schema import config_from_args, parameters_doc
from .skymap import SkyMap

__all__ = [
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
