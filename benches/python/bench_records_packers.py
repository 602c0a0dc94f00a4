"""Dimension records and packers: skymaps vs the LSST stack's own per-row work, one run.

* records: ``skymaps.butler.dimension_records`` of a preset (every tract, patch and
  HTM7 overlap row), wall and CPU time (all threads) and peak RSS; the peer is
  ``lsst.sphgeom`` doing the per-patch part of ``BaseSkyMap.register`` (decode the
  outer polygon, ``HtmPixelization(7).envelope``, ``encode``) on the first
  ``--peer-tracts`` tracts, compared by patches per second (it never pays for the
  geometry, so it is a generous peer);
* packers: ``skymap.packer().pack`` / ``unpack`` of ``--ids`` random
  ``{tract, patch, band}`` data IDs; the peer is lsst.skymap's ``_pack`` arithmetic in
  a Python loop per data ID (without the ``DataCoordinate`` overhead the real packer
  adds), on 200,000 IDs, compared by IDs per CPU second (both single-threaded).

Times are best-of runs; on a machine shared with other work, compare ratios from the
same run, and read CPU seconds as the less disturbed figure.

    python benches/python/bench_records_packers.py [--preset hsc_rings_v1] [--quick]
        [--only records|packers]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from _timing import best_of, record

import skymaps


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_records(sky: skymaps.SkyMap, name: str, repeat: int, peer_tracts: int) -> None:
    rss_before = peak_rss_mb()
    cpu0 = cpu_seconds()
    wall = best_of(lambda: sky.dimension_records(name), repeat)
    cpu = (cpu_seconds() - cpu0) / repeat
    records = sky.dimension_records(name)
    n_patch = records.patch.num_rows
    record("dimension records (patches)", "skymaps", wall, n_patch)
    print(
        f"records  skymaps        {wall:7.3f} s wall (best of {repeat}), {cpu:6.2f} s CPU, "
        f"{n_patch / wall / 1e6:6.2f} M patches/s, peak RSS {peak_rss_mb():.0f} MB "
        f"(before {rss_before:.0f} MB)"
    )
    try:
        from lsst.sphgeom import HtmPixelization, Region
    except ImportError:
        print("records  lsst.sphgeom   (not installed)")
        return
    regions = records.patch.filter(
        np.asarray(records.patch.column("tract")) < peer_tracts
    ).column("region").to_pylist()
    htm = HtmPixelization(7)

    def peer() -> None:
        for blob in regions:
            region = Region.decode(blob)
            htm.envelope(region)
            region.encode()

    peer_wall = best_of(peer, 1)
    rate = len(regions) / peer_wall
    record("dimension records (patches)", "lsst.sphgeom per patch (envelope)", peer_wall,
           len(regions))
    print(
        f"records  lsst.sphgeom   {n_patch / rate:7.3f} s for all patches at "
        f"{rate / 1e6:6.3f} M patches/s ({len(regions)} patches timed); "
        f"skymaps is {n_patch / wall / rate:.1f}x"
    )


def best_cpu(fn, repeat: int) -> float:
    """The least CPU time (this process, all threads) of ``repeat`` runs: on a machine
    shared with other work, less disturbed than wall time."""
    best = float("inf")
    for _ in range(repeat):
        c0 = cpu_seconds()
        fn()
        best = min(best, cpu_seconds() - c0)
    return best


def bench_packers(sky: skymaps.SkyMap, n_ids: int, repeat: int) -> None:
    packer = sky.packer()
    rng = np.random.default_rng(1)
    tract = rng.integers(0, packer.n_tracts, n_ids)
    patch = rng.integers(0, packer.n_patches, n_ids)
    names = np.array(list(packer.bands))
    band = names[rng.integers(0, len(names), n_ids)]
    ids = packer.pack(tract, patch, band)
    t_pack = best_cpu(lambda: packer.pack(tract, patch, band), repeat)
    t_unpack = best_cpu(lambda: packer.unpack(ids), repeat)

    n_peer = min(200_000, n_ids)
    table, n_p, n_t = packer.bands, packer.n_patches, packer.n_tracts
    columns = (tract[:n_peer].tolist(), patch[:n_peer].tolist(), band[:n_peer].tolist())
    rows = list(zip(*columns, strict=True))
    names_by_index = {i: b for b, i in table.items()}

    def peer_pack() -> list[int]:
        return [p + n_p * t + table[b] * n_p * n_t for t, p, b in rows]

    packed = peer_pack()
    assert packed == ids[:n_peer].tolist()

    def peer_unpack() -> None:
        for i in packed:
            index, rest = divmod(i, n_t * n_p)
            names_by_index[index], *divmod(rest, n_p)

    p_pack = best_cpu(peer_pack, repeat) / n_peer
    p_unpack = best_cpu(peer_unpack, repeat) / n_peer
    record("pack data IDs (CPU time)", "skymaps", t_pack, n_ids)
    record("pack data IDs (CPU time)", "lsst.skymap _pack loop", p_pack * n_peer, n_peer)
    record("unpack data IDs (CPU time)", "skymaps", t_unpack, n_ids)
    record("unpack data IDs (CPU time)", "lsst.skymap unpack loop", p_unpack * n_peer, n_peer)
    print(
        f"packers  pack   skymaps {n_ids / t_pack / 1e6:7.1f} M ids/s, lsst.skymap arithmetic "
        f"loop {1 / p_pack / 1e6:5.2f} M ids/s: {p_pack * n_ids / t_pack:.0f}x"
    )
    print(
        f"packers  unpack skymaps {n_ids / t_unpack / 1e6:7.1f} M ids/s, lsst.skymap "
        f"arithmetic loop {1 / p_unpack / 1e6:5.2f} M ids/s: {p_unpack * n_ids / t_unpack:.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="hsc_rings_v1")
    parser.add_argument("--ids", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-tracts", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="1M ids, 1 repeat, 20 tracts")
    parser.add_argument("--only", choices=["records", "packers"], help="run one of the two")
    args = parser.parse_args()
    if args.quick:
        args.ids, args.repeat, args.peer_tracts = 1_000_000, 1, 20
    t0 = time.perf_counter()
    sky = skymaps.preset(args.preset)
    print(f"{args.preset}: {len(sky)} tracts, built in {time.perf_counter() - t0:.2f} s")
    if args.only != "packers":
        bench_records(sky, args.preset, args.repeat, args.peer_tracts)
    if args.only != "records":
        bench_packers(sky, args.ids, args.repeat)


if __name__ == "__main__":
    main()
