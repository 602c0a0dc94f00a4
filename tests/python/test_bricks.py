"""Legacy Surveys bricks and RA/Dec-box tilings against desiutil.brick and real rows.

Oracles: ``desiutil.brick.Bricks`` (the DESI/Legacy Surveys reference code), the real
legacypipe ``survey-bricks`` rows in refdata, sphgeom (inner boxes) and brute force.
"""

from __future__ import annotations

import functools
import json
import pathlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skymaps
from skymaps.errors import IdError, InvalidConfigError, InvalidCoordinateError

desiutil_brick = pytest.importorskip("desiutil.brick")

REFDATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "refdata"
COLUMNS = ["BRICKID", "BRICKQ", "BRICKROW", "BRICKCOL", "RA", "DEC", "RA1", "RA2", "DEC1", "DEC2"]


@pytest.fixture(scope="module")
def bricks() -> skymaps.SkyMap:
    return skymaps.BrickSkyMap()


@pytest.fixture(scope="module")
def desi() -> object:
    return desiutil_brick.Bricks(0.25)


def _assert_table_equals_desiutil(sky: skymaps.SkyMap, bricksize: float) -> None:
    ref = desiutil_brick.Bricks(bricksize).to_table()
    ours = sky.brick_table()
    assert len(ours["brickid"]) == len(ref)
    np.testing.assert_array_equal(ours["brickname"], np.asarray(ref["BRICKNAME"]))
    for col in COLUMNS:
        # Bit for bit: desiutil's arange/linspace arithmetic is reproduced exactly.
        np.testing.assert_array_equal(ours[col.lower()], np.asarray(ref[col]), err_msg=col)
    np.testing.assert_allclose(ours["area"], np.asarray(ref["AREA"]), rtol=1e-12)


def test_every_brick_equals_desiutil(bricks: skymaps.SkyMap) -> None:
    assert len(bricks) == 662174
    _assert_table_equals_desiutil(bricks, 0.25)


@pytest.mark.parametrize("size", [0.5, 1.0, 3.0])
def test_other_brick_sizes_equal_desiutil(size: float) -> None:
    _assert_table_equals_desiutil(skymaps.BrickSkyMap(bricksize=size), size)


def test_survey_bricks_rows(bricks: skymaps.SkyMap) -> None:
    rows = json.loads((REFDATA / "legacypipe_survey_bricks.json").read_text())["rows"]
    for row in rows:
        real = row["survey_bricks_row"]
        tid = bricks.find_tract(real["ra"], real["dec"])
        assert tid == real["brickid"]
        info = bricks.brick_table([tid])
        assert info["brickname"][0] == real["brickname"]
        assert bricks.brick_ids(real["brickname"]) == real["brickid"]
        assert bricks[tid].name == real["brickname"]
        for key in ("brickq", "brickrow", "brickcol"):
            assert info[key][0] == real[key]
        for key in ("ra", "dec", "ra1", "ra2", "dec1", "dec2"):
            # The real table's RA columns differ from desiutil by a few ulp (refdata README).
            assert info[key][0] == pytest.approx(real[key], abs=1e-12)


def _edge_points(desi: object) -> tuple[np.ndarray, np.ndarray]:
    tab = desi.to_table()
    rng = np.random.default_rng(7)
    pick = rng.choice(len(tab), 20000, replace=False)
    ra1, ra2 = np.asarray(tab["RA1"])[pick], np.asarray(tab["RA2"])[pick]
    de1, de2 = np.asarray(tab["DEC1"])[pick], np.asarray(tab["DEC2"])[pick]
    ra = np.concatenate([ra1, ra2, ra1, ra2, np.nextafter(ra1, -1), np.nextafter(ra2, 1)])
    dec = np.concatenate([de1, de2, de2, de1, de1, de2])
    specials_ra = [0.0, 360.0, -0.5, 360.5, 720.1, -359.9, 1e-300, 359.9999999999999, 180.0]
    specials_dec = [90.0, -90.0, 0.0, 89.875, -89.875, 0.125, -0.125, 45.0, 89.99]
    sra, sdec = np.meshgrid(specials_ra, specials_dec)
    return np.concatenate([ra, sra.ravel()]), np.clip(np.concatenate([dec, sdec.ravel()]), -90, 90)


