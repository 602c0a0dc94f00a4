"""Tract WCS against astropy.wcs (the oracle) for TAN, STG and CEA."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.wcs import WCS

from skymaps import InvalidConfigError, InvalidCoordinateError, RingsSkyMap, TractWcs


def _cd(scale_arcsec: float, rot_deg: float) -> np.ndarray:
    s, c = np.sin(np.radians(rot_deg)), np.cos(np.radians(rot_deg))
    d = scale_arcsec / 3600.0
    return np.array([[-c * d, s * d], [s * d, c * d]])


def _unit(ra, dec):
    ra, dec = np.radians(ra), np.radians(dec)
    return np.stack([np.cos(ra) * np.cos(dec), np.sin(ra) * np.cos(dec), np.sin(dec)], -1)


CASES = [
    ("TAN", (150.25, 2.23), (-1234.5, 876.0), 0.168, 0.0),
    ("TAN", (359.9, -45.0), (0.0, 0.0), 0.2, 30.0),
    ("STG", (152.93, -2.3), (44000.0, 44000.0), 0.26, 0.0),
    ("STG", (10.0, 89.0), (10.0, -20.0), 0.333, 12.0),
    ("CEA", (45.0, 0.0), (100.0, 200.0), 0.5, 0.0),
    ("CEA", (300.0, 0.0), (0.0, 0.0), 10.0, 0.0),
    ("TAN", (0.0, 90.0), (17770.0, 17770.0), 0.2, 0.0),
    ("TAN", (0.0, -90.0), (17770.0, 17770.0), 0.2, 0.0),
]


@pytest.mark.parametrize("proj,crval,crpix,scale,rot", CASES)
def test_pixel_to_sky_matches_astropy(proj, crval, crpix, scale, rot):
    wcs = TractWcs(proj, crval, crpix, _cd(scale, rot))
    oracle = WCS(wcs.to_header())
    rng = np.random.default_rng(7)
    x = crpix[0] + rng.uniform(-30000, 30000, 500)
    y = crpix[1] + rng.uniform(-30000, 30000, 500)
    ra, dec = wcs.pixel_to_sky(x, y)
    ra_o, dec_o = oracle.all_pix2world(x, y, 0)
    ok = np.isfinite(ra_o)
    np.testing.assert_array_equal(np.isfinite(ra), ok)  # same projection domain
    assert ok.sum() > 100
    x, y, ra, dec, ra_o, dec_o = x[ok], y[ok], ra[ok], dec[ok], ra_o[ok], dec_o[ok]
    # Compare on the sphere (RA wraps, and is meaningless at the poles): chord length.
    sep = np.linalg.norm(_unit(ra, dec) - _unit(ra_o, dec_o), axis=-1)
    assert np.nanmax(np.degrees(sep) * 3600) < 1e-6  # micro-arcseconds
    # And back: sky -> pixel against astropy's inverse.
    px, py = wcs.sky_to_pixel(ra_o, dec_o)
    qx, qy = oracle.all_world2pix(ra_o, dec_o, 0, tolerance=1e-12)
    np.testing.assert_allclose(px, qx, atol=1e-6)
    np.testing.assert_allclose(py, qy, atol=1e-6)
    np.testing.assert_allclose(px, x, atol=1e-6)


def test_header_conventions():
    wcs = TractWcs("TAN", (10.0, 20.0), (5.0, 6.0), _cd(0.2, 0.0))
    h = wcs.to_header()
    assert h["CRPIX1"] == 6.0 and h["CRPIX2"] == 7.0  # FITS is 1-based
    assert h["CTYPE1"] == "RA---TAN" and h["CD1_1"] < 0  # x toward -RA
    assert wcs.to_astropy().wcs.crval[0] == 10.0
    ra, dec = wcs.pixel_to_sky(5.0, 6.0)
    assert (float(ra), float(dec)) == pytest.approx((10.0, 20.0), abs=1e-12)
    # Scalars in, scalars out; arrays keep their shape.
    x, y = wcs.sky_to_pixel(np.full((2, 3), 10.0), 20.0)
    assert x.shape == (2, 3)


def test_tract_wcs_conventions():
    sky = RingsSkyMap(120, projection="TAN", pixel_scale=0.2, tract_overlap=1 / 60)
    tract = sky[4431]
    wcs = tract.wcs
    # The pixel box starts at 0 and the tract centre sits near the middle of it.
    x, y = wcs.sky_to_pixel(*tract.center)
    b = tract.bbox
    assert (b.x0, b.y0) == (0, 0)
    assert abs(x - (b.width - 1) / 2) < 4001 and abs(y - (b.height - 1) / 2) < 4001
    # +x toward -RA, +y toward +Dec.
    ra0, dec0 = wcs.pixel_to_sky(x, y)
    ra1, _ = wcs.pixel_to_sky(x + 100, y)
    _, dec1 = wcs.pixel_to_sky(x, y + 100)
    assert ra1 < ra0 and dec1 > dec0
    astro = tract.wcs.to_astropy()
    np.testing.assert_allclose(astro.all_world2pix([[*tract.center]], 0)[0], [x, y], atol=1e-6)


def test_off_domain_is_nan():
    wcs = TractWcs("TAN", (0.0, 0.0), (0.0, 0.0), _cd(3600.0, 0.0))
    x, y = wcs.sky_to_pixel(180.0, 0.0)  # behind the tangent plane
    assert np.isnan(x) and np.isnan(y)
    ra, dec = TractWcs("CEA", (0.0, 0.0), (0.0, 0.0), _cd(3600.0, 0.0)).pixel_to_sky(0.0, 200.0)
    assert np.isnan(ra) and np.isnan(dec)


def test_bad_input():
    with pytest.raises(InvalidConfigError, match="MOL"):
        TractWcs("MOL", (0.0, 0.0), (0.0, 0.0), _cd(1.0, 0.0))
    with pytest.raises(InvalidConfigError, match="singular"):
        TractWcs("TAN", (0.0, 0.0), (0.0, 0.0), np.zeros((2, 2)))
    wcs = TractWcs("TAN", (0.0, 0.0), (0.0, 0.0), _cd(1.0, 0.0))
    with pytest.raises(InvalidCoordinateError):
        wcs.sky_to_pixel(0.0, 91.0)
    with pytest.raises(InvalidCoordinateError):
        wcs.sky_to_pixel(np.nan, 0.0)
