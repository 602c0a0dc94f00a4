"""One region, one set of bytes: a tract's or patch's polygon from the Python objects
encodes to exactly the bytes registration writes to the butler.

Oracle: the butler records (``skymaps.butler.dimension_records``, the rows
``register`` bulk-loads; ``test_butler_identity.py`` checks those against daf_butler's
own insert path), for every tract and a sample of patches of every preset.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pyarrow")

import skymaps  # noqa: E402
from skymaps.butler import dimension_records  # noqa: E402
from skymaps.config import LSST_PRESETS  # noqa: E402

PATCH_SAMPLE = 3_000


@pytest.mark.slow
@pytest.mark.parametrize("name", LSST_PRESETS)
def test_polygons_encode_to_the_registered_bytes(name):
    sky = skymaps.preset(name)
    records = dimension_records(sky, name)

    tract_rows = records.tract.to_pydict()
    assert tract_rows["id"] == list(range(len(sky)))
    differ = [
        t for t, region in zip(tract_rows["id"], tract_rows["region"], strict=True) if
        sky[t].outer_polygon.encode() != region
    ]
    assert differ == [], f"{len(differ)} tracts of {name} encode differently, e.g. {differ[:5]}"

    patch = records.patch
    rng = np.random.default_rng(9)
    rows = rng.choice(patch.num_rows, min(PATCH_SAMPLE, patch.num_rows), replace=False)
    sample = patch.take(rows).to_pydict()
    for t, x, y, region in zip(
        sample["tract"], sample["cell_x"], sample["cell_y"], sample["region"], strict=True
    ):
        polygon = sky[t].patch((x, y)).outer_polygon
        assert polygon.encode() == region, (name, t, x, y)
        # The same vertices, bit for bit, as the vertex arrays.
        np.testing.assert_array_equal(
            polygon.vertices(), sky[t].patch((x, y)).outer_polygon_vertices
        )
