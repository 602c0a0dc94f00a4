"""A tract's inner region is a real Region (box or polygon) and a patch has a WCS.

Oracles: lsst.sphgeom (the same region decoded from our bytes: relate, HTM envelope
and interior, containment), brute force over random points (what a tract owns lies in
its region), astropy.wcs (patch and cell headers) and the tract WCS itself at the
patch corners (pixel origin moved by the outer box's first pixel).
"""

from __future__ import annotations

import numpy as np
import pytest

import skymaps
from skymaps.geometry import Box, ConvexPolygon, Region, Relationship

sphgeom = pytest.importorskip("lsst.sphgeom")


@pytest.fixture(scope="module")
def maps():
    discrete = skymaps.DiscreteSkyMap(
        ra_list=[150.1, 359.9, 10.7], dec_list=[2.2, -0.3, 41.3], radius_list=[0.7, 0.4, 0.8]
    )
    return {
        "rings": skymaps.preset("hsc_rings_v1"),
        "cells": skymaps.preset("lsst_cells_v1"),
        "discrete": discrete,
        "dodeca": skymaps.DodecaSkyMap(),
    }


def _ranges(rs):
    return [(int(a), int(b)) for a, b in (rs.ranges() if hasattr(rs, "ranges") else rs)]


CASES = [
    ("rings", 9813, Box),  # an ordinary ring tract
    ("rings", 0, Box),  # the south polar cap: every longitude
    ("rings", 18937, Box),  # the north polar cap
    ("cells", 10, Box),  # a tract crossing RA = 0 in the first ring
    ("discrete", 1, ConvexPolygon),  # across RA = 0
    ("discrete", 2, ConvexPolygon),
    ("dodeca", 3, ConvexPolygon),
]


@pytest.mark.parametrize(("kind", "tract_id", "cls"), CASES)
def test_inner_region_is_a_region(maps, kind, tract_id, cls):
    tract = maps[kind][tract_id]
    inner = tract.inner_region
    assert isinstance(inner, Region)
    assert isinstance(inner.region, cls) and inner.region == inner
    assert Region.decode(inner.encode()) == inner.region

    theirs = sphgeom.Region.decode(inner.encode())
    outer = tract.outer_polygon
    their_outer = sphgeom.Region.decode(outer.encode())
    assert int(inner.relate(outer)) == int(theirs.relate(their_outer))
    assert int(outer.relate(inner)) == int(their_outer.relate(theirs))
    for level in (3, 7):
        ours = skymaps.Htm(level).envelope(inner)
        ref = sphgeom.HtmPixelization(level).envelope(theirs)
        assert _ranges(ours) == _ranges(ref)
        interior = skymaps.Htm(level).interior(inner)
        assert _ranges(interior) == _ranges(sphgeom.HtmPixelization(level).interior(theirs))
    moc = skymaps.Healpix(8).envelope(inner)
    assert moc.cardinality() > 0
    # A region covering the whole inner region relates to it as sphgeom says.
    circle = skymaps.Circle(*tract.center, 10.0)
    assert circle.relate(inner) == Relationship(
        int(sphgeom.Region.decode(circle.encode()).relate(theirs))
    )


@pytest.mark.parametrize(("kind", "tract_id", "cls"), CASES)
def test_owned_points_lie_in_the_region(maps, kind, tract_id, cls):
    sky = maps[kind]
    tract = sky[tract_id]
    inner = tract.inner_region
    c = inner.bounding_circle()
    rng = np.random.default_rng(tract_id)
    lon0, lat0 = c.center
    r = min(c.radius * 1.2, 60.0)
    # Points around the region (uniform on a cap around its bounding circle).
    z = rng.uniform(np.cos(np.radians(r)), 1.0, 20_000)
    phi = rng.uniform(0, 2 * np.pi, 20_000)
    local = np.stack([np.sqrt(1 - z**2) * np.cos(phi), np.sqrt(1 - z**2) * np.sin(phi), z])
    a, d = np.radians(lon0), np.radians(lat0)
    rot = np.array(
        [
            [np.sin(d) * np.cos(a), -np.sin(a), np.cos(d) * np.cos(a)],
            [np.sin(d) * np.sin(a), np.cos(a), np.cos(d) * np.sin(a)],
            [-np.cos(d), 0.0, np.sin(d)],
        ]
    )
    x, y, zz = rot @ local
    lon = np.degrees(np.arctan2(y, x)) % 360
    lat = np.degrees(np.arcsin(np.clip(zz, -1, 1)))
    owned = sky.find_tract(lon, lat) == tract_id
    assert owned.any()
    # `contains` is the ownership test, and what a tract owns is in its closed region.
    assert (inner.contains(lon, lat) >= owned).all()
    their = sphgeom.Region.decode(inner.encode())
    vectors = [sphgeom.UnitVector3d(sphgeom.LonLat.fromDegrees(o, a)) for o, a in
               zip(lon[owned][:2000], lat[owned][:2000], strict=True)]
    assert all(their.contains(v) for v in vectors)


