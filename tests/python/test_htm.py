"""skymaps.Htm against lsst.sphgeom.HtmPixelization and refdata."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from conftest import load_refdata_json
from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=150, deadline=None)
@given(
    level=st.integers(0, 24),
    seed=st.integers(0, 2**32 - 1),
    nudge_exp=st.integers(-17, -6),
)
def test_points_on_and_beside_trixel_edges(level, seed, nudge_exp):
    """Points on a random trixel's edges and at its vertices, and nudged off them by
    10^-17..10^-6 degrees: the certified fast descent must decline or agree, so the
    ids equal sphgeom's at this level and the two next ones."""
    rng = np.random.default_rng(seed)
    lon0, lat0 = rng.uniform(0, 360), np.degrees(np.arcsin(rng.uniform(-1, 1)))
    pix = sg.HtmPixelization(level)
    tri = pix.triangle(pix.index(sg.UnitVector3d(sg.LonLat.fromDegrees(lon0, lat0))))
    verts = np.array([[v.x(), v.y(), v.z()] for v in tri.getVertices()])
    pts = []
    for k in range(3):
        a, b = verts[k], verts[(k + 1) % 3]
        for w in (0.0, 0.5, rng.uniform()):
            p = w * a + (1 - w) * b
            pts.append(p / np.linalg.norm(p))
    pts = np.array(pts)
    lon = np.degrees(np.arctan2(pts[:, 1], pts[:, 0])) % 360.0
    lat = np.degrees(np.arcsin(np.clip(pts[:, 2], -1, 1)))
    nudge = 10.0**nudge_exp
    lon = np.concatenate([lon, lon + nudge * rng.standard_normal(lon.size)])
    lat = np.concatenate([lat, np.clip(lat + nudge * rng.standard_normal(lat.size), -90, 90)])
    for lv in {level, min(level + 1, 24), min(level + 2, 24)}:
        assert (Htm(lv).index(lon, lat) == _sphgeom_index(lv, lon, lat)).all(), lv


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


# --------------------------------------------------------------------------------------
# Envelopes and interiors: identical to sphgeom.

from skymaps.geometry import Box, Circle, ConvexPolygon, Region  # noqa: E402


def _ranges(rs):
    return [[int(b), int(e)] for b, e in rs]


def test_golden_polygon_envelopes_and_interiors():
    polys = load_refdata_json("golden_polygons.json")["polygons"]
    for p in polys:
        region = Region.decode_hex(p["sphgeom_encoded_hex"])
        for level, want in p["htm_envelope"].items():
            assert _ranges(Htm(int(level)).envelope(region)) == want, (p["kind"], level)
        for level, want in p["htm_interior"].items():
            assert _ranges(Htm(int(level)).interior(region)) == want, (p["kind"], level)


def test_butler_htm7_rows_for_real_tracts_and_patches():
    d = load_refdata_json("skymap_dimension_records.json")
    records = d["tracts"] + d["patches"]
    regions = [Region.decode_hex(r["region_encoded_hex"]) for r in records]
    many = Htm(7).envelope_pixels_many(regions)
    for rec, region, pixels in zip(records, regions, many, strict=True):
        want = rec["sphgeom_htm7_envelope_ranges"]
        assert _ranges(Htm(7).envelope(region)) == want
        flat = [i for b, e in want for i in range(b, e)]
        assert pixels.tolist() == flat
    # the butler's own overlap rows (DC2) are the same sets
    for row in d["htm7_overlap_vs_sphgeom_envelope"]:
        rec = next(r for r in records if r["skymap"] == row["skymap"] and r["tract"] == row["tract"]
                   and r.get("patch") == row.get("patch"))
        ours = Htm(7).envelope(Region.decode_hex(rec["region_encoded_hex"])).pixels().tolist()
        assert ours == sorted(row["butler_htm7"])


def test_hsc_visit_regions_envelopes():
    h = load_refdata_json("hsc_rc2_observation_regions.json")
    pix = sg.HtmPixelization(7)
    for rec in h["visits"] + h["visit_detector_regions"][:200]:
        ours = Htm(7).envelope(Region.decode_hex(rec["region_encoded_hex"]))
        ref = pix.envelope(sg.Region.decode(bytes.fromhex(rec["region_encoded_hex"])))
        assert _ranges(ours) == _ranges(ref)


