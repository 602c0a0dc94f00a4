"""Skymaps made of other surveys' coadds: one tract per image, with the image's own WCS.

:func:`from_headers` reads FITS headers with astropy and builds a ``headers`` skymap:

* every input image becomes one tract: a FITS file with one image, each image HDU of a
  multi-extension file (a header-only primary HDU, ``NAXIS = 0``, is not an image), or
  an ``astropy.io.fits.Header``; HDUs that are not images (tables) are listed in the
  error if a file has no image at all;
* the tract's WCS is the image's own (TAN, TAN-SIP, TPV, ZPN, SIN, ZEA, CAR, STG, CEA,
  with their distortion terms), evaluated in the Rust core; its pixel box is the
  image's ``NAXIS1 x NAXIS2`` pixels (0-based: FITS pixel ``(1, 1)`` is ``(0, 0)``);
* the tract keeps ``name``, ``file`` and ``hdu`` as metadata (``tract_info``);
* a patch grid is optional (``patch_grid=(nx, ny)`` must divide every image; default
  one patch per tract);
* overlapping images are fine: the owner of a point is, among the tracts whose image
  holds it, the one whose image centre is nearest (ties: lower id); the outer and inner
  region of a tract is a convex polygon holding every pixel corner of the image
  (``skymaps.tessellation.footprint`` in the core: at most a thousandth of a pixel
  plus the bulge of its edges between 16 samples larger than the image).

The result is an ordinary :class:`skymaps.SkyMap`: :func:`save` writes it as a TOML
config with every tract's WCS written out (no need for the original files), its hash is
SHA1 over that content (see the core's ``tessellation::hash``), and ``skymaps register``
registers it into a butler.

Growing a collection never renumbers tracts: ``from_headers(new_files, base=old)``
keeps every tract of ``old`` with its id, appends the new images, and gives the result
``version = old.version + 1`` (a new hash, so it is registered under a new skymap name).
An input whose name is already in ``old`` is refused, unless it is the same image with
the same WCS, which is then left out of the new list and reported in the returned
skymap's ``unchanged`` list (nothing is skipped silently).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InvalidConfigError, SkymapsError
from .skymap import SkyMap

__all__ = ["HeaderInput", "from_headers", "read_inputs", "save", "tract_header", "tract_info"]

_PV = re.compile(r"^PV([12])_(\d+)$")
_IMAGE_KINDS = ("PrimaryHDU", "ImageHDU", "CompImageHDU")


@dataclass
class HeaderInput:
    """One image: its tract name, where it came from, and its header."""

    name: str
    file: str
    hdu: int
    header: Any = field(repr=False)
    #: The file's primary header (where MEFs keep keywords common to all images).
    primary: Any = field(default=None, repr=False)

    @property
    def where(self) -> str:
        return f"{self.file} HDU {self.hdu}"


def _open(path: Path) -> Any:
    from astropy.io import fits

    try:
        with warnings.catch_warnings():
            # astropy only warns about a truncated file; that is an error here.
            warnings.simplefilter("error", fits.verify.VerifyWarning)
            warnings.filterwarnings("error", message=".*truncated.*")
            hdus = fits.open(path, memmap=False, lazy_load_hdus=False)
        hdus.verify("exception")
    except FileNotFoundError:
        raise InvalidConfigError(f"{path}: no such file") from None
    except Exception as err:  # astropy raises OSError, ValueError, VerifyError, ...
        raise InvalidConfigError(f"{path}: not a readable FITS file ({err})") from None
    return hdus


def read_inputs(inputs: Iterable[Any]) -> list[HeaderInput]:
    """The images of ``inputs``: FITS paths, ``astropy.io.fits.Header`` objects, or
    ``(name, Header)`` pairs. A header without a name is called ``header<i>``.

    Names: the file stem for a file with one image, ``<stem>_<EXTNAME or HDU index>``
    for each image HDU of a multi-extension file.

    Raises
    ------
    InvalidConfigError
        A missing, truncated or non-FITS file, a file without an image HDU, or two
        images with the same name (naming both files and HDUs).
    """
    from astropy.io import fits

    out: list[HeaderInput] = []
    for i, item in enumerate(inputs):
        if isinstance(item, fits.Header):
            out.append(HeaderInput(f"header{i}", "<header>", 0, item))
            continue
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], fits.Header):
            out.append(HeaderInput(str(item[0]), "<header>", 0, item[1]))
            continue
        path = Path(item)
        with _open(path) as hdus:
            images = [
                (k, h)
                for k, h in enumerate(hdus)
                if type(h).__name__ in _IMAGE_KINDS and h.header.get("NAXIS", 0) >= 2
            ]
            if not images:
                kinds = ", ".join(f"HDU {k} {type(h).__name__}" for k, h in enumerate(hdus))
                raise InvalidConfigError(f"{path}: no image HDU ({kinds})")
            for k, h in images:
                if len(images) == 1:
                    name = path.stem
                else:
                    extname = str(h.header.get("EXTNAME", "")).strip()
                    name = f"{path.stem}_{extname or k}"
                out.append(HeaderInput(name, str(path), k, h.header.copy(), hdus[0].header.copy()))
    seen: dict[str, HeaderInput] = {}
    for item in out:
        if item.name in seen:
            raise InvalidConfigError(
                f"two inputs have the same name {item.name!r}: {seen[item.name].where} and "
                f"{item.where}; rename one of the files"
            )
        seen[item.name] = item
    return out


def _sip_terms(matrix: Any, order: int) -> list[list[Any]]:
    return [
        [p, q, float(matrix[p][q])]
        for p in range(order + 1)
        for q in range(order + 1 - p)
        if matrix[p][q] != 0.0
    ]


def tract_entry(item: HeaderInput) -> dict[str, Any]:
    """The config entry (name, file, hdu, naxis and WCS) of one image.

    Raises
    ------
    InvalidConfigError
        Naming the file and HDU: no celestial WCS, a non-image or cube, axes other than
        RA/Dec in that order, lookup-table distortion, or (from the core) an
        unsupported projection or bad distortion terms.
    """
    from astropy.wcs import WCS

    h = item.header
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = WCS(h)
            w.wcs.set()
    except Exception as err:  # astropy/wcslib raise many kinds for bad WCS keywords
        raise InvalidConfigError(f"{item.where}: the WCS cannot be read ({err})") from None
    if h.get("NAXIS") != 2 or w.naxis != 2:
        raise InvalidConfigError(
            f"{item.where}: expected a 2-d image with a 2-d WCS, got NAXIS={h.get('NAXIS')}"
        )
    if not w.has_celestial or (w.wcs.lng, w.wcs.lat) != (0, 1):
        raise InvalidConfigError(
            f"{item.where}: no celestial WCS with RA on axis 1 and Dec on axis 2 "
            f"(CTYPE1/2 = {h.get('CTYPE1')!r}/{h.get('CTYPE2')!r})"
        )
    tables = (w.cpdis1, w.cpdis2, w.det2im1, w.det2im2)
    if any(t is not None for t in tables):
        raise InvalidConfigError(f"{item.where}: lookup-table distortion is not supported")
    entry: dict[str, Any] = {
        "name": item.name,
        "file": item.file,
        "hdu": item.hdu,
        "naxis": [int(h["NAXIS1"]), int(h["NAXIS2"])],
        # As written: wcslib turns TPV into TAN plus a distortion in w.wcs.ctype.
        "ctype": [str(h["CTYPE1"]).strip(), str(h["CTYPE2"]).strip()],
        "crval": [float(v) for v in w.wcs.crval],
        "crpix": [float(v) for v in w.wcs.crpix],
        "cd": [[float(v) for v in row] for row in w.pixel_scale_matrix],
        "lonpole": float(w.wcs.lonpole),
        "latpole": float(w.wcs.latpole),
    }
    pv = []
    for key in h:
        m = _PV.match(key)
        if m:
            value = h[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidConfigError(f"{item.where}: {key} = {value!r} is not a number")
            pv.append([int(m.group(1)), int(m.group(2)), float(value)])
    if pv:
        entry["pv"] = sorted(pv)
    if w.sip is not None:
        s = w.sip
        if s.a is None or s.b is None:
            raise InvalidConfigError(
                f"{item.where}: SIP terms without both A_ORDER and B_ORDER "
                "(AP/BP alone describe no distortion)"
            )
        sip: dict[str, Any] = {
            "a_order": int(s.a_order),
            "a": _sip_terms(s.a, s.a_order),
            "b_order": int(s.b_order),
            "b": _sip_terms(s.b, s.b_order),
        }
        if s.ap is not None and s.bp is not None:
            sip.update(
                ap_order=int(s.ap_order),
                ap=_sip_terms(s.ap, s.ap_order),
                bp_order=int(s.bp_order),
                bp=_sip_terms(s.bp, s.bp_order),
            )
        entry["sip"] = sip
    return entry


def _config(entries: list[dict[str, Any]], version: int, patch_grid: Sequence[int], border: int):
    return {
        "skymap_class": "headers",
        "version": version,
        "projection": "TAN",
        "pixelScale": 0.333,
        "tractOverlap": 0.0,
        "rotation": 0.0,
        "tractBuilder": {
            "name": "legacy",
            "patchInnerDimensions": [4000, 4000],
            "patchBorder": int(border),
        },
        "tracts": entries,
        "patchGrid": [int(patch_grid[0]), int(patch_grid[1])],
    }


def _checked_entry(item: HeaderInput, patch_grid: Sequence[int], border: int) -> dict[str, Any]:
    """The entry of one image, checked by the core's config parser (projection,
    distortion terms, patch grid) so that an error names this image's file and HDU."""
    from . import _core

    entry = tract_entry(item)
    problem = _core.config_problem(_config([entry], 1, patch_grid, border))
    if problem is not None:
        message = re.sub(r"^tracts\[0\] \([^)]*\): ", "", problem[1])
        raise InvalidConfigError(f"{item.where} ({item.name!r}): {message}")
    return entry


