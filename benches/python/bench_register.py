"""Registration time and peak memory: skymaps vs bare SQLite and daf_butler, in one run.

Every full-size path runs in a fresh subprocess (peak RSS from
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is that path's own) into a fresh database:

* ``skymaps``: :func:`skymaps.butler.register` end to end from the built skymap (records
  computed in Rust, streamed into the registry's tables, one transaction);
* ``skymaps, PostgreSQL``: the same into a PostgreSQL registry, when a server is given
  (``--postgres-url`` or ``SKYMAPS_BENCH_POSTGRES_URL``; the database needs the
  ``btree_gist`` extension, as daf_butler requires);
* the SQLite floor, the same rows into the same tables and indexes (DDL copied from a
  daf_butler repository), with the butler engine's PRAGMAs (default journal and
  synchronous modes; foreign-key checks off and the page cache skymaps uses), one
  transaction, rows pre-sorted in primary-key order, timed from rows already prepared
  in Python (no records, no butler):

  - ``bare sqlite3 executemany``: ``executemany`` over tuples;
  - ``bare sqlite3, indexes after``: the same into tables without their secondary
    indexes, then ``CREATE INDEX`` (same transaction);
  - ``SQLite engine only``: ``INSERT ... SELECT`` from an in-memory copy of the rows,
    SQLite's own B-tree and commit cost with no per-row Python: the limit.

The floors' databases must hold exactly the rows skymaps wrote (a digest per table is
compared). The daf_butler peers run on the first ``--peer-tracts`` tracts in this process
and are compared by throughput (patch rows per second, overlap rows included in the
work); ``--full-peers`` runs them on everything (many minutes).

    python benches/python/bench_register.py [--preset hsc_rings_v1] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _timing import record

DIMENSION_TABLES = ("skymap", "tract", "patch", "tract_skypix_overlap", "patch_skypix_overlap")
QUICK = {
    "skyMap.name": "discrete",
    "skyMap['discrete'].raList": [10.0, 40.0, 80.0, 120.0, 200.0, 359.5],
    "skyMap['discrete'].decList": [-5.0, 20.0, -40.0, 60.0, 0.0, 1.0],
    "skyMap['discrete'].radiusList": [1.0] * 6,
    "name": "bench_quick",
}


def config_and_name(args):
    from skymaps.config import preset_config, resolve_file

    if args.quick:
        return resolve_file(None, QUICK).config, "bench_quick"
    return preset_config(args.preset), args.preset


def build_records(args):
    from skymaps import SkyMap
    from skymaps.butler import dimension_records

    config, name = config_and_name(args)
    return dimension_records(SkyMap.from_config(config), name)


# -- the paths, each run by `child` in its own process ----------------------------------


def skymaps_path(args, work: Path) -> dict:
    from lsst.daf.butler import Butler

    from skymaps import SkyMap
    from skymaps.butler import create_repo, register
    from skymaps.butler._postgres import drop_schema

    config, name = config_and_name(args)
    namespace = None
    if args.postgres_url:
        namespace = f"bench_{uuid.uuid4().hex[:8]}"
        repo = create_repo(work / namespace, db=args.postgres_url, namespace=namespace)
    else:
        repo = create_repo(work / "skymaps")
    butler = Butler.from_config(str(repo), writeable=True)
    start, cpu = time.perf_counter(), time.process_time()  # from an open butler, as the peers
    # As the CLI does: records computed inside, a range of tracts at a time while the
    # previous range is written (no skyMap dataset, as the records-only peers).
    register(butler, SkyMap.from_config(config), name, progress=False, store_skymap=False)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if namespace is not None:
        drop_schema(args.postgres_url, namespace)
    return {"seconds": seconds, "cpu": cpu}


def _rows(records) -> dict[str, tuple[str, list[tuple]]]:
    """INSERT statement and pre-sorted row tuples of every table (the records are sorted
    by tract, patch, pixel: the primary keys' order), values as daf_butler stores them
    (hash and regions as base64 text)."""
    import base64

    from skymaps.butler._producer import base64_array

    name = records.name
    tract, patch = records.tract, records.patch
    tov, pov = records.tract_overlap, records.patch_overlap
    return {
        "skymap": (
            "INSERT INTO skymap VALUES (?, ?, ?, ?, ?)",
            [(name, base64.b64encode(records.hash).decode(), records.tract_max,
              records.patch_nx_max, records.patch_ny_max)],
        ),
        "tract": (
            "INSERT INTO tract (skymap, id, region) VALUES (?, ?, ?)",
            list(zip([name] * tract.num_rows, tract["id"].to_pylist(),
                     base64_array(tract["region"]).to_pylist(), strict=True)),
        ),
        "tract_skypix_overlap": (
            "INSERT INTO tract_skypix_overlap (skypix_system, skypix_level, skymap, tract, "
            "skypix_index) VALUES (?, ?, ?, ?, ?)",
            list(zip(["htm"] * tov.num_rows, [7] * tov.num_rows, [name] * tov.num_rows,
                     tov["tract"].to_pylist(), tov["skypix_index"].to_pylist(), strict=True)),
        ),
        "patch": (
            "INSERT INTO patch (skymap, tract, id, cell_x, cell_y, region) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            list(zip([name] * patch.num_rows,
                     *(patch[c].to_pylist() for c in ("tract", "id", "cell_x", "cell_y")),
                     base64_array(patch["region"]).to_pylist(), strict=True)),
        ),
        "patch_skypix_overlap": (
            "INSERT INTO patch_skypix_overlap (skypix_system, skypix_level, skymap, tract, "
            "patch, skypix_index) VALUES (?, ?, ?, ?, ?, ?)",
            list(zip(["htm"] * pov.num_rows, [7] * pov.num_rows, [name] * pov.num_rows,
                     *(pov[c].to_pylist() for c in ("tract", "patch", "skypix_index")),
                     strict=True)),
        ),
    }


def _schema(work: Path) -> tuple[list[str], list[str]]:
    """CREATE TABLE and CREATE INDEX statements of the dimension tables of a fresh
    daf_butler repository."""
    from lsst.daf.butler import Butler

    Butler.makeRepo(str(work / "schema"))
    with sqlite3.connect(work / "schema" / "gen3.sqlite3") as src:
        marks = ",".join("?" * len(DIMENSION_TABLES))
        found = src.execute(
            f"SELECT type, sql FROM sqlite_master WHERE tbl_name IN ({marks}) "
            "AND sql IS NOT NULL",
            DIMENSION_TABLES,
        ).fetchall()
    return [s for t, s in found if t == "table"], [s for t, s in found if t == "index"]


def _bare_db(work: Path, ddl: list[str]) -> sqlite3.Connection:
    from skymaps.butler._database import SQLITE_LOAD_CACHE

    db = sqlite3.connect(work / "bare.sqlite3", isolation_level=None)
    for sql in ddl:
        db.execute(sql)
    # daf_butler's engine sets foreign_keys and busy_timeout (journal and synchronous
    # modes stay SQLite's defaults); foreign keys off and the cache as skymaps loads.
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA busy_timeout = 300000")
    db.execute(f"PRAGMA cache_size = {SQLITE_LOAD_CACHE}")
    return db


def bare_path(args, work: Path, indexes_after: bool) -> dict:
    tables, indexes = _schema(work)
    rows = _rows(build_records(args))
    db = _bare_db(work, tables if indexes_after else tables + indexes)
    start, cpu = time.perf_counter(), time.process_time()
    db.execute("BEGIN")
    for sql, values in rows.values():
        db.executemany(sql, values)
    if indexes_after:
        for sql in indexes:
            db.execute(sql)
    db.execute("COMMIT")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.close()
    return {"seconds": seconds, "cpu": cpu, "db": str(work / "bare.sqlite3")}


def engine_path(args, work: Path) -> dict:
    tables, indexes = _schema(work)
    rows = _rows(build_records(args))
    db = _bare_db(work, tables + indexes)
    db.execute("ATTACH ':memory:' AS staged")
    for table, (sql, values) in rows.items():  # untimed: the rows, already in SQLite
        db.execute(f"CREATE TABLE staged.{table} AS SELECT * FROM main.{table} WHERE 0")
        db.executemany(sql.replace(f"INTO {table} ", f"INTO staged.{table} "), values)
    del rows
    start, cpu = time.perf_counter(), time.process_time()
    db.execute("BEGIN")
    for table in DIMENSION_TABLES:
        db.execute(f"INSERT INTO main.{table} SELECT * FROM staged.{table}")
    db.execute("COMMIT")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.close()
    return {"seconds": seconds, "cpu": cpu, "db": str(work / "bare.sqlite3")}


PATHS = {
    "skymaps": skymaps_path,
    "bare": lambda args, work: bare_path(args, work, indexes_after=False),
    "bare_indexes_after": lambda args, work: bare_path(args, work, indexes_after=True),
    "engine": engine_path,
}


def child(args) -> None:
    result = PATHS[args.path](args, Path(args.work))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result), flush=True)


def run_path(args, path: str, work: Path, postgres_url: str | None = None) -> dict:
    """``path`` in a fresh interpreter; its RESULT line."""
    work.mkdir()
    command = [sys.executable, __file__, "--child", path, "--work", str(work),
               "--preset", args.preset] + (["--quick"] if args.quick else [])
    if postgres_url:
        command += ["--postgres-url", postgres_url]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{path} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def digest(db_path: Path | str) -> dict[str, tuple]:
    """Per dimension table: row count and a sum over every value (ints as themselves,
    text by length): equal for identical contents."""
    db = sqlite3.connect(db_path)
    try:
        out = {}
        for table in DIMENSION_TABLES:
            columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
            terms = ", ".join(
                f'total(CASE WHEN typeof("{c}") = \'integer\' THEN "{c}" ELSE length("{c}") END)'
                for c in columns
            )
            out[table] = db.execute(f'SELECT count(*), {terms} FROM "{table}"').fetchone()
        return out
    finally:
        db.close()


# -- the daf_butler peers, on a subset of tracts, in this process ------------------------


def subset(records, n_tracts: int):
    import dataclasses

    import pyarrow.compute as pc

    def keep(table, column="tract"):
        return table.filter(pc.less(table.column(column), n_tracts))

    return dataclasses.replace(
        records,
        tract=keep(records.tract, "id"),
        patch=keep(records.patch),
        tract_overlap=keep(records.tract_overlap),
        patch_overlap=keep(records.patch_overlap),
    )


def fresh_butler(root: Path):
    from lsst.daf.butler import Butler

    Butler.makeRepo(str(root))
    return Butler.from_config(str(root), writeable=True)


def daf_butler_batched(root: Path, records) -> float:
    butler = fresh_butler(root)
    start = time.perf_counter()
    rec = records.butler_records(butler.dimensions)
    with butler.transaction():
        butler.registry.insertDimensionData("skymap", *rec["skymap"])
        butler.registry.insertDimensionData("tract", *rec["tract"])
        butler.registry.insertDimensionData("patch", *rec["patch"])
    return time.perf_counter() - start


def lsst_skymap_loop(root: Path, records) -> float:
    from itertools import groupby

    butler = fresh_butler(root)
    start = time.perf_counter()
    rec = records.butler_records(butler.dimensions)
    patches = {t: list(g) for t, g in groupby(rec["patch"], key=lambda p: p.tract)}
    with butler.transaction():
        butler.registry.syncDimensionData("skymap", rec["skymap"][0])
        for tract in rec["tract"]:
            butler.registry.insertDimensionData("tract", tract)
            butler.registry.insertDimensionData("patch", *patches.get(tract.id, []))
    return time.perf_counter() - start


def skymaps_subset(root: Path, records) -> float:
    from skymaps.butler import register

    butler = fresh_butler(root)
    start = time.perf_counter()
    register(butler, records, records.name, progress=False)
    return time.perf_counter() - start


def show(label: str, result: dict) -> None:
    print(f"{label:<36} {result['seconds']:>8.2f} {result['cpu']:>8.2f} "
          f"{result['peak_mb']:>7.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="hsc_rings_v1")
    parser.add_argument("--peer-tracts", type=int, default=1000)
    parser.add_argument("--full-peers", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help="a 6-tract discrete skymap (seconds-long smoke run)"
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("SKYMAPS_BENCH_POSTGRES_URL"),
        help="also register into a PostgreSQL registry at this SQLAlchemy URL",
    )
    parser.add_argument("--child", dest="path", choices=sorted(PATHS), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.path:
        child(args)
        return

    records = build_records(args)
    name = records.name
    n_tracts, n_patches = records.tract.num_rows, records.patch.num_rows
    n_rows = sum(records.counts().values())
    n_peer = n_tracts if (args.full_peers or args.quick) else min(args.peer_tracts, n_tracts)
    labels = {
        "skymaps": "skymaps register (records + write)",
        "skymaps_pg": "skymaps register, PostgreSQL",
        "bare": "bare sqlite3 executemany",
        "bare_indexes_after": "bare sqlite3, indexes after",
        "engine": "SQLite engine only (the limit)",
    }
    full: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"{name}: {n_tracts:,} tracts, {n_patches:,} patches, {n_rows:,} rows "
              "(skymap, tract, patch, overlaps)")
        print(f"{'full skymap, fresh process each':<36} {'wall s':>8} {'CPU s':>8} "
              f"{'peak RSS':>10}")
        for path in ("skymaps", "bare", "bare_indexes_after", "engine"):
            full[path] = run_path(args, path, tmp / path)
            show(labels[path], full[path])
        ours = digest(tmp / "skymaps" / "skymaps" / "gen3.sqlite3")
        for path in ("bare", "bare_indexes_after", "engine"):
            assert digest(full[path]["db"]) == ours, f"{path}: rows differ from skymaps'"
        if args.postgres_url:
            full["skymaps_pg"] = run_path(args, "skymaps", tmp / "pg", args.postgres_url)
            show(labels["skymaps_pg"], full["skymaps_pg"])
        part = subset(records, n_peer)
        part_patches = part.patch.num_rows
        ours_part = skymaps_subset(tmp / "ours_part", part)
        batched = daf_butler_batched(tmp / "batched", part)
        loop = lsst_skymap_loop(tmp / "loop", part)

    print("(floors are timed from rows prepared in Python: no records, no butler; their "
          "peak RSS holds every row as Python objects)")
    task = f"register {name} (records + write)"
    record(task, "skymaps", full["skymaps"]["seconds"], n_patches)
    for path in ("bare", "bare_indexes_after", "engine"):
        record(task, labels[path], full[path]["seconds"], n_patches)
    if "skymaps_pg" in full:
        record(f"register {name} into PostgreSQL", "skymaps", full["skymaps_pg"]["seconds"],
               n_patches)

    peer_task = f"register patch rows ({n_peer} tracts)"
    record(peer_task, "skymaps", ours_part, part_patches)
    record(peer_task, "daf_butler insertDimensionData", batched, part_patches)
    record(peer_task, "lsst.skymap register loop", loop, part_patches)
    print(f"\nfirst {n_peer:,} tracts ({part_patches:,} patches), this process:")
    for label, seconds in (("skymaps register", ours_part), ("daf_butler batched", batched),
                           ("lsst.skymap loop", loop)):
        full_estimate = seconds * n_patches / part_patches
        print(f"{label:<24} {seconds:>8.2f} s; at this rate all {n_patches:,} patches: "
              f"{full_estimate:>8,.0f} s = {full_estimate / full['skymaps']['seconds']:.1f}x "
              "skymaps' end to end")


if __name__ == "__main__":
    main()
