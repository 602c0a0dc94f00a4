"""HEALPix and HTM tract grids (``HealpixSkyMap``, ``HtmSkyMap``).

Oracles: healpy (nested HEALPix ids), lsst.sphgeom (HTM ids and trixel polygons), a
real daf_butler repository (registration and spatial queries) and brute force.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skymaps
from skymaps.errors import IdError, InvalidConfigError, InvalidCoordinateError

hp = pytest.importorskip("healpy")
sg = pytest.importorskip("lsst.sphgeom")


def _random_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 360, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))


def _healpix_edge_points(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel corners and points along the curved edges of every pixel (healpy)."""
    nside = 2**order
    pix = np.arange(12 * nside**2)
    vec = hp.boundaries(nside, pix, step=4, nest=True)  # (npix, 3, 16)
    lon, lat = hp.vec2ang(np.moveaxis(vec, 1, -1).reshape(-1, 3), lonlat=True)
    extra_lon = np.array([0.0, 360.0, 359.9999999999, 45.0, 90.0, 180.0, 0.0, 0.0])
    extra_lat = np.array([0.0, 0.0, 41.8103148957786, 90.0, -90.0, 41.8103148957786, 90, -90])
    return np.concatenate([lon, extra_lon]), np.concatenate([lat, extra_lat])


@functools.cache
def _healpix(order: int) -> skymaps.SkyMap:
    return skymaps.HealpixSkyMap(order=order)


@functools.cache
def _htm(level: int) -> skymaps.SkyMap:
    return skymaps.HtmSkyMap(level=level)


@functools.cache
def _outer_polygons(kind: str, depth: int) -> list[tuple[int, skymaps.ConvexPolygon]]:
    sky = _healpix(depth) if kind == "healpix" else _htm(depth)
    return [(int(t), sky[int(t)].outer_polygon) for t in sky.tract_ids()]


@pytest.mark.parametrize("order", [0, 1, 3, 5])
def test_healpix_tract_ids_equal_healpy(order: int) -> None:
    sky = _healpix(order)
    assert len(sky) == 12 * 4**order
    np.testing.assert_array_equal(sky.tract_ids(), np.arange(12 * 4**order))
    lon, lat = _random_points(300_000, order)
    elon, elat = _healpix_edge_points(order)
    lon, lat = np.concatenate([lon, elon]), np.concatenate([lat, elat])
    expected = hp.ang2pix(2**order, lon, lat, nest=True, lonlat=True)
    np.testing.assert_array_equal(sky.find_tract(lon, lat), expected)
    tracts, patches = sky.find_tract_patch(lon, lat)
    np.testing.assert_array_equal(tracts, expected)
    assert (patches >= 0).all()


