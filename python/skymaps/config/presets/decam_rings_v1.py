# ruff: noqa: F821
# decam_rings_v1: the DECam rings skymap (obs_decam's makeSkyMap configuration;
# hash 9a56689d...). Usable with `butler register-skymap REPO -C decam_rings_v1.py`.
config.name = "decam_rings_v1"
config.skyMap.name = "rings"
config.skyMap["rings"].numRings = 120
config.skyMap["rings"].projection = "TAN"
config.skyMap["rings"].tractOverlap = 1.0 / 60  # degrees
config.skyMap["rings"].pixelScale = 0.262  # arcsec/pixel
config.skyMap["rings"].tractBuilder.name = "legacy"
