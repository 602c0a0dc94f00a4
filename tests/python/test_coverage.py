"""Coverage (skymaps.coverage) against independent oracles: lsst.sphgeom's pairwise
relations over every tract (bounding-circle prefilter in numpy) and every patch of
every overlapping tract, Monte-Carlo areas, astropy's WCS for footprints."""

from __future__ import annotations

import os

import lsst.sphgeom as sg
import numpy as np
import pytest
from conftest import load_refdata_json

import skymaps
from skymaps import coverage as cov
from skymaps.wcs_footprint import fits_footprints, footprint, visit_region

DEG = np.pi / 180


@pytest.fixture(scope="module")
def sky():
    return skymaps.preset("hsc_rings_v1")


def to_sg(region):
    """The same region in lsst.sphgeom, through its encoding."""
    return sg.Region.decode(region.encode())


def expected_relation(bits: int) -> str | None:
    if bits & sg.DISJOINT:
        return None
    if bits & sg.CONTAINS:
        return "contains"
    if bits & sg.WITHIN:
        return "within"
    return "partial"


class BruteForce:
    """sphgeom over every tract (a provable numpy bounding-circle prefilter first) and
    over every patch of each overlapping tract."""

    def __init__(self, skymap):
        self.sky = skymap
        verts = np.array([t.outer_polygon_vertices for t in skymap])  # (T, 4, 3)
        centre = verts.sum(axis=1)
        self.centre = centre / np.linalg.norm(centre, axis=1)[:, None]
        cos = np.einsum("tk,tvk->tv", self.centre, verts).min(axis=1)
        self.radius = np.arccos(np.clip(cos, -1, 1))
        self._tracts: dict[int, object] = {}
        self._patches: dict[int, list] = {}

    def tract_polygon(self, t):
        if t not in self._tracts:
            self._tracts[t] = to_sg(self.sky[t].outer_polygon)
        return self._tracts[t]

    def patch_polygons(self, t):
        if t not in self._patches:
            self._patches[t] = [(p.id, to_sg(p.outer_polygon)) for p in self.sky[t]]
        return self._patches[t]

    def tracts(self, region) -> dict[int, str]:
        circle = region.getBoundingCircle()
        c = circle.getCenter()
        centre = np.array([c.x(), c.y(), c.z()])
        angle = np.arccos(np.clip(self.centre @ centre, -1, 1))
        near = np.nonzero(angle <= self.radius + circle.getOpeningAngle().asRadians() + 1e-6)[0]
        out = {}
        for t in near:
            rel = expected_relation(region.relate(self.tract_polygon(int(t))))
            if rel is not None:
                out[int(t)] = rel
        return out

    def patches(self, region) -> dict[tuple[int, int], str]:
        out = {}
        for t in self.tracts(region):
            for pid, poly in self.patch_polygons(t):
                rel = expected_relation(region.relate(poly))
                if rel is not None:
                    out[(t, pid)] = rel
        return out


@pytest.fixture(scope="module")
def brute(sky):
    return BruteForce(sky)


def as_dict(table, level):
    d = table.to_pydict()
    keys = zip(d["tract"], d["patch"], strict=True) if level == "patch" else iter(d["tract"])
    return dict(zip(keys, d["relation"], strict=True))


# ----- HSC RC2 visit and detector regions (real butler data) ------------------------


def rc2_regions():
    data = load_refdata_json("hsc_rc2_observation_regions.json")
    visits = [("visit", v["visit"], v) for v in data["visits"]]
    detectors = [
        ("detector", (d["visit"], d["detector"]), d) for d in data["visit_detector_regions"]
    ]
    return data, visits + detectors


