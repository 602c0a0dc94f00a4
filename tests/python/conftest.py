"""Shared fixtures: where the reference data lives, and how to load it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# A copy of ../shared/refdata (independent reference data produced with lsst.sphgeom,
# healpy, desiutil and the real LSST stack; see its README.md).
REFDATA = REPO / "tests" / "data" / "refdata"


@pytest.fixture(scope="session")
def refdata_dir() -> Path:
    return REFDATA


def load_refdata_json(name: str):
    with open(REFDATA / name) as f:
        return json.load(f)
