"""The ``skymaps`` command line (click)."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="skymaps")
def main() -> None:
    """Sky tessellations for survey pipelines: define, inspect and register skymaps."""


__all__ = ["main"]
