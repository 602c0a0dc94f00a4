"""Two processes registering at the same moment, on SQLite and PostgreSQL.

Workers are real processes released together (``concurrency_support``). The oracle
for "complete and consistent" is the same registration run alone into a fresh
repository: every skymap-related table, row for row (counts, hash, regions, overlap
rows), plus the ``skyMap`` dataset read back through daf_butler.
"""

from __future__ import annotations

import os
import subprocess

import pytest

pytest.importorskip("lsst.daf.butler")

from butler_support import postgres_snapshot, sqlite_snapshot  # noqa: E402
from concurrency_support import (  # noqa: E402
    cli_command,
    go,
    register_alone,
    start_worker,
    write_config,
)

from skymaps.butler import create_repo  # noqa: E402

URL = os.environ.get("SKYMAPS_TEST_POSTGRES_URL")
pytestmark = pytest.mark.butler


def _statuses(outcomes):
    for code, _, err in outcomes:
        assert code == 0, err
        assert "Traceback" not in err, err
    return sorted(line for _, line, _ in outcomes)


def _dataset_count(repo) -> int:
    from lsst.daf.butler import Butler

    butler = Butler.from_config(str(repo))
    return len(list(butler.registry.queryDatasets("skyMap", collections="skymaps")))


def test_sqlite_same_skymap_into_new_repository(tmp_path):
    config = write_config(tmp_path)
    repo = tmp_path / "repo"
    workers = [start_worker(str(repo), config) for _ in range(2)]
    assert _statuses(go(*workers)) == ["RESULT registered", "RESULT unchanged"]
    reference = tmp_path / "reference"
    assert register_alone(str(reference), config) == "registered"
    assert sqlite_snapshot(repo) == sqlite_snapshot(reference)
    assert _dataset_count(repo) == 1
    # No staging directory is left beside the repository.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def _winner(configs, outcomes):
    """The config whose worker wrote; the other must have been refused cleanly."""
    lines = _statuses(outcomes)
    assert lines[0].startswith("ERROR RegistrationError: a different skymap"), lines
    assert lines[1] == "RESULT registered", lines
    return next(c for c, (_, line, _) in zip(configs, outcomes, strict=True) if "RESULT" in line)


def test_sqlite_conflicting_definitions_one_name(tmp_path):
    repo = create_repo(tmp_path / "repo")
    configs = [write_config(tmp_path, 0.3), write_config(tmp_path, 0.25)]
    winner = _winner(configs, go(*[start_worker(repo, c) for c in configs]))
    # The winner's registration is complete: equal to that definition registered alone.
    reference = tmp_path / "reference"
    register_alone(str(reference), winner)
    assert sqlite_snapshot(repo) == sqlite_snapshot(reference)
    assert _dataset_count(repo) == 1


def test_cli_conflicting_definitions_into_new_repository(tmp_path):
    """``skymaps register`` twice at once on a new SQLite repository, two definitions
    under one name: one registers, the other ends in one line, no traceback."""
    repo = tmp_path / "repo"
    configs = [write_config(tmp_path, 0.3), write_config(tmp_path, 0.25)]
    procs = [
        subprocess.Popen(
            [*cli_command(), "register", str(repo), "-C", c, "--no-progress"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for c in configs
    ]
    outcomes = [(p.communicate(timeout=600), p.returncode) for p in procs]
    codes = sorted(code for _, code in outcomes)
    assert codes == [0, 1], outcomes
    (out, err), _ = next(o for o in outcomes if o[1] == 1)
    errors = [line for line in err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "Traceback" not in err, err
    assert errors[0].startswith("Error: a different skymap is already registered"), err
    assert err.splitlines()[-1] == errors[0]
    winner = next(c for c, (_, code) in zip(configs, outcomes, strict=True) if code == 0)
    reference = tmp_path / "reference"
    register_alone(str(reference), winner)
    assert sqlite_snapshot(repo) == sqlite_snapshot(reference)


@pytest.mark.postgres
def test_postgres_same_skymap(tmp_path, pg_repo):
    config = write_config(tmp_path)
    (repo, ns), (reference, ref_ns) = pg_repo("shared"), pg_repo("reference")
    workers = [start_worker(repo, config) for _ in range(2)]
    assert _statuses(go(*workers)) == ["RESULT registered", "RESULT unchanged"]
    register_alone(reference, config)
    assert postgres_snapshot(URL, ns) == postgres_snapshot(URL, ref_ns)
    assert _dataset_count(repo) == 1


@pytest.mark.postgres
def test_postgres_conflicting_definitions_one_name(tmp_path, pg_repo):
    (repo, ns), (reference, ref_ns) = pg_repo("shared"), pg_repo("reference")
    configs = [write_config(tmp_path, 0.3), write_config(tmp_path, 0.25)]
    winner = _winner(configs, go(*[start_worker(repo, c) for c in configs]))
    register_alone(reference, winner)
    assert postgres_snapshot(URL, ns) == postgres_snapshot(URL, ref_ns)
    assert _dataset_count(repo) == 1
