"""Regions in the formats other tools read: MOC (mocpy), astropy-regions, DS9, STC-S,
GeoJSON; and back into query regions where the format allows.

Every ``Region`` (and so every tract and patch region) has thin methods that call the
functions here: ``to_moc``, ``to_regions``, ``to_ds9``, ``to_stcs``, ``to_geojson``;
``Region.from_stcs``/``from_ds9``/``from_regions``/``from_geojson`` read them back and
:func:`from_moc` turns a MOC into a :class:`~skymaps.RangeSet`. The functions also take
a :class:`~skymaps.Tract` or :class:`~skymaps.Patch` (its outer region, the butler's).

What is kept exactly (numbers are written with ``repr``, so a round trip through text
gives the same vertices to within 1e-15 rad):

=====================  ======================  =========================================
region                 kept exactly in         approximated in
=====================  ======================  =========================================
ConvexPolygon          every format            MOC (a pixel set at ``depth``)
Circle                 DS9, regions, STC-S,    GeoJSON geometry (a polygon around it; the
                       GeoJSON (properties)    exact circle is in ``properties``), MOC
Box (lon/lat box)      STC-S                   DS9/regions: an outline through
                       (PositionInterval),     ``BOX_POINTS`` points per edge (parallels
                       GeoJSON (properties)    are not great circles, so the outline is
                                               not convex and does not read back), MOC
UnionRegion            DS9, regions (a list),  MOC
                       STC-S, GeoJSON
IntersectionRegion     STC-S                   MOC; refused by DS9, regions and GeoJSON
=====================  ======================  =========================================

Coordinates are ICRS degrees. GeoJSON longitudes are RA written in (-180, 180] (RA 200
is -160), as RFC 7946 wants, so a polygon across RA 0 is continuous and one across RA 180
is cut at the antimeridian into a MultiPolygon, exactly where its great-circle edges
cross it; a polygon around a pole closes through the pole along longitude +/-180 (see
``skymaps._antimeridian``). Such features keep the polygon's vertices in ``properties``
(``shape: polygon``), so they read back as the one polygon.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from ._antimeridian import box_rings, polygon_rings
from .errors import DecodeError, InvalidRegionError

__all__ = [
    "to_moc",
    "from_moc",
    "to_regions",
    "from_regions",
    "to_ds9",
    "from_ds9",
    "to_stcs",
    "from_stcs",
    "to_geojson",
    "from_geojson",
]

#: Points per edge when a lon/lat box becomes a polygon (DS9, regions, GeoJSON geometry).
BOX_POINTS = 8
#: Vertices of the polygon that stands for a circle in GeoJSON geometry.
CIRCLE_POINTS = 64


def _region(obj: Any) -> Any:
    """A region, or the outer region of a tract or patch."""
    from .geometry import Region
    from .tract import Patch, Tract

    if isinstance(obj, Region):
        return obj
    if isinstance(obj, Tract):
        return obj.outer_region
    if isinstance(obj, Patch):
        return obj.outer_polygon
    raise TypeError(f"expected a skymaps Region, Tract or Patch, got {type(obj).__name__}")


def _kind(region: Any) -> str:
    from .geometry import Box, Circle, ConvexPolygon, IntersectionRegion, UnionRegion

    # A TractRegion is a box or a polygon: ask for its plain form.
    plain = getattr(region, "region", region)
    for cls, name in (
        (ConvexPolygon, "polygon"),
        (Circle, "circle"),
        (Box, "box"),
        (UnionRegion, "union"),
        (IntersectionRegion, "intersection"),
    ):
        if isinstance(plain, cls):
            return name
    raise TypeError(f"cannot convert a {type(region).__name__}")


def _plain(region: Any) -> Any:
    return getattr(region, "region", region)


def _num(x: float) -> str:
    """Shortest text that reads back as the same float."""
    return repr(float(x))


def _box_outline(region: Any, n: int = BOX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Counter-clockwise outline of a lon/lat box, ``n`` points per edge."""
    lon0, lon1, lat0, lat1 = _plain(region)._core.box_params()
    width = (lon1 - lon0) % 360.0 if lon1 - lon0 < 360.0 else 360.0
    if width >= 180.0 or lat0 <= -90.0 or lat1 >= 90.0:
        raise InvalidRegionError(
            "a lon/lat box 180 degrees wide or more, or touching a pole, has no polygon "
            "outline; use to_stcs (PositionInterval) or to_moc"
        )
    t = np.arange(n) / n
    lon = np.concatenate([lon0 + width * t, np.full(n, lon0 + width),
                          lon0 + width * (1 - t), np.full(n, lon0)])
    lat = np.concatenate([np.full(n, lat0), lat0 + (lat1 - lat0) * t,
                          np.full(n, lat1), lat1 - (lat1 - lat0) * t])
    return lon % 360.0, lat


