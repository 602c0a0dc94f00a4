"""Tract WCS: vectorized pixel <-> sky, FITS headers and astropy interop.

:class:`TractWcs` is the world-coordinate system ``lsst.skymap`` gives a tract
(``afw.geom.makeSkyWcs``): a FITS celestial WCS (TAN, STG or CEA) with a CD matrix
built from the pixel scale and rotation, ``+x`` toward ``-RA`` at rotation 0, and
**0-based** pixel centres (the FITS ``CRPIX`` is ours plus one). It replaces
``lsst.afw.geom.SkyWcs`` for ``pixelToSky``/``skyToPixel``; both names are kept as
aliases (in :mod:`skymaps.compat`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _core
from ._coords import as_flat_float, lonlat_arrays, restore
from .compat import TractWcsCompat
from .errors import InvalidConfigError, ShapeMismatchError

__all__ = ["TractWcs"]


class TractWcs(TractWcsCompat):
    """A tract's WCS.

    Parameters
    ----------
    projection : str
        FITS projection code: ``"TAN"``, ``"STG"`` or ``"CEA"``.
    crval : tuple of float
        Reference sky position (lon, lat) in degrees.
    crpix : tuple of float
        Reference pixel, **0-based**.
    cd : 2x2 array_like
        CD matrix in degrees per pixel (``cd[i][j]`` is FITS ``CD{i+1}_{j+1}``).
    pixel_shape : tuple of int, optional
        ``(width, height)`` of the image this WCS describes (``NAXIS1``, ``NAXIS2``);
        set for a patch's or cell's WCS, ``None`` for a tract's.

    Examples
    --------
    >>> wcs = TractWcs("TAN", (10.0, 20.0), (0.0, 0.0), [[-1e-4, 0.0], [0.0, 1e-4]])
    >>> ra, dec = wcs.pixel_to_sky(0.0, 0.0)
    >>> round(float(ra), 9), round(float(dec), 9)
    (10.0, 20.0)
    """

    __slots__ = ("_core", "pixel_shape")

    def __init__(
        self,
        projection: str,
        crval: tuple[float, float],
        crpix: tuple[float, float],
        cd: Any,
        pixel_shape: tuple[int, int] | None = None,
    ) -> None:
        cd_arr = np.asarray(cd, dtype=np.float64)
        if cd_arr.shape != (2, 2):
            raise ShapeMismatchError(f"cd must be a 2x2 matrix, got shape {cd_arr.shape}")
        self._core = _core.TractWcs(
            str(projection),
            (float(crval[0]), float(crval[1])),
            (float(crpix[0]), float(crpix[1])),
            [[float(v) for v in row] for row in cd_arr],
        )
        self.pixel_shape = _pixel_shape(pixel_shape)

    @classmethod
    def _wrap(cls, core: Any, pixel_shape: tuple[int, int] | None = None) -> TractWcs:
        obj = cls.__new__(cls)
        obj._core = core
        obj.pixel_shape = _pixel_shape(pixel_shape)
        return obj

    @property
    def projection(self) -> str:
        """FITS projection code."""
        return self._core.projection

    @property
    def crval(self) -> tuple[float, float]:
        """Reference sky position (lon, lat) in degrees."""
        return self._core.crval

    @property
    def crpix(self) -> tuple[float, float]:
        """Reference pixel, 0-based (FITS ``CRPIX`` minus one)."""
        return self._core.crpix

    @property
    def cd(self) -> np.ndarray:
        """CD matrix in degrees per pixel."""
        return np.array(self._core.cd, dtype=np.float64)

    def pixel_to_sky(self, x: Any, y: Any) -> tuple[Any, Any]:
        """0-based pixel positions to (lon, lat) in degrees (broadcast; NaN off-domain).

        Parameters
        ----------
        x, y : array_like
            Pixel coordinates.

        Returns
        -------
        lon, lat : ndarray or float
            Degrees, in the broadcast shape of the inputs.
        """
        try:
            xb, yb = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
        except ValueError as exc:
            raise ShapeMismatchError(f"x and y do not broadcast: {exc}") from exc
        shape = xb.shape
        lon, lat = self._core.pixel_to_sky(as_flat_float(xb), as_flat_float(yb))
        if shape == ():
            return lon[0], lat[0]
        return lon.reshape(shape), lat.reshape(shape)

    def sky_to_pixel(self, lon: Any, lat: Any = None) -> tuple[Any, Any]:
        """(lon, lat) in degrees (or a SkyCoord) to 0-based pixel positions.

        NaN where the projection diverges (e.g. beyond 90 degrees for TAN).
        """
        flat = lonlat_arrays(lon, lat)
        x, y = self._core.sky_to_pixel(flat.lon, flat.lat)
        return restore(x, flat), restore(y, flat)

    def __reduce__(self) -> tuple[Any, ...]:
        # The four FITS parameters as stored (crval in radians), so that the rebuilt WCS
        # is bit-identical.
        return (_unpickle, (*self._core.state(), self.pixel_shape))

    def to_header(self) -> Any:
        """The FITS header (``astropy.io.fits.Header``) of this WCS.

        ``CRPIX`` is 1-based as FITS requires; ``LONPOLE``/``LATPOLE`` are written
        explicitly (the FITS defaults this WCS uses). With a :attr:`pixel_shape`,
        ``NAXIS``/``NAXIS1``/``NAXIS2`` give the image size.
        """
        from astropy.io import fits

        if not self._core.is_linear:
            raise InvalidConfigError(
                "this WCS has SIP/TPV/ZPN terms (a headers skymap's tract); its full header "
                "is skymaps.headers.tract_header(skymap, tract_id)"
            )
        h = fits.Header()
        code = self.projection
        if self.pixel_shape is not None:
            h["NAXIS"] = 2
            h["NAXIS1"] = self.pixel_shape[0]
            h["NAXIS2"] = self.pixel_shape[1]
        h["WCSAXES"] = 2
        h["CTYPE1"] = f"RA---{code}"
        h["CTYPE2"] = f"DEC--{code}"
        h["CUNIT1"] = "deg"
        h["CUNIT2"] = "deg"
        h["CRVAL1"] = self.crval[0]
        h["CRVAL2"] = self.crval[1]
        h["CRPIX1"] = self.crpix[0] + 1.0
        h["CRPIX2"] = self.crpix[1] + 1.0
        cd = self.cd
        h["CD1_1"] = cd[0, 0]
        h["CD1_2"] = cd[0, 1]
        h["CD2_1"] = cd[1, 0]
        h["CD2_2"] = cd[1, 1]
        h["LONPOLE"] = self._core.lonpole
        h["LATPOLE"] = self._core.latpole
        h["RADESYS"] = "ICRS"
        return h

    def to_astropy(self) -> Any:
        """An ``astropy.wcs.WCS`` equal to this WCS (0-based pixels: use origin 0), with
        its ``pixel_shape`` when this WCS has one."""
        from astropy.wcs import WCS

        wcs = WCS(self.to_header())
        if self.pixel_shape is not None:
            wcs.pixel_shape = self.pixel_shape
        return wcs

    def __repr__(self) -> str:
        return repr(self._core)


def _pixel_shape(shape: Any) -> tuple[int, int] | None:
    if shape is None:
        return None
    width, height = (int(n) for n in shape)
    return (width, height)


def _unpickle(
    projection: str, crval_rad: Any, crpix: Any, cd: Any, pixel_shape: Any = None
) -> TractWcs:
    core = _core.TractWcs.from_radians(projection, crval_rad, crpix, cd)
    return TractWcs._wrap(core, pixel_shape)
