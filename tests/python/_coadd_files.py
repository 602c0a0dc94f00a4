"""Synthetic but realistically formed survey coadds, written with astropy.

* ``wfcam_mef.fits``: a WFCAM-like pawprint stack, a header-only primary HDU
  (``FILTER = 'J'``) and 4 image extensions, one per detector, sharing one ZPN
  projection centre (``PV2_1 = 1``, ``PV2_3 = 220``) with each detector's ``CRPIX``
  off the optical axis and a slight rotation;
* ``vista_tile.fits``: a VISTA-like tile, ZPN with ``PV2_1``, ``PV2_3``, ``PV2_5`` and
  ``HIERARCH ESO INS FILT1 NAME = 'Ks'``;
* ``des_tile.fits``: a DES-like tile, TPV with second- and third-order terms,
  ``BAND = 'r'``;
* ``decam_sip.fits``: a TAN-SIP image of order 3 with A/B and AP/BP,
  ``FILTER = 'g DECam SDSS c0001 4720.0 1520.0'``.

Images are small (about 100-200 pixels a side) with pixels tens of arcseconds wide, so
the footprints have real survey sizes (0.2-1.5 deg) and they overlap near (150, 2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["write_coadds"]


def _cd(scale_arcsec: float, rot_deg: float) -> dict[str, float]:
    s = scale_arcsec / 3600.0
    c, n = np.cos(np.radians(rot_deg)), np.sin(np.radians(rot_deg))
    return {"CD1_1": -s * c, "CD1_2": s * n, "CD2_1": s * n, "CD2_2": s * c}


def _image(shape: tuple[int, int], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def write_coadds(where: str | Path) -> dict[str, Path]:
    """Write the four files into ``where``; returns their paths by short name."""
    from astropy.io import fits

    where = Path(where)
    where.mkdir(parents=True, exist_ok=True)
    paths = {}

    primary = fits.PrimaryHDU()
    primary.header.update({"TELESCOP": "UKIRT", "INSTRUME": "WFCAM", "FILTER": "J"})
    hdus = [primary]
    n = 128
    for k, (ox, oy) in enumerate([(1, 1), (-1, 1), (-1, -1), (1, -1)], start=1):
        h = fits.Header()
        h.update({"CTYPE1": "RA---ZPN", "CTYPE2": "DEC--ZPN", "CRVAL1": 150.0, "CRVAL2": 2.0,
                  # Detector centres 0.6 detector widths from the optical axis.
                  "CRPIX1": n / 2 + 0.5 - ox * 0.6 * n, "CRPIX2": n / 2 + 0.5 - oy * 0.6 * n,
                  "PV2_1": 1.0, "PV2_2": 0.0, "PV2_3": 220.0, "CAMNUM": k,
                  **_cd(6.4, 0.02 * k)})
        hdus.append(fits.ImageHDU(_image((n, n), k), header=h))
    paths["wfcam"] = where / "wfcam_mef.fits"
    fits.HDUList(hdus).writeto(paths["wfcam"], overwrite=True)

    h = fits.Header()
    h.update({"CTYPE1": "RA---ZPN", "CTYPE2": "DEC--ZPN", "CRVAL1": 151.0, "CRVAL2": 2.3,
              "CRPIX1": 90.5, "CRPIX2": 60.5, "PV2_1": 1.0, "PV2_3": 44.0, "PV2_5": -10300.0,
              "HIERARCH ESO INS FILT1 NAME": "Ks", **_cd(30.0, 0.3)})
    paths["vista"] = where / "vista_tile.fits"
    fits.PrimaryHDU(_image((120, 180), 5), header=h).writeto(paths["vista"], overwrite=True)

    h = fits.Header()
    h.update({"CTYPE1": "RA---TPV", "CTYPE2": "DEC--TPV", "CRVAL1": 150.4, "CRVAL2": 1.7,
              "CRPIX1": 70.5, "CRPIX2": 70.5, "BAND": "r",
              "PV1_0": 1e-5, "PV1_1": 1.0002, "PV1_2": 3e-4, "PV1_4": 2e-3, "PV1_5": -1e-3,
              "PV1_7": 5e-3, "PV1_11": 1e-3, "PV2_0": -2e-5, "PV2_1": 0.9997, "PV2_2": -2e-4,
              "PV2_4": 1e-3, "PV2_6": 2e-3, "PV2_10": -4e-3, **_cd(18.0, 0.0)})
    paths["des"] = where / "des_tile.fits"
    fits.PrimaryHDU(_image((140, 140), 6), header=h).writeto(paths["des"], overwrite=True)

    h = fits.Header()
    h.update({"CTYPE1": "RA---TAN-SIP", "CTYPE2": "DEC--TAN-SIP", "CRVAL1": 149.7,
              "CRVAL2": 2.2, "CRPIX1": 50.5, "CRPIX2": 40.5,
              "FILTER": "g DECam SDSS c0001 4720.0 1520.0", **_cd(9.0, 1.0),
              "A_ORDER": 3, "A_2_0": 2e-5, "A_1_1": -1e-5, "A_0_2": 5e-6, "A_3_0": 1e-7,
              "B_ORDER": 3, "B_2_0": -1e-5, "B_0_2": 2e-5, "B_1_2": -1e-7,
              "AP_ORDER": 3, "AP_2_0": -2e-5, "AP_1_1": 1e-5, "AP_0_2": -5e-6,
              "BP_ORDER": 3, "BP_2_0": 1e-5, "BP_0_2": -2e-5})
    paths["sip"] = where / "decam_sip.fits"
    fits.PrimaryHDU(_image((80, 100), 7), header=h).writeto(paths["sip"], overwrite=True)
    return paths
