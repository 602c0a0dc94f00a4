# ruff: noqa
import os.path

config.load(os.path.join(os.path.dirname(__file__), "common", "rings_base.py"))
config.skyMap.active.pixelScale = 0.2
config.skyMap["rings"].tractBuilder = "cells"
config.skyMap["rings"].tractBuilder["cells"].numCellsPerPatchInner = 2 * 10
config.name = "rings_from_load"
