"""``skymaps validate``: passes the real presets, catches broken configs.

Oracles: astropy.wcs (the tract WCS written as a FITS header, evaluated by astropy) for
the gaps and the pixel-scale distortion it reports; lsst.sphgeom (the outer polygon
decoded by sphgeom) for the points it calls gaps; brute-force pixel-box arithmetic for
the patch overlaps.
"""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import skymaps
from skymaps.cli import main
from skymaps.config import PRESET_FILES, load_config
from skymaps.validate import validate


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def hsc_report():
    return validate(skymaps.preset("hsc_rings_v1"), num_points=50_000)


def test_real_preset_passes(tmp_path):
    out = tmp_path / "per_tract.parquet"
    code, stdout, err = run("validate", "--preset", "hsc_rings_v1", "--points", 20000, "-o", out)
    assert code == 0, stdout + err
    assert stdout.rstrip().endswith("OK")
    assert "0 without an owner holding them" in stdout
    table = pq.read_table(out).to_pydict()
    assert table["tract"] == list(range(18938))
    # Every tract overlaps its neighbours by more than the configured 1 arcmin.
    assert min(table["overlap_deg"]) >= 1 / 60


def test_report_values(hsc_report):
    r = hsc_report
    assert r.ok and r.full_sky and r.num_gaps == 0 and r.tracts_measured == 18938
    assert r.patch_overlap_config_px == 200 and r.patch_overlap_min_px == 200
    assert r.patch_tiling_errors == 0
    assert r.tract_overlap_min_deg >= r.tract_overlap_config_deg == 1 / 60


def test_distortion_against_astropy(hsc_report):
    """The worst local pixel scale of a tract, recomputed with astropy.wcs at the box
    corners (where TAN stretches most) from the tract's FITS header."""
    from astropy.coordinates import SkyCoord
    from astropy.wcs import WCS

    sky = skymaps.preset("hsc_rings_v1")
    per = hsc_report.per_tract
    for t in (9813, hsc_report.distortion_worst_tract, 0):
        tract = sky[t]
        w = WCS(tract.wcs.to_header())
        b = tract.bbox
        worst = 0.0
        xs, ys = (b.x0 - 0.5, b.x0 + b.width - 1.5), (b.y0 - 0.5, b.y0 + b.height - 1.5)
        for x, y in ((x, y) for x in xs for y in ys):
            here = w.pixel_to_world(x, y)
            for dx, dy in ((1, 0), (0, 1)):
                step = w.pixel_to_world(x + dx, y + dy)
                scale = SkyCoord(here).separation(SkyCoord(step)).arcsec
                worst = max(worst, abs(scale / 0.168 - 1))
        got = per["distortion"][list(per["tract"]).index(t)]
        # 1e-8 of the pixel scale: both sides evaluate TAN in floating point.
        assert got == pytest.approx(worst, abs=1e-8)
    assert 1e-4 < hsc_report.distortion_max < 1e-3  # TAN over a 1.7 degree tract


def test_patch_overlap_against_pixel_boxes():
    """The configured patch overlap is 2 x border: check it on one tract by brute force."""
    tract = skymaps.preset("DC2")[4431]
    boxes = {p.index: p.outer_bbox for p in tract}
    nx, ny = tract.num_patches
    overlaps = [boxes[(x, y)].x0 + boxes[(x, y)].width - boxes[(x + 1, y)].x0
                for x in range(nx - 1) for y in range(ny)]
    report = validate(skymaps.preset("DC2"), num_points=5_000)
    assert min(overlaps) == report.patch_overlap_min_px == 2 * tract.patch_border


