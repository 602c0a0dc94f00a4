"""docs/cli.md and docs/journeys/interchange.md run as written.

The journey runs as tests/python/test_docs_journeys.py runs every journey (fresh temp
dir, ```bash through bash -euo pipefail with this environment's ``skymaps`` first on
PATH, ```python blocks in one namespace, in order). The CLI reference must name every
command and option the CLI has, and its examples must run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from skymaps.cli import main

BLOCK = re.compile(r"^```(bash|python)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
CLI_DOC = REPO / "docs" / "cli.md"
JOURNEY = REPO / "docs" / "journeys" / "interchange.md"


def _run_blocks(path: Path, cwd: Path) -> None:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    namespace: dict = {"__name__": "journey"}
    found = BLOCK.findall(path.read_text())
    assert found, f"{path.name} has no block to run"
    for number, (language, code) in enumerate(found, 1):
        where = f"{path.name}, block {number} ({language})"
        if language == "bash":
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=cwd, env=env,
                                  capture_output=True, text=True, timeout=900)
            assert done.returncode == 0, f"{where} failed:\n{code}\n{done.stderr[-3000:]}"
        else:
            exec(compile(code, where, "exec"), namespace)


def test_interchange_journey_runs(tmp_path, monkeypatch):
    pytest.importorskip("mocpy")
    pytest.importorskip("regions")
    monkeypatch.chdir(tmp_path)
    _run_blocks(JOURNEY, tmp_path)
    assert (tmp_path / "tract9813.reg").read_text().count("polygon(") == 1
    assert (tmp_path / "four_patches.txt").exists()


def test_cli_reference_names_every_command_and_option():
    text = CLI_DOC.read_text()
    for name, command in main.commands.items():
        assert f"## `skymaps {name}" in text, f"docs/cli.md has no section for {name}"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}" in text or f"{opt} " in text, f"{name} {opt} undocumented"


def test_cli_reference_examples_run(tmp_path):
    _run_blocks(CLI_DOC, tmp_path)
    assert (tmp_path / "per_tract.parquet").exists() and (tmp_path / "changed.csv").exists()
