"""skymaps.geometry against lsst.sphgeom (the oracle) on >= 10,000 random polygons.

Polygons are generated vectorized: random centres (uniform on the sphere, plus poles
and RA 0), radii from < 1 arcsec to nearly a hemisphere, 3-11 vertices at random
position angles and distances (so the hull has to drop and reorder points). Both
libraries get the same degrees; sphgeom builds
``ConvexPolygon([UnitVector3d(LonLat.fromDegrees(lon, lat)), ...])``.
"""

from __future__ import annotations

import numpy as np
import pytest

import skymaps
from skymaps.geometry import Box, Circle, ConvexPolygon, Region, Relationship

sphgeom = pytest.importorskip("lsst.sphgeom")

N_POLYGONS = 10_000
ARCSEC = 1.0 / 3600.0


def destination(lon0, lat0, radius_deg, angle_rad):
    """Points at angular distance ``radius`` and bearing ``angle`` from (lon0, lat0)."""
    la0, lo0, r = np.radians(lat0), np.radians(lon0), np.radians(radius_deg)
    lat = np.arcsin(
        np.clip(np.sin(la0) * np.cos(r) + np.cos(la0) * np.sin(r) * np.cos(angle_rad), -1, 1)
    )
    dlon = np.arctan2(
        np.sin(angle_rad) * np.sin(r) * np.cos(la0), np.cos(r) - np.sin(la0) * np.sin(lat)
    )
    return np.degrees(lo0 + dlon) % 360.0, np.degrees(lat)


def random_polygon_vertices(rng, n):
    """(lon, lat, kmax) arrays of shape (n, kmax) and a per-polygon vertex count."""
    lon0 = rng.uniform(0.0, 360.0, n)
    lat0 = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    kind = rng.integers(0, 5, n)
    radius = np.where(
        kind == 0,
        10 ** rng.uniform(-5.0, np.log10(0.9 * ARCSEC), n),  # tiny: < 1 arcsec
        np.where(kind == 1, rng.uniform(80.0, 89.9, n), 10 ** rng.uniform(-3.0, 1.5, n)),
    )
    # Contain a pole: centre on or near it.
    pole = kind == 2
    lat0[pole] = rng.choice([-90.0, 90.0], pole.sum()) * (1 - 1e-3 * rng.random(pole.sum()))
    # Cross RA 0.
    ra0 = kind == 3
    lon0[ra0] = rng.uniform(-0.5, 0.5, ra0.sum()) * radius[ra0] % 360.0
    kmax = 11
    k = rng.integers(3, kmax + 1, n)
    angle = rng.uniform(0, 2 * np.pi, (n, kmax))
    frac = np.where(rng.random((n, 1)) < 0.5, 1.0, rng.uniform(0.3, 1.0, (n, kmax)))
    lon, lat = destination(lon0[:, None], lat0[:, None], radius[:, None] * frac, angle)
    return lon, lat, k, lon0, lat0, radius


def sphgeom_polygon(lon, lat):
    return sphgeom.ConvexPolygon(
        [
            sphgeom.UnitVector3d(sphgeom.LonLat.fromDegrees(a, b))
            for a, b in zip(lon, lat, strict=True)
        ]
    )


@pytest.fixture(scope="module")
def dataset():
    rng = np.random.default_rng(20261121)
    lon, lat, k, lon0, lat0, radius = random_polygon_vertices(rng, N_POLYGONS)
    ours, theirs, errors = [], [], []
    for i in range(N_POLYGONS):
        plon, plat = lon[i, : k[i]], lat[i, : k[i]]
        try:
            sp = sphgeom_polygon(plon, plat)
        except Exception as exc:  # sphgeom raises for degenerate input
            sp = exc
        try:
            p = ConvexPolygon.from_lonlat(plon, plat, hull=True)
        except ValueError as exc:
            p = exc
        if isinstance(sp, Exception) or isinstance(p, Exception):
            errors.append((i, sp, p))
            continue
        ours.append(p)
        theirs.append(sp)
    return dict(
        rng=rng, ours=ours, theirs=theirs, errors=errors, lon0=lon0, lat0=lat0, radius=radius
    )


