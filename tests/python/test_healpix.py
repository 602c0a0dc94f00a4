"""skymaps.Healpix against healpy (point lookup, schemes) and refdata."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from conftest import load_refdata_json

import skymaps
from skymaps import Healpix, RangeSet

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
        rng.integers(0, npix, 20_000),
        np.arange(min(npix, 2000)),
        npix - 1 - np.arange(min(npix, 2000)),
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
            b = h.pixel_boundary(i, step=4)
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


# --------------------------------------------------------------------------------------
# Exact covers (envelopes and interiors) of polygons, circles and boxes.


def _xyz(lon, lat):
    lo, la = np.radians(lon), np.radians(lat)
    return np.stack([np.cos(lo) * np.cos(la), np.sin(lo) * np.cos(la), np.sin(la)], axis=-1)


class _Shape:
    """A region with a vectorized containment test, built from random parameters."""

    def __init__(self, kind, params):
        self.kind, self.params = kind, params

    def contains(self, p):
        if self.kind == "polygon":
            v = self.params
            n = np.cross(v, np.roll(v, -1, axis=0))
            return (p @ n.T >= 0).all(axis=1)
        if self.kind == "circle":
            c, r = self.params
            return p @ c >= np.cos(np.radians(r))
        lon0, lon1, lat0, lat1 = self.params
        lat = np.degrees(np.arcsin(np.clip(p[:, 2], -1, 1)))
        lon = np.degrees(np.arctan2(p[:, 1], p[:, 0])) % 360.0
        width = (lon1 - lon0) % 360.0
        pole = np.abs(p[:, 2]) >= 1.0 - 1e-15  # every longitude meets at a pole
        return (lat >= lat0) & (lat <= lat1) & ((((lon - lon0) % 360.0) <= width) | pole)

    def cover(self, h, interior=False):
        if self.kind == "polygon":
            return h.query_polygon(self.params, interior=interior)
        if self.kind == "circle":
            c, r = self.params
            lon, lat = hp.vec2ang(c, lonlat=True)
            return h.query_disc(float(lon[0]), float(lat[0]), r, interior=interior)
        return h.query_box(*self.params, interior=interior)

    def healpy_inclusive(self, nside):
        if self.kind == "polygon":
            return hp.query_polygon(nside, self.params, inclusive=True, nest=True)
        if self.kind == "circle":
            c, r = self.params
            return hp.query_disc(nside, c, np.radians(r), inclusive=True, nest=True)
        return None


def _random_shape(rng, kind):
    lon0 = rng.uniform(0, 360)
    lat0 = np.degrees(np.arcsin(rng.uniform(-1, 1)))
    size = 10 ** rng.uniform(-1.5, 1.3)  # 0.03 .. 20 degrees
    if rng.uniform() < 0.1:  # around a pole or across RA 0
        lat0 = rng.choice([-89.9, 89.9]) if rng.uniform() < 0.5 else lat0
        lon0 = rng.choice([0.0, 359.99]) if lat0 not in (-89.9, 89.9) else lon0
    if kind in ("polygon", "circle"):
        return _shape_at(kind, lon0, lat0, size, rng), size
    lat_a = float(np.clip(lat0 - size / 2, -90, 90))
    lat_b = float(np.clip(lat0 + size / 2, -90, 90))
    width = min(size * rng.uniform(0.5, 3) / max(np.cos(np.radians(lat0)), 0.05), 300.0)
    return _Shape("box", ((lon0 - width / 2) % 360, (lon0 + width / 2) % 360, lat_a, lat_b)), size


def _order_for(size, rng):
    # keep the boundary to at most a few hundred pixels
    pix_deg = size / rng.uniform(3, 40)
    return int(np.clip(np.floor(np.log2(58.6 / pix_deg)), 0, 18))


def _boundary_inside(shape, nside, pixels, step):
    """Per pixel: (any boundary sample inside, all boundary samples inside)."""
    if len(pixels) == 0:
        return np.zeros(0, bool), np.zeros(0, bool)
    b = hp.boundaries(nside, np.asarray(pixels), step=step, nest=True)  # (n, 3, 4 step)
    b = b.reshape(len(pixels), 3, -1) if b.ndim == 3 else b.reshape(1, 3, -1)
    pts = np.transpose(b, (0, 2, 1)).reshape(-1, 3)
    ins = shape.contains(pts).reshape(len(pixels), -1)
    return ins.any(axis=1), ins.all(axis=1)


@pytest.mark.parametrize("kind,count", [("polygon", 200), ("circle", 200), ("box", 150)])
def test_covers_are_exact(kind, count):
    rng = np.random.default_rng({"polygon": 1, "circle": 2, "box": 3}[kind])
    for _ in range(count):
        shape, size = _random_shape(rng, kind)
        _check_cover_is_exact(shape, size, _order_for(size, rng), rng)


def _shape_at(kind, lon0, lat0, size, rng):
    """A polygon or circle of angular size ``size`` (degrees) centred at (lon0, lat0)."""
    c = _xyz(lon0, lat0)
    if kind == "circle":
        return _Shape("circle", (c, size))
    nv = rng.integers(3, 9)
    pa = np.sort(rng.uniform(0, 2 * np.pi, nv))
    e = np.cross([0.0, 0.0, 1.0], c)
    e = e / np.linalg.norm(e) if np.linalg.norm(e) > 1e-9 else np.array([1.0, 0, 0])
    nrt = np.cross(c, e)
    r = np.radians(size)
    verts = np.array([np.cos(r) * c + np.sin(r) * (np.cos(a) * e + np.sin(a) * nrt) for a in pa])
    return _Shape("polygon", verts / np.linalg.norm(verts, axis=1)[:, None])


# Places where the search's starting ring scan and cell bounds change regime: the poles,
# RA 0/360, the polar-cap transition (|lat| = asin(2/3)) and the square-cell latitude.
_PLACES = [(0.0, 90.0), (123.0, -90.0), (0.0, 0.0), (359.9999, 12.0), (45.0, 41.81031489577861),
           (225.0, -41.81031489577861), (10.0, 22.88), (300.0, 89.95), (0.0005, -89.999)]


@pytest.mark.parametrize("kind", ["polygon", "circle"])
@pytest.mark.parametrize("order,size", [(8, 1.0), (12, 0.25), (16, 0.02), (16, 1e-4),
                                        (12, 0.001), (6, 30.0), (4, 100.0)])
def test_covers_are_exact_at_special_places(kind, order, size):
    # The benchmark's case (1 degree at orders 8-16) and tiny and huge regions, each at
    # the poles, RA 0 and the zone boundaries, against the same oracles as above.
    if kind == "polygon" and size > 80:
        size = 80.0  # a convex polygon stays inside a hemisphere
    rng = np.random.default_rng(order * 1000 + int(size * 10))
    for lon0, lat0 in _PLACES:
        _check_cover_is_exact(_shape_at(kind, lon0, lat0, size, rng), size, order, rng)


def _check_cover_is_exact(shape, size, order, rng):
    """Checks envelope and interior of ``shape`` at ``order`` against dense sampling,
    boundary sampling of neighbouring pixels and healpy's inclusive query."""
    kind = shape.kind
    nside = 2**order
    h = Healpix(order)
    env = shape.cover(h)
    inner = shape.cover(h, interior=True)
    env_pix = env.pixels().astype(np.int64)
    assert inner.issubset(env)
    # 1. dense random samples inside the region all fall in envelope pixels
    pts = rng.normal(size=(20000, 3))
    pts /= np.linalg.norm(pts, axis=1)[:, None]
    if kind != "box":
        center = shape.params[0] if kind == "circle" else shape.params.mean(axis=0)
        center = center / np.linalg.norm(center)
        rad = np.radians(size * 1.05)
        local = rng.normal(size=(20000, 3))
        local -= (local @ center)[:, None] * center
        local /= np.linalg.norm(local, axis=1)[:, None]
        ang = np.arccos(1 - rng.uniform(0, 1, 20000) * (1 - np.cos(rad)))
        pts = np.cos(ang)[:, None] * center + np.sin(ang)[:, None] * local
    inside_pts = pts[shape.contains(pts)]
    hit = np.unique(hp.vec2pix(nside, *inside_pts.T, nest=True))
    assert np.isin(hit, env_pix).all(), (kind, order)
    # 2. candidate pixels (neighbours of the envelope) whose boundary samples fall
    #    inside must be in the envelope; every envelope pixel must really intersect.
    neigh = hp.get_all_neighbours(nside, env_pix, nest=True).ravel()
    cand = np.setdiff1d(np.unique(neigh[neigh >= 0]), env_pix)
    any_in, _ = _boundary_inside(shape, nside, cand, 16)
    assert not any_in.any(), (kind, order, cand[any_in][:5])
    any_env, all_env = _boundary_inside(shape, nside, env_pix, 8)
    unconfirmed = env_pix[~any_env]
    if len(unconfirmed):
        fine_any, _ = _boundary_inside(shape, nside, unconfirmed, 2048)
        # pixels that contain the whole region have no boundary sample inside
        anchor = inside_pts[:1] if len(inside_pts) else np.zeros((0, 3))
        owner = hp.vec2pix(nside, *anchor.T, nest=True) if len(anchor) else []
        ok = fine_any | np.isin(unconfirmed, owner)
        assert ok.all(), (kind, order, unconfirmed[~ok][:5])
    # 3. interior pixels have their whole boundary inside; pixels with the whole
    #    (sampled) boundary inside are interior unless the sampling missed a sliver.
    in_pix = inner.pixels().astype(np.int64)
    _, all_in = _boundary_inside(shape, nside, in_pix, 64)
    assert all_in.all(), (kind, order)
    missing = env_pix[all_env & ~np.isin(env_pix, in_pix)]
    if len(missing):
        _, fine_all = _boundary_inside(shape, nside, missing, 1024)
        assert not fine_all.any(), (kind, order, missing[fine_all][:5])
    # 4. never larger than healpy's inclusive answer
    ref = shape.healpy_inclusive(nside)
    if ref is not None:
        assert np.isin(env_pix, ref).all(), (kind, order)


