"""The RA/Dec grid of a view: parallels and meridians drawn through the view's own
projection (so they sit exactly under the tracts), with a label per line.

All-sky views get lines every 30 degrees, labelled at the equator (RA) and near the
seam (Dec). A zoomed view gets round-valued lines spaced so that a few cross it (from
30 degrees down to 0.001), clipped to its extent and labelled where they enter it (Dec
at its leftmost point, RA where it enters from the south).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["GridLine", "graticule"]

#: Candidate spacings, degrees.
_STEPS = (30.0, 20.0, 15.0, 10.0, 5.0, 2.0, 1.0, 0.5, 0.25, 0.2, 0.1, 0.05, 0.02, 0.01,
          0.005, 0.002, 0.001)
#: At most this many lines of each kind across a zoomed view.
_MAX_LINES = 8
#: Points along each drawn line.
_SAMPLES = 241


@dataclass
class GridLine:
    """One grid line: ``coord`` is ``"ra"`` (a meridian) or ``"dec"`` (a parallel) at
    ``value`` degrees; ``lines`` its projected polylines; its label and where it goes."""

    coord: str
    value: float
    lines: list[np.ndarray]
    label: str
    label_xy: tuple[float, float] | None


def _label(coord: str, value: float) -> str:
    return f"{value:g}°" if coord == "ra" else f"{value:+g}°".replace("+0°", "0°")


def _step(span: float) -> float:
    return min((s for s in _STEPS if span / s <= _MAX_LINES), default=_STEPS[0])


def _values(lo: float, hi: float, step: float) -> np.ndarray:
    first, last = np.ceil(lo / step), np.floor(hi / step)
    return np.round(np.arange(first, last + 1) * step, 10)


def _allsky(projection: Any) -> list[GridLine]:
    out = []
    for lat in range(-60, 90, 30):
        lines = projection.lines(np.linspace(0, 360, _SAMPLES), np.full(_SAMPLES, float(lat)))
        xy = projection.points(projection.center_lon + 179.999, float(lat)).reshape(2)
        out.append(GridLine("dec", float(lat), lines, _label("dec", lat),
                            None if lat == 0 else (float(xy[0]), float(xy[1]))))
    for lon in range(0, 360, 30):
        lines = projection.lines(np.full(181, float(lon)), np.linspace(-90, 90, 181))
        xy = projection.points(float(lon), 0.0).reshape(2)
        out.append(GridLine("ra", float(lon), lines, _label("ra", lon),
                            (float(xy[0]), float(xy[1])) if lon % 60 == 0 else None))
    return out


def _sky_span(view: Any) -> tuple[float, float, float, float]:
    """(ra_lo, ra_hi, dec_lo, dec_hi) the view's extent covers; RA continuous about the
    view's centre (so a view across RA 0 gives e.g. -3..2), all RA around a pole."""
    x0, x1, y0, y1 = view.extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41))
    ra, dec = view.wcs.wcs_pix2world(gx.ravel(), gy.ravel(), 0)
    ok = np.isfinite(ra) & np.isfinite(dec)
    ra, dec = ra[ok], dec[ok]
    rel = (ra - view.center[0] + 180.0) % 360.0 - 180.0
    dec_lo, dec_hi = float(dec.min()), float(dec.max())
    for pole in (90.0, -90.0):
        xy = view.points(0.0, pole)
        if np.isfinite(xy).all() and view.contains_xy(xy).all():
            dec_lo, dec_hi = min(dec_lo, pole), max(dec_hi, pole)
            return view.center[0] - 180.0, view.center[0] + 180.0, dec_lo, dec_hi
    return view.center[0] + float(rel.min()), view.center[0] + float(rel.max()), dec_lo, dec_hi


def _inside_runs(view: Any, pieces: list[np.ndarray]) -> list[np.ndarray]:
    """The parts of projected polylines inside the view's extent."""
    out = []
    for xy in pieces:
        ok = view.contains_xy(xy)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], ok.astype(np.int8), [0]])))
        out.extend(xy[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= 2)
    return out


def _zoomed(view: Any) -> list[GridLine]:
    ra_lo, ra_hi, dec_lo, dec_hi = _sky_span(view)
    out = []
    dec_step = _step(dec_hi - dec_lo)
    for lat in _values(dec_lo, dec_hi, dec_step):
        if abs(lat) >= 90.0:
            continue
        lines = _inside_runs(view, view.lines(np.linspace(ra_lo, ra_hi, _SAMPLES),
                                              np.full(_SAMPLES, lat)))
        if lines:
            left = min((ln[np.argmin(ln[:, 0])] for ln in lines), key=lambda p: p[0])
            out.append(GridLine("dec", float(lat), lines, _label("dec", lat),
                                (float(left[0]), float(left[1]))))
    ra_step = _step(ra_hi - ra_lo)
    lat = np.linspace(max(dec_lo, -90.0), min(dec_hi, 90.0), _SAMPLES)
    for lon in _values(ra_lo, ra_hi, ra_step):
        value = float(lon % 360.0)
        lines = _inside_runs(view, view.lines(np.full(_SAMPLES, lon), lat))
        if lines and not any(g.coord == "ra" and g.value == value for g in out):
            # Where it enters the view from the south (the edge away from a pole).
            start = lines[0][0]
            out.append(GridLine("ra", value, lines, _label("ra", value),
                                (float(start[0]), float(start[1]))))
    return out


def graticule(projection: Any) -> list[GridLine]:
    """The grid lines of a view (see the module docstring)."""
    return _allsky(projection) if projection.kind == "allsky" else _zoomed(projection)
