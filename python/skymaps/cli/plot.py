"""``skymaps plot``: a picture (PNG/PDF/SVG) or an interactive HTML page of a skymap."""

from __future__ import annotations

from pathlib import Path

import click

from ._options import OutputFile, resolve_skymap, skymap_options, writing

__all__ = ["plot_command"]


def _read_points(path: str):
    """lon/lat columns (``ra``/``dec`` or ``lon``/``lat``, any case) of a CSV or
    Parquet table, degrees."""
    import numpy as np
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from ..errors import SkymapsIOError

    try:
        table = pq.read_table(path) if path.endswith((".parquet", ".pq")) else pacsv.read_csv(path)
    except Exception as err:  # pyarrow raises several types for unreadable files
        raise SkymapsIOError(f"{path}: cannot read the table: {err}") from err
    names = {n.lower(): n for n in table.column_names}
    for lon_name, lat_name in (("ra", "dec"), ("lon", "lat")):
        if lon_name in names and lat_name in names:
            return (
                np.asarray(table.column(names[lon_name]).to_numpy(), dtype=np.float64),
                np.asarray(table.column(names[lat_name]).to_numpy(), dtype=np.float64),
            )
    raise SkymapsIOError(f"{path}: needs columns ra/dec or lon/lat, has {table.column_names}")


def _read_moc(path: str):
    try:
        from mocpy import MOC
    except ImportError as err:
        raise click.ClickException(f"--moc needs mocpy (pip install mocpy): {err}") from None
    try:
        return MOC.from_fits(path)
    except Exception as err:  # mocpy raises several types for unreadable files
        raise OSError(f"{path}: not a MOC FITS file: {err}") from err


@click.command("plot")
@skymap_options
@click.option("--tract", type=int, help="Zoom on this tract (with its patches).")
@click.option(
    "--center",
    nargs=2,
    type=float,
    metavar="LON LAT",
    help="Zoom on the sky around this point (degrees) instead.",
)
@click.option(
    "--radius", type=float, default=2.0, show_default=True, help="With --center: degrees."
)
@click.option(
    "--frame",
    type=click.Choice(["tract", "tan"]),
    default="tract",
    show_default=True,
    help="With --tract: the tract's own WCS, or a TAN projection centred on it.",
)
@click.option("--outer/--no-outer", default=None, help="Also outline outer regions "
              "(default: in zoomed views).")
@click.option("--cells", is_flag=True, help="Outline the cells of one patch (see --patch).")
@click.option("--patch", type=int, help="With --cells: the patch (default: at the centre).")
@click.option("--no-labels", is_flag=True, help="No tract/patch ids.")
@click.option("--center-lon", type=float, default=180.0, show_default=True,
              help="All-sky view: RA at the centre of the map.")
@click.option("--footprint", "footprints", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Overlay footprints: FITS images (WCS) or a CSV/Parquet table with a "
              "'region' column (repeatable).")
@click.option("--points", "points", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Overlay points: CSV/Parquet with ra/dec (or lon/lat) columns (repeatable).")
@click.option("--moc", "mocs", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Overlay a MOC FITS file (needs mocpy; repeatable).")
@click.option("-o", "--output", type=OutputFile(),
              help="Write a picture (PNG, PDF or SVG, by suffix).")
@click.option("--html", type=OutputFile(),
              help="Write one self-contained HTML page to pan, zoom and hover for ids.")
@click.option("--dpi", type=int, default=120, show_default=True)
def plot_command(preset, config_file, overrides, tract, center, radius, frame, outer, cells,
                 patch, no_labels, center_lon, footprints, points, mocs, output, html, dpi):
    """Draw a skymap: the whole sky (Mollweide), or one tract (--tract N) or the sky
    around a point (--center LON LAT) with tracts, patches and ids; footprints, points
    and MOCs on top. Writes a picture (-o out.png) and/or an HTML page (--html out.html).

    \b
    Examples:
      skymaps plot --preset hsc_rings_v1 -o sky.png
      skymaps plot --preset hsc_rings_v1 --tract 9813 -o tract.png --html tract.html
      skymaps plot --preset hsc_rings_v1 --center 0 0 --radius 3 -o ra0.png
    """
    if output is None and html is None:
        raise click.UsageError("give -o/--output FILE (a picture) and/or --html FILE")
    if output is not None and Path(output).suffix.lower() not in (".png", ".pdf", ".svg"):
        raise click.BadParameter(f"{output!r}: use a .png, .pdf or .svg name",
                                 param_hint="-o/--output")
    if tract is not None and center is not None:
        raise click.UsageError("give --tract or --center, not both")
    try:
        from .. import plot
    except ImportError as err:
        raise click.ClickException(
            f"plots need the 'plot' extra (pip install 'skymaps[plot]'): {err}") from None
    from ..errors import SkymapsError
    from .coverage import _footprints

    try:
        name, sky = resolve_skymap(preset, config_file, overrides)
        labels = None if not no_labels else False
        if tract is None and center is None:
            regions = ("inner", "outer") if outer else ("inner",)
            scene = plot.allsky(sky, center_lon=center_lon, regions=regions, labels=labels,
                                hover=html is not None,
                                title=f"{name}: {len(sky)} tracts")
        else:
            regions = ("inner",) if outer is False else ("inner", "outer")
            scene = plot.zoom(sky, tract, center=center, radius=radius, frame=frame,
                              regions=regions, cells=cells, patch=patch,
                              labels=labels is None, hover=html is not None)
            scene.title = f"{name}: " + scene.title.split(": ", 1)[1]
        for label, region in _footprints(footprints, False, False):
            scene.add_region(region, label=label)
        for path in points:
            scene.add_points(*_read_points(path), label=path)
        for path in mocs:
            scene.add_moc(_read_moc(path), label=path)
        if output is not None:
            with writing(output):
                scene.savefig(output, dpi=dpi)
            click.echo(f"wrote {output}", err=True)
        if html is not None:
            with writing(html):
                scene.to_html(html)
            click.echo(f"wrote {html}", err=True)
    except (SkymapsError, ValueError, OSError, LookupError) as err:
        raise click.ClickException(str(err) or type(err).__name__) from None
