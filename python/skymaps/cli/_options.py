"""What every ``skymaps`` command shares: how a skymap is named on the command line,
how a table is written, progress bars, and how errors become one clear line.

* :func:`skymap_options` adds ``--preset NAME``, ``-C/--config-file FILE`` and
  ``-c/--config KEY=VALUE`` (repeatable) to a command, in that order, with one help
  text; :func:`resolve_skymap` turns them into the skymap (built once).
* :func:`table_options` adds ``--format table|csv|json|parquet`` and ``-o/--output``;
  :func:`write_table` writes a ``pyarrow.Table`` in that format.
* :class:`OutputFile` is an ``-o`` file whose directory must exist, checked before any
  work; :func:`writing` turns a failed write into one line naming the file.
* :func:`progress_option` adds ``--no-progress``; :func:`progress_bar` is the bar it
  leaves on (only on a terminal).
* :func:`errors_as_messages` turns the library's exceptions into ``Error: ...`` and
  exit status 1 (click's own usage errors exit with 2), never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = [
    "OutputFile",
    "errors_as_messages",
    "progress_bar",
    "progress_enabled",
    "resolve_skymap",
    "skymap_options",
    "table_options",
    "write_table",
    "writing",
]

FORMATS = ("table", "csv", "json", "parquet")
T = TypeVar("T")


class OutputFile(click.Path):
    """A file to write: not a directory, and in a directory that exists (checked when
    the command line is read, so a typo fails before minutes of work)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=str)

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        value = super().convert(value, param, ctx)
        parent = Path(value).parent
        if not parent.is_dir():
            self.fail(f"{value!r}: directory {str(parent)!r} does not exist", param, ctx)
        return value


@contextlib.contextmanager
def writing(output: Any) -> Iterator[None]:
    """An OSError while writing ``output`` as one ``Error: cannot write ...`` line."""
    try:
        yield
    except OSError as err:
        raise click.ClickException(f"cannot write {output}: {err.strerror or err}") from None


def _stack(options: list[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    def apply(f: Any) -> Any:
        for option in reversed(options):
            f = option(f)
        return f

    return apply


def skymap_options(f: Any) -> Any:
    """``--preset``, ``-C/--config-file`` and ``-c/--config``, the same on every command."""
    return _stack(
        [
            click.option(
                "--preset",
                metavar="NAME",
                help="A named skymap: hsc_rings_v1, decam_rings_v1, DC2, lsst_cells_v1, "
                "legacysurvey_bricks, healpix8.",
            ),
            click.option(
                "-C",
                "--config-file",
                metavar="FILE",
                type=click.Path(exists=True, dir_okay=False, path_type=str),
                help="A skymap config file: register-skymap (pex_config) style or TOML.",
            ),
            click.option(
                "-c",
                "--config",
                "overrides",
                multiple=True,
                metavar="KEY=VALUE",
                help="Config override, as for butler register-skymap, e.g. "
                "-c 'skyMap[\"rings\"].numRings=60' (repeatable).",
            ),
        ]
    )(f)


def resolve_skymap(
    preset: str | None, config_file: str | None, overrides: tuple[str, ...] = ()
) -> tuple[str | None, Any]:
    """The config's skymap name and the skymap (built once, ``load_config``).

    Exactly one of ``preset`` and ``config_file``; raises ``click.UsageError`` /
    ``click.BadParameter`` otherwise, and the library's errors for a bad config.
    """
    from ..config import PRESET_FILES, PRESETS, load_config

    if (preset is None) == (config_file is None):
        raise click.UsageError("give exactly one of --preset NAME or -C/--config-file FILE")
    if preset is not None:
        if preset not in PRESET_FILES:
            raise click.BadParameter(
                f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}",
                param_hint="--preset",
            )
        name, skymap = load_config(PRESET_FILES[preset], list(overrides))
        return name or preset, skymap
    return load_config(config_file, list(overrides))


def resolve_named(text: str, overrides: tuple[str, ...] = ()) -> tuple[str, Any]:
    """A skymap given as one word: a preset name, or else a config file path."""
    from ..config import PRESET_FILES, PRESETS

    if text in PRESET_FILES:
        return resolve_skymap(text, None, overrides)  # type: ignore[return-value]
    if not Path(text).is_file():
        raise click.BadParameter(
            f"{text!r} is neither a preset ({', '.join(PRESETS)}) nor a config file"
        )
    name, sky = resolve_skymap(None, text, overrides)
    return name or text, sky


def table_options(f: Any) -> Any:
    """``--format`` and ``-o/--output`` for commands whose result is a table."""
    return _stack(
        [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(FORMATS),
                default=None,
                help="Output format (default: from the -o suffix, else an aligned table).",
            ),
            click.option(
                "-o",
                "--output",
                metavar="FILE",
                type=OutputFile(),
                help="Write to FILE instead of standard output (parquet needs a file).",
            ),
        ]
    )(f)


