"""Plots: outline geometry against lsst.sphgeom and astropy, the RA 0 seam, the poles,
and rendered PNGs that are not blank (all-sky, a tract straddling RA 0, a polar tract).

Oracles: lsst.sphgeom (which side of a polygon edge a drawn point lies on), astropy.wcs
(the Mollweide projection ``MOL`` and the tract's TAN WCS), and the patch pixel boxes.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("matplotlib")
from click.testing import CliRunner  # noqa: E402
from matplotlib.image import imread  # noqa: E402

import skymaps  # noqa: E402
from skymaps import plot  # noqa: E402
from skymaps.cli import main  # noqa: E402
from skymaps.plot._sphere import (  # noqa: E402
    _lonlat,
    _xyz,
    arc_points,
    box_lines,
    cut_at_seam,
    polygon_ring,
    unwrap_ring,
)

sphgeom = pytest.importorskip("lsst.sphgeom")


@pytest.fixture(scope="module")
def hsc():
    return skymaps.preset("hsc_rings_v1")


def _ra0_tract(sky) -> int:
    return int(sky.find_tract(0.0, 0.5))


# -- outline geometry -------------------------------------------------------------------

lonlat = st.tuples(st.floats(0, 360, exclude_max=True), st.floats(-89, 89))


@settings(max_examples=60, deadline=None)
@given(lonlat, lonlat, st.floats(0.05, 5))
def test_arc_points_lie_on_the_great_circle_and_are_close(a, b, step):
    va, vb = _xyz(*a), _xyz(*b)
    normal = np.cross(va, vb)
    if np.linalg.norm(normal) < 1e-6:
        return  # (anti)podal or equal ends: no unique arc
    pts = arc_points(va, vb, step)
    assert np.allclose(pts[0], va) and np.allclose(pts[-1], vb)
    assert np.abs(pts @ (normal / np.linalg.norm(normal))).max() < 1e-12
    gaps = np.degrees(np.arccos(np.clip(np.sum(pts[1:] * pts[:-1], axis=1), -1, 1)))
    assert gaps.max() <= step + 1e-9


def test_polygon_outline_follows_the_sphgeom_edges(hsc):
    """Drawn points of a tract straddling RA 0 are on its outer polygon's boundary:
    nudged towards the centre lsst.sphgeom says inside, nudged away outside."""
    tract = hsc[_ra0_tract(hsc)]
    vertices = tract.outer_polygon_vertices
    poly = sphgeom.ConvexPolygon([sphgeom.UnitVector3d(*v) for v in vertices])
    lon, lat = polygon_ring(vertices, 0.05)
    assert len(lon) > 50 and lon.min() < 1 and lon.max() > 359  # it does straddle RA 0
    center = np.mean(vertices, axis=0)
    center /= np.linalg.norm(center)
    for p in _xyz(lon, lat):
        inward = p + 1e-9 * (center - p)
        outward = p - 1e-9 * (center - p)
        assert poly.contains(sphgeom.UnitVector3d(*inward))
        assert not poly.contains(sphgeom.UnitVector3d(*outward))


def test_box_outline_through_ra0_stays_in_the_box():
    (lon, lat), = box_lines(350.0, 10.0, -5.0, 5.0, 1.0)
    assert np.all((lon >= 350.0) | (lon <= 10.0))
    assert lat.min() == -5.0 and lat.max() == 5.0
    assert lon[0] == lon[-1] and lat[0] == lat[-1]
    # Parallels are drawn as parallels (small circles), not great circles.
    assert set(np.round(lat[np.abs(np.abs(lat) - 5) < 1e-9], 12)) == {-5.0, 5.0}


@settings(max_examples=80, deadline=None)
@given(lonlat, lonlat, st.floats(0, 360))
def test_cut_at_seam_never_jumps_across_the_map(a, b, center_lon):
    va, vb = _xyz(*a), _xyz(*b)
    if np.linalg.norm(np.cross(va, vb)) < 1e-6:
        return
    lon, lat = _lonlat(arc_points(va, vb, 1.0))
    pieces = cut_at_seam(lon, lat, center_lon)
    for rel, _ in pieces:
        assert rel.min() >= -180.0 and rel.max() <= 180.0
        assert np.abs(np.diff(rel)).max() < 180.0
    # Every input point is kept, each piece ends on the seam where it was cut.
    assert sum(len(r) for r, _ in pieces) == len(lon) + 2 * (len(pieces) - 1)
    for rel, _ in pieces[:-1]:
        assert abs(rel[-1]) == 180.0


def test_a_ring_around_the_pole_is_closed_through_the_pole():
    lon = np.linspace(0, 360, 37)
    lat = np.full(37, 85.0)
    rings = unwrap_ring(lon, lat, 180.0)
    assert rings and all(r[1].max() == 90.0 for r in rings)


# -- projections against astropy --------------------------------------------------------

def test_mollweide_matches_astropy_mol():
    from astropy.wcs import WCS

    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(0, 360, 20000), rng.uniform(-90, 90, 20000)
    lat[:4] = [90.0, -90.0, 0.0, 89.99999]
    for center in (0.0, 180.0, 291.5):
        wcs = WCS(naxis=2)
        wcs.wcs.ctype = ["RA---MOL", "DEC--MOL"]
        wcs.wcs.crval = [center, 0.0]
        wcs.wcs.cdelt = [-1.0, 1.0]  # east to the left, as ours
        wcs.wcs.crpix = [1.0, 1.0]
        x, y = wcs.wcs_world2pix(lon, lat, 0)
        ours = plot.Mollweide(center).points(lon, lat) * 180 / np.pi
        away = np.abs((lon - center + 180) % 360 - 180) < 179.9  # the seam is either edge
        assert np.abs(ours[away, 0] - x[away]).max() < 0.01  # of a map 324 units wide
        assert np.abs(ours[:, 1] - y).max() < 1e-4


def test_patches_are_their_pixel_boxes_in_the_tract_frame(hsc):
    """In the tract's own WCS (astropy's TAN), each patch's drawn inner outline is the
    rectangle of its pixel box edges."""
    tract = hsc[_ra0_tract(hsc)]
    scene = plot.zoom(hsc, tract.id)
    patches = [s for s in scene.shapes if s.layer == "patch" and s.role == "inner"]
    assert len(patches) == len(tract) == 81
    for shape, patch in zip(patches, tract, strict=True):
        xy = np.concatenate(shape.lines)
        b = patch.inner_bbox
        assert xy[:, 0].min() == pytest.approx(b.x0 - 0.5, abs=1e-3)
        assert xy[:, 0].max() == pytest.approx(b.x1 + 0.5, abs=1e-3)
        assert xy[:, 1].min() == pytest.approx(b.y0 - 0.5, abs=1e-3)
        assert xy[:, 1].max() == pytest.approx(b.y1 + 0.5, abs=1e-3)
    assert sorted(lb.text for lb in scene.labels if lb.layer == "patch") == sorted(
        str(i) for i in range(81))


# -- rendered pictures ------------------------------------------------------------------

def _ink(path) -> tuple[float, float]:
    """Fraction of non-white pixels and the grey-level spread of a PNG."""
    img = imread(path)[..., :3]
    grey = img.mean(axis=2)
    return float((grey < 0.97).mean()), float(grey.std())


def _segments(scene, layer):
    return [ln for s in scene.shapes if s.layer == layer for ln in s.lines]


def test_allsky_png(tmp_path, hsc):
    scene = plot.allsky(hsc, center_lon=180.0)  # the seam is RA 0
    scene.add_region(skymaps.Circle(0.0, 0.0, 12.0), label="circle at RA 0")
    scene.add_points([0.0, 359.0, 1.0, 180.0], [0.0, 10.0, -10.0, 45.0])
    lines = _segments(scene, "tract")
    assert len(lines) >= len(hsc)
    # Nothing smeared across the map: every drawn step is short (1 deg outlines).
    steps = np.concatenate([np.hypot(*np.diff(ln, axis=0).T) for ln in lines])
    assert steps.max() < 0.1  # the map is 5.7 wide
    # Tracts straddling RA 0 are cut into pieces on both edges of the map.
    cut = [ln for ln in lines if np.abs(ln[:, 0]).max() > 2.8]
    assert cut and min(ln[:, 0].min() for ln in cut) < -2.8 < 2.8 < max(
        ln[:, 0].max() for ln in cut)
    region = next(s for s in scene.shapes if s.layer == "region")
    assert len(region.lines) == 2  # the circle, cut at the seam into two halves
    for half in region.lines:  # each from the seam to the seam
        assert np.abs(half[[0, -1], 0]).min() > 2.0
    path = tmp_path / "allsky.png"
    scene.savefig(path, dpi=60)
    ink, spread = _ink(path)
    assert 0.2 < ink < 0.9 and spread > 0.1


def test_zoom_at_ra0_png(tmp_path, hsc):
    tract = hsc[_ra0_tract(hsc)]
    lon_min, lon_max = tract.inner_region.lon_range
    assert lon_min > lon_max  # its inner box wraps through RA 0
    for frame in ("tract", "tan"):
        scene = plot.zoom(hsc, tract.id, frame=frame)
        x0, x1, y0, y1 = scene.projection.extent
        pts = np.concatenate(_segments(scene, "patch"))
        # Every patch corner falls in the view: none thrown 360 degrees away.
        assert np.all((pts[:, 0] > x0) & (pts[:, 0] < x1) & (pts[:, 1] > y0) & (pts[:, 1] < y1))
        path = tmp_path / f"ra0_{frame}.png"
        scene.savefig(path, dpi=60)
        ink, spread = _ink(path)
        assert 0.03 < ink < 0.8 and spread > 0.05


def test_polar_tract_png(tmp_path, hsc):
    polar = int(hsc.find_tract(0.0, -90.0))
    assert hsc[polar].inner_region.full_lon
    scene = plot.zoom(hsc, polar)
    (inner,) = [s for s in scene.shapes if s.layer == "tract" and s.role == "inner"
                and s.label == f"tract {polar}"]
    # The cap's edge, a parallel, is a circle around the pole's pixel in a TAN view.
    xy = np.concatenate(inner.lines)
    pole = np.array(scene.projection.wcs.wcs_world2pix(0.0, -90.0, 0), dtype=float)
    radius = np.hypot(*(xy - pole).T)
    assert radius.std() < 1e-3 * radius.mean()
    assert np.degrees(np.ptp(np.unwrap(np.arctan2(*(xy - pole).T[::-1])))) > 359
    path = tmp_path / "pole.png"
    scene.savefig(path, dpi=60)
    ink, spread = _ink(path)
    assert 0.03 < ink < 0.8 and spread > 0.05


def test_moc_overlay(hsc):
    mocpy = pytest.importorskip("mocpy")
    import astropy.units as u
    from astropy.coordinates import Latitude, Longitude

    moc = mocpy.MOC.from_cone(
        lon=Longitude(0 * u.deg), lat=Latitude(30 * u.deg), radius=8 * u.deg, max_depth=7
    )
    scene = plot.allsky(None, center_lon=180.0).add_moc(moc)
    (shape,) = scene.shapes
    assert len(shape.fills) > 10
    # Filled on both sides of the seam (RA 0 is at both edges here).
    xs = np.concatenate(shape.fills)[:, 0]
    assert xs.min() < -2.5 and xs.max() > 2.5
    scene = plot.zoom(hsc, center=(0.0, 30.0), radius=10.0).add_moc(moc)
    fills = np.concatenate(next(s for s in scene.shapes if s.layer == "moc").fills)
    assert np.isfinite(fills).all()


# -- command line -----------------------------------------------------------------------

def test_cli_plot_tract_and_allsky(tmp_path):
    out = tmp_path / "t.png"
    result = CliRunner().invoke(
        main, ["plot", "--preset", "hsc_rings_v1", "--tract", "9813", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _ink(out)[0] > 0.03
    sky = tmp_path / "sky.png"
    result = CliRunner().invoke(
        main, ["plot", "--preset", "hsc_rings_v1", "-c", "skyMap['rings'].numRings=20",
               "-o", str(sky), "--dpi", "50"])
    assert result.exit_code == 0, result.output
    assert _ink(sky)[0] > 0.1


@pytest.mark.parametrize(
    "args, words",
    [
        (["--preset", "nope", "-o", "x.png"], "unknown preset"),
        (["--preset", "hsc_rings_v1"], "-o/--output"),
        (["--preset", "hsc_rings_v1", "--tract", "99999", "-o", "x.png"], "99999"),
        (["--preset", "hsc_rings_v1", "-o", "x.txt"], ".png"),
        (["--preset", "hsc_rings_v1", "--center", "0", "95", "-o", "x.png"], "95"),
        (["--preset", "hsc_rings_v1", "--footprint", "missing.fits", "-o", "x.png"],
         "missing.fits"),
    ],
)
def test_cli_plot_bad_input_is_one_line(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["plot", *args], catch_exceptions=False)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert words in result.output