def test_lookups_equal_desiutil_on_random_and_edge_points(
    bricks: skymaps.SkyMap, desi: object
) -> None:
    rng = np.random.default_rng(20261206)
    n = 1_000_000
    ra = rng.uniform(0, 360, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    era, edec = _edge_points(desi)
    ra, dec = np.concatenate([ra, era]), np.concatenate([dec, edec])
    ids = bricks.find_tract(ra, dec)
    # Deliberate difference: a tiny negative RA whose ``% 360`` rounds up to exactly 360
    # makes desiutil step past the row's last brick into the next row (a brick that does
    # not hold the point); ours is the row's last brick.
    quirk = (ra % 360.0) == 360.0
    assert quirk.sum() > 0
    ok = ~quirk
    np.testing.assert_array_equal(ids[ok], desi.brickid(ra[ok], dec[ok]))
    names = bricks.brick_names(ids[ok])
    np.testing.assert_array_equal(names, desi.brickname(ra[ok], dec[ok]))
    quads = bricks.brick_table(ids[ok])["brickq"]
    np.testing.assert_array_equal(quads, desi.brickq(ra[ok], dec[ok]))
    last = bricks.brick_table(ids[quirk])
    np.testing.assert_array_equal(last["ra2"], 360.0)
    np.testing.assert_array_equal(last["brickrow"], desi._row_col(ra[quirk] % 360, dec[quirk])[0])


@pytest.mark.parametrize("size", [0.3, 0.5, 3.0])
def test_lookups_of_other_brick_sizes_equal_desiutil(size: float) -> None:
    # Heights that are powers of two (0.5) take an exact reciprocal, the others (0.3,
    # 3.0) a division: both must give desiutil's ids and names, edges included.
    sky, desi = skymaps.BrickSkyMap(bricksize=size), desiutil_brick.Bricks(size)
    rng = np.random.default_rng(int(size * 10))
    ra = rng.uniform(-360, 720, 100_000)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, 100_000)))
    tab = sky.brick_table()
    ra = np.concatenate([ra, tab["ra1"], tab["ra2"], [0.0, 360.0, 180.0, 180.0]])
    dec = np.concatenate([dec, tab["dec1"], tab["dec2"], [0.0, 0.0, 90.0, -90.0]])
    ids = sky.find_tract(ra, dec)
    # desiutil's own quirk for RA that `% 360` rounds to 360 (see above) stays out.
    ok = (ra % 360.0) != 360.0
    np.testing.assert_array_equal(ids[ok], desi.brickid(ra[ok], dec[ok]))
    np.testing.assert_array_equal(sky.brick_names(ids[ok]), desi.brickname(ra[ok], dec[ok]))
    tracts, _ = sky.find_tract_patch(ra, dec)
    np.testing.assert_array_equal(tracts, ids)


def test_points_on_brick_corners(bricks: skymaps.SkyMap, desi: object) -> None:
    tab = bricks.brick_table()
    rng = np.random.default_rng(3)
    pick = rng.choice(len(tab["brickid"]), 5000, replace=False)
    ra1, dec1 = tab["ra1"][pick], tab["dec1"][pick]
    got = bricks.find_tract(ra1, dec1)
    np.testing.assert_array_equal(got, desi.brickid(ra1, dec1))
    # A Dec edge goes north: the row is always the brick's own. An RA edge goes to the
    # east brick unless desiutil's ``ra / 360 * n`` rounds just below the integer, and
    # then to the west one; either way the owner's closed box holds the point.
    owner = bricks.brick_table(got)
    np.testing.assert_array_equal(owner["brickrow"], tab["brickrow"][pick])
    assert np.all((owner["ra1"] <= ra1) & (ra1 <= owner["ra2"]))
    assert np.all((owner["dec1"] <= dec1) & (dec1 <= owner["dec2"]))
    east = got == tab["brickid"][pick]
    assert east.mean() > 0.5


