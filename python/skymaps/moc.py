"""IVOA MOC 2.0 coverage maps from and to :class:`skymaps.RangeSet`.

A MOC is a set of nested HEALPix pixels at a maximum ``depth`` (order), written as
cells of mixed orders. Here a MOC is always given as a RangeSet of nested pixel ids at
``depth`` (for example ``Healpix(depth).envelope(region)``).

Examples
--------
>>> from skymaps import RangeSet
>>> from skymaps import moc
>>> moc.to_ascii(RangeSet([(4, 9)]), depth=1)
'0/1 1/8'
>>> moc.from_ascii("0/1 1/8")
RangeSet([(4, 9)])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _core
from .errors import DecodeError

__all__ = ["to_ascii", "from_ascii", "to_uniq", "from_uniq", "to_fits", "from_fits",
           "to_mocpy", "from_mocpy"]

RangeSet = _core.RangeSet


def to_ascii(ranges: RangeSet, depth: int) -> str:
    """IVOA MOC 2.0 ASCII (``"order/ipix-ipix ..."``) of nested pixels at ``depth``."""
    return _core.moc_to_ascii(ranges, int(depth))


def from_ascii(text: str, depth: int | None = None) -> RangeSet:
    """Nested pixels at ``depth`` (default: the deepest order in ``text``) of a MOC string."""
    ranges, _ = _core.moc_from_ascii(text, depth)
    return ranges


def to_uniq(ranges: RangeSet, depth: int) -> np.ndarray:
    """NUNIQ codes (``4 * 4**order + ipix``, uint64) of the MOC cells."""
    return _core.moc_to_uniq(ranges, int(depth))


def from_uniq(uniq: Any, depth: int) -> RangeSet:
    """Nested pixels at ``depth`` covered by NUNIQ-coded cells (deeper cells widen)."""
    a = np.asarray(uniq)
    if a.size and (a.dtype.kind not in "iu" or a.min() < 0):
        raise DecodeError("NUNIQ codes must be non-negative integers")
    return _core.moc_from_uniq(np.ascontiguousarray(a.reshape(-1), dtype=np.uint64), int(depth))


def to_fits(ranges: RangeSet, depth: int, path: Any = None, overwrite: bool = False) -> Any:
    """A MOC 2.0 FITS ``HDUList`` (NUNIQ binary table); written to ``path`` if given.

    Needs astropy.
    """
    from astropy.io import fits

    uniq = to_uniq(ranges, depth).astype(np.int64)
    col = fits.Column(name="UNIQ", format="K", array=uniq)
    hdu = fits.BinTableHDU.from_columns([col])
    h = hdu.header
    h["PCOUNT"] = 0
    h["GCOUNT"] = 1
    h["MOCVERS"] = "2.0"
    h["MOCDIM"] = "SPACE"
    h["ORDERING"] = "NUNIQ"
    h["COORDSYS"] = "C"
    h["MOCORD_S"] = int(depth)
    h["MOCTOOL"] = "skymaps"
    h["EXTNAME"] = "MOC"
    hdul = fits.HDUList([fits.PrimaryHDU(), hdu])
    if path is not None:
        hdul.writeto(path, overwrite=overwrite)
    return hdul


def from_fits(source: Any, depth: int | None = None) -> RangeSet:
    """Nested pixels at ``depth`` (default: the file's ``MOCORDER``/``MOCORD_S``) of a
    MOC FITS file, path or ``HDUList`` (NUNIQ ordering)."""
    from astropy.io import fits

    hdul = source if isinstance(source, fits.HDUList) else fits.open(source)
    hdu = hdul[1]
    ordering = hdu.header.get("ORDERING", "NUNIQ")
    if depth is None:
        depth = hdu.header.get("MOCORD_S", hdu.header.get("MOCORDER"))
        if depth is None:
            raise DecodeError("the MOC FITS header has no MOCORD_S/MOCORDER; pass depth")
    values = np.asarray(hdu.data.field(0)).astype(np.int64).reshape(-1)
    if ordering == "NUNIQ":
        return from_uniq(values, int(depth))
    if ordering == "RANGE":
        # MOC 2.0 RANGE: [begin, end) pairs of depth-29 pixels, one value per row.
        if values.size % 2 or (values.size and values.min() < 0):
            raise DecodeError("a RANGE MOC needs an even number of non-negative values")
        return _from_depth29(values.astype(np.uint64).reshape(-1, 2), int(depth))
    raise DecodeError(f"unsupported MOC FITS ORDERING={ordering!r}; expected NUNIQ or RANGE")


def _from_depth29(r: np.ndarray, depth: int) -> RangeSet:
    """Depth-29 ranges widened to whole pixels at ``depth``."""
    if not len(r):
        return RangeSet()
    shift = np.uint64(2 * (29 - depth))
    begin = r[:, 0] >> shift
    end = (r[:, 1] + (np.uint64(1) << shift) - np.uint64(1)) >> shift
    return RangeSet(np.stack([begin, end], axis=1))


def to_mocpy(ranges: RangeSet, depth: int) -> Any:
    """A ``mocpy.MOC`` of nested pixels at ``depth`` (needs mocpy)."""
    from mocpy import MOC

    r = ranges.scaled(4 ** (29 - int(depth))).ranges() if ranges.num_ranges() else \
        np.zeros((0, 2), dtype=np.uint64)
    return MOC.from_depth29_ranges(int(depth), np.ascontiguousarray(r, dtype=np.uint64))


def from_mocpy(moc: Any, depth: int | None = None) -> RangeSet:
    """Nested pixels at ``depth`` (default: the MOC's max order) of a ``mocpy.MOC``;
    cells deeper than ``depth`` widen to their ancestor."""
    if depth is None:
        depth = int(moc.max_order)
    r = np.asarray(moc.to_depth29_ranges, dtype=np.uint64).reshape(-1, 2)
    return _from_depth29(r, int(depth))