def _circle_params(region: Any) -> tuple[float, float, float]:
    lon, lat, radius, _ = _plain(region)._core.circle_params()
    return lon, lat, radius


# ----- MOC -------------------------------------------------------------------------


def to_moc(region: Any, depth: int = 10) -> Any:
    """A ``mocpy.MOC`` of every HEALPix cell at ``depth`` that touches the region (the
    exact envelope, :meth:`skymaps.Healpix.envelope`). Needs mocpy."""
    from .moc import to_mocpy
    from .pixelization import Healpix

    return to_mocpy(Healpix(int(depth)).envelope(_region(region)), int(depth))


def from_moc(moc: Any, depth: int | None = None) -> Any:
    """The nested HEALPix pixels of a ``mocpy.MOC`` at ``depth`` (default: its max
    order) as a :class:`~skymaps.RangeSet`: a MOC is a pixel set, not a region."""
    from .moc import from_mocpy

    return from_mocpy(moc, depth)


# ----- astropy-regions and DS9 --------------------------------------------------------


def to_regions(region: Any) -> Any:
    """astropy-regions sky regions: ``PolygonSkyRegion``, ``CircleSkyRegion``, or a
    ``Regions`` list for a union. Needs the ``regions`` package."""
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from regions import CircleSkyRegion, PolygonSkyRegion, Regions

    region = _region(region)
    kind = _kind(region)
    if kind == "union":
        out: list[Any] = []
        for part in _plain(region).operands():
            sub = to_regions(part)
            out.extend(sub if isinstance(sub, Regions) else [sub])
        return Regions(out)
    if kind == "circle":
        lon, lat, radius = _circle_params(region)
        return CircleSkyRegion(SkyCoord(lon, lat, unit="deg", frame="icrs"), radius * u.deg)
    if kind == "polygon":
        lon, lat = _plain(region).lonlat()
    elif kind == "box":
        lon, lat = _box_outline(region)
    else:
        raise InvalidRegionError("an intersection of regions has no astropy-regions form")
    return PolygonSkyRegion(SkyCoord(lon, lat, unit="deg", frame="icrs"))


def from_regions(obj: Any) -> Any:
    """A region from astropy-regions sky regions (polygon, circle, or a list of them:
    a union). Polygons must be convex; pixel regions are refused (they need a WCS)."""
    from regions import CircleSkyRegion, PolygonSkyRegion

    from .geometry import Circle, ConvexPolygon, UnionRegion

    if isinstance(obj, (list, tuple)) or type(obj).__name__ == "Regions":
        parts = [from_regions(r) for r in obj]
        if not parts:
            raise InvalidRegionError("no regions to convert")
        return parts[0] if len(parts) == 1 else UnionRegion(*parts)
    if isinstance(obj, PolygonSkyRegion):
        icrs = obj.vertices.icrs
        return ConvexPolygon.from_lonlat(icrs.ra.deg, icrs.dec.deg)
    if isinstance(obj, CircleSkyRegion):
        c = obj.center.icrs
        return Circle(float(c.ra.deg), float(c.dec.deg), float(obj.radius.to_value("deg")))
    raise InvalidRegionError(
        f"cannot convert a {type(obj).__name__}: only sky polygons and circles are regions"
    )


def _ds9_shapes(region: Any) -> list[str]:
    kind = _kind(region)
    if kind == "union":
        return [s for part in _plain(region).operands() for s in _ds9_shapes(part)]
    if kind == "circle":
        lon, lat, radius = _circle_params(region)
        return [f"circle({_num(lon)},{_num(lat)},{_num(radius * 3600.0)}\")"]
    if kind == "polygon":
        lon, lat = _plain(region).lonlat()
    elif kind == "box":
        lon, lat = _box_outline(region)
    else:
        raise InvalidRegionError("an intersection of regions has no DS9 form")
    coords = ",".join(f"{_num(a)},{_num(b)}" for a, b in zip(lon, lat, strict=True))
    return [f"polygon({coords})"]


