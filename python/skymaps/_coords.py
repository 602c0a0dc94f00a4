"""Coordinate input handling: degrees, numpy broadcasting and astropy.

Every public function that takes sky positions funnels them through
:func:`lonlat_arrays`, which accepts

* plain numbers, lists or numpy arrays in **degrees**;
* astropy ``Quantity``/``Angle`` (converted to degrees);
* an astropy ``SkyCoord`` as the single positional argument (its ICRS ra/dec).

and returns flat, contiguous float64 arrays plus what is needed to give the
result back in the input's shape (scalar in, scalar out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ShapeMismatchError

__all__ = ["Flat", "lonlat_arrays", "to_degrees", "as_flat_float", "restore"]


@dataclass(frozen=True)
class Flat:
    """Flattened inputs and the shape to give results back in."""

    lon: np.ndarray
    lat: np.ndarray
    shape: tuple[int, ...]
    scalar: bool


def _is_skycoord(obj: Any) -> bool:
    return type(obj).__name__ == "SkyCoord" and hasattr(obj, "frame")


def to_degrees(value: Any) -> np.ndarray:
    """Degrees as a float64 array; astropy quantities are converted, numbers kept."""
    unit = getattr(value, "unit", None)
    if unit is not None and hasattr(value, "to_value"):
        value = value.to_value("deg")
    return np.asarray(value, dtype=np.float64)


def as_flat_float(value: Any) -> np.ndarray:
    """A contiguous 1-D float64 copy-if-needed view."""
    return np.ascontiguousarray(np.asarray(value, dtype=np.float64).reshape(-1))


def lonlat_arrays(lon: Any, lat: Any = None) -> Flat:
    """Broadcast ``lon``/``lat`` (degrees, Quantity or one SkyCoord) to flat arrays."""
    if lat is None:
        if not _is_skycoord(lon):
            raise TypeError("give lon and lat (degrees), or a single astropy SkyCoord")
        icrs = lon.icrs
        lon, lat = icrs.ra, icrs.dec
    lon_d, lat_d = to_degrees(lon), to_degrees(lat)
    try:
        lon_b, lat_b = np.broadcast_arrays(lon_d, lat_d)
    except ValueError as exc:
        raise ShapeMismatchError(
            f"lon shape {lon_d.shape} and lat shape {lat_d.shape} do not broadcast"
        ) from exc
    shape = lon_b.shape
    return Flat(
        lon=np.ascontiguousarray(lon_b.reshape(-1)),
        lat=np.ascontiguousarray(lat_b.reshape(-1)),
        shape=shape,
        scalar=(shape == ()),
    )


def restore(out: np.ndarray, flat: Flat) -> Any:
    """Give a flat result back in the input's shape; a 0-d input gives a numpy scalar."""
    out = out.reshape(flat.shape + out.shape[1:])
    if flat.scalar and out.ndim == 0:
        return out[()]
    return out
