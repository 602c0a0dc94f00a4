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
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from docs_support import blocks, run_blocks

JOURNEYS = sorted((REPO / "docs" / "journeys").glob("*.md"))
#: Guides whose examples run too.
GUIDES = [REPO / "docs" / "plotting.md"]
NEEDS = re.compile(r"<!--\s*needs:\s*(.*?)\s*-->")


def _interchange_outputs(cwd: Path) -> None:
    # The DS9 file holds the one tract polygon; the MOC of four patches was saved for Aladin.
    assert (cwd / "tract9813.reg").read_text().count("polygon(") == 1
    assert (cwd / "four_patches.txt").exists()


#: Checks of the files a journey leaves behind, beyond its own asserts.
OUTPUTS = {"interchange": _interchange_outputs}


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
    namespace: dict = {"__name__": f"journey_{path.stem.replace('-', '_')}"}
    try:
        run_blocks(path, tmp_path, namespace)
        OUTPUTS.get(path.stem, lambda cwd: None)(tmp_path)
    finally:  # a journey may write a 1.2 GB repository: do not keep it among pytest's
        shutil.rmtree(tmp_path, ignore_errors=True)  # last three temporary directories