def test_encode_identical(dataset):
    ours, theirs = dataset["ours"], dataset["theirs"]
    assert len(ours) >= N_POLYGONS * 0.98
    mismatched = [
        i for i, (p, s) in enumerate(zip(ours, theirs, strict=True)) if p.encode() != s.encode()
    ]
    assert mismatched == []


def test_errors_agree_with_sphgeom(dataset):
    # Whenever either library refuses the points, both do.
    for _, sp, p in dataset["errors"]:
        assert isinstance(sp, Exception) and isinstance(p, skymaps.InvalidRegionError)


def test_special_families_present(dataset):
    ours = dataset["ours"]
    north = sphgeom.UnitVector3d(0, 0, 1)
    south = sphgeom.UnitVector3d(0, 0, -1)
    poles = sum(s.contains(north) or s.contains(south) for s in dataset["theirs"])
    tiny = sum(p.bounding_circle().radius < ARCSEC for p in ours)
    huge = sum(p.area() > 0.8 * 2 * np.pi for p in ours)
    ra0 = sum(bool(p.contains(0.0, p.centroid()[1])) for p in ours)
    assert poles > 100 and tiny > 100 and huge > 100 and ra0 > 100


def probe_points(rng, p, n_random=24):
    """Vertices, points 1e-9..1e-13 deg off vertices and edges, and random points."""
    lon, lat = p.lonlat()
    xyz = p.vertices()
    nxt = np.roll(xyz, -1, axis=0)
    mids = xyz + nxt
    mids /= np.linalg.norm(mids, axis=1)[:, None]
    mlon = np.degrees(np.arctan2(mids[:, 1], mids[:, 0])) % 360.0
    mlat = np.degrees(np.arcsin(np.clip(mids[:, 2], -1, 1)))
    c = p.bounding_circle()
    rlon, rlat = destination(
        c.center[0],
        c.center[1],
        c.radius * np.sqrt(rng.random(n_random)) * 1.2,
        rng.uniform(0, 2 * np.pi, n_random),
    )
    eps = 10.0 ** rng.uniform(-13, -9, 2 * len(lon))
    qlon = np.concatenate([lon, mlon, np.concatenate([lon, mlon]) + eps, rlon])
    qlat = np.concatenate([lat, mlat, np.concatenate([lat, mlat]) - eps, rlat])
    return qlon % 360.0, np.clip(qlat, -90.0, 90.0)


def test_contains_identical(dataset):
    rng = np.random.default_rng(7)
    n_checked = 0
    for p, s in zip(dataset["ours"], dataset["theirs"], strict=True):
        qlon, qlat = probe_points(rng, p)
        ours = p.contains(qlon, qlat)
        theirs = s.contains(np.radians(qlon), np.radians(qlat))
        np.testing.assert_array_equal(ours, theirs)
        n_checked += qlon.size
    assert n_checked > 300_000


def _rel(r):
    return int(r)


def test_relate_polygon_pairs(dataset):
    ours, theirs = dataset["ours"], dataset["theirs"]
    rng = np.random.default_rng(11)
    pairs = [(i, i + 1) for i in range(len(ours) - 1)]
    # Plus pairs made to overlap: each polygon against its own bounding-box hull and
    # a shrunken copy of itself.
    counts = {}
    for i, j in pairs:
        r = _rel(ours[i].relate(ours[j]))
        assert r == _rel(theirs[i].relate(theirs[j]))
        assert _rel(ours[j].relate(ours[i])) == _rel(theirs[j].relate(theirs[i]))
        assert ours[i].overlaps(ours[j]) == theirs[i].overlaps(theirs[j])
        counts[r] = counts.get(r, 0) + 1
    for i in rng.choice(len(ours), 3000, replace=False):
        p, s = ours[i], theirs[i]
        lon, lat = p.lonlat()
        c = p.centroid()
        f = rng.uniform(0.2, 1.5)
        slon = (c[0] + f * (((lon - c[0]) + 180) % 360 - 180)) % 360
        slat = np.clip(c[1] + f * (lat - c[1]), -90, 90)
        try:
            q = ConvexPolygon.from_lonlat(slon, slat, hull=True)
        except ValueError:
            continue
        sq = q.to_sphgeom()
        assert _rel(p.relate(q)) == _rel(s.relate(sq))
        assert _rel(q.relate(p)) == _rel(sq.relate(s))
        counts[_rel(p.relate(q))] = counts.get(_rel(p.relate(q)), 0) + 1
    # Every kind of answer occurred.
    assert {0, 1, 2, 4} <= set(counts)


