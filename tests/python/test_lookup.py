"""Point lookups: exactly one owner, consistent with the regions (oracles: the real
lsst.skymap inner boxes of lsst_cells_v1 and lsst.sphgeom polygon containment)."""

from __future__ import annotations

import csv

import lsst.sphgeom as sg
import numpy as np
import pytest
from conftest import REFDATA
from hypothesis import given, settings
from hypothesis import strategies as st

import skymaps
from skymaps import DiscreteSkyMap, InvalidCoordinateError, RingsSkyMap, ShapeMismatchError

HSC = dict(projection="TAN", pixel_scale=0.168, tract_overlap=1 / 60)


@pytest.fixture(scope="module")
def hsc() -> skymaps.SkyMap:
    return RingsSkyMap(120, **HSC)


@pytest.fixture(scope="module")
def cells() -> skymaps.SkyMap:
    return RingsSkyMap(
        120, projection="TAN", pixel_scale=0.2, tract_overlap=1 / 60, tract_builder="cells"
    )


@pytest.fixture(scope="module")
def lsst_boxes() -> np.ndarray:
    """lsst.skymap's own inner boxes (lsst_cells_v1, same ring layout as HSC)."""
    with open(REFDATA / "lsst_cells_v1_tract_inner_radec.csv") as f:
        rows = list(csv.DictReader(f))
    out = np.array(
        [[float(r["ra0"]), float(r["ra1"]), float(r["dec0"]), float(r["dec2"])] for r in rows]
    )
    out[0, :2] = [0.0, 360.0]  # the caps span every RA (lsst's Box degenerates there)
    out[-1, :2] = [0.0, 360.0]
    return out


def lsst_owners(boxes: np.ndarray, lon: float, lat: float) -> set[int]:
    lon = lon % 360.0
    r0, r1, d0, d1 = boxes.T
    tol = 1e-11  # the CSV went through a unit-vector round trip
    in_dec = (lat >= d0 - tol) & (lat <= d1 + tol)
    in_ra = np.where(
        r0 <= r1, (lon >= r0 - tol) & (lon <= r1 + tol), (lon >= r0 - tol) | (lon <= r1 + tol)
    )
    return set(np.nonzero(in_dec & in_ra)[0].tolist())


def sphgeom_polygon(vertices: np.ndarray) -> sg.ConvexPolygon:
    return sg.ConvexPolygon([sg.UnitVector3d(*v) for v in vertices])


def sphgeom_point(lon: float, lat: float) -> sg.UnitVector3d:
    return sg.UnitVector3d(sg.LonLat.fromDegrees(lon, lat))


ring_size = 180.0 / 121
seam_lats = [-90 + (j + 0.5) * ring_size for j in range(121)]
special_lon = st.sampled_from([0.0, 360.0, -0.0, 180.0, 359.99999999999994, 1e-300, 720.0])
special_lat = st.sampled_from([90.0, -90.0, 0.0, *seam_lats[:3], *seam_lats[-3:], seam_lats[60]])
lons = st.one_of(st.floats(-720, 720, allow_nan=False), special_lon)
lats = st.one_of(st.floats(-90, 90, allow_nan=False), special_lat)


@settings(max_examples=300, deadline=None)
@given(lon=lons, lat=lats)
def test_exactly_one_owner(hsc, lsst_boxes, lon, lat):
    tract_id, patch_id = hsc.find_tract_patch(lon, lat)
    assert 0 <= tract_id < len(hsc)
    assert hsc.find_tract(lon, lat) == tract_id
    tract = hsc[int(tract_id)]
    # The owner's inner region contains the point; lsst.skymap's own box agrees.
    assert tract.inner_region.contains(lon, lat)
    assert int(tract_id) in lsst_owners(lsst_boxes, lon, lat)
    # The owner's outer polygon contains it (sphgeom as the oracle).
    p = sphgeom_point(lon, lat)
    assert sphgeom_polygon(tract.outer_polygon_vertices).contains(p)
    # Exactly one owning patch, whose outer polygon contains the point.
    nx, ny = tract.num_patches
    assert 0 <= patch_id < nx * ny
    patch = tract.patch(int(patch_id))
    assert sphgeom_polygon(patch.outer_polygon_vertices).contains(p)
    assert tract.find_patch(lon, lat) == patch_id


@settings(max_examples=60, deadline=None)
@given(lon=lons, lat=lats)
def test_find_all_tracts_contains_owner(hsc, lon, lat):
    owner = int(hsc.find_tract(lon, lat))
    every = hsc.find_all_tracts(lon, lat)
    assert owner in every and every == sorted(set(every))
    p = sphgeom_point(lon, lat)
    for t in every:
        assert sphgeom_polygon(hsc[t].outer_polygon_vertices).contains(p)


