"""Footprints of images on the sky from their WCS (astropy), as convex polygons.

The footprint of an ``ny x nx`` image is the region inside its pixel edges: x from
-0.5 to nx - 0.5 and y from -0.5 to ny - 0.5 (pixel centres at integers, 0-based).
Its boundary is sampled along each edge and mapped to the sky with astropy
(``all_pix2world``: every distortion astropy applies, e.g. SIP, TPV, ZPN), and the
footprint is the convex hull of those points.

**Bound.** Between two samples the true boundary bulges away from the great-circle
chord by its sagitta. Samples are doubled (from 8 per edge, up to 4096) until the
largest sagitta, measured at the midpoint between every pair of neighbours, is below
``tolerance_arcsec`` (default 0.01 arcsec). Every point of the true footprint then
lies inside the polygon or less than ``tolerance_arcsec`` outside the great circle
of one of its edges (for boundaries whose curvature changes little between samples,
which holds for any optical distortion at these spacings; the test suite checks it
against dense astropy samples). A distorted image that is not convex is replaced by
its convex hull, which contains it.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .errors import InvalidRegionError, SkymapsIOError
from .geometry import ConvexPolygon, UnionRegion

__all__ = ["footprint", "fits_footprints", "visit_region"]

_MIN_SAMPLES = 8
_MAX_SAMPLES = 4096


def _celestial_wcs(wcs: Any, label: str) -> Any:
    """An astropy celestial WCS from a WCS, FITS header or dict of cards."""
    from astropy.io import fits
    from astropy.wcs import WCS, FITSFixedWarning

    if not isinstance(wcs, WCS):
        if isinstance(wcs, dict):
            wcs = fits.Header(wcs)
        if not isinstance(wcs, fits.Header):
            raise TypeError(
                f"{label}: expected an astropy WCS or FITS header, got {type(wcs).__name__}"
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FITSFixedWarning)
            wcs = WCS(wcs)
    if not wcs.has_celestial:
        raise InvalidRegionError(f"{label}: the WCS has no celestial (RA/Dec) axes")
    return wcs.celestial if wcs.naxis != 2 else wcs


def _shape_from(wcs: Any, header: Any, shape: Any, label: str) -> tuple[int, int]:
    if shape is None and header is not None:
        for prefix in ("ZNAXIS", "NAXIS"):
            if f"{prefix}1" in header and f"{prefix}2" in header:
                shape = (header[f"{prefix}2"], header[f"{prefix}1"])
                break
    if shape is None and wcs.pixel_shape is not None:
        nx, ny = wcs.pixel_shape[:2]
        shape = (ny, nx)
    if shape is None:
        raise InvalidRegionError(f"{label}: no image shape (pass shape=(ny, nx))")
    ny, nx = (int(s) for s in shape)
    if nx < 1 or ny < 1:
        raise InvalidRegionError(f"{label}: image shape {(ny, nx)} is empty")
    return ny, nx


def _edge_pixels(nx: int, ny: int, n: int, offset: float) -> np.ndarray:
    """Pixel positions around the box, n per edge, counter-clockwise in pixel space,
    at fractions (j + offset) / n along each edge."""
    t = (np.arange(n) + offset) / n
    x0, x1, y0, y1 = -0.5, nx - 0.5, -0.5, ny - 0.5
    xs = np.concatenate([x0 + t * (x1 - x0), np.full(n, x1), x1 - t * (x1 - x0), np.full(n, x0)])
    ys = np.concatenate([np.full(n, y0), y0 + t * (y1 - y0), np.full(n, y1), y1 - t * (y1 - y0)])
    return np.column_stack([xs, ys])


def _to_xyz(wcs: Any, pixels: np.ndarray, label: str) -> np.ndarray:
    world = wcs.all_pix2world(pixels, 0)
    lon = np.radians(world[:, wcs.wcs.lng])
    lat = np.radians(world[:, wcs.wcs.lat])
    if not (np.all(np.isfinite(lon)) and np.all(np.isfinite(lat))):
        raise InvalidRegionError(
            f"{label}: the WCS gives no sky position for part of the image boundary "
            "(NaN: the image reaches beyond the projection's domain)"
        )
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _max_sagitta(wcs: Any, nx: int, ny: int, n: int, samples: np.ndarray, label: str) -> float:
    """Largest distance (radians) of an edge midpoint from the chord of its neighbours."""
    mids = _to_xyz(wcs, _edge_pixels(nx, ny, n, 0.5), label)
    nxt = np.roll(samples, -1, axis=0)
    normals = np.cross(samples, nxt)
    norms = np.linalg.norm(normals, axis=1)
    ok = norms > 0
    dist = np.zeros(len(mids))
    dist[ok] = np.abs(np.einsum("ij,ij->i", mids[ok], normals[ok]) / norms[ok])
    return float(np.arcsin(np.clip(dist.max(initial=0.0), 0.0, 1.0)))


def footprint(
    wcs: Any, shape: Any = None, *, tolerance_arcsec: float = 0.01, name: str | None = None
) -> ConvexPolygon:
    """The sky footprint of an image: a convex polygon containing it (see the module
    docs for the bound).

    Parameters
    ----------
    wcs : astropy.wcs.WCS, astropy.io.fits.Header or dict
        Any celestial WCS astropy understands (TAN, TAN-SIP, TPV, ZPN, SIN, ...).
    shape : (ny, nx), optional
        Image shape in numpy order; default from the header's ``NAXIS1/2`` (or
        ``ZNAXIS1/2``) or the WCS's ``pixel_shape``.
    tolerance_arcsec : float
        How far the true boundary may lie outside the polygon's edges.
    name : str, optional
        Names the footprint in error messages.

    Raises
    ------
    skymaps.InvalidRegionError
        A WCS without celestial axes, no shape, NaN sky positions on the boundary, or
        a footprint of zero area.

    Examples
    --------
    >>> from astropy.wcs import WCS
    >>> w = WCS(naxis=2)
    >>> w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    >>> w.wcs.crval = [150.0, 2.0]
    >>> w.wcs.crpix = [1024.5, 2048.5]
    >>> w.wcs.cdelt = [-0.263 / 3600, 0.263 / 3600]
    >>> poly = footprint(w, (4096, 2048))
    >>> pixels = 2048 * 4096 * (0.263 / 3600) ** 2  # area of the pixels, deg^2
    >>> abs(poly.area_deg2() / pixels - 1) < 1e-5  # TAN: pixels shrink off-centre
    True
    """
    label = name or "footprint"
    header = wcs if not hasattr(wcs, "all_pix2world") else None
    cel = _celestial_wcs(wcs, label)
    ny, nx = _shape_from(cel, header, shape, label)
    tol = np.radians(float(tolerance_arcsec) / 3600.0)
    n = _MIN_SAMPLES
    while True:
        samples = _to_xyz(cel, _edge_pixels(nx, ny, n, 0.0), label)
        if n >= _MAX_SAMPLES or _max_sagitta(cel, nx, ny, n, samples, label) <= tol:
            break
        n *= 2
    try:
        poly = ConvexPolygon.from_vectors(samples, hull=True)
    except ValueError as err:
        raise InvalidRegionError(f"{label}: {err}") from err
    if not poly.area() > 0.0:
        raise InvalidRegionError(f"{label}: the footprint has zero area")
    return poly


def fits_footprints(
    path: str, *, tolerance_arcsec: float = 0.01
) -> list[tuple[int, str, ConvexPolygon]]:
    """One footprint per image HDU of a FITS file (a single image or a
    multi-extension file such as a DECam or WFCAM exposure).

    Returns
    -------
    list of (hdu index, extension name, ConvexPolygon)

    Raises
    ------
    skymaps.SkymapsIOError
        The file cannot be read, or holds no image.
    skymaps.InvalidRegionError
        An image HDU without a celestial WCS or with a bad one (naming file and HDU).
    """
    from astropy.io import fits

    out = []
    try:
        hdus = fits.open(path, memmap=True)
    except (OSError, ValueError) as err:
        raise SkymapsIOError(f"{path}: cannot read as FITS: {err}") from err
    with hdus:
        for i, hdu in enumerate(hdus):
            header = hdu.header
            naxis = header.get("ZNAXIS", header.get("NAXIS", 0))
            if not getattr(hdu, "is_image", False) or naxis < 2:
                continue
            extname = str(header.get("EXTNAME", ""))
            label = f"{path}[{i}{':' + extname if extname else ''}]"
            out.append(
                (i, extname, footprint(header, tolerance_arcsec=tolerance_arcsec, name=label))
            )
    if not out:
        raise SkymapsIOError(f"{path}: no image HDU (NAXIS >= 2) in the file")
    return out


def visit_region(path: str, *, tolerance_arcsec: float = 0.01) -> UnionRegion:
    """The union of every image footprint of a (multi-extension) FITS file."""
    return UnionRegion(*(p for _, _, p in fits_footprints(path, tolerance_arcsec=tolerance_arcsec)))
