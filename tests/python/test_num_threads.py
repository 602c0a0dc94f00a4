"""skymaps.set_num_threads: a pool of skymaps' own with exactly the threads asked for,
shared by Python threads calling at once, giving the serial answers."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import skymaps
from skymaps import InvalidConfigError


def _points(n=300_000, seed=3):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, 360.0, n), np.rad2deg(np.arcsin(rng.uniform(-1.0, 1.0, n)))


def _skymaps_threads(expected: int) -> int:
    """Threads of this process the operating system names skymaps-<i> (Linux), once
    those of a replaced pool have exited (they do so after their pool is dropped)."""
    for _ in range(100):
        count = 0
        for task in Path("/proc/self/task").iterdir():
            try:
                count += (task / "comm").read_text().startswith("skymaps-")
            except OSError:  # the thread exited meanwhile
                pass
        if count == expected:
            break
        time.sleep(0.05)
    return count


@pytest.fixture
def restore_threads():
    yield
    skymaps.set_num_threads(os.cpu_count() or 2)


def test_bad_sizes_raise():
    for bad in (0, -3):
        with pytest.raises(InvalidConfigError, match="at least 1"):
            skymaps.set_num_threads(bad)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_pool_has_the_threads_asked_for_and_matches_serial(restore_threads):
    sky = skymaps.preset("hsc_rings_v1")
    lon, lat = _points()
    skymaps.set_num_threads(1)
    assert skymaps.get_num_threads() == 1
    serial = sky.find_tract_patch(lon, lat)
    for n in (3, 2):
        skymaps.set_num_threads(n)
        assert skymaps.get_num_threads() == n
        # Four Python threads at once share the one pool: still n skymaps threads.
        with ThreadPoolExecutor(4) as ex:
            results = list(ex.map(lambda _: sky.find_tract_patch(lon, lat), range(4)))
        assert _skymaps_threads(n) == n
        for tract, patch in results:
            np.testing.assert_array_equal(tract, serial[0])
            np.testing.assert_array_equal(patch, serial[1])
