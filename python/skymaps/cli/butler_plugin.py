"""``butler register-skymaps``: the skymaps registration as a ``butler`` subcommand.

Declared through the ``butler.cli`` entry point (pyproject.toml). Named
``register-skymaps`` so that it never clashes with pipe_tasks' ``register-skymap``.
"""

from __future__ import annotations

import click

from .register import _options, run_register

__all__ = ["get_cli_subcommands", "register_skymaps"]


@click.command("register-skymaps", short_help="Register a skymap fast, all or nothing (skymaps).")
@_options
def register_skymaps(
    repo,
    preset,
    config_file,
    overrides,
    name,
    dry_run,
    no_progress,
    export_yaml,
    export_parquet,
    no_dataset,
):
    """Register a skymap into REPO with skymaps: same records as register-skymap, in
    one transaction, in seconds. REPO is created (SQLite) if it does not exist."""
    run_register(
        repo,
        preset,
        config_file,
        overrides,
        name,
        dry_run,
        not no_progress,
        export_yaml,
        export_parquet,
        not no_dataset,
    )


def get_cli_subcommands() -> list[click.Command]:
    """Entry point for ``butler.cli``: the commands skymaps adds to ``butler``."""
    return [register_skymaps]