def _corners(bbox):
    return (
        np.array([0, bbox.width - 1, bbox.width - 1, 0, 0.5 * bbox.width], float),
        np.array([0, 0, bbox.height - 1, bbox.height - 1, 0.5 * bbox.height], float),
    )


@pytest.mark.parametrize(("kind", "tract_id", "index"), [
    ("rings", 9813, (4, 5)), ("rings", 0, (0, 0)), ("discrete", 1, (1, 2)),
    ("cells", 10, (9, 0)),
])
def test_patch_wcs(maps, kind, tract_id, index):
    from astropy.wcs import WCS

    tract = maps[kind][tract_id]
    patch = tract.patch(index)
    wcs = patch.wcs
    box = patch.outer_bbox
    x, y = _corners(box)
    # The tract WCS at the same pixels, in tract coordinates.
    lon_t, lat_t = tract.wcs.pixel_to_sky(x + box.x0, y + box.y0)
    lon_p, lat_p = wcs.pixel_to_sky(x, y)
    np.testing.assert_allclose(lon_p, lon_t, rtol=0, atol=1e-10)
    np.testing.assert_allclose(lat_p, lat_t, rtol=0, atol=1e-10)
    # The header: NAXIS is the outer box, and astropy reads the same WCS.
    header = wcs.to_header()
    assert (header["NAXIS"], header["NAXIS1"], header["NAXIS2"]) == (2, box.width, box.height)
    ref = WCS(header)
    assert tuple(ref.pixel_shape) == (box.width, box.height)
    ra, dec = ref.all_pix2world(x, y, 0)
    np.testing.assert_allclose(ra, lon_t, rtol=0, atol=1e-9)
    np.testing.assert_allclose(dec, lat_t, rtol=0, atol=1e-9)
    assert tuple(wcs.to_astropy().pixel_shape) == (box.width, box.height)
    # The polygon corners: the outer box's pixel-edge corners through the patch WCS.
    edges_x = np.array([-0.5, box.width - 0.5, box.width - 0.5, -0.5])
    edges_y = np.array([-0.5, -0.5, box.height - 0.5, box.height - 0.5])
    lon_e, lat_e = wcs.pixel_to_sky(edges_x, edges_y)
    vertices = patch.outer_polygon.vertices()
    v = np.stack(
        [np.cos(np.radians(lat_e)) * np.cos(np.radians(lon_e)),
         np.cos(np.radians(lat_e)) * np.sin(np.radians(lon_e)),
         np.sin(np.radians(lat_e))], axis=1,
    )
    assert all(np.abs(vertices - p).max(axis=1).min() < 1e-12 for p in v)
    # lsst.skymap's PatchInfo.getWcs() is the tract WCS in tract pixels.
    assert patch.getWcs().crpix == tract.wcs.crpix


def test_cell_wcs(maps):
    tract = maps["cells"][10]
    patch = tract.patch((3, 4))
    cell = patch.cell((2, 1))
    x, y = _corners(cell.outer_bbox)
    lon_c, lat_c = cell.wcs.pixel_to_sky(x, y)
    lon_t, lat_t = tract.wcs.pixel_to_sky(x + cell.outer_bbox.x0, y + cell.outer_bbox.y0)
    np.testing.assert_allclose(lon_c, lon_t, rtol=0, atol=1e-10)
    np.testing.assert_allclose(lat_c, lat_t, rtol=0, atol=1e-10)
    assert cell.wcs.to_header()["NAXIS1"] == cell.outer_bbox.width
