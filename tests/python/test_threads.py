"""Thread safety and Ctrl-C: skymaps called from threaded and interrupted pipelines.

Oracle for the threads: the same calls made from one thread, before any thread
starts; 8 threads then repeat them at once (the GIL released inside each call, rayon
underneath) and must return identical arrays, pixel sets and records.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import skymaps
from skymaps import _chunks

THREADS = 8


def _points(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, 360.0, n), np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A small skymap whose records are quick to build (two discrete tracts)."""
    from concurrency_support import write_config

    return skymaps.load_config(write_config(tmp_path_factory.mktemp("tiny")))[1]


def _work(skymap, tiny, seed: int):
    """Lookups, envelopes and records: every kind of GIL-released call."""
    lon, lat = _points(seed, 40_000 + seed)
    tract = skymap.find_tract(lon, lat)
    t, p = skymap.find_tract_patch(lon, lat)
    idx, all_tracts = skymap.find_all_tracts(lon[:5_000], lat[:5_000])
    circle = skymaps.Circle(float(lon[0]), float(lat[0]), 1.0 + seed % 5)
    htm = skymaps.Htm(10).envelope(circle)
    healpix = skymaps.Healpix(9).interior(circle)
    rows = skymaps._core.skymap_records(tiny._core)
    return (
        tract, t, p, idx, all_tracts, list(htm), list(healpix),
        rows["hash"], rows["patch_region"][0], rows["patch_overlap_pixel"],
    )


def _same(a, b) -> bool:
    return all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("preset", ["hsc_rings_v1", "lsst_cells_v1"])
def test_eight_threads_match_one(preset, tiny):
    skymap = skymaps.preset(preset)
    seeds = list(range(2 * THREADS))
    alone = {s: _work(skymap, tiny, s) for s in seeds}
    with ThreadPoolExecutor(THREADS) as pool:
        together = dict(
            zip(seeds, pool.map(lambda s: _work(skymap, tiny, s), seeds), strict=True)
        )
    for s in seeds:
        assert _same(together[s], alone[s]), f"thread result for seed {s} differs"


def test_chunked_lookup_equals_one_call(monkeypatch):
    """Long lookups run in slices (Ctrl-C between them); the result is the same."""
    skymap = skymaps.preset("hsc_rings_v1")
    lon, lat = _points(7, 30_001)
    whole_t, whole_p = skymap.find_tract_patch(lon, lat)
    whole = skymap.find_tract(lon.reshape(1, -1), lat)
    tract = skymap[9000]
    whole_all = skymap._core.find_all_tracts(lon, lat)
    whole_patch = tract._core.find_patch(lon, lat)
    whole_cell = tract._core.find_patch_cell(lon, lat)
    monkeypatch.setattr(_chunks, "CHUNK_POINTS", 1_000)
    idx, tracts = skymap.find_all_tracts(lon, lat)
    assert idx.dtype == np.int64 and np.array_equal(idx, whole_all[0])
    assert np.array_equal(tracts, whole_all[1])
    assert np.array_equal(tract.find_patch(lon, lat), whole_patch)
    p, c = tract.find_patch_cell(lon, lat)
    assert np.array_equal(p, whole_cell[0]) and np.array_equal(c, whole_cell[1])
    t, p = skymap.find_tract_patch(lon, lat)
    assert np.array_equal(t, whole_t) and np.array_equal(p, whole_p)
    chunked = skymap.find_tract(lon.reshape(1, -1), lat)
    assert chunked.shape == (1, 30_001) and np.array_equal(chunked, whole)


INTERRUPTED = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    import skymaps, skymaps.skymap, skymaps.tract
    method, n = sys.argv[1], int(sys.argv[2])
    skymap = skymaps.preset("hsc_rings_v1")
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(0, 360, n), rng.uniform(-90, 90, n)
    # Count the core calls started: the interrupt must come before the last one.
    done = []
    def counting(module, name):
        sliced = getattr(module, name)
        def counted(lookup, a, b):
            return sliced(lambda x, y: done.append(1) or lookup(x, y), a, b)
        setattr(module, name, counted)
    if method == "find_patch":
        counting(skymaps.tract, "chunked")
        call = skymap[9000].find_patch
    elif method == "find_all_tracts":
        counting(skymaps.skymap, "chunked_pairs")
        call = skymap.find_all_tracts
    else:
        counting(skymaps.skymap, "chunked")
        call = getattr(skymap, method)
    step = skymaps._chunks.CHUNK_POINTS // (8 if method == "find_all_tracts" else 1)
    calls = -(-n // step)
    result = None
    print("READY", flush=True)
    sys.stdin.readline()
    start = time.perf_counter()
    try:
        result = call(lon, lat)
    except KeyboardInterrupt:
        print("INTERRUPTED", result is None, len(done) < calls, flush=True)
    else:
        print("FINISHED", flush=True)
    print("SECONDS", time.perf_counter() - start, flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "method, points",
    [("find_tract_patch", 40_000_000), ("find_all_tracts", 8_000_000), ("find_patch", 40_000_000)],
)
def test_ctrl_c_during_long_lookup(method, points):
    """SIGINT 1 s into a lookup of tens of slices: KeyboardInterrupt with slices left
    (SkyMap.find_tract_patch, SkyMap.find_all_tracts, Tract.find_patch)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED, method, str(points)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "READY"
        proc.stdin.write("go\n")
        proc.stdin.flush()
        time.sleep(1.0)  # inside the lookup of tens of slices
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    # Interrupted with calls left (not after the whole lookup), no result returned.
    assert out.splitlines()[0] == "INTERRUPTED True True", out + err
    assert "PanicException" not in err and "panic" not in err, err