def test_polygon_covers_equal_mocpy():
    mocpy = pytest.importorskip("mocpy")
    from astropy import units as u

    from skymaps import moc

    rng = np.random.default_rng(11)
    for _ in range(40):
        shape, size = _random_shape(rng, "polygon")
        order = _order_for(size, rng)
        lon, lat = hp.vec2ang(shape.params, lonlat=True)
        ref = mocpy.MOC.from_polygon(lon * u.deg, lat * u.deg, max_depth=order)
        ours = shape.cover(Healpix(order))
        assert moc.from_mocpy(ref, order) == ours


def test_box_covers_equal_cdshealpix_zone_search():
    cds = pytest.importorskip("cdshealpix.nested")
    from astropy import units as u
    from astropy.coordinates import Latitude, Longitude

    rng = np.random.default_rng(12)
    for _ in range(40):
        shape, size = _random_shape(rng, "box")
        lon0, lon1, lat0, lat1 = shape.params
        if lon1 < lon0:  # zone_search does not wrap
            continue
        order = _order_for(size, rng)
        ipix, _, _ = cds.zone_search(Longitude(lon0 * u.deg), Latitude(lat0 * u.deg),
                                     Longitude(lon1 * u.deg), Latitude(lat1 * u.deg),
                                     order, flat=True)
        ours = shape.cover(Healpix(order))
        ref = RangeSet.from_pixels(ipix.astype(np.uint64))
        # A closed box reaching a pole contains the pole point, so the pixels that only
        # touch it there intersect the box too (a point given at the pole with the
        # "wrong" longitude hashes to them); cdshealpix leaves them out.
        npix4 = 4**order
        pole_pixels = set()
        if lat0 <= -90.0:
            pole_pixels |= {b * npix4 for b in (8, 9, 10, 11)}
        if lat1 >= 90.0:
            pole_pixels |= {(b + 1) * npix4 - 1 for b in (0, 1, 2, 3)}
        assert ref.issubset(ours)
        assert set((ours - ref).pixels().tolist()) <= pole_pixels


