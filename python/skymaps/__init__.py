"""skymaps: sky tessellations for astronomy surveys.

Exact spherical geometry compatible with ``lsst.sphgeom``, HTM and HEALPix
pixelizations, LSST-compatible skymaps (tracts, patches, cells) built without the
LSST stack, and fast, all-or-nothing registration into a Rubin data butler.
Coordinates are in degrees unless a name says otherwise.
"""

from __future__ import annotations

import os as _os

# First: in the `skymaps` command, Ctrl-C while the package loads prints no traceback.
from . import _startup  # noqa: F401

# isort: split
from . import _core
from .errors import (
    DecodeError,
    IdError,
    InvalidConfigError,
    InvalidCoordinateError,
    InvalidRegionError,
    RegistrationError,
    RepositoryError,
    ShapeMismatchError,
    SkymapsError,
    SkymapsIOError,
)

# [geometry]
from .geometry import (
    Box,
    Circle,
    ConvexPolygon,
    IntersectionRegion,
    Region,
    Relationship,
    UnionRegion,
)

# [pixelization]
from .pixelization import Healpix, Htm, RangeSet
from .threads import get_num_threads, set_num_threads

# [tessellation]
# isort: split
from .constructors import (
    BoxTilingSkyMap,
    BrickSkyMap,
    DiscreteSkyMap,
    DodecaSkyMap,
    EquatSkyMap,
    HealpixSkyMap,
    HtmSkyMap,
    LegacyHealpixSkyMap,
    RingsSkyMap,
)
from .skymap import SkyMap
from .tract import Cell, Patch, PixelBox, Tract, TractRegion
from .wcs import TractWcs

# [lookup]
from .wcs_footprint import footprint

# [config]
# isort: split
from .config import load_config, preset
from .headers import from_headers

__version__: str = _core.__version__

# A forked child inherits a thread pool whose threads do not exist: stay serial there.
if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=lambda: _core.set_parallelism(False))

__all__ = [
    "__version__",
    "DecodeError",
    "IdError",
    "InvalidConfigError",
    "InvalidCoordinateError",
    "InvalidRegionError",
    "RegistrationError",
    "RepositoryError",
    "ShapeMismatchError",
    "SkymapsError",
    "SkymapsIOError",
    "from_headers",
    "get_num_threads",
    "set_num_threads",
    # [geometry]
    "Box",
    "Circle",
    "ConvexPolygon",
    "IntersectionRegion",
    "Region",
    "Relationship",
    "UnionRegion",

    # [pixelization]
    "Healpix",
    "Htm",
    "RangeSet",

    # [tessellation]
    "BoxTilingSkyMap",
    "BrickSkyMap",
    "Cell",
    "DiscreteSkyMap",
    "DodecaSkyMap",
    "EquatSkyMap",
    "HealpixSkyMap",
    "HtmSkyMap",
    "LegacyHealpixSkyMap",
    "Patch",
    "PixelBox",
    "RingsSkyMap",
    "SkyMap",
    "Tract",
    "TractRegion",
    "TractWcs",

    # [lookup]
    "footprint",

    # [config]
    "load_config",
    "preset",
]
