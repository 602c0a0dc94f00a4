"""``skymaps diff A B``: config fields, hash and geometry changes between two skymaps."""

from __future__ import annotations

import click

from ._options import (
    errors_as_messages,
    progress_bar,
    progress_option,
    resolve_named,
    resolve_skymap,
    skymap_options,
    table_options,
    write_table,
)

__all__ = ["diff_command"]


def _pair(skymaps, preset, config_file, overrides):
    """The two skymaps to compare, from the arguments and the shared options."""
    given = list(skymaps)
    if preset is not None or config_file is not None:
        if not given and overrides:
            # One skymap and overrides: compare it before and after them.
            given.append(resolve_skymap(preset, config_file, ()))
        given.append(resolve_skymap(preset, config_file, overrides))
    elif overrides:
        if len(given) == 1:
            text = given[0]
            given = [text, (text, overrides)]
        elif len(given) == 2:
            given[1] = (given[1], overrides)
    if len(given) != 2:
        raise click.UsageError(
            "give two skymaps: A B (preset names or config files), or one of them as "
            "--preset/-C, or one skymap and -c overrides to compare it with"
        )
    out = []
    for item in given:
        if isinstance(item, str):
            out.append(resolve_named(item))
        elif isinstance(item[1], tuple):
            out.append(resolve_named(item[0], item[1]))
        else:
            out.append(item)
    return out


@click.command("diff", short_help="Compare two skymaps: config, hash and geometry.")
@click.argument("skymaps", nargs=-1, metavar="[A] [B]")
@skymap_options
@table_options
@progress_option
def diff_command(skymaps, preset, config_file, overrides, fmt, output, no_progress):
    """Compare two skymaps: config fields, hash, and which tracts and patches changed
    geometry, with the largest vertex shift.

    A and B are preset names or config files. -c overrides apply to B (so
    `skymaps diff hsc_rings_v1 -c 'skyMap["rings"].pixelScale=0.2'` shows what the
    override changes); --preset/-C name B when only A is given.

    Exits with status 0 whether or not they differ. With -o FILE (or --format) the
    changed tracts and their largest vertex shift (arcsec) are written as a table.
    """
    import pyarrow as pa

    from ..diff import diff_skymaps

    with errors_as_messages():
        (name_a, a), (name_b, b) = _pair(skymaps, preset, config_file, overrides)
        result = diff_skymaps(
            a, b, progress=progress_bar(no_progress, "comparing tracts", "tract")
        )
    if fmt is not None or output is not None:
        write_table(
            pa.table({"tract": result.tracts_changed, "shift_arcsec": result.tract_shift_arcsec}),
            fmt,
            output,
        )
        if output is None:
            return
    click.echo(f"A: {name_a}\nB: {name_b}")
    click.echo(result.summary())
