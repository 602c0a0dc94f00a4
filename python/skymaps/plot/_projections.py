"""Map projections of a drawing: lon/lat polylines to plane coordinates.

Two kinds, with the same three methods (``lines`` for outlines, ``rings`` for fills,
``points``):

* :class:`Mollweide`, the all-sky view: equal-area, east to the left as on the sky,
  centred on ``center_lon``. Lines are cut at the seam (:func:`cut_at_seam`); fills
  are returned with their shifted copies and must be clipped to :meth:`boundary`.
* :class:`WcsView`, a zoomed view in the pixels of an astropy celestial WCS (a tract's
  own WCS, or a TAN projection centred on a target). Points more than ``max_sep_deg``
  from the view centre are dropped (a TAN projection sends the far hemisphere to
  infinity), which cuts the lines there.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._sphere import cut_at_seam, unwrap_ring

__all__ = ["Mollweide", "WcsView", "tan_wcs"]

_SQRT2 = np.sqrt(2.0)


def _solve_theta(lat_deg: np.ndarray) -> np.ndarray:
    """The auxiliary angle of the Mollweide projection, 2t + sin 2t = pi sin(lat), by
    Newton's method from the series near the poles (pi/2 - t ~ (3 pi (1 - sin lat)
    / 4)^(1/3)), where a start at t = lat converges slowly."""
    phi = np.radians(np.asarray(lat_deg, dtype=np.float64))
    target = np.pi * np.sin(phi)
    eps = np.cbrt(0.75 * np.pi * (1.0 - np.abs(np.sin(phi))))
    theta = np.where(np.abs(lat_deg) > 60.0, np.sign(phi) * (np.pi / 2 - eps), phi)
    for _ in range(40):
        denom = 2.0 + 2.0 * np.cos(2.0 * theta)
        residual = 2.0 * theta + np.sin(2.0 * theta) - target
        theta = theta - np.where(denom > 1e-300, residual / np.where(denom > 1e-300, denom, 1.0),
                                 0.0)
    return np.where(np.abs(lat_deg) >= 90.0, phi, theta)


#: theta on a 0.001-degree grid of latitudes: drawing calls the projection for every
#: small outline, and interpolating the table is ~100x cheaper than solving each time.
_LAT_GRID = np.linspace(-90.0, 90.0, 180_001)
_THETA_GRID = _solve_theta(_LAT_GRID)
#: Within this of a pole theta is steep in lat; there it is solved, not interpolated.
_POLAR = 89.9


def _mollweide_theta(lat_deg: np.ndarray) -> np.ndarray:
    lat = np.asarray(lat_deg, dtype=np.float64)
    theta = np.asarray(np.interp(lat, _LAT_GRID, _THETA_GRID))
    polar = np.abs(lat) > _POLAR
    if polar.any():
        theta = np.where(polar, _solve_theta(lat), theta)
    return theta


class Mollweide:
    """The all-sky Mollweide view, centred on ``center_lon`` (degrees), east left.

    Plane coordinates: x in [-2 sqrt 2, 2 sqrt 2], y in [-sqrt 2, sqrt 2].
    """

    kind = "allsky"

    def __init__(self, center_lon: float = 180.0) -> None:
        self.center_lon = float(center_lon) % 360.0

    def xy_relative(self, rel_lon: Any, lat: Any) -> np.ndarray:
        """(N, 2) plane coordinates of longitudes relative to the centre (any range:
        beyond +-180 they land outside the ellipse, for clipped fills)."""
        rel = np.asarray(rel_lon, dtype=np.float64)
        theta = _mollweide_theta(np.asarray(lat, dtype=np.float64))
        x = -(2.0 * _SQRT2 / np.pi) * np.radians(rel) * np.cos(theta)
        y = _SQRT2 * np.sin(theta)
        return np.stack([x, y], -1)

    def lines(self, lon: Any, lat: Any) -> list[np.ndarray]:
        return [self.xy_relative(a, b) for a, b in cut_at_seam(lon, lat, self.center_lon)]

    def rings(self, lon: Any, lat: Any) -> list[np.ndarray]:
        return [self.xy_relative(a, b) for a, b in unwrap_ring(lon, lat, self.center_lon)]

    def points(self, lon: Any, lat: Any) -> np.ndarray:
        rel = (np.asarray(lon, dtype=np.float64) - self.center_lon + 180.0) % 360.0 - 180.0
        return self.xy_relative(rel, lat)

    def boundary(self, n: int = 361) -> np.ndarray:
        """The map's outline (an ellipse), for clipping and framing."""
        t = np.linspace(0.0, 2 * np.pi, n)
        return np.stack([2 * _SQRT2 * np.cos(t), _SQRT2 * np.sin(t)], -1)

    @property
    def extent(self) -> tuple[float, float, float, float]:
        return (-2 * _SQRT2, 2 * _SQRT2, -_SQRT2, _SQRT2)


