"""The ``skymaps`` command line (click)."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="skymaps")
def main() -> None:
    """Sky tessellations for survey pipelines: define, inspect and register skymaps."""


from .coverage import coverage_command  # noqa: E402
from .headers import from_headers_command, ingest_table_command  # noqa: E402
from .plot import plot_command  # noqa: E402
from .register import register_command  # noqa: E402

main.add_command(register_command)
main.add_command(coverage_command)
main.add_command(from_headers_command)
main.add_command(ingest_table_command)
main.add_command(plot_command)

__all__ = ["main"]
