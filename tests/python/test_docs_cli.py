"""docs/cli.md: the CLI reference names every command and option the CLI has, and its
examples run as written (the way tests/python/test_docs_journeys.py runs the journeys)."""

from __future__ import annotations

from conftest import REPO
from docs_support import run_blocks

from skymaps.cli import main

CLI_DOC = REPO / "docs" / "cli.md"


def test_cli_reference_names_every_command_and_option():
    text = CLI_DOC.read_text()
    for name, command in main.commands.items():
        assert f"## `skymaps {name}" in text, f"docs/cli.md has no section for {name}"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}" in text or f"{opt} " in text, f"{name} {opt} undocumented"


def test_cli_reference_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_blocks(CLI_DOC, tmp_path)
    assert (tmp_path / "per_tract.parquet").exists() and (tmp_path / "changed.csv").exists()
