"""skymaps.Htm against lsst.sphgeom.HtmPixelization and refdata."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from conftest import load_refdata_json

import skymaps
from skymaps import Htm

sg = pytest.importorskip("lsst.sphgeom")


def _sphgeom_index(level, ra, dec):
    pix = sg.HtmPixelization(level)
    return np.array(
        [pix.index(sg.UnitVector3d(sg.LonLat.fromDegrees(float(a), float(d))))
         for a, d in zip(ra, dec, strict=False)],
        dtype=np.uint64,
    )


def test_golden_points_all_levels():
    pts = load_refdata_json("golden_points.json")["points"]
    ra = np.array([p["ra"] for p in pts])
    dec = np.array([p["dec"] for p in pts])
    for level in range(21):
        want = np.array([p["htm"][level] for p in pts], dtype=np.uint64)
        got = Htm(level).index(ra, dec)
        assert got.dtype == np.uint64
        bad = np.nonzero(got != want)[0]
        assert bad.size == 0, (level, ra[bad][:5], dec[bad][:5])
    names = [Htm.to_string(int(i)) for i in Htm(10).index(ra, dec)]
    assert names == [p["htm_name_l10"] for p in pts]


def _edge_points():
    """Poles, RA 0/360, the root trixel edges (equator, lon multiples of 90) and
    trixel vertices of a few levels (as lon/lat)."""
    lon = [0.0, 360.0, 0.0, 90.0, 180.0, 270.0, 359.9999999999, 1e-12, 45.0, 135.0]
    lat = [90.0, -90.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1e-12, 0.0, -35.26438968275466]
    for level in (1, 3, 6):
        pix = sg.HtmPixelization(level)
        for i in range(8 * 4**level)[:: max(1, 4**level // 8)]:
            for v in pix.triangle(i + 8 * 4**level).getVertices():
                ll = sg.LonLat(v)
                lon.append(ll.getLon().asDegrees())
                lat.append(ll.getLat().asDegrees())
    return np.array(lon), np.array(lat)


def test_edges_and_corners_all_levels():
    lon, lat = _edge_points()
    for level in range(0, 21, 4):
        assert (Htm(level).index(lon, lat) == _sphgeom_index(level, lon, lat)).all()


def test_one_million_random_points_level_20():
    rng = np.random.default_rng(20240607)
    n = 1_000_000
    ra = rng.uniform(0.0, 360.0, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    want = _sphgeom_index(20, ra, dec)
    got20 = Htm(20).index(ra, dec)
    assert (got20 == want).all()
    # sphgeom's ids are hierarchical: a coarser level is a right shift.
    for level in (0, 7, 13, 19):
        sub = slice(0, 200_000)
        got = Htm(level).index(ra[sub], dec[sub])
        assert (got == (want[sub] >> np.uint64(2 * (20 - level)))).all()


def test_vertices_strings_and_universe():
    pix = sg.HtmPixelization(5)
    for i in (8 * 4**5, 8 * 4**5 + 777, 16 * 4**5 - 1):
        ours = Htm(5).pixel_vertices(i)
        ref = np.array([[v.x(), v.y(), v.z()] for v in pix.triangle(i).getVertices()])
        assert np.array_equal(ours, ref)  # bit-identical
        assert Htm.to_string(i) == pix.asString(i)
        assert Htm.from_string(pix.asString(i)) == i
    u = Htm(3).universe()
    assert u.ranges().tolist() == [[r[0], r[1]] for r in pix.__class__(3).universe()]
    assert Htm.level_of(Htm.from_string("N32000000")) == 7
    assert Htm.to_string(Htm.from_string("N32000000")) == "N32000000"


def test_broadcasting_shapes_and_scalars():
    h = Htm(8)
    assert np.isscalar(h.index(10.0, 20.0)) or h.index(10.0, 20.0).shape == ()
    out = h.index(np.zeros((3, 1)), np.linspace(-80, 80, 4))
    assert out.shape == (3, 4)
    assert h.index([], []).shape == (0,)
    strided = np.linspace(0, 300, 20)[::2]
    assert (h.index(strided, 5.0) == h.index(strided.copy(), 5.0)).all()
    assert pickle.loads(pickle.dumps(h)) == h


def test_bad_input():
    with pytest.raises(skymaps.InvalidCoordinateError):
        Htm(25)
    with pytest.raises(ValueError):
        Htm(-1)
    with pytest.raises(ValueError):
        Htm(5).index(np.nan, 0.0)
    with pytest.raises(ValueError):
        Htm(5).index(0.0, 90.5)
    with pytest.raises(skymaps.IdError):
        Htm(5).pixel_vertices(7)
    with pytest.raises(LookupError):
        Htm(5).pixel_vertices(8)  # a level-0 id, not level 5
    with pytest.raises(LookupError):
        Htm.to_string(3)
    with pytest.raises(LookupError):
        Htm.from_string("Q12")
    with pytest.raises(LookupError):
        Htm.from_string("N14")