def to_ds9(region: Any) -> str:
    """DS9 region text (``icrs``; polygons, circles with the radius in arcsec)."""
    shapes = _ds9_shapes(_region(region))
    return "# Region file format: DS9 version 4.1\nicrs\n" + "\n".join(shapes) + "\n"


def from_ds9(text: str) -> Any:
    """A region from DS9 region text (through astropy-regions; sky polygons and
    circles, several shapes: a union)."""
    from regions import Regions

    try:
        parsed = Regions.parse(text, format="ds9")
    except Exception as err:  # regions raises its own parser errors
        raise DecodeError(f"cannot read DS9 region text: {err}") from None
    return from_regions(parsed)


# ----- STC-S ---------------------------------------------------------------------------


def _stcs_body(region: Any) -> str:
    kind = _kind(region)
    plain = _plain(region)
    if kind in ("union", "intersection"):
        word = "Union" if kind == "union" else "Intersection"
        return f"{word} ( " + " ".join(_stcs_body(p) for p in plain.operands()) + " )"
    if kind == "circle":
        lon, lat, radius = _circle_params(region)
        return f"Circle {_num(lon)} {_num(lat)} {_num(radius)}"
    if kind == "box":
        lon0, lon1, lat0, lat1 = plain._core.box_params()
        return f"PositionInterval {_num(lon0)} {_num(lat0)} {_num(lon1)} {_num(lat1)}"
    lon, lat = plain.lonlat()
    return "Polygon " + " ".join(f"{_num(a)} {_num(b)}" for a, b in zip(lon, lat, strict=True))


def to_stcs(region: Any) -> str:
    """STC-S text in ICRS, as TAP services take it (``Polygon ICRS ra dec ...``,
    ``Circle ICRS ra dec r``; a lon/lat box is a ``PositionInterval``)."""
    body = _stcs_body(_region(region))
    word, _, rest = body.partition(" ")
    return f"{word} ICRS {rest}"


_FRAMES = {"ICRS", "J2000", "FK5", "UNKNOWNFRAME"}
_SHAPES = {"polygon", "circle", "positioninterval", "box", "union", "intersection"}


def _stcs_tokens(text: str) -> list[str]:
    return re.findall(r"\(|\)|[^\s()]+", text)


def _stcs_parse(tokens: list[str], pos: int, top: bool) -> tuple[Any, int]:
    from .geometry import Box, Circle, ConvexPolygon, IntersectionRegion, UnionRegion

    if pos >= len(tokens):
        raise DecodeError("STC-S text ends where a shape was expected")
    shape = tokens[pos].lower()
    if shape not in _SHAPES:
        raise DecodeError(f"unsupported STC-S shape {tokens[pos]!r}")
    pos += 1
    if pos < len(tokens) and tokens[pos].upper() in _FRAMES:
        pos += 1
    elif pos < len(tokens) and top and re.fullmatch(r"[A-Za-z_]+", tokens[pos]):
        raise DecodeError(f"unsupported STC-S frame {tokens[pos]!r}: ICRS degrees only")
    if shape in ("union", "intersection"):
        if pos >= len(tokens) or tokens[pos] != "(":
            raise DecodeError(f"STC-S {shape} needs '(' before its shapes")
        pos += 1
        parts = []
        while pos < len(tokens) and tokens[pos] != ")":
            part, pos = _stcs_parse(tokens, pos, False)
            parts.append(part)
        if pos >= len(tokens):
            raise DecodeError(f"STC-S {shape} is missing its ')'")
        if not parts:
            raise DecodeError(f"STC-S {shape} has no shapes")
        cls = UnionRegion if shape == "union" else IntersectionRegion
        return cls(*parts), pos + 1
    numbers: list[float] = []
    while pos < len(tokens) and tokens[pos] not in "()" and tokens[pos].lower() not in _SHAPES:
        try:
            numbers.append(float(tokens[pos]))
        except ValueError:
            raise DecodeError(f"STC-S {shape}: {tokens[pos]!r} is not a number") from None
        pos += 1
    if not all(math.isfinite(x) for x in numbers):
        raise DecodeError(f"STC-S {shape}: coordinates must be finite")
    if shape == "circle":
        if len(numbers) != 3:
            raise DecodeError(f"STC-S Circle needs 3 numbers (ra dec radius), got {len(numbers)}")
        return Circle(*numbers), pos
    if shape == "positioninterval":
        if len(numbers) != 4:
            raise DecodeError("STC-S PositionInterval needs 4 numbers (lon1 lat1 lon2 lat2)")
        return Box(numbers[0], numbers[2], numbers[1], numbers[3]), pos
    if shape == "box":
        raise DecodeError(
            "STC-S Box (centre and size) is not supported: its edges are not defined "
            "the same way by every service; use Polygon or PositionInterval"
        )
    if len(numbers) < 6 or len(numbers) % 2:
        raise DecodeError(
            f"STC-S Polygon needs at least 3 ra dec pairs, got {len(numbers)} numbers"
        )
    return ConvexPolygon.from_lonlat(numbers[0::2], numbers[1::2]), pos