@pytest.mark.parametrize("num_rings", [1, 2])
def test_ring_count_that_leaves_gaps(num_rings):
    """Too few rings: the tracts' inner boxes (120 or 72 degrees wide) reach past the
    pixel boxes built around a circle of half the ring height, so parts of the sky have
    an owner but no pixel. validate must fail, and every gap it names must really be
    outside its owner's pixel box (astropy.wcs) and outer polygon (lsst.sphgeom)."""
    import lsst.sphgeom as sg
    from astropy.wcs import WCS

    overrides = [f"skyMap['rings'].numRings={num_rings}", "skyMap['rings'].pixelScale=20"]
    code, stdout, _ = run("validate", "--preset", "hsc_rings_v1", "--points", 20000,
                          *[a for o in overrides for a in ("-c", o)])
    assert code == 1
    assert "PROBLEM" in stdout and stdout.rstrip().endswith("problem(s)")
    _, sky = load_config(PRESET_FILES["hsc_rings_v1"], overrides)
    report = validate(sky, num_points=20_000)
    assert report.num_gaps > 0 and report.tract_overlap_min_deg < 0
    for lon, lat, why in report.gap_examples:
        assert "does not reach" in why
        tract = sky[int(sky.find_tract(lon, lat))]
        x, y = WCS(tract.wcs.to_header()).world_to_pixel_values(lon, lat)
        b = tract.bbox
        inside_box = b.x0 - 0.5 <= x <= b.x1 + 0.5 and b.y0 - 0.5 <= y <= b.y1 + 0.5
        assert not inside_box
        poly = sg.Region.decode(tract.outer_region.encode())
        assert not poly.contains(sg.UnitVector3d(sg.LonLat.fromDegrees(lon, lat)))


def test_enough_rings_pass():
    _, sky = load_config(PRESET_FILES["hsc_rings_v1"],
                         ["skyMap['rings'].numRings=10", "skyMap['rings'].pixelScale=20"])
    assert validate(sky, num_points=20_000).ok


def test_discrete_is_not_full_sky_and_max_distortion(tmp_path):
    path = tmp_path / "two.py"
    path.write_text(
        'config.skyMap.name = "discrete"\n'
        'config.skyMap["discrete"].raList = [10.0, 359.8]\n'
        'config.skyMap["discrete"].decList = [-5.0, 89.9]\n'
        'config.skyMap["discrete"].radiusList = [0.3, 0.2]\n'
    )
    code, stdout, err = run("validate", "-C", path, "--points", 5000)
    assert code == 0, stdout + err
    assert "not full-sky" in stdout
    code, stdout, _ = run("validate", "-C", path, "--points", 5000, "--max-distortion", 1e-9)
    assert code == 1 and "exceeds" in stdout


def test_sampled_tracts_on_big_skymaps_and_polar_bricks():
    """662,174 bricks: overlaps and distortion on a sample of tracts. The Legacy Surveys
    layout gives every brick a 3600 x 3600 px image; next to the poles a brick spans 36
    degrees of RA and its corners fall outside that image, which validate reports (and
    astropy.wcs confirms)."""
    from astropy.wcs import WCS

    sky = skymaps.preset("legacysurvey_bricks")
    report = validate(sky, num_points=20_000, max_tracts=2000)
    assert report.tracts_measured == 2000 and report.num_tracts == 662174
    assert "on 2000 of 662174 tracts" in report.summary()
    assert not report.ok and report.num_gaps > 0
    for lon, lat, why in report.gap_examples:
        assert abs(lat) > 89.5 and "does not reach" in why
        tract = sky[int(sky.find_tract(lon, lat))]
        x, y = WCS(tract.wcs.to_header()).world_to_pixel_values(lon, lat)
        b = tract.bbox
        assert not (b.x0 - 0.5 <= x <= b.x1 + 0.5 and b.y0 - 0.5 <= y <= b.y1 + 0.5)


def test_healpix_sliver_is_a_note_not_a_gap():
    # healpix8 at order 5 (12,288 tracts): the full preset takes half a minute to build.
    _, sky = load_config(PRESET_FILES["healpix8"], ['skyMap["healpix_grid"].order=5'])
    report = validate(sky, num_points=20_000)
    assert report.ok and report.num_gaps == 0
    assert report.notes and "sliver" in report.notes[0]
    # The note is true: points just inside a pixel's curved edge (healpy's boundary,
    # moved 1e-4 of the way to the centre) are owned by that pixel's tract, and some lie
    # outside its great-circle inner polygon.
    import healpy

    pix = int(healpy.ang2pix(32, 30.0, 60.0, nest=True, lonlat=True))
    edge = healpy.boundaries(32, pix, step=16, nest=True).T
    centre = np.array(healpy.pix2vec(32, pix, nest=True))
    v = edge + 1e-4 * (centre - edge)
    lon, lat = healpy.vec2ang(v, lonlat=True)
    assert np.all(healpy.vec2pix(32, *v.T, nest=True) == pix)
    assert np.all(sky.find_tract(lon, lat) == pix)
    assert not np.all(sky[pix].inner_region.region.contains(lon, lat))
