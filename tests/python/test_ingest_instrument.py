"""``skymaps ingest-table --instrument``: instrument and physical_filter columns that a
real butler accepts (issue 13 follow-up).

The test makes a real SQLite butler repository, registers the hosted skymap, inserts an
instrument and its physical_filter records through the registry API (no mocks), writes
the table, then runs the real ``butler register-dataset-type`` and ``butler
ingest-files`` and finds each image by its physical filter. Oracle: the images' own
headers read with astropy.io.fits.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("lsst.daf.butler")

from _coadd_files import write_coadds  # noqa: E402
from astropy.io import fits  # noqa: E402
from astropy.table import Table  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from skymaps.cli import main  # noqa: E402
from skymaps.headers import read_inputs  # noqa: E402

pytestmark = pytest.mark.butler

#: Raw filter keyword value (from the files' headers) -> (physical filter, band).
FILTERS = {"g DECam SDSS c0001 4720.0 1520.0": ("g DECam SDSS c0001 4720.0 1520.0", "g"),
           "r": ("r", "r"), "Ks": ("VISTA-Ks", "Ks"), "J": ("WFCAM-J", "J")}


def _run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args])
    return r.exit_code, r.output


def _butler(*args):
    butler = Path(sys.executable).with_name("butler")
    r = subprocess.run([str(butler), *map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r


def _raw_filter(item):
    for key in ("FILTER", "HIERARCH ESO INS FILT1 NAME", "FILTNAME", "FILTER1", "BAND"):
        for h in (item.header, item.primary):
            if h is not None and key in h:
                return str(h[key]).strip()
    raise AssertionError(f"{item.where} has no filter keyword")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("instrument")
    files = [str(p) for p in write_coadds(root / "data").values()]
    config = root / "hosted.toml"
    assert _run("from-headers", *files, "-o", config, "-n", "hosted")[0] == 0
    repo = root / "repo"
    assert _run("register", repo, "-C", config, "--no-progress")[0] == 0
    yield root, files, config, repo
    shutil.rmtree(root, ignore_errors=True)


def test_ingest_by_physical_filter_in_a_real_repository(setup):
    from lsst.daf.butler import Butler

    root, files, config, repo = setup
    butler = Butler.from_config(str(repo), writeable=True)
    butler.registry.insertDimensionData("instrument", {"name": "Hosted", "detector_max": 1,
                                                       "visit_max": 1, "exposure_max": 1})
    butler.registry.insertDimensionData("physical_filter", *(
        {"instrument": "Hosted", "name": name, "band": band} for name, band in FILTERS.values()))
    butler.close()
    table = root / "ingest.ecsv"
    mapping = [a for raw, (name, _) in FILTERS.items() if raw != name
               for a in ("--physical-filter-map", f"{raw}={name}")]
    code, out = _run("ingest-table", "--skymap", "hosted", "-C", config, *files, "-o", table,
                     "--instrument", "Hosted", *mapping)
    assert code == 0, out
    rows = Table.read(table, format="ascii.ecsv")
    assert set(rows.colnames) == {"file", "skymap", "tract", "patch", "band", "instrument",
                                  "physical_filter"}
    _butler("register-dataset-type", repo, "hostedCoadd", "NumpyArray", "instrument",
            "physical_filter", "skymap", "tract", "patch")
    _butler("ingest-files", "--transfer", "direct", "--formatter",
            "skymaps.butler.fits_image.FitsImageFormatter", repo, "hostedCoadd",
            "hosted/coadds", table)
    items = read_inputs(files)
    butler = Butler.from_config(str(repo), collections="hosted/coadds")
    try:
        for name, band in set(FILTERS.values()):
            refs = butler.query_datasets("hostedCoadd", instrument="Hosted",
                                         physical_filter=name, explain=False)
            expected = {k for k, it in enumerate(items) if FILTERS[_raw_filter(it)][0] == name}
            assert {r.dataId["tract"] for r in refs} == expected, name
            for ref in refs:  # the band the butler implies from the physical filter
                assert ref.dataId["band"] == band
                it = items[ref.dataId["tract"]]
                assert (butler.get(ref) == fits.getdata(it.file, it.hdu)).all()
    finally:
        butler.close()


def test_without_instrument_no_filter_columns(setup):
    root, files, config, _ = setup
    table = root / "plain.ecsv"
    assert _run("ingest-table", "--skymap", "hosted", "-C", config, *files, "-o", table)[0] == 0
    assert set(Table.read(table, format="ascii.ecsv").colnames) == {
        "file", "skymap", "tract", "patch", "band"}


@pytest.mark.parametrize("args,message", [
    (["--physical-filter-map", "J=WFCAM-J"], "needs --instrument"),
    (["--instrument", "X", "--physical-filter-map", "J"], "expected RAW=NAME"),
    (["--instrument", " "], "must not be empty"),
])
def test_bad_options_are_one_line_errors(setup, args, message):
    root, files, config, _ = setup
    code, out = _run("ingest-table", "--skymap", "hosted", "-C", config, files[0], "-o",
                     root / "bad.ecsv", *args)
    assert code == 2 and message in out and "Traceback" not in out
