"""Regions to and from MOC (mocpy), astropy-regions, DS9, STC-S and GeoJSON.

Oracles: healpy's query_polygon/query_disc covers stored in refdata (exclusive covers
are subsets of the exact envelope, inclusive ones supersets) and run live for circles;
mocpy reading what we write; astropy-regions parsing our DS9 text; the lsst.skymap
tract record in refdata for a tract's region. Round trips through formats that keep
full precision must return vertices within 1e-12 rad.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import load_refdata_json
from hypothesis import given, settings
from hypothesis import strategies as st

import skymaps
from skymaps import (
    Box,
    Circle,
    ConvexPolygon,
    Healpix,
    IntersectionRegion,
    RangeSet,
    Region,
    UnionRegion,
    interchange,
)
from skymaps.errors import DecodeError, InvalidRegionError

pytest.importorskip("regions")
pytest.importorskip("mocpy")

POLYGONS = load_refdata_json("golden_polygons.json")["polygons"]
TOL_RAD = 1e-12


def _angle(a, b):
    return 2 * np.arcsin(np.linalg.norm(np.asarray(a) - np.asarray(b), axis=-1) / 2)


def _close(r1, r2, tol=TOL_RAD):
    """Same polygon within ``tol`` rad (same start vertex: formats keep the order)."""
    assert type(r1) is type(r2)
    if isinstance(r1, ConvexPolygon):
        assert np.max(_angle(r1.vertices(), r2.vertices())) < tol
    elif isinstance(r1, Circle):
        assert _angle(*[np.array(_unit(*r.center)) for r in (r1, r2)]) < tol
        assert abs(np.radians(r1.radius - r2.radius)) < tol
    elif isinstance(r1, Box):
        assert np.allclose(r1.lon_range, r2.lon_range, rtol=0, atol=1e-12)
        assert np.allclose(r1.lat_range, r2.lat_range, rtol=0, atol=1e-12)
    else:
        for a, b in zip(r1.operands(), r2.operands(), strict=True):
            _close(a, b, tol)


def _unit(lon, lat):
    lon, lat = np.radians(lon), np.radians(lat)
    return [np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)]


def _polygon(rec):
    return ConvexPolygon.from_vectors(np.array(rec["vertices_xyz"]), normalize=False)


def _ranges(pairs):
    return RangeSet([tuple(p) for p in pairs]) if pairs else RangeSet()


@pytest.mark.parametrize("rec", POLYGONS, ids=lambda r: r["kind"])
def test_polygon_round_trips(rec):
    poly = _polygon(rec)
    _close(Region.from_stcs(poly.to_stcs()), poly)
    _close(Region.from_ds9(poly.to_ds9()), poly)
    _close(Region.from_geojson(json.loads(json.dumps(poly.to_geojson()))), poly)
    # DS9 text read by astropy-regions itself, then converted.
    from regions import PolygonSkyRegion, Regions

    parsed = Regions.parse(poly.to_ds9(), format="ds9")
    assert len(parsed) == 1 and isinstance(parsed[0], PolygonSkyRegion)
    _close(Region.from_regions(parsed[0]), poly)
    _close(Region.from_regions(poly.to_regions()), poly)
    # STC-S carries the vertices' own degrees, exactly.
    lon, lat = poly.lonlat()
    numbers = [float(x) for x in poly.to_stcs().split()[2:]]
    assert numbers[0::2] == lon.tolist() and numbers[1::2] == lat.tolist()


@pytest.mark.parametrize("rec", POLYGONS[::5] + POLYGONS[-6:], ids=lambda r: r["kind"])
@pytest.mark.parametrize("order", [4, 8])
def test_polygon_moc_against_healpy(rec, order):
    poly = _polygon(rec)
    moc = poly.to_moc(order)
    got = interchange.from_moc(moc, order)
    assert got == Healpix(order).envelope(poly)
    q = rec["healpy_query_polygon"]
    inner = _ranges(q[f"order{order}_nest_exclusive"])
    outer = _ranges(q[f"order{order}_nest_inclusive"])
    assert inner.issubset(got) and got.issubset(outer)
    # mocpy agrees on what the MOC holds: the vertices and the centroid are inside.
    lon, lat = poly.lonlat()
    import astropy.units as u

    assert moc.contains_lonlat(lon * u.deg, lat * u.deg).all()


@pytest.mark.parametrize("lon,lat,radius", [(0.0, 0.0, 1.0), (359.99, -89.5, 2.0),
                                            (123.456, 45.0, 0.01), (10.0, 89.0, 30.0)])
def test_circle_round_trips_and_moc(lon, lat, radius):
    import astropy.units as u
    import healpy

    c = Circle(lon, lat, radius)
    _close(Region.from_stcs(c.to_stcs()), c)
    _close(Region.from_ds9(c.to_ds9()), c)
    _close(Region.from_regions(c.to_regions()), c)
    _close(Region.from_geojson(c.to_geojson()), c)
    # The GeoJSON geometry is a polygon around the circle (for viewers without circles).
    # (Read from the geometry alone: a ring around a pole drops its pole corners.)
    around = Region.from_geojson(c.to_geojson()["geometry"])
    # Points just inside the circle's edge, placed by astropy, are inside the polygon.
    from astropy.coordinates import SkyCoord

    edge = SkyCoord(lon, lat, unit="deg").directional_offset_by(
        np.linspace(0, 360, 721) * u.deg, radius * (1 - 1e-9) * u.deg)
    assert np.all(around.contains(edge.ra.deg, edge.dec.deg))
    order = 6
    got = interchange.from_moc(c.to_moc(order), order)
    vec = _unit(lon, lat)
    nside = 2**order
    exact_inside = healpy.query_disc(nside, vec, np.radians(radius), nest=True)
    touching = healpy.query_disc(nside, vec, np.radians(radius), inclusive=True, fact=64,
                                 nest=True)
    assert RangeSet.from_pixels(exact_inside).issubset(got)
    assert got.issubset(RangeSet.from_pixels(touching))


def test_box_formats():
    box = Box(350.0, 10.0, -5.0, 5.0)  # across RA 0
    assert box.to_stcs() == "PositionInterval ICRS 350.0 -5.0 10.0 5.0"
    _close(Region.from_stcs(box.to_stcs()), box)
    _close(Region.from_geojson(box.to_geojson()), box)
    # DS9/regions have no lon/lat box: a polygon through points of its edges (its
    # parallels are not great circles, so it is not convex and does not read back).
    from regions import Regions

    shape = Regions.parse(box.to_ds9(), format="ds9")[0]
    lon, lat = shape.vertices.ra.deg, shape.vertices.dec.deg
    on_edge = np.isclose(np.abs(lat), 5.0) | np.isclose((lon + 10) % 360, 0) | np.isclose(
        (lon + 10) % 360, 20)
    assert on_edge.all() and len(lon) == 4 * interchange.BOX_POINTS
    with pytest.raises(InvalidRegionError, match="non-convex"):
        Region.from_ds9(box.to_ds9())
    with pytest.raises(InvalidRegionError, match="PositionInterval"):
        Box(0, 360, 80, 90).to_ds9()


def test_geojson_across_ra0_is_continuous():
    rec = next(r for r in POLYGONS if r["kind"] == "crosses_ra0")
    ring = np.array(_polygon(rec).to_geojson()["geometry"]["coordinates"][0])
    assert np.all(ring[0] == ring[-1])
    assert np.abs(np.diff(ring[:, 0])).max() < 180  # no jump across RA 0


def test_union_and_intersection():
    u_ = UnionRegion(Circle(10, 10, 1), _polygon(POLYGONS[0]))
    _close(Region.from_stcs(u_.to_stcs()), u_)
    _close(Region.from_ds9(u_.to_ds9()), u_)
    _close(Region.from_geojson(u_.to_geojson()), u_)
    assert u_.to_stcs().startswith("Union ICRS ( Circle 10.0 10.0")
    i_ = IntersectionRegion(Circle(10, 10, 1), Box(9, 11, 9, 11))
    _close(Region.from_stcs(i_.to_stcs()), i_)
    for method in (i_.to_ds9, i_.to_geojson, i_.to_regions):
        with pytest.raises(InvalidRegionError, match="intersection"):
            method()
    moc = u_.to_moc(7)
    assert interchange.from_moc(moc, 7) == Healpix(7).envelope(u_)


def test_tract_and_patch_regions_match_lsst_record():
    rec = next(t for t in load_refdata_json("skymap_dimension_records.json")["tracts"]
               if t["skymap"] == "DC2")
    sky = skymaps.preset("DC2")
    tract = sky[rec["tract"]]
    from_text = Region.from_stcs(interchange.to_stcs(tract))
    stored = np.array([v["xyz"] for v in rec["vertices"]])
    got = from_text.vertices()
    assert min(np.max(_angle(got, np.roll(stored, r, 0))) for r in range(4)) < 1e-13
    # The inner region of a rings tract is a lon/lat box: a PositionInterval.
    inner = Region.from_stcs(tract.inner_region.to_stcs())
    assert isinstance(inner, Box)
    assert np.allclose(inner.lat_range, tract.inner_region.lat_range, rtol=0, atol=1e-13)
    patch = tract[24]
    _close(Region.from_geojson(interchange.to_geojson(patch)), patch.outer_polygon)


@settings(max_examples=40, deadline=None)
@given(
    lon=st.floats(0, 360, exclude_max=True),
    lat=st.floats(-89.9, 89.9),
    size=st.floats(1e-6, 20.0),
    n=st.integers(3, 9),
)
def test_round_trip_property(lon, lat, size, n):
    """Random regular polygons anywhere (RA 0, near the poles, tiny to large)."""
    ring = interchange._circle_outline(lon, lat, size)
    idx = (np.arange(n) * len(ring[0]) // n)
    try:
        poly = ConvexPolygon.from_lonlat(ring[0][idx], ring[1][idx])
    except InvalidRegionError:
        return  # points too close to tell apart in degrees
    _close(Region.from_stcs(poly.to_stcs()), poly)
    _close(Region.from_ds9(poly.to_ds9()), poly)
    _close(Region.from_geojson(poly.to_geojson()), poly)


@pytest.mark.parametrize(
    "text,error",
    [
        ("", "ends where a shape"),
        ("Polygon ICRS 1 2 3", "at least 3"),
        ("Polygon ICRS 0 0 10 0 10 10 0 10 5 5", "non-convex|not convex|convex"),
        ("Circle GALACTIC 1 2 3", "frame"),
        ("Circle ICRS 1 2", "3 numbers"),
        ("Circle ICRS 1 nan 3", "finite"),
        ("Box ICRS 1 2 3 4", "not supported"),
        ("Ellipse ICRS 1 2 3 4 5", "unsupported STC-S shape"),
        ("Union ICRS ( Circle 1 2 3", "missing"),
        ("Circle ICRS 1 2 3 extra", "not a number|unexpected"),
    ],
)
def test_bad_stcs(text, error):
    with pytest.raises((DecodeError, InvalidRegionError, ValueError), match=error):
        Region.from_stcs(text)


def test_bad_geojson_and_ds9():
    with pytest.raises(DecodeError, match="one ring"):
        Region.from_geojson({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]],
                                                                 [[0, 0], [1, 0], [1, 1]]]})
    with pytest.raises(DecodeError, match="unsupported GeoJSON type"):
        Region.from_geojson({"type": "Point", "coordinates": [1, 2]})
    with pytest.raises(DecodeError, match="not GeoJSON"):
        Region.from_geojson("{not json")
    with pytest.raises((DecodeError, InvalidRegionError)):
        Region.from_ds9("icrs\nellipse(1,2,3\",4\",5)\n")
