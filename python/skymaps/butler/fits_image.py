"""A butler formatter that reads one image HDU of a FITS file as a numpy array.

Hosted coadds (see :mod:`skymaps.headers`) are ingested where they lie, one dataset per
image; a multi-extension file holds several, so the ingest table names the HDU in the
URI fragment (``file:///data/w2012.fits#hdu=2``). Without a fragment the first image
HDU is read. Use the ``NumpyArray`` storage class (daf_butler's own) for the dataset
type and this formatter in ``butler ingest-files --formatter``.
"""

from __future__ import annotations

from typing import Any

from lsst.daf.butler import FormatterV2

from ..errors import DecodeError

__all__ = ["FORMATTER", "FitsImageFormatter", "hdu_from_fragment"]

FORMATTER = "skymaps.butler.fits_image.FitsImageFormatter"


def hdu_from_fragment(fragment: str) -> int | None:
    """The HDU index of a ``hdu=K`` URI fragment, or None without one."""
    for part in fragment.split("&"):
        key, _, value = part.partition("=")
        if key == "hdu":
            if not value.isdigit():
                raise DecodeError(f"bad HDU in URI fragment {fragment!r}: expected hdu=<int>")
            return int(value)
    return None


class FitsImageFormatter(FormatterV2):
    """Reads the image of one HDU (read-only: hosted files are never rewritten)."""

    default_extension = ".fits"
    unsupported_parameters = None
    can_read_from_local_file = True

    def read_from_local_file(
        self, path: str, component: str | None = None, expected_size: int = -1
    ) -> Any:
        from astropy.io import fits

        hdu = hdu_from_fragment(self.file_descriptor.location.uri.fragment)
        with fits.open(path, memmap=False) as hdus:
            if hdu is None:
                hdu = next((k for k, h in enumerate(hdus) if h.header.get("NAXIS", 0) >= 2), 0)
            if not 0 <= hdu < len(hdus) or hdus[hdu].data is None:
                raise DecodeError(f"{path}: HDU {hdu} holds no image")
            return hdus[hdu].data.copy()