def test_rc2_regions_equal_sphgeom_pairwise(sky, brute):
    data, regions = rc2_regions()
    assert len(regions) > 600
    decoded = [skymaps.Region.decode_hex(r["region_encoded_hex"]) for _, _, r in regions]
    batch = cov.coverage(sky, decoded, level="patch").to_pydict()
    by_footprint: dict[int, dict] = {}
    for f, t, p, rel in zip(
        batch["footprint_id"], batch["tract"], batch["patch"], batch["relation"], strict=True
    ):
        by_footprint.setdefault(f, {})[(t, p)] = rel
    for i, region in enumerate(decoded):
        region_sg = sg.Region.decode(bytes.fromhex(regions[i][2]["region_encoded_hex"]))
        assert as_dict(cov.overlapping(sky, region), "tract") == brute.tracts(region_sg)
        expect = brute.patches(region_sg)
        assert expect, regions[i][:2]
        assert by_footprint.get(i, {}) == expect, regions[i][:2]


def test_rc2_relations_match_the_butler_regions(sky):
    # The refdata also holds sphgeom's relation to the butler's stored tract/patch
    # regions (bytes from a real registry), independent of our polygons.
    data, regions = rc2_regions()
    for _, _, r in regions:
        region = skymaps.Region.decode_hex(r["region_encoded_hex"])
        tracts = as_dict(cov.overlapping(sky, region), "tract")
        patches = as_dict(cov.overlapping(sky, region, "patch"), "patch")
        for key, rel in r["sphgeom_vs_skymap"].items():
            parts = key.split()
            want = expected_relation(rel["relate_bits"])
            if len(parts) == 2:
                assert tracts.get(int(parts[1])) == want, key
            else:
                assert patches.get((int(parts[1]), int(parts[3]))) == want, key


# ----- random footprints against brute force ---------------------------------------


def offset_points(lon0, lat0, dx, dy, rot=0.0):
    """Gnomonic deprojection of tangent-plane offsets (degrees) around (lon0, lat0)."""
    c, s = np.cos(rot), np.sin(rot)
    x, y = (c * dx - s * dy) * DEG, (s * dx + c * dy) * DEG
    lon0, lat0 = lon0 * DEG, lat0 * DEG
    centre = np.array([np.cos(lat0) * np.cos(lon0), np.cos(lat0) * np.sin(lon0), np.sin(lat0)])
    east = np.array([-np.sin(lon0), np.cos(lon0), 0.0])
    north = np.cross(centre, east)
    v = centre[None, :] + np.outer(x, east) + np.outer(y, north)
    v /= np.linalg.norm(v, axis=1)[:, None]
    return np.degrees(np.arctan2(v[:, 1], v[:, 0])) % 360, np.degrees(np.arcsin(v[:, 2]))


DECAM_ROWS = [3, 4, 5, 6, 6, 7, 7, 6, 6, 5, 4, 3]  # 62 CCDs


def decam_visit(lon0, lat0, rot):
    w, h = 2048 * 0.263 / 3600, 4096 * 0.263 / 3600
    ccds = []
    for r, n in enumerate(DECAM_ROWS):
        y0 = (r - len(DECAM_ROWS) / 2) * w * 1.05
        for k in range(n):
            x0 = (k - n / 2) * h * 1.02
            lon, lat = offset_points(
                lon0,
                lat0,
                np.array([x0, x0 + h, x0 + h, x0]),
                np.array([y0, y0, y0 + w, y0 + w]),
                rot,
            )
            ccds.append(skymaps.ConvexPolygon.from_lonlat(lon, lat))
    return ccds


def random_centre(rng, kind):
    if kind == "polar":
        return rng.uniform(0, 360), rng.choice([-1, 1]) * rng.uniform(87.5, 90.0)
    if kind == "ra0":
        return rng.uniform(-1.5, 1.5) % 360, np.degrees(np.arcsin(rng.uniform(-1, 1)))
    return rng.uniform(0, 360), np.degrees(np.arcsin(rng.uniform(-1, 1)))