@functools.cache
def _one_degree() -> tuple[skymaps.SkyMap, dict[str, np.ndarray], object]:
    sky = skymaps.BrickSkyMap(bricksize=1.0)
    return sky, sky.brick_table(), desiutil_brick.Bricks(1.0)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(-720, 720, allow_nan=False),
    st.floats(-90, 90, allow_nan=False),
)
def test_exactly_one_owner_whose_box_holds_the_point(lon: float, lat: float) -> None:
    sky, tab, desi = _one_degree()
    tid = int(sky.find_tract(lon, lat))
    row = sky.brick_table([tid])
    ra = lon % 360.0
    # desiutil picks the column by integer arithmetic on ra * ncol / 360 but tabulates the
    # edges as col * 360 / ncol, which can round one ulp past the point it owns (lon 180,
    # lat 21: owner's ra1 = 180.00000000000003). Edges are therefore compared to 1e-9 deg.
    eps = 1e-9
    assert row["dec1"][0] <= lat <= row["dec2"][0]
    assert row["ra1"][0] - eps <= ra <= row["ra2"][0] + eps or (
        ra == 360.0 and row["ra1"][0] == 0.0
    )
    # Brute force: the owner is one of the bricks whose closed box holds the point, and
    # where several do, the point lies on the edge of each of them.
    ra_alt = 0.0 if ra == 360.0 else ra
    holds = (tab["dec1"] <= lat) & (lat <= tab["dec2"])
    in_ra = (tab["ra1"] - eps <= ra) & (ra <= tab["ra2"] + eps)
    holds &= in_ra | ((tab["ra1"] - eps <= ra_alt) & (ra_alt <= tab["ra2"] + eps))
    assert tid in tab["brickid"][holds]
    if holds.sum() > 1:
        edges = np.concatenate([tab["ra1"][holds], tab["ra2"][holds]])
        on_edge = np.isin(lat, [tab["dec1"][holds], tab["dec2"][holds]]).any() or any(
            np.abs(edges - r).min() <= eps for r in (ra, ra_alt)
        )
        assert on_edge
    if ra != 360.0:
        assert tid == desi.brickid(lon, lat)
    assert sky[tid].inner_region.contains(lon, lat)


def test_tract_wcs_is_the_legacy_surveys_coadd_wcs(bricks: skymaps.SkyMap) -> None:
    from astropy.wcs import WCS

    tract = bricks[bricks.brick_ids("3521p002")]
    assert tract.bbox.width == 3600 and tract.bbox.height == 3600
    assert tract.num_patches == (1, 1)
    header = tract.wcs.to_header()
    assert header["CTYPE1"] == "RA---TAN"
    assert header["CRPIX1"] == pytest.approx(1800.5)
    assert header["CRVAL1"] == pytest.approx(352.125)
    assert header["CRVAL2"] == pytest.approx(0.25)
    assert abs(header["CD1_1"]) == pytest.approx(0.262 / 3600)
    wcs = WCS(header)
    x, y = np.meshgrid([-0.5, 1800.0, 3599.5], [-0.5, 1800.0, 3599.5])
    sky_ra, sky_dec = wcs.all_pix2world(x.ravel(), y.ravel(), 0)
    our_ra, our_dec = tract.wcs.pixel_to_sky(x.ravel(), y.ravel())
    np.testing.assert_allclose(our_ra, sky_ra, atol=1e-10)
    np.testing.assert_allclose(our_dec, sky_dec, atol=1e-10)
    # The brick's RA/Dec box lies inside the coadd's footprint.
    row = bricks.brick_table([tract.id])
    for ra in (row["ra1"][0], row["ra2"][0]):
        for dec in (row["dec1"][0], row["dec2"][0]):
            assert tract.outer_polygon.contains(ra, dec)


def test_bad_input_is_refused(bricks: skymaps.SkyMap) -> None:
    with pytest.raises(IdError, match="0000p000x"):
        bricks.brick_ids("0000p000x")
    with pytest.raises(IdError, match="9999p999"):
        bricks.brick_ids(["3521p002", "9999p999"])
    with pytest.raises(InvalidConfigError, match="0.7"):
        skymaps.BrickSkyMap(bricksize=0.7)
    with pytest.raises(InvalidCoordinateError):
        bricks.find_tract(np.nan, 0.0)
    with pytest.raises(InvalidCoordinateError):
        bricks.find_tract(0.0, 91.0)
    with pytest.raises(IdError):
        bricks.brick_names([0])
    with pytest.raises(IdError):
        bricks[0]


def test_names_and_ids_vectorized_both_ways(bricks: skymaps.SkyMap) -> None:
    ids = np.arange(1, len(bricks) + 1, 37)
    names = bricks.brick_names(ids)
    assert names.dtype.kind == "U"
    np.testing.assert_array_equal(bricks.brick_ids(names), ids)
    assert bricks.brick_names(333216) == "3521p002"


