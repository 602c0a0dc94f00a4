"""The README's Python examples run as written (so the tour cannot rot)."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), flags=re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.butler
def test_readme_examples_run(tmp_path, monkeypatch):
    pytest.importorskip("lsst.daf.butler")
    monkeypatch.chdir(tmp_path)  # the examples write ./my_repo
    namespace: dict = {}
    for block in BLOCKS:
        exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "my_repo" / "butler.yaml").exists()
