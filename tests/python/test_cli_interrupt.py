"""Ctrl-C during ``skymaps register``: ``Aborted!``, exit status 130, the repository as before.

The command runs in a subprocess and gets a real SIGINT at several moments: while
daf_butler loads and the repository is created, and in the transaction while Rust
computes the first tracts' records (on the background thread, GIL released, rayon
threads busy) and while rows are written. The
oracles are the process itself (exit status, its stderr: no panic, no traceback) and
the repository read back through SQLite and daf_butler.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("lsst.daf.butler")

from butler_support import sqlite_snapshot  # noqa: E402

pytestmark = [pytest.mark.butler, pytest.mark.slow]

# HSC's 18,938 tracts with bigger pixels (303,008 patches): seconds of Rust work and of
# SQL writes, without the 1.2 GB of the real thing.
ARGS = ["--preset", "hsc_rings_v1", "-c", 'skyMap["rings"].pixelScale=0.4', "--no-progress"]
FORBIDDEN = ("panic", "PanicException", "Traceback", "NumPy array API")


def _command() -> list[str]:
    script = Path(sys.executable).with_name("skymaps")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from skymaps.cli import main; main()"]


def interrupt(repo: Path, after: str | None, delay: float) -> tuple[int, str]:
    """Runs ``skymaps register repo`` and sends SIGINT ``delay`` seconds after the first
    stderr line containing ``after`` (or after the start when ``after`` is None)."""
    proc = subprocess.Popen(
        [*_command(), "register", str(repo), *ARGS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        if after is not None:
            for line in proc.stderr:
                seen.append(line)
                if after in line:
                    break
            else:
                pytest.fail(f"the command ended before printing {after!r}: {''.join(seen)}")
        time.sleep(delay)
        assert proc.poll() is None, "the command ended before it could be interrupted"
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, "".join(seen) + err + out


def assert_clean_abort(code: int, output: str) -> None:
    assert code == 130, output
    assert "Aborted!" in output
    for word in FORBIDDEN:
        assert word not in output, output


@pytest.mark.parametrize(
    ("after", "delay"),
    [
        (None, 2.0),  # daf_butler loading, the new repository being created
        ("registering skymap", 0.0),
        # In the transaction: the first range of tracts being computed (Rust, on the
        # background thread) while the main thread waits for it, then rows being written.
        ("computing and writing", 0.05),
        ("computing and writing", 1.0),
    ],
)
def test_interrupt_new_repository_leaves_nothing(tmp_path, after, delay):
    repo = tmp_path / "butler_repo"
    code, output = interrupt(repo, after, delay)
    assert_clean_abort(code, output)
    # The repository did not exist before: the interrupted call removes what it created.
    assert not repo.exists(), sorted(p.name for p in repo.iterdir())


def test_interrupt_existing_repository_unchanged(tmp_path):
    from lsst.daf.butler import Butler

    from skymaps.butler import create_repo

    repo = create_repo(tmp_path / "repo")
    before = sqlite_snapshot(repo)
    butler = Butler.from_config(repo)
    types_before = {t.name for t in butler.registry.queryDatasetTypes()}
    collections_before = set(butler.registry.queryCollections())
    del butler

    code, output = interrupt(Path(repo), "writing", 1.0)
    assert_clean_abort(code, output)

    assert sqlite_snapshot(repo) == before
    butler = Butler.from_config(repo)
    # Neither the `skymaps` run nor the `skyMap` dataset type (registered outside the
    # transaction, as daf_butler requires) is left behind.
    assert {t.name for t in butler.registry.queryDatasetTypes()} == types_before
    assert set(butler.registry.queryCollections()) == collections_before
    assert not list(butler.registry.queryDimensionRecords("skymap"))