def from_stcs(text: str) -> Any:
    """A region from STC-S text: ``Polygon``, ``Circle``, ``PositionInterval``,
    ``Union``/``Intersection`` of them, in ICRS (or no frame) degrees. A clockwise
    polygon is taken counter-clockwise; a non-convex one is refused."""
    tokens = _stcs_tokens(str(text))
    region, pos = _stcs_parse(tokens, 0, True)
    if pos != len(tokens):
        raise DecodeError(f"unexpected STC-S text after the shape: {' '.join(tokens[pos:])!r}")
    return region


# ----- GeoJSON -------------------------------------------------------------------------


def _geometry(rings: list[list[list[float]]]) -> dict[str, Any]:
    if len(rings) == 1:
        return {"type": "Polygon", "coordinates": rings}
    return {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}


def _polygon_geometry(poly: Any) -> tuple[dict[str, Any], bool]:
    """The geometry of a convex polygon, and whether it was cut (or rounds a pole)."""
    lon, lat = poly.lonlat()
    pole = 90.0 if poly.contains(0.0, 90.0) else -90.0 if poly.contains(0.0, -90.0) else 0.0
    rings = polygon_rings(lon, lat, np.asarray(poly.vertices()), pole)
    return _geometry(rings), len(rings) > 1 or pole != 0.0


