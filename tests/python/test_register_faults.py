"""Faults during a registration: SIGKILL at spread-out moments, a full or read-only database.

Every case runs the registration in a real process and checks the repository
afterwards against two oracles: its own snapshot taken before (nothing changed) and
the same registration run alone into a fresh repository (complete). The only state a
kill may leave besides those is the documented one: the empty ``skymaps`` run and
``skyMap`` dataset type (``skymaps.butler.register``). A re-run must then complete.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
import uuid

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

#: Kill moments, as fractions of the time one registration takes (seeded: reproducible,
#: stratified so that early, middle and late moments are all hit).
_RANDOM = random.Random(16)
KILL_FRACTIONS = [1.1 * (i + _RANDOM.random()) / 4 for i in range(4)]  # one per quarter


def _timed_run(repo: str, config: str) -> float:
    """Seconds from ``go`` to the end of one registration (a worker run to completion)."""
    worker = start_worker(repo, config)
    start = time.perf_counter()
    ((code, line, err),) = go(worker)
    assert code == 0 and line == "RESULT registered", err
    return time.perf_counter() - start


def _kill_after(repo: str, config: str, seconds: float) -> None:
    worker = start_worker(repo, config)
    worker.stdin.write("go\n")
    worker.stdin.flush()
    time.sleep(seconds)
    os.kill(worker.pid, signal.SIGKILL)
    worker.communicate(timeout=60)


def _check_kills(tmp_path, repo, snapshot, reference_snapshot) -> list[str]:
    """Kills registrations into ``repo`` at KILL_FRACTIONS; each leaves it before or complete."""
    config = write_config(tmp_path)
    duration = _timed_run(str(tmp_path / f"timing-{uuid.uuid4().hex[:6]}"), config)
    states = []
    for fraction in KILL_FRACTIONS:
        before = snapshot()
        _kill_after(repo, config, fraction * duration)
        after = snapshot()
        assert after in (before, reference_snapshot()), f"killed at {fraction:.2f}: half-written"
        states.append("complete" if after != before else "unchanged")
        if after != before:
            return states
    return states


def test_sqlite_sigkill_existing_repository(tmp_path):
    repo = create_repo(tmp_path / "repo")
    reference = tmp_path / "reference"
    register_alone(str(reference), write_config(tmp_path))
    _check_kills(
        tmp_path, repo, lambda: sqlite_snapshot(repo), lambda: sqlite_snapshot(reference)
    )
    # Whatever the kills left, a re-run completes and equals the reference.
    assert register_alone(repo, write_config(tmp_path)) in ("registered", "unchanged")
    assert sqlite_snapshot(repo) == sqlite_snapshot(reference)


def test_sqlite_sigkill_new_repository(tmp_path):
    config = write_config(tmp_path)
    duration = _timed_run(str(tmp_path / "timing"), config)
    for i, fraction in enumerate(KILL_FRACTIONS):
        repo = tmp_path / f"new{i}"
        _kill_after(str(repo), config, fraction * duration)
        # A new repository appears complete (renamed into place) or not at all.
        if repo.exists():
            assert sqlite_snapshot(repo) == sqlite_snapshot(tmp_path / "timing")
        # A re-run removes the dead process's staging directory and registers.
        assert register_alone(str(repo), config) in ("registered", "unchanged")
        assert sqlite_snapshot(repo) == sqlite_snapshot(tmp_path / "timing")
        staging = f".skymaps-new-new{i}-"
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(staging)]
        assert leftovers == []


def _faulty_run(repo: str, config: str, env: dict[str, str]) -> str:
    ((code, line, err),) = go(start_worker(repo, config, env=env))
    assert code == 0 and "Traceback" not in err, err
    return line


@pytest.mark.parametrize("spare_pages", [0, 12])
def test_sqlite_disk_full_leaves_repository_unchanged(tmp_path, spare_pages):
    repo = create_repo(tmp_path / "repo")
    config = write_config(tmp_path)
    before = sqlite_snapshot(repo)
    line = _faulty_run(repo, config, {"SKYMAPS_FAULT_SPARE_PAGES": str(spare_pages)})
    assert line.startswith("ERROR RegistrationError: writing skymap 'tiny_discrete' failed"), line
    assert "full" in line, line
    assert sqlite_snapshot(repo) == before
    # With room again, the registration completes.
    assert register_alone(repo, config) == "registered"


def test_sqlite_read_only_database_leaves_repository_unchanged(tmp_path):
    repo = create_repo(tmp_path / "repo")
    config = write_config(tmp_path)
    before = sqlite_snapshot(repo)
    line = _faulty_run(repo, config, {"SKYMAPS_FAULT_READ_ONLY": "1"})
    # daf_butler writes when it opens a writeable butler: refused there or at our writes.
    assert line.startswith(("ERROR RegistrationError:", "ERROR RepositoryError:")), line
    assert "readonly" in line.replace("-", "").replace(" ", ""), line
    assert sqlite_snapshot(repo) == before


@pytest.mark.postgres
def test_postgres_sigkill(tmp_path, pg_repo):
    (repo, ns), (reference, ref_ns) = pg_repo("killed"), pg_repo("reference")
    config = write_config(tmp_path)
    register_alone(reference, config)
    _check_kills(
        tmp_path, repo, lambda: postgres_snapshot(URL, ns), lambda: postgres_snapshot(URL, ref_ns)
    )
    assert register_alone(repo, config) in ("registered", "unchanged")
    assert postgres_snapshot(URL, ns) == postgres_snapshot(URL, ref_ns)


@pytest.mark.postgres
def test_postgres_read_only_leaves_repository_unchanged(tmp_path, pg_repo):
    repo, ns = pg_repo("readonly")
    config = write_config(tmp_path)
    before = postgres_snapshot(URL, ns)
    # libpq passes PGOPTIONS to the server: every transaction of the worker is read-only.
    line = _faulty_run(repo, config, {"PGOPTIONS": "-c default_transaction_read_only=on"})
    assert line.startswith(("ERROR RegistrationError:", "ERROR RepositoryError:")), line
    assert "read-only" in line, line
    assert postgres_snapshot(URL, ns) == before


#: A real server-side disk-full error (SQLSTATE 53100, what PostgreSQL raises when it
#: cannot extend a file), raised by the server itself from a trigger on the patch table
#: once ``rows`` patch rows have been inserted: mid-registration, after the skymap and
#: tract rows of the same transaction.
DISK_FULL = """
CREATE SEQUENCE "{ns}".fault_rows;
CREATE FUNCTION "{ns}".fault_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF nextval('"{ns}".fault_rows') > {rows} THEN
        RAISE EXCEPTION 'could not extend file "base/1/2": No space left on device'
            USING ERRCODE = 'disk_full';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER fault_disk_full BEFORE INSERT ON "{ns}".patch
    FOR EACH ROW EXECUTE FUNCTION "{ns}".fault_disk_full();
