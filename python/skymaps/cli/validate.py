"""``skymaps validate``: measure a skymap's coverage, overlaps and distortion; exit 1
on a problem."""

from __future__ import annotations

import click

from ._options import (
    errors_as_messages,
    progress_bar,
    progress_option,
    resolve_skymap,
    skymap_options,
    table_options,
    write_table,
)

__all__ = ["validate_command"]


@click.command("validate", short_help="Check coverage without gaps, overlaps and distortion.")
@skymap_options
@click.option(
    "--points",
    type=click.IntRange(min=1000),
    default=400_000,
    show_default=True,
    help="Lattice points over the sphere (tract boundary points are added).",
)
@click.option(
    "--max-tracts",
    type=click.IntRange(min=1),
    default=25_000,
    show_default=True,
    help="Measure overlaps and distortion on an even sample above this many tracts.",
)
@click.option(
    "--max-distortion",
    type=click.FloatRange(min=0),
    default=None,
    help="Also fail if a tract's pixel scale deviates by more than this fraction.",
)
@table_options
@progress_option
def validate_command(preset, config_file, overrides, points, max_tracts, max_distortion, fmt,
                     output, no_progress):
    """Check that a skymap has no gaps and overlaps as configured.

    \b
    * coverage: every point of a dense lattice, and points on and just either side
      of every tract boundary, has an owning tract whose inner region holds it
      and whose pixel box (a patch) reaches it;
    * tract overlap: neighbouring outer regions overlap by at least tractOverlap;
    * patch overlap: patch inner boxes tile each tract, outer boxes overlap by
      2 x patch border;
    * distortion: the worst local pixel scale of each tract against pixelScale.

    Prints a summary; exits with status 1 if there is a problem. With -o FILE the
    per-tract measurements (overlap in degrees, distortion) are written there.
    """
    import pyarrow as pa

    from ..validate import validate

    with errors_as_messages():
        _, skymap = resolve_skymap(preset, config_file, overrides)
        report = validate(
            skymap,
            num_points=points,
            max_tracts=max_tracts,
            progress=progress_bar(no_progress, "measuring tracts", "tract"),
        )
    if max_distortion is not None and report.distortion_max > max_distortion:
        report.problems.append(
            f"pixel-scale distortion {report.distortion_max:.4%} at tract "
            f"{report.distortion_worst_tract} exceeds {max_distortion:.4%}"
        )
    if output is not None:
        write_table(pa.table(report.per_tract), fmt, output)
    click.echo(report.summary())
    if not report.ok:
        raise click.exceptions.Exit(1)
