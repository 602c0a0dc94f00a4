"""Package-level behaviour: import, version, error hierarchy, coordinate handling."""

import os
import subprocess
import sys

import numpy as np
import pytest

import skymaps
from skymaps import _coords, errors


def test_version_matches_extension():
    assert skymaps.__version__ == skymaps._core.__version__
    assert skymaps.__version__.count(".") == 2


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (errors.InvalidCoordinateError, ValueError),
        (errors.InvalidRegionError, ValueError),
        (errors.InvalidConfigError, ValueError),
        (errors.ShapeMismatchError, ValueError),
        (errors.DecodeError, ValueError),
        (errors.IdError, LookupError),
        (errors.SkymapsIOError, OSError),
    ],
)
def test_errors_are_builtin_subclasses(cls, builtin):
    assert issubclass(cls, builtin)
    assert issubclass(cls, errors.SkymapsError)


def test_lonlat_broadcast_and_scalar():
    flat = _coords.lonlat_arrays(10.0, [1.0, 2.0, 3.0])
    assert flat.shape == (3,)
    np.testing.assert_array_equal(flat.lon, [10.0, 10.0, 10.0])
    flat = _coords.lonlat_arrays(1.0, 2.0)
    assert flat.scalar
    assert _coords.restore(np.array([7]), flat) == 7


def test_lonlat_shape_mismatch():
    with pytest.raises(errors.ShapeMismatchError, match="do not broadcast"):
        _coords.lonlat_arrays(np.zeros(3), np.zeros(4))


def test_lonlat_accepts_astropy():
    u = pytest.importorskip("astropy.units")
    coords = pytest.importorskip("astropy.coordinates")
    c = coords.SkyCoord([10.0, 20.0] * u.deg, [-5.0, 5.0] * u.deg)
    flat = _coords.lonlat_arrays(c)
    np.testing.assert_allclose(flat.lon, [10.0, 20.0])
    flat = _coords.lonlat_arrays(np.pi * u.rad, 0.5 * u.deg)
    assert flat.lon[0] == pytest.approx(180.0)


def test_parallelism_switch_and_fork():
    assert skymaps._core.get_parallelism() in (True, False)
    code = (
        "import os, skymaps\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os._exit(0 if not skymaps._core.get_parallelism() else 3)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "raise SystemExit(os.waitstatus_to_exitcode(status))\n"
    )
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
