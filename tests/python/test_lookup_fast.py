"""The compact-table fast path of ``SkyMap.find_tract_patch`` against the general path
(each owning tract's own ``Tract.find_patch``, which goes through the tract's full WCS),
on millions of random points plus ring seams, RA 0/360, the poles and patch edges."""

from __future__ import annotations

import numpy as np
import pytest

from skymaps import RingsSkyMap

HSC = dict(projection="TAN", pixel_scale=0.168, tract_overlap=1 / 60)


def _points() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20261121)
    n = 2_000_000
    lon = [rng.uniform(0.0, 360.0, n)]
    lat = [np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))]
    ring = 180.0 / 121.0
    edges = -90.0 + (np.arange(121) + 0.5) * ring
    seam_lat = np.concatenate(
        [edges, np.nextafter(edges, 90.0), np.nextafter(edges, -90.0), [90.0, -90.0, 0.0]]
    )
    seam_lon = np.concatenate(
        [[0.0, 360.0, -0.0, 1e-300, 359.99999999999994, 180.0, 720.0, -180.0],
         rng.uniform(0.0, 360.0, 200)]
    )
    glon, glat = np.meshgrid(seam_lon, seam_lat)
    lon.append(glon.ravel())
    lat.append(glat.ravel())
    return np.concatenate(lon), np.concatenate(lat)


@pytest.mark.parametrize("projection", ["TAN", "STG"])
def test_fast_path_equals_per_tract_find_patch(projection: str) -> None:
    sky = RingsSkyMap(120, **{**HSC, "projection": projection})
    lon, lat = _points()
    tract, patch = sky.find_tract_patch(lon, lat)
    assert (tract >= 0).all() and (patch >= 0).all()
    order = np.argsort(tract, kind="stable")
    ids, starts = np.unique(tract[order], return_index=True)
    bounds = np.append(starts, len(order))
    expected = np.empty_like(patch)
    for t, a, b in zip(ids, bounds[:-1], bounds[1:], strict=True):
        idx = order[a:b]
        expected[idx] = sky[int(t)].find_patch(lon[idx], lat[idx])
    np.testing.assert_array_equal(patch, expected)


def test_fast_path_patch_edges() -> None:
    """Pixels on and within 1e-9 px of patch boundaries (mapped to the sky by the
    tract's own WCS) get the same patch from both paths."""
    sky = RingsSkyMap(120, **HSC)
    for t in [0, 1, 500, 9000, 9712, 18937]:
        tr = sky[t]
        nx, ny = tr.num_patches
        ix, iy = np.meshgrid(np.arange(nx + 1) * 4000 - 0.5, np.arange(ny + 1) * 4000 - 0.5)
        x = np.concatenate([ix.ravel() + d for d in (0.0, 1e-9, -1e-9)])
        y = np.concatenate([iy.ravel() + d for d in (0.0, -1e-9, 1e-9)])
        lon, lat = tr.wcs.pixel_to_sky(x, y)
        tract, patch = sky.find_tract_patch(lon, lat)
        for tt in np.unique(tract):
            m = tract == tt
            np.testing.assert_array_equal(patch[m], sky[int(tt)].find_patch(lon[m], lat[m]))

