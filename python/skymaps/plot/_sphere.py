"""Outlines of sky regions as densified lon/lat polylines, and cutting them at a seam.

A drawing maps the sphere to a plane with straight segments between points, so a
great-circle edge must be sampled finely enough that the straight chords look like the
arc (``step_deg`` apart), and a line that crosses the map's seam (the meridian opposite
its centre in an all-sky view) must be cut there: joining its two ends would draw a
segment across the whole map. Everything here is plain numpy in degrees, with no
plotting library, so it is tested on its own.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "Line",
    "arc_points",
    "polygon_ring",
    "box_lines",
    "circle_ring",
    "region_lines",
    "cut_at_seam",
    "unwrap_ring",
]

#: A polyline: (lon, lat) arrays in degrees.
Line = tuple[np.ndarray, np.ndarray]


def _lonlat(xyz: np.ndarray) -> Line:
    lon = np.degrees(np.arctan2(xyz[..., 1], xyz[..., 0])) % 360.0
    lat = np.degrees(np.arctan2(xyz[..., 2], np.hypot(xyz[..., 0], xyz[..., 1])))
    return lon, lat


def _xyz(lon: Any, lat: Any) -> np.ndarray:
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    return np.stack(
        [np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r)], -1
    )


def arc_points(a: np.ndarray, b: np.ndarray, step_deg: float) -> np.ndarray:
    """Unit vectors along the great-circle arc from ``a`` to ``b`` (both included), at
    most ``step_deg`` apart (spherical linear interpolation)."""
    angle = float(np.arctan2(np.linalg.norm(np.cross(a, b)), np.dot(a, b)))
    n = max(1, int(np.ceil(np.degrees(angle) / step_deg)))
    if angle < 1e-12:
        return np.stack([a, b])
    t = np.linspace(0.0, 1.0, n + 1)[:, None]
    return (np.sin((1 - t) * angle) * a + np.sin(t * angle) * b) / np.sin(angle)


def polygon_ring(vertices: np.ndarray, step_deg: float) -> Line:
    """The closed outline (first point repeated last) of a polygon with great-circle
    edges between the (N, 3) unit-vector ``vertices``."""
    v = np.asarray(vertices, dtype=np.float64)
    parts = [arc_points(v[i], v[(i + 1) % len(v)], step_deg)[:-1] for i in range(len(v))]
    pts = np.concatenate(parts + [v[:1]])
    return _lonlat(pts)


def _steps(a: float, b: float, n: int) -> np.ndarray:
    """``n + 1`` evenly spaced values from a to b (np.linspace without its overhead:
    an all-sky view makes ~10^5 of these)."""
    return a + (b - a) / n * np.arange(n + 1.0)


def _parallel(lon0: float, lon1: float, lat: float, step_deg: float) -> Line:
    n = max(1, math.ceil(abs(lon1 - lon0) * math.cos(math.radians(lat)) / step_deg))
    n = max(n, math.ceil(abs(lon1 - lon0) / 90.0))  # keep the direction of travel
    return _steps(lon0, lon1, n), np.full(n + 1, lat)


def _meridian(lon: float, lat0: float, lat1: float, step_deg: float) -> Line:
    n = max(1, math.ceil(abs(lat1 - lat0) / step_deg))
    return np.full(n + 1, lon), _steps(lat0, lat1, n)


def box_lines(
    lon_min: float, lon_max: float, lat_min: float, lat_max: float, step_deg: float
) -> list[Line]:
    """Outline of a lon/lat box: edges along parallels (small circles, not great
    circles) and meridians. ``lon_min > lon_max`` wraps through 0; a box spanning every
    longitude (a polar cap, a band) is outlined by its bounding parallels only."""
    lat_min, lat_max = max(lat_min, -90.0), min(lat_max, 90.0)
    if lon_max - lon_min >= 360.0:
        return [
            _parallel(0.0, 360.0, lat, step_deg) for lat in (lat_min, lat_max) if abs(lat) < 90.0
        ]
    if lon_max < lon_min:
        lon_max += 360.0
    pieces = [
        _parallel(lon_min, lon_max, lat_min, step_deg),
        _meridian(lon_max, lat_min, lat_max, step_deg),
        _parallel(lon_max, lon_min, lat_max, step_deg),
        _meridian(lon_min, lat_max, lat_min, step_deg),
    ]
    lon = np.concatenate([p[0][:-1] for p in pieces] + [pieces[0][0][:1]])
    lat = np.concatenate([p[1][:-1] for p in pieces] + [pieces[0][1][:1]])
    return [(lon % 360.0, lat)]


def circle_ring(lon: float, lat: float, radius_deg: float, step_deg: float) -> Line:
    """The closed outline of a circle (spherical cap) of ``radius_deg`` around
    (lon, lat)."""
    n = max(12, int(np.ceil(360.0 * np.sin(np.radians(min(radius_deg, 90.0))) / step_deg)))
    c = _xyz(lon, lat)
    # Two unit vectors perpendicular to the centre span the circle's plane.
    helper = np.array([0.0, 0.0, 1.0]) if abs(c[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    u = np.cross(c, helper)
    u /= np.linalg.norm(u)
    w = np.cross(c, u)
    t = np.linspace(0.0, 2 * np.pi, n + 1)[:, None]
    r = np.radians(radius_deg)
    pts = np.cos(r) * c + np.sin(r) * (np.cos(t) * u + np.sin(t) * w)
    return _lonlat(pts)


def region_lines(region: Any, step_deg: float) -> list[Line]:
    """Outlines of a skymaps region: a polygon, box, circle, a tract's inner region,
    or a union/intersection (the outlines of its operands)."""
    from ..geometry import Box, Circle, ConvexPolygon, _CompoundRegion
    from ..tract import TractRegion

    if isinstance(region, TractRegion):
        region = region.region
    if isinstance(region, ConvexPolygon):
        return [polygon_ring(region.vertices(), step_deg)]
    if isinstance(region, Box):
        if region.is_empty():
            return []
        return box_lines(*region.lon_range, *region.lat_range, step_deg)
    if isinstance(region, Circle):
        if region.is_empty():
            return []
        return [circle_ring(*region.center, region.radius, step_deg)]
    if isinstance(region, _CompoundRegion):
        return [line for op in region.operands() for line in region_lines(op, step_deg)]
    raise TypeError(f"cannot outline a {type(region).__name__}; expected a skymaps region")


def _relative(lon: np.ndarray, center_lon: float) -> np.ndarray:
    """Longitude relative to ``center_lon``, in [-180, 180)."""
    return (np.asarray(lon, dtype=np.float64) - center_lon + 180.0) % 360.0 - 180.0


def cut_at_seam(lon: np.ndarray, lat: np.ndarray, center_lon: float) -> list[Line]:
    """Cut a polyline where it crosses the seam opposite ``center_lon``.

    Returns pieces with longitudes relative to the centre, in [-180, 180]; each piece
    that reaches the seam ends exactly on it (at +180 or -180, with the latitude where
    the line crosses), so no segment of any piece jumps across the map.
    """
    rel = _relative(lon, center_lon)
    lat = np.asarray(lat, dtype=np.float64)
    if len(rel) < 2:
        return [(rel, lat)] if len(rel) else []
    jumps = np.flatnonzero(np.abs(np.diff(rel)) > 180.0)
    closed = len(jumps) > 0 and abs(rel[0] - rel[-1]) < 1e-9 and abs(lat[0] - lat[-1]) < 1e-9
    if closed:
        # A closed ring: start it just after a crossing, so each piece runs from the
        # seam to the seam (two halves of a circle, not three pieces).
        k = jumps[0] + 1
        rel = np.concatenate([rel[k:-1], rel[:k], rel[k : k + 1]])
        lat = np.concatenate([lat[k:-1], lat[:k], lat[k : k + 1]])
        jumps = np.flatnonzero(np.abs(np.diff(rel)) > 180.0)
    pieces: list[Line] = []
    start = 0
    prefix_lon: list[float] = []
    prefix_lat: list[float] = []
    for j in jumps:
        a, b = rel[j], rel[j + 1]
        edge = 180.0 if a > 0 else -180.0  # the side the line leaves by
        b_unwrapped = b + 2 * edge
        t = (edge - a) / (b_unwrapped - a)
        cross_lat = lat[j] + t * (lat[j + 1] - lat[j])
        pieces.append(
            (
                np.concatenate([prefix_lon, rel[start : j + 1], [edge]]),
                np.concatenate([prefix_lat, lat[start : j + 1], [cross_lat]]),
            )
        )
        prefix_lon, prefix_lat = [-edge], [cross_lat]
        start = j + 1
    pieces.append(
        (np.concatenate([prefix_lon, rel[start:]]), np.concatenate([prefix_lat, lat[start:]]))
    )
    if closed and len(pieces) >= 2:
        # The rotated ring ends with [seam, its first point]: that is the first piece's
        # start on the seam.
        last = pieces.pop()
        pieces[0] = (np.concatenate([last[0][:-1], pieces[0][0]]),
                     np.concatenate([last[1][:-1], pieces[0][1]]))
    return [p for p in pieces if len(p[0]) >= 2]


def unwrap_ring(lon: np.ndarray, lat: np.ndarray, center_lon: float) -> list[Line]:
    """A closed ring as fillable outlines in longitudes relative to ``center_lon``.

    The ring's longitudes are made continuous (they may leave [-180, 180]); a ring
    around a pole is closed through that pole. The copies shifted by 360 degrees that
    reach into [-180, 180] are returned too: filled and clipped to the map, together
    they cover the region on both sides of the seam.
    """
    rel = np.unwrap(_relative(lon, center_lon), period=360.0)
    lat = np.asarray(lat, dtype=np.float64)
    turn = rel[-1] - rel[0]
    if abs(turn) > 180.0:  # winds once around a pole
        pole = 90.0 if np.mean(lat) > 0 else -90.0
        rel = np.concatenate([rel, [rel[-1], rel[0]]])
        lat = np.concatenate([lat, [pole, pole]])
    rel -= 360.0 * np.round(np.mean([rel.min(), rel.max()]) / 360.0)
    out = []
    for shift in (-360.0, 0.0, 360.0):
        lo, hi = rel.min() + shift, rel.max() + shift
        if hi > -180.0 and lo < 180.0:
            out.append((rel + shift, lat))
    return out
