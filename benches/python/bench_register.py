"""Registration time: skymaps vs daf_butler's public insert paths, in one run.

Paths, each into a fresh SQLite repository:

* ``skymaps``: :func:`skymaps.butler.register` (records computed in Rust, bulk load, one
  transaction), timed end to end from the config;
* ``daf_butler batched``: ``Registry.insertDimensionData`` with every tract, then every
  patch, in one transaction (records built from our regions as sphgeom objects; the
  registry computes the HTM7 overlap rows itself);
* ``lsst.skymap loop``: the loop of ``BaseSkyMap.register`` (one insert per tract plus
  one batch of patches per tract);
* ``bare sqlite`` (the limit): the same rows into the same tables and indexes with plain
  ``executemany`` in one transaction, timed from prepared Python lists (no records, no
  butler).

The peers never get the cost of computing the skymap geometry (lsst.skymap is not
installable here), only the butler side. On the full skymap the peers take many minutes,
so by default they run on the first ``--peer-tracts`` tracts and are compared by
throughput (patch rows per second, overlap rows included in the work); ``--full-peers``
runs them on everything.

    python benches/python/bench_register.py [--preset hsc_rings_v1] [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _timing import record


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


DIMENSION_TABLES = ("skymap", "tract", "patch", "tract_skypix_overlap", "patch_skypix_overlap")


def bare_sqlite(schema_db: Path, target: Path, records, name: str) -> float:
    """The limit: the same rows into the same tables and indexes (schema copied from a
    daf_butler repository), plain ``executemany`` in one transaction, foreign keys off
    as skymaps registers. Regions as the base64 text the registry stores."""
    import sqlite3

    from skymaps.butler._producer import base64_array

    with sqlite3.connect(schema_db) as src:
        marks = ",".join("?" * len(DIMENSION_TABLES))
        ddl = [
            sql
            for (sql,) in src.execute(
                f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL "
                "ORDER BY type DESC",  # tables before indexes
                DIMENSION_TABLES,
            )
        ]
    db = sqlite3.connect(target, isolation_level=None)
    for sql in ddl:
        db.execute(sql)
    db.execute("PRAGMA foreign_keys = OFF")
    tract, patch = records.tract, records.patch
    columns = {
        "tract": (tract["id"].to_pylist(), base64_array(tract["region"]).to_pylist()),
        "patch": [patch[c].to_pylist() for c in ("tract", "id", "cell_x", "cell_y")]
        + [base64_array(patch["region"]).to_pylist()],
    }
    start = time.perf_counter()
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO skymap VALUES (?, ?, ?, ?, ?)",
        (name, records.hash.hex(), records.tract_max, records.patch_nx_max, records.patch_ny_max),
    )
    db.executemany(
        "INSERT INTO tract (skymap, id, region) VALUES (?, ?, ?)",
        ((name, *row) for row in zip(*columns["tract"], strict=True)),
    )
    db.executemany(
        "INSERT INTO patch (skymap, tract, id, cell_x, cell_y, region) VALUES (?, ?, ?, ?, ?, ?)",
        ((name, *row) for row in zip(*columns["patch"], strict=True)),
    )
    overlap = records.tract_overlap
    db.executemany(
        "INSERT INTO tract_skypix_overlap (skypix_system, skypix_level, skymap, tract, "
        "skypix_index) VALUES ('htm', 7, ?, ?, ?)",
        (
            (name, t, i)
            for t, i in zip(
                overlap["tract"].to_pylist(), overlap["skypix_index"].to_pylist(), strict=True
            )
        ),
    )
    overlap = records.patch_overlap
    db.executemany(
        "INSERT INTO patch_skypix_overlap (skypix_system, skypix_level, skymap, tract, patch, "
        "skypix_index) VALUES ('htm', 7, ?, ?, ?, ?)",
        (
            (name, *row)
            for row in zip(
                *(overlap[c].to_pylist() for c in ("tract", "patch", "skypix_index")),
                strict=True,
            )
        ),
    )
    db.execute("COMMIT")
    seconds = time.perf_counter() - start
    # Same rows as the registration that made ``schema_db`` (which holds only this skymap).
    with sqlite3.connect(schema_db) as src:
        for table in DIMENSION_TABLES:
            query = f"SELECT count(*) FROM {table}"
            mine, theirs = db.execute(query).fetchone(), src.execute(query).fetchone()
            assert mine == theirs, (table, mine, theirs)
    db.close()
    return seconds


def skymaps_register(root: Path, config, name: str, records=None) -> float:
    from lsst.daf.butler import Butler

    from skymaps import SkyMap
    from skymaps.butler import create_repo, dimension_records, register

    create_repo(root)
    butler = Butler.from_config(str(root), writeable=True)
    start = time.perf_counter()  # like the peers: from an open butler on a fresh repo
    if records is None:
        # Built once from the config, then the records come from the built skymap.
        records = dimension_records(SkyMap.from_config(config), name)
    register(butler, records, name, progress=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="hsc_rings_v1")
    parser.add_argument("--peer-tracts", type=int, default=150)
    parser.add_argument("--full-peers", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help="a 6-tract discrete skymap (seconds-long smoke run)"
    )
    args = parser.parse_args()

    from skymaps import SkyMap
    from skymaps.butler import dimension_records
    from skymaps.config import preset_config, resolve_file

    if args.quick:
        overrides = {
            "skyMap.name": "discrete",
            "skyMap['discrete'].raList": [10.0, 40.0, 80.0, 120.0, 200.0, 359.5],
            "skyMap['discrete'].decList": [-5.0, 20.0, -40.0, 60.0, 0.0, 1.0],
            "skyMap['discrete'].radiusList": [1.0] * 6,
            "name": "bench_quick",
        }
        resolved = resolve_file(None, overrides)
        config, name, args.peer_tracts = resolved.config, "bench_quick", 6
        args.full_peers = True
    else:
        config, name = preset_config(args.preset), args.preset
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        full_seconds = None
        full_seconds = skymaps_register(tmp / "ours_full", config, name)
        start = time.perf_counter()
        records = dimension_records(SkyMap.from_config(config), name)
        records_seconds = time.perf_counter() - start
        n_peer = records.tract.num_rows if args.full_peers else args.peer_tracts
        part = subset(records, n_peer)
        bare = bare_sqlite(tmp / "ours_full" / "gen3.sqlite3", tmp / "bare.sqlite3", records, name)
        ours_part = skymaps_register(tmp / "ours_part", None, name, records=part)
        batched = daf_butler_batched(tmp / "batched", part)
        loop = lsst_skymap_loop(tmp / "loop", part)
        full_patches = records.patch.num_rows
        part_patches = part.patch.num_rows
        if full_seconds is not None:
            rows.append(
                ("skymaps (records + register)", records.tract.num_rows, full_patches, full_seconds)
            )
        rows.append(
            ("skymaps records only (Rust)", records.tract.num_rows, full_patches, records_seconds)
        )
        rows.append(("bare sqlite inserts (limit)", records.tract.num_rows, full_patches, bare))
        part_share = records_seconds * part_patches / full_patches
        rows.append(("skymaps register, subset", n_peer, part_patches, ours_part + part_share))
        rows.append(("daf_butler batched, subset", n_peer, part_patches, batched))
        rows.append(("lsst.skymap loop, subset", n_peer, part_patches, loop))
    ours_rate = part_patches / (ours_part + part_share)
    task = f"register patch rows ({n_peer} tracts)"
    record(task, "skymaps", ours_part + part_share, part_patches)
    record(task, "daf_butler insertDimensionData", batched, part_patches)
    record(task, "lsst.skymap register loop", loop, part_patches)
    if full_seconds is not None:
        record(f"register {name} (records + write)", "skymaps", full_seconds, full_patches)
        record(f"register {name} (records + write)", "bare SQLite inserts (the limit)", bare,
               full_patches)
    print(
        f"\nskymap {name}: {records.tract.num_rows:,} tracts, {full_patches:,} patches, "
        f"{records.tract_overlap.num_rows + records.patch_overlap.num_rows:,} overlap rows"
    )
    header = ("path", "tracts", "patches", "seconds", "patches/s", "skymaps x")
    print("{:<32} {:>8} {:>10} {:>9} {:>11} {:>10}".format(*header))
    for label, tracts, patches, seconds in rows:
        rate = patches / seconds
        print(
            f"{label:<32} {tracts:>8,} {patches:>10,} {seconds:>9.2f} {rate:>11,.0f} "
            f"{ours_rate / rate:>10.1f}"
        )
    if full_seconds is not None:
        est = {
            label: full_patches / (patches / seconds) for label, _, patches, seconds in rows[-2:]
        }
        for label, seconds in est.items():
            print(
                f"{label} extrapolated to all {full_patches:,} patches: {seconds:,.0f} s "
                f"({seconds / full_seconds:.1f}x skymaps' end-to-end {full_seconds:.1f} s)"
            )


if __name__ == "__main__":
    main()