def tan_wcs(lon: float, lat: float, radius_deg: float, half_size: int = 500) -> Any:
    """An astropy TAN WCS centred on (lon, lat) whose pixels -half_size..half_size span
    ``radius_deg`` either side of the centre (RA increasing to the left)."""
    from astropy.wcs import WCS

    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = [float(lon), float(lat)]
    wcs.wcs.crpix = [half_size + 1.0, half_size + 1.0]  # FITS pixels are 1-based
    scale = np.degrees(np.tan(np.radians(radius_deg))) / half_size
    wcs.wcs.cdelt = [-scale, scale]
    wcs.pixel_shape = (2 * half_size + 1, 2 * half_size + 1)
    return wcs


def _separation_deg(lon0: float, lat0: float, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    l0, b0 = np.radians(lon0), np.radians(lat0)
    lr, br = np.radians(lon), np.radians(lat)
    cos_d = np.sin(b0) * np.sin(br) + np.cos(b0) * np.cos(br) * np.cos(lr - l0)
    return np.degrees(np.arccos(np.clip(cos_d, -1.0, 1.0)))


class WcsView:
    """A zoomed view in the 0-based pixels of an astropy celestial ``wcs``.

    ``extent`` is (x0, x1, y0, y1) in pixels; ``center`` the sky point the view is
    about; points farther than ``max_sep_deg`` from it are not drawn.
    """

    kind = "wcs"

    def __init__(
        self,
        wcs: Any,
        extent: tuple[float, float, float, float],
        center: tuple[float, float],
        max_sep_deg: float = 80.0,
    ) -> None:
        self.wcs = wcs
        self.extent = tuple(float(v) for v in extent)
        self.center = (float(center[0]), float(center[1]))
        self.max_sep_deg = float(max_sep_deg)

    def _xy(self, lon: Any, lat: Any) -> np.ndarray:
        lon = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        lat = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        if lon.size == 0:
            return np.zeros((0, 2))
        x, y = self.wcs.wcs_world2pix(lon, lat, 0)
        far = _separation_deg(*self.center, lon, lat) > self.max_sep_deg
        xy = np.stack([x, y], -1)
        xy[far] = np.nan
        return xy

    def lines(self, lon: Any, lat: Any) -> list[np.ndarray]:
        xy = self._xy(lon, lat)
        ok = np.isfinite(xy).all(axis=1)
        # Runs of drawable points become separate pieces.
        edges = np.flatnonzero(np.diff(np.concatenate([[0], ok.astype(np.int8), [0]])))
        return [xy[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= 2]

    def rings(self, lon: Any, lat: Any) -> list[np.ndarray]:
        xy = self._xy(lon, lat)
        xy = xy[np.isfinite(xy).all(axis=1)]
        return [xy] if len(xy) >= 3 else []

    def points(self, lon: Any, lat: Any) -> np.ndarray:
        return self._xy(lon, lat)

    def contains_xy(self, xy: np.ndarray) -> np.ndarray:
        """Whether plane points fall inside the view's extent."""
        if len(xy) == 0:
            return np.zeros(0, dtype=bool)
        x0, x1, y0, y1 = self.extent
        return (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
