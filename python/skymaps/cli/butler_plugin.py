"""``butler register-skymaps``: the skymaps registration as a ``butler`` subcommand.

Declared through the ``butler.cli`` entry point (pyproject.toml). Named
``register-skymaps`` so that it never clashes with pipe_tasks' ``register-skymap``.
It is ``skymaps register`` under another name: same options, same code.
"""

from __future__ import annotations

import click

from .register import register_command

__all__ = ["get_cli_subcommands", "register_skymaps"]

register_skymaps = click.Command(
    "register-skymaps",
    params=register_command.params,
    callback=register_command.callback,
    short_help="Register a skymap fast, all or nothing (skymaps).",
    help=(
        "Register a skymap into REPO with skymaps: the same records as register-skymap, "
        "all or nothing, in seconds. REPO is created (SQLite) if it does not exist (or is "
        "an empty directory), and removed again if the registration fails or is "
        "interrupted."
    ),
)


def get_cli_subcommands() -> list[click.Command]:
    """Entry point for ``butler.cli``: the commands skymaps adds to ``butler``."""
    return [register_skymaps]
