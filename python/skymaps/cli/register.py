"""``skymaps register``: register a skymap into a butler repository (creating it if needed)."""

from __future__ import annotations

import functools
import sys

import click

from ._options import progress_option, skymap_options
from ._options import resolve_skymap as _resolve

__all__ = ["EXIT_INTERRUPTED", "register_command", "run_register"]

#: Exit status after Ctrl-C: 128 + SIGINT, as a shell reports a process it interrupted.
EXIT_INTERRUPTED = 130


def _interrupt_aborts(command):
    """Ctrl-C at any moment prints ``Aborted!`` and exits with status 130 (128 + SIGINT,
    the shell's convention); the registration leaves the repository as it was."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            click.echo("Aborted!", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None

    return run


@_interrupt_aborts
def run_register(
    repo: str,
    preset: str | None,
    config_file: str | None,
    overrides: tuple[str, ...],
    name: str | None,
    dry_run: bool,
    progress: bool,
    export_yaml: str | None = None,
    export_parquet: str | None = None,
    store_skymap: bool = True,
) -> None:
    """The shared body of ``skymaps register`` and ``butler register-skymaps``."""
    try:
        from .. import butler as skybutler
        from ..errors import SkymapsError
    except ImportError as err:  # the butler extra is missing
        raise click.ClickException(
            f"butler support needs the 'butler' extra (pip install 'skymaps[butler]'): {err}"
        ) from err
    try:
        config_name, skymap = _resolve(preset, config_file, overrides)
        name = name or config_name
        if not name:
            raise click.UsageError(
                "the config does not set a skymap name: pass --name or -c name=NAME"
            )
        records = None
        if export_yaml or export_parquet:
            click.echo(f"computing the records of skymap {name!r} ...", err=True)
            records = skybutler.dimension_records(skymap, name)
        if export_yaml:
            skybutler.export_yaml(records, export_yaml)
            click.echo(f"wrote {export_yaml}", err=True)
        if export_parquet:
            skybutler.export_parquet(records, export_parquet)
            click.echo(f"wrote {export_parquet}/", err=True)
        click.echo(f"registering skymap {name!r} into {repo} ...", err=True)
        result = skybutler.register(
            repo,
            skymap,
            name,
            dry_run=dry_run,
            records=records,
            store_skymap=store_skymap,
            progress=progress and sys.stderr.isatty(),
            echo=lambda m: click.echo(m, err=True),
        )
    except SkymapsError as err:
        raise click.ClickException(str(err)) from None
    click.echo(result.summary())


def _options(f):
    options = [
        click.argument("repo", type=click.Path(path_type=str)),
        skymap_options,
        click.option("--name", help="Register under this name (default: the config's name)."),
        click.option(
            "--dry-run",
            is_flag=True,
            help="Print counts, hash and what would change; write nothing.",
        ),
        progress_option,
        click.option(
            "--export-yaml",
            type=click.Path(dir_okay=False, path_type=str),
            help="Also write the records as a YAML file for `butler import`.",
        ),
        click.option(
            "--export-parquet",
            type=click.Path(file_okay=False, path_type=str),
            help="Also write the records as Parquet files into this directory.",
        ),
        click.option(
            "--no-dataset",
            is_flag=True,
            help="Do not store the skyMap dataset (only the dimension records).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.command("register", short_help="Register a skymap into a butler repository.")
@_options
def register_command(
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
    """Register a skymap into the butler repository REPO, all or nothing.

    REPO is created as a local SQLite repository if it does not exist (or is an empty
    directory); if the registration then fails or is interrupted (Ctrl-C), it is removed
    again. Re-running with the same skymap writes nothing; a different skymap under a
    registered name (or the same skymap under another name) is refused and nothing is
    written.
    """
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
