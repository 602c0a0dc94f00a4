"""Every user journey in docs/journeys/*.md (and the guides in GUIDES) runs as
written, so the docs cannot rot.

Each journey runs in a fresh temporary directory: its fenced ```bash blocks through
bash (``-euo pipefail``, with this environment's ``skymaps`` first on PATH) and its
```python blocks in one namespace per file, all in the order they appear. Other fences
(```text, ```toml, ...) are shown, not run. A journey that needs an optional package
says so on a line ``<!-- needs: lsst.daf.butler, mocpy -->``; it is skipped, naming the
package, when that is not installed (CI installs them all).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

JOURNEYS = sorted((REPO / "docs" / "journeys").glob("*.md"))
#: Guides whose examples run too.
GUIDES = [REPO / "docs" / "plotting.md"]
BLOCK = re.compile(r"^```(bash|python)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
NEEDS = re.compile(r"<!--\s*needs:\s*(.*?)\s*-->")


def blocks(path: Path) -> list[tuple[str, str]]:
    return BLOCK.findall(path.read_text())


def test_the_journeys_exist_and_are_linked():
    names = {p.stem for p in JOURNEYS}
    assert {"register-hsc", "decals-bricks", "visit-coverage"} <= names
    index = (REPO / "docs" / "index.md").read_text()
    for path in JOURNEYS:
        assert f"journeys/{path.name}" in index, f"docs/index.md does not link {path.name}"
        assert blocks(path), f"{path.name} has no bash or python block to run"


@pytest.mark.parametrize("path", JOURNEYS + GUIDES, ids=lambda p: p.stem)
def test_journey_runs(path, tmp_path, monkeypatch):
    text = path.read_text()
    for needs in NEEDS.findall(text):
        for module in filter(None, (m.strip() for m in needs.split(","))):
            if importlib.util.find_spec(module) is None:
                pytest.skip(f"{path.name} needs {module}")
    monkeypatch.chdir(tmp_path)
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["MPLBACKEND"] = "Agg"
    namespace: dict = {"__name__": f"journey_{path.stem.replace('-', '_')}"}
    try:
        _run_blocks(path, tmp_path, env, namespace)
    finally:  # a journey may write a 1.2 GB repository: do not keep it among pytest's
        shutil.rmtree(tmp_path, ignore_errors=True)  # last three temporary directories


def _run_blocks(path: Path, tmp_path: Path, env: dict, namespace: dict) -> None:
    for number, (language, code) in enumerate(blocks(path), 1):
        where = f"{path.name}, block {number} ({language})"
        if language == "bash":
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", code],
                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
            )
            assert done.returncode == 0, (
                f"{where} failed:\n{code}\n--- stdout\n{done.stdout[-3000:]}\n"
                f"--- stderr\n{done.stderr[-3000:]}"
            )
        else:
            exec(compile(code, where, "exec"), namespace)