def _htm_edge_points(level: int) -> tuple[np.ndarray, np.ndarray]:
    pix = sg.HtmPixelization(level)
    lon, lat = [], []
    for i in range(8 * 4**level, 16 * 4**level, max(1, 4**level // 64)):
        verts = pix.triangle(i).getVertices()
        for a, b in ((0, 1), (1, 2), (2, 0)):
            for t in (0.0, 0.25, 0.5):
                v = sg.UnitVector3d(
                    verts[a].x() * (1 - t) + verts[b].x() * t,
                    verts[a].y() * (1 - t) + verts[b].y() * t,
                    verts[a].z() * (1 - t) + verts[b].z() * t,
                )
                ll = sg.LonLat(v)
                lon.append(ll.getLon().asDegrees())
                lat.append(ll.getLat().asDegrees())
    return np.array(lon), np.array(lat)


@pytest.mark.parametrize("level", [0, 2, 4])
def test_htm_tract_ids_equal_sphgeom(level: int) -> None:
    sky = _htm(level)
    assert len(sky) == 8 * 4**level
    first = 8 * 4**level
    np.testing.assert_array_equal(sky.tract_ids(), np.arange(first, 2 * first))
    lon, lat = _random_points(20_000, level)
    elon, elat = _htm_edge_points(level)
    lon, lat = (
        np.concatenate([lon, elon, [0, 0, 90, 180]]),
        np.concatenate([lat, elat, [90, -90, 0, 0]]),
    )
    pix = sg.HtmPixelization(level)
    expected = [
        pix.index(sg.UnitVector3d(sg.LonLat.fromDegrees(a, b)))
        for a, b in zip(lon, lat, strict=True)
    ]
    np.testing.assert_array_equal(sky.find_tract(lon, lat), expected)
    np.testing.assert_array_equal(sky.find_tract_patch(lon, lat)[0], expected)
    # The tract's inner polygon is the trixel: same vertices as sphgeom's triangle.
    for tid in sky.tract_ids()[:: max(1, len(sky) // 50)]:
        ours = sky[int(tid)].inner_region
        theirs = pix.triangle(int(tid))
        probe_lon, probe_lat = _random_points(200, int(tid))
        vecs = [
            sg.UnitVector3d(sg.LonLat.fromDegrees(a, b))
            for a, b in zip(probe_lon, probe_lat, strict=True)
        ]
        np.testing.assert_array_equal(
            ours.contains(probe_lon, probe_lat), [theirs.contains(v) for v in vecs]
        )


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-720, 720, allow_nan=False),
    st.floats(-90, 90, allow_nan=False),
    st.sampled_from([1, 3]),
)
def test_every_point_has_one_owner_whose_outer_region_holds_it(
    lon: float, lat: float, depth: int
) -> None:
    for kind, sky in (("healpix", _healpix(depth)), ("htm", _htm(depth))):
        owner = int(sky.find_tract(lon, lat))
        assert owner in sky.tract_ids()
        # Brute force: the owner's outer region holds the point (find_all_tracts filters
        # candidates exactly), and no tract is missed by the candidate search.
        everyone = [t for t, poly in _outer_polygons(kind, depth) if poly.contains(lon, lat)]
        assert sky.find_all_tracts(lon, lat) == everyone
        assert owner in everyone
    # The HTM owner's inner region (the trixel) holds the point, as sphgeom sees it.
    owner = int(_htm(depth).find_tract(lon, lat))
    point = sg.UnitVector3d(sg.LonLat.fromDegrees(lon, lat))
    assert sg.HtmPixelization(depth).triangle(owner).contains(point)
    # Within [0, 360) our own containment test agrees (outside it, longitudes such as
    # -1e-300 wrap to exactly 0 in lookups, where sphgeom's radians land a hair below).
    if 0.0 <= lon < 360.0:
        assert _htm(depth)[owner].inner_region.contains(lon, lat)


def test_bad_input() -> None:
    with pytest.raises(InvalidConfigError, match="order"):
        skymaps.HealpixSkyMap(order=9)
    with pytest.raises(InvalidConfigError, match="level"):
        skymaps.HtmSkyMap(level=-1)
    with pytest.raises(InvalidCoordinateError):
        _healpix(1).find_tract(np.nan, 0.0)
    with pytest.raises(InvalidCoordinateError):
        _htm(1).find_tract(0.0, -90.5)
    with pytest.raises(IdError):
        _htm(1)[0]
    assert skymaps.HealpixSkyMap(order=1).hash != skymaps.HtmSkyMap(level=1).hash


@pytest.mark.butler
@pytest.mark.parametrize("kind", ["healpix", "htm"])
def test_register_and_query_by_position(tmp_path, kind: str) -> None:
    from lsst.daf.butler import Butler

    from skymaps.butler import register

    # Coarse pixels keep the patch count small at these coarse depths.
    if kind == "healpix":
        sky = skymaps.HealpixSkyMap(order=2, pixel_scale=30.0)
    else:
        sky = skymaps.HtmSkyMap(level=2, pixel_scale=30.0)
    name = f"{kind}_grid"
    result = register(tmp_path / "repo", sky, name)
    assert result.counts["tract"] == len(sky)
    butler = Butler.from_config(str(tmp_path / "repo"))
    lon, lat = _random_points(5, 9)
    for a, b in zip(lon, lat, strict=True):
        point = sg.UnitVector3d(sg.LonLat.fromDegrees(float(a), float(b)))
        circle = sg.Circle(point, sg.Angle.fromDegrees(1e-7))
        with butler.query() as query:
            found = {
                d["tract"]
                for d in query.data_ids(["tract"]).where(
                    "tract.region OVERLAPS(r)", bind={"r": circle}, skymap=name
                )
            }
        assert int(sky.find_tract(a, b)) in found
        assert found == set(sky.find_all_tracts(float(a), float(b)))


@pytest.mark.parametrize(
    "make",
    [
        lambda: _healpix(2),
        lambda: _htm(2),
        lambda: skymaps.BrickSkyMap(bricksize=3.0),
    ],
    ids=["healpix", "htm", "bricks"],
)
def test_region_coverage_equals_sphgeom_brute_force(make) -> None:
    """``overlapping`` on the new kinds (ids from 1 or 8*4**level) equals sphgeom's
    overlap test of the region against every tract's outer polygon."""
    sky = make()
    outer = [
        (int(t), sg.Region.decode(sky[int(t)].outer_polygon.encode())) for t in sky.tract_ids()
    ]
    rng = np.random.default_rng(17)
    for _ in range(12):
        lon0, lat0 = rng.uniform(0, 360), np.degrees(np.arcsin(rng.uniform(-1, 1)))
        size = rng.uniform(0.5, 20)
        lons = lon0 + size * np.array([-1, 1, 1, -1]) / max(np.cos(np.radians(lat0)), 0.2)
        lats = np.clip(lat0 + size * np.array([-1, -1, 1, 1]), -89, 89)
        region = skymaps.ConvexPolygon.from_lonlat(lons % 360, lats)
        theirs = sg.Region.decode(region.encode())
        expected = sorted(t for t, poly in outer if poly.overlaps(theirs))
        got = sorted(sky.overlapping(region, level="tract").column("tract").to_pylist())
        assert got == expected