def test_cover_special_cases():
    h = Healpix(3)
    full = h.query_disc(0.0, 0.0, 180.0)
    assert full == h.universe()
    assert h.query_box(0, 360, -90, 90) == h.universe()
    assert h.query_box(0, 360, -90, 90, interior=True) == h.universe()
    north = h.query_disc(0.0, 90.0, 1.0)
    assert set(north.pixels().tolist()) == {63, 127, 191, 255}
    ring = Healpix(3, nested=False).query_disc(0.0, 90.0, 1.0)
    assert set(ring.pixels().tolist()) == {0, 1, 2, 3}
    with pytest.raises(ValueError):
        h.query_disc(np.nan, 0.0, 1.0)
    with pytest.raises(ValueError):
        h.query_polygon([0, 1], [0, 1])



def test_region_objects_and_golden_polygons():
    from conftest import load_refdata_json

    from skymaps.geometry import Box, Circle, Region, UnionRegion

    polys = load_refdata_json("golden_polygons.json")["polygons"]
    for p in polys:
        region = Region.decode_hex(p["sphgeom_encoded_hex"])
        xyz = np.array(p["vertices_xyz"])
        for order_s, sg_env in p["sphgeom_healpix_envelope_nest"].items():
            order = int(order_s)
            h = Healpix(order)
            env = h.envelope(region)
            assert env == h.query_polygon(xyz)
            # sphgeom's envelope is a superset, its interior a subset, of the exact sets
            assert RangeSet(sg_env).issuperset(env) if sg_env else env.is_empty()
            sg_int = p["sphgeom_healpix_interior_nest"][order_s]
            inner = h.interior(region)
            assert RangeSet(sg_int).issubset(inner) if sg_int else True
            q = p["healpy_query_polygon"]
            excl = q[f"order{order}_nest_exclusive"]
            incl = q[f"order{order}_nest_inclusive"]
            assert RangeSet(excl).issubset(env) if excl else True
            assert RangeSet(incl).issuperset(env) if incl else env.is_empty()
    h = Healpix(5)
    c, b = Circle(10.0, -30.0, 3.0), Box(350.0, 20.0, -5.0, 5.0)
    assert h.envelope(c) == h.query_disc(10.0, -30.0, 3.0)
    assert h.interior(b) == h.query_box(350.0, 20.0, -5.0, 5.0, interior=True)
    assert h.envelope(UnionRegion(c, b)) == h.envelope(c) | h.envelope(b)
    ring = Healpix(5, nested=False)
    assert ring.envelope(c).pixels().tolist() == sorted(
        hp.nest2ring(32, h.envelope(c).pixels().astype(np.int64)).tolist())
