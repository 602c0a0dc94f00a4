"""``skymaps info``, ``find``, ``diff`` and ``export`` on real presets.

Oracles: the lsst.skymap butler records and hashes in refdata (written by the real LSST
stack), the library's own calls (the CLI must print what the library computes), and a
brute-force point-in-polygon over every tract's exported corners (numpy, edge normals).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import load_refdata_json, tiny_discrete

import skymaps
from skymaps.cli import main

RECORDS = load_refdata_json("skymap_dimension_records.json")
LSST_PRESETS = ("hsc_rings_v1", "decam_rings_v1", "DC2")


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _xyz(lon, lat):
    lon, lat = np.radians(lon), np.radians(lat)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1)


def _same_polygon_rad(a_xyz, b_xyz):
    """Largest vertex angle (rad) between two vertex lists, best cyclic start."""
    a, b = np.asarray(a_xyz), np.asarray(b_xyz)
    assert a.shape == b.shape
    # Chord-based angle: arccos of a dot product cannot resolve below 1e-8 rad.
    return min(
        np.max(2 * np.arcsin(np.linalg.norm(a - np.roll(b, r, 0), axis=1) / 2))
        for r in range(len(a))
    )


@pytest.fixture(scope="module")
def hsc():
    return skymaps.preset("hsc_rings_v1")


@pytest.mark.parametrize("name", LSST_PRESETS)
def test_info_matches_butler_skymap_record(name):
    record = next(s for s in RECORDS["skymaps"] if s["name"] == name)
    code, out, err = run("info", "--preset", name, "--format", "json")
    assert code == 0, err
    facts = json.loads(out)
    assert facts["hash"] == record["hash_hex"]
    assert facts["tracts"] == record["tract_max"]
    assert facts["patch grid (max)"] == f"{record['patch_nx_max']} x {record['patch_ny_max']}"
    sky = skymaps.preset(name)
    assert facts["pixel scale (arcsec)"] == sky.config["pixelScale"]
    assert facts["tract overlap (deg)"] == sky.config["tractOverlap"]
    tract = sky[facts["typical tract"]]
    assert facts["tract outer area (deg2)"] == tract.outer_region.area_deg2()
    assert facts["tract size (px)"] == f"{tract.bbox.width} x {tract.bbox.height}"


def test_info_table_is_readable():
    code, out, _ = run("info", "--preset", "lsst_cells_v1")
    assert code == 0
    lines = dict(line.split(None, 1) if "  " not in line else line.split("  ", 1)
                 for line in out.splitlines()[1:])
    assert lines["name"].strip() == "lsst_cells_v1"
    assert lines["cells per patch"].strip().startswith("22 x 22 (20 x 20 inner + 1 border")
    assert lines["cell size (px)"].strip() == "150 x 150, border 50 px"
    assert "4nNuQSRN8Au9uTrsrArkstGd2pE=" not in out  # hash shown as hex
    import base64

    assert base64.b64decode("4nNuQSRN8Au9uTrsrArkstGd2pE=").hex() in out


@pytest.mark.parametrize(
    "record", RECORDS["tracts"], ids=lambda r: f"{r['skymap']}-{r['tract']}"
)
def test_info_tract_against_lsst_records(record):
    if record["skymap"] not in LSST_PRESETS:
        pytest.skip("no preset for this skymap")
    code, out, err = run("info", "--preset", record["skymap"], "--tract", record["tract"],
                         "--format", "json")
    assert code == 0, err
    facts = json.loads(out)
    corners = np.array(facts["outer corners (deg)"])
    expect = np.array([v["xyz"] for v in record["vertices"]])
    assert _same_polygon_rad(_xyz(corners[:, 0], corners[:, 1]), expect) < 1e-13
    by_patch = {p["patch"]: p for p in facts["patch_list"]}
    for p in RECORDS["patches"]:
        if p["skymap"] != record["skymap"] or p["tract"] != record["tract"]:
            continue
        row = by_patch[p["patch"]]
        assert (row["patch_x"], row["patch_y"]) == (p["cell_x"], p["cell_y"])
        c = np.array(row["outer_corners"]).reshape(-1, 2)
        got = _xyz(c[:, 0], c[:, 1])
        assert _same_polygon_rad(got, [v["xyz"] for v in p["vertices"]]) < 5e-13
    sky = skymaps.preset(record["skymap"])
    wcs = sky[record["tract"]].wcs
    assert facts["wcs crval (deg)"] == list(wcs.crval)
    assert facts["center (deg)"] == list(sky[record["tract"]].center)


def test_info_tract_centre_matches_lsst_skymap_test():
    # lsst/skymap's own tests assert this centre for tract 9813 (same in v0 and v1).
    fact = next(
        v for v in load_refdata_json("published_facts.json")["facts"][
            "lsst_skymap_test_known_tract_centres"]["values"] if v["tract"] == 9813
    )
    code, out, _ = run("info", "--preset", "hsc_rings_v1", "--tract", "9813", "--format", "json")
    assert code == 0
    assert json.loads(out)["center (deg)"] == pytest.approx([fact["ra_deg"], fact["dec_deg"]],
                                                            abs=1e-12)


def test_find_owns_lsst_patch_centres():
    """The centroid of every real patch record lies in that patch's tract (its outer
    region) and, where that tract owns it (patches reach past the tract's inner region
    into the neighbours'), in that very patch."""
    rows = [p for p in RECORDS["patches"] if p["skymap"] in LSST_PRESETS]
    by_sky: dict[str, list] = {}
    for p in rows:
        by_sky.setdefault(p["skymap"], []).append(p)
    owned = 0
    for name, patches in by_sky.items():
        lon = np.array([p["centroid_ra_deg"] for p in patches])
        lat = np.array([p["centroid_dec_deg"] for p in patches])
        code, out, err = run("find", "--preset", name, "--format", "json",
                             *(["--table", _points_csv(lon, lat)]))
        assert code == 0, err
        for g, p in zip(json.loads(out), patches, strict=True):
            assert p["tract"] in g["tracts"]
            if g["tract"] == p["tract"]:
                owned += 1
                assert (g["patch"], g["patch_x"], g["patch_y"]) == (
                    p["patch"], p["cell_x"], p["cell_y"])
    assert owned >= len(rows) // 2


_TMP: list[Path] = []


def _points_csv(lon, lat) -> str:
    import tempfile

    f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    f.write("ra,dec\n" + "".join(f"{float(a)!r},{float(b)!r}\n"
                                  for a, b in zip(lon, lat, strict=True)))
    f.close()
    _TMP.append(Path(f.name))
    return f.name


def teardown_module():
    for p in _TMP:
        p.unlink(missing_ok=True)


def test_find_single_point_and_cells():
    code, out, err = run("find", "150.25", "-2.23", "--preset", "lsst_cells_v1", "--format", "csv")
    assert code == 0, err
    row = pacsv.read_csv(io.BytesIO(out.encode())).to_pylist()[0]
    sky = skymaps.preset("lsst_cells_v1")
    tract, patch = sky.find_tract_patch(150.25, -2.23)
    _, cell = sky[int(tract)].find_patch_cell(150.25, -2.23)
    assert (row["tract"], row["patch"], row["cell"]) == (int(tract), int(patch), int(cell))
    assert 0 <= row["cell"] < 22 * 22
    assert str(row["tracts"]) == ";".join(str(t) for t in sky.find_all_tracts(150.25, -2.23))


def test_find_table_all_tracts_against_brute_force(tmp_path, hsc):
    """``tracts`` lists exactly the tracts whose exported outer polygon holds the point
    (brute force over all 18938 tracts), including points on RA 0, the poles and seams."""
    corners = tmp_path / "corners.parquet"
    code, _, err = run("export", "--preset", "hsc_rings_v1", "--xyz", "-o", corners)
    assert code == 0, err
    table = pq.read_table(corners).to_pydict()
    v = np.stack([np.stack([table[f"{a}{k}"] for a in "xyz"], -1) for k in range(4)], 1)
    normals = np.cross(v, np.roll(v, -1, axis=1))
    rng = np.random.default_rng(14)
    lon = np.concatenate([rng.uniform(0, 360, 40), [0.0, 360.0, 359.9999999, 10.0, 150.2479]])
    lat = np.concatenate([np.degrees(np.arcsin(rng.uniform(-1, 1, 40))),
                          [0.0, 0.0, 89.9999, -90.0, 2.9752066115702483]])
    path = tmp_path / "points.csv"
    path.write_text("ra,dec\n" + "".join(f"{float(a)!r},{float(b)!r}\n"
                                          for a, b in zip(lon, lat, strict=True)))
    out_path = tmp_path / "found.parquet"
    code, _, err = run("find", "--preset", "hsc_rings_v1", "--table", path, "-o", out_path)
    assert code == 0, err
    found = pq.read_table(out_path).to_pydict()
    p = _xyz(lon, lat)
    inside = np.einsum("tkj,pj->ptk", normals, p).min(axis=2)
    for i in range(len(lon)):
        surely_in = set(np.flatnonzero(inside[i] > 1e-12).tolist())
        maybe_in = set(np.flatnonzero(inside[i] > -1e-12).tolist())
        got = set(found["tracts"][i])
        assert surely_in <= got <= maybe_in, (lon[i], lat[i])
        assert found["tract"][i] in got
    t, patch = hsc.find_tract_patch(lon, lat)
    assert found["tract"] == t.tolist() and found["patch"] == patch.tolist()


def test_export_matches_lsst_records(tmp_path):
    for name in LSST_PRESETS:
        recs = [t for t in RECORDS["tracts"] if t["skymap"] == name]
        pats = [p for p in RECORDS["patches"] if p["skymap"] == name]
        tracts = sorted({t["tract"] for t in recs} | {p["tract"] for p in pats})
        args = [a for t in tracts for a in ("--tract", t)]
        out = tmp_path / f"{name}.parquet"
        code, _, err = run("export", "--preset", name, "--level", "patch", "--xyz", *args,
                           "-o", out)
        assert code == 0, err
        rows = {(r["tract"], r["patch"]): r for r in pq.read_table(out).to_pylist()}
        assert len(rows) == sum(len(skymaps.preset(name)[t]) for t in tracts)
        for p in pats:
            r = rows[(p["tract"], p["patch"])]
            got = [[r[f"x{k}"], r[f"y{k}"], r[f"z{k}"]] for k in range(4)]
            assert _same_polygon_rad(got, [v["xyz"] for v in p["vertices"]]) < 5e-13
            lonlat = _xyz(np.array([r[f"lon{k}"] for k in range(4)]),
                          np.array([r[f"lat{k}"] for k in range(4)]))
            assert _same_polygon_rad(lonlat, got) < 1e-15


def test_export_whole_skymap_tracts_csv(tmp_path):
    out = tmp_path / "tracts.csv"
    code, _, err = run("export", "--preset", "DC2", "-o", out)
    assert code == 0, err
    table = pacsv.read_csv(out)
    assert table.num_rows == 18938
    record = next(t for t in RECORDS["tracts"] if t["skymap"] == "DC2")
    r = table.slice(record["tract"], 1).to_pylist()[0]
    got = _xyz(np.array([r[f"lon{k}"] for k in range(4)]),
               np.array([r[f"lat{k}"] for k in range(4)]))
    assert _same_polygon_rad(got, [v["xyz"] for v in record["vertices"]]) < 1e-13


def test_export_regions_formats(tmp_path):
    from mocpy import MOC

    from skymaps import Region

    tract = skymaps.preset("hsc_rings_v1")[9813]
    code, out, _ = run("export", "--preset", "hsc_rings_v1", "--tract", 9813, "--regions", "stcs")
    assert code == 0
    label, text = out.strip().split("\t")
    expect = tract.outer_region.vertices()
    assert label == "9813" and _same_polygon_rad(Region.from_stcs(text).vertices(), expect) < 1e-15
    code, out, _ = run("export", "--preset", "hsc_rings_v1", "--tract", 9813, "--regions", "ds9")
    assert code == 0 and "text={9813}" in out
    assert _same_polygon_rad(Region.from_ds9(out).vertices(), expect) < 1e-15
    code, out, _ = run("export", "--preset", "hsc_rings_v1", "--tract", 9813, "--regions",
                       "geojson")
    doc = json.loads(out)
    assert doc["features"][0]["properties"]["tract"] == 9813
    assert _same_polygon_rad(Region.from_geojson(doc).vertices(), expect) < 1e-15
    moc_path = tmp_path / "9813.fits"
    code, _, err = run("export", "--preset", "hsc_rings_v1", "--tract", 9813, "--regions", "moc",
                       "--moc-depth", 9, "-o", moc_path)
    assert code == 0, err
    expect = skymaps.Healpix(9).envelope(tract.outer_region)
    assert skymaps.moc.from_mocpy(MOC.from_fits(moc_path), 9) == expect


def test_diff_identical_and_overrides():
    code, out, _ = run("diff", "hsc_rings_v1", "hsc_rings_v1")
    assert code == 0
    assert "config: identical" in out and "tracts changed: 0" in out
    # A change that moves no tract: the bbox is padded to whole patches either way.
    code, out, _ = run("diff", "--preset", "hsc_rings_v1", "-c",
                       'skyMap["rings"].tractOverlap=0.02')
    assert code == 0
    assert "config tractOverlap: 0.016666666666666666 -> 0.02" in out
    assert "tracts changed: 0" in out
    new = skymaps.config.load_config(skymaps.config.PRESET_FILES["hsc_rings_v1"],
                                     ['skyMap["rings"].tractOverlap=0.02'])[1]
    assert f"-> {new.hash.hex()}" in out


def test_diff_reports_moved_tract(tmp_path):
    a = tmp_path / "a.py"
    b = tmp_path / "b.py"
    a.write_text(tiny_discrete("two"))
    b.write_text(tiny_discrete("two").replace("359.8]", "359.801]"))
    code, out, err = run("diff", a, b)
    assert code == 0, err
    assert "config raList: [10.0, 359.8] -> [10.0, 359.801]" in out
    assert "tracts changed (region, WCS or patch layout): 1 of 2" in out
    sa, sb = (skymaps.config.load_config(p)[1] for p in (a, b))
    # Oracle: astropy's separation of matching outer corners.
    from astropy.coordinates import SkyCoord

    la, ba = sa[1].outer_region.lonlat()
    lb, bb = sb[1].outer_region.lonlat()
    sep = SkyCoord(la, ba, unit="deg").separation(SkyCoord(lb, bb, unit="deg")).arcsec.max()
    assert f"largest vertex shift {sep:.6g} arcsec (tract 1)" in out
    assert 3.5 < sep < 3.7  # 0.001 deg of RA at Dec 0.1
    code, out, _ = run("diff", a, b, "--format", "csv")
    rows = pacsv.read_csv(io.BytesIO(out.encode())).to_pylist()
    assert [r["tract"] for r in rows] == [1] and rows[0]["shift_arcsec"] == pytest.approx(sep)


# ----- bad input: one clear line, non-zero exit, no traceback ---------------------------

BAD = [
    (["info", "--preset", "no_such_map"], "unknown preset 'no_such_map'"),
    (["info", "-C", "/no/such/file.py"], "does not exist"),
    (["info", "--preset", "DC2", "-c", 'skyMap["rings"].numRings=many'], "numRings expects int"),
    (["info", "--preset", "DC2", "-c", "no_equals_sign"], "override"),
    (["info", "--preset", "DC2", "--tract", "99999"], "99999"),
    (["info"], "give exactly one of --preset NAME or -C/--config-file FILE"),
    (["find", "10", "95", "--preset", "DC2"], "latitude must be in [-90, 90], got 95.0"),
    (["find", "nan", "5", "--preset", "DC2"], "coordinates must be finite numbers"),
    (["find", "inf", "5", "--preset", "DC2"], "coordinates must be finite numbers"),
    (["find", "ten", "5", "--preset", "DC2"], "is not a valid float"),
    (["find", "--preset", "DC2"], "give LON LAT, or --table FILE"),
    (["diff", "DC2"], "give two skymaps"),
    (["diff", "DC2", "not_a_preset_or_file"], "neither a preset"),
    (["export", "--preset", "DC2", "--tract", "20000"], "no tract 20000"),
    (["validate", "--preset", "DC2", "--points", "5"], "--points"),
    (["nosuchcommand"], "No such command"),
]


@pytest.mark.parametrize("args,message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_clear_line(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code not in (0, None)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    err = result.stderr.strip().splitlines()
    assert len(err) == 1, result.stderr
    assert err[0].startswith("Error: ") and message in err[0], err[0]
    assert "Traceback" not in result.output


def test_bad_table_input(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("ra,dec\n10,5\n11,-91\n")
    result = CliRunner().invoke(main, ["find", "--preset", "DC2", "--table", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: Invalid value for {path} row 2: latitude must be in [-90, 90], got -91.0"
    )
    path.write_text("lon,lat\n10,5\n")
    result = CliRunner().invoke(main, ["find", "--preset", "DC2", "--table", str(path)])
    assert result.exit_code == 2 and "no column 'ra'" in result.stderr
    path.write_text("\x00\x01garbage")
    bad = tmp_path / "p.parquet"
    bad.write_bytes(b"not parquet")
    result = CliRunner().invoke(main, ["find", "--preset", "DC2", "--table", str(bad)])
    assert result.exit_code == 1 and "cannot read the table" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _command() -> list[str]:
    script = Path(sys.executable).with_name("skymaps")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from skymaps.cli import main; main()"]


@pytest.mark.parametrize(
    "args,status,message",
    [
        (["find", "1", "2", "--preset", "nope"], 2, "unknown preset 'nope'"),
        (["info", "--preset", "DC2", "-c", "skyMap['rings'].numRings=-3"], 1, "numRings"),
        (["find", "--preset", "DC2", "--", "-10", "-95"], 2, "latitude must be in [-90, 90]"),
    ],
)
def test_bad_input_in_a_real_process(args, status, message):
    proc = subprocess.run([*_command(), *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == status
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], proc.stderr


def test_negative_coordinates_parse():
    code, out, err = run("find", "-30.5", "-45", "--preset", "DC2", "--format", "json")
    assert code == 0, err
    row = json.loads(out)[0]
    sky = skymaps.preset("DC2")
    assert row["lon"] == -30.5 and row["tract"] == int(sky.find_tract(-30.5, -45.0))
    assert row["tract"] == int(sky.find_tract(329.5, -45.0))


# These make a skymap from image headers (from-headers) or read the headers config they
# wrote (ingest-table, -C only); no preset can name such a skymap.
_FROM_IMAGES = {"from-headers", "ingest-table"}


def test_every_command_has_the_shared_options():
    for name, command in main.commands.items():
        if name in _FROM_IMAGES:
            continue
        opts = {o for p in command.params for o in getattr(p, "opts", [])}
        assert {"--preset", "-C", "-c"} <= opts, name
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "KEY=VALUE" in result.output


@pytest.mark.parametrize("args", [
    ["export", "--preset", "hsc_rings_v1", "--tract", "9813", "-o"],
    ["info", "--preset", "hsc_rings_v1", "--tract", "9813", "-o"],
    ["plot", "--preset", "hsc_rings_v1", "--tract", "9813", "--html"],
    ["from-headers", "in.fits", "-n", "x", "-o"],
])
def test_output_in_a_missing_directory_fails_before_any_work(tmp_path, args):
    target = tmp_path / "no_such_dir" / "out.csv"
    if args[0] == "from-headers":
        args = ["from-headers", __file__, "-n", "x", "-o"]
    code, _, err = run(*args, str(target))
    assert code == 2 and "Traceback" not in err
    assert f"directory '{target.parent}' does not exist" in err


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc (not writable)")
def test_a_failed_write_is_one_line_naming_the_file():
    code, _, err = run("export", "--preset", "hsc_rings_v1", "--tract", "9813",
                       "-o", "/proc/skymaps-test.csv")
    assert code == 1 and "Traceback" not in err
    assert err.strip().startswith("Error: cannot write /proc/skymaps-test.csv:")
