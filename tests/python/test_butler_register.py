"""Registration into a real lsst-daf-butler repository (SQLite), checked through the butler.

The oracle is daf_butler itself: records read back through its API, its own public
insert path (``Registry.insertDimensionData``) in a second repository, and the real
registry rows of tests/data/refdata (DC2 tract 4431: all 49 patches and the 108 HTM7
overlap rows an LSST-stack registration wrote).
"""

from __future__ import annotations

import dataclasses

import pytest

pytest.importorskip("lsst.daf.butler")
pytest.importorskip("pyarrow")

from butler_support import refdata_records, sqlite_snapshot  # noqa: E402
from conftest import load_refdata_json  # noqa: E402

from skymaps.butler import register  # noqa: E402
from skymaps.errors import RegistrationError  # noqa: E402

pytestmark = pytest.mark.butler


def _public_path(repo, records):
    """Registers the same records through daf_butler's public batched API."""
    from lsst.daf.butler import Butler

    Butler.makeRepo(str(repo))
    butler = Butler.from_config(str(repo), writeable=True)
    rec = records.butler_records(butler.dimensions)
    with butler.transaction():
        butler.registry.insertDimensionData("skymap", *rec["skymap"])
        butler.registry.insertDimensionData("tract", *rec["tract"])
        butler.registry.insertDimensionData("patch", *rec["patch"])
    return butler


def test_fast_path_tables_identical_to_public_path(tmp_path):
    records = refdata_records("DC2")
    register(tmp_path / "fast", records, "DC2", progress=False)
    _public_path(tmp_path / "public", records)
    fast = sqlite_snapshot(tmp_path / "fast")
    public = sqlite_snapshot(tmp_path / "public")
    assert fast["patch"] and fast["patch_skypix_overlap"] and fast["tract_skypix_overlap"]
    for table in public:
        assert fast[table] == public[table], table


def test_streamed_from_a_skymap_identical_to_public_path(tmp_path, monkeypatch):
    """A SkyMap's records are computed a range of tracts at a time on a background thread
    while the previous range is written; small ranges force many of them."""
    import sys

    import skymaps
    from skymaps.butler import dimension_records

    monkeypatch.setattr(sys.modules["skymaps.butler.register"], "CHUNK_ROWS", 50)
    name, sky = skymaps.load_config(
        None,
        {
            "name": "six",
            "skyMap.name": "discrete",
            "skyMap['discrete'].raList": [0.2, 40.0, 80.0, 120.0, 200.0, 359.8],
            "skyMap['discrete'].decList": [-5.0, 20.0, -89.0, 60.0, 0.0, 89.5],
            "skyMap['discrete'].radiusList": [0.3, 0.6, 0.4, 0.2, 0.5, 0.3],
        },
    )
    result = register(tmp_path / "streamed", sky, name, progress=False)
    records = dimension_records(sky, name)
    assert result.counts == records.counts()
    assert list(result.counts) == list(records.counts())
    _public_path(tmp_path / "public", records)
    streamed = sqlite_snapshot(tmp_path / "streamed")
    public = sqlite_snapshot(tmp_path / "public")
    assert len(streamed["patch"]) == records.patch.num_rows > 50 * 4
    for table in public:
        assert streamed[table] == public[table], table


def test_overlap_rows_equal_real_registry_rows(tmp_path):
    """The refdata rows come from a real LSST-stack registry (ap_verify_ci_dc2)."""
    records = refdata_records("DC2")
    register(tmp_path / "repo", records, "DC2", progress=False)
    snap = sqlite_snapshot(tmp_path / "repo")
    real = load_refdata_json("skymap_dimension_records.json")["skypix_overlaps"]
    want_patch = sorted(
        {
            ("htm", 7, "DC2", o["tract"], o["patch"], o["skypix_index"])
            for o in real
            if o["element"] == "patch" and o["skymap"] == "DC2"
        }
    )
    assert len(want_patch) == 108
    assert snap["patch_skypix_overlap"] == want_patch