def _geojson_feature(region: Any) -> dict[str, Any]:
    kind = _kind(region)
    plain = _plain(region)
    props: dict[str, Any] = {"frame": "icrs"}
    if kind == "polygon":
        geometry, cut = _polygon_geometry(plain)
        if cut:
            lon, lat = plain.lonlat()
            props.update(shape="polygon",
                         vertices=[[float(a), float(b)] for a, b in zip(lon, lat, strict=True)])
    elif kind == "circle":
        lon, lat, radius = _circle_params(region)
        from .geometry import ConvexPolygon

        # Circumscribed polygon: the geometry contains the circle.
        angle = np.pi / CIRCLE_POINTS
        outer = math.degrees(math.atan(math.tan(math.radians(radius)) / math.cos(angle)))
        ring = _circle_outline(lon, lat, min(outer, 89.0))
        geometry, _ = _polygon_geometry(ConvexPolygon.from_lonlat(*ring))
        props.update(shape="circle", center=[lon, lat], radius=radius)
    elif kind == "box":
        lon0, lon1, lat0, lat1 = plain._core.box_params()
        _box_outline(region)  # refuse a box with no polygon outline
        width = (lon1 - lon0) % 360.0
        geometry = _geometry(box_rings(lon0, width, lat0, lat1, BOX_POINTS))
        props.update(shape="box", lon=[lon0, lon1], lat=[lat0, lat1])
    elif kind == "union":
        return {"type": "FeatureCollection",
                "features": [_geojson_feature(p) for p in plain.operands()]}
    else:
        raise InvalidRegionError("an intersection of regions has no GeoJSON form")
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _circle_outline(lon: float, lat: float, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """``CIRCLE_POINTS`` points at ``radius`` degrees around (lon, lat), counter-clockwise."""
    lam, phi, r = map(math.radians, (lon, lat, radius))
    bearing = -np.arange(CIRCLE_POINTS) * (2 * np.pi / CIRCLE_POINTS)
    sin_lat = math.sin(phi) * math.cos(r) + math.cos(phi) * math.sin(r) * np.cos(bearing)
    out_lat = np.arcsin(np.clip(sin_lat, -1, 1))
    out_lon = lam + np.arctan2(
        np.sin(bearing) * math.sin(r) * math.cos(phi), math.cos(r) - math.sin(phi) * sin_lat
    )
    return np.degrees(out_lon) % 360.0, np.degrees(out_lat)


def to_geojson(region: Any) -> dict[str, Any]:
    """A GeoJSON ``Feature`` (a ``FeatureCollection`` for a union) with ``[ra, dec]``
    coordinates; circles and boxes keep their exact parameters in ``properties``."""
    return _geojson_feature(_region(region))


def from_geojson(obj: Any) -> Any:
    """A region from GeoJSON (dict or JSON text): a Feature, FeatureCollection (union),
    Polygon (convex, no holes) or MultiPolygon (union). Features written by
    :func:`to_geojson` for circles and boxes come back exactly."""
    import json

    from .geometry import Box, Circle, ConvexPolygon, UnionRegion

    if isinstance(obj, (str, bytes)):
        try:
            obj = json.loads(obj)
        except ValueError as err:
            raise DecodeError(f"not GeoJSON text: {err}") from None
    if not isinstance(obj, dict) or "type" not in obj:
        raise DecodeError("GeoJSON must be an object with a 'type'")
    kind = obj["type"]
    if kind == "FeatureCollection":
        parts = [from_geojson(f) for f in obj.get("features", [])]
        if not parts:
            raise DecodeError("the GeoJSON FeatureCollection has no features")
        return parts[0] if len(parts) == 1 else UnionRegion(*parts)
    if kind == "Feature":
        props = obj.get("properties") or {}
        if props.get("shape") == "circle":
            return Circle(*props["center"], props["radius"])
        if props.get("shape") == "box":
            return Box(*props["lon"], *props["lat"])
        if props.get("shape") == "polygon":
            vertices = np.asarray(props["vertices"], dtype=np.float64)
            return ConvexPolygon.from_lonlat(vertices[:, 0], vertices[:, 1])
        if obj.get("geometry") is None:
            raise DecodeError("the GeoJSON Feature has no geometry")
        return from_geojson(obj["geometry"])
    if kind == "MultiPolygon":
        parts = [from_geojson({"type": "Polygon", "coordinates": c})
                 for c in obj.get("coordinates", [])]
        if not parts:
            raise DecodeError("the GeoJSON MultiPolygon has no polygons")
        return parts[0] if len(parts) == 1 else UnionRegion(*parts)
    if kind != "Polygon":
        raise DecodeError(f"unsupported GeoJSON type {kind!r}; expected Polygon or Feature")
    rings = obj.get("coordinates") or []
    if len(rings) != 1:
        raise DecodeError(f"a GeoJSON Polygon must have one ring (no holes), got {len(rings)}")
    ring = np.asarray(rings[0], dtype=np.float64)
    if ring.ndim != 2 or ring.shape[1] < 2:
        raise DecodeError("GeoJSON ring positions must be [lon, lat] pairs")
    lon, lat = ring[:, 0], ring[:, 1]
    around_pole = bool(np.any((np.abs(lat) == 90.0) & (np.abs(lon) == 180.0)))
    try:
        return ConvexPolygon.from_lonlat(*_sky_ring(lon, lat))
    except InvalidRegionError:
        if not around_pole:
            raise
        # The cut point of a ring around a pole lies on an edge, where rounding may turn
        # it a hair inwards; the polygon is its other vertices.
        keep = np.abs(lon) != 180.0
        return ConvexPolygon.from_lonlat(*_sky_ring(lon[keep], lat[keep]))


def _sky_ring(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A GeoJSON ring's distinct vertices on the sky: without the closing repeat, without
    the (+/-180, +/-90) corners a ring around a pole closes through, and with the two
    copies of a cut point (at -180 and 180) made one."""
    keep = ~((np.abs(lat) == 90.0) & (np.abs(lon) == 180.0))
    lon, lat = lon[keep] % 360.0, lat[keep]
    same_as_next = (lon == np.roll(lon, -1)) & (lat == np.roll(lat, -1))
    if len(lon) > 1 and same_as_next.all():
        same_as_next[0] = False
    return lon[~same_as_next], lat[~same_as_next]
