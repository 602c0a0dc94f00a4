"""Re-make the sample pictures in this folder: ``python docs/images/make.py``."""

from pathlib import Path

import astropy.units as u
import numpy as np
from astropy.coordinates import Latitude, Longitude
from mocpy import MOC

import skymaps
from skymaps import plot

HERE = Path(__file__).parent
sky = skymaps.preset("hsc_rings_v1")

# All sky, centred on RA 180 so that RA 0 is the seam, with overlays crossing it.
scene = plot.allsky(sky, title="hsc_rings_v1: 18938 tracts (inner regions)")
scene.add_region(skymaps.Circle(0.0, 20.0, 15.0), label="circle across RA 0")
moc = MOC.from_cone(lon=Longitude(150 * u.deg), lat=Latitude(-60 * u.deg),
                    radius=12 * u.deg, max_depth=6)
scene.add_moc(moc)
rng = np.random.default_rng(1)
scene.add_points(rng.normal(0.0, 4.0, 300) % 360, rng.normal(-30.0, 3.0, 300))
scene.savefig(HERE / "allsky.png", dpi=90)

# The tract that straddles RA 0 on the equator, in its own WCS.
ra0 = int(sky.find_tract(0.0, 0.5))
title = f"hsc_rings_v1: tract {ra0} (across RA 0), its own WCS"
plot.zoom(sky, ra0, title=title).add_points([359.8, 0.2], [0.6, 0.9]).savefig(
    HERE / "tract_ra0.png", dpi=90)

# The south polar cap tract, with a footprint over the pole.
polar = int(sky.find_tract(0.0, -90.0))
plot.zoom(sky, polar, title=f"hsc_rings_v1: tract {polar} (south polar cap)").add_region(
    skymaps.ConvexPolygon.from_lonlat([0, 90, 180, 270], [-89.3] * 4), label="square"
).savefig(HERE / "tract_pole.png", dpi=90)