def _random_pairs(rng, n):
    """(skymaps region, sphgeom region) pairs: polygons, circles and boxes of random
    sizes, some around the poles or across RA 0."""
    out = []
    for k in range(n):
        lon = float(rng.uniform(0, 360))
        lat = float(np.degrees(np.arcsin(rng.uniform(-1, 1))))
        size = float(10 ** rng.uniform(-2, 1.5))
        if k % 10 == 0:
            lat = float(rng.choice([-89.5, 89.5]))
        if k % 10 == 1:
            lon = float(rng.choice([0.0, 359.9]))
        kind = k % 3
        if kind == 0:
            nv = int(rng.integers(3, 9))
            pa = np.sort(rng.uniform(0, 360, nv))
            dlon = size * np.cos(np.radians(pa)) / max(np.cos(np.radians(lat)), 0.02)
            vlon = (lon + dlon) % 360
            vlat = np.clip(lat + size * np.sin(np.radians(pa)), -89.999, 89.999)
            ours = ConvexPolygon.from_lonlat(vlon, vlat, hull=True)
            ref = sg.ConvexPolygon.convexHull(
                [sg.UnitVector3d(sg.LonLat.fromDegrees(float(a), float(b)))
                 for a, b in zip(vlon, vlat, strict=True)])
        elif kind == 1:
            ours = Circle(lon, lat, size)
            ref = sg.Circle(sg.UnitVector3d(sg.LonLat.fromDegrees(lon, lat)),
                            sg.Angle.fromDegrees(size))
        else:
            lat0, lat1 = max(lat - size, -90.0), min(lat + size, 90.0)
            lon0, lon1 = (lon - 2 * size) % 360, (lon + 2 * size) % 360
            ours = Box(lon0, lon1, lat0, lat1)
            ref = sg.Box.fromDegrees(lon0, lat0, lon1, lat1)
        out.append((ours, ref))
    return out


@pytest.mark.parametrize("level,max_ranges", [(7, 0), (12, 0), (10, 8), (14, 64), (3, 1)])
def test_random_regions_identical_to_sphgeom(level, max_ranges):
    rng = np.random.default_rng(level * 100 + max_ranges)
    pairs = _random_pairs(rng, 120)
    pix = sg.HtmPixelization(level)
    for ours, ref in pairs:
        assert ours.encode() == ref.encode()
        want = _ranges(pix.envelope(ref, max_ranges))
        assert _ranges(Htm(level).envelope(ours, max_ranges)) == want
        want_in = _ranges(pix.interior(ref, max_ranges))
        assert _ranges(Htm(level).interior(ours, max_ranges)) == want_in


def test_envelopes_never_miss_a_trixel():
    rng = np.random.default_rng(5)
    for ours, _ in _random_pairs(rng, 45):
        pts_lon = rng.uniform(0, 360, 30000)
        pts_lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 30000)))
        inside = ours.contains(pts_lon, pts_lat)
        env = Htm(9).envelope(ours)
        ids = Htm(9).index(pts_lon[inside], pts_lat[inside])
        assert all(int(i) in env for i in np.unique(ids))
        inner = Htm(9).interior(ours)
        outside_ids = np.unique(Htm(9).index(pts_lon[~inside], pts_lat[~inside]))
        assert not any(int(i) in inner for i in outside_ids)


def test_pixel_is_sphgeom_triangle():
    t = Htm(4).pixel(Htm.from_string("N01230"))
    ref = sg.HtmPixelization(4).triangle(Htm.from_string("N01230"))
    assert t.encode() == ref.encode()


# --------------------------------------------------------------------------------------
# Hard cases for the fast polygon path (regions built in sphgeom, decoded into skymaps,
# so both libraries see the same vertices): trixels themselves, edges on trixel edges,
# vertices on the coordinate planes and at the poles, tiny to near-hemisphere sizes.


def _sg_hull(vectors):
    return sg.ConvexPolygon.convexHull([sg.UnitVector3d(*map(float, v)) for v in vectors])


def _sg_lonlat_hull(lon, lat):
    return sg.ConvexPolygon.convexHull(
        [sg.UnitVector3d(sg.LonLat.fromDegrees(float(a), float(b)))
         for a, b in zip(lon, lat, strict=True)])


def _level_for(size_deg):
    """A level with a few dozen trixels along the region's edge (keeps sphgeom quick)."""
    return int(np.clip(np.round(np.log2(90.0 / size_deg)) + 3, 0, 20))


