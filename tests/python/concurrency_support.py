"""Real processes for the concurrent-registration and fault-injection tests.

Each worker is a fresh Python process that imports everything, says ``READY``, waits
for ``go`` on stdin (so that several start their writes at the same moment), runs one
registration and prints one ``RESULT <status>`` or ``ERROR <class>: <message>`` line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import tiny_discrete

TESTS_DIR = Path(__file__).parent

WORKER = """
import sys
sys.path.insert(0, {tests_dir!r})
import skymaps
from skymaps.butler import register
from skymaps.errors import SkymapsError

repo, config, name = sys.argv[1], sys.argv[2], sys.argv[3]
{faults}
_, skymap = skymaps.load_config(config)
print("READY", flush=True)
sys.stdin.readline()
try:
    result = register(repo, skymap, name, progress=False)
except SkymapsError as err:
    print("ERROR", type(err).__name__ + ":", str(err).splitlines()[0], flush=True)
else:
    print("RESULT", result.status, flush=True)
"""


# Real SQLite failures, injected on every connection the worker opens: a database that
# may grow by only N pages (SQLITE_FULL, as on a full disk), or one refusing writes
# (SQLITE_READONLY, as for a read-only file).
FAULTS = """
import os
import sqlalchemy

@sqlalchemy.event.listens_for(sqlalchemy.engine.Engine, "connect")
def _inject(dbapi_connection, _):
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    spare = os.environ.get("SKYMAPS_FAULT_SPARE_PAGES")
    if spare is not None:
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + int(spare)}")
    if os.environ.get("SKYMAPS_FAULT_READ_ONLY"):
        cursor.execute("PRAGMA query_only = ON")
    cursor.close()
"""


def write_config(directory: Path, radius: float = 0.3) -> str:
    path = directory / f"tiny_{radius}.py"
    # The skymap name stays; the radius changes the definition.
    path.write_text(tiny_discrete(radius=radius))
    return str(path)


def start_worker(repo: str, config: str, name: str = "tiny_discrete", env=None):
    """A worker process, blocked until :func:`go`."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER.format(tests_dir=str(TESTS_DIR), faults=FAULTS)]
        + [repo, config, name],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    line = proc.stdout.readline()
    assert line.strip() == "READY", line + proc.stderr.read()
    return proc


def go(*procs) -> list[tuple[int, str, str]]:
    """Releases the workers together; each one's (exit code, last stdout line, stderr)."""
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        lines = out.strip().splitlines()
        outcomes.append((proc.returncode, lines[-1] if lines else "", err))
    return outcomes


def register_alone(repo: str, config: str, name: str = "tiny_discrete") -> str:
    """The reference: the same registration, alone, in this process."""
    import skymaps
    from skymaps.butler import register

    _, skymap = skymaps.load_config(config)
    return register(repo, skymap, name, progress=False).status


def cli_command() -> list[str]:
    """The ``skymaps`` command of this environment."""
    script = Path(sys.executable).with_name("skymaps")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from skymaps.cli import main; main()"]
