"""skymaps.dask benchmarks: tract/patch assignment on a LocalCluster.

Reports, on hsc_rings_v1:

* rows/s of :func:`skymaps.dask.assign` with 1 and with 2 worker processes (one thread
  each), the rows made on the workers (``dd.from_map``) so no data crosses the network;
  the time to make the rows alone is measured too and taken off ("assign only");
* the same lookup in one process (``find_tract_patch``, 1 thread and all threads);
* the per-partition overhead: many 10-row partitions, assign vs an identity
  ``map_partitions`` (dask's own per-task cost) on the same cluster;
* the pickled size of each preset skymap (what a task graph carries).

Usage: ``python benches/python/bench_dask.py [--quick]`` (--quick: 2M rows, else 20M).
"""

from __future__ import annotations

import argparse
import os
import pickle

import numpy as np
from _timing import best_of

import skymaps
from skymaps.config import PRESETS
from skymaps.dask import SkyMapSpec, assign


def make_rows(seed: int, n: int):
    import pandas as pd

    rng = np.random.default_rng(seed)
    ra = rng.uniform(0.0, 360.0, n)
    dec = np.rad2deg(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    return pd.DataFrame({"ra": ra, "dec": dec})


def cluster_rates(workers: int, parts: int, rows: int, sky, repeat: int) -> dict[str, float]:
    import dask.dataframe as dd
    import distributed

    with distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster):
        catalogue = dd.from_map(make_rows, list(range(parts)), n=rows)
        assign(catalogue.partitions[:workers], sky)["tract"].sum().compute()  # warm up
        make = best_of(lambda: catalogue["ra"].sum().compute(), repeat)
        total = best_of(lambda: assign(catalogue, sky)["tract"].sum().compute(), repeat)
        tiny = dd.from_map(make_rows, list(range(400)), n=10)
        identity = best_of(lambda: tiny.map_partitions(lambda f: f).ra.sum().compute(), repeat)
        assigned = best_of(lambda: assign(tiny, sky)["tract"].sum().compute(), repeat)
    n = parts * rows
    return {
        "rows_per_s": n / total,
        "assign_only_rows_per_s": n / max(total - make, 1e-9),
        "task_us": identity / 400 * 1e6 * workers,
        "assign_task_us": assigned / 400 * 1e6 * workers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2M rows instead of 20M")
    args = parser.parse_args()
    parts, rows = (8, 250_000) if args.quick else (40, 500_000)
    repeat = 2 if args.quick else 3
    sky = skymaps.preset("hsc_rings_v1")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared)")

    print("\npickled size (bytes): skymap / SkyMapSpec")
    for name in PRESETS:
        s = skymaps.preset(name)
        print(f"  {name:22s} {len(pickle.dumps(s)):5d} / {len(pickle.dumps(SkyMapSpec.of(s))):5d}")

    frame = make_rows(0, rows)
    ra, dec = frame["ra"].to_numpy(), frame["dec"].to_numpy()
    skymaps.set_num_threads(1)
    one = best_of(lambda: sky.find_tract_patch(ra, dec), repeat)
    skymaps.set_num_threads(os.cpu_count() or 1)
    every = best_of(lambda: sky.find_tract_patch(ra, dec), repeat)
    print(f"\nsingle process find_tract_patch, {rows:,} rows:")
    print(f"  1 thread  {rows / one / 1e6:6.2f} M rows/s")
    print(f"  {os.cpu_count()} threads {rows / every / 1e6:6.2f} M rows/s")

    print(f"\nskymaps.dask.assign, {parts * rows:,} rows in {parts} partitions, hsc_rings_v1:")
    for workers in (1, 2):
        r = cluster_rates(workers, parts, rows, sky, repeat)
        print(
            f"  {workers} worker(s) x 1 thread: {r['rows_per_s'] / 1e6:6.2f} M rows/s end to end, "
            f"{r['assign_only_rows_per_s'] / 1e6:6.2f} M rows/s without making the rows; "
            f"per partition: {r['task_us']:.0f} us a dask task, "
            f"{r['assign_task_us']:.0f} us with assign"
        )


if __name__ == "__main__":
    main()