def test_relate_with_circles_and_boxes(dataset):
    ours, theirs = dataset["ours"], dataset["theirs"]
    rng = np.random.default_rng(12)
    seen = set()
    for idx in rng.choice(len(ours), 4000, replace=False):
        p, s = ours[idx], theirs[idx]
        bc = p.bounding_circle()
        lon, lat = destination(
            bc.center[0], bc.center[1], bc.radius * rng.uniform(0, 2), rng.uniform(0, 6.3)
        )
        circle = Circle(lon, lat, min(bc.radius * 10 ** rng.uniform(-1, 0.5), 180.0))
        half_w = min(bc.radius * rng.uniform(0.2, 3), 179)
        lat_lo = max(lat - bc.radius * rng.uniform(0.2, 2), -90)
        lat_hi = min(lat + bc.radius * rng.uniform(0.2, 2), 90)
        box = Box((lon - half_w) % 360, (lon + half_w) % 360, lat_lo, lat_hi)
        sc, sb = circle.to_sphgeom(), box.to_sphgeom()
        for a, sa in ((p, s), (circle, sc), (box, sb)):
            for b, sb_ in ((p, s), (circle, sc), (box, sb)):
                r = _rel(a.relate(b))
                assert r == _rel(sa.relate(sb_)), (a, b)
                assert a.overlaps(b) == sa.overlaps(sb_)
                seen.add((type(a).__name__, type(b).__name__, r))
        # Bounding regions are sphgeom's, bit for bit.
        assert p.bounding_circle().encode() == s.getBoundingCircle().encode()
        assert p.bounding_box().encode() == s.getBoundingBox().encode()
        assert circle.bounding_box().encode() == sc.getBoundingBox().encode()
        assert box.bounding_circle().encode() == sb.getBoundingCircle().encode()
        # Point containment for circles and boxes.
        qlon, qlat = probe_points(rng, p, 16)
        np.testing.assert_array_equal(
            circle.contains(qlon, qlat), sc.contains(np.radians(qlon), np.radians(qlat))
        )
        np.testing.assert_array_equal(
            box.contains(qlon, qlat), sb.contains(np.radians(qlon), np.radians(qlat))
        )
    # Non-trivial answers occurred for each pairing.
    for a in ("ConvexPolygon", "Circle", "Box"):
        for b in ("ConvexPolygon", "Circle", "Box"):
            assert {r for (x, y, r) in seen if (x, y) == (a, b)} - {0}, (a, b)


def test_box_box_and_circle_circle_near_ra0_and_poles():
    rng = np.random.default_rng(5)
    for _ in range(3000):
        a = Box(*_random_box(rng))
        b = Box(*_random_box(rng))
        sa, sb = a.to_sphgeom(), b.to_sphgeom()
        assert _rel(a.relate(b)) == _rel(sa.relate(sb))
        assert a.overlaps(b) == sa.overlaps(sb)
        lon0 = rng.choice([0.0, 359.99, rng.uniform(0, 360)])
        c1 = Circle(lon0, rng.uniform(-90, 90), rng.uniform(0, 60))
        c2 = Circle((lon0 + rng.normal(0, 5)) % 360, rng.uniform(-90, 90), rng.uniform(0, 60))
        s1, s2 = c1.to_sphgeom(), c2.to_sphgeom()
        assert _rel(c1.relate(c2)) == _rel(s1.relate(s2))
        assert c1.overlaps(c2) == s1.overlaps(s2)
        assert _rel(a.relate(c1)) == _rel(sa.relate(s1))


