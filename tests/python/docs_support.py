"""Running the fenced examples of a Markdown page as written (journeys, guides, docs/cli.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BLOCK = re.compile(r"^```(bash|python)[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def blocks(path: Path) -> list[tuple[str, str]]:
    """The ```bash and ```python blocks of ``path``, in order (other fences are shown, not run)."""
    return BLOCK.findall(path.read_text())


def docs_env() -> dict:
    """The environment the examples run in: this interpreter's ``skymaps`` first on PATH."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["MPLBACKEND"] = "Agg"
    return env


def run_blocks(path: Path, cwd: Path, namespace: dict | None = None) -> dict:
    """Run every block of ``path`` in ``cwd``: bash through ``bash -euo pipefail``, python in
    one namespace (returned). A failing block fails with its code and output."""
    env = docs_env()
    namespace = {"__name__": "docs_example"} if namespace is None else namespace
    found = blocks(path)
    assert found, f"{path.name} has no bash or python block to run"
    for number, (language, code) in enumerate(found, 1):
        where = f"{path.name}, block {number} ({language})"
        if language == "bash":
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", code],
                cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
            )
            assert done.returncode == 0, (
                f"{where} failed:\n{code}\n--- stdout\n{done.stdout[-3000:]}\n"
                f"--- stderr\n{done.stderr[-3000:]}"
            )
        else:
            exec(compile(code, where, "exec"), namespace)
    return namespace
