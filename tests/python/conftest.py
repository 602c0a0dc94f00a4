"""Shared fixtures: where the reference data lives, and how to load it."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# A copy of ../shared/refdata (independent reference data produced with lsst.sphgeom,
# healpy, desiutil and the real LSST stack; see its README.md).
REFDATA = REPO / "tests" / "data" / "refdata"

# Two small discrete tracts, one across RA = 0, as a pex_config file's text: a real
# SkyMap for CLI and registration tests. NAME and RADIUS (of the first tract) vary it.
TINY_DISCRETE = """
config.name = "{name}"
config.skyMap.name = "discrete"
config.skyMap["discrete"].raList = [10.0, 359.8]
config.skyMap["discrete"].decList = [-5.0, 0.1]
config.skyMap["discrete"].radiusList = [{radius}, 0.2]
config.skyMap["discrete"].pixelScale = 0.2
"""


def tiny_discrete(name: str = "tiny_discrete", radius: float = 0.3) -> str:
    """The text of :data:`TINY_DISCRETE` for this name and first-tract radius."""
    return TINY_DISCRETE.format(name=name, radius=radius)


@pytest.fixture(scope="session")
def refdata_dir() -> Path:
    return REFDATA


def load_refdata_json(name: str):
    with open(REFDATA / name) as f:
        return json.load(f)


@pytest.fixture
def pg_repo(tmp_path):
    """``make(label)`` -> (repository, schema): butler repositories in fresh PostgreSQL
    schemas of SKYMAPS_TEST_POSTGRES_URL, dropped afterwards (skips without the URL)."""
    url = os.environ.get("SKYMAPS_TEST_POSTGRES_URL")
    if url is None:
        pytest.skip("SKYMAPS_TEST_POSTGRES_URL is not set")
    from skymaps.butler import create_repo
    from skymaps.butler._postgres import drop_schema

    made = []

    def make(label):
        namespace = f"skymaps_{label}_{uuid.uuid4().hex[:8]}"
        made.append(namespace)
        return create_repo(tmp_path / namespace, db=url, namespace=namespace), namespace

    yield make
    for namespace in made:
        drop_schema(url, namespace)
