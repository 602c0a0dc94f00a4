"""docs/journeys/host-coadds.md runs word for word: every ```bash and ```python block,
in order, in a fresh directory (bash blocks with ``set -e``; python blocks as scripts).
A block that fails, or prints a traceback, fails the test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("lsst.daf.butler")

pytestmark = pytest.mark.butler

DOC = Path(__file__).resolve().parents[2] / "docs" / "journeys" / "host-coadds.md"
BLOCK = re.compile(r"^```(bash|python)\n(.*?)^```", re.S | re.M)


def test_walkthrough_runs(tmp_path):
    blocks = BLOCK.findall(DOC.read_text())
    assert [k for k, _ in blocks].count("bash") >= 5 and len(blocks) >= 9
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    for n, (kind, code) in enumerate(blocks):
        cmd = ["bash", "-e", "-c", code] if kind == "bash" else [sys.executable, "-c", code]
        r = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert r.returncode == 0, f"block {n} ({kind}) failed:\n{code}\n{r.stdout}\n{r.stderr}"
        assert "Traceback" not in r.stderr, r.stderr