def _build(config: dict[str, Any], items: list[HeaderInput], first: int) -> SkyMap:
    """The skymap; an image whose footprint cannot be built is named by file and HDU."""
    try:
        return SkyMap.from_config(config)
    except SkymapsError as err:
        m = re.search(r"tract (\d+)|tracts\[(\d+)\]", str(err))
        k = int(m.group(1) or m.group(2)) - first if m else -1
        if 0 <= k < len(items):
            raise type(err)(f"{items[k].where} ({items[k].name!r}): {err}") from None
        raise


def from_headers(
    inputs: Iterable[Any],
    *,
    patch_grid: Sequence[int] = (1, 1),
    patch_border: int = 0,
    base: SkyMap | None = None,
) -> SkyMap:
    """A ``headers`` skymap with one tract per input image (see the module docs).

    Parameters
    ----------
    inputs : iterable
        FITS file paths, ``astropy.io.fits.Header`` objects or ``(name, Header)`` pairs.
    patch_grid : (int, int)
        Patches per image along x and y (must divide every image's size).
    patch_border : int
        Border of the patches, pixels.
    base : SkyMap, optional
        A ``headers`` skymap to grow: its tracts keep their ids, the new images are
        appended, and the version is one more than the base's.

    Raises
    ------
    InvalidConfigError
        Naming the file and HDU of a bad input (see :func:`read_inputs` and
        :func:`tract_entry`); nothing is built.

    Examples
    --------
    >>> from astropy.io import fits
    >>> h = fits.Header({"NAXIS": 2, "NAXIS1": 100, "NAXIS2": 80, "CTYPE1": "RA---TAN",
    ...                  "CTYPE2": "DEC--TAN", "CRVAL1": 150.0, "CRVAL2": 2.0,
    ...                  "CRPIX1": 50.5, "CRPIX2": 40.5, "CD1_1": -1e-4, "CD2_2": 1e-4})
    >>> sky = from_headers([("tile1", h)])
    >>> len(sky), int(sky.find_tract(150.0, 2.0)), int(sky.find_tract(151.0, 2.0))
    (1, 0, -1)
    """
    items = read_inputs(inputs)
    old: list[dict[str, Any]] = []
    version = 1
    if base is not None:
        cfg = base.config
        if cfg.get("skymap_class") != "headers":
            raise InvalidConfigError(
                f"base must be a headers skymap, got a {cfg.get('skymap_class')!r} skymap"
            )
        old, version = list(cfg["tracts"]), int(cfg["version"]) + 1
        patch_grid, patch_border = cfg["patchGrid"], cfg["tractBuilder"]["patchBorder"]
    by_name = {e["name"]: e for e in old}
    entries = []
    for item in items:
        entry = _checked_entry(item, patch_grid, patch_border)
        if item.name in by_name:
            raise InvalidConfigError(
                f"{item.where}: a tract named {item.name!r} is already in the base skymap "
                f"(from {by_name[item.name]['file']} HDU {by_name[item.name]['hdu']}); "
                "tract names must stay unique and existing tracts are never replaced"
            )
        entries.append(entry)
    if not old and not entries:
        raise InvalidConfigError("from_headers needs at least one input image")
    return _build(_config(old + entries, version, patch_grid, patch_border), items, len(old))