def _hard_polygons(rng):
    """(sphgeom polygon, size in degrees) pairs."""
    out = []
    # trixels of several levels, and hulls of a trixel and one point beyond an edge
    for level in (0, 1, 3, 6, 10):
        pix = sg.HtmPixelization(level)
        size = 90.0 / 2**level
        for _ in range(3):
            tid = int(rng.integers(8 << (2 * level), 16 << (2 * level)))
            tri = pix.triangle(tid)
            out.append((tri, size))
            v = np.array([[u.x(), u.y(), u.z()] for u in tri.getVertices()])
            beyond = v[0] + v[1] - 0.5 * v[2]
            out.append((_sg_hull([*v, beyond / np.linalg.norm(beyond)]), 2 * size))
    # vertices on the equator, on the meridians 0/90/180/270 and at the poles
    for lon0 in (0.0, 90.0, 180.0, 270.0, 45.0):
        for size in (1e-5, 0.3, 10.0):
            out.append((_sg_lonlat_hull([lon0, lon0 + size, lon0 + size, lon0],
                                        [0.0, 0.0, size, size]), size))
            out.append((_sg_lonlat_hull([lon0 - size, lon0 + size, lon0],
                                        [-size, -size, size]), size))
            out.append((_sg_lonlat_hull([lon0, lon0 + 120, lon0 + 240],
                                        [90.0 - size] * 3), size))
            out.append((_sg_lonlat_hull([lon0, lon0 + 90, lon0 + 180, lon0 + 270],
                                        [-90.0 + size] * 4), size))
    out.append((_sg_hull([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), 90.0))
    out.append((_sg_hull([[1, 0, 0], [0, 1, 0], [0, 0, -1]]), 90.0))
    # random convex polygons from tiny to nearly a hemisphere, some around the poles
    # and across RA 0
    for k in range(60):
        size = float(10 ** rng.uniform(-6, np.log10(85.0)))
        lon = float(rng.uniform(0, 360)) if k % 4 else float(rng.choice([0.0, 359.99]))
        lat = float(np.degrees(np.arcsin(rng.uniform(-1, 1))))
        if k % 5 == 0:
            lat = float(rng.choice([-90.0, 90.0])) * (1 - 1e-3 * rng.uniform())
        c = np.array([np.cos(np.radians(lon)) * np.cos(np.radians(lat)),
                      np.sin(np.radians(lon)) * np.cos(np.radians(lat)),
                      np.sin(np.radians(lat))])
        e = np.cross([0.3, 0.1, 1.0], c)
        e /= np.linalg.norm(e)
        f = np.cross(c, e)
        nv = int(rng.integers(3, 12))
        pa = rng.uniform(0, 2 * np.pi, nv)
        r = np.radians(size)
        verts = [np.cos(r) * c + np.sin(r) * (np.cos(p) * e + np.sin(p) * f) for p in pa]
        try:
            out.append((_sg_hull(verts), size))
        except Exception:  # degenerate draw (e.g. collinear): sphgeom refuses it too
            continue
    return out


@pytest.mark.parametrize("max_ranges", [0, 1, 8, 64])
def test_hard_polygons_identical_to_sphgeom(max_ranges):
    rng = np.random.default_rng(77 + max_ranges)
    for ref, size in _hard_polygons(rng):
        ours = Region.decode(ref.encode())
        base = _level_for(size)
        for level in {max(base - 3, 0), base, min(base + 2, 20)}:
            pix = sg.HtmPixelization(level)
            htm = Htm(level)
            assert _ranges(htm.envelope(ours, max_ranges)) == \
                _ranges(pix.envelope(ref, max_ranges)), (ref, level)
            assert _ranges(htm.interior(ours, max_ranges)) == \
                _ranges(pix.interior(ref, max_ranges)), (ref, level)


def test_improper_decoded_vertex_lists_identical_to_sphgeom():
    """Encodings neither library would make (clockwise, self-crossing, repeated or
    collinear vertices) decode as they are in both; envelopes must still agree."""
    import struct

    def ll(lon, lat):
        lo, la = np.radians(lon), np.radians(lat)
        return [np.cos(lo) * np.cos(la), np.sin(lo) * np.cos(la), np.sin(la)]

    lists = [
        [ll(0, 0), ll(0, 10), ll(10, 0)],
        [ll(0, 0), ll(10, 10), ll(10, 0), ll(0, 10)],
        [ll(0, 0), ll(10, 0), ll(10, 0), ll(5, 10)],
        [ll(0, 0), ll(60, 0), ll(120, 0)],
        [ll(350, -5), ll(10, -5), ll(0, 89.9)],
    ]
    for verts in lists:
        data = b"p" + b"".join(struct.pack("<3d", *v) for v in verts)
        ours, ref = Region.decode(data), sg.Region.decode(data)
        for level in (2, 5, 8):
            pix = sg.HtmPixelization(level)
            for max_ranges in (0, 8):
                assert _ranges(Htm(level).envelope(ours, max_ranges)) == \
                    _ranges(pix.envelope(ref, max_ranges))
                assert _ranges(Htm(level).interior(ours, max_ranges)) == \
                    _ranges(pix.interior(ref, max_ranges))


from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lon=st.floats(0.0, 360.0),
    lat=st.floats(-90.0, 90.0),
    log_size=st.floats(-6.0, 1.9),
    angles=st.lists(st.floats(0.0, 360.0), min_size=3, max_size=10),
    max_ranges=st.sampled_from([0, 1, 8, 64]),
    interior=st.booleans(),
)
def test_property_polygon_envelope_and_interior_equal_sphgeom(
        lon, lat, log_size, angles, max_ranges, interior):
    size = 10.0**log_size
    scale = max(np.cos(np.radians(lat)), 1e-3)
    pa = np.radians(angles)
    vlon = (lon + size * np.cos(pa) / scale) % 360.0
    vlat = np.clip(lat + size * np.sin(pa), -90.0, 90.0)
    try:
        ref = _sg_lonlat_hull(vlon, vlat)
    except Exception:  # collinear or coincident draws: no polygon in sphgeom either
        ref = None
    assume(ref is not None)
    ours = Region.decode(ref.encode())
    level = _level_for(size)
    pix, htm = sg.HtmPixelization(level), Htm(level)
    if interior:
        assert _ranges(htm.interior(ours, max_ranges)) == _ranges(pix.interior(ref, max_ranges))
    else:
        assert _ranges(htm.envelope(ours, max_ranges)) == _ranges(pix.envelope(ref, max_ranges))
