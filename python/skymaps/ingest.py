"""The table ``butler ingest-files`` reads, for coadds hosted as a ``headers`` skymap.

Each row is one image: its file URI (with ``#hdu=K``, read by
:class:`skymaps.butler.fits_image.FitsImageFormatter`), then its data ID: ``skymap``,
``tract``, ``patch`` (0; only when every tract is one patch, the default) and ``band``.

The band comes from the first header keyword of :data:`DEFAULT_BAND_KEYWORDS` present
in the image's HDU or else in the file's primary header; ``band_map`` maps raw values to
band names, and otherwise the first word of the value is the band (DECam's
``"g DECam SDSS c0001 4720.0 1520.0"`` gives ``g``):

=================  =====================================================
Survey             Keyword
=================  =====================================================
Legacy Surveys     ``BAND`` (``g``, ``r``, ``z``)
DES (DESDM tiles)  ``BAND``, then ``FILTER``
DECam              ``FILTER`` (first word)
WFCAM (CASU)       ``FILTER`` (``J``, ``H``, ``K``)
VISTA (VIRCAM)     ``HIERARCH ESO INS FILT1 NAME`` (``Ks``, ``J``, ...)
=================  =====================================================

With an ``instrument`` (one already in the repository, with its ``physical_filter``
records), each row also gets ``instrument`` and ``physical_filter``: the whole value of
the first keyword of :data:`DEFAULT_FILTER_KEYWORDS` present (DECam's full ``FILTER``
string is its physical filter name), or its entry in ``physical_filter_map``. Without
an instrument those columns are not written, so no instrument is needed.

Every image must be a tract of the skymap with the same WCS (the same name and header
values as ``from_headers`` read); any other image is an error, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import InvalidConfigError
from .headers import read_inputs, tract_entry
from .skymap import SkyMap

__all__ = [
    "DEFAULT_BAND_KEYWORDS",
    "DEFAULT_FILTER_KEYWORDS",
    "band_of",
    "physical_filter_of",
    "ingest_rows",
    "write_ingest_table",
]

#: Header keywords that give the band, in the order they are tried.
DEFAULT_BAND_KEYWORDS: tuple[str, ...] = (
    "BAND",
    "FILTER",
    "HIERARCH ESO INS FILT1 NAME",
    "FILTNAME",
    "FILTER1",
)


#: Header keywords that give the physical filter, in the order they are tried.
DEFAULT_FILTER_KEYWORDS: tuple[str, ...] = (
    "FILTER",
    "HIERARCH ESO INS FILT1 NAME",
    "FILTNAME",
    "FILTER1",
    "BAND",
)


def _keyword_value(headers: Sequence[Any], keywords: Sequence[str]) -> str | None:
    """The stripped value of the first of ``keywords`` set (HDU first, then primary)."""
    for key in keywords:
        for h in headers:
            if h is not None and key in h and str(h[key]).strip():
                return str(h[key]).strip()
    return None


def band_of(
    headers: Sequence[Any],
    keywords: Sequence[str] = DEFAULT_BAND_KEYWORDS,
    band_map: Mapping[str, str] | None = None,
) -> str | None:
    """The band of an image from its headers (HDU first, then primary), or None."""
    raw = _keyword_value(headers, keywords)
    if raw is None:
        return None
    if band_map and raw in band_map:
        return band_map[raw]
    return raw.split()[0]


def physical_filter_of(
    headers: Sequence[Any],
    keywords: Sequence[str] = DEFAULT_FILTER_KEYWORDS,
    filter_map: Mapping[str, str] | None = None,
) -> str | None:
    """The physical filter of an image: the whole value of its filter keyword, or its
    entry in ``filter_map``; None without one."""
    raw = _keyword_value(headers, keywords)
    if raw is None:
        return None
    return (filter_map or {}).get(raw, raw)


def ingest_rows(
    skymap: SkyMap,
    skymap_name: str,
    files: Iterable[Any],
    *,
    band_keywords: Sequence[str] = DEFAULT_BAND_KEYWORDS,
    band_map: Mapping[str, str] | None = None,
    instrument: str | None = None,
    physical_filter_map: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One row per image of ``files``: ``file`` (URI with ``#hdu=K``), ``skymap``,
    ``tract``, ``patch`` (one-patch tracts only) and ``band``; with an ``instrument``,
    also ``instrument`` and ``physical_filter``.

    Raises
    ------
    InvalidConfigError
        Naming the file and HDU: an image that is not a tract of ``skymap`` or whose WCS
        differs from its tract's, or an image without a band keyword (or, with an
        instrument, without a filter keyword).
    """
    if physical_filter_map and instrument is None:
        raise InvalidConfigError("a physical filter map needs an instrument")
    cfg = skymap.config
    if cfg.get("skymap_class") != "headers":
        raise InvalidConfigError(
            f"ingest tables are for headers skymaps (from_headers), got {cfg.get('skymap_class')!r}"
        )
    ids = {e["name"]: i for i, e in enumerate(cfg["tracts"])}
    one_patch = list(cfg["patchGrid"]) == [1, 1]
    rows = []
    for item in read_inputs(files):
        tract = ids.get(item.name)
        if tract is None:
            raise InvalidConfigError(
                f"{item.where}: image {item.name!r} is not a tract of skymap {skymap_name!r}; "
                "add it with from-headers --base"
            )
        stored = dict(cfg["tracts"][tract])
        entry = tract_entry(item)
        # The location may differ (files moved); the image and its WCS may not.
        for key in ("file",):
            stored.pop(key, None)
            entry.pop(key, None)
        if entry != stored:
            raise InvalidConfigError(
                f"{item.where}: the header of {item.name!r} differs from tract {tract} of "
                f"skymap {skymap_name!r}; rebuild the skymap from the current files"
            )
        band = band_of((item.header, item.primary), band_keywords, band_map)
        if band is None:
            raise InvalidConfigError(
                f"{item.where}: no band keyword (tried {', '.join(band_keywords)}); pass "
                "--band-keyword KEY"
            )
        row: dict[str, Any] = {
            "file": f"{Path(item.file).resolve().as_uri()}#hdu={item.hdu}",
            "skymap": skymap_name,
            "tract": tract,
        }
        if one_patch:
            row["patch"] = 0
        row["band"] = band
        if instrument is not None:
            physical = physical_filter_of((item.header, item.primary),
                                          filter_map=physical_filter_map)
            if physical is None:
                raise InvalidConfigError(
                    f"{item.where}: no filter keyword for the physical filter (tried "
                    f"{', '.join(DEFAULT_FILTER_KEYWORDS)})"
                )
            row["instrument"] = instrument
            row["physical_filter"] = physical
        rows.append(row)
    return rows


def write_ingest_table(rows: Sequence[Mapping[str, Any]], path: str | Path) -> Path:
    """Write ``rows`` as an ECSV table (``butler ingest-files`` reads it)."""
    from astropy.table import Table

    if not rows:
        raise InvalidConfigError("no images to write into the ingest table")
    path = Path(path)
    names = list(rows[0])
    Table(rows=[[r[n] for n in names] for r in rows], names=names).write(
        path, format="ascii.ecsv", overwrite=True
    )
    return path
