# ruff: noqa: F821
# lsst_cells_v1: the Rubin rings skymap with cell-based patches (obs_lsst's
# makeSkyMap configuration; hash e2736e41...). Patches are 20x20 cells of 150 px
# (3000 px inner) with a border of one cell plus the 50 px cell border (200 px).
config.name = "lsst_cells_v1"
config.skyMap.name = "rings"
config.skyMap["rings"].numRings = 120
config.skyMap["rings"].projection = "TAN"
config.skyMap["rings"].tractOverlap = 1.0 / 60  # degrees
config.skyMap["rings"].pixelScale = 0.2  # arcsec/pixel
config.skyMap["rings"].tractBuilder.name = "cells"
config.skyMap["rings"].tractBuilder["cells"].cellInnerDimensions = [150, 150]
config.skyMap["rings"].tractBuilder["cells"].cellBorder = 50
config.skyMap["rings"].tractBuilder["cells"].numCellsPerPatchInner = 20
config.skyMap["rings"].tractBuilder["cells"].numCellsInPatchBorder = 1
