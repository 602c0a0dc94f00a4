# ruff: noqa
# Shared settings, loaded by register_rings_with_load.py.
config.skyMap = "rings"
config.skyMap["rings"].numRings = 120
config.skyMap["rings"].projection = "TAN"
config.skyMap["rings"].tractOverlap = 1.0 / 60  # degrees