def random_footprints(rng, n):
    """(label, region) for quads, strips, large polygons, DECam visits and CCDs, at
    random places including poles and RA 0."""
    out = []
    for i in range(n):
        kind = ["quad", "quad", "strip", "large", "visit", "ccd"][i % 6]
        lon0, lat0 = random_centre(rng, ["any", "polar", "ra0"][(i // 6) % 3])
        rot = rng.uniform(0, 2 * np.pi)
        if kind == "quad":
            a, b = rng.uniform(0.01, 1.5, 2)
            lon, lat = offset_points(
                lon0, lat0, np.array([-a, a, a * 0.7, -a]), np.array([-b, -b, b, b * 0.8]), rot
            )
            out.append((kind, skymaps.ConvexPolygon.from_lonlat(lon, lat)))
        elif kind == "strip":
            length, width = rng.uniform(3, 25), rng.uniform(0.002, 0.05)
            lon, lat = offset_points(
                lon0,
                lat0,
                np.array([-length, length, length, -length]),
                np.array([-width, -width, width, width]),
                rot,
            )
            out.append((kind, skymaps.ConvexPolygon.from_lonlat(lon, lat)))
        elif kind == "large":
            r = rng.uniform(2, 4)
            ang = np.linspace(0, 2 * np.pi, 7)[:-1]
            lon, lat = offset_points(lon0, lat0, r * np.cos(ang), r * np.sin(ang), rot)
            out.append((kind, skymaps.ConvexPolygon.from_lonlat(lon, lat)))
        elif kind == "visit":
            out.append((kind, skymaps.UnionRegion(*decam_visit(lon0, lat0, rot))))
        else:
            ccds = decam_visit(lon0, lat0, rot)
            out.append((kind, ccds[int(rng.integers(len(ccds)))]))
    return out


def check_against_brute(sky, brute, footprints):
    regions = [r for _, r in footprints]
    batch = cov.coverage(sky, regions, level="patch").to_pydict()
    got: dict[int, dict] = {}
    for f, t, p, rel in zip(
        batch["footprint_id"], batch["tract"], batch["patch"], batch["relation"], strict=True
    ):
        got.setdefault(f, {})[(t, p)] = rel
    for i, (label, region) in enumerate(footprints):
        region_sg = to_sg(region)
        assert as_dict(cov.overlapping(sky, region), "tract") == brute.tracts(region_sg), label
        assert got.get(i, {}) == brute.patches(region_sg), (i, label)


def test_random_footprints_equal_brute_force(sky, brute):
    check_against_brute(sky, brute, random_footprints(np.random.default_rng(12), 240))


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("SKYMAPS_SLOW"), reason="2.5 min of brute force; SKYMAPS_SLOW=1"
)
def test_ten_thousand_random_footprints_equal_brute_force(sky, brute):
    check_against_brute(sky, brute, random_footprints(np.random.default_rng(1212), 10_000))


def test_huge_regions_at_tract_level(sky, brute):
    # Larger than many tracts, around a pole and across RA 0.
    regions = [
        skymaps.Circle(0.0, 90.0, 25.0),
        skymaps.Circle(359.0, -3.0, 12.0),
        skymaps.Circle(30.0, 10.0, 120.0),  # more than a hemisphere
        skymaps.ConvexPolygon.from_lonlat([350, 20, 20, 350], [-30, -30, 30, 30]),
        skymaps.UnionRegion(skymaps.Circle(10, -89, 5), skymaps.Circle(200, 45, 3)),
    ]
    for region in regions:
        assert as_dict(cov.overlapping(sky, region), "tract") == brute.tracts(to_sg(region))


def test_circles_equal_brute_force(sky, brute):
    rng = np.random.default_rng(5)
    for i in range(30):
        lon0, lat0 = random_centre(rng, ["any", "polar", "ra0"][i % 3])
        region = skymaps.Circle(lon0, lat0, rng.uniform(0.01, 1.0))
        assert as_dict(cov.overlapping(sky, region, "patch"), "patch") == brute.patches(
            to_sg(region)
        )


def test_intersection_of_polygons(sky, brute):
    a = skymaps.ConvexPolygon.from_lonlat([149, 151, 151, 149], [1, 1, 3, 3])
    b = skymaps.ConvexPolygon.from_lonlat([150, 152, 152, 150], [2, 2, 4, 4])
    both = skymaps.IntersectionRegion(a, b)
    clipped = skymaps.ConvexPolygon.from_lonlat([150, 151, 151, 150], [2, 2, 3, 3])
    got = as_dict(cov.overlapping(sky, both, "patch"), "patch")
    # The clipped square has the same vertices up to rounding; compare with sphgeom
    # on the exact square, allowing no difference at all.
    assert got == brute.patches(to_sg(clipped))
    with pytest.raises(skymaps.InvalidRegionError, match="convex polygon operands"):
        cov.overlapping(sky, skymaps.IntersectionRegion(a, skymaps.Circle(150, 2, 1)))


# ----- boxes: soundness against dense sampling ---------------------------------------


def sample_polygon(poly_sg, n, rng):
    """Points uniformly inside a small polygon (rejection from its bounding cap)."""
    circle = poly_sg.getBoundingCircle()
    c = circle.getCenter()
    centre = np.array([c.x(), c.y(), c.z()])
    r = circle.getOpeningAngle().asRadians()
    z = rng.uniform(np.cos(r), 1.0, n)
    phi = rng.uniform(0, 2 * np.pi, n)
    e1 = np.cross(centre, [0, 0, 1.0] if abs(centre[2]) < 0.9 else [1.0, 0, 0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(centre, e1)
    s = np.sqrt(1 - z * z)
    v = z[:, None] * centre + (s * np.cos(phi))[:, None] * e1 + (s * np.sin(phi))[:, None] * e2
    lon, lat = np.arctan2(v[:, 1], v[:, 0]), np.arcsin(np.clip(v[:, 2], -1, 1))
    inside = poly_sg.contains(lon, lat)
    return np.degrees(lon[inside]) % 360, np.degrees(lat[inside])


def test_boxes_are_sound_against_sampling(sky):
    rng = np.random.default_rng(3)
    boxes = [
        skymaps.Box(359.5, 0.4, -0.3, 0.5),
        skymaps.Box(150.0, 150.6, 1.9, 2.4),
        skymaps.Box(10.0, 200.0, 88.0, 90.0),
        skymaps.Box(0.0, 360.0, -90.0, -88.5),
        skymaps.Box(30.0, 31.0, 60.0, 62.0),
        skymaps.Box(350.0, 5.0, -90.0, -88.8),  # wraps RA 0, touches the pole
    ]
    for box in boxes:
        table = as_dict(cov.overlapping(sky, box, "patch"), "patch")
        box_sg = to_sg(box)
        for t in {t for t, _ in table} | set(cov.overlapping(sky, box).to_pydict()["tract"]):
            for patch in sky[t]:
                poly_sg = to_sg(patch.outer_polygon)
                lon, lat = sample_polygon(poly_sg, 400, rng)
                inside = np.asarray(box_sg.contains(np.radians(lon), np.radians(lat)))
                rel = table.get((t, patch.id))
                if inside.any():
                    assert rel is not None, (box, t, patch.id)
                if rel == "contains":
                    assert inside.all()
                if rel is None:
                    assert not inside.any()


def test_box_relations_exact_cases(sky):
    tract = sky[9813]
    patch = tract.patch(40)
    lon, lat = patch.outer_polygon.lonlat()
    # A box strictly around the patch contains it; one strictly inside is within it.
    around = skymaps.Box(lon.min() - 0.01, lon.max() + 0.01, lat.min() - 0.01, lat.max() + 0.01)
    inside = skymaps.Box(lon.mean() - 0.01, lon.mean() + 0.01, lat.mean() - 0.01, lat.mean() + 0.01)
    assert as_dict(cov.overlapping(sky, around, "patch"), "patch")[(9813, 40)] == "contains"
    assert as_dict(cov.overlapping(sky, inside, "patch"), "patch") == {(9813, 40): "within"}


# ----- fractions against Monte Carlo ---------------------------------------------------


def test_fractions_agree_with_monte_carlo(sky):
    rng = np.random.default_rng(7)
    region = skymaps.ConvexPolygon.from_lonlat(
        *offset_points(
            150.1, 2.1, np.array([-0.4, 0.4, 0.35, -0.4]), np.array([-0.3, -0.3, 0.3, 0.25]), 0.3
        )
    )
    table = cov.overlapping(sky, region, "patch", fraction=True).to_pydict()
    region_sg = to_sg(region)
    lon, lat = sample_polygon(region_sg, 400_000, rng)
    n = lon.size
    total = 0.0
    for t, p, fr, fp in zip(
        table["tract"],
        table["patch"],
        table["region_fraction"],
        table["patch_fraction"],
        strict=True,
    ):
        poly = sky[t].patch(p).outer_polygon
        est = poly.contains(lon, lat).mean()
        sigma = np.sqrt(max(est * (1 - est), 1e-6) / n)
        assert abs(est - fr) < 5 * sigma, (t, p, est, fr)
        # The patch's share, from the region's: area(R ∩ P) / area(P).
        assert fp == pytest.approx(fr * region.area() / poly.area(), rel=1e-9)
        total += fr
    assert total >= 1.0  # patches overlap: their shares add up to at least the region


def test_fractions_need_polygons(sky):
    with pytest.raises(skymaps.InvalidRegionError, match="convex polygons"):
        cov.overlapping(sky, skymaps.Circle(150, 2, 0.1), fraction=True)


# ----- levels, kinds, batches, errors ----------------------------------------------


def test_cells_equal_brute_force():
    sky = skymaps.preset("lsst_cells_v1")
    region = skymaps.ConvexPolygon.from_lonlat(
        [53.0, 53.08, 53.08, 53.0], [-28.0, -28.0, -27.93, -27.93]
    )
    table = cov.overlapping(sky, region, "cell").to_pydict()
    got = {
        (t, p, c): rel
        for t, p, c, rel in zip(
            table["tract"], table["patch"], table["cell"], table["relation"], strict=True
        )
    }
    region_sg = to_sg(region)
    expect = {}
    for t in set(table["tract"]) | set(cov.overlapping(sky, region).to_pydict()["tract"]):
        for patch in sky[t]:
            if region_sg.relate(to_sg(patch.outer_polygon)) & sg.DISJOINT:
                continue
            for cell in patch:
                rel = expected_relation(region_sg.relate(to_sg(cell.outer_polygon)))
                if rel is not None:
                    expect[(t, patch.id, cell.id)] = rel
    assert got == expect and len(got) > 4


def test_cell_level_needs_cells(sky):
    with pytest.raises(skymaps.InvalidConfigError, match="cells"):
        cov.overlapping(sky, skymaps.Circle(150, 2, 0.1), "cell")


@pytest.mark.parametrize("name", ["discrete", "equat", "dodeca", "healpix"])
def test_other_kinds_equal_brute_force(name):
    if name == "discrete":
        sky = skymaps.DiscreteSkyMap([10.0, 12.0, 359.5], [0.0, 1.0, 0.2], [1.0, 1.0, 1.0])
    elif name == "equat":
        sky = skymaps.EquatSkyMap(num_tracts=12, dec_range=(-10.0, 10.0))
    elif name == "dodeca":
        sky = skymaps.DodecaSkyMap()
    else:
        sky = skymaps.LegacyHealpixSkyMap(log2_nside=2)
    brute = BruteForce(sky)
    rng = np.random.default_rng(11)
    for label, region in random_footprints(rng, 24):
        if label == "visit":
            continue
        assert as_dict(cov.overlapping(sky, region), "tract") == brute.tracts(to_sg(region)), label


def test_batch_inputs_agree(sky):
    rng = np.random.default_rng(2)
    polys = [r for k, r in random_footprints(rng, 30) if k in ("quad", "ccd", "strip")]
    lon = [p.lonlat()[0] for p in polys]
    lat = [p.lonlat()[1] for p in polys]
    a = cov.coverage(sky, polys, "patch")
    b = cov.coverage_from_vertices(sky, lon, lat, "patch")
    c = cov.coverage(sky, list(zip(lon, lat, strict=True)), "patch")
    assert a.equals(b) and a.equals(c)
    quads = [p for p in polys if len(p) == 4]
    d = cov.coverage_from_vertices(
        sky,
        np.array([p.lonlat()[0] for p in quads]),
        np.array([p.lonlat()[1] for p in quads]),
        "patch",
    )
    assert d.num_rows > 0
    # Serial and parallel agree.
    skymaps._core.set_parallelism(False)
    try:
        assert cov.coverage(sky, polys, "patch").equals(a)
    finally:
        skymaps._core.set_parallelism(True)


def test_empty_batch_and_footprint_with_no_overlap(sky):
    t = cov.coverage(sky, [], "patch")
    assert t.num_rows == 0 and t.column_names == ["footprint_id", "tract", "patch", "relation"]


def test_bad_footprints_are_named(sky):
    good = ([150.0, 150.1, 150.1], [2.0, 2.0, 2.1])
    with pytest.raises(skymaps.InvalidCoordinateError, match="footprint 1"):
        cov.coverage_from_vertices(sky, [good[0], [1.0, np.nan, 2.0]], [good[1], [0.0, 0.0, 1.0]])
    with pytest.raises(skymaps.InvalidRegionError, match="footprint 1"):
        cov.coverage_from_vertices(sky, [good[0], [1.0, 2.0, 3.0]], [good[1], [0.0, 0.0, 0.0]])
    with pytest.raises(skymaps.ShapeMismatchError):
        cov.coverage_from_vertices(sky, [good[0]], [good[1][:2]])
    with pytest.raises(ValueError, match="footprint 2"):
        cov.coverage(sky, [good, good, ([1.0, 1.0, 1.0], [0.0, 0.0, 0.0])])
    with pytest.raises(ValueError, match="level"):
        cov.overlapping(sky, skymaps.Circle(0, 0, 1), "visit")


def test_facade_and_sphgeom_input(sky):
    region = skymaps.Circle(150.1, 2.1, 0.05)
    assert sky.overlapping(region, "patch").equals(cov.overlapping(sky, to_sg(region), "patch"))


# ----- footprints from WCS -----------------------------------------------------------


def make_wcs(kind):
    from astropy.wcs import WCS

    w = WCS(naxis=2)
    w.wcs.crval = [359.9, -20.0]
    w.wcs.crpix = [1024.5, 2048.5]
    w.wcs.cd = np.array([[-0.263, 0.002], [0.001, 0.263]]) / 3600
    if kind == "TAN-SIP":
        from astropy.wcs import Sip

        a = np.zeros((4, 4))
        b = np.zeros((4, 4))
        a[2, 0], a[0, 2], a[3, 0] = 4e-6, -2e-6, 1e-9
        b[1, 1], b[0, 3] = 3e-6, 2e-9
        w.sip = Sip(a, b, None, None, w.wcs.crpix)
        w.wcs.ctype = ["RA---TAN-SIP", "DEC--TAN-SIP"]
    elif kind == "TPV":
        w.wcs.ctype = ["RA---TPV", "DEC--TPV"]
        w.wcs.set_pv([(1, 1, 1.0), (1, 7, 0.05), (2, 1, 1.0), (2, 5, -0.03), (2, 10, 0.02)])
    elif kind == "ZPN":
        w.wcs.ctype = ["RA---ZPN", "DEC--ZPN"]
        w.wcs.set_pv([(2, 1, 1.0), (2, 3, 40.0)])
    else:
        w.wcs.ctype = [f"RA---{kind}", f"DEC--{kind}"]
    w.pixel_shape = (2048, 4096)
    return w


@pytest.mark.parametrize("kind", ["TAN", "TAN-SIP", "TPV", "ZPN", "SIN"])
def test_footprint_bound_against_dense_astropy_samples(kind):
    w = make_wcs(kind)
    tol = 0.01
    poly = footprint(w, tolerance_arcsec=tol)
    verts = poly.vertices()
    normals = np.cross(verts, np.roll(verts, -1, axis=0))
    normals /= np.linalg.norm(normals, axis=1)[:, None]
    nx, ny = w.pixel_shape
    t = np.linspace(0, 1, 20001)
    xs = np.concatenate(
        [-0.5 + t * nx, np.full_like(t, nx - 0.5), -0.5 + t * nx, np.full_like(t, -0.5)]
    )
    ys = np.concatenate(
        [np.full_like(t, -0.5), -0.5 + t * ny, np.full_like(t, ny - 0.5), -0.5 + t * ny]
    )
    ra, dec = w.all_pix2world(xs, ys, 0)
    ra, dec = np.radians(ra), np.radians(dec)
    p = np.column_stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)])
    outside = np.degrees(np.arcsin(np.clip(-(p @ normals.T), -1, 1))).max(axis=1) * 3600
    assert outside.max() <= tol
    # Centre pixels are inside, and the polygon is not much bigger than the image.
    cra, cdec = w.all_pix2world([[1023.5, 2047.5]], 0)[0]
    assert poly.contains(cra, cdec)
    assert poly.area_deg2() < 1.01 * (2048 * 4096 * (0.263 / 3600) ** 2) * (
        1.2 if kind != "TAN" else 1.0
    )


def test_footprint_from_header_and_shape():
    w = make_wcs("TAN")
    header = w.to_header()
    header["NAXIS1"], header["NAXIS2"] = 2048, 4096
    a = footprint(header)
    b = footprint(w, (4096, 2048))
    # The header round trip changes the WCS in the last bits only.
    # (points along TAN edges are nearly collinear: the hulls may keep different ones).
    assert a.area() == pytest.approx(b.area(), rel=1e-9)
    assert a.contains(*b.centroid()) and b.relate(a) != skymaps.Relationship.DISJOINT
    assert skymaps.footprint is footprint


def test_footprint_errors(tmp_path):
    from astropy.io import fits
    from astropy.wcs import WCS

    linear = WCS(naxis=2)
    linear.wcs.ctype = ["LINEAR", "LINEAR"]
    with pytest.raises(skymaps.InvalidRegionError, match="no celestial"):
        footprint(linear, (10, 10), name="ccd7")
    with pytest.raises(skymaps.InvalidRegionError, match="no image shape"):
        footprint(WCS(make_wcs("TAN").to_header()))
    # An image that reaches beyond the projection (a SIN image larger than a hemisphere).
    w = make_wcs("SIN")
    w.wcs.cd = np.eye(2) * 0.1
    with pytest.raises(skymaps.InvalidRegionError, match="no sky position"):
        footprint(w, (4096, 2048), name="huge")
    path = tmp_path / "nowcs.fits"
    fits.PrimaryHDU(np.zeros((8, 8), dtype=np.float32)).writeto(path)
    with pytest.raises(skymaps.InvalidRegionError, match="nowcs.fits"):
        fits_footprints(str(path))
    bad = tmp_path / "garbage.fits"
    bad.write_bytes(b"not a fits file at all" * 10)
    with pytest.raises(skymaps.SkymapsIOError, match="garbage.fits"):
        fits_footprints(str(bad))


def write_mef(path, n=6, lon0=150.1, lat0=2.1):
    from astropy.io import fits

    hdus = [fits.PrimaryHDU()]
    for k in range(n):
        w = make_wcs("TAN-SIP")
        w.wcs.crval = [lon0 + (k % 3) * 0.16, lat0 + (k // 3) * 0.31]
        header = w.to_header(relax=True)
        header["EXTNAME"] = f"CCD{k}"
        hdus.append(fits.ImageHDU(np.zeros((4096, 2048), dtype=np.int16), header=header))
    fits.HDUList(hdus).writeto(path)


def test_mef_visit(tmp_path, sky, brute):
    path = tmp_path / "visit.fits"
    write_mef(path)
    parts = fits_footprints(str(path))
    assert [name for _, name, _ in parts] == [f"CCD{k}" for k in range(6)]
    visit = visit_region(str(path))
    assert len(visit.operands()) == 6
    assert as_dict(cov.overlapping(sky, visit, "patch"), "patch") == brute.patches(to_sg(visit))


def test_batch_of_wcs_objects(sky):
    wcs_list = []
    for k in range(3):
        w = make_wcs("TAN-SIP")
        w.wcs.crval = [150.0 + 0.2 * k, 2.2]
        wcs_list.append(w)
    polys = [footprint(w) for w in wcs_list]
    assert cov.coverage(sky, wcs_list, "patch").equals(cov.coverage(sky, polys, "patch"))
    bad = make_wcs("TAN")
    bad.pixel_shape = None
    with pytest.raises(skymaps.InvalidRegionError, match="footprint 1: .*no image shape"):
        cov.coverage(sky, [wcs_list[0], bad])


def test_stg_tracts_at_patch_level_equal_brute_force():
    # No pixel bound for STG tracts: every patch of an overlapping tract is related.
    sky = skymaps.DiscreteSkyMap(
        [152.9, 0.3], [-2.3, 0.0], [1.0, 0.8], projection="STG", pixel_scale=0.26
    )
    brute = BruteForce(sky)
    rng = np.random.default_rng(21)
    for k in range(12):
        lon0 = [152.9, 0.3][k % 2] + rng.uniform(-1.2, 1.2)
        lat0 = [-2.3, 0.0][k % 2] + rng.uniform(-1.2, 1.2)
        a, b = rng.uniform(0.01, 0.6, 2)
        lon, lat = offset_points(
            lon0, lat0, np.array([-a, a, a, -a]), np.array([-b, -b, b, b]), rng.uniform(0, 6)
        )
        region = skymaps.ConvexPolygon.from_lonlat(lon, lat)
        got = as_dict(cov.overlapping(sky, region, "patch"), "patch")
        assert got == brute.patches(to_sg(region))


def test_tracts_wider_than_a_hemisphere():
    # Two equat tracts: their outer regions are lon/lat boxes. sphgeom's polygon-box
    # test decides DISJOINT and WITHIN from bounding boxes; where it decides, we agree.
    sky = skymaps.EquatSkyMap(num_tracts=2, dec_range=(-10.0, 10.0), projection="CEA")
    rng = np.random.default_rng(4)
    decided = 0
    for _ in range(60):
        lon0, lat0 = rng.uniform(0, 360), rng.uniform(-25, 25)
        a, b = rng.uniform(0.1, 4, 2)
        lon, lat = offset_points(lon0, lat0, np.array([-a, a, a, -a]), np.array([-b, -b, b, b]))
        region = skymaps.ConvexPolygon.from_lonlat(lon, lat)
        got = as_dict(cov.overlapping(sky, region), "tract")
        for t in range(2):
            bits = to_sg(region).relate(to_sg(sky[t].outer_region))
            if bits & (sg.DISJOINT | sg.WITHIN):
                decided += 1
                assert got.get(t) == expected_relation(bits), (lon0, lat0, t)
    assert decided > 60
    with pytest.raises(skymaps.InvalidRegionError, match="lon/lat box"):
        cov.overlapping(
            sky, skymaps.ConvexPolygon.from_lonlat([10, 11, 11], [0, 0, 1]), fraction=True
        )
