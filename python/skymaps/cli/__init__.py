"""The ``skymaps`` command line (click)."""

from __future__ import annotations

import sys

import click

from .. import __version__


class _Group(click.Group):
    """The ``skymaps`` group: any error is one ``Error: ...`` line on stderr (no usage
    block, never a traceback); exit status 2 for usage errors, 1 otherwise."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as err:
            hint = "" if isinstance(err, click.BadParameter) or not isinstance(
                err, click.UsageError) else " (see --help)"
            click.echo(f"Error: {err.format_message()}{hint}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="skymaps")
def main() -> None:
    """Sky tessellations for survey pipelines: define, inspect and register skymaps."""


from .coverage import coverage_command  # noqa: E402
from .diff import diff_command  # noqa: E402
from .export import export_command  # noqa: E402
from .find import find_command  # noqa: E402
from .headers import from_headers_command, ingest_table_command  # noqa: E402
from .info import info_command  # noqa: E402
from .plot import plot_command  # noqa: E402
from .register import register_command  # noqa: E402
from .validate import validate_command  # noqa: E402

main.add_command(register_command)
main.add_command(coverage_command)
main.add_command(from_headers_command)
main.add_command(ingest_table_command)
main.add_command(plot_command)
main.add_command(info_command)
main.add_command(find_command)
main.add_command(validate_command)
main.add_command(diff_command)
main.add_command(export_command)

from .._startup import restore_interrupt  # noqa: E402

restore_interrupt()  # loaded: from here click turns Ctrl-C into "Aborted!"

__all__ = ["main"]
