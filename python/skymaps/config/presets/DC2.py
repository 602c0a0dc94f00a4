# ruff: noqa: F821
# DC2: the LSST DESC Data Challenge 2 rings skymap (obs_lsst's LSSTCam-imSim
# configuration; hash 1e5fa85f...). Usable with `butler register-skymap REPO -C DC2.py`.
config.name = "DC2"
config.skyMap.name = "rings"
config.skyMap["rings"].numRings = 120
config.skyMap["rings"].projection = "TAN"
config.skyMap["rings"].tractOverlap = 1.0 / 60  # degrees
config.skyMap["rings"].pixelScale = 0.2  # arcsec/pixel
config.skyMap["rings"].tractBuilder.name = "legacy"
