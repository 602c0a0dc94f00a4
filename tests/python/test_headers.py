"""``from_headers``: tracts with the images' own WCS (issue 13).

Oracles: astropy.wcs (wcslib) for every pixel <-> sky transform and for the image
footprints (a pixel position inside ``[-0.5, naxis - 0.5)``), brute force over every
image for the owner rule, and astropy.io.fits for the round trip of the written config.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _coadd_files import write_coadds
from astropy.io import fits
from astropy.wcs import WCS
from click.testing import CliRunner

from skymaps.cli import main
from skymaps.config import load_config
from skymaps.errors import InvalidConfigError
from skymaps.headers import from_headers, read_inputs, save, tract_header, tract_info


def _wcs(header):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return WCS(header)


def _header(ctype, crval, cd_arcsec=20.0, naxis=(90, 70), **extra):
    s = cd_arcsec / 3600.0
    h = fits.Header({"NAXIS": 2, "NAXIS1": naxis[0], "NAXIS2": naxis[1],
                     "CTYPE1": f"RA---{ctype}", "CTYPE2": f"DEC--{ctype}",
                     "CRVAL1": crval[0], "CRVAL2": crval[1],
                     "CRPIX1": naxis[0] / 2 + 3.2, "CRPIX2": naxis[1] / 2 - 7.1,
                     "CD1_1": -s, "CD1_2": 0.03 * s, "CD2_1": 0.02 * s, "CD2_2": s})
    h.update(extra)
    return h


#: Projections beyond the four files: across RA = 0, near a pole, off the equator.
EXTRA = {
    "sin_ra0": _header("SIN", (0.05, -20.0)),
    "zea_pole": _header("ZEA", (123.0, 89.6)),
    "car_dec30": _header("CAR", (200.0, 30.0)),
    "car_lonpole": _header("CAR", (10.0, 0.0), LONPOLE=0.0, LATPOLE=90.0),
    "stg_south": _header("STG", (300.0, -89.5)),
    "tan_plain": _header("TAN", (359.99, 0.0)),
    "zpn_south": _header("ZPN", (45.0, -60.0), PV2_1=1.0, PV2_3=-50.0),
}


@pytest.fixture(scope="module")
def coadds(tmp_path_factory):
    return write_coadds(tmp_path_factory.mktemp("coadds"))


@pytest.fixture(scope="module")
def inputs(coadds):
    return list(coadds.values()) + list(EXTRA.items())


@pytest.fixture(scope="module")
def sky(inputs):
    return from_headers(inputs)


def _vectors(ra, dec):
    r, d = np.radians(ra), np.radians(dec)
    return np.array([np.cos(d) * np.cos(r), np.cos(d) * np.sin(r), np.sin(d)])


def _pixels(nx, ny, rng):
    gx, gy = np.meshgrid(np.linspace(-0.5, nx - 0.5, 41), np.linspace(-0.5, ny - 0.5, 37))
    x = np.concatenate([gx.ravel(), rng.uniform(-0.5, nx - 0.5, 3000)])
    y = np.concatenate([gy.ravel(), rng.uniform(-0.5, ny - 0.5, 3000)])
    return x, y


def test_every_image_is_a_tract_with_its_name_file_and_hdu(sky, coadds):
    items = read_inputs(list(coadds.values()) + list(EXTRA.items()))
    assert len(sky) == len(items) == 4 + 3 + len(EXTRA)
    for tract, item in zip(sky, items, strict=True):
        info = tract_info(sky, tract.id)
        assert (info["name"], info["file"], info["hdu"]) == (item.name, item.file, item.hdu)
        box = tuple(tract.bbox)
        assert box == (0, 0, item.header["NAXIS1"], item.header["NAXIS2"])
        assert len(tract) == 1  # one patch per tract by default
    infos = [tract_info(sky, t.id) for t in sky]
    wfcam = [e for e in infos if e["file"].endswith("mef.fits")]
    assert [e["hdu"] for e in wfcam] == [1, 2, 3, 4]


def test_pixel_sky_agree_with_astropy_to_1e9_deg(sky, inputs):
    rng = np.random.default_rng(13)
    for tract, item in zip(sky, read_inputs(inputs), strict=True):
        w = _wcs(item.header)
        x, y = _pixels(item.header["NAXIS1"], item.header["NAXIS2"], rng)
        ra, dec = tract.wcs.pixel_to_sky(x, y)
        a_ra, a_dec = w.pixel_to_world_values(x, y)
        # Angular separation from the chord between the unit vectors (exact near 0).
        sep = np.degrees(np.linalg.norm(_vectors(ra, dec) - _vectors(a_ra, a_dec), axis=0))
        assert sep.max() < 1e-9, item.name
        assert np.abs(dec - a_dec).max() < 1e-9, item.name
        # sky -> pixel: astropy's pixels of astropy's sky positions, in degrees.
        px, py = tract.wcs.sky_to_pixel(a_ra, a_dec)
        scale = np.sqrt(abs(np.linalg.det(w.pixel_scale_matrix)))
        assert np.abs(px - x).max() * scale < 1e-9, item.name
        assert np.abs(py - y).max() * scale < 1e-9, item.name
        bx, by = w.world_to_pixel_values(ra, dec)
        assert np.abs(bx - px).max() * scale < 1e-9 and np.abs(by - py).max() * scale < 1e-9


def test_outer_region_holds_every_pixel_corner(sky, inputs):
    for tract, item in zip(sky, read_inputs(inputs), strict=True):
        nx, ny = item.header["NAXIS1"], item.header["NAXIS2"]
        gx, gy = np.meshgrid(np.arange(nx + 1) - 0.5, np.arange(ny + 1) - 0.5)
        ra, dec = _wcs(item.header).pixel_to_world_values(gx.ravel(), gy.ravel())
        assert tract.contains(ra, dec).all(), item.name


def _covering(items, ra, dec, margin=1.0):
    """Which images hold each point (astropy), and which points lie within ``margin``
    pixels of some image edge (ambiguous: the regions are a hair larger)."""
    holds = np.zeros((len(items), len(ra)), bool)
    near = np.zeros(len(ra), bool)
    for k, item in enumerate(items):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            px, py = _wcs(item.header).world_to_pixel_values(ra, dec)
        nx, ny = item.header["NAXIS1"], item.header["NAXIS2"]
        inside = (px >= -0.5) & (px < nx - 0.5) & (py >= -0.5) & (py < ny - 0.5)
        grown = (px >= -0.5 - margin) & (px < nx - 0.5 + margin) & (py >= -0.5 - margin) & (
            py < ny - 0.5 + margin)
        shrunk = (px >= -0.5 + margin) & (px < nx - 0.5 - margin) & (py >= -0.5 + margin) & (
            py < ny - 0.5 - margin)
        holds[k] = inside
        near |= grown & ~shrunk
    return holds, near


def test_owner_is_nearest_centre_among_covering_images(coadds):
    items = read_inputs(coadds.values())
    sky = from_headers(coadds.values())
    rng = np.random.default_rng(7)
    ra = rng.uniform(148.5, 152.0, 20000)
    dec = rng.uniform(0.5, 3.5, 20000)
    holds, near = _covering(items, ra, dec)
    centres = []
    for item in items:
        nx, ny = item.header["NAXIS1"], item.header["NAXIS2"]
        centres.append(_wcs(item.header).pixel_to_world_values((nx - 1) / 2, (ny - 1) / 2))
    c = np.array(centres)
    cos_d = (np.sin(np.radians(dec))[None] * np.sin(np.radians(c[:, 1]))[:, None]
             + np.cos(np.radians(dec))[None] * np.cos(np.radians(c[:, 1]))[:, None]
             * np.cos(np.radians(ra[None] - c[:, 0][:, None])))
    expected = np.where(holds.any(0), np.argmax(np.where(holds, cos_d, -2.0), axis=0), -1)
    got = sky.find_tract(ra, dec)
    ok = ~near
    assert ok.sum() > 15000 and (holds.sum(0) > 1).sum() > 200  # overlaps are exercised
    np.testing.assert_array_equal(got[ok], expected[ok])
    idx, tids = sky.find_all_tracts(ra, dec)
    cover = np.zeros_like(holds)
    cover[tids, idx] = True
    np.testing.assert_array_equal(cover[:, ok], holds[:, ok])


def test_config_round_trip_is_self_contained(sky, tmp_path):
    path = save(sky, tmp_path / "hosted.toml", "hosted")
    text = path.read_text()
    assert "[[skymap.tracts]]" in text and "PV2_" not in text and "pv = [[2, 1, 1.0]" in text
    name, again = load_config(path)
    assert name == "hosted" and again.hash == sky.hash and again.config == sky.config
    # The written WCS alone (no original file) reproduces astropy's transform.
    rng = np.random.default_rng(3)
    for t in again:
        h = tract_header(again, t.id)
        x, y = _pixels(h["NAXIS1"], h["NAXIS2"], rng)
        ra, dec = t.wcs.pixel_to_sky(x, y)
        a_ra, a_dec = _wcs(h).pixel_to_world_values(x, y)
        assert np.abs((ra - a_ra + 180) % 360 - 180).max() < 1e-9
        assert np.abs(dec - a_dec).max() < 1e-9


def test_hash_follows_content(inputs):
    a = from_headers(inputs)
    assert from_headers(inputs).hash == a.hash
    name, h = inputs[-1]
    changed = h.copy()
    changed["CRVAL1"] = np.nextafter(h["CRVAL1"], 1e3)
    assert from_headers(inputs[:-1] + [(name, changed)]).hash != a.hash
    renamed = from_headers(inputs[:-1] + [("other", h)])
    assert renamed.hash != a.hash


def test_growing_keeps_ids_and_bumps_version(coadds, tmp_path):
    first = [coadds["wfcam"], coadds["vista"]]
    base = from_headers(first)
    grown = from_headers([coadds["des"], coadds["sip"]], base=base)
    assert grown.config["version"] == base.config["version"] + 1 == 2
    assert grown.config["tracts"][: len(base)] == base.config["tracts"]
    assert len(grown) == len(base) + 2 and grown.hash != base.hash
    for t in base:  # same tracts, same regions, same owners
        assert np.allclose(grown[t.id].wcs.pixel_to_sky(5.0, 7.0), t.wcs.pixel_to_sky(5.0, 7.0))
    with pytest.raises(InvalidConfigError, match="already in the base skymap"):
        from_headers([coadds["vista"]], base=base)
    # The CLI: --base writes the next version.
    runner = CliRunner()
    one = tmp_path / "v1.toml"
    args = ["from-headers", *map(str, first), "-o", str(one), "-n", "h"]
    assert runner.invoke(main, args).exit_code == 0
    two = tmp_path / "v2.toml"
    r = runner.invoke(main, ["from-headers", str(coadds["des"]), "--base", str(one), "-o", str(two),
                             "-n", "h_v2"])
    assert r.exit_code == 0 and "version 2, 6 tracts" in r.output


def test_patch_grid(coadds):
    sky = from_headers([coadds["wfcam"]], patch_grid=(2, 4), patch_border=8)
    t = sky[0]
    assert t.num_patches == (2, 4) and len(t) == 8
    with pytest.raises(InvalidConfigError, match="patchGrid"):
        from_headers([coadds["vista"]], patch_grid=(7, 1))


def _bad_inputs(tmp_path, coadds):
    nowcs = tmp_path / "nowcs.fits"
    fits.PrimaryHDU(np.zeros((10, 12), np.float32)).writeto(nowcs)
    truncated = tmp_path / "truncated.fits"
    truncated.write_bytes(coadds["vista"].read_bytes()[:4000])
    notfits = tmp_path / "notes.fits"
    notfits.write_text("this is not FITS\n")
    ait = tmp_path / "ait.fits"
    fits.PrimaryHDU(np.zeros((10, 12), np.float32), header=_header("AIT", (10.0, 5.0))).writeto(ait)
    other = tmp_path / "elsewhere"
    other.mkdir()
    dup = other / "vista_tile.fits"
    dup.write_bytes(coadds["vista"].read_bytes())
    return {
        "no celestial WCS": ([nowcs], ["nowcs.fits HDU 0", "no celestial WCS"]),
        "truncated": ([truncated], ["truncated.fits", "not a readable FITS file"]),
        "not FITS": ([notfits], ["notes.fits", "not a readable FITS file"]),
        "unsupported projection": ([ait], ["ait.fits HDU 0", "AIT", "not supported"]),
        "same name": ([coadds["vista"], dup],
                      ["same name 'vista_tile'", "vista_tile.fits HDU 0", "elsewhere"]),
    }


def test_bad_input_is_a_clear_error_naming_file_and_hdu(tmp_path, coadds):
    for case, (files, needles) in _bad_inputs(tmp_path, coadds).items():
        with pytest.raises(InvalidConfigError) as err:
            from_headers([coadds["sip"], *files])
        for needle in needles:
            assert needle in str(err.value), (case, str(err.value))


def test_bad_input_on_the_cli_is_one_line_and_writes_nothing(tmp_path, coadds):
    for case, (files, needles) in _bad_inputs(tmp_path, coadds).items():
        out = tmp_path / f"{case.replace(' ', '_')}.toml"
        r = CliRunner().invoke(main, ["from-headers", str(coadds["sip"]), *map(str, files),
                                      "-o", str(out), "-n", "x"])
        assert r.exit_code != 0 and r.exception is None or isinstance(r.exception, SystemExit)
        lines = r.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (case, r.output)
        assert "Traceback" not in r.output and needles[0] in lines[0]
        assert not out.exists()


def test_missing_file_on_the_cli_is_a_usage_error(tmp_path):
    # docs/cli.md: bad usage, a missing file among it, exits 2 with one line.
    for command in (["from-headers"], ["ingest-table", "--skymap", "x"]):
        config = tmp_path / "c.toml"
        config.write_text("")
        extra = ["-C", str(config)] if command[0] == "ingest-table" else ["-n", "x"]
        r = CliRunner().invoke(
            main, [*command, str(tmp_path / "nothere.fits"), "-o", str(tmp_path / "o"), *extra]
        )
        lines = r.output.strip().splitlines()
        assert r.exit_code == 2 and len(lines) == 1, (command, r.output)
        assert lines[0].startswith("Error: ") and "nothere.fits" in lines[0]
