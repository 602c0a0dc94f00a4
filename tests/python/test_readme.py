"""The README's Python examples run as written (so the tour cannot rot)."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(), flags=re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 3
    # Every call the prose points to is in a block that runs (so it cannot drift from
    # what the function returns): a config file, a patch WCS, an inner region.
    code = "\n".join(BLOCKS)
    for call in ("skymaps.load_config(", "patch.wcs.to_header()", "tract.inner_region"):
        assert call in code, call


@pytest.mark.butler
def test_readme_examples_run(tmp_path, monkeypatch):
    pytest.importorskip("lsst.daf.butler")
    monkeypatch.chdir(tmp_path)  # the examples write ./my_repo
    namespace: dict = {}
    for block in BLOCKS:
        exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "my_repo" / "butler.yaml").exists()
    assert namespace["name"] == "my_rings"


def test_readme_checkout_outputs_are_ignored():
    """The README's commands write ./butler_repo and ./my_repo into the checkout."""
    ignored = (REPO / ".gitignore").read_text().split()
    text = (REPO / "README.md").read_text()
    for repo in ("butler_repo", "my_repo"):
        assert f"./{repo}" in text and f"/{repo}/" in ignored
