"""GeoJSON polygons across the antimeridian (RFC 7946, 3.1.9) and around the poles.

Oracles: lsst.sphgeom (a random point is inside the region iff it is inside exactly one
written piece, each piece read as a great-circle polygon), spherical_geometry (the
pieces' areas add up to the region's area), the cut points lying on the region's own
edges (a determinant in numpy), and for a polygon around a pole a point-in-polygon test
in the lon/lat plane (matplotlib.path) away from the curved edges.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

import skymaps
from skymaps import Box, Circle, ConvexPolygon, Region

sphgeom = pytest.importorskip("lsst.sphgeom")
spherical_polygon = pytest.importorskip("spherical_geometry.polygon")


def _xyz(lon, lat):
    lon, lat = np.radians(lon), np.radians(lat)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)


def _rings(feature):
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        return [np.asarray(geometry["coordinates"][0])]
    assert geometry["type"] == "MultiPolygon"
    return [np.asarray(p[0]) for p in geometry["coordinates"]]


def _sphgeom_polygon(lon, lat):
    return sphgeom.ConvexPolygon([sphgeom.UnitVector3d(*v) for v in _xyz(lon, lat)])


def _random_points(center, radius, n, rng):
    """Points uniform in a cap (centre lon/lat, radius degrees)."""
    from astropy import units as u
    from astropy.coordinates import SkyCoord

    cos_r = np.cos(np.radians(radius))
    sep = np.degrees(np.arccos(1 - rng.uniform(0, 1, n) * (1 - cos_r)))
    pts = SkyCoord(*center, unit="deg").directional_offset_by(
        rng.uniform(0, 360, n) * u.deg, sep * u.deg)
    return pts.ra.deg, pts.dec.deg


def _check_cut(poly, feature, rng):
    """The written pieces partition the polygon exactly (see the module docstring)."""
    rings = _rings(feature)
    lon_v, lat_v = poly.lonlat()
    edges = np.cross(_xyz(lon_v, lat_v), np.roll(_xyz(lon_v, lat_v), -1, axis=0))
    pieces = []
    for ring in rings:
        assert np.all(ring[0] == ring[-1]) and np.all(np.abs(ring[:, 0]) <= 180.0)
        on_cut = np.abs(ring[:-1, 0]) == 180.0
        # Each cut point is on one of the polygon's great-circle edges.
        for lon, lat in ring[:-1][on_cut]:
            assert np.min(np.abs(edges @ _xyz(lon, lat))) < 1e-15 or np.min(
                np.degrees(np.arccos(np.clip(_xyz(lon_v, lat_v) @ _xyz(lon, lat), -1, 1)))) < 1e-12
        pieces.append(_sphgeom_polygon(ring[:-1, 0], ring[:-1, 1]))
    # Areas: spherical_geometry on the original and on each piece.
    whole = spherical_polygon.SphericalPolygon.from_radec(lon_v, lat_v, degrees=True).area()
    parts = sum(spherical_polygon.SphericalPolygon.from_radec(r[:, 0], r[:, 1], degrees=True)
                .area() for r in rings)
    # spherical_geometry sums angles, so its areas carry an absolute error of a few
    # 1e-15 sr whatever the polygon's size (seen: 1.8e-15 sr on a 1e-6 sr polygon).
    assert parts == pytest.approx(whole, rel=1e-9, abs=1e-13)
    # Points: inside the polygon (sphgeom) iff inside exactly one piece.
    original = _sphgeom_polygon(lon_v, lat_v)
    center = sphgeom.LonLat(original.getBoundingCircle().getCenter())
    radius = original.getBoundingCircle().getOpeningAngle().asDegrees()
    lon, lat = _random_points((center.getLon().asDegrees(), center.getLat().asDegrees()),
                              min(radius * 1.2, 170.0), 400, rng)
    for a, b in zip(lon, lat, strict=True):
        v = sphgeom.UnitVector3d(sphgeom.LonLat.fromDegrees(a, b))
        inside = original.contains(v)
        owners = sum(p.contains(v) for p in pieces)
        assert owners == (1 if inside else 0), (a, b)


def test_a_tract_across_ra180_is_cut_at_the_antimeridian():
    sky = skymaps.preset("hsc_rings_v1")
    tract = sky[int(sky.find_tract(180.0, 0.0))]
    feature = tract.outer_region.to_geojson()
    rings = _rings(feature)
    assert feature["geometry"]["type"] == "MultiPolygon" and len(rings) == 2
    east, west = sorted(rings, key=lambda r: -r[:, 0].max())
    assert east[:, 0].min() > 0 and east[:, 0].max() == 180.0
    assert west[:, 0].max() < 0 and west[:, 0].min() == -180.0
    # The two pieces share the cut: the same latitudes at +180 and -180.
    east_cut, west_cut = east[:-1][east[:-1, 0] == 180.0], west[:-1][west[:-1, 0] == -180.0]
    assert len(east_cut) == 2 and sorted(east_cut[:, 1]) == sorted(west_cut[:, 1])
    _check_cut(tract.outer_polygon, feature, np.random.default_rng(1))
    # It reads back as the one polygon.
    back = Region.from_geojson(json.loads(json.dumps(feature)))
    assert np.max(np.abs(back.vertices() - tract.outer_polygon.vertices())) < 1e-15


def test_polygons_away_from_ra180_are_one_ring_with_rfc_longitudes():
    for lon in (0.0, 10.0, 179.0, 181.0, 359.5):
        poly = Circle(lon, 20.0, 0.5).to_geojson()
        rings = _rings(poly)
        assert len(rings) == 1 and np.all(np.abs(rings[0][:, 0]) <= 180.0)
        expected = lon if lon <= 180 else lon - 360
        assert abs(rings[0][:, 0].mean() - expected) < 1.0


@settings(max_examples=25, deadline=None)
@example(lon=180.0, lat=0.0, radius=0.0625, n=7, seed=0)  # area error at 1e-15 sr (CI)
@given(lon=st.floats(175.0, 185.0), lat=st.floats(-80.0, 80.0), radius=st.floats(0.01, 30.0),
       n=st.integers(3, 9), seed=st.integers(0, 2**32 - 1))
def test_random_polygons_across_ra180(lon, lat, radius, n, seed):
    rng = np.random.default_rng(seed)
    vlon, vlat = _random_points((lon, lat), radius, n, rng)
    try:
        poly = ConvexPolygon.from_lonlat(vlon, vlat, hull=True)
    except skymaps.InvalidRegionError:
        return  # degenerate draw (points on one great circle)
    if poly.contains(0.0, 90.0) or poly.contains(0.0, -90.0):
        return  # the pole tests below
    feature = poly.to_geojson()
    _check_cut(poly, feature, rng)
    back = Region.from_geojson(json.dumps(feature))
    assert np.max(np.abs(back.vertices() - poly.vertices())) < 1e-15


@pytest.mark.parametrize("pole", [90.0, -90.0])
@pytest.mark.parametrize("lon0", [0.0, 37.0, 180.0, 300.0])
def test_polygon_around_a_pole_closes_through_the_pole(pole, lon0):
    from matplotlib.path import Path as PlanePath

    lat = np.sign(pole) * 80.0
    poly = ConvexPolygon.from_lonlat(lon0 + np.arange(0, 360, 60.0), np.full(6, lat))
    feature = poly.to_geojson()
    rings = _rings(feature)
    assert feature["geometry"]["type"] == "Polygon" and len(rings) == 1
    ring = rings[0]
    corners = ring[np.abs(ring[:, 1]) == 90.0]
    assert sorted(corners[:, 0]) == [-180.0, 180.0] and np.all(corners[:, 1] == pole)
    # Counter-clockwise in the lon/lat plane (RFC 7946 right-hand rule).
    x, y = ring[:, 0], ring[:, 1]
    assert np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]) > 0
    # Point in polygon in lon/lat agrees with sphgeom away from the curved edges (the
    # great circles between vertices at |lat| 80 stay within |lat| 80..81).
    rng = np.random.default_rng(3)
    plon, plat = rng.uniform(-180, 180, 4000), np.sign(pole) * rng.uniform(60, 90, 4000)
    clear = (np.abs(plat) > 81.5) | (np.abs(plat) < 79.5)
    original = _sphgeom_polygon(*poly.lonlat())
    truth = np.array([original.contains(sphgeom.UnitVector3d(
        sphgeom.LonLat.fromDegrees(a, b))) for a, b in zip(plon, plat, strict=True)])
    plane = PlanePath(ring).contains_points(np.stack([plon, plat], -1))
    assert np.array_equal(plane[clear], truth[clear]) and truth[clear].any()
    # Without the pole corners the ring is the polygon's boundary, cut once on an edge.
    back = Region.from_geojson(json.dumps(feature))
    assert np.max(np.abs(back.vertices() - poly.vertices())) < 1e-15
    stripped = {"type": "Polygon", "coordinates": feature["geometry"]["coordinates"]}
    plain = Region.from_geojson(stripped)  # no properties: read from the ring itself
    assert plain.contains(0.0, pole) and abs(plain.area() - poly.area()) < 1e-12 * poly.area()


def test_box_across_ra180_is_two_rectangles():
    box = Box(170.0, 190.0, -5.0, 5.0)
    rings = _rings(box.to_geojson())
    assert len(rings) == 2
    spans = sorted((r[:, 0].min(), r[:, 0].max()) for r in rings)
    assert spans == [(-180.0, -170.0), (170.0, 180.0)]
    assert all(r[:, 1].min() == -5.0 and r[:, 1].max() == 5.0 for r in rings)
    assert Region.from_geojson(box.to_geojson()).lon_range == box.lon_range


def test_export_cli_cuts_tracts_across_ra180(tmp_path):
    from skymaps.cli import main

    sky = skymaps.preset("hsc_rings_v1")
    tract = int(sky.find_tract(180.0, 0.0))
    out = tmp_path / "t.geojson"
    result = CliRunner().invoke(main, ["export", "--preset", "hsc_rings_v1", "--tract",
                                       str(tract), "--regions", "geojson", "-o", str(out)])
    assert result.exit_code == 0, result.output
    feature = json.loads(out.read_text())["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["tract"] == tract
    _check_cut(sky[tract].outer_polygon, feature, np.random.default_rng(2))
