"""The short CI version of benches/long_properties.py: same checks, small counts.

Ownership for every preset but healpix8 (slow to build) and one skymap of every other
kind, envelopes/interiors of random regions against sphgeom and healpy. The long run
(10^7 points, 10^5 regions, a 10^8-point lookup's memory) is the script itself.
"""

from __future__ import annotations

import argparse
import importlib.util

import numpy as np
import pytest
from conftest import REPO

pytest.importorskip("healpy")
pytest.importorskip("lsst.sphgeom")


def _script():
    spec = importlib.util.spec_from_file_location(
        "long_properties", REPO / "benches" / "long_properties.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_short_property_run():
    script = _script()
    args = argparse.Namespace(quick=True, points=3_000, regions=60)
    rng = np.random.default_rng(16)
    assert script.run_ownership(args, rng) == 0
    assert script.run_envelopes(args, rng) == 0