def test_find_all_tracts_brute_force(hsc):
    outers = [sphgeom_polygon(t.outer_polygon_vertices) for t in hsc]
    for lon, lat in [(0.0, 0.0), (150.25, 2.23), (359.9, -60.0), (12.0, 89.5), (200.0, -89.9)]:
        p = sphgeom_point(lon, lat)
        expected = [i for i, poly in enumerate(outers) if poly.contains(p)]
        assert hsc.find_all_tracts(lon, lat) == expected


def test_vectorized_matches_scalar(hsc):
    rng = np.random.default_rng(1)
    lon = rng.uniform(0, 360, 20000)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 20000)))
    t, p = hsc.find_tract_patch(lon, lat)
    assert t.dtype == np.int64 and t.shape == lon.shape
    for i in range(0, 20000, 997):
        assert (hsc.find_tract(lon[i], lat[i]), hsc.find_tract_patch(lon[i], lat[i])[1]) == (
            t[i],
            p[i],
        )
    # n-d and strided input keep their shape.
    t2 = hsc.find_tract(lon[::2].reshape(50, 200), lat[::2].reshape(50, 200))
    assert t2.shape == (50, 200)
    np.testing.assert_array_equal(t2.ravel(), t[::2])
    # Serial and parallel agree.
    skymaps._core.set_parallelism(False)
    try:
        np.testing.assert_array_equal(hsc.find_tract_patch(lon, lat)[1], p)
    finally:
        skymaps._core.set_parallelism(True)
    # Empty input.
    assert hsc.find_tract(np.array([]), np.array([])).shape == (0,)


def test_every_tract_centre_finds_itself(hsc):
    lon, lat = hsc.tract_centers()
    np.testing.assert_array_equal(hsc.find_tract(lon, lat), np.arange(len(hsc)))


def test_astropy_input(hsc):
    import astropy.units as u
    from astropy.coordinates import SkyCoord

    c = SkyCoord([150.25, 10.0] * u.deg, [2.23, -30.0] * u.deg)
    np.testing.assert_array_equal(hsc.find_tract(c), hsc.find_tract([150.25, 10.0], [2.23, -30]))
    assert hsc.find_tract(150.25 * u.deg, 2.23 * u.deg) == 9813


def test_bad_coordinates(hsc):
    with pytest.raises(InvalidCoordinateError, match="91"):
        hsc.find_tract(0.0, 91.0)
    with pytest.raises(InvalidCoordinateError):
        hsc.find_tract_patch([0.0, np.nan], [0.0, 0.0])
    with pytest.raises(InvalidCoordinateError):
        hsc.find_tract(np.inf, 0.0)
    with pytest.raises(ShapeMismatchError):
        hsc.find_tract([1.0, 2.0, 3.0], [1.0, 2.0])


def test_cells(cells):
    rng = np.random.default_rng(3)
    lon = rng.uniform(0, 360, 300)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 300)))
    t, p = cells.find_tract_patch(lon, lat)
    for i in range(300):
        tract = cells[int(t[i])]
        pid, cid = tract.find_patch_cell(lon[i], lat[i])
        assert pid == p[i]
        patch = tract.patch(int(pid))
        cell = patch.cell(int(cid))
        x, y = tract.wcs.sky_to_pixel(lon[i], lat[i])
        px, py = int(np.floor(x + 0.5)), int(np.floor(y + 0.5))
        b = cell.inner_bbox
        assert b.x0 <= px <= b.x1 and b.y0 <= py <= b.y1
        # Inner cells only: a point owned by a patch is in its inner box.
        assert 1 <= cell.index[0] <= 20 and 1 <= cell.index[1] <= 20


def test_discrete_owner_and_gaps():
    sky = DiscreteSkyMap(
        [10.0, 10.0, 200.0],
        [0.0, 1.0, -30.0],
        [1.0, 1.0, 2.0],
        projection="STG",
        pixel_scale=1.0,
        tract_overlap=0.0,
    )
    # Overlapping tracts: the lowest id whose inner polygon holds the point.
    assert sky.find_tract(10.0, 0.5) == 0
    assert sky.find_tract(10.0, 1.9) == 1
    assert sky.find_tract(200.0, -30.0) == 2
    t, p = sky.find_tract_patch([100.0, 200.0], [0.0, -30.0])
    assert list(t) == [-1, 2] and p[0] == -1 and p[1] >= 0
    for lon, lat in [(10.0, 0.5), (10.0, 1.9), (200.5, -31.0)]:
        tid = int(sky.find_tract(lon, lat))
        poly = sphgeom_polygon(sky[tid].inner_region.vertices)
        assert poly.contains(sphgeom_point(lon, lat))
