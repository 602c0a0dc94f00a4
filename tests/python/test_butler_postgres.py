"""The same registration against a PostgreSQL-backed repository (COPY path).

Runs when SKYMAPS_TEST_POSTGRES_URL points at a server (.ci/run starts one on
127.0.0.1); skipped only when the variable is unset.
"""

from __future__ import annotations

import dataclasses
import os
import uuid

import pytest

pytest.importorskip("lsst.daf.butler")

from butler_support import postgres_snapshot, refdata_records  # noqa: E402

from skymaps.butler import create_repo, register  # noqa: E402
from skymaps.butler._postgres import drop_schema  # noqa: E402
from skymaps.errors import RegistrationError  # noqa: E402

URL = os.environ.get("SKYMAPS_TEST_POSTGRES_URL")
pytestmark = [
    pytest.mark.butler,
    pytest.mark.postgres,
    pytest.mark.skipif(URL is None, reason="SKYMAPS_TEST_POSTGRES_URL is not set"),
]


@pytest.fixture
def pg_repo(tmp_path):
    """A fresh repository whose registry lives in its own PostgreSQL schema."""
    made = []

    def make(label="repo"):
        namespace = f"skymaps_{label}_{uuid.uuid4().hex[:8]}"
        made.append(namespace)
        root = create_repo(tmp_path / namespace, db=URL, namespace=namespace)
        return root, namespace

    yield make
    for namespace in made:
        drop_schema(URL, namespace)


def test_postgres_identical_to_public_path(pg_repo):
    from lsst.daf.butler import Butler

    records = refdata_records("DC2")
    fast_root, fast_ns = pg_repo("fast")
    result = register(fast_root, records, "DC2", progress=False)
    assert result.status == "registered"
    public_root, public_ns = pg_repo("public")
    butler = Butler.from_config(public_root, writeable=True)
    rec = records.butler_records(butler.dimensions)
    with butler.transaction():
        for element in ("skymap", "tract", "patch"):
            butler.registry.insertDimensionData(element, *rec[element])
    fast = postgres_snapshot(URL, fast_ns)
    public = postgres_snapshot(URL, public_ns)
    assert len(fast["patch"]) == 49 and fast["patch_skypix_overlap"]
    assert fast == public


def test_postgres_read_back_noop_and_conflicts(pg_repo):
    from lsst.daf.butler import Butler

    records = refdata_records("DC2")
    root, ns = pg_repo()
    register(root, records, "DC2", progress=False)
    butler = Butler.from_config(root)
    patches = list(butler.registry.queryDimensionRecords("patch", skymap="DC2"))
    assert len(patches) == 49
    before = postgres_snapshot(URL, ns)
    assert register(root, records, "DC2", progress=False).status == "unchanged"
    with pytest.raises(RegistrationError, match="different skymap"):
        register(root, dataclasses.replace(records, hash=bytes(20)), "DC2", progress=False)
    with pytest.raises(RegistrationError, match="already registered under the name"):
        register(root, records, "other", progress=False)
    assert postgres_snapshot(URL, ns) == before


def test_postgres_killed_midway_leaves_no_records(pg_repo):
    from butler_support import run_and_kill_midway

    root, ns = pg_repo()
    empty = postgres_snapshot(URL, ns)
    line = run_and_kill_midway(root)
    assert line.startswith("PROGRESS tract"), line
    assert postgres_snapshot(URL, ns) == empty
