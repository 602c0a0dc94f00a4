"""``skymaps from-headers`` and ``skymaps ingest-table``: host other surveys' coadds."""

from __future__ import annotations

import click

from ._options import OutputFile

__all__ = ["from_headers_command", "ingest_table_command"]


def _fail(err: Exception) -> click.ClickException:
    # One line, no traceback: the message names the file and HDU.
    return click.ClickException(str(err).replace("\n", " "))


def _pairs(items: tuple[str, ...], form: str, option: str) -> dict[str, str]:
    """``RAW=VALUE`` options as a mapping."""
    out = {}
    for item in items:
        raw, sep, value = item.partition("=")
        if not sep or not value:
            raise click.BadParameter(f"expected {form}, got {item!r}", param_hint=option)
        out[raw] = value
    return out


@click.command("from-headers")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=OutputFile(),
              help="The skymap config to write (TOML).")
@click.option("-n", "--name", required=True, help="The skymap name to register it under.")
@click.option("--patch-grid", nargs=2, type=int, default=(1, 1), show_default=True,
              help="Patches per image along x and y (must divide every image).")
@click.option("--patch-border", type=int, default=0, show_default=True,
              help="Border of the patches, pixels.")
@click.option("--base", type=click.Path(exists=True, dir_okay=False),
              help="A headers skymap config to grow: its tracts keep their ids.")
def from_headers_command(files, output, name, patch_grid, patch_border, base) -> None:
    """Make a skymap with one tract per coadd image of FILES (each image HDU of a
    multi-extension file is one coadd), with the images' own WCS."""
    from ..config import load_config
    from ..errors import SkymapsError
    from ..headers import from_headers, save

    try:
        base_skymap = load_config(base)[1] if base else None
        sky = from_headers(files, patch_grid=patch_grid, patch_border=patch_border,
                           base=base_skymap)
        save(sky, output, name)
    except (SkymapsError, OSError) as err:
        raise _fail(err) from None
    click.echo(f"wrote {output}: skymap {name!r} version {sky.config['version']}, "
               f"{len(sky)} tracts, hash {sky.hash.hex()}")


@click.command("ingest-table")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--skymap", "skymap_name", required=True, help="The registered skymap name.")
@click.option("-C", "--config-file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The headers skymap config (from from-headers).")
@click.option("-o", "--output", required=True, type=OutputFile(),
              help="The table to write (ECSV), for butler ingest-files.")
@click.option("--band-keyword", "band_keywords", multiple=True,
              help="Header keyword giving the band (repeatable; default: BAND, FILTER, "
                   "HIERARCH ESO INS FILT1 NAME, FILTNAME, FILTER1).")
@click.option("--band-map", "band_map", multiple=True,
              help="RAW=BAND: map a raw keyword value to a band name (repeatable).")
@click.option("--instrument", metavar="NAME",
              help="Also write instrument and physical_filter columns, for an instrument "
                   "the repository already has (with its physical_filter records).")
@click.option("--physical-filter-map", "filter_map", multiple=True,
              help="RAW=NAME: map a raw filter keyword value to a physical filter name "
                   "(repeatable; needs --instrument; default: the raw value).")
def ingest_table_command(files, skymap_name, config_file, output, band_keywords, band_map,
                         instrument, filter_map) -> None:
    """Write the table `butler ingest-files` reads for FILES: each image's file URI and
    data ID (skymap, tract, patch, band; with --instrument, also instrument and
    physical_filter)."""
    from ..config import load_config
    from ..errors import SkymapsError
    from ..ingest import DEFAULT_BAND_KEYWORDS, ingest_rows, write_ingest_table

    mapping = _pairs(band_map, "RAW=BAND", "--band-map")
    filters = _pairs(filter_map, "RAW=NAME", "--physical-filter-map")
    if filters and not instrument:
        raise click.UsageError("--physical-filter-map needs --instrument")
    if instrument is not None and not instrument.strip():
        raise click.BadParameter("must not be empty", param_hint="--instrument")
    try:
        sky = load_config(config_file)[1]
        rows = ingest_rows(sky, skymap_name, files,
                           band_keywords=band_keywords or DEFAULT_BAND_KEYWORDS,
                           band_map=mapping, instrument=instrument,
                           physical_filter_map=filters)
        write_ingest_table(rows, output)
    except (SkymapsError, OSError) as err:
        raise _fail(err) from None
    click.echo(f"wrote {output}: {len(rows)} images")
