"""docs/api.md documents every public name, and nothing that is gone.

The reference is generated from the docstrings (``python docs/gen_api.py``); this test
reads the committed file, so a new public name without a section (or a section for a
removed name) fails here with the command that fixes it.
"""

from __future__ import annotations

import importlib
import re
import runpy

import pytest
from conftest import REPO

import skymaps

API = REPO / "docs" / "api.md"
FIX = "run python docs/gen_api.py to regenerate docs/api.md"


def _documented() -> set[str]:
    return set(re.findall(r"^### `([^`]+)`", API.read_text(), flags=re.M))


def _public() -> set[str]:
    names = {f"skymaps.{n}" for n in skymaps.__all__}
    modules = runpy.run_path(str(REPO / "docs" / "gen_api.py"))["MODULES"]
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        names |= {f"{module_name}.{n}" for n in module.__all__}
    return names


def test_every_public_name_is_documented():
    missing = _public() - _documented()
    assert not missing, f"undocumented: {sorted(missing)}; {FIX}"


def test_no_section_for_a_name_that_is_gone():
    stale = _documented() - _public()
    assert not stale, f"documented but not public: {sorted(stale)}; {FIX}"


@pytest.mark.parametrize("name", sorted(skymaps.__all__))
def test_each_top_level_section_has_text(name):
    text = API.read_text()
    start = text.index(f"### `skymaps.{name}`")
    end = text.find("\n### ", start + 1)
    body = text[start:end if end > 0 else None]
    assert len(body.split("\n", 1)[1].strip()) > 20, f"skymaps.{name} has no description"
