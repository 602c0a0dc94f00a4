"""``skymaps coverage`` end to end: FITS exposures and region tables in, CSV/Parquet out,
checked against the library call (itself checked against sphgeom in test_coverage.py)."""

from __future__ import annotations

import io

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import load_refdata_json
from test_coverage import write_mef

import skymaps
from skymaps import coverage as cov
from skymaps.cli import main
from skymaps.wcs_footprint import fits_footprints


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output, result.stdout


def test_mef_to_csv_and_parquet(tmp_path):
    mef = tmp_path / "exposure.fits"
    write_mef(mef)
    code, out, stdout = run("coverage", "--preset", "hsc_rings_v1", mef)
    assert code == 0, out
    assert "6 footprints" in out
    table = pacsv.read_csv(io.BytesIO(stdout.encode()))
    sky = skymaps.preset("hsc_rings_v1")
    expect = cov.coverage(sky, [p for _, _, p in fits_footprints(str(mef))], "patch").to_pydict()
    got = table.to_pydict()
    assert got["footprint_id"] == expect["footprint_id"]
    assert got["tract"] == expect["tract"] and got["patch"] == expect["patch"]
    assert got["relation"] == expect["relation"]
    assert set(got["source"]) == {f"{mef}[{k}:CCD{k - 1}]" for k in range(1, 7)}

    out_path = tmp_path / "cov.parquet"
    code, out, _ = run(
        "coverage", "--preset", "hsc_rings_v1", "--visit", "--level", "tract", "-o", out_path, mef
    )
    assert code == 0, out
    visit = pq.read_table(out_path).to_pydict()
    assert set(visit["footprint_id"]) == {0}
    assert sorted(visit["tract"]) == sorted(set(expect["tract"]))


def test_region_table_and_overrides(tmp_path):
    data = load_refdata_json("hsc_rc2_observation_regions.json")
    rows = data["visits"][:10]
    path = tmp_path / "visits.csv"
    path.write_text(
        "id,region\n" + "".join(f"{r['visit']},{r['region_encoded_hex']}\n" for r in rows)
    )
    out_path = tmp_path / "out.csv"
    code, out, _ = run(
        "coverage",
        "--preset",
        "hsc_rings_v1",
        "-c",
        "skyMap['rings'].numRings=120",
        "--fraction",
        "-o",
        out_path,
        path,
    )
    assert code == 0, out
    got = pacsv.read_csv(out_path).to_pydict()
    regions = [skymaps.Region.decode_hex(r["region_encoded_hex"]) for r in rows]
    expect = cov.coverage(
        skymaps.preset("hsc_rings_v1"), regions, "patch", fraction=True
    ).to_pydict()
    assert got["patch"] == expect["patch"]
    np.testing.assert_allclose(got["region_fraction"], expect["region_fraction"], rtol=1e-12)
    assert got["source"][0] == f"{path}[{rows[got['footprint_id'][0]]['visit']}]"


def test_errors_are_messages_not_tracebacks(tmp_path):
    from astropy.io import fits

    nowcs = tmp_path / "nowcs.fits"
    fits.PrimaryHDU(np.zeros((8, 8), dtype=np.float32)).writeto(nowcs)
    code, out, _ = run("coverage", "--preset", "hsc_rings_v1", nowcs)
    assert code == 1 and "nowcs.fits" in out and "no celestial" in out and "Traceback" not in out
    table = tmp_path / "t.csv"
    table.write_text("id,other\n1,2\n")
    code, out, _ = run("coverage", "--preset", "hsc_rings_v1", table)
    assert code == 1 and "no 'region' column" in out
    code, out, _ = run("coverage", nowcs)
    assert code == 2 and "--preset" in out
    code, out, _ = run("coverage", "--preset", "nope", nowcs)
    assert code == 2 and "unknown preset" in out


@pytest.mark.parametrize("level", ["tract", "patch"])
def test_levels(tmp_path, level):
    mef = tmp_path / "e.fits"
    write_mef(mef, n=2)
    code, out, stdout = run("coverage", "--preset", "hsc_rings_v1", "--level", level, mef)
    assert code == 0
    assert stdout.splitlines()[0].replace('"', "").split(",")[:4] == (
        ["source", "footprint_id", "tract", "patch"]
        if level == "patch"
        else ["source", "footprint_id", "tract", "relation"]
    )
