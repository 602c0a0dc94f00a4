"""Cutting sky polygons at the antimeridian for GeoJSON (RFC 7946, section 3.1.9).

GeoJSON longitudes run from -180 to 180, so an RA of 200 is written as -160, and a
polygon whose boundary crosses RA 180 SHOULD be written as a MultiPolygon of pieces cut
at longitude +/-180. The cut is exact: each cut point is where the polygon's
great-circle edge meets the half-plane of the 180 degree meridian (not a linear
interpolation in lon/lat), and it is written with longitude exactly 180 in the east
piece and -180 in the west piece, so the pieces share their cut edge.

A convex polygon (smaller than a hemisphere) is cut at most twice. A polygon containing
a pole is cut once; RFC 7946 leaves it undefined, and the convention here is the usual
one of web maps: a single ring that walks the boundary from the cut at one side to the
cut at the other, then closes through the pole along the map's edge, with the vertices
``(+/-180, +/-90)``. Rings are counter-clockwise in the lon/lat plane (the RFC's
right-hand rule), as the polygon is counter-clockwise on the sky.
"""

from __future__ import annotations

import numpy as np

__all__ = ["geojson_lon", "polygon_rings", "box_rings"]


def geojson_lon(ra: np.ndarray) -> np.ndarray:
    """RA in [0, 360) as a GeoJSON longitude in (-180, 180] (exact: ``ra - 360`` is)."""
    ra = np.asarray(ra, dtype=np.float64) % 360.0
    return np.where(ra > 180.0, ra - 360.0, ra)


def _cut_lat(a: np.ndarray, b: np.ndarray) -> float | None:
    """Latitude where the great-circle arc a->b crosses the 180 meridian, or None
    when it crosses the plane y = 0 on the RA 0 side (or not at all)."""
    ya, yb = a[1], b[1]
    # s*a + t*b with s, t >= 0 and zero y: the point of the arc in the meridian plane.
    p = yb * a - ya * b if ya < yb else ya * b - yb * a
    if not p[0] < 0.0:
        return None
    return float(np.degrees(np.arctan2(p[2], -p[0])))


def _close(ring: list[list[float]]) -> list[list[float]]:
    """Drop consecutive repeats (a vertex on the cut) and close the ring."""
    out = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
    if len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out + [out[0]]


def _has_area(ring: list[list[float]]) -> bool:
    """False for a sliver piece (a vertex lying exactly on the cut gives one)."""
    x, y = np.asarray(ring, dtype=np.float64).T
    return len(ring) > 3 and float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) != 0.0


def polygon_rings(lon: np.ndarray, lat: np.ndarray, xyz: np.ndarray,
                  pole: float) -> list[list[list[float]]]:
    """The closed GeoJSON rings of a convex polygon given by its vertices (RA/Dec degrees
    and unit vectors, counter-clockwise): one ring, or two cut at the antimeridian.
    ``pole`` is 90 or -90 when the polygon contains that pole, else 0."""
    glon = geojson_lon(lon)
    east = glon >= 0.0
    n = len(glon)
    # The boundary as vertices, with ("cut", lat, side before, side after) between two
    # vertices whose edge crosses the 180 meridian.
    walk: list = []
    for i in range(n):
        j = (i + 1) % n
        walk.append([float(glon[i]), float(lat[i])])
        if east[i] != east[j]:
            cut = _cut_lat(xyz[i], xyz[j])
            if cut is not None:
                walk.append(("cut", cut, bool(east[i]), bool(east[j])))
    cuts = [k for k, item in enumerate(walk) if isinstance(item, tuple)]
    if not cuts:
        return [_close(walk)]
    first = cuts[0]
    walk = walk[first:] + walk[:first]  # start at a cut
    cuts = [k for k, item in enumerate(walk) if isinstance(item, tuple)]

    def side_lon(is_east: bool) -> float:
        return 180.0 if is_east else -180.0

    def start(k: int) -> list[float]:
        return [side_lon(walk[k][3]), walk[k][1]]

    def end(k: int) -> list[float]:
        return [side_lon(walk[k][2]), walk[k][1]]

    if len(cuts) == 1 and pole != 0.0:
        # Round the pole: from the cut on the first side, all vertices, the cut on the
        # other side, then along the map's edge at the pole's latitude.
        last = [side_lon(walk[0][2]), pole]
        ring = [start(0)] + walk[1:] + [end(0), last, [-last[0], pole]]
        return [_close(ring)]
    if len(cuts) != 2:
        raise ValueError(f"a convex polygon crossed the antimeridian {len(cuts)} times")
    k = cuts[1]
    pieces = [[start(0)] + walk[1:k] + [end(k)], [start(k)] + walk[k + 1:] + [end(0)]]
    rings = [_close(p) for p in pieces]
    return [r for r in rings if _has_area(r)] or rings[:1]


def box_rings(lon0: float, width: float, lat0: float, lat1: float,
              n: int) -> list[list[list[float]]]:
    """Closed rings of a lon/lat box (``n`` points per edge), cut at longitude 180. A box
    is a rectangle in lon/lat, so the cut is exact."""
    a = float(geojson_lon(lon0))
    if a == 180.0:
        a = -180.0
    spans = [(a, a + width)] if a + width <= 180.0 else [(a, 180.0), (-180.0, a + width - 360.0)]
    rings = []
    t = np.arange(n) / n
    for w, e in spans:
        lon = np.concatenate([w + (e - w) * t, np.full(n, e), e - (e - w) * t, np.full(n, w)])
        lat = np.concatenate([np.full(n, lat0), lat0 + (lat1 - lat0) * t,
                              np.full(n, lat1), lat1 - (lat1 - lat0) * t])
        rings.append(_close([[float(x), float(y)] for x, y in zip(lon, lat, strict=True)]))
    return rings