def progress_enabled(no_progress: bool) -> bool:
    """Progress bars only on a terminal (never in pipes, logs or tests)."""
    return not no_progress and sys.stderr.isatty()


progress_option = click.option("--no-progress", is_flag=True, help="No progress bar.")


def progress_bar(no_progress: bool, desc: str, unit: str) -> Callable[[Iterable[T]], Iterable[T]]:
    """Wraps an iterable in a ``tqdm`` bar named ``desc`` counting ``unit``s, only when
    :func:`progress_enabled`; otherwise returns it unchanged."""
    if not progress_enabled(no_progress):
        return lambda items: items
    from tqdm import tqdm

    return lambda items: tqdm(items, desc=desc, unit=unit)


def _format_of(fmt: str | None, output: str | None) -> str:
    if fmt is not None:
        return fmt
    suffix = Path(output).suffix.lower() if output else ""
    return {".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}.get(
        suffix, "table"
    )


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_cell(v) for v in value) + "]"
    return "" if value is None else str(value)


def _aligned(table: Any) -> str:
    import pyarrow as pa

    names = table.column_names
    rows = [[_cell(v) for v in row.values()] for row in table.to_pylist()]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    # Numbers line up on the right, text on the left.
    right = [pa.types.is_integer(f.type) or pa.types.is_floating(f.type) for f in table.schema]
    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    return "\n".join([line(names)] + [line(r) for r in rows]) + "\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_table(table: Any, fmt: str | None, output: str | None) -> None:
    """Write a ``pyarrow.Table`` as an aligned text table, CSV, JSON (a list of
    objects, floats at full precision) or Parquet, to ``output`` or standard output."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    fmt = _format_of(fmt, output)
    if fmt == "parquet":
        if output is None:
            raise click.UsageError("--format parquet needs -o/--output FILE")
        with writing(output):
            pq.write_table(table, output)
        return
    if fmt == "csv":
        import pyarrow as pa

        sink = pa.BufferOutputStream()
        pacsv.write_csv(_flat(table), sink)
        text = sink.getvalue().to_pybytes().decode()
    elif fmt == "json":
        text = json.dumps(table.to_pylist(), default=_json_default, indent=1) + "\n"
    else:
        text = _aligned(table)
    if output is None:
        click.echo(text, nl=False)
    else:
        with writing(output):
            Path(output).write_text(text)


def _flat(table: Any) -> Any:
    """CSV has no lists: list columns become ``;``-separated text."""
    import pyarrow as pa

    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            text = [None if v is None else ";".join(_cell(x) for x in v)
                    for v in table.column(i).to_pylist()]
            table = table.set_column(i, field.name, pa.array(text, pa.string()))
    return table


@contextlib.contextmanager
def errors_as_messages() -> Iterator[None]:
    """The library's errors (and unreadable files) as one ``Error: ...`` line, exit 1."""
    from ..errors import SkymapsError

    try:
        yield
    except (SkymapsError, ValueError, OSError, LookupError) as err:
        raise click.ClickException(str(err) or type(err).__name__) from None