@pytest.mark.parametrize("size", [0.25, 1.0])
def test_each_brick_box_lies_inside_its_coadd(size: float) -> None:
    """The outer region (the coadd on the sky) holds the brick's corners and edge
    midpoints, so butler spatial queries on tract regions find the owning brick; the
    documented exception is the three rows beside each polar cap, whose constant-Dec
    edges bend out of a square coadd 4.8% wider than the brick."""
    sky = skymaps.BrickSkyMap(bricksize=size)
    tab = sky.brick_table()
    ra_mid = 0.5 * (tab["ra1"] + tab["ra2"])
    dec_mid = 0.5 * (tab["dec1"] + tab["dec2"])
    probes = [
        (tab["ra1"], tab["dec1"]),
        (tab["ra2"], tab["dec1"]),
        (tab["ra1"], tab["dec2"]),
        (tab["ra2"], tab["dec2"]),
        (ra_mid, tab["dec1"]),
        (ra_mid, tab["dec2"]),
        (tab["ra1"], dec_mid),
        (tab["ra2"], dec_mid),
    ]
    cap = (tab["ra1"] == 0) & (tab["ra2"] == 360)
    near_pole = np.abs(tab["dec"]) > 90 - 3.5 * size
    outside = np.zeros(len(cap), bool)
    for ra, dec in probes:
        idx, tracts = sky.find_all_tracts(ra[~cap], dec[~cap])
        owners = tab["brickid"][~cap]
        hit = np.zeros(len(owners), bool)
        hit[idx[tracts == owners[idx]]] = True
        outside[np.flatnonzero(~cap)[~hit]] = True
    assert not (outside & ~near_pole).any(), tab["brickid"][outside & ~near_pole][:5]
    # The exception is real and confined: those bricks' centres are in their coadds.
    assert outside.any()
    idx, tracts = sky.find_all_tracts(tab["ra"][near_pole], tab["dec"][near_pole])
    assert set(tab["brickid"][near_pole]) <= set(tracts[tracts == tab["brickid"][near_pole][idx]])
    for dec in (-90 + size / 2, 90 - size / 2):
        lons = np.linspace(0, 360, 73)
        idx, tracts = sky.find_all_tracts(lons, np.full(73, dec))
        cap_id = sky.find_tract(0.0, np.sign(dec) * 90.0)
        assert set(idx[tracts == cap_id]) == set(range(73))


@pytest.mark.butler
def test_register_bricks_and_query_by_position(tmp_path: pathlib.Path) -> None:
    """Registered into a real daf_butler repository, a spatial query by a point returns
    the brick that owns it (and its overlapping neighbours)."""
    lsst_sphgeom = pytest.importorskip("lsst.sphgeom")
    from lsst.daf.butler import Butler

    from skymaps.butler import register

    sky = skymaps.BrickSkyMap(bricksize=1.0)
    result = register(tmp_path / "repo", sky, "bricks_1deg")
    assert result.counts["tract"] == len(sky)
    butler = Butler.from_config(str(tmp_path / "repo"))
    (record,) = butler.registry.queryDimensionRecords("skymap", skymap="bricks_1deg")
    assert record.hash == sky.hash and record.tract_max == len(sky) + 1
    rng = np.random.default_rng(5)
    ra = np.concatenate([rng.uniform(0, 360, 6), [0.0, 359.99, 10.0]])
    dec = np.concatenate([np.degrees(np.arcsin(rng.uniform(-1, 1, 6))), [0.0, -89.9, 89.7]])
    for lon, lat in zip(ra, dec, strict=True):
        point = lsst_sphgeom.LonLat.fromDegrees(float(lon), float(lat))
        circle = lsst_sphgeom.Circle(
            lsst_sphgeom.UnitVector3d(point), lsst_sphgeom.Angle.fromDegrees(1e-7)
        )
        with butler.query() as query:
            found = {
                d["tract"]
                for d in query.data_ids(["tract"]).where(
                    "tract.region OVERLAPS(r)", bind={"r": circle}, skymap="bricks_1deg"
                )
            }
        owner = int(sky.find_tract(lon, lat))
        assert owner in found, (lon, lat)
        assert found <= set(sky.find_all_tracts(lon, lat)) | {owner}


def test_preset_is_the_legacy_surveys_grid() -> None:
    sky = skymaps.preset("legacysurvey_bricks")
    assert type(sky) is skymaps.BrickSkyMap
    assert sky.hash == skymaps.BrickSkyMap().hash
    assert sky[333216].name == "3521p002"
    assert sky[333216].bbox.width == 3600


@pytest.mark.butler
def test_cli_registers_a_brick_grid(tmp_path: pathlib.Path) -> None:
    """``skymaps register --preset legacysurvey_bricks`` with an override, end to end."""
    import subprocess
    import sys

    from lsst.daf.butler import Butler

    repo = tmp_path / "repo"
    cmd = [
        sys.executable,
        "-c",
        "from skymaps.cli import main; main()",
        "register",
        str(repo),
        "--preset",
        "legacysurvey_bricks",
        "-c",
        "skyMap['bricks'].brickSize=2.0",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    butler = Butler.from_config(str(repo))
    (record,) = butler.registry.queryDimensionRecords("skymap", skymap="legacysurvey_bricks")
    expected = skymaps.BrickSkyMap(bricksize=2.0)
    assert record.hash == expected.hash and record.tract_max == len(expected) + 1
