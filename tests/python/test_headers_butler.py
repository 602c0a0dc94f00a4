"""Hosting coadds in a real butler, end to end (issue 13).

``skymaps from-headers`` -> ``skymaps register`` into a new SQLite repository ->
``skymaps ingest-table`` -> the real ``butler register-dataset-type`` and
``butler ingest-files`` commands (subprocesses) -> butler queries by a sky point and by
a region, and ``butler.get``.

Oracles: astropy.wcs for which coadds cover a point (pixel position inside the image)
or overlap a circle (distance from the circle centre to the image's pixels, sampled
every pixel), and astropy.io.fits for the pixel data ``butler.get`` returns.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("lsst.daf.butler")

from _coadd_files import write_coadds  # noqa: E402
from astropy.io import fits  # noqa: E402
from astropy.wcs import WCS  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from skymaps.cli import main  # noqa: E402
from skymaps.headers import read_inputs  # noqa: E402

pytestmark = pytest.mark.butler


def _skymaps(*args):
    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def _butler(*args):
    butler = Path(sys.executable).with_name("butler")
    r = subprocess.run([str(butler), *map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    root = tmp_path_factory.mktemp("hosting")
    files = [str(p) for p in write_coadds(root / "data").values()]
    config = root / "hosted.toml"
    _skymaps("from-headers", *files, "-o", config, "-n", "hosted")
    repo = root / "repo"
    _skymaps("register", repo, "-C", config, "--no-progress")
    table = root / "ingest.ecsv"
    _skymaps("ingest-table", "--skymap", "hosted", "-C", config, *files, "-o", table)
    _butler("register-dataset-type", repo, "hostedCoadd", "NumpyArray", "skymap", "tract",
            "patch", "band")
    _butler("ingest-files", "--transfer", "direct", "--formatter",
            "skymaps.butler.fits_image.FitsImageFormatter", repo, "hostedCoadd",
            "hosted/coadds", table)
    from lsst.daf.butler import Butler

    butler = Butler.from_config(str(repo), collections="hosted/coadds")
    yield butler, read_inputs(files)
    butler.close()
    shutil.rmtree(root, ignore_errors=True)


def _wcs(header):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return WCS(header)


def _covers(item, ra, dec, margin):
    """1 inside by more than ``margin`` pixels, 0 outside by more, -1 in between."""
    px, py = _wcs(item.header).world_to_pixel_values(ra, dec)
    nx, ny = item.header["NAXIS1"], item.header["NAXIS2"]
    lo = min(px + 0.5, py + 0.5, nx - 0.5 - px, ny - 0.5 - py)  # distance inside
    return 1 if lo > margin else 0 if lo < -margin else -1


def _query(butler, where, bind):
    refs = butler.query_datasets("hostedCoadd", where=where, bind=bind, explain=False)
    return {(r.dataId["tract"], r.dataId["band"]) for r in refs}


def test_point_query_returns_exactly_the_covering_coadds(hosted):
    butler, items = hosted
    bands = {"decam_sip": "g", "des_tile": "r", "vista_tile": "Ks"}
    rng = np.random.default_rng(11)
    checked = multi = 0
    for ra, dec in zip(rng.uniform(148.8, 151.8, 60), rng.uniform(0.9, 3.2, 60), strict=True):
        cover = [_covers(it, ra, dec, 1.0) for it in items]
        if -1 in cover:
            continue  # within a pixel of an edge: the regions hold the pixel corners
        expected = {(k, bands.get(it.name, "J")) for k, it in enumerate(items) if cover[k]}
        got = _query(butler, "tract.region OVERLAPS POINT(ra, dec)", {"ra": ra, "dec": dec})
        assert got == expected, (ra, dec)
        checked += 1
        multi += len(expected) > 1
    assert checked > 40 and multi > 0


def test_region_query_returns_exactly_the_overlapping_coadds(hosted):
    from lsst.sphgeom import Angle, Circle, LonLat, UnitVector3d

    butler, items = hosted
    # Distance from each circle centre to each image: the nearest of its pixel centres
    # and corners (a grid at half-pixel spacing), through astropy.
    rng = np.random.default_rng(5)
    checked = 0
    for ra, dec, radius in zip(rng.uniform(148.5, 152, 25), rng.uniform(0.5, 3.5, 25),
                               rng.uniform(0.02, 0.4, 25), strict=True):
        expected, ambiguous = set(), False
        for k, it in enumerate(items):
            nx, ny = it.header["NAXIS1"], it.header["NAXIS2"]
            gx, gy = np.meshgrid(np.arange(-0.5, nx, 0.5), np.arange(-0.5, ny, 0.5))
            pr, pd = _wcs(it.header).pixel_to_world_values(gx.ravel(), gy.ravel())
            d = np.degrees(np.arccos(np.clip(
                np.sin(np.radians(dec)) * np.sin(np.radians(pd))
                + np.cos(np.radians(dec)) * np.cos(np.radians(pd))
                * np.cos(np.radians(pr - ra)), -1, 1))).min()
            pixel = np.sqrt(abs(np.linalg.det(_wcs(it.header).pixel_scale_matrix)))
            inside = _covers(it, ra, dec, 1.0) == 1
            if inside or d < radius - pixel:
                expected.add(k)
            elif d < radius + pixel:
                ambiguous = True
        if ambiguous:
            continue
        circle = Circle(UnitVector3d(LonLat.fromDegrees(ra, dec)), Angle.fromDegrees(radius))
        refs = butler.query_datasets("hostedCoadd", where="tract.region OVERLAPS region",
                                     bind={"region": circle}, explain=False)
        assert {r.dataId["tract"] for r in refs} == expected, (ra, dec, radius)
        checked += 1
    assert checked > 15


def test_get_returns_each_image(hosted):
    butler, items = hosted
    refs = {r.dataId["tract"]: r for r in butler.query_datasets("hostedCoadd")}
    assert sorted(refs) == list(range(len(items)))
    for k, it in enumerate(items):
        image = butler.get(refs[k])
        np.testing.assert_array_equal(image, fits.getdata(it.file, it.hdu))