"""


def _sql(statements: str) -> None:
    import sqlalchemy

    from skymaps.butler._postgres import connect

    with connect(URL) as connection:
        connection.execute(sqlalchemy.text(statements))


@pytest.mark.postgres
@pytest.mark.parametrize("rows", [0, 130])  # the tiny skymap has 265 patches
def test_postgres_disk_full_leaves_repository_unchanged(tmp_path, pg_repo, rows):
    repo, ns = pg_repo("diskfull")
    config = write_config(tmp_path)
    _sql(DISK_FULL.format(ns=ns, rows=rows))
    before = postgres_snapshot(URL, ns)
    line = _faulty_run(repo, config, {})
    assert line.startswith("ERROR RegistrationError: writing skymap 'tiny_discrete' failed"), line
    assert "No space left on device" in line, line
    assert postgres_snapshot(URL, ns) == before
    # With room again, the registration completes.
    _sql(f'DROP TRIGGER fault_disk_full ON "{ns}".patch')
    assert register_alone(repo, config) == "registered"


@pytest.mark.postgres
@pytest.mark.parametrize("fault", ["disk_full", "read_only"])
def test_cli_postgres_fault_is_one_line(tmp_path, pg_repo, fault):
    """``skymaps register`` into a full or read-only PostgreSQL registry: exit 1, one
    ``Error:`` line naming the server's reason, no traceback, nothing written."""
    repo, ns = pg_repo(fault)
    config = write_config(tmp_path)
    env = dict(os.environ)
    if fault == "disk_full":
        _sql(DISK_FULL.format(ns=ns, rows=50))
    else:
        env["PGOPTIONS"] = "-c default_transaction_read_only=on"
    before = postgres_snapshot(URL, ns)
    proc = subprocess.run(
        [*cli_command(), "register", repo, "-C", config, "--no-progress"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.splitlines()[-1] == errors[0]
    reason = "No space left on device" if fault == "disk_full" else "read-only"
    assert reason in errors[0], proc.stderr
    assert postgres_snapshot(URL, ns) == before