def _random_box(rng):
    lon_min = rng.choice([0.0, 350.0, rng.uniform(0, 360)])
    lon_max = (lon_min + rng.uniform(0, 40)) % 360
    lat_min = rng.uniform(-90, 85)
    return lon_min, lon_max, lat_min, min(90.0, lat_min + rng.uniform(0, 30))


def test_constructors_match_sphgeom_bits():
    rng = np.random.default_rng(3)
    for _ in range(500):
        lon, lat, r = rng.uniform(-360, 720), rng.uniform(-90, 90), rng.uniform(0, 180)
        c = Circle(lon, lat, r)
        sc = sphgeom.Circle(
            sphgeom.UnitVector3d(sphgeom.LonLat.fromDegrees(lon, lat)), sphgeom.Angle.fromDegrees(r)
        )
        assert c.encode() == sc.encode()
        b = _random_box(rng)
        sb = sphgeom.Box.fromDegrees(b[0], b[2], b[1], b[3])
        assert Box(*b).encode() == sb.encode()
    # from_vectors normalizes like sphgeom's UnitVector3d(x, y, z).
    xyz = rng.normal(size=(6, 3)) * 10.0 ** rng.uniform(-3, 3, (6, 1))
    xyz[:, 2] = np.abs(xyz[:, 2]) + 5  # keep them in one hemisphere
    s = sphgeom.ConvexPolygon([sphgeom.UnitVector3d(*v) for v in xyz])
    assert ConvexPolygon.from_vectors(xyz, hull=True).encode() == s.encode()


def test_region_round_trip_through_sphgeom(dataset):
    for p in dataset["ours"][:200]:
        s = p.to_sphgeom()
        assert Region.from_sphgeom(s) == p
        assert Region.decode_base64(p.to_base64()).encode() == p.encode()
    u = skymaps.UnionRegion(dataset["ours"][0], Circle(10, 10, 1))
    su = u.to_sphgeom()
    assert isinstance(su, sphgeom.UnionRegion) and su.encode() == u.encode()
    i = skymaps.IntersectionRegion(dataset["ours"][0], Box(0, 20, -10, 10))
    assert i.to_sphgeom().encode() == i.encode()
    for other in dataset["ours"][1:200]:
        so = other.to_sphgeom()
        assert _rel(u.relate(other)) == _rel(su.relate(so))
        assert u.overlaps(other) == su.overlaps(so)
        assert _rel(other.relate(i)) == _rel(so.relate(i.to_sphgeom()))
        assert other.overlaps(i) == so.overlaps(i.to_sphgeom())


def test_compound_bounding_boxes_match_sphgeom():
    # no operands, one, and several (one box wrapping through RA=0, one circle at a pole)
    operand_lists = [
        (),
        (Circle(10, 10, 1),),
        (Circle(10, 10, 1), Box(350, 20, -10, 10)),
        (Circle(0, 89, 3), Box(100, 120, -5, 5), Circle(200, -30, 10)),
    ]
    for ops in operand_lists:
        for cls in (skymaps.UnionRegion, skymaps.IntersectionRegion):
            r = cls(*ops)
            assert r.bounding_box().encode() == r.to_sphgeom().getBoundingBox().encode()


def test_relationship_values_match_sphgeom():
    assert Relationship.DISJOINT == sphgeom.DISJOINT
    assert Relationship.CONTAINS == sphgeom.CONTAINS
    assert Relationship.WITHIN == sphgeom.WITHIN
    assert Relationship.INTERSECTS == sphgeom.INTERSECTS
    assert (Relationship.CONTAINS | Relationship.DISJOINT).invert() == (
        Relationship.WITHIN | Relationship.DISJOINT
    )