def tract_info(skymap: SkyMap, tract_id: int) -> dict[str, Any]:
    """The config entry of a tract of a ``headers`` skymap: ``name``, ``file``, ``hdu``,
    ``naxis`` and the WCS values.

    Raises
    ------
    InvalidConfigError
        For a skymap of another kind; IdError for an unknown tract id.
    """
    from .errors import IdError

    cfg = skymap.config
    if cfg.get("skymap_class") != "headers":
        raise InvalidConfigError(f"not a headers skymap: {cfg.get('skymap_class')!r}")
    tracts = cfg["tracts"]
    if not 0 <= int(tract_id) < len(tracts):
        raise IdError(f"tract id {tract_id} is outside [0, {len(tracts)})")
    return tracts[int(tract_id)]


def tract_header(skymap: SkyMap, tract_id: int) -> Any:
    """The FITS header (``astropy.io.fits.Header``) of a tract of a ``headers`` skymap:
    the image's WCS with every PV and SIP term, written from the config alone."""
    from astropy.io import fits

    e = tract_info(skymap, tract_id)
    h = fits.Header()
    h["NAXIS"] = 2
    h["NAXIS1"], h["NAXIS2"] = e["naxis"]
    h["CTYPE1"], h["CTYPE2"] = e["ctype"]
    h["CRVAL1"], h["CRVAL2"] = e["crval"]
    h["CRPIX1"], h["CRPIX2"] = e["crpix"]
    for i in range(2):
        for j in range(2):
            h[f"CD{i + 1}_{j + 1}"] = e["cd"][i][j]
    for key in ("lonpole", "latpole"):
        if key in e:
            h[key.upper()] = e[key]
    for i, m, v in e.get("pv", []):
        h[f"PV{i}_{m}"] = v
    sip = e.get("sip")
    if sip:
        for name in ("a", "b", "ap", "bp"):
            if f"{name}_order" in sip:
                h[f"{name.upper()}_ORDER"] = sip[f"{name}_order"]
                for p, q, v in sip[name]:
                    h[f"{name.upper()}_{p}_{q}"] = v
    return h


def save(skymap: SkyMap, path: str | Path, name: str) -> Path:
    """Write ``skymap`` as a TOML config (``skymaps register -C`` reads it)."""
    from .config import to_toml

    path = Path(path)
    path.write_text(to_toml(skymap.config, name=name), encoding="utf-8")
    return path