def test_records_read_back_through_butler(tmp_path):
    from lsst.daf.butler import Butler

    records = refdata_records("DC2")
    result = register(tmp_path / "repo", records, "DC2", progress=False)
    assert result.status == "registered"
    assert result.counts["patch"] == 49
    butler = Butler.from_config(str(tmp_path / "repo"))
    (sm,) = butler.registry.queryDimensionRecords("skymap")
    assert sm.name == "DC2" and sm.hash == records.hash and sm.patch_nx_max == 7
    data = load_refdata_json("skymap_dimension_records.json")
    want = {
        (p["tract"], p["patch"]): (p["cell_x"], p["cell_y"], p["region_encoded_hex"])
        for p in data["patches"]
        if p["skymap"] == "DC2"
    }
    got = {
        (p.tract, p.id): (p.cell_x, p.cell_y, p.region.encode().hex())
        for p in butler.registry.queryDimensionRecords("patch", skymap="DC2")
    }
    assert got == want


def test_reregistration_is_noop(tmp_path):
    records = refdata_records("DC2")
    register(tmp_path / "repo", records, "DC2", progress=False)
    before = sqlite_snapshot(tmp_path / "repo")
    again = register(tmp_path / "repo", records, "DC2", progress=False)
    assert again.status == "unchanged"
    assert "already registered" in again.summary()
    assert sqlite_snapshot(tmp_path / "repo") == before


def test_conflict_same_name_other_hash(tmp_path):
    records = refdata_records("DC2")
    register(tmp_path / "repo", records, "DC2", progress=False)
    before = sqlite_snapshot(tmp_path / "repo")
    other = dataclasses.replace(records, hash=bytes(20))
    with pytest.raises(RegistrationError, match="different skymap is already registered as 'DC2'"):
        register(tmp_path / "repo", other, "DC2", progress=False)
    assert sqlite_snapshot(tmp_path / "repo") == before


def test_conflict_same_hash_other_name(tmp_path):
    records = refdata_records("DC2")
    register(tmp_path / "repo", records, "DC2", progress=False)
    before = sqlite_snapshot(tmp_path / "repo")
    with pytest.raises(RegistrationError, match="already registered under the name 'DC2'"):
        register(tmp_path / "repo", records, "DC2_copy", progress=False)
    assert sqlite_snapshot(tmp_path / "repo") == before


def test_dry_run_writes_nothing(tmp_path):
    records = refdata_records("DC2")
    result = register(tmp_path / "repo", records, "DC2", dry_run=True, progress=False)
    assert result.status == "dry-run" and result.repo_created
    assert not (tmp_path / "repo").exists()
    assert result.counts["patch"] == 49 and result.hash_hex == records.hash.hex()
    assert "would register" in result.summary()


def test_two_skymaps_in_one_repo(tmp_path):
    from lsst.daf.butler import Butler

    register(tmp_path / "repo", refdata_records("DC2"), "DC2", progress=False)
    register(tmp_path / "repo", refdata_records("hsc_rings_v1"), "hsc_rings_v1", progress=False)
    butler = Butler.from_config(str(tmp_path / "repo"))
    names = {r.name for r in butler.registry.queryDimensionRecords("skymap")}
    assert names == {"DC2", "hsc_rings_v1"}


def test_killed_midway_leaves_no_records(tmp_path):
    from butler_support import run_and_kill_midway
    from lsst.daf.butler import Butler

    from skymaps.butler import create_repo

    repo = create_repo(tmp_path / "repo")
    empty = sqlite_snapshot(repo)
    line = run_and_kill_midway(repo)
    assert line.startswith("PROGRESS tract"), line  # killed with tract rows written
    assert sqlite_snapshot(repo) == empty
    butler = Butler.from_config(repo, writeable=True)
    assert not list(butler.registry.queryDimensionRecords("skymap"))
    # The repository is usable: registering again works.
    assert register(repo, refdata_records("DC2"), "DC2", progress=False).status == "registered"
    assert len(sqlite_snapshot(repo)["patch"]) == 49


def test_foreign_keys_hold_and_checks_restored(tmp_path):
    """The load skips per-row FK checks on SQLite; SQLite's own full check must pass."""
    import sqlite3

    from lsst.daf.butler import Butler

    from skymaps.butler import create_repo

    repo = create_repo(tmp_path / "repo")
    butler = Butler.from_config(repo, writeable=True)
    register(butler, refdata_records("DC2"), "DC2", progress=False)
    db = sqlite3.connect(tmp_path / "repo" / "gen3.sqlite3")
    try:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()
    with butler._registry._db._engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # And the butler keeps working on the same connections.
    register(butler, refdata_records("hsc_rings_v1"), "hsc_rings_v1", progress=False)
    assert {r.name for r in butler.registry.queryDimensionRecords("skymap")} == {
        "DC2",
        "hsc_rings_v1",
    }
