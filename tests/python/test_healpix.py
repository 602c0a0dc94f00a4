"""skymaps.Healpix against healpy (point lookup, schemes) and refdata."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from conftest import load_refdata_json

import skymaps
from skymaps import Healpix

hp = pytest.importorskip("healpy")


def test_golden_points_all_orders():
    pts = load_refdata_json("golden_points.json")["points"]
    ra = np.array([p["ra"] for p in pts])
    dec = np.array([p["dec"] for p in pts])
    for order in range(30):
        for nested, key in ((True, "healpix_nest"), (False, "healpix_ring")):
            want = np.array([p[key][order] for p in pts], dtype=np.int64)
            got = Healpix(order, nested).index(ra, dec)
            assert got.dtype == np.int64
            bad = np.nonzero(got != want)[0]
            assert bad.size == 0, (order, nested, ra[bad][:4], dec[bad][:4])


def _boundary_points(rng):
    """Poles, RA 0/360 and points exactly on pixel edges and corners."""
    lon = [0.0, 360.0, 0.0, 123.0, 0.0, 360.0, 720.5, -0.5, 45.0, 90.0]
    lat = [90.0, 90.0, -90.0, -90.0, 0.0, 0.0, 10.0, -10.0, 41.810314895778596, 0.0]
    for order in (0, 1, 3, 7, 12, 20, 29):
        nside = 2**order
        pix = rng.integers(0, 12 * nside**2, 300)
        for step in (1, 2):
            v = hp.boundaries(nside, pix, step=step, nest=True)  # (n, 3, 4 * step)
            x, y, z = (v[:, k, :].ravel() for k in range(3))
            lo, la = hp.vec2ang(np.stack([x, y, z], axis=1), lonlat=True)
            lon.extend(lo.tolist())
            lat.extend(la.tolist())
    return np.array(lon), np.array(lat)


def test_one_million_random_points_and_edges_all_orders():
    rng = np.random.default_rng(7)
    n = 1_000_000
    ra = rng.uniform(0.0, 360.0, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    blon, blat = _boundary_points(rng)
    ra = np.concatenate([ra, blon])
    dec = np.concatenate([dec, blat])
    for order in range(30):
        for nested in (True, False):
            sub = slice(None) if order in (0, 9, 17, 29) else slice(0, 100_000)
            want = hp.ang2pix(2**order, ra[sub], dec[sub], nest=nested, lonlat=True)
            got = Healpix(order, nested).index(ra[sub], dec[sub])
            bad = np.nonzero(got != want)[0]
            assert bad.size == 0, (order, nested, ra[sub][bad][:4], dec[sub][bad][:4])
    # Boundary points at every order in full.
    for order in range(30):
        for nested in (True, False):
            want = hp.ang2pix(2**order, blon, blat, nest=nested, lonlat=True)
            assert (Healpix(order, nested).index(blon, blat) == want).all()


@pytest.mark.parametrize("order", [0, 1, 2, 5, 13, 22, 29])
def test_nest_ring_conversion_matches_healpy(order):
    rng = np.random.default_rng(order)
    npix = 12 * 4**order
    ids = np.unique(np.concatenate([
        rng.integers(0, npix, 20_000), np.arange(min(npix, 2000)), npix - 1 - np.arange(min(npix, 2000)),
    ]))
    h = Healpix(order)
    assert (h.nest_to_ring(ids) == hp.nest2ring(2**order, ids)).all()
    assert (h.ring_to_nest(ids) == hp.ring2nest(2**order, ids)).all()
    assert (h.ring_to_nest(h.nest_to_ring(ids)) == ids).all()


def test_pixel_vertices_match_healpy_boundaries():
    for order, nested in ((0, True), (4, False), (11, True)):
        h = Healpix(order, nested)
        for i in (0, 5, h.npix // 2 + 3, h.npix - 1):
            ours = h.pixel_vertices(i)  # S, E, N, W
            v = hp.boundaries(h.nside, i, step=1, nest=nested)  # N, W, S, E
            lon, lat = hp.vec2ang(v.T, lonlat=True)
            ref = np.stack([lon, lat], axis=1)[[2, 3, 0, 1]]
            # compare unit vectors (longitude is arbitrary at the poles)
            def xyz(a):
                r = np.radians(a)
                return np.stack([np.cos(r[:, 0]) * np.cos(r[:, 1]),
                                 np.sin(r[:, 0]) * np.cos(r[:, 1]), np.sin(r[:, 1])], axis=1)
            assert np.allclose(xyz(ours), xyz(ref), atol=1e-12)
            b = h.pixel(i, step=4)
            assert b.shape == (16, 2)
            assert np.allclose(xyz(b[::4]), xyz(ours), atol=1e-12)
            # intermediate boundary points lie on the shared pixel edges
            inner = hp.ang2pix(h.nside, b[:, 0], b[:, 1], nest=nested, lonlat=True)
            assert i in inner


def test_properties_shapes_pickle():
    h = Healpix(10, nested=False)
    assert (h.order, h.nside, h.npix, h.nested) == (10, 1024, 12 * 1024**2, False)
    assert h.universe().ranges().tolist() == [[0, h.npix]]
    assert h.index(np.zeros((2, 3)), 0.0).shape == (2, 3)
    assert pickle.loads(pickle.dumps(h)) == h
    assert h.nest_to_ring(5) == hp.nest2ring(1024, 5)


def test_bad_input():
    with pytest.raises(skymaps.InvalidCoordinateError):
        Healpix(30)
    with pytest.raises(ValueError):
        Healpix(-1)
    with pytest.raises(ValueError):
        Healpix(3).index(np.nan, 0.0)
    with pytest.raises(ValueError):
        Healpix(3).index(0.0, -91.0)
    with pytest.raises(ValueError):
        Healpix(3).index(np.inf, 0.0)
    with pytest.raises(skymaps.IdError):
        Healpix(3).nest_to_ring(12 * 64)
    with pytest.raises(LookupError):
        Healpix(3).ring_to_nest(-1)
    with pytest.raises(LookupError):
        Healpix(3).pixel_vertices(10**6)
