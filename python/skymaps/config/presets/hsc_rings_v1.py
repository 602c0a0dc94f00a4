# ruff: noqa: F821
# hsc_rings_v1: the HSC rings skymap, as registered by the HSC butler repositories
# (obs_subaru's makeSkyMap configuration; hash e29fe9f1...). Usable as
# `butler register-skymap REPO -C hsc_rings_v1.py`; read by skymaps without pex_config.
config.name = "hsc_rings_v1"
config.skyMap.name = "rings"
config.skyMap["rings"].numRings = 120
config.skyMap["rings"].projection = "TAN"
config.skyMap["rings"].tractOverlap = 1.0 / 60  # degrees
config.skyMap["rings"].pixelScale = 0.168  # arcsec/pixel
# Patches: the legacy tract builder with its defaults (4000x4000 px, 100 px border).
config.skyMap["rings"].tractBuilder.name = "legacy"
