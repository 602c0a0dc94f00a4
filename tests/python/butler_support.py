"""Helpers for the butler tests: records from the reference data, table snapshots."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
from conftest import load_refdata_json


def refdata_records(skymap: str = "DC2"):
    """SkymapRecords built from the real registry rows in tests/data/refdata.

    Regions are the stored encodings and the overlap rows are the butler's own
    ``*_skypix_overlap`` rows where the reference data has them (DC2 tract 4431).
    """
    import pyarrow as pa

    from skymaps.butler import SkymapRecords

    data = load_refdata_json("skymap_dimension_records.json")
    info = next(s for s in data["skymaps"] if s["name"] == skymap)
    tracts = {
        t["tract"]: bytes.fromhex(t["region_encoded_hex"])
        for t in data["tracts"]
        if t["skymap"] == skymap
    }
    patches = {
        (p["tract"], p["patch"]): (p["cell_x"], p["cell_y"], bytes.fromhex(p["region_encoded_hex"]))
        for p in data["patches"]
        if p["skymap"] == skymap
    }
    overlaps = {
        (o["element"], o["tract"], o["patch"], o["skypix_index"])
        for o in data["skypix_overlaps"]
        if o["skymap"] == skymap
    }
    tract_ov = sorted((t, pix) for e, t, _, pix in overlaps if e == "tract")
    patch_ov = sorted((t, p, pix) for e, t, p, pix in overlaps if e == "patch")
    tkeys = sorted(tracts)
    pkeys = sorted(patches)
    return SkymapRecords.from_columns(
        name=skymap,
        hash=bytes.fromhex(info["hash_hex"]),
        tract_id=np.array(tkeys),
        tract_region=pa.array([tracts[k] for k in tkeys], pa.binary()),
        patch_tract=np.array([k[0] for k in pkeys]),
        patch_id=np.array([k[1] for k in pkeys]),
        patch_cell_x=np.array([patches[k][0] for k in pkeys]),
        patch_cell_y=np.array([patches[k][1] for k in pkeys]),
        patch_region=pa.array([patches[k][2] for k in pkeys], pa.binary()),
        tract_overlap_tract=np.array([r[0] for r in tract_ov], dtype=np.int64),
        tract_overlap_pixel=np.array([r[1] for r in tract_ov], dtype=np.int64),
        patch_overlap_tract=np.array([r[0] for r in patch_ov], dtype=np.int64),
        patch_overlap_patch=np.array([r[1] for r in patch_ov], dtype=np.int64),
        patch_overlap_pixel=np.array([r[2] for r in patch_ov], dtype=np.int64),
        tract_max=info["tract_max"],
    )


SKYMAP_TABLES = (
    "skymap",
    "tract",
    "patch",
    "tract_skypix_overlap",
    "patch_skypix_overlap",
    "tract_skypix_overlap_summary",
    "patch_skypix_overlap_summary",
)


def sqlite_snapshot(repo: str | Path, tables=SKYMAP_TABLES) -> dict[str, list[tuple]]:
    """Every row of the skymap-related tables of a SQLite repository, as stored, sorted."""
    # Not read-only: a reader must be able to roll back a hot journal left by a kill.
    db = sqlite3.connect(Path(repo) / "gen3.sqlite3")
    try:
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
    finally:
        db.close()


def postgres_snapshot(url: str, namespace: str, tables=SKYMAP_TABLES) -> dict[str, list[tuple]]:
    """Same as :func:`sqlite_snapshot` for a PostgreSQL registry in schema ``namespace``."""
    import sqlalchemy

    from skymaps.butler._postgres import connect

    with connect(url, transaction=False) as connection:
        return {
            t: sorted(
                tuple(r)
                for r in connection.execute(sqlalchemy.text(f'SELECT * FROM "{namespace}"."{t}"'))
            )
            for t in tables
        }


KILL_SCRIPT = """
import sys, time
sys.path.insert(0, {tests_dir!r})
from butler_support import refdata_records
from skymaps.butler import register

def progress(table, done, total):
    # Rows of `table` are written, uncommitted: announce it and wait to be killed.
    print("PROGRESS", table, done, total, flush=True)
    time.sleep(300)

register(sys.argv[1], refdata_records("DC2"), "DC2", progress=progress)
print("FINISHED", flush=True)
"""


def run_and_kill_midway(repo: str) -> str:
    """Registers DC2 in a subprocess and SIGKILLs it after its first rows are written."""
    import os
    import signal
    import subprocess
    import sys

    script = KILL_SCRIPT.format(tests_dir=str(Path(__file__).parent))
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(repo)], stdout=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    return line
