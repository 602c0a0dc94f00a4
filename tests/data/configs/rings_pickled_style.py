# ruff: noqa
import lsst.skymap.ringsSkyMap
assert type(config)==lsst.skymap.ringsSkyMap.RingsSkyMapConfig, 'config is of type %s.%s instead of lsst.skymap.ringsSkyMap.RingsSkyMapConfig' % (type(config).__module__, type(config).__name__)
# dimensions of inner region of patches (x,y pixels)
config.patchInnerDimensions=[x * 1000 for x in (2, 2)]
config.patchBorder=50
for offset in [0.0, 0.5]:
    config.raStart = offset
config.numRings=-(-60)
config.pixelScale=math.radians(1.0) * 3600 / math.pi * math.pi / math.radians(1.0) / 3600 * 0.25
config.projection='STG'
